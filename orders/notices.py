"""Who orders tell, and what: each step of an order reaches the person who must act next.

Each change's transaction writes a marker (``OrderNoticeDue``, by ``orders.transitions``) with
what the notices need of the order as the change left it; after the commit ``send_due`` (the
task ``orders.send_notices``, queued once per batch, and every minute from beat) works out
who must be told and writes the notifications (``notifications.services.notify``: the
outbox), deleting the marker in the same transaction. So the resident's or volunteer's request
no longer looks up station heads and volunteers, and a notice is never lost: a failed batch
leaves its markers for the next run. The cause of a message is the audit row of the transition
(``order:<id>:change:<row>``), so a step never notifies twice, even when a marker is handled
twice; the periodic reminders use a cause of their own, so they go out once.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Kind
from notifications.services import batched, notify
from orders import tiers
from orders.eligibility import eligible_volunteers, team_members
from orders.models import Order, OrderNoticeDue, OrderStatusChange
from stations.models import Position, Role
from volunteers.models import Team, Volunteer

logger = logging.getLogger(__name__)

S = Order.Status
Actor = OrderStatusChange.ActorKind

# The resident is reminded to rate once, this long after completion; a low rating's follow-up is
# due this long after the rating, and the town admin is told when it is not done by then.
RATING_REMINDER_AFTER = dt.timedelta(days=3)
FOLLOW_UP_DUE_AFTER = dt.timedelta(days=3)
# The periodic checks look this far back (a missed day of beat is caught up; older orders not).
LOOKBACK = dt.timedelta(days=7)


def station_head_ids(order: Order) -> set[int]:
    """Logins that head the order's village station (its head account and station-head roles)."""
    return village_head_ids(order.village_id)


# Within a drain of the notices (``send_due``): each village's heads, asked once.
_village_heads: ContextVar[dict[int, set[int]] | None] = ContextVar(
    "orders_village_heads", default=None
)


def village_head_ids(village_id: int) -> set[int]:
    """Logins that head a village's station (its head account and station-head roles)."""
    known = _village_heads.get()
    if known is not None:
        if village_id not in known:
            known[village_id] = _village_head_ids(village_id)
        return set(known[village_id])
    return _village_head_ids(village_id)


def _village_head_ids(village_id: int) -> set[int]:
    roles = (
        Role.objects.filter(
            kind=Role.Kind.STATION_HEAD,
            position__level=Position.Level.STATION,
            position__village_id=village_id,
        )
        .values_list("user_id", flat=True)
        .order_by()
    )
    accounts = (
        Position.objects.filter(
            level=Position.Level.STATION,
            village_id=village_id,
            is_active=True,
            head_user__isnull=False,
        )
        .values_list("head_user_id", flat=True)
        .order_by()
    )
    # One round trip: every submission asks this inside its transaction.
    return set(roles.union(accounts))


def town_admin_ids(order: Order) -> set[int]:
    return set(
        Role.objects.filter(kind=Role.Kind.TOWN_ADMIN, town_id=order.town_id).values_list(
            "user_id", flat=True
        )
    )


def village_volunteer_ids(order: Order) -> set[int]:
    """Logins of the village team's active volunteers whose skills match the order's category."""
    return set(
        eligible_volunteers(town_id=order.town_id, category_id=order.category_id)
        .filter(
            skilled=True,
            user__isnull=False,
            memberships__team__kind=Team.Kind.VILLAGE_TEAM,
            memberships__team__village_id=order.village_id,
        )
        .values_list("user_id", flat=True)
    )


def owner_ids(order: Order) -> set[int]:
    """Logins of who serves the order: its volunteer; for a team, its captain, else its active
    members (a team of sixty is not sent sixty text messages when it has a captain)."""
    if order.accepted_by_id:
        users = Volunteer.objects.filter(pk=order.accepted_by_id, user__isnull=False)
    elif order.accepted_team_id:
        team = Team.objects.filter(pk=order.accepted_team_id).values("captain_id").first() or {}
        users = Volunteer.objects.filter(is_active=True, user__isnull=False)
        if team.get("captain_id"):
            users = users.filter(pk=team["captain_id"])
        else:
            users = users.filter(memberships__team_id=order.accepted_team_id)
    else:
        return set()
    return set(users.values_list("user_id", flat=True))


def city_admin_ids(order: Order) -> set[int]:
    return set(
        Role.objects.filter(kind=Role.Kind.CITY_ADMIN, city_id=order.town.city_id).values_list(
            "user_id", flat=True
        )
    )


