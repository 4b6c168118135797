"""Check-in at an event: residents with name and phone, volunteers with their login.

A repeat check-in is ignored (the unique constraint on event + phone is the arbiter); a
volunteer's check-in records their hours at the event, credited once the event is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from core import phone as phone_numbers
from core.errors import InvalidInput, InvalidTransition, PermissionDenied
from events.models import CheckIn, Event, EventVolunteer
from events.services import credit_hours
from orders.eligibility import login_volunteer, volunteer_eligibility

S = Event.State
CHECKIN_STATES = (S.PLANNED, S.PUBLISHED, S.DONE)


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    created: bool


def _bump_attendance(event: Event) -> None:
    count = CheckIn.objects.filter(event=event).count()
    Event.objects.filter(pk=event.pk).update(attendance=Greatest(F("attendance"), count))


def _check_checkin_open(event: Event) -> None:
    if event.state not in CHECKIN_STATES:
        raise InvalidTransition(_("该活动当前不能签到。"))
    today = timezone.localdate()
    if timezone.localtime(event.start).date() > today:
        raise InvalidTransition(_("活动尚未开始，请在活动当天签到。"))


def checkin_resident(*, event: Event, name: str, phone: str) -> CheckInResult:
    """A resident checks in with name and phone (in any shape ``core.phone`` accepts, stored
    as its 11 digits); a repeat (same phone) is ignored."""
    name = (name or "").strip()
    phone = phone_numbers.normalize(phone)
    errors = {}
    if not name:
        errors["name"] = [_("请填写姓名。")]
    if phone is None:
        errors["phone"] = [phone_numbers.INVALID_MESSAGE]
    if errors:
        raise InvalidInput(_("请检查姓名和手机号。"), fields=errors)
    _check_checkin_open(event)
    with transaction.atomic():
        # The unique constraint (event, phone) is the arbiter: two scans at once insert once.
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(event=event, name=name, phone=phone)
            created = True
        except IntegrityError:
            checkin = CheckIn.objects.get(event=event, phone=phone)
            created = False
        if created:
            _bump_attendance(event)
    return CheckInResult(checkin, created)


def checkin_volunteer(*, event: Event, user) -> CheckInResult:
    """A volunteer checks in with their login; their hours at the event can now count.

    Only a volunteer eligible for the event's area checks in as a volunteer
    (``orders.eligibility``, the rule claiming orders follows): ``PermissionDenied`` for one off
    the register or of another town (they may still check in as residents), ``InvalidInput``
    for a login that is no volunteer.
    """
    volunteer = login_volunteer(user)
    if volunteer is None:
        raise InvalidInput(_("您的账号未登记为志愿者，请以群众身份签到。"))
    verdict = volunteer_eligibility(volunteer, town_id=event.town_id)
    if not verdict.active:
        raise PermissionDenied(
            _("您的志愿者身份已不在册，不能以志愿者身份签到，可以群众身份签到。")
        )
    if not verdict.in_area:
        raise PermissionDenied(
            _("本活动不在您所在的镇（街道），不能以志愿者身份签到，可以群众身份签到。")
        )
    _check_checkin_open(event)
    phone = phone_numbers.normalize(volunteer.phone) or ""
    with transaction.atomic():
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    event=event,
                    name=volunteer.name,
                    phone=phone,
                    volunteer=volunteer,
                    user=user,
                )
            created = True
        except IntegrityError:
            checkin = (
                CheckIn.objects.filter(event=event)
                .filter(Q(user=user) | Q(phone=phone, phone__gt=""))
                .first()
            )
            created = False
        default_hours = Decimal(
            max(1, round((event.end - event.start).total_seconds() / 1800)) / 2
        ).quantize(Decimal("0.1"))
        link, link_created = EventVolunteer.objects.get_or_create(
            event=event,
            volunteer=volunteer,
            defaults={"hours": min(default_hours, Decimal("24")), "checked_in": True},
        )
        if not link_created and not link.checked_in:
            EventVolunteer.objects.filter(pk=link.pk).update(checked_in=True)
            link.checked_in = True
        if created:
            _bump_attendance(event)
        if event.state == S.DONE:
            credit_hours([link])
    return CheckInResult(checkin, created)
