"""manage.py demo: the five demo logins on an empty database, idempotently, only in DEBUG."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from stations.models import Position, Role
from stations.scope import scope_for
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
LOGINS = {"admin", "city", "town", "station", "volunteer"}


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", no_server=True, verbosity=0, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_demo_on_empty_database_creates_the_five_logins(debug_on, client):
    User = get_user_model()
    assert not User.objects.exists()

    output = run_demo()

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


def test_city_login_runs_the_catalogue_in_the_admin(debug_on, client):
    run_demo()
    client.force_login(get_user_model().objects.get(username="city"))
    assert client.get("/admin/orders/menuitem/").status_code == 200
    assert client.get("/admin/volunteers/team/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403  # logins stay with the superuser
    client.force_login(get_user_model().objects.get(username="town"))
    assert client.get("/admin/orders/menuitem/").status_code == 302  # not staff: to the login


def test_demo_is_idempotent(debug_on):
    run_demo()
    counts = (get_user_model().objects.count(), Role.objects.count())
    linked = Volunteer.objects.get(user__username="volunteer").pk

    output = run_demo()

    assert "跳过" in output  # the data is not seeded twice
    assert (get_user_model().objects.count(), Role.objects.count()) == counts
    assert Volunteer.objects.get(user__username="volunteer").pk == linked
    assert Volunteer.objects.filter(home_village__name="团结村").count() == 40


def test_demo_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        run_demo()
    assert not get_user_model().objects.exists()


def test_demo_rejects_bad_port(debug_on):
    with pytest.raises(CommandError, match="--port"):
        run_demo(port=70000)
