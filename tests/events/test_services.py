import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from core.errors import InvalidInput, InvalidTransition, NotInScope
from events import access, checkin, checkin_token, plans, services
from events.models import CheckIn, Event, EventStateChange, EventVolunteer, MonthlyPlan
from events.signals import event_state_changed
from orders.models import Order
from tests import factories as f
from tests.events.conftest import at
from volunteers.models import ServiceRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]


def test_station_head_creates_draft_with_audit_row(make_event, tuanjie):
    event = make_event()
    assert event.state == Event.State.DRAFT
    assert event.village == tuanjie and event.town == tuanjie.town
    assert event.venue_position_id == event.organiser_position_id
    assert list(event.state_changes.values_list("from_state", "to_state")) == [("", "draft")]


NAIVE = dt.datetime(2026, 12, 1, 10)


@pytest.mark.parametrize(
    ("actor", "fields", "error", "field"),
    [
        pytest.param(
            "station_head",
            {"start": at(2026, 12, 1, 10), "end": at(2026, 12, 1, 9)},
            InvalidInput,
            "end",
            id="end-before-start",
        ),
        pytest.param(
            "station_head",
            {"start": NAIVE, "end": NAIVE + dt.timedelta(hours=1)},
            InvalidInput,
            None,
            id="naive-times",
        ),
        pytest.param("station_head", {"title": "  "}, InvalidInput, "title", id="empty-title"),
        pytest.param(
            "station_head",
            {"village": "other_village", "venue_address": "广场"},
            NotInScope,
            None,
            id="outside-area",
        ),
        pytest.param(
            "volunteer_user",
            {"village": "tuanjie", "venue_address": "广场"},
            NotInScope,
            None,
            id="resident-login",
        ),
        pytest.param(
            "town_admin", {"venue_address": "广场"}, NotInScope, None, id="town-admin-citywide"
        ),
        pytest.param("city_admin", {}, InvalidInput, "venue_address", id="no-venue"),
    ],
)
def test_create_rejections(request, create_event, actor, fields, error, field):
    """Each refusal names the problem (and the form field, where there is one) and writes
    nothing: no event, no audit row."""
    fields = {
        name: request.getfixturevalue(value) if name == "village" else value
        for name, value in fields.items()
    }
    with pytest.raises(error) as refused:
        create_event(request.getfixturevalue(actor), **fields)
    assert str(refused.value.message)
    if field is not None:
        assert field in refused.value.fields
    assert not Event.objects.exists() and not EventStateChange.objects.exists()


def test_city_admin_creates_citywide_event(city_admin, create_event):
    event = create_event(city_admin, title="全市文明交通志愿服务", venue_address="龙泉广场")
    assert event.town is None and event.village is None


def test_scope_rules(make_event, town_admin, other_town_admin, city_admin):
    event = make_event()
    assert access.event_in_scope(town_admin, event)
    assert access.event_in_scope(city_admin, event)
    assert not access.event_in_scope(other_town_admin, event)
    with pytest.raises(NotInScope):
        services.event_publish(user=other_town_admin, event=event)


def test_update_and_refusals(make_event, station_head, other_town_admin):
    event = make_event()
    services.event_update(user=station_head, event=event, title="新标题")
    assert Event.objects.get(pk=event.pk).title == "新标题"
    with pytest.raises(InvalidInput):
        services.event_update(user=station_head, event=event, state="done")
    with pytest.raises(InvalidInput):
        services.event_update(user=station_head, event=event, end=event.start - dt.timedelta(1))
    with pytest.raises(NotInScope):
        services.event_update(user=other_town_admin, event=event, title="y")
    services.event_cancel(user=station_head, event=event, reason="改期")
    with pytest.raises(InvalidTransition):
        services.event_update(user=station_head, event=event, title="z")


