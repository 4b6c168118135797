"""Named actors shared by every test: the places of the article and the people who use them.

- ``tuanjie``: 团结村 in 洪绪镇, with its station; ``other_village``: a village of 龙泉街道.
- ``resident``: the details a resident types into the order form (no account).
- ``volunteer``: a volunteer of 团结村 with a login and the 文明宣讲 skill. Around them, each with
  a login: ``town_volunteer`` of 前进村 (same town, no skill), ``far_volunteer`` of 龙泉社区
  (another town), ``inactive_volunteer`` of 团结村, taken off the register.
- ``station_head``: the head of 团结村's station. ``town_admin``: admin of 洪绪镇;
  ``other_town_admin``: admin of 龙泉街道. ``city_admin``: the city centre.
"""

import fcntl
import os
import re

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from config.celery import app as celery_app
from orders.models import VolunteerSkill
from stations.models import Role, Town, Village
from tests import factories as f
from tests import schema_template


def _own_redis_databases() -> None:
    """pytest-xdist runs the suite in several processes (``-n`` in pyproject's addopts). Each one
    clears the cache before every test and counts rate limits, so on Redis each needs databases
    of its own: worker ``gwN`` uses the numbers it was given minus 2N (CI's broker /14 and cache
    /15 stay for gw0 and become /12 and /13 for gw1). Done as this conftest is imported, before
    any cache or broker connection: in the settings, the Celery app, and the environment that
    subprocesses (gunicorn, Celery workers) inherit. pytest-django already gives each worker a
    test database of its own (``test_<name>_gwN``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    n = int(worker[2:]) if worker[2:].isdigit() else 0
    if n == 0:
        return

    def shifted(url: str) -> str:
        match = re.fullmatch(r"(rediss?://[^/]*)/(\d+)", url)
        if not match:
            return url
        db = int(match[2]) - 2 * n
        if db < 0:
            raise pytest.UsageError(f"{worker} has no Redis database below {url}: use fewer -n")
        return f"{match[1]}/{db}"

    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"):
        value = getattr(django_settings, name) or ""
        if shifted(value) != value:
            setattr(django_settings, name, shifted(value))
            os.environ[name] = shifted(value)
    if django_settings.CACHE_URL:
        django_settings.CACHES["default"]["LOCATION"] = django_settings.CACHE_URL
    if django_settings.CELERY_BROKER_URL:
        celery_app.conf.update(
            broker_url=django_settings.CELERY_BROKER_URL,
            result_backend=django_settings.CELERY_RESULT_BACKEND,
        )


_own_redis_databases()


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject): a run that names test files, not directories, stays in one
    process (a second test database costs more than it saves); else xdist counts the CPUs."""
    if config.args and all(arg.split("::")[0].endswith(".py") for arg in config.args):
        return 0
    return None


@pytest.fixture(scope="session")
def _schema_template():
    """Listed before ``django_db_setup`` below, so it runs first: the in-memory SQLite test
    database is copied from the migrated template when there is one (``tests/schema_template``)."""
    return schema_template.install()


@pytest.fixture(scope="session")
def django_db_setup(_schema_template, django_db_setup):
    """pytest-django's, with the schema template in place while it creates the databases only."""
    _schema_template()
    yield


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The long files first (``long`` or ``browser``): pytest-xdist hands files to the workers in
    this order, so that a long one is not started last while the other worker has run out."""
    items.sort(
        key=lambda item: not (item.get_closest_marker("long") or item.get_closest_marker("browser"))
    )


@pytest.fixture
def city(db):
    return f.CityFactory(name="滕州市")


@pytest.fixture
def hongxu(city):
    return f.TownFactory(city=city, name="洪绪镇", kind=Town.Kind.TOWN)


@pytest.fixture
def longquan(city):
    return f.TownFactory(city=city, name="龙泉街道", kind=Town.Kind.SUBDISTRICT)


@pytest.fixture
def tuanjie(hongxu):
    return f.VillageFactory(town=hongxu, name="团结村")


@pytest.fixture
def tuanjie_station(tuanjie):
    return f.StationFactory(village=tuanjie)


@pytest.fixture
def neighbour_village(hongxu):
    """Another village of 洪绪镇: same town, different station."""
    return f.VillageFactory(town=hongxu, name="前进村")


@pytest.fixture
def other_village(longquan):
    return f.VillageFactory(town=longquan, name="龙泉社区", kind=Village.Kind.COMMUNITY)


@pytest.fixture
def lecture_category(db):
    return f.ServiceCategoryFactory(name="文明宣讲", code="lecture")


@pytest.fixture
def theory_platform(db):
    return f.PlatformFactory(name="理论宣讲")


@pytest.fixture
def menu_item(theory_platform, lecture_category):
    return f.MenuItemFactory(
        title="党的理论政策宣讲", platform=theory_platform, category=lecture_category
    )


@pytest.fixture
def resident():
    return {"name": "李大娘", "phone": "13812341234"}


@pytest.fixture
def volunteer_user(db):
    return f.UserFactory(username="v-tuanjie", first_name="张明")


@pytest.fixture
def volunteer(tuanjie, volunteer_user, lecture_category):
    vol = f.VolunteerFactory(
        name="张明", home_village=tuanjie, user=volunteer_user, phone="13900001111"
    )
    team = f.TeamFactory(name="团结村志愿服务队", village=tuanjie)
    f.MembershipFactory(team=team, volunteer=vol)
    VolunteerSkill.objects.create(volunteer=vol, category=lecture_category)
    return vol


@pytest.fixture
def town_volunteer(neighbour_village):
    user = f.UserFactory(username="v-qianjin")
    return f.VolunteerFactory(name="王芳", home_village=neighbour_village, user=user)


@pytest.fixture
def far_volunteer(other_village):
    user = f.UserFactory(username="v-far")
    return f.VolunteerFactory(name="赵强", home_village=other_village, user=user)


@pytest.fixture
def inactive_volunteer(tuanjie):
    user = f.UserFactory(username="v-inactive")
    return f.VolunteerFactory(name="钱伟", home_village=tuanjie, user=user, is_active=False)


@pytest.fixture
def station_head(tuanjie_station):
    user = f.UserFactory(username="head-tuanjie")
    Role.objects.create(
        user=user, kind=Role.Kind.STATION_HEAD, city=tuanjie_station.city, position=tuanjie_station
    )
    return user


@pytest.fixture
def neighbour_head(neighbour_village):
    """The head of 前进村's station: same town as 团结村, not its events."""
    station = f.StationFactory(village=neighbour_village)
    user = f.UserFactory(username="head-qianjin")
    Role.objects.create(user=user, kind=Role.Kind.STATION_HEAD, city=station.city, position=station)
    return user


