"""Issue 14, finding 4: inputs that crashed the server answer 400, on every kind of endpoint.

NUL bytes: PostgreSQL refuses them in text, so any that reached a query was a 500 there (SQLite
takes them); these tests show it on PostgreSQL and pin the 400 on both. Deeply nested JSON:
Python's parser gives up with a RecursionError, which DRF's parser let through as a 500.
"""

import json

import pytest
from django.test import Client

from orders.models import Order

NUL_URLS = [
    "/orders/villages/?q=%00",
    "/orders/new/?q=%00",
    "/orders/new/?q=a%00b&town=1",
    "/orders/t/%00abc/",
    "/api/menu-items/?search=%00",
    "/api/towns/?search=%00",
    "/api/villages/?search=%00",
    "/api/platforms/?search=%00",
    "/api/categories/?search=%00",
    "/api/events/?search=%00",
    "/api/events/?q%00=1",
    "/api/orders/track/%00/",
    "/calendar/?village=%00",
    "/events/?state=%00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_in_a_query_or_path_is_400_not_500(client, url, tuanjie, menu_item):
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    if url.startswith("/api/"):
        body = response.json()
        assert set(body) == {"detail", "code", "fields"} and body["code"] == "invalid"
    else:
        assert "无效字符" in response.content.decode()


@pytest.mark.django_db
def test_nul_message_in_english(client):
    response = client.get("/api/menu-items/?search=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "invalid character" in response.json()["detail"]


@pytest.mark.django_db
def test_nul_in_the_admin_search_is_400(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/orders/order/?q=%00").status_code == 400
    assert client.get("/admin/orders/order/?q=ok").status_code == 200


@pytest.mark.django_db
def test_nul_in_a_form_post_is_400_and_writes_nothing(tuanjie, menu_item, resident):
    client = Client()
    data = {"village": tuanjie.pk, "menu_item": menu_item.pk, "people": 1, **resident}
    response = client.post("/orders/new/", {**data, "description": "讲\x00政策"})
    assert response.status_code == 400
    assert not Order.objects.exists()
    assert client.post("/orders/new/", data).status_code == 302


@pytest.mark.django_db
def test_nul_in_a_json_string_is_a_field_error(api, tuanjie, menu_item, resident):
    data = {"village": tuanjie.pk, "menu_item": menu_item.pk, **resident, "name": "李\x00"}
    response = api.post("/api/orders/", data, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["fields"]
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_plain_queries_still_work(client, tuanjie):
    assert client.get("/orders/villages/?q=团结").json()["villages"][0]["name"] == "团结村"


DEEP = 3000


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,as_admin",
    [
        ("/api/orders/", False),
        ("/api/auth/token/", False),
        ("/api/events/", True),
    ],
)
def test_deeply_nested_json_is_400_in_the_error_shape(api, as_user, superuser, url, as_admin):
    client = as_user(superuser) if as_admin else api
    for body in ("[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)
        data = response.json()
        assert set(data) == {"detail", "code", "fields"} and data["code"] == "parse_error"


@pytest.mark.django_db
def test_reasonably_nested_json_still_parses(api, tuanjie, menu_item, resident):
    data = {"village": tuanjie.pk, "menu_item": menu_item.pk, **resident}
    response = api.post("/api/orders/", json.dumps(data), content_type="application/json")
    assert response.status_code == 201
