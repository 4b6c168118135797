"""Open311 GeoReport v2 under /open311/v2/, driven by requests built from the specification's
own examples (http://wiki.open311.org/GeoReport_v2), answered in JSON and in XML; the XML is
read back with a real XML parser."""

import datetime as dt
from urllib.parse import urlencode
from xml.etree import ElementTree as ET  # noqa: S405 - parses this server's own answers

import pytest
from django.utils import timezone

from notifications.kinds import Channel, Kind
from notifications.models import Notification
from open311 import services
from open311.models import PartnerOrder
from orders import services as order_services
from orders import submission as order_submission
from orders.models import Order, OrderStatusChange
from stations.models import Village
from tests import factories as f
from tests.orders.factories import area_admin, send_notices

V2 = "/open311/v2"
CODE = "370481006001"  # 团结村's 区划代码 in these tests
PHONE = "13812341234"


@pytest.fixture
def village(tuanjie, tuanjie_station):
    Village.objects.filter(pk=tuanjie.pk).update(code=CODE)
    tuanjie.code = CODE
    return tuanjie


@pytest.fixture
def partner(db):
    return services.partner_create(name="12345 热线")


@pytest.fixture
def key(partner):
    return partner[1]


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314


def errors_of(response) -> list[tuple[int, str]]:
    if response["Content-Type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root]
    return [(e["code"], e["description"]) for e in response.json()]


def spec_post(key, village, menu_item, **overrides) -> str:
    """The specification's example POST body, with our key, jurisdiction and service code, a
    mainland mobile number and our attributes in place of its WHISPAWN/WHISDORN."""
    data = {
        "api_key": key,
        "jurisdiction_id": village.code,
        "service_code": str(menu_item.pk),
        "lat": "37.76524078",
        "long": "-122.4212043",
        "address_string": "1234 5th street",
        "email": "smit333@sfgov.edu",
        "device_id": "tt222111",
        "account_id": "123456",
        "first_name": "john",
        "last_name": "smith",
        "phone": PHONE,
        "description": "A large sinkhole is destroying the street",
        "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
        "attribute[people]": "3",
        "attribute[preferred_window]": "周六上午",
    }
    data.update(overrides)
    return urlencode({k: v for k, v in data.items() if v is not None})


def post(client, fmt, body):
    return client.post(
        f"{V2}/requests.{fmt}",
        body,
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )


# --- discovery and services ---------------------------------------------------------------


def test_discovery_in_both_formats(client):
    data = client.get(f"{V2}/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"].endswith("/open311/v2")
    assert set(data["endpoints"][0]["formats"]) == {"text/xml", "application/json"}
    root = xml(client.get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.find("endpoints/endpoint/formats")]
    assert formats == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/type") == "production"


def test_services_of_a_village_as_in_the_spec_example(client, village, menu_item):
    # Sample URL: services.xml?jurisdiction_id=city.gov
    root = xml(client.get(f"{V2}/services.xml", {"jurisdiction_id": CODE}))
    assert root.tag == "services"
    (service,) = root.findall("service")
    assert service.findtext("service_code") == str(menu_item.pk)
    assert service.findtext("service_name") == "党的理论政策宣讲"
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"
    assert service.findtext("group") == menu_item.category.name
    data = client.get(f"{V2}/services.json", {"jurisdiction_id": CODE}).json()
    assert data == [
        {
            "service_code": str(menu_item.pk),
            "service_name": "党的理论政策宣讲",
            "description": menu_item.description,
            "metadata": True,
            "type": "realtime",
            "keywords": f"{menu_item.category.name}, {menu_item.platform.name}",
            "group": menu_item.category.name,
        }
    ]


def test_services_need_a_known_jurisdiction(client, village):
    response = client.get(f"{V2}/services.json")
    assert response.status_code == 400
    assert "jurisdiction_id" in errors_of(response)[0][1]
    response = client.get(f"{V2}/services.xml", {"jurisdiction_id": "city.gov"})
    assert response.status_code == 404
    assert errors_of(response)[0][0] == 404


def test_service_definition_lists_the_attributes(client, village, menu_item):
    url = f"{V2}/services/{menu_item.pk}.xml"
    root = xml(client.get(url, {"jurisdiction_id": CODE}))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == str(menu_item.pk)
    codes = [a.findtext("code") for a in root.find("attributes")]
    assert codes == ["people", "preferred_date", "preferred_window", "target_group"]
    target = root.find("attributes/attribute[4]")
    assert target.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in target.find("values")][:1] == ["elderly_alone"]
    data = client.get(f"{V2}/services/{menu_item.pk}.json").json()
    assert data["attributes"][0] == {
        "variable": True,
        "code": "people",
        "datatype": "number",
        "required": False,
        "datatype_description": "1 到 10000 的整数，默认 1",
        "order": 1,
        "description": "服务人数",
        "values": [],
    }
    # The spec's sample code 033 does not exist here.
    response = client.get(f"{V2}/services/033.xml", {"jurisdiction_id": CODE})
    assert response.status_code == 404 and errors_of(response)[0][0] == 404


