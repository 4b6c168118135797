"""Every error the API gives has one shape, in Chinese by default and English on request."""

import pytest
from rest_framework.authtoken.models import Token

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.error_urls")]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def assert_shape(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["fields"], dict)
    return body


def test_django_validation_error_with_fields_is_400_per_field(client):
    body = assert_shape(client.get("/api/test/field-error/"), 400, "invalid")
    assert body["fields"] == {"phone": ["手机号码格式不正确。"]}
    assert body["detail"] == "输入有误，请检查标出的字段。"


def test_django_validation_error_without_fields_is_the_detail(client):
    body = assert_shape(client.post("/api/test/plain-error/"), 400, "invalid")
    assert body["detail"] == "不能给自己派单。"
    assert body["fields"] == {"non_field_errors": ["不能给自己派单。"]}


def test_domain_errors_map_to_their_status(client):
    body = assert_shape(client.post("/api/test/domain-invalid/"), 400, "invalid")
    assert body["fields"] == {"hours": ["时长必须大于零。"]}
    assert body["detail"] == "输入有误，请检查后重试。"
    assert_shape(client.get("/api/test/domain-scope/"), 404, "not_found")
    assert_shape(client.get("/api/test/domain-forbidden/"), 403, "permission_denied")
    body = assert_shape(client.post("/api/test/domain-conflict/"), 409, "conflict")
    assert body["detail"] == "当前状态不允许此操作。"


def test_domain_errors_in_english(client):
    body = assert_shape(client.post("/api/test/domain-conflict/", **EN), 409, "conflict")
    assert body["detail"] == "This action is not allowed in the current state."
    body = assert_shape(client.get("/api/test/domain-scope/", **EN), 404, "not_found")
    assert body["detail"] == "Not found."
    body = assert_shape(client.get("/api/test/field-error/", **EN), 400, "invalid")
    assert body["detail"] == "Invalid input: please check the marked fields."


def test_http404_does_not_leak_its_message(client):
    body = assert_shape(client.get("/api/test/http404/"), 404, "not_found")
    assert "secret" not in body["detail"]
    assert body["detail"] == "未找到。"


def test_django_permission_denied_is_403(client):
    assert_shape(client.get("/api/test/django-denied/"), 403, "permission_denied")


def test_anonymous_is_401_with_a_token_challenge(client):
    response = client.get("/api/test/login-required/")
    body = assert_shape(response, 401, "not_authenticated")
    assert body["detail"] == "身份认证信息未提供。"
    assert response["WWW-Authenticate"] == "Token"
    body = assert_shape(client.get("/api/test/login-required/", **EN), 401, "not_authenticated")
    assert body["detail"] == "Authentication credentials were not provided."


def test_bad_token_is_401(client):
    response = client.get("/api/test/login-required/", HTTP_AUTHORIZATION="Token nope")
    assert_shape(response, 401, "authentication_failed")


def test_good_token_passes_authentication(client, volunteer_user):
    token = Token.objects.create(user=volunteer_user)
    response = client.get("/api/test/login-required/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert_shape(response, 400, "invalid")


def test_wrong_method_is_405(client):
    response = client.get("/api/auth/token/")
    body = assert_shape(response, 405, "method_not_allowed")
    assert "GET" in body["detail"]


def test_throttled_is_429(client):
    assert client.get("/api/test/throttled/").status_code == 200
    response = client.get("/api/test/throttled/")
    body = assert_shape(response, 429, "throttled")
    assert "Retry-After" in response
    assert body["detail"].startswith("请求已被限流")
    body = assert_shape(client.get("/api/test/throttled/", **EN), 429, "throttled")
    assert body["detail"].startswith("Request was throttled")


def test_unknown_api_url_is_404_json(client):
    body = assert_shape(client.get("/api/no-such-thing/"), 404, "not_found")
    assert body["detail"] == "未找到。"
    body = assert_shape(client.post("/api/no/such/thing/", **EN), 404, "not_found")
    assert body["detail"] == "Not found."


def test_unknown_api_url_post_with_csrf_checks_is_404_json():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert_shape(client.post("/api/events/null/checkins/", {"a": 1}), 404, "not_found")


def test_pages_outside_api_keep_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
