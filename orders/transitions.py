"""How an order's status changes: the one mechanism every step in ``orders.services``,
``orders.submission`` and ``orders.escalation`` goes through.

A step changes the status with a conditional ``UPDATE … WHERE status = <seen>`` (so that of two
people acting at once exactly one wins), writes an ``OrderStatusChange`` row in the same
transaction (with the marker of its notices, ``orders.notices``), and sends
``orders.signals.order_status_changed`` once the transaction has committed. The caller
checks who may act and from which state first (``orders.access``, the ``may_…`` properties
of ``Order``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.queueing import delay_coalesced_on_commit
from orders import access, notices, tasks
from orders.models import Order, OrderStatusChange
from orders.signals import order_status_changed
from stations.scope import scope_for
from volunteers.models import Volunteer

Actor = OrderStatusChange.ActorKind

# The longest text a person types into an order: a description, a reason, a service report.
MAX_TEXT = 2000


def clean_text(value: str | None, field: str, *, required: bool, label: str) -> str:
    """What a person typed with a step (a reason, a note), trimmed; ``InvalidInput`` when it is
    missing but ``required``, or longer than ``MAX_TEXT``."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(
            _("请填写%(label)s。") % {"label": label}, fields={field: [_("此项为必填。")]}
        )
    if len(value) > MAX_TEXT:
        raise InvalidInput(fields={field: [_("内容过长（最多 %(n)d 字）。") % {"n": MAX_TEXT}]})
    return value


def admin_kind(user) -> str:
    """Who an admin acted as, for the audit row: the widest area they administer."""
    scope = scope_for(user)
    if scope.everything:
        return Actor.CITY_ADMIN
    if scope.town_ids:
        return Actor.TOWN_ADMIN
    if scope.village_ids:
        return Actor.STATION_HEAD
    return Actor.ADMIN


def transition(
    order: Order,
    *,
    to: str,
    actor,
    actor_kind: str,
    actor_label: str = "",
    note: str = "",
    note_kind: str = "",
    note_data: dict | None = None,
    extra: Q | None = None,
    **updates,
) -> Order:
    """Move ``order`` from the status we saw to ``to``, or raise if someone changed it first.

    The caller holds a transaction. The conditional UPDATE is the race guard: the database
    re-checks ``status`` under the row lock, so of N concurrent callers exactly one matches.
    """
    now = timezone.now()
    seen = order.status
    qs = Order.objects.filter(pk=order.pk, status=seen)
    if extra is not None:
        qs = qs.filter(extra)
    if not qs.update(status=to, updated_at=now, **updates):
        order.refresh_from_db()
        raise access.lost_race(actor, order)
    # Read back before the audit row: its notice marker keeps the order as this step left it.
    order.refresh_from_db()
    record_change(
        order,
        from_status=seen,
        to_status=to,
        actor=actor,
        actor_kind=actor_kind,
        actor_label=actor_label,
        note=note,
        note_kind=note_kind,
        note_data=note_data,
    )
    return order


def owner_transition(
    order: Order, *, to: str, actor, worker: Volunteer | None, note: str, **updates
) -> Order:
    """A step taken on an accepted order by its worker (``access.worker_order``) or by an area
    admin for them: completing it or giving it back. The one statement of "still held by the
    owner we checked": the conditional UPDATE also matches the owning volunteer and team, so a
    step decided for one owner never lands after the order was released and taken by another.
    The audit row names the volunteer by given name, or the admin's kind.
    """
    kind, label = (Actor.VOLUNTEER, worker.given_name) if worker else (admin_kind(actor), "")
    return transition(
        order,
        to=to,
        actor=actor,
        actor_kind=kind,
        actor_label=label,
        note=note,
        # The same acceptance, not only the same owner: a release decided on one acceptance
        # records whether that one was held at the deadline (``held_at_deadline``).
        extra=Q(
            accepted_by_id=order.accepted_by_id,
            accepted_team_id=order.accepted_team_id,
            accepted_at=order.accepted_at,
        ),
        **updates,
    )


def record_change(
    order: Order,
    *,
    from_status: str,
    to_status: str,
    actor,
    actor_kind: str,
    actor_label: str = "",
    note: str = "",
    note_kind: str = "",
    note_data: dict | None = None,
) -> None:
    """Write the audit row. ``actor_label`` is a volunteer's given name; ``note`` is what a
    person typed, or empty when ``note_kind`` says what the system did."""
    change = OrderStatusChange(
        order=order,
        from_status=from_status,
        to_status=to_status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_kind=actor_kind,
        actor_label=actor_label[:50],
        note=note,
        note_kind=note_kind,
        note_data=note_data or {},
    )
    # Pages and the API render the kinds in the reader's language; the text columns also get
    # the source-language wording, as before, for whoever reads the table directly.
    with translation.override(settings.LANGUAGE_CODE):
        change.actor_label = change.actor_display[:50]
        change.note = change.note_display
    change.save()
    # Who must be told is worked out after the commit, not in the resident's or volunteer's
    # request: the marker commits with the change, so the notices cannot be lost, and one
    # drain is queued per batch of commits (``orders.notices.send_due``).
    if notices.tells_anyone(change):
        notices.mark_due(change, order)
        delay_coalesced_on_commit(tasks.send_notices)
    payload = {
        "order_id": order.pk,
        "village_id": order.village_id,
        "town_id": order.town_id,
        "category_id": order.category_id,
        "from_status": from_status,
        "to_status": to_status,
    }
    transaction.on_commit(lambda: order_status_changed.send(sender=Order, **payload))