# --- POST requests --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_a_request_as_in_the_spec_example(client, village, menu_item, key, fmt):
    response = post(client, fmt, spec_post(key, village, menu_item))
    assert response.status_code == 201
    order = Order.objects.get()
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        assert root.findtext("request/service_request_id") == order.number
        assert root.findtext("request/account_id") == "123456"
        assert root.findtext("request/service_notice")
    else:
        (data,) = response.json()
        assert data["service_request_id"] == order.number
        assert data["account_id"] == "123456"
    assert order.channel == Order.Channel.OPEN311
    assert (order.name, order.phone, order.people) == ("smithjohn", PHONE, 3)
    assert order.preferred_window == "周六上午"
    assert order.description.startswith("地址：1234 5th street\n")
    assert PartnerOrder.objects.get(order=order).partner.name == "12345 热线"
    first = order.status_changes.order_by("id").first()
    assert first.actor_kind == OrderStatusChange.ActorKind.PARTNER
    assert first.note_display == "经合作系统“12345 热线”提交。"
    # The resident is told, as for any order (by the worker's drain after the commit).
    send_notices()
    sms = Notification.objects.get(address=PHONE)
    assert (sms.kind, sms.channel) == (Kind.ORDER_RECEIVED, Channel.SMS)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "key_value", [None, "", "xyz", "wm311_forged-key-that-was-never-issued"], ids=repr
)
def test_without_a_valid_key_403_in_the_spec_error_format(
    client, village, menu_item, key, fmt, key_value
):
    response = post(client, fmt, spec_post(key_value, village, menu_item))
    assert response.status_code == 403
    ((code, description),) = errors_of(response)
    assert code == 403 and "api_key" in description
    response = client.get(f"{V2}/requests.{fmt}", {"api_key": key_value or ""})
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_a_revoked_key_is_refused_and_a_rotated_one_replaces_it(
    client, village, menu_item, partner
):
    partner_obj, old = partner
    assert services.partner_revoke(partner_id=partner_obj.pk)
    assert post(client, "json", spec_post(old, village, menu_item)).status_code == 403
    new = services.partner_rotate_key(partner_id=partner_obj.pk)
    assert post(client, "json", spec_post(old, village, menu_item)).status_code == 403
    assert post(client, "json", spec_post(new, village, menu_item)).status_code == 201
    partner_obj.refresh_from_db()
    assert partner_obj.key_hash != new and new not in partner_obj.key_prefix + partner_obj.key_hash


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_refused_with_each_problem(client, village, menu_item, key, fmt):
    # The spec's own example as sent: service code 001, phone 111111111, unknown attributes.
    verbatim = spec_post(
        key,
        village,
        menu_item,
        service_code="001",
        phone="111111111",
        **{"attribute[WHISPAWN]": "123456", "attribute[WHISDORN]": "COISL001"},
    )
    response = post(client, fmt, verbatim)
    assert response.status_code == 400
    assert [description for _, description in errors_of(response)] == [
        "未找到服务代码 001。",  # an unknown service_code: 400
        "未知的属性 WHISPAWN。",
        "未知的属性 WHISDORN。",
    ]

    response = post(client, fmt, spec_post(key, village, menu_item, phone="111111111"))
    assert response.status_code == 400
    ((code, description),) = errors_of(response)
    assert code == 400 and description.startswith("phone：")

    body = spec_post(key, village, menu_item, **{"attribute[WHISPAWN]": "123456"})
    assert "WHISPAWN" in errors_of(post(client, fmt, body))[0][1]
    body = spec_post(key, village, menu_item, **{"attribute[people]": "0"})
    assert "attribute[people]" in errors_of(post(client, fmt, body))[0][1]
    body = spec_post(key, village, menu_item, **{"attribute[preferred_date]": "2010-01-01"})
    assert "attribute[preferred_date]" in errors_of(post(client, fmt, body))[0][1]
    body = spec_post(key, village, menu_item, first_name="", last_name="")
    assert "last_name" in errors_of(post(client, fmt, body))[0][1]
    body = spec_post(key, village, menu_item, description="长" * 2001)
    assert post(client, fmt, body).status_code == 400
    body = spec_post(key, village, menu_item, lat="north")
    assert post(client, fmt, body).status_code == 400
    body = spec_post(key, village, menu_item, jurisdiction_id=None)
    assert post(client, fmt, body).status_code == 400
    body = spec_post(key, village, menu_item, jurisdiction_id="city.gov")
    assert post(client, fmt, body).status_code == 404
    assert not Order.objects.exists()