def test_transitions_write_audit_rows_and_signal(
    make_event, station_head, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    event_state_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = make_event()
            services.event_plan(user=station_head, event=event)
            services.event_publish(user=station_head, event=event)
    finally:
        event_state_changed.disconnect(listener)
    assert [(r["from_state"], r["to_state"]) for r in received] == [
        ("", "draft"),
        ("draft", "planned"),
        ("planned", "published"),
    ]
    assert received[-1]["village_id"] == event.village_id
    assert received[-1]["category_id"] == event.category_id
    assert EventStateChange.objects.filter(event=event).count() == 3


def test_signal_not_sent_when_rolled_back(
    make_event, station_head, django_capture_on_commit_callbacks
):
    event = make_event(state="planned")
    received = []
    event_state_changed.connect(received.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(InvalidTransition):
                services.event_plan(user=station_head, event=event)
    finally:
        event_state_changed.disconnect(received.append)
    assert received == []


def test_wrong_state_transitions(make_event, station_head):
    event = make_event(state="published")
    with pytest.raises(InvalidTransition):
        services.event_plan(user=station_head, event=event)
    with pytest.raises(InvalidTransition):
        services.event_publish(user=station_head, event=event)
    draft = make_event()
    with time_machine.travel(at(2026, 12, 11), tick=False):
        with pytest.raises(InvalidTransition):
            services.event_complete(user=station_head, event=draft)


def test_stale_object_cannot_transition_twice(make_event, station_head):
    event = make_event()
    stale = Event.objects.get(pk=event.pk)
    services.event_publish(user=station_head, event=event)
    with pytest.raises(InvalidTransition):
        services.event_publish(user=station_head, event=stale)
    assert EventStateChange.objects.filter(event=event, to_state="published").count() == 1


def test_cancel_needs_reason(make_event, station_head):
    event = make_event(state="planned")
    with pytest.raises(InvalidInput):
        services.event_cancel(user=station_head, event=event, reason=" ")
    event = services.event_cancel(user=station_head, event=event, reason="暴雨预警")
    assert event.state == "cancelled" and event.cancel_reason == "暴雨预警"
    with pytest.raises(InvalidTransition):
        services.event_cancel(user=station_head, event=event, reason="again")


@pytest.mark.parametrize(
    ("now", "done"),
    [
        (at(2026, 11, 20, 10, 0), False),  # weeks before
        (at(2026, 12, 10, 8, 59, 59), False),  # a second before it starts
        (at(2026, 12, 10, 9, 0), True),  # as it starts
        (at(2026, 12, 10, 12, 0), True),  # after it ended
    ],
)
@pytest.mark.parametrize("state", ["planned", "published"])
def test_complete_only_once_started(make_event, station_head, state, now, done):
    event = make_event(state=state)  # 10 December, 09:00-11:00
    with time_machine.travel(now, tick=False):
        if not done:
            with pytest.raises(InvalidTransition) as refused:
                services.event_complete(user=station_head, event=event, attendance=5)
            assert refused.value.status_code == 409
            assert str(refused.value.message) == "活动尚未开始，不能标记为完成。"
        else:
            services.event_complete(user=station_head, event=event, attendance=5)
    event.refresh_from_db()
    assert (event.state == "done") is done
    assert (event.attendance, event.completed_at is not None) == ((5, True) if done else (0, False))
    assert EventStateChange.objects.filter(event=event, to_state="done").count() == int(done)


def test_complete_reads_the_start_as_stored(make_event, station_head):
    """A copy read before an edit moved the event later cannot complete it early."""
    event = make_event(state="published", start=at(2026, 11, 20, 9, 0))
    stale = Event.objects.get(pk=event.pk)
    services.event_update(
        user=station_head, event=event, start=at(2026, 12, 1, 9, 0), end=at(2026, 12, 1, 11, 0)
    )
    with pytest.raises(InvalidTransition):
        services.event_complete(user=station_head, event=stale)
    event.refresh_from_db()
    assert event.state == "published"
    assert event.may_complete is False and event.has_started is False


def test_complete_confirms_the_named_volunteers_only(make_event, station_head, tuanjie):
    event = make_event(state="published")
    confirmed = f.VolunteerFactory(home_village=tuanjie)
    unconfirmed = f.VolunteerFactory(home_village=tuanjie)
    walker_user = f.UserFactory()
    walker = f.VolunteerFactory(home_village=tuanjie, user=walker_user, hours_total=Decimal("3"))
    with time_machine.travel(at(2026, 12, 10, 9, 30), tick=False):
        checkin.checkin_volunteer(event=event, user=walker_user)
        token = checkin_token.make(event.pk)
        checkin.checkin_resident(event=event, name="李大娘", phone="13812341234", token=token)
        event = services.event_complete(
            user=station_head,
            event=event,
            attendance=1,
            results_note="反响很好",
            volunteers=[
                services.ServedVolunteer(confirmed.pk, Decimal("2")),
                services.ServedVolunteer(unconfirmed.pk, Decimal("2"), confirmed=False),
            ],
        )
    assert event.state == "done"
    assert event.attendance == 2  # at least the check-ins
    confirmed.refresh_from_db()
    unconfirmed.refresh_from_db()
    walker.refresh_from_db()
    assert confirmed.hours_total == Decimal("2")
    assert unconfirmed.hours_total == 0
    # Self check-in records pending hours: the organiser has not confirmed them yet.
    assert walker.hours_total == Decimal("3")
    walker_record = ServiceRecord.objects.get(source_kind="event", volunteer=walker)
    assert walker_record.status == "pending" and walker_record.hours == Decimal("2.0")
    # Confirming all: the walker's and the unconfirmed volunteer's records; twice is a no-op.
    with time_machine.travel(at(2026, 12, 10, 12), tick=False):
        assert services.event_volunteers_confirm_all(user=station_head, event=event) == 2
        assert services.event_volunteers_confirm_all(user=station_head, event=event) == 0
        services.event_volunteer_confirm(
            user=station_head, event=event, volunteer=unconfirmed, hours=Decimal("2")
        )
    unconfirmed.refresh_from_db()
    walker.refresh_from_db()
    assert unconfirmed.hours_total == Decimal("2") and walker.hours_total == Decimal("5")
    link = EventVolunteer.objects.get(event=event, volunteer=walker)
    assert link.confirmed and link.hours_credited


def test_confirm_with_other_hours_is_an_audited_correction(make_event, station_head, tuanjie):
    event = make_event(state="published")
    vol = f.VolunteerFactory(home_village=tuanjie)
    with time_machine.travel(at(2026, 12, 10, 12), tick=False):
        services.event_volunteer_confirm(user=station_head, event=event, volunteer=vol, hours=2)
        services.event_volunteer_confirm(user=station_head, event=event, volunteer=vol, hours="1.5")
    vol.refresh_from_db()
    assert vol.hours_total == Decimal("1.5")
    change = ServiceRecord.objects.get(volunteer=vol).changes.get(action="correct")
    assert (change.old_hours, change.new_hours, change.actor) == (
        Decimal("2.0"),
        Decimal("1.5"),
        station_head,
    )


def test_confirm_refused_before_start_for_drafts_and_cancelled(make_event, station_head, tuanjie):
    vol = f.VolunteerFactory(home_village=tuanjie)
    published = make_event(state="published")
    with time_machine.travel(at(2026, 12, 9), tick=False), pytest.raises(InvalidTransition):
        services.event_volunteer_confirm(user=station_head, event=published, volunteer=vol, hours=2)
    with time_machine.travel(at(2026, 12, 11), tick=False):
        for state in ("draft", "planned", "cancelled"):
            with pytest.raises(InvalidTransition):
                services.event_volunteer_confirm(
                    user=station_head, event=make_event(state=state), volunteer=vol, hours=2
                )
    vol.refresh_from_db()
    assert vol.hours_total == 0 and not ServiceRecord.objects.exists()


def test_complete_rejects_bad_numbers(make_event, station_head, tuanjie):
    event = make_event(state="planned")
    vol = f.VolunteerFactory(home_village=tuanjie)
    with time_machine.travel(at(2026, 12, 11), tick=False):
        with pytest.raises(InvalidInput):
            services.event_complete(user=station_head, event=event, attendance=-1)
        with pytest.raises(InvalidInput):
            services.event_complete(
                user=station_head,
                event=event,
                volunteers=[services.ServedVolunteer(vol.pk, Decimal("25"))],
            )
        with pytest.raises(InvalidInput):
            services.event_complete(
                user=station_head,
                event=event,
                volunteers=[services.ServedVolunteer(999999, Decimal("2"))],
            )
    assert Event.objects.get(pk=event.pk).state == "planned"


def _completed_order(tuanjie, menu_item, volunteer):
    return Order.objects.create(
        number="WM202611200001",
        tracking_token="t" * 40,
        status=Order.Status.COMPLETED,
        village=tuanjie,
        town=tuanjie.town,
        menu_item=menu_item,
        category=menu_item.category,
        name="李大娘",
        phone="13812341234",
        people=12,
        accepted_by=volunteer,
        service_date=dt.date(2026, 11, 18),
        hours=Decimal("1.5"),
    )


def test_event_from_order(station_head, tuanjie, menu_item, volunteer, tuanjie_station):
    order = _completed_order(tuanjie, menu_item, volunteer)
    event = services.event_from_order(user=station_head, order=order)
    assert event.state == "done" and event.source_order == order
    assert event.attendance == 12 and event.organiser_position == tuanjie_station
    link = EventVolunteer.objects.get(event=event)
    # The hours are the order's record (none here): the event's link never counts them.
    assert not link.hours_credited and link.hours == Decimal("1.5")
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 0
    with pytest.raises(InvalidTransition):
        services.event_from_order(user=station_head, order=order)


def test_event_from_open_order_refused(
    station_head, other_town_admin, tuanjie, menu_item, volunteer
):
    order = _completed_order(tuanjie, menu_item, volunteer)
    with pytest.raises(NotInScope):
        services.event_from_order(user=other_town_admin, order=order)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.OPEN)
    order.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.event_from_order(user=station_head, order=order)


def test_plan_submit(make_event, station_head, tuanjie_station):
    draft = make_event(start=at(2026, 12, 5, 9))
    planned = make_event(start=at(2026, 12, 6, 9), state="planned")
    plan = plans.plan_submit(
        user=station_head, position=tuanjie_station, month=dt.date(2026, 12, 1), note="十二月"
    )
    assert plan.status == MonthlyPlan.Status.SUBMITTED
    assert plan.submitted_by == station_head and plan.submitted_at is not None
    assert Event.objects.get(pk=draft.pk).state == "planned"
    assert Event.objects.get(pk=planned.pk).state == "planned"
    with pytest.raises(InvalidTransition):
        plans.plan_submit(user=station_head, position=tuanjie_station, month=dt.date(2026, 12, 1))


def test_plan_submit_refusals(station_head, tuanjie_station, longquan_station, make_event):
    with pytest.raises(InvalidInput):  # empty plan
        plans.plan_submit(user=station_head, position=tuanjie_station, month=dt.date(2026, 12, 1))
    with pytest.raises(InvalidInput):  # past month
        plans.plan_submit(user=station_head, position=tuanjie_station, month=dt.date(2026, 10, 1))
    with pytest.raises(NotInScope):
        plans.plan_submit(user=station_head, position=longquan_station, month=dt.date(2026, 12, 1))
    assert not MonthlyPlan.objects.exists()


def test_resident_checkin_repeats_ignored(make_event):
    event = make_event(state="published")
    with time_machine.travel(at(2026, 12, 10, 8, 50), tick=False):
        token = checkin_token.make(event.pk)
        first = checkin.checkin_resident(
            event=event, name="李大娘", phone="13812341234", token=token
        )
        again = checkin.checkin_resident(
            event=event, name="李大娘", phone="13812341234", token=token
        )
    assert first.created and not again.created
    assert CheckIn.objects.filter(event=event).count() == 1
    assert Event.objects.get(pk=event.pk).attendance == 1


def test_checkin_refusals(make_event, volunteer_user):
    event = make_event(state="published")
    with pytest.raises(InvalidInput):
        checkin.checkin_resident(event=event, name="李", phone="12345", token="")
    with pytest.raises(InvalidInput):
        checkin.checkin_resident(event=event, name="", phone="13812341234", token="")
    with time_machine.travel(at(2026, 12, 10, 7, 59), tick=False):  # 61 minutes early
        with pytest.raises(InvalidTransition):
            checkin.checkin_resident(
                event=event, name="李", phone="13812341234", token=checkin_token.make(event.pk)
            )
    draft = make_event()
    with time_machine.travel(at(2026, 12, 10, 9), tick=False):
        with pytest.raises(InvalidTransition):
            checkin.checkin_resident(
                event=draft, name="李", phone="13812341234", token=checkin_token.make(draft.pk)
            )
        with pytest.raises(InvalidInput):  # a login that is no volunteer
            checkin.checkin_volunteer(event=event, user=f.UserFactory())
    assert not CheckIn.objects.exists()


def test_volunteer_checkin_repeat(make_event, volunteer, volunteer_user):
    event = make_event(state="published")
    with time_machine.travel(at(2026, 12, 10, 9), tick=False):
        assert checkin.checkin_volunteer(event=event, user=volunteer_user).created
        assert not checkin.checkin_volunteer(event=event, user=volunteer_user).created
    assert CheckIn.objects.filter(event=event).count() == 1
    link = EventVolunteer.objects.get(event=event, volunteer=volunteer)
    assert link.checked_in and link.hours == Decimal("2.0")
