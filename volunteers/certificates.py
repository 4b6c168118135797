"""Certificates of service (志愿服务证明): issuing one for a period's hours, revoking it."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core.errors import InvalidInput, NotInScope
from stations.models import Position
from volunteers import access
from volunteers.models import Certificate, ServiceRecord, Volunteer
from volunteers.records import S, clip


def may_certify(user, volunteer: Volunteer) -> bool:
    """An admin whose area covers the volunteer's home village (their records' keeper)."""
    return access.administers(user, volunteer)


def _issuer_for(volunteer: Volunteer) -> Position | None:
    """Who keeps the volunteer's records and so certifies them (谁记录谁证明): the station of
    their home village, else their town's sub-centre, else the city centre."""
    positions = Position.objects.filter(is_active=True)
    return (
        positions.filter(level=Position.Level.STATION, village_id=volunteer.home_village_id)
        .order_by("id")
        .first()
        or positions.filter(level=Position.Level.SUBCENTRE, town_id=volunteer.town_id)
        .order_by("id")
        .first()
        or positions.filter(level=Position.Level.CENTRE).order_by("id").first()
    )


def _display_name(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:50]


@transaction.atomic
def certificate_issue(
    *, volunteer_id: int, actor, period_start: dt.date, period_end: dt.date
) -> Certificate:
    """Issue a numbered certificate of the volunteer's confirmed hours in the period.

    The volunteer themselves or an admin of their area may request it. Raises ``NotInScope``
    for anyone else, ``InvalidInput`` for a bad period or one without confirmed hours.
    """
    volunteer = (
        Volunteer.objects.select_related("home_village", "user").filter(pk=volunteer_id).first()
    )
    if volunteer is None:
        raise NotInScope()
    own = actor is not None and actor.is_authenticated and volunteer.user_id == actor.pk
    if not own and not may_certify(actor, volunteer):
        raise NotInScope()
    errors = {}
    if not dates.in_range(period_start):
        errors["period_start"] = [dates.OUT_OF_RANGE_MESSAGE % dates.YEARS]
    if not dates.in_range(period_end):
        errors["period_end"] = [dates.OUT_OF_RANGE_MESSAGE % dates.YEARS]
    if not errors and period_end < period_start:
        errors["period_end"] = [_("截止日期不能早于起始日期。")]
    if errors:
        raise InvalidInput(_("请检查服务期间。"), fields=errors)
    records = list(
        ServiceRecord.objects.filter(
            volunteer=volunteer,
            status=S.CONFIRMED,
            service_date__gte=period_start,
            service_date__lte=period_end,
        ).order_by("service_date", "id")
    )
    if not records:
        raise InvalidInput(_("该期间没有已确认的服务时长，无法出具证明。"))
    kinds: list[str] = []
    for record in records:
        label = record.category or record.content
        if label not in kinds:
            kinds.append(label)
    issuer = _issuer_for(volunteer)
    now = timezone.now()
    certificate = Certificate.objects.create(
        number=secrets.token_hex(8),  # replaced below, once the id is known
        code=secrets.token_urlsafe(18),
        volunteer=volunteer,
        period_start=period_start,
        period_end=period_end,
        hours=sum((r.hours for r in records), Decimal("0")),
        record_count=len(records),
        content="、".join(kinds)[:500],
        issuer_position=issuer,
        issuer_name=issuer.name if issuer else "",
        issuer_head=issuer.head_name if issuer else "",
        handler_name=_display_name(actor) if not own else (issuer.head_name if issuer else ""),
        contact=issuer.head_phone if issuer else "",
        requested_by=actor,
        issued_at=now,
    )
    # 年份 + 顺序号: unique because the id is.
    certificate.number = f"WMZ{timezone.localtime(now):%Y}{certificate.pk:07d}"
    Certificate.objects.filter(pk=certificate.pk).update(number=certificate.number)
    certificate.records.set(records)
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate_id: int, actor, reason: str) -> Certificate:
    """Revoke a certificate with a reason (shown on its verification page). Only an admin of
    the volunteer's area may; revoking a revoked certificate is a no-op."""
    reason = clip(reason, 500)
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("volunteer")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or not may_certify(actor, certificate.volunteer):
        raise NotInScope()
    if not reason:
        raise InvalidInput(fields={"reason": [_("请填写作废原因。")]})
    if certificate.status == Certificate.Status.REVOKED:
        return certificate
    now = timezone.now()
    Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.VALID).update(
        status=Certificate.Status.REVOKED, revoked_at=now, revoked_by=actor, revoke_reason=reason
    )
    certificate.refresh_from_db()
    return certificate