def tier_volunteer_ids(order: Order) -> set[int]:
    """Logins of the active members of the team an escalated order is offered to (and of its
    squads): those with the order's skill, or all of them when none has it."""
    if not order.escalated_team_id:
        return set()
    members = eligible_volunteers(town_id=None, category_id=order.category_id).filter(
        pk__in=team_members(order.escalated_team_id).values("volunteer_id"), user__isnull=False
    )
    rows = list(members.values_list("user_id", "skilled"))
    skilled = {uid for uid, has in rows if has}
    return skilled or {uid for uid, _has in rows}


def _payload(order: Order, **extra) -> dict:
    return {
        "number": order.number,
        "item": order.menu_item.title,
        "village": order.village.name,
        **extra,
    }


def _track(order: Order) -> str:
    return reverse("orders:track", kwargs={"token": order.tracking_token})


def _station(order: Order) -> str:
    return reverse("orders:station_order_detail", args=[order.pk])


# What a notice says that a later step may change: kept with the marker as the change left it.
STATE_FIELDS = (
    "status",
    "accepted_by_id",
    "accepted_team_id",
    "escalated_team_id",
    "reason",
    "stars",
    "needs_follow_up",
)


def tells_anyone(change: OrderStatusChange) -> bool:
    """Whether ``on_change`` may write a notice for this row: a row that changes no status (a
    follow-up's note) tells nobody, unless it records an escalation."""
    return (
        change.note_kind == OrderStatusChange.NoteKind.ESCALATED
        or change.from_status != change.to_status
    )


def mark_due(change: OrderStatusChange, order: Order) -> None:
    """Inside the change's transaction: the marker ``send_due`` works from, with ``order`` as
    the change left it (``STATE_FIELDS``)."""
    state = {field: getattr(order, field) for field in STATE_FIELDS}
    state["rated_at"] = order.rated_at.isoformat() if order.rated_at else None
    OrderNoticeDue.objects.create(change=change, order_state=state)


def _as_of(order: Order, state: dict) -> Order:
    """``order`` (read now) with what the change left in ``state``: the owner, reason and
    rating the notices name are those of the step, not of a later one."""
    for field in STATE_FIELDS:
        if field in state:
            setattr(order, field, state[field])  # an id changed drops the cached relation
    if "rated_at" in state:
        order.rated_at = dt.datetime.fromisoformat(state["rated_at"]) if state["rated_at"] else None
    return order


# Markers handled per transaction: one commit for many notices, and a failure undoes few.
BATCH = 100


def send_due() -> dict[str, int]:
    """Write the notices of every change still marked (the task ``orders.send_notices``),
    ``BATCH`` at a time, each marker deleted in the transaction that writes its notices.

    Idempotent: the notifications are unique per cause, so a marker handled twice (a crash
    after the write) adds nothing. Two drains at once share the markers (``skip_locked`` on
    PostgreSQL) instead of waiting for each other. A marker whose notices fail is logged and
    stays for the next run (the task queued by the next change, or beat's minute).
    """
    sent = failed = 0
    skip: set[int] = set()
    size = BATCH
    while True:
        taken: list[int] = []
        try:
            done, failing = _send_batch(size, skip, taken)
        except Exception:
            # The batch's one write failed (a row the database refuses): nothing of the batch
            # was written. Go on one marker per transaction for the rest of this run, so a bad
            # marker holds back only itself, not every order's notices behind it.
            if not taken:
                raise  # not even the markers could be read: the task fails and is retried
            if len(taken) == 1:
                skip.update(taken)
                failed += 1
                logger.exception("could not write the notices of marker %s", taken[0])
            size = 1
            continue
        if not taken:
            return {"changes": sent, "failed": failed}
        sent += done
        failed += len(failing)
        skip.update(failing)


