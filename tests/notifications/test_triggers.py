"""Each step of an order reaches the person who must act next."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from notifications.kinds import Channel, Kind
from notifications.models import Notification, NotificationPreference
from orders import notices, services
from orders.models import Order, VolunteerSkill
from stations.models import Position
from tests import factories as f
from tests.notifications.conftest import at
from tests.orders.factories import area_admin, order_in_state, send_notices, submit_order

S = Order.Status
PHONE = "13812341234"


def rows(**filters):
    send_notices()  # the worker's drain after the commit
    return list(
        Notification.objects.filter(**filters).order_by("id").values_list("kind", "channel")
    )


@pytest.fixture
def head(tuanjie_station, station_head):
    Position.objects.filter(pk=tuanjie_station.pk).update(head_phone="13500001111")
    return station_head


@pytest.fixture
def unskilled(tuanjie):
    """A member of 团结村's team without the lecture skill: not told of lecture orders."""
    user = f.UserFactory(username="v-noskill")
    vol = f.VolunteerFactory(name="赵强", home_village=tuanjie, user=user)
    f.MembershipFactory(team=vol.home_village.teams.get(), volunteer=vol)
    return vol


def test_new_order_tells_head_and_resident(head, tuanjie, menu_item):
    order = submit_order(tuanjie, menu_item, phone=PHONE)
    assert rows(recipient=head) == [(Kind.ORDER_NEW, "inbox"), (Kind.ORDER_NEW, "sms")]
    head_sms = Notification.objects.get(recipient=head, channel=Channel.SMS)
    assert head_sms.address == "13500001111"
    assert head_sms.payload["url"] == f"/station/orders/{order.pk}/"
    resident = Notification.objects.get(address=PHONE)
    assert (resident.kind, resident.channel) == (Kind.ORDER_RECEIVED, Channel.SMS)
    assert resident.payload["url"] == f"/orders/t/{order.tracking_token}/"
    # Personal data stays out of what staff are sent.
    assert "李大娘" not in head_sms.body and PHONE not in head_sms.body


def test_a_rolled_back_order_leaves_no_notification(head, tuanjie, menu_item):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_order(tuanjie, menu_item)
        raise RuntimeError
    assert Notification.objects.count() == 0


def test_open_order_tells_skilled_village_volunteers(
    head, tuanjie, menu_item, volunteer, unskilled
):
    order = submit_order(tuanjie, menu_item)
    assert rows(recipient=volunteer.user) == []  # under review: nothing to claim yet
    services.order_approve(order_id=order.pk, actor=head)
    assert rows(recipient=volunteer.user) == [(Kind.ORDER_OPEN, "inbox")]
    assert rows(recipient=unskilled.user) == []


def test_auto_opened_order_tells_volunteers_at_once(tuanjie_station, tuanjie, menu_item, volunteer):
    Position.objects.filter(pk=tuanjie_station.pk).update(review_orders=False)
    submit_order(tuanjie, menu_item)
    assert rows(recipient=volunteer.user) == [(Kind.ORDER_OPEN, "inbox")]


