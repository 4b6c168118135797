import datetime as dt
import logging
import re
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import queueing
from core.errors import InvalidInput, InvalidTransition, NotInScope, PermissionDenied
from orders import services, submission
from orders.models import MenuItem, Order, OrderNoticeDue, OrderStatusChange
from orders.signals import order_status_changed
from orders.tasks import send_notices
from reports.tasks import refresh_pending
from tests.orders.factories import order_in_state, submit_order
from tests.orders.rejections import snapshot, user_of
from volunteers.models import ServiceRecord

S = Order.Status
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


# --- submit -------------------------------------------------------------------------------


def test_submit_waits_for_review_with_number_token_and_history(
    tuanjie_station, tuanjie, menu_item, resident
):
    result = submission.order_submit(
        village=tuanjie, menu_item=menu_item, people=3, description="讲政策", **resident
    )
    order = result.order
    assert order.status == S.SUBMITTED
    assert re.fullmatch(r"WM-\d{6}-000001", order.number)
    assert len(order.tracking_token) >= 32  # 24 random bytes = 192 bits
    assert order.town_id == tuanjie.town_id and order.category_id == menu_item.category_id
    rows = list(order.status_changes.values_list("from_status", "to_status", "actor_label"))
    assert rows == [("", "submitted", "居民")]


def test_submit_opens_at_once_when_station_does_not_review(tuanjie_station, tuanjie, menu_item):
    tuanjie_station.review_orders = False
    tuanjie_station.save()
    order = submit_order(tuanjie, menu_item)
    assert order.status == S.OPEN
    assert order.opened_at is not None
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["submitted", "open"]


def test_submit_normalises_phone(tuanjie, menu_item):
    order = submit_order(tuanjie, menu_item, phone="+86 138-1234-5678")
    assert order.phone == "13812345678"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345678901"),
        ("phone", "1381234567"),
        ("name", "  "),
        ("people", 0),
        ("preferred_date", dt.date(2000, 1, 1)),
        ("target_group", "aliens"),
    ],
)
def test_submit_rejects_bad_input_per_field(tuanjie, menu_item, field, value):
    with pytest.raises(InvalidInput) as exc:
        submit_order(tuanjie, menu_item, **{field: value})
    assert field in exc.value.fields
    assert not Order.objects.exists()


def test_submit_rejects_menu_item_not_offered_in_village(tuanjie, other_village, menu_item):
    menu_item.reach = MenuItem.Reach.VILLAGES
    menu_item.save()
    menu_item.villages.add(other_village)
    with pytest.raises(InvalidInput) as exc:
        submit_order(tuanjie, menu_item)
    assert "menu_item" in exc.value.fields
    assert submit_order(other_village, menu_item).pk


# Duplicates: tests/orders/test_duplicates.py


def test_numbers_restart_each_month(tuanjie, menu_item):
    with time_machine.travel(dt.datetime(2026, 11, 30, 23, 59, tzinfo=SHANGHAI), tick=False):
        a = submit_order(tuanjie, menu_item)
        b = submit_order(tuanjie, menu_item)
    # 00:01 on 1 December in Shanghai is still 30 November in UTC: the local month counts.
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 1, tzinfo=SHANGHAI), tick=False):
        c = submit_order(tuanjie, menu_item)
    assert (a.number, b.number, c.number) == (
        "WM-202611-000001",
        "WM-202611-000002",
        "WM-202612-000001",
    )