def _send_batch(size: int, skip: set[int], taken: list[int]) -> tuple[int, list[int]]:
    """One transaction: up to ``size`` markers' notices written and those markers deleted.
    ``taken`` gets the markers read. Returns how many were handled, and the markers whose
    own notices failed (kept for the next run)."""
    failing: list[int] = []
    with transaction.atomic():
        batch = list(
            OrderNoticeDue.objects.select_for_update(skip_locked=True)
            .exclude(pk__in=skip)
            .select_related("change")
            .order_by("pk")[:size]
        )
        if not batch:
            return 0, failing
        taken.extend(due.pk for due in batch)
        orders = Order.objects.select_related(
            "village", "town", "menu_item", "accepted_by", "accepted_team", "escalated_team"
        ).in_bulk([due.change.order_id for due in batch])
        done = []
        # The batch's notifications are written at once, and who heads a village and how
        # each login is reached are asked once per batch: the fan-out, coalesced.
        heads = _village_heads.set({})
        try:
            with batched() as outbox:
                for due in batch:
                    order = orders.get(due.change.order_id)
                    mark = outbox.mark()
                    try:
                        with transaction.atomic():  # a failure undoes only its notices
                            if order is not None:  # deleted since (a demo reset)
                                on_change(change=due.change, order=_as_of(order, due.order_state))
                    except Exception:
                        outbox.discard_after(mark)
                        failing.append(due.pk)
                        logger.exception("could not write the notices of change %s", due.change_id)
                    else:
                        done.append(due.pk)
        finally:
            _village_heads.reset(heads)
        OrderNoticeDue.objects.filter(pk__in=done).delete()
    return len(done), failing


def on_change(*, change: OrderStatusChange, order: Order) -> None:
    """Tell whoever must act after ``change``; ``order`` as the change left it (``send_due``)."""
    cause = f"order:{order.pk}:change:{change.pk}"
    to = change.to_status
    resident = {"phones": [order.phone]}
    if change.note_kind == OrderStatusChange.NoteKind.ESCALATED:
        _on_escalated(order, change, cause)
    elif change.from_status == to:
        return  # a row that changes no status (a follow-up's note) tells nobody more
    elif to == S.SUBMITTED:
        if change.note_kind != OrderStatusChange.NoteKind.FOLLOW_UP_OF:  # the head opened it
            notify(
                cause=cause,
                kind=Kind.ORDER_NEW,
                payload=_payload(order, url=_station(order)),
                users=station_head_ids(order),
            )
        notify(
            cause=cause,
            kind=Kind.ORDER_RECEIVED,
            payload=_payload(order, url=_track(order)),
            **resident,
        )
    elif to == S.OPEN:
        notify(
            cause=cause,
            kind=Kind.ORDER_OPEN,
            payload=_payload(order, url=reverse("orders:volunteer_dashboard")),
            users=village_volunteer_ids(order) | tier_volunteer_ids(order),
        )
    elif to == S.ACCEPTED:
        notify(
            cause=cause,
            kind=Kind.ORDER_ACCEPTED,
            payload=_payload(order, url=_track(order), who=order.owner_label),
            **resident,
        )
        if change.note_kind == OrderStatusChange.NoteKind.ASSIGNED:  # 派单: the one who serves
            notify(
                cause=cause,
                kind=Kind.ORDER_ASSIGNED,
                payload=_payload(order, url=reverse("orders:volunteer_dashboard")),
                users=owner_ids(order),
            )
    elif to == S.COMPLETED:
        notify(
            cause=cause,
            kind=Kind.ORDER_COMPLETED,
            payload=_payload(order, url=_track(order)),
            **resident,
        )
    elif to == S.CANCELLED and change.actor_kind != Actor.RESIDENT:
        notify(
            cause=cause,
            kind=Kind.ORDER_CANCELLED,
            payload=_payload(order, url=_track(order), reason=order.reason),
            **resident,
        )
        if change.from_status in Order.IN_SERVICE:  # whoever was to serve it stops
            notify(
                cause=cause,
                kind=Kind.ORDER_WITHDRAWN,
                payload=_payload(
                    order, url=reverse("orders:volunteer_dashboard"), reason=order.reason
                ),
                users=owner_ids(order),
            )
    elif to == S.REJECTED:
        notify(
            cause=cause,
            kind=Kind.ORDER_REJECTED,
            payload=_payload(order, url=_track(order), reason=order.reason),
            **resident,
        )
    elif to == S.RATED and order.needs_follow_up:
        due = timezone.localtime(order.rated_at + FOLLOW_UP_DUE_AFTER).date()
        notify(
            cause=cause,
            kind=Kind.FOLLOW_UP_DUE,
            payload=_payload(order, url=_station(order), stars=order.stars, due=due.isoformat()),
            users=station_head_ids(order),
        )