@pytest.fixture
def town_admin(hongxu):
    user = f.UserFactory(username="admin-hongxu")
    Role.objects.create(user=user, kind=Role.Kind.TOWN_ADMIN, city=hongxu.city, town=hongxu)
    return user


@pytest.fixture
def other_town_admin(longquan):
    user = f.UserFactory(username="admin-longquan")
    Role.objects.create(user=user, kind=Role.Kind.TOWN_ADMIN, city=longquan.city, town=longquan)
    return user


@pytest.fixture
def city_admin(city):
    user = f.UserFactory(username="admin-city")
    Role.objects.create(user=user, kind=Role.Kind.CITY_ADMIN, city=city)
    return user


@pytest.fixture
def shop(tuanjie_station):
    """团结村's points supermarket: one reward, 15 points, two in stock."""
    from volunteers.models import Reward

    return Reward.objects.create(position=tuanjie_station, name="洗衣粉", points=15, stock=2)


@pytest.fixture
def no_quiet_hours(settings):
    """SMS go out at any hour (the quiet hours would hold them until the morning)."""
    settings.WENMING_SMS_QUIET_HOURS = ""


@pytest.fixture
def superuser(db):
    user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    return user


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached reports live in the cache (Redis in CI): start each test clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _postgres_tests_one_at_a_time(request, tmp_path_factory):
    """The PostgreSQL tests (races with up to 50 connections against ``max_connections`` 100,
    databases created and restored) never overlap: under xdist, each holds a lock file shared
    by the run's workers (in the run's temporary directory) while it runs."""
    if not request.node.get_closest_marker("postgres") or "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    lock_path = tmp_path_factory.getbasetemp().parent / "postgres-tests.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


@pytest.fixture(autouse=True)
def _celery_join_allowed():
    """Celery's "a join will block" flag is one global of the process, set around every eagerly
    run task and restored after it; two threads running eager tasks at once (the race tests)
    can restore it in the wrong order and leave it on, after which any ``result.get()`` in a
    later test raises "Never call result.get() within a task!". Each test starts with it off."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Chinese, the default: a request in English (Accept-Language, the
    cookie) leaves English active in the thread after it, and xdist runs tests in any order."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def _broker_breaker_closed():
    """A test that took the broker down must not keep the next test from queueing."""
    from core import queueing

    queueing._broker_down_until = 0.0


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Django's default hasher takes ~0.3 s per password by design; tests need no such cost.
    Session-wide, so that the data built once per module (``django_db_blocker``) gets it too."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process even when a broker is configured (CI runs on Redis); the
    tests of real workers cover the broker. A folder whose tests all need it makes it autouse
    in its conftest."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def page(monkeypatch):
    """A phone-sized page in headless Chromium (see ``tests/browser.py``)."""
    from tests.browser import phone_page

    yield from phone_page(monkeypatch)


@pytest.fixture
def api():
    """A DRF test client, anonymous."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def as_user():
    """``as_user(user)``: a client that sends ``Authorization: Token …`` like a real app (so
    the queries counted are those a real client causes)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def head(as_user, station_head):
    """The API as 团结村's station head (a module that needs the pages as them defines its own
    ``head``)."""
    return as_user(station_head)


@pytest.fixture
def api_as(api, as_user, request):
    """``api_as(name)``: the API as the person the fixture ``name`` makes (a volunteer through
    their login), or ``api_as("anonymous")``: the anonymous API. For tables of callers."""

    def make(name: str):
        if name == "anonymous":
            return api
        person = request.getfixturevalue(name)
        return as_user(getattr(person, "user", person))

    return make
