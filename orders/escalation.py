"""Orders nobody has taken on: offered up the tiers (村 → 镇 → 市).

Whether an order is overdue is not decided here (``Order.is_overdue`` computes it when read).
After ``WENMING_ESCALATE_TOWN_HOURS`` (default 24) a waiting order is offered to the town
detachment (镇街支队) of its town and its squads, and the town admin is told; after
``WENMING_ESCALATE_CITY_HOURS`` (default 48), to the city's characteristic detachment
(特色服务支队) whose platform matches the order's service, and the city admin is told. The
members of the team offered the order (and of the teams under it) may claim it from their
dashboard with the same race-safe claim, and the area admins may assign it to them
(``orders.eligibility``). Which tier is due and which team matches is ``orders.tiers``; the
beat task ``orders.escalate`` runs it every 15 minutes.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import InvalidTransition
from orders import tiers
from orders.models import Order, OrderStatusChange
from orders.transitions import transition

Actor = OrderStatusChange.ActorKind
Note = OrderStatusChange.NoteKind


def order_escalate(*, order_id: int, tier: str, now: dt.datetime | None = None) -> bool:
    """Offer a waiting order one tier up (``orders.tiers``): a timeline row, the tier's
    team may claim it, its admin and volunteers are told. True if it climbed now.

    Race-safe and idempotent: the conditional UPDATE matches only an order still waiting below
    ``tier``, so two runs (or a run racing a claim) climb it once, and a claimed order stays.
    """
    now = now or timezone.now()
    below = dict(tiers.CLIMB)[tier]
    with transaction.atomic():
        # skip_locked: an order being claimed or changed right now is left to the next run.
        order = (
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk=order_id, status__in=Order.WAITING, tier__in=below)
            .first()
        )
        if order is None:
            return False
        team = tiers.team_for(order, tier)
        try:
            transition(
                order,
                to=order.status,
                actor=None,
                actor_kind=Actor.SYSTEM,
                note_kind=Note.ESCALATED,
                note_data={"tier": tier, "team": team.name, "team_id": team.pk}
                if team
                else {"tier": tier},
                extra=Q(tier__in=below),
                tier=tier,
                escalated_at=now,
                escalated_team=team,
            )
        except InvalidTransition:
            return False
    return True


def orders_escalate_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Climb every waiting order whose clock has run out: to the town after
    ``WENMING_ESCALATE_TOWN_HOURS``, then to the city after ``WENMING_ESCALATE_CITY_HOURS``
    (beat, every 15 minutes). Running it twice climbs each order once. Returns the counts."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for tier, _below in tiers.CLIMB:
        ids = list(
            Order.objects.filter(tiers.due_q(tier, now))
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        counts[tier] = sum(order_escalate(order_id=pk, tier=tier, now=now) for pk in ids)
    return counts