def _on_escalated(order: Order, change: OrderStatusChange, cause: str) -> None:
    """The tier's admin is told (town admin, then city admin); while the order is open for
    claiming, the members of the team it is offered to as well."""
    tier = change.note_data.get("tier", "")
    admins = town_admin_ids(order) if tier == Order.Tier.TOWN else city_admin_ids(order)
    team = order.escalated_team.name if order.escalated_team_id else ""
    hours = tiers.hours_for(tier) if tier in dict(tiers.CLIMB) else ""
    notify(
        cause=cause,
        kind=Kind.ORDER_ESCALATED,
        payload=_payload(order, url=_station(order), tier=tier, team=team, hours=hours),
        users=admins,
    )
    if order.may_claim:
        notify(
            cause=cause,
            kind=Kind.ORDER_OPEN,
            payload=_payload(order, url=reverse("orders:volunteer_dashboard")),
            users=tier_volunteer_ids(order),
        )


def order_remind_ratings(*, now: dt.datetime | None = None) -> int:
    """Remind residents to rate, once, ``RATING_REMINDER_AFTER`` after completion (beat, daily).

    Idempotent: the cause ``order:<id>:rating_reminder`` is unique per phone, so a second run,
    or a second beat, sends nothing more. Returns how many orders were considered.
    """
    now = now or timezone.now()
    due = now - RATING_REMINDER_AFTER
    orders = Order.objects.select_related("village", "menu_item").filter(
        status=S.COMPLETED, completed_at__lte=due, completed_at__gt=due - LOOKBACK
    )
    count = 0
    for order in orders.iterator(chunk_size=200):
        notify(
            cause=f"order:{order.pk}:rating_reminder",
            kind=Kind.RATING_REMINDER,
            payload=_payload(order, url=_track(order)),
            phones=[order.phone],
        )
        count += 1
    return count


def order_chase_follow_ups(*, now: dt.datetime | None = None) -> int:
    """Tell the town admin about low ratings whose follow-up is overdue (beat, daily); once."""
    now = now or timezone.now()
    due = now - FOLLOW_UP_DUE_AFTER
    orders = Order.objects.select_related("village", "menu_item").filter(
        Q(needs_follow_up=True), rated_at__lte=due, rated_at__gt=due - LOOKBACK
    )
    count = 0
    for order in orders.iterator(chunk_size=200):
        notify(
            cause=f"order:{order.pk}:follow_up_overdue",
            kind=Kind.FOLLOW_UP_OVERDUE,
            payload=_payload(
                order,
                url=_station(order),
                due=timezone.localtime(order.rated_at + FOLLOW_UP_DUE_AFTER).date().isoformat(),
            ),
            users=town_admin_ids(order),
        )
        count += 1
    return count


def order_send_digests(*, now: dt.datetime | None = None) -> int:
    """Each town admin and city admin gets one daily digest of their area (beat, 08:30): orders
    new in the last 24 hours, overdue ones still waiting, orders that climbed a tier in the last
    24 hours (escalated), and low ratings (1–2 stars) of the last 24 hours; instead of a
    message per order. Nothing to report: no digest. Once a day: the cause is the local date.
    Returns how many digests were written."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=1)
    day = timezone.localtime(now).date().isoformat()
    counts = {
        "new": Count("pk", filter=Q(created_at__gte=since, created_at__lt=now)),
        "overdue": Count("pk", filter=Order.overdue_q(now)),
        "escalated": Count("pk", filter=Q(escalated_at__gte=since, escalated_at__lt=now)),
        "low": Count("pk", filter=Q(stars__lte=2, rated_at__gte=since, rated_at__lt=now)),
    }
    per_town = {
        row["town_id"]: row for row in Order.objects.order_by().values("town_id").annotate(**counts)
    }
    city = {key: sum(row[key] for row in per_town.values()) for key in counts}
    roles = Role.objects.filter(
        kind__in=[Role.Kind.TOWN_ADMIN, Role.Kind.CITY_ADMIN]
    ).select_related("town", "city")
    written = 0
    for role in roles:
        if role.kind == Role.Kind.TOWN_ADMIN:
            figures = per_town.get(role.town_id, {})
            area, url = role.town.name, reverse("orders:town_orders")
        else:
            figures, area, url = city, role.city.name, reverse("orders:station_orders")
        figures = {key: figures.get(key, 0) for key in counts}
        if not any(figures.values()):
            continue
        written += bool(
            notify(
                cause=f"digest:{day}:{role.kind}:{role.town_id or role.city_id}",
                kind=Kind.DIGEST,
                payload={"area": area, "day": day, "url": url, **figures},
                users=[role.user_id],
            )
        )
    return written