def test_a_village_without_that_service_is_400(client, village, neighbour_village, key):
    neighbour_village.code = "370481006002"
    neighbour_village.save()
    only_tuanjie = f.MenuItemFactory(title="村史馆讲解", reach="villages")
    only_tuanjie.villages.set([village])
    body = spec_post(key, neighbour_village, only_tuanjie)
    response = post(client, "xml", body)
    assert response.status_code == 400
    assert errors_of(response)[0][1].startswith("service_code：")
    assert post(client, "xml", spec_post(key, village, only_tuanjie)).status_code == 201


def test_a_duplicate_within_the_window_is_400(client, village, menu_item, key):
    assert post(client, "json", spec_post(key, village, menu_item)).status_code == 201
    response = post(client, "json", spec_post(key, village, menu_item))
    assert response.status_code == 400
    assert "请勿重复提交" in errors_of(response)[0][1]
    assert Order.objects.count() == 1


def test_wrong_methods_and_unknown_urls_answer_in_the_error_format(client, key):
    response = client.delete(f"{V2}/requests.json?api_key={key}")
    assert response.status_code == 405 and response["Allow"] == "GET, POST"
    assert errors_of(client.post(f"{V2}/services.xml"))[0][0] == 405
    response = client.get(f"{V2}/nothing.xml")
    assert response.status_code == 404 and errors_of(response)[0][0] == 404


def test_rate_limit_per_key(client, village, menu_item, key, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "open311_key": "2/hour",
        },
    }
    other = services.partner_create(name="县级平台")[1]
    url = f"{V2}/requests.json"
    assert client.get(url, {"api_key": key}).status_code == 200
    assert client.get(url, {"api_key": key}).status_code == 200
    response = client.get(url, {"api_key": key})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert errors_of(response)[0][0] == 429
    assert client.get(url, {"api_key": other}).status_code == 200  # each key its own budget


# --- GET requests ---------------------------------------------------------------------------


def _place(client, key, village, menu_item, phone) -> Order:
    response = post(client, "json", spec_post(key, village, menu_item, phone=phone))
    assert response.status_code == 201
    return Order.objects.get(number=response.json()[0]["service_request_id"])


