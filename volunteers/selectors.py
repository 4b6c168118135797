"""Reads of volunteers' service records, with the joins each page needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from stations.scope import Scope
from volunteers.models import Certificate, PointsEntry, ServiceRecord, Volunteer

S = ServiceRecord.Status


def records_of(volunteer: Volunteer) -> QuerySet[ServiceRecord]:
    """A volunteer's records, newest service first, with who recorded and confirmed them."""
    return (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .select_related("confirmed_by", "recorded_by", "organiser_position", "organiser_team")
        .order_by("-service_date", "-id")
    )


def records_in_scope(scope: Scope) -> QuerySet[ServiceRecord]:
    """Records whose service happened in the caller's area (what they may confirm)."""
    qs = ServiceRecord.objects.select_related("volunteer", "village", "town")
    if scope.everything:
        return qs
    return qs.filter(scope.q())


def pending_overdue(scope: Scope, *, now: dt.datetime | None = None) -> QuerySet[ServiceRecord]:
    """Pending records older than ``WENMING_HOURS_PENDING_DAYS`` that the organiser should
    confirm or revoke, oldest first."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WENMING_HOURS_PENDING_DAYS)
    return (
        records_in_scope(scope)
        .filter(status=S.PENDING, recorded_at__lt=cutoff)
        .order_by("recorded_at", "id")
    )


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
