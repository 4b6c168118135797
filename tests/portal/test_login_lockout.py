"""Login brute force: the login page, the admin and POST /api/auth/token/ share one lockout
(django-axes) per username and per client address, with an automatic cool-off."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/auth/token/"
JSON = "application/json"  # the API's request bodies are JSON (a form body is 415)


def _login(client, url, username, password, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return 5


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_html_login_locks_after_the_limit_then_cools_off(client, station_head, limit, url):
    station_head.is_staff = True
    station_head.save()
    for _ in range(limit - 1):
        assert _login(client, url, "head-tuanjie", "wrong").status_code == 200
    # The limit-th failure locks; from then on even the right password is refused.
    assert _login(client, url, "head-tuanjie", "wrong").status_code == 429
    locked = _login(client, url, "head-tuanjie", PASSWORD)
    assert locked.status_code == 429
    assert "登录失败次数过多，请 15 分钟后再试。" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert _login(client, url, "head-tuanjie", PASSWORD).status_code == 302
    assert int(client.session["_auth_user_id"]) == station_head.pk
    # A successful login clears the failures.
    assert not AccessAttempt.objects.filter(username="head-tuanjie").exists()


def test_lockout_page_in_english(client, station_head, limit):
    for _ in range(limit):
        _login(client, LOGIN, "head-tuanjie", "wrong")
    response = _login(client, LOGIN, "head-tuanjie", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_one_rule_for_page_admin_and_api(client, station_head, limit):
    _login(client, LOGIN, "head-tuanjie", "wrong")
    _login(client, LOGIN, "head-tuanjie", "wrong")
    _login(client, ADMIN_LOGIN, "head-tuanjie", "wrong")
    client.post(TOKEN, {"username": "head-tuanjie", "password": "wrong"}, content_type=JSON)
    assert (
        client.post(
            TOKEN, {"username": "head-tuanjie", "password": "x"}, content_type=JSON
        ).status_code
        == 429
    )
    response = client.post(
        TOKEN, {"username": "head-tuanjie", "password": PASSWORD}, content_type=JSON
    )
    assert response.status_code == 429
    assert response.json() == {
        "detail": "登录失败次数过多，请 15 分钟后再试。",
        "code": "locked_out",
        "fields": {},
    }
    assert response["Retry-After"] == "900"
    assert AccessFailureLog.objects.filter(username="head-tuanjie").count() >= limit


def test_api_lockout_in_english(client, station_head, limit):
    for _ in range(limit):
        client.post(TOKEN, {"username": "head-tuanjie", "password": "wrong"}, content_type=JSON)
    response = client.post(
        TOKEN,
        {"username": "head-tuanjie", "password": PASSWORD},
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert response.json()["detail"] == "Too many failed logins; try again in 15 minutes."


def test_per_address_lockout_across_usernames(client, limit):
    users = [UserFactory(username=f"user{i}") for i in range(limit + 1)]
    for user in users[:limit]:
        _login(client, LOGIN, user.username, "wrong", REMOTE_ADDR="203.0.113.5")
    # This address is now locked, even for a username it never tried.
    last = users[limit].username
    assert _login(client, LOGIN, last, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    # The same user from another address logs in.
    assert _login(client, LOGIN, last, PASSWORD, REMOTE_ADDR="203.0.113.6").status_code == 302


def test_forged_forwarded_for_does_not_reset_the_budget(client, limit, settings):
    settings.WENMING_TRUSTED_PROXIES = []
    users = [UserFactory(username=f"user{i}") for i in range(limit + 1)]
    for i, user in enumerate(users[:limit]):
        _login(client, LOGIN, user.username, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = _login(
        client, LOGIN, users[limit].username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
    assert response.status_code == 429


def test_forged_forwarded_for_cannot_lock_out_a_victims_address(client, station_head, limit):
    users = [UserFactory(username=f"user{i}") for i in range(limit)]
    for user in users:
        _login(
            client,
            LOGIN,
            user.username,
            "wrong",
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    victim = _login(client, LOGIN, "head-tuanjie", PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert victim.status_code == 302


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(client, limit, settings):
    settings.WENMING_TRUSTED_PROXIES = ["10.0.0.1"]
    users = [UserFactory(username=f"user{i}") for i in range(limit + 1)]
    for user in users[:limit]:
        _login(
            client,
            LOGIN,
            user.username,
            "wrong",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    # The attacker behind the proxy is locked out ...
    attacker = _login(
        client,
        LOGIN,
        users[limit].username,
        PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert attacker.status_code == 429
    # ... another resident behind the same proxy is not.
    other = _login(
        client,
        LOGIN,
        users[limit].username,
        PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other.status_code == 302
    assert AccessAttempt.objects.filter(ip_address="198.51.100.1").exists()
    assert not AccessAttempt.objects.filter(ip_address="10.0.0.1").exists()


def test_wrong_passwords_below_the_limit_do_not_lock(client, station_head, limit):
    for _ in range(limit - 1):
        _login(client, LOGIN, "head-tuanjie", "wrong")
    assert _login(client, LOGIN, "head-tuanjie", PASSWORD).status_code == 302
