"""API tokens expire WENMING_API_TOKEN_DAYS after their last use, can all be revoked (by the user
and in the admin), and logins/logouts of every kind are logged (axes' AccessLog)."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessLog
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN = "/api/auth/token/"
REVOKE = "/api/auth/token/revoke-all/"
ME = "/api/me/"


def _token(client, username="head-tuanjie"):
    response = client.post(
        TOKEN, {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(client, key, **extra):
    return client.get(ME, HTTP_AUTHORIZATION=f"Token {key}", **extra)


def _later(days):
    return time_machine.travel(timezone.now() + dt.timedelta(days=days))


def test_unused_token_expires_after_30_days(client, station_head):
    key = _token(client)
    with _later(29):
        assert _me(client, key).status_code == 200
    with _later(29 + 31):
        response = _me(client, key)
        assert response.status_code == 401
        assert response.json() == {
            "detail": "令牌已过期，请重新获取。",
            "code": "token_expired",
            "fields": {},
        }
    assert not Token.objects.filter(key=key).exists()


def test_expired_token_in_english(client, station_head):
    key = _token(client)
    with _later(31):
        response = _me(client, key, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has expired; get a new one."


def test_use_renews_the_token(client, station_head):
    key = _token(client)
    for day in (20, 40, 60):
        with _later(day):
            assert _me(client, key).status_code == 200
    assert Token.objects.get(key=key).created > timezone.now() + dt.timedelta(days=59)


def test_lifetime_is_a_setting(client, station_head, settings):
    settings.WENMING_API_TOKEN_DAYS = 2
    key = _token(client)
    with _later(1):
        assert _me(client, key).status_code == 200
    with _later(1 + 3):
        assert _me(client, key).status_code == 401


def test_use_within_the_hour_writes_nothing(client, station_head):
    key = _token(client)
    created = Token.objects.get(key=key).created
    _me(client, key)
    assert Token.objects.get(key=key).created == created


def test_new_token_after_expiry(client, station_head):
    key = _token(client)
    with _later(31):
        fresh = _token(client)
    assert fresh != key
    assert list(Token.objects.filter(user=station_head).values_list("key", flat=True)) == [fresh]


def test_asking_again_renews_the_same_token(client, station_head):
    key = _token(client)
    with _later(20):
        assert _token(client) == key
    with _later(45):
        assert _me(client, key).status_code == 200


def test_revoke_all_own_tokens(client, station_head):
    key = _token(client)
    response = client.post(REVOKE, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json() == {"revoked": 1}
    assert not Token.objects.filter(user=station_head).exists()
    assert _me(client, key).status_code == 401


def test_revoke_all_rejections(client, station_head, town_admin):
    other = _token(client, "admin-hongxu")
    assert client.post(REVOKE).status_code == 401
    assert client.post(REVOKE, HTTP_AUTHORIZATION="Token nonsense").status_code == 401
    mine = _token(client)
    assert client.get(REVOKE, HTTP_AUTHORIZATION=f"Token {mine}").status_code == 405
    assert client.post(REVOKE, HTTP_AUTHORIZATION=f"Token {mine}").status_code == 200
    # Only the caller's tokens go.
    assert Token.objects.filter(key=other).exists()


def test_admin_action_revokes_users_tokens(client, superuser, station_head, town_admin):
    head_key = _token(client)
    town_key = _token(client, "admin-hongxu")
    client.force_login(superuser)
    response = client.post(
        "/admin/auth/user/",
        {"action": "revoke_api_tokens", "_selected_action": [station_head.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "已吊销 1 个用户的 1 个令牌。" in response.content.decode()
    assert not Token.objects.filter(key=head_key).exists()
    assert Token.objects.filter(key=town_key).exists()


def test_api_login_and_revoke_are_logged(client, station_head):
    key = _token(client)
    log = AccessLog.objects.get(username="head-tuanjie")
    assert log.path_info == TOKEN
    assert log.ip_address == "127.0.0.1"
    assert log.logout_time is None
    client.post(REVOKE, HTTP_AUTHORIZATION=f"Token {key}")
    log.refresh_from_db()
    assert log.logout_time is not None
    station_head.refresh_from_db()
    assert station_head.last_login is not None


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_html_and_admin_login_and_logout_are_logged(client, superuser, url):
    response = client.post(url, {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    log = AccessLog.objects.get(username="root")
    assert log.path_info == url
    assert log.logout_time is None
    client.post("/accounts/logout/")
    log.refresh_from_db()
    assert log.logout_time is not None


def test_login_log_is_in_the_admin(client, superuser):
    client.post("/accounts/login/", {"username": "root", "password": PASSWORD})
    response = client.get("/admin/axes/accesslog/")
    assert response.status_code == 200
    assert "/accounts/login/" in response.content.decode()
