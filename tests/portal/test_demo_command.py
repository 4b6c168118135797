"""manage.py demo: the five demo logins on an empty database, idempotently, only in DEBUG."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from portal import seeding
from portal.demo_logins import CITY_STAFF_GROUP
from stations.models import City, Position, Role
from stations.scope import scope_for
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
LOGINS = {"admin", "city", "town", "station", "volunteer"}
# What the logins stand on: the places, the teams (the volunteer's profile) and the menu (their
# skills). The later steps (a year of orders and events, the report rollups) take most of a
# seed's time and are tests/portal/test_seed_demo.py's and tests/portal/test_admin.py's.
LOGIN_STEPS = {"places", "teams", "menu"}


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", no_server=True, verbosity=0, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    """``demo`` run once per module on the empty database; each test still rolls back its own
    writes. Yields whether any login existed before, and the command's output."""
    patch = pytest.MonkeyPatch()
    patch.setattr(seeding, "STEPS", [s for s in seeding.STEPS if s[0] in LOGIN_STEPS])
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        had_users = get_user_model().objects.exists()
        output = run_demo()
        yield had_users, output
        with transaction.atomic():
            seeding.delete_domain_data()
            Group.objects.filter(name=CITY_STAFF_GROUP).delete()
            get_user_model().objects.filter(username__in=LOGINS).delete()
    patch.undo()


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def demo(_demo_once, db, debug_on):
    return _demo_once


def test_demo_on_empty_database_creates_the_five_logins(demo, client):
    had_users, output = demo
    User = get_user_model()
    assert not had_users

    assert set(User.objects.values_list("username", flat=True)) == LOGINS
    assert "wenming-demo" in output and "/orders/new/" in output and "/api/docs/" in output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    roles = {r.user.username: r for r in Role.objects.select_related("user", "town", "position")}
    assert roles["city"].kind == Role.Kind.CITY_ADMIN
    assert roles["town"].kind == Role.Kind.TOWN_ADMIN and roles["town"].town.name == "洪绪镇"
    station = roles["station"].position
    assert roles["station"].kind == Role.Kind.STATION_HEAD
    assert station.village.name == "团结村" and station.level == Position.Level.STATION
    assert station.head_user.username == "station"
    profile = Volunteer.objects.get(user__username="volunteer")
    assert profile.home_village == station.village
    assert profile.skill_links.exists()
    for username in LOGINS:
        assert client.login(username=username, password=django_settings.WENMING_DEMO_PASSWORD)

    # Scopes follow the roles.
    assert scope_for(User.objects.get(username="city")).everything
    assert scope_for(User.objects.get(username="town")).town_ids == {station.town_id}
    assert scope_for(User.objects.get(username="station")).village_ids == {station.village_id}
    assert scope_for(User.objects.get(username="volunteer")).is_empty


def test_city_login_runs_the_catalogue_in_the_admin(demo, client):
    client.force_login(get_user_model().objects.get(username="city"))
    assert client.get("/admin/orders/menuitem/").status_code == 200
    assert client.get("/admin/volunteers/team/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403  # logins stay with the superuser
    client.force_login(get_user_model().objects.get(username="town"))
    assert client.get("/admin/orders/menuitem/").status_code == 302  # not staff: to the login


def test_demo_is_idempotent(demo):
    counts = (get_user_model().objects.count(), Role.objects.count())
    linked = Volunteer.objects.get(user__username="volunteer").pk

    output = run_demo()

    assert "跳过" in output  # the data is not seeded twice
    assert (get_user_model().objects.count(), Role.objects.count()) == counts
    assert Volunteer.objects.get(user__username="volunteer").pk == linked
    assert Volunteer.objects.filter(home_village__name="团结村").count() == 40


def test_demo_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    # Whether or not the module's demo run came first, the refusal changes nothing.
    before = (get_user_model().objects.count(), City.objects.count())
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        run_demo()
    assert (get_user_model().objects.count(), City.objects.count()) == before


def test_demo_rejects_bad_port(debug_on):
    with pytest.raises(CommandError, match="--port"):
        run_demo(port=70000)
