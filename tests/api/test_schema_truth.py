"""What schemathesis's ``--checks all`` found (issue 17), each pinned where a user would notice:
the API refuses what its schema forbids and accepts what it allows, and the schema says so."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from orders.models import Order

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str, field: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and field in body["fields"], body
    return body


@pytest.fixture
def payload(tuanjie, tuanjie_station, menu_item, resident):
    return {"village": tuanjie.pk, "menu_item": menu_item.pk, **resident}


def test_a_form_body_is_415_json_is_the_contract(api, payload):
    # A form cannot say null nor tell 5 from "5": the API takes JSON bodies only.
    response = api.post("/api/orders/", payload, format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert api.post("/api/orders/", payload, format="json").status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": 0}, "name"),  # was stored as "0"
        ({"people": "8"}, "people"),  # was read as 8
        ({"people": 8.0}, "people"),
        ({"village": "1"}, "village"),  # an id is a JSON integer
        ({"village": True}, "village"),
        ({"village": 0}, "village"),
    ],
)
def test_json_types_are_kept(api, payload, change, field):
    response = api.post("/api/orders/", {**payload, **change}, format="json")
    _error(response, 400, "invalid", field)
    assert not Order.objects.exists()


def test_an_id_that_matches_nothing_is_404_naming_the_field(api, payload):
    body = _error(
        api.post("/api/orders/", {**payload, "menu_item": 999999}, format="json"),
        404,
        "not_found",
        "menu_item",
    )
    assert list(body["fields"]) == ["menu_item"]
    # With other faults too it is a 400 listing every field.
    response = api.post(
        "/api/orders/", {**payload, "menu_item": 999999, "people": 0}, format="json"
    )
    assert {"menu_item", "people"} <= set(_error(response, 400, "invalid", "people")["fields"])


def test_assign_takes_a_volunteer_or_a_team_never_null(
    as_user, station_head, payload, api, volunteer
):
    order_id = api.post("/api/orders/", payload, format="json").json()["id"]
    url = f"/api/orders/{order_id}/assign/"
    head = as_user(station_head)
    _error(head.post(url, {"volunteer": None}, format="json"), 400, "invalid", "volunteer")
    # Both, each of them one that exists (an unknown id is a 404 naming its field).
    team = volunteer.teams.first()
    both = {"volunteer": volunteer.pk, "team": team.pk}
    _error(head.post(url, both, format="json"), 400, "invalid", "volunteer")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/orders/?needs_follow_up=AAA", "needs_follow_up"),
        ("/api/orders/?is_overdue=1", "is_overdue"),
        ("/api/orders/?created_before=", "created"),
        ("/api/volunteers/?is_active=yes", "is_active"),
        ("/api/notifications/?unread=1", "unread"),
        ("/api/notifications/?unread=true&unread=true", "unread"),
    ],
)
def test_query_booleans_are_true_or_false_and_ranges_not_blank(as_user, city_admin, url, field):
    _error(as_user(city_admin).get(url), 400, "invalid", field)


def test_true_and_false_still_filter(as_user, city_admin):
    client = as_user(city_admin)
    assert client.get("/api/orders/?needs_follow_up=true").status_code == 200
    assert client.get("/api/notifications/?unread=false").status_code == 200


def test_schema_states_what_text_and_ids_take():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    submit = components["OrderSubmitRequest"]["properties"]
    assert submit["village"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 2**63 - 1,
        "description": submit["village"]["description"],
    }
    # Required text that DRF trims: not blank and no NUL; optional text: no NUL.
    assert submit["name"]["pattern"] == r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
    assert submit["description"]["pattern"] == r"^[^\u0000]*$"
    assign = components["OrderAssignRequest"]
    assert assign["oneOf"] == [{"required": ["volunteer"]}, {"required": ["team"]}]
    assert "nullable" not in assign["properties"]["volunteer"]
    event = components["EventCreateRequest"]["properties"]
    assert event["start"]["pattern"] == "^(20[0-9]{2}|2100)-"
    responses = schema["paths"]["/api/orders/"]["post"]["responses"]
    assert "404" in responses
    assert set(schema["paths"]["/api/orders/"]["post"]["requestBody"]["content"]) == {
        "application/json"
    }
