"""One definition of overdue (超时未接单), computed when read: the model, the staff's lists, the
API, the admins' digest and the report figures agree, and no periodic task is ever run here."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from notifications.kinds import Kind
from notifications.models import Notification
from orders import notices, services
from orders.models import Order
from reports import figures
from tests.orders.factories import area_admin, order_in_state, submit_order

S = Order.Status
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
BADGE = '<span class="badge bad">超时未接单</span>'


def h(hours: float) -> dt.datetime:
    return START + dt.timedelta(hours=hours)


def release(order: Order, volunteer, *, claim_at: float, release_at: float) -> Order:
    with time_machine.travel(h(claim_at), tick=False):
        services.order_claim(order_id=order.pk, actor=volunteer.user)
    with time_machine.travel(h(release_at), tick=False):
        return services.order_release(order_id=order.pk, actor=volunteer.user, reason="临时有事")


def overdue_ids(now: dt.datetime) -> set[int]:
    return set(Order.objects.filter(Order.overdue_q(now)).values_list("pk", flat=True))


def reports_say_overdue(order: Order, now: dt.datetime) -> bool:
    """The report figure's rule (``reports.figures``), judged from the status-change rows."""
    changes = list(
        order.status_changes.order_by("created_at", "id").values_list("created_at", "to_status")
    )
    due = figures.order_overdue_at(
        status=order.status, created_at=order.created_at, changes=changes
    )
    return figures.counts_as_overdue(due, now)


@pytest.fixture
def orders(settings, tuanjie_station, tuanjie, menu_item, volunteer):
    """Received at START (48 hours to wait), in the states the rule has to tell apart."""
    settings.WENMING_ORDER_OVERDUE_HOURS = 48
    admin = area_admin()
    with time_machine.travel(START, tick=False):
        made = {
            "late": order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item, admin=admin),
            "unreviewed": submit_order(tuanjie, menu_item),
            "in_time": order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item, admin=admin),
            "early": order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item, admin=admin),
            "late_claim": order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item, admin=admin),
            "accepted": order_in_state(
                S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer, admin=admin
            ),
            "cancelled": order_in_state(S.CANCELLED, village=tuanjie, menu_item=menu_item),
        }
    # Accepted in time (47 h), given back after the deadline: not waiting when it ran out.
    made["in_time"] = release(made["in_time"], volunteer, claim_at=47, release_at=60)
    # Given back before the deadline, or accepted only after it: waiting when it ran out.
    made["early"] = release(made["early"], volunteer, claim_at=1, release_at=2)
    made["late_claim"] = release(made["late_claim"], volunteer, claim_at=50, release_at=55)
    with time_machine.travel(h(40), tick=False):
        made["fresh"] = submit_order(tuanjie, menu_item)
    return made


OVERDUE_AT_61H = {"late", "unreviewed", "early", "late_claim"}


def test_the_model_the_query_and_the_reports_agree(orders):
    with time_machine.travel(h(61), tick=False):
        for name, order in orders.items():
            order.refresh_from_db()
            assert order.is_overdue == (name in OVERDUE_AT_61H), name
            assert reports_say_overdue(order, timezone.now()) == order.is_overdue, name
        assert overdue_ids(timezone.now()) == {orders[name].pk for name in OVERDUE_AT_61H}


def test_overdue_from_the_moment_the_deadline_runs_out(orders):
    late = orders["late"]
    with time_machine.travel(h(48) - dt.timedelta(seconds=1), tick=False):
        assert not Order.objects.get(pk=late.pk).is_overdue
        assert late.pk not in overdue_ids(timezone.now())
    with time_machine.travel(h(48), tick=False):
        assert Order.objects.get(pk=late.pk).is_overdue
        assert late.pk in overdue_ids(timezone.now())
        assert reports_say_overdue(late, timezone.now())


