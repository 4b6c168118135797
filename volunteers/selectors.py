"""Reads of volunteers' service records, with the joins each page needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from stations.scope import Scope, scope_for
from volunteers import access
from volunteers.models import (
    Certificate,
    PointsEntry,
    Redemption,
    Reward,
    ServiceRecord,
    Volunteer,
)

S = ServiceRecord.Status


def records_of(volunteer: Volunteer) -> QuerySet[ServiceRecord]:
    """A volunteer's records, newest service first, with who recorded and confirmed them."""
    return (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .select_related("confirmed_by", "recorded_by", "organiser_position", "organiser_team")
        .order_by("-service_date", "-id")
    )


def records_in_scope(scope: Scope) -> QuerySet[ServiceRecord]:
    """Records whose service happened in the caller's area or that their station organised:
    what they may confirm (``records.may_confirm`` says the same of one record)."""
    qs = ServiceRecord.objects.select_related("volunteer", "village", "town")
    if scope.everything:
        return qs
    visible = scope.q()
    if scope.position_ids:
        visible |= Q(organiser_position_id__in=scope.position_ids)
    return qs.filter(visible)


def overdue_q(*, now: dt.datetime | None = None) -> Q:
    """Pending records older than ``WENMING_HOURS_PENDING_DAYS`` (the one rule)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WENMING_HOURS_PENDING_DAYS)
    return Q(status=S.PENDING, recorded_at__lt=cutoff)


def pending_overdue(scope: Scope, *, now: dt.datetime | None = None) -> QuerySet[ServiceRecord]:
    """Pending records older than ``WENMING_HOURS_PENDING_DAYS`` that the organiser should
    confirm or revoke, oldest first."""
    return records_in_scope(scope).filter(overdue_q(now=now)).order_by("recorded_at", "id")


def confirmed_hours(
    volunteer: Volunteer, *, start: dt.date | None = None, end: dt.date | None = None
) -> Decimal:
    """A volunteer's confirmed hours, optionally of services between ``start`` and ``end``."""
    qs = ServiceRecord.objects.filter(volunteer=volunteer, status=S.CONFIRMED)
    if start is not None:
        qs = qs.filter(service_date__gte=start)
    if end is not None:
        qs = qs.filter(service_date__lte=end)
    return qs.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def record_totals(volunteer: Volunteer) -> dict[str, Decimal]:
    """Confirmed and pending hours of a volunteer, in one query."""
    totals = ServiceRecord.objects.filter(volunteer=volunteer).aggregate(
        confirmed=Sum("hours", filter=Q(status=S.CONFIRMED)),
        pending=Sum("hours", filter=Q(status=S.PENDING)),
    )
    return {k: v or Decimal("0") for k, v in totals.items()}


def certificates_in_scope(scope: Scope) -> QuerySet[Certificate]:
    """Certificates of the volunteers living in the caller's area, newest first."""
    qs = Certificate.objects.select_related("volunteer", "volunteer__home_village")
    if not scope.everything:
        qs = qs.filter(scope.q(town="volunteer__town", village="volunteer__home_village"))
    return qs.order_by("-issued_at", "-id")


def points_history(volunteer: Volunteer) -> QuerySet[PointsEntry]:
    """The volunteer's ledger, newest first, with what each entry was for."""
    return (
        PointsEntry.objects.filter(volunteer=volunteer)
        .select_related("record", "redemption__reward")
        .order_by("-created_at", "-id")
    )


# --- what a login may see of records, certificates, points and rewards (the API, the pages) --


def _own_q(user, lookup: str = "volunteer__user") -> Q:
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(**{lookup: user})


def _home_q(scope: Scope, prefix: str = "volunteer__") -> Q:
    """Rows of volunteers living in the scope's area (their records' keeper, 谁记录谁证明)."""
    return scope.q(town=f"{prefix}town", village=f"{prefix}home_village")


def position_q(scope: Scope, prefix: str = "") -> Q:
    """Positions the scope keeps: a station head's own, the villages' and towns' of the area
    (the same rule as ``volunteers.points.may_keep``)."""
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    if scope.position_ids:
        q |= Q(**{f"{prefix}id__in": scope.position_ids})
    if scope.village_ids:
        q |= Q(**{f"{prefix}village_id__in": scope.village_ids})
    if scope.town_ids:
        q |= Q(**{f"{prefix}town_id__in": scope.town_ids})
    return q