def test_released_order_is_offered_again(tuanjie_station, tuanjie, menu_item, volunteer):
    order = order_in_state(S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    services.order_release(order_id=order.pk, actor=volunteer.user, reason="临时有事")
    assert rows(recipient=volunteer.user) == [(Kind.ORDER_OPEN, "inbox")] * 2


def test_resident_hears_each_step(tuanjie_station, tuanjie, menu_item, volunteer):
    order = order_in_state(
        S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer, phone=PHONE
    )
    send_notices()
    sent = Notification.objects.filter(address=PHONE).order_by("id")
    assert [n.kind for n in sent] == [
        Kind.ORDER_RECEIVED,
        Kind.ORDER_ACCEPTED,
        Kind.ORDER_COMPLETED,
    ]
    accepted = sent[1]
    assert accepted.payload["who"] == "明"  # given name only (PIPL)
    assert "志愿者明接单" in accepted.body
    assert sent[2].payload["url"] == f"/orders/t/{order.tracking_token}/"


def test_rejection_and_cancellation_carry_the_reason(tuanjie_station, tuanjie, menu_item):
    admin = area_admin()
    rejected = order_in_state(S.REJECTED, village=tuanjie, menu_item=menu_item, phone=PHONE)
    send_notices()
    msg = Notification.objects.get(kind=Kind.ORDER_REJECTED)
    assert msg.address == PHONE and "重复申请" in msg.body
    assert rejected.status == S.REJECTED
    other = submit_order(tuanjie, menu_item, phone="13912345678")
    services.order_cancel(order_id=other.pk, actor=admin, reason="村里已安排")
    send_notices()
    msg = Notification.objects.get(kind=Kind.ORDER_CANCELLED)
    assert msg.address == "13912345678" and "村里已安排" in msg.body


def test_resident_who_cancels_gets_no_sms_about_it(tuanjie_station, tuanjie, menu_item):
    order_in_state(S.CANCELLED, village=tuanjie, menu_item=menu_item)
    send_notices()
    assert not Notification.objects.filter(kind=Kind.ORDER_CANCELLED).exists()


def test_low_rating_makes_a_follow_up_task(head, tuanjie, menu_item, volunteer):
    order = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        services.order_rate(tracking_token=order.tracking_token, stars=2, comment="没来")
    send_notices()
    task = Notification.objects.get(recipient=head, kind=Kind.FOLLOW_UP_DUE, channel="inbox")
    assert task.payload["due"] == "2026-12-04" and task.payload["stars"] == 2


def test_good_rating_makes_no_task(head, tuanjie, menu_item, volunteer):
    order = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    services.order_rate(tracking_token=order.tracking_token, stars=5)
    send_notices()
    assert not Notification.objects.filter(kind=Kind.FOLLOW_UP_DUE).exists()


def test_rating_reminder_once_after_three_days(tuanjie_station, tuanjie, menu_item, volunteer):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        order = order_in_state(
            S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer, phone=PHONE
        )
    with time_machine.travel(at(2026, 12, 4, 9, 59), tick=False):
        notices.order_remind_ratings()
    assert not Notification.objects.filter(kind=Kind.RATING_REMINDER).exists()
    for day in (4, 5, 6):
        with time_machine.travel(at(2026, 12, day, 10, 0), tick=False):
            notices.order_remind_ratings()
    reminder = Notification.objects.get(kind=Kind.RATING_REMINDER)
    assert reminder.address == PHONE
    assert reminder.payload["url"] == f"/orders/t/{order.tracking_token}/"


def test_rated_orders_get_no_reminder(tuanjie_station, tuanjie, menu_item, volunteer):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        order_in_state(S.RATED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    with time_machine.travel(at(2026, 12, 5, 10, 0), tick=False):
        notices.order_remind_ratings()
    assert not Notification.objects.filter(kind=Kind.RATING_REMINDER).exists()


def test_overdue_follow_up_tells_the_town_admin_once(
    head, town_admin, other_town_admin, tuanjie, menu_item, volunteer
):
    order = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        services.order_rate(tracking_token=order.tracking_token, stars=1)
    with time_machine.travel(at(2026, 12, 4, 9, 0), tick=False):
        notices.order_chase_follow_ups()
    assert not Notification.objects.filter(kind=Kind.FOLLOW_UP_OVERDUE).exists()
    for day in (4, 5):
        with time_machine.travel(at(2026, 12, day, 10, 0), tick=False):
            notices.order_chase_follow_ups()
    assert rows(kind=Kind.FOLLOW_UP_OVERDUE) == [(Kind.FOLLOW_UP_OVERDUE, "inbox")]
    assert Notification.objects.get(kind=Kind.FOLLOW_UP_OVERDUE).recipient == town_admin


def test_follow_up_done_in_time_is_not_chased(head, town_admin, tuanjie, menu_item, volunteer):
    order = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        services.order_rate(tracking_token=order.tracking_token, stars=1)
        services.order_follow_up(order_id=order.pk, actor=head, note="已电话回访")
    with time_machine.travel(at(2026, 12, 5, 10, 0), tick=False):
        notices.order_chase_follow_ups()
    assert not Notification.objects.filter(kind=Kind.FOLLOW_UP_OVERDUE).exists()


def test_station_head_may_choose_email(
    head, tuanjie, menu_item, mailoutbox, settings, django_capture_on_commit_callbacks
):
    head.email = "head@example.com"
    head.save()
    NotificationPreference.objects.create(user=head, channels={Kind.ORDER_NEW: ["email"]})
    settings.WENMING_SMS_QUIET_HOURS = ""
    with django_capture_on_commit_callbacks(execute=True):
        order = submit_order(tuanjie, menu_item, phone="13912345678", name="李大娘")
    assert len(mailoutbox) == 1
    assert order.number in mailoutbox[0].subject
    assert "13912345678" not in mailoutbox[0].body and "李大娘" not in mailoutbox[0].body


def test_skill_links_fixture_sanity(volunteer, lecture_category):
    assert VolunteerSkill.objects.filter(volunteer=volunteer, category=lecture_category).exists()
    assert dt.timedelta(days=3) == notices.RATING_REMINDER_AFTER


def test_an_assigned_volunteer_is_told_and_a_cancellation_reaches_them(
    head, tuanjie, menu_item, volunteer
):
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    services.order_assign(order_id=order.pk, actor=head, volunteer_id=volunteer.pk)
    assert rows(recipient=volunteer.user, kind=Kind.ORDER_ASSIGNED) == [
        (Kind.ORDER_ASSIGNED, "inbox"),
        (Kind.ORDER_ASSIGNED, "sms"),
    ]
    sms = Notification.objects.get(
        recipient=volunteer.user, kind=Kind.ORDER_ASSIGNED, channel="sms"
    )
    assert sms.address == "13900001111" and order.number in sms.body
    services.order_cancel(order_id=order.pk, actor=head, reason="群众已搬走")
    send_notices()
    told = Notification.objects.get(
        recipient=volunteer.user, kind=Kind.ORDER_WITHDRAWN, channel="inbox"
    )
    assert "群众已搬走" in told.body


def test_a_team_assignment_tells_the_captain_only(
    head, tuanjie, menu_item, volunteer, town_volunteer
):
    team = volunteer.memberships.get().team
    f.MembershipFactory(team=team, volunteer=town_volunteer)
    team.captain = volunteer
    team.save()
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    services.order_assign(order_id=order.pk, actor=head, team_id=team.pk)
    send_notices()
    told = set(
        Notification.objects.filter(kind=Kind.ORDER_ASSIGNED).values_list("recipient", flat=True)
    )
    assert told == {volunteer.user_id}


def test_a_claim_does_not_tell_the_claimer_they_were_assigned(tuanjie, menu_item, volunteer):
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    services.order_claim(order_id=order.pk, actor=volunteer.user)
    send_notices()
    assert Notification.objects.filter(kind=Kind.ORDER_ACCEPTED).exists()  # the drain ran
    assert not Notification.objects.filter(kind=Kind.ORDER_ASSIGNED).exists()