def test_submit_survives_broker_outage(
    tuanjie, menu_item, caplog, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(send_notices, "delay", side_effect=OperationalError("down")),
        mock.patch.object(refresh_pending, "delay", side_effect=OperationalError("down")),
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True),
    ):
        order = submit_order(tuanjie, menu_item, phone="13912345678")
    assert Order.objects.filter(pk=order.pk).exists()
    assert "could not queue" in caplog.text
    assert "13912345678" not in caplog.text
    # Its notices wait for beat's minute, and the next commit tries the broker again.
    assert OrderNoticeDue.objects.filter(change__order=order).exists()
    queueing._broker_down_until = 0.0
    with (
        mock.patch.object(send_notices, "delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit_order(tuanjie, menu_item, phone="13912345679")
    assert queued.call_count == 1


def test_every_transition_sends_signal_after_commit(
    tuanjie_station, tuanjie, menu_item, volunteer, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, **kwargs):
        kwargs.pop("signal")
        received.append(kwargs)

    order_status_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            order = order_in_state(
                S.RATED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
            )
    finally:
        order_status_changed.disconnect(listener)
    steps = [(r["from_status"], r["to_status"]) for r in received]
    assert steps == [
        ("", "submitted"),
        ("submitted", "open"),
        ("open", "accepted"),
        ("accepted", "completed"),
        ("completed", "rated"),
    ]
    assert received[0] == {
        "order_id": order.pk,
        "village_id": tuanjie.pk,
        "town_id": tuanjie.town_id,
        "category_id": menu_item.category_id,
        "from_status": "",
        "to_status": "submitted",
    }


def test_signal_not_sent_when_transaction_rolls_back(
    open_order, volunteer, django_capture_on_commit_callbacks
):
    from django.db import transaction

    received = []
    order_status_changed.connect(
        lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                services.order_claim(order_id=open_order.pk, actor=volunteer.user)
                raise RuntimeError
    finally:
        order_status_changed.disconnect(dispatch_uid="t")
    assert received == []
    open_order.refresh_from_db()
    assert open_order.status == S.OPEN


# --- review -------------------------------------------------------------------------------


def test_station_head_approves_and_rejects(tuanjie_station, tuanjie, menu_item, station_head):
    a = submit_order(tuanjie, menu_item)
    b = submit_order(tuanjie, menu_item)
    assert services.order_approve(order_id=a.pk, actor=station_head).status == S.OPEN
    rejected = services.order_reject(order_id=b.pk, actor=station_head, reason="不在服务范围")
    assert rejected.status == S.REJECTED and rejected.reason == "不在服务范围"
    change = rejected.status_changes.last()
    assert (change.actor, change.actor_kind, change.note) == (
        station_head,
        OrderStatusChange.ActorKind.STATION_HEAD,
        "不在服务范围",
    )


# --- claim / assign -----------------------------------------------------------------------


def test_volunteer_claims_open_order(open_order, volunteer):
    order = services.order_claim(order_id=open_order.pk, actor=volunteer.user)
    assert order.status == S.ACCEPTED and order.accepted_by == volunteer
    assert order.accepted_at is not None
    last = order.status_changes.last()
    assert (last.actor_kind, last.actor_label) == ("volunteer", "明")  # given name only


def test_claim_taken_by_someone_else_is_out_of_sight(open_order, volunteer, town_volunteer):
    """Every claim rejection, through the URL, is in ``test_access.py``; here the domain errors."""
    services.order_claim(order_id=open_order.pk, actor=town_volunteer.user)
    with pytest.raises(NotInScope):
        services.order_claim(order_id=open_order.pk, actor=volunteer.user)
    with pytest.raises(InvalidTransition):  # their own: they see it, in the wrong state
        services.order_claim(order_id=open_order.pk, actor=town_volunteer.user)
    open_order.refresh_from_db()
    assert open_order.accepted_by == town_volunteer


def test_assign_to_volunteer_or_team(tuanjie_station, tuanjie, menu_item, station_head, volunteer):
    a = submit_order(tuanjie, menu_item)
    order = services.order_assign(order_id=a.pk, actor=station_head, volunteer_id=volunteer.pk)
    assert order.status == S.ACCEPTED and order.accepted_by == volunteer and order.opened_at
    team = volunteer.teams.get()
    b = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    order = services.order_assign(order_id=b.pk, actor=station_head, team_id=team.pk)
    assert order.accepted_team == team and order.accepted_by is None


# --- complete / release -------------------------------------------------------------------


def test_complete_records_pending_hours_in_same_transaction(accepted_order, volunteer):
    order = services.order_complete(
        order_id=accepted_order.pk, actor=volunteer.user, hours="1.5", note="讲了一小时半"
    )
    volunteer.refresh_from_db()
    assert order.status == S.COMPLETED and order.hours == Decimal("1.5")
    assert order.service_date == timezone.localdate() and order.report == "讲了一小时半"
    # Self-reported hours are pending: they do not count until someone else confirms them.
    assert volunteer.hours_total == 0
    record = ServiceRecord.objects.get(source_kind="order", source_id=order.pk)
    assert (record.status, record.hours, record.volunteer) == ("pending", Decimal("1.5"), volunteer)
    assert record.recorded_by == volunteer.user and record.source_label == order.number
    assert record.points_rate == order.category.points_per_hour


def test_rating_confirms_the_hours(accepted_order, volunteer):
    order = services.order_complete(
        order_id=accepted_order.pk, actor=volunteer.user, hours="1.5", note="ok"
    )
    services.order_rate(tracking_token=order.tracking_token, stars=5)
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("1.5")
    record = ServiceRecord.objects.get(source_kind="order", source_id=order.pk)
    assert record.status == "confirmed" and record.confirmed_label == "群众评价"
    assert record.confirmed_by is None


def test_station_head_confirms_then_rating_is_no_second_credit(
    accepted_order, volunteer, station_head
):
    order = services.order_complete(
        order_id=accepted_order.pk, actor=volunteer.user, hours="2", note="ok"
    )
    assert services.order_confirm_hours(order_id=order.pk, actor=station_head) == 1
    assert services.order_confirm_hours(order_id=order.pk, actor=station_head) == 0
    services.order_rate(tracking_token=order.tracking_token, stars=4)
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.0")


def test_completion_recorded_by_station_head_is_confirmed(accepted_order, volunteer, station_head):
    services.order_complete(order_id=accepted_order.pk, actor=station_head, hours="2", note="x")
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.0")
    record = ServiceRecord.objects.get(source_kind="order", source_id=accepted_order.pk)
    assert record.confirmed_by == station_head and record.recorded_by == station_head


def test_team_order_completed_by_member_credits_member(
    tuanjie_station, tuanjie, menu_item, station_head, volunteer
):
    team = volunteer.teams.get()
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    services.order_assign(order_id=order.pk, actor=station_head, team_id=team.pk)
    services.order_complete(order_id=order.pk, actor=volunteer.user, hours=3, note="队伍完成")
    services.order_confirm_hours(order_id=order.pk, actor=station_head)
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("3.0")


@pytest.mark.parametrize(
    ("hours", "note", "field"),
    # More bad hours: tests/volunteers/test_hours.py, through every door.
    [("25", "ok", "hours"), ("2", " ", "note")],
)
def test_complete_bad_input(accepted_order, volunteer, hours, note, field):
    with pytest.raises(InvalidInput) as exc:
        services.order_complete(
            order_id=accepted_order.pk, actor=volunteer.user, hours=hours, note=note
        )
    assert field in exc.value.fields
    accepted_order.refresh_from_db()
    assert accepted_order.status == S.ACCEPTED


def test_complete_future_date_rejected(accepted_order, volunteer):
    with pytest.raises(InvalidInput):
        services.order_complete(
            order_id=accepted_order.pk,
            actor=volunteer.user,
            hours=1,
            note="x",
            service_date=timezone.localdate() + dt.timedelta(days=2),
        )


def test_release_reopens_with_reason(accepted_order, volunteer, town_volunteer):
    with pytest.raises(InvalidInput):
        services.order_release(order_id=accepted_order.pk, actor=volunteer.user, reason="")
    with pytest.raises(NotInScope):
        services.order_release(order_id=accepted_order.pk, actor=town_volunteer.user, reason="x")
    order = services.order_release(
        order_id=accepted_order.pk, actor=volunteer.user, reason="临时有事"
    )
    assert order.status == S.OPEN and order.accepted_by is None and order.accepted_at is None
    assert order.status_changes.last().note == "临时有事"
    # reopened: someone else can claim it now
    assert (
        services.order_claim(order_id=order.pk, actor=town_volunteer.user).accepted_by
        == town_volunteer
    )
    with pytest.raises(NotInScope):  # now someone else's: not visible any more
        services.order_release(order_id=order.pk, actor=volunteer.user, reason="x")


# --- rejections ---------------------------------------------------------------------------

# Who may not review, assign, complete or release an order (another area, a role that may not,
# a wrong state) is written once, in ``tests/orders/rejections.py``, and tried through the API
# and the pages by ``test_access.py``: the API's action views call these services with the same
# arguments and answer with the domain error's status and code. Here, what only the service
# decides: bad input, and confirming hours.


# (order, who, service, arguments, error, field); ``volunteer_id`` names the volunteer's fixture.
SERVICE_REJECTIONS = [
    ("submitted", "station_head", "order_reject", {"reason": " "}, InvalidInput, "reason"),
    (
        "open",
        "station_head",
        "order_assign",
        {"volunteer_id": "far_volunteer"},
        InvalidInput,
        "volunteer",
    ),
    ("open", "station_head", "order_assign", {}, InvalidInput, "volunteer"),
    ("mine", "station_head", "order_confirm_hours", {}, InvalidTransition, None),
    ("completed", "other_town_admin", "order_confirm_hours", {}, NotInScope, None),
    ("completed", "volunteer", "order_confirm_hours", {}, PermissionDenied, None),
]


@pytest.mark.parametrize(
    ("kind", "who", "service", "arguments", "error", "field"),
    SERVICE_REJECTIONS,
    ids=[
        "reject-with-a-blank-reason",
        "assign-to-another-towns-volunteer",
        "assign-to-nobody",
        "confirm-hours-before-completion",
        "confirm-hours-in-another-town",
        "confirm-ones-own-hours",
    ],
)
def test_service_only_rejections(
    kind, who, service, arguments, error, field, make_order, volunteer, request
):
    order = make_order(kind)
    before = snapshot(order)
    if "volunteer_id" in arguments:
        arguments = {"volunteer_id": request.getfixturevalue(arguments["volunteer_id"]).pk}
    with pytest.raises(error) as exc:
        getattr(services, service)(order_id=order.pk, actor=user_of(request, who), **arguments)
    if field:
        assert field in exc.value.fields
    assert snapshot(order) == before
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 0


# --- rate / cancel / follow-up ------------------------------------------------------------


def test_rate_once_and_low_rating_flags_follow_up(
    tuanjie_station, tuanjie, menu_item, volunteer, station_head
):
    order = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    with pytest.raises(InvalidInput):
        services.order_rate(tracking_token=order.tracking_token, stars=6)
    rated = services.order_rate(tracking_token=order.tracking_token, stars=2, comment="来晚了")
    assert rated.status == S.RATED and rated.stars == 2 and rated.needs_follow_up
    with pytest.raises(InvalidTransition):
        services.order_rate(tracking_token=order.tracking_token, stars=5)
    with pytest.raises(NotInScope):
        services.order_rate(tracking_token="not-a-token", stars=5)
    followed = services.order_follow_up(order_id=order.pk, actor=station_head, note="已电话回访")
    assert not followed.needs_follow_up and followed.follow_up_note == "已电话回访"
    with pytest.raises(InvalidTransition):
        services.order_follow_up(order_id=order.pk, actor=station_head, note="again")


def test_rate_before_completion_is_wrong_state(open_order):
    with pytest.raises(InvalidTransition):
        services.order_rate(tracking_token=open_order.tracking_token, stars=5)


def test_resident_cancels_until_accepted(open_order, accepted_order):
    order = services.order_cancel(tracking_token=open_order.tracking_token)
    assert order.status == S.CANCELLED and order.closed_at
    with pytest.raises(InvalidTransition):
        services.order_cancel(tracking_token=accepted_order.tracking_token)
    with pytest.raises(NotInScope):
        services.order_cancel(tracking_token="")


def test_station_head_cancels_accepted_with_reason(accepted_order, station_head, other_town_admin):
    with pytest.raises(InvalidInput):
        services.order_cancel(order_id=accepted_order.pk, actor=station_head, reason="")
    with pytest.raises(NotInScope):
        services.order_cancel(order_id=accepted_order.pk, actor=other_town_admin, reason="x")
    order = services.order_cancel(order_id=accepted_order.pk, actor=station_head, reason="天气原因")
    assert order.status == S.CANCELLED and order.reason == "天气原因"
    with pytest.raises(InvalidTransition):
        services.order_cancel(order_id=accepted_order.pk, actor=station_head, reason="again")


def test_timeline_records_every_step(tuanjie_station, tuanjie, menu_item, volunteer):
    order = order_in_state(S.RATED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    rows = list(
        OrderStatusChange.objects.filter(order=order).values_list("from_status", "to_status")
    )
    assert rows == [
        ("", "submitted"),
        ("submitted", "open"),
        ("open", "accepted"),
        ("accepted", "completed"),
        ("completed", "rated"),
    ]