def test_get_requests_as_in_the_spec_example(client, village, menu_item, key, volunteer):
    first = _place(client, key, village, menu_item, "13800000001")
    second = _place(client, key, village, menu_item, "13800000002")
    admin = area_admin()
    order_services.order_approve(order_id=second.pk, actor=admin)
    order_services.order_claim(order_id=second.pk, actor=volunteer.user)
    third = _place(client, key, village, menu_item, "13800000003")
    order_services.order_reject(order_id=third.pk, actor=admin, reason="本月已安排")
    mine_elsewhere = order_submission.order_submit(
        village=village, menu_item=menu_item, name="李大娘", phone="13800000009"
    ).order  # the web form's order: not this partner's

    # Sample URL: requests.xml?start_date=…&end_date=…&status=open&jurisdiction_id=city.gov
    now = timezone.now()
    params = {
        "api_key": key,
        "start_date": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": "open",
        "jurisdiction_id": CODE,
    }
    root = xml(client.get(f"{V2}/requests.xml", params))
    assert root.tag == "service_requests"
    by_number = {r.findtext("service_request_id"): r for r in root.findall("request")}
    assert set(by_number) == {first.number, second.number}
    taken = by_number[second.number]
    assert taken.findtext("status") == "open"
    assert taken.findtext("status_notes") == "已接单：明"
    assert taken.findtext("service_code") == str(menu_item.pk)
    assert taken.findtext("address") == "团结村，洪绪镇，滕州市"
    assert taken.findtext("address_id") == CODE
    assert taken.findtext("agency_responsible")
    assert taken.find("lat").text is None  # an empty element, as the example's null
    requested = dt.datetime.fromisoformat(taken.findtext("requested_datetime"))
    assert requested.utcoffset() == dt.timedelta(hours=8)

    data = client.get(f"{V2}/requests.json", {**params, "status": "closed"}).json()
    assert [(r["service_request_id"], r["status"]) for r in data] == [(third.number, "closed")]
    assert data[0]["status_notes"] == "未通过：本月已安排"
    assert data[0]["lat"] is None

    # service_request_id, comma delimited, overrides all other arguments (here: status=open).
    ids = f"{third.number},{mine_elsewhere.number},WM-000000-000000"
    data = client.get(f"{V2}/requests.json", {**params, "service_request_id": ids}).json()
    assert [r["service_request_id"] for r in data] == [third.number]

    data = client.get(f"{V2}/requests.json", {"api_key": key, "service_code": "999999"}).json()
    assert data == []


def test_get_requests_refuses_bad_filters(client, village, key):
    url = f"{V2}/requests.json"
    for params in (
        {"status": "pending"},
        {"service_code": "abc"},
        {"start_date": "yesterday"},
        {"start_date": "2026-12-01T00:00:00"},  # no timezone
        {"start_date": "1900-01-01T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-12-01T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # > 90 days
    ):
        response = client.get(url, {"api_key": key, **params})
        assert response.status_code == 400, params
        assert errors_of(response)[0][0] == 400
    response = client.get(url, {"api_key": key, "jurisdiction_id": "city.gov"})
    assert response.status_code == 404


def test_an_unencoded_offset_in_the_query_string_is_understood(client, village, menu_item, key):
    order = _place(client, key, village, menu_item, "13800000001")
    day = timezone.localdate().isoformat()
    url = f"{V2}/requests.json?api_key={key}&start_date={day}T00:00:00+08:00"
    assert [r["service_request_id"] for r in client.get(url).json()] == [order.number]


def test_get_one_request_only_of_ones_own(client, village, menu_item, key):
    order = _place(client, key, village, menu_item, "13800000001")
    root = xml(client.get(f"{V2}/requests/{order.number}.xml", {"api_key": key}))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [order.number]
    assert root.findtext("request/status") == "open"
    data = client.get(f"{V2}/requests/{order.number}.json", {"api_key": key}).json()
    assert data[0]["status_notes"] == order.get_status_display()

    other = services.partner_create(name="县级平台")[1]
    response = client.get(f"{V2}/requests/{order.number}.xml", {"api_key": other})
    assert response.status_code == 404 and errors_of(response)[0][0] == 404
    # The spec's sample id: unknown.
    response = client.get(f"{V2}/requests/123456.json", {"api_key": key})
    assert response.status_code == 404


def test_the_list_costs_the_same_queries_for_many_requests(
    client, village, menu_item, key, django_assert_max_num_queries
):
    for n in range(12):
        _place(client, key, village, menu_item, f"1380000{n:04d}")
    url = f"{V2}/requests.json"
    with django_assert_max_num_queries(6):
        data = client.get(url, {"api_key": key}).json()
    assert len(data) == 12


def test_english_readers_get_english_notes(client, village, menu_item, key):
    order = _place(client, key, village, menu_item, "13800000001")
    assert order.status == Order.Status.SUBMITTED  # 团结村's station reviews orders first
    data = client.get(
        f"{V2}/requests/{order.number}.json", {"api_key": key}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert data[0]["status_notes"] == "Awaiting review"


def test_resetting_the_demo_data_takes_the_partners_orders_too(client, village, menu_item, key):
    from portal import seeding

    _place(client, key, village, menu_item, "13800000001")
    seeding.delete_domain_data()
    assert not Order.objects.exists() and not PartnerOrder.objects.exists()
