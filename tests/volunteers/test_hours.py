"""Service hours have one rule (``volunteers.hours``): every door that takes hours (the order,
event and service-record services, the pages' forms, the API) refuses the same values with the
same message and stores the same hours for good ones. Completing an event with a volunteer named
at 0 hours is the one named exception: they attended, no hours are credited."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from core.errors import InvalidInput
from events import services as event_services
from events.models import EventVolunteer
from orders import services as order_services
from orders.models import Order
from tests import factories as f
from tests.events.conftest import at
from tests.orders.factories import order_in_state
from volunteers import hours as rule
from volunteers import records
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db

MESSAGE = "服务时长应大于 0、不超过 24 小时，最多一位小数。"
BAD = ["0", "-1", "24.5", "1.25", "nan", "inf", "abc", "", "1e1", "+5", "２"]
GOOD = [("0.1", "0.1"), ("2", "2.0"), ("2.5", "2.5"), ("24", "24.0"), ("24.0", "24.0")]


@pytest.fixture(autouse=True)
def _november_20():
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        yield


class Refused(Exception):
    """A door said no: the messages it showed for the hours."""

    def __init__(self, messages):
        super().__init__(messages)
        self.messages = [str(m) for m in messages]


def _service(call):
    try:
        call()
    except InvalidInput as exc:
        assert str(exc.message) == str(exc.fields["hours"][0])  # the same words, detail and field
        raise Refused(exc.fields["hours"]) from None


def _api(response, ok_status=200):
    if response.status_code == 400:
        body = response.json()
        assert body["code"] == "invalid" and list(body["fields"]) == ["hours"], body
        raise Refused(body["fields"]["hours"])
    assert response.status_code == ok_status, response.content


# --- the doors: each takes the hours as a user would send them and returns what was stored ---


@pytest.fixture
def accepted(tuanjie_station, tuanjie, menu_item, volunteer):
    return order_in_state(
        Order.Status.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
    )


def _order_hours(order):
    record = ServiceRecord.objects.filter(source_kind="order", source_id=order.pk).first()
    order.refresh_from_db()
    assert (record is None) == (order.status == Order.Status.ACCEPTED)
    return record and record.hours


def order_service(request, value):
    order, volunteer = request.getfixturevalue("accepted"), request.getfixturevalue("volunteer")
    _service(
        lambda: order_services.order_complete(
            order_id=order.pk, actor=volunteer.user, hours=value, note="宣讲"
        )
    )
    return _order_hours(order)


def order_page(request, value):
    order, volunteer = request.getfixturevalue("accepted"), request.getfixturevalue("volunteer")
    client = request.getfixturevalue("client")
    client.force_login(volunteer.user)
    response = client.post(
        f"/orders/{order.pk}/complete/",
        {"hours": value, "note": "宣讲", "service_date": "2026-11-20"},
    )
    if response.status_code == 400:  # the form again, with what was wrong
        shown = [str(m) for m in get_messages(response.wsgi_request)]
        errors = response.context["form"].errors["hours"]
        assert shown == [f"登记完成失败： {errors[0]}"]
        raise Refused(errors)
    assert response.status_code == 302
    return _order_hours(order)


def order_api(request, value):
    order, volunteer = request.getfixturevalue("accepted"), request.getfixturevalue("volunteer")
    client = request.getfixturevalue("as_user")(volunteer.user)
    body = {"hours": value, "note": "宣讲"}
    _api(client.post(f"/api/orders/{order.pk}/complete/", body, format="json"))
    return _order_hours(order)


@pytest.fixture
def started_event(station_head, tuanjie_station, lecture_category):
    event = event_services.event_create(
        user=station_head,
        title="民法典宣讲",
        category=lecture_category,
        start=at(2026, 11, 20, 8, 0),
        end=at(2026, 11, 20, 9, 30),
    )
    return event_services.event_publish(user=station_head, event=event)


@pytest.fixture
def helper(tuanjie):
    return f.VolunteerFactory(home_village=tuanjie)


def _event_hours(event, helper):
    record = ServiceRecord.objects.filter(source_kind="event", source_id=event.pk).first()
    if record is not None:
        link = EventVolunteer.objects.get(event=event, volunteer=helper)
        assert (record.volunteer_id, link.hours) == (helper.pk, record.hours)
    return record and record.hours


def event_service(request, value):
    event, helper = request.getfixturevalue("started_event"), request.getfixturevalue("helper")
    head = request.getfixturevalue("station_head")
    _service(
        lambda: event_services.event_volunteer_confirm(
            user=head, event=event, volunteer=helper, hours=value
        )
    )
    return _event_hours(event, helper)


def event_page(request, value):
    event, helper = request.getfixturevalue("started_event"), request.getfixturevalue("helper")
    client = request.getfixturevalue("client")
    client.force_login(request.getfixturevalue("station_head"))
    response = client.post(f"/events/{event.pk}/confirm/", {"volunteer": helper.pk, "hours": value})
    assert response.status_code == 302
    shown = get_messages(response.wsgi_request)
    errors = [m for m in shown if m.level_tag == "error"]
    if errors:
        raise Refused(errors)
    return _event_hours(event, helper)


def event_api(request, value):
    event, helper = request.getfixturevalue("started_event"), request.getfixturevalue("helper")
    client = request.getfixturevalue("as_user")(request.getfixturevalue("station_head"))
    body = {"volunteer": helper.pk, "hours": value}
    _api(client.post(f"/api/events/{event.pk}/volunteers/", body, format="json"))
    return _event_hours(event, helper)


def record_service(request, value):
    volunteer = request.getfixturevalue("volunteer")
    _service(
        lambda: records.record_create(
            volunteer=volunteer, hours=value, service_date=dt.date(2026, 11, 3), content="宣讲"
        )
    )
    return ServiceRecord.objects.get(volunteer=volunteer).hours


@pytest.fixture
def pending_record(volunteer):
    record, _ = records.record_create(
        volunteer=volunteer,
        hours="3.0",
        service_date=dt.date(2026, 11, 3),
        content="宣讲",
        village=volunteer.home_village,
    )
    return record


def record_correct_service(request, value):
    record = request.getfixturevalue("pending_record")
    head = request.getfixturevalue("station_head")
    records.record_confirm(record_id=record.pk, actor=head)
    _service(
        lambda: records.record_correct(record_id=record.pk, actor=head, hours=value, note="更正")
    )
    record.refresh_from_db()
    assert record.hours != Decimal("3.0")  # "3.0" is not among the values fed in
    return record.hours


def record_api(request, value):
    record = request.getfixturevalue("pending_record")
    client = request.getfixturevalue("as_user")(request.getfixturevalue("station_head"))
    _api(client.post(f"/api/service-records/{record.pk}/confirm/", {"hours": value}))
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.CONFIRMED
    return record.hours


def event_attendance(request, value):
    """Completing the event with the volunteer named at ``value`` hours, not confirmed."""
    event, helper = request.getfixturevalue("started_event"), request.getfixturevalue("helper")
    served = [event_services.ServedVolunteer(helper.pk, value, confirmed=False)]
    _service(
        lambda: event_services.event_complete(
            user=request.getfixturevalue("station_head"), event=event, volunteers=served
        )
    )
    return _event_hours(event, helper)


DOORS = [
    order_service,
    order_page,
    order_api,
    event_service,
    event_page,
    event_api,
    record_service,
    record_correct_service,
    record_api,
    event_attendance,
]


def _nothing_stored(door, request):
    if door in (record_correct_service, record_api):
        record = request.getfixturevalue("pending_record")
        record.refresh_from_db()
        assert record.hours == Decimal("3.0")
    else:
        assert not ServiceRecord.objects.exists()
    assert not EventVolunteer.objects.exists()


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__)
def test_bad_hours_are_refused_with_the_one_message(request, door, value):
    if door is event_attendance and value == "0":
        pytest.skip("the named exception: see test_an_event_volunteer_at_0_hours_attended")
    if door is record_api and value == "":
        pytest.skip("an optional correction: blank is none, see test_a_blank_correction_is_none")
    with pytest.raises(Refused) as refused:
        door(request, value)
    assert refused.value.messages == [MESSAGE]
    _nothing_stored(door, request)


@pytest.mark.parametrize(("value", "stored"), GOOD)
@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__)
def test_good_hours_are_stored_alike(request, door, value, stored):
    assert door(request, value) == Decimal(stored)


@pytest.mark.parametrize("door", [order_api, event_api, record_api], ids=lambda d: d.__name__)
def test_the_api_keeps_hours_a_json_string(request, door):
    # The schema says a string decimal; a JSON number is refused as before (core.json_types).
    with pytest.raises(Refused) as refused:
        door(request, 2.5)
    assert refused.value.messages == ['应为字符串形式的数字，例如 "2.5"。']


def test_a_blank_correction_is_none(request, pending_record):
    # Confirming a record takes optional corrected hours: blank, like null, confirms as recorded.
    assert record_api(request, "") == Decimal("3.0")


def test_the_message_is_english_for_english_readers(as_user, station_head, pending_record):
    client = as_user(station_head)
    response = client.post(
        f"/api/service-records/{pending_record.pk}/confirm/",
        {"hours": "1.25"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    english = "Service hours must be more than 0 and at most 24, with at most one decimal place."
    assert response.json()["fields"] == {"hours": [english]}
    with translation.override("en"):
        assert str(rule.MESSAGE) == english


def test_an_event_volunteer_at_0_hours_attended(request, started_event, helper, volunteer):
    """The exception: named at 0 hours, the volunteer is on the event's list, with no service
    record, so nothing counts; any other hours still follow the rule."""
    assert event_attendance(request, "0") is None  # no record
    link = EventVolunteer.objects.get(event=started_event, volunteer=helper)
    assert (link.hours, link.hours_credited) == (Decimal("0.0"), False)
    helper.refresh_from_db()
    assert helper.hours_total == 0
    for zero in (0, Decimal("0"), "0.0"):
        assert rule.parse_attendance_hours(zero) == Decimal("0.0")
    with pytest.raises(InvalidInput):
        rule.parse_attendance_hours("-0.5")


def test_the_api_schema_states_the_rule_for_every_hours_input():
    schema = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for body in ("OrderCompleteRequest", "VolunteerConfirmRequest", "RecordConfirmRequest"):
        field = schema[body]["properties"]["hours"]
        assert (field["type"], field["format"], field["pattern"]) == (
            "string",
            "decimal",
            rule.PATTERN,
        ), body


def test_the_schema_pattern_and_parse_hours_agree():
    written = [f"{tenths / 10:.1f}" for tenths in range(-10, 260)]
    written += [str(whole) for whole in range(-1, 26)]
    for text in written:
        try:
            rule.parse_hours(text)
        except InvalidInput:
            accepted = False
        else:
            accepted = True
        assert bool(re.fullmatch(rule.PATTERN, text)) == accepted, text