def test_held_at_its_deadline_stays_not_overdue_after_a_later_claim_and_release(orders, volunteer):
    in_time = release(orders["in_time"], volunteer, claim_at=70, release_at=80)
    assert in_time.held_at_deadline
    with time_machine.travel(h(81), tick=False):
        assert not in_time.is_overdue and in_time.pk not in overdue_ids(timezone.now())
        assert not reports_say_overdue(in_time, timezone.now())


def test_station_list_puts_overdue_first_with_the_badge(client, orders, station_head):
    client.force_login(station_head)
    with time_machine.travel(h(61), tick=False):
        response = client.get("/station/orders/")
    rows = list(response.context["page"].object_list)
    overdue = {orders[name].pk for name in OVERDUE_AT_61H}
    assert {o.pk for o in rows[: len(overdue)]} == overdue
    assert response.content.decode().count(BADGE) == len(overdue)


def test_api_filter_and_field(api, orders, town_admin):
    api.force_authenticate(town_admin)
    overdue = {orders[name].pk for name in OVERDUE_AT_61H}
    with time_machine.travel(h(61), tick=False):
        listed = api.get("/api/orders/", {"is_overdue": "true"}).json()["results"]
        others = api.get("/api/orders/", {"is_overdue": "false"}).json()["results"]
        everything = api.get("/api/orders/").json()["results"]
        detail = api.get(f"/api/orders/{orders['late'].pk}/").json()
        not_late = api.get(f"/api/orders/{orders['in_time'].pk}/").json()
    assert {row["id"] for row in listed} == overdue
    assert all(row["is_overdue"] for row in listed)
    assert {row["id"] for row in others} == {o.pk for o in orders.values()} - overdue
    assert not any(row["is_overdue"] for row in others)
    assert {row["id"] for row in everything if row["is_overdue"]} == overdue
    assert detail["is_overdue"] is True and not_late["is_overdue"] is False


def test_digest_counts_them(orders, town_admin):
    with time_machine.travel(h(61), tick=False):
        notices.order_send_digests()
    digest = Notification.objects.get(recipient=town_admin, kind=Kind.DIGEST, channel="inbox")
    assert digest.payload["overdue"] == len(OVERDUE_AT_61H)


def test_the_migration_finds_orders_held_at_their_deadline_from_their_rows(orders):
    """Orders released before the upgrade have no ``held_at_deadline`` yet: migration 0013
    reads it from their status-change rows, as the reports do."""
    import importlib

    from django.apps import apps

    Order.objects.update(held_at_deadline=False)
    with time_machine.travel(h(61), tick=False):
        importlib.import_module("orders.migrations.0013_overdue_computed_on_read").mark_held(
            apps, None
        )
    held = set(Order.objects.filter(held_at_deadline=True).values_list("pk", flat=True))
    assert held == {orders["in_time"].pk}


def test_a_release_decided_on_an_earlier_acceptance_does_not_land(orders, volunteer):
    """The release writes whether *that* acceptance was held at the deadline: if the same
    volunteer gave the order back and took it again meanwhile, the stale release is refused
    instead of recording the old acceptance against the new one."""
    from core.errors import InvalidTransition
    from orders.transitions import owner_transition

    with time_machine.travel(h(10), tick=False):
        services.order_claim(order_id=orders["early"].pk, actor=volunteer.user)
    stale = Order.objects.get(pk=orders["early"].pk)  # the release is decided on this one
    with time_machine.travel(h(12), tick=False):  # meanwhile: given back …
        services.order_release(order_id=stale.pk, actor=volunteer.user, reason="临时有事")
    with time_machine.travel(h(13), tick=False):  # … and taken again
        services.order_claim(order_id=stale.pk, actor=volunteer.user)
    with time_machine.travel(h(60), tick=False), pytest.raises(InvalidTransition):
        owner_transition(
            stale,
            to=S.OPEN,
            actor=volunteer.user,
            worker=volunteer,
            note="x",
            accepted_by=None,
            accepted_team=None,
            accepted_at=None,
            held_at_deadline=True,
        )
    fresh = Order.objects.get(pk=stale.pk)
    assert fresh.status == S.ACCEPTED and not fresh.held_at_deadline
