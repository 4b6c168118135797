"""POST /api/auth/token/: username and password in, token out; bad credentials are a 400."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/auth/token/"


def test_token_for_good_credentials(client, station_head):
    response = client.post(
        URL, {"username": "head-tuanjie", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=station_head).key == token
    # The same token again: one per login.
    again = client.post(
        URL, {"username": "head-tuanjie", "password": PASSWORD}, content_type="application/json"
    )
    assert again.json() == {"token": token}


def test_bad_password_is_400_in_chinese(client, station_head):
    response = client.post(
        URL, {"username": "head-tuanjie", "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "无法使用提供的认证信息登录。"
    assert body["fields"] == {"non_field_errors": ["无法使用提供的认证信息登录。"]}
    assert not Token.objects.exists()


def test_bad_password_in_english(client, station_head):
    response = client.post(
        URL,
        {"username": "head-tuanjie", "password": "wrong"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Unable to log in with provided credentials."


def test_missing_fields_are_listed(client):
    response = client.post(URL, {}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert set(body["fields"]) == {"username", "password"}
    assert body["fields"]["password"] == ["该字段是必填项。"]


def test_inactive_user_gets_no_token(client, station_head):
    station_head.is_active = False
    station_head.save()
    response = client.post(
        URL, {"username": "head-tuanjie", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 400


def test_malformed_json_is_400(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_stale_token_header_does_not_block_login(client, station_head):
    response = client.post(
        URL,
        {"username": "head-tuanjie", "password": PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION="Token expired",
    )
    assert response.status_code == 200


def test_token_endpoint_is_rate_limited(client, station_head, monkeypatch):
    rates = {"auth_token": "3/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    for _ in range(3):
        client.post(
            URL, {"username": "head-tuanjie", "password": "wrong"}, content_type="application/json"
        )
    response = client.post(
        URL, {"username": "head-tuanjie", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_forged_forwarded_for_does_not_escape_the_rate_limit(client, station_head, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth_token": "3/minute"})
    for i in range(3):
        client.post(
            URL,
            {"username": "nobody", "password": "x"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{i}",
        )
    response = client.post(
        URL,
        {"username": "head-tuanjie", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="1.1.1.99",
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