def records_visible(user) -> QuerySet[ServiceRecord]:
    """Service records ``user`` may read: their own; for admins, records of services in their
    area or organised by their station, and records of the volunteers living in their area."""
    scope = scope_for(user)
    qs = ServiceRecord.objects.select_related(
        "volunteer",
        "town",
        "village",
        "organiser_position",
        "organiser_team",
        "recorded_by",
        "confirmed_by",
    )
    if scope.everything:
        return qs
    visible = _own_q(user)
    if scope.is_admin:
        visible |= scope.q() | _home_q(scope)
        if scope.position_ids:
            visible |= Q(organiser_position_id__in=scope.position_ids)
    return qs.filter(visible)


def certificates_visible(user) -> QuerySet[Certificate]:
    """Certificates of the volunteers living in the caller's area, and the caller's own."""
    scope = scope_for(user)
    qs = Certificate.objects.select_related("volunteer", "issuer_position")
    if scope.everything:
        return qs.order_by("-issued_at", "-id")
    visible = _own_q(user)
    if scope.is_admin:
        visible |= _home_q(scope)
    return qs.filter(visible).order_by("-issued_at", "-id")


def points_entries_visible(user) -> QuerySet[PointsEntry]:
    """Ledger lines of the caller's own points and, for admins, of their area's volunteers."""
    scope = scope_for(user)
    qs = PointsEntry.objects.select_related("volunteer", "redemption__reward")
    if scope.everything:
        return qs
    visible = _own_q(user)
    if scope.is_admin:
        visible |= _home_q(scope)
    return qs.filter(visible)


def volunteer_for_points(user, volunteer_id: int | None) -> Volunteer | None:
    """The volunteer whose balance ``user`` asks for: their own (no id), or one living in
    their area; None when there is none or it is outside the caller's area."""
    if volunteer_id is None:
        return Volunteer.objects.filter(_own_q(user, "user")).first()
    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if volunteer is None:
        return None
    return volunteer if access.may_see_phone(user, volunteer) else None


def points_summary(volunteer_id: int) -> dict[str, int | bool]:
    """Balance (the sum of the ledger), earned, redeemed and reversed, in one query."""
    K = PointsEntry.Kind
    totals = PointsEntry.objects.filter(volunteer_id=volunteer_id).aggregate(
        balance=Sum("points"),
        earned=Sum("points", filter=Q(kind=K.EARN)),
        redeemed=Sum("points", filter=Q(kind=K.REDEEM)),
        reversed=Sum("points", filter=Q(kind=K.REVERSE)),
    )
    balance = totals["balance"] or 0
    return {
        "balance": balance,
        "earned": totals["earned"] or 0,
        "redeemed": -(totals["redeemed"] or 0),
        "reversed": -(totals["reversed"] or 0),
        "in_debt": balance < 0,
    }


def rewards_visible(user) -> QuerySet[Reward]:
    """Catalogue items: those of the stations the caller keeps; a volunteer also sees the
    items on the shelf at their home village's station (what they could exchange)."""
    scope = scope_for(user)
    qs = Reward.objects.select_related("position")
    if scope.everything:
        return qs
    visible = Q(pk__in=[])
    if scope.is_admin:
        visible |= position_q(scope, "position__")
    own = Volunteer.objects.filter(_own_q(user, "user")).values("home_village_id")
    visible |= Q(is_active=True, position__village_id__in=own)
    return qs.filter(visible)


def redemptions_visible(user) -> QuerySet[Redemption]:
    """Exchanges at the stations the caller keeps, and the caller's own."""
    scope = scope_for(user)
    qs = Redemption.objects.select_related("reward__position", "volunteer", "created_by")
    if scope.everything:
        return qs
    visible = _own_q(user)
    if scope.is_admin:
        visible |= position_q(scope, "reward__position__")
    return qs.filter(visible)


def volunteers_with_balance(*, village_id: int | None) -> list[Volunteer]:
    """The village's active volunteers with their points balance (``balance``), for the
    station's redeem form: one query."""
    if village_id is None:
        return []
    return list(
        Volunteer.objects.filter(home_village_id=village_id, is_active=True)
        .annotate(balance=Coalesce(Sum("points_entries__points"), 0))
        .order_by("name", "id")[:500]
    )
