"""Check-in at an event: residents with name, phone and the rotating code shown at the venue;
volunteers with their login.

The rules (each refusal a clear message and no record):

- **When**: only while the event is published (or under way), within a window around it:
  from ``WENMING_CHECKIN_OPENS_MINUTES`` before the start to ``WENMING_CHECKIN_CLOSES_MINUTES``
  after the end. Never a draft, planned, cancelled or done event.
- **Residents** count only with the event's current signed code (``events.checkin_token``,
  rotating every few minutes on the kiosk page): a forged code or yesterday's photo fails.
  Per-IP and per-phone rate limits; one check-in per phone per event.
- **Volunteers** check in only where they may serve (``orders.eligibility``: active, in the
  area) or to events they were named for; the check-in records *pending* hours
  (``events.hours``) for the organiser to confirm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import phone as phone_numbers
from core.errors import DomainError, InvalidInput, InvalidTransition, PermissionDenied
from events import checkin_token
from events import hours as event_hours
from events.models import CheckIn, Event, EventVolunteer
from orders import ratelimit
from orders.eligibility import login_volunteer, volunteer_eligibility

S = Event.State
# Events a check-in may be made to (also the station poster's list of today's events).
CHECKIN_STATES = (S.PUBLISHED,)
IP_SCOPE = "checkin_ip"
PHONE_SCOPE = "checkin_phone"


class CheckInThrottled(DomainError):
    status_code = 429
    code = "throttled"
    default_message = gettext_lazy("签到过于频繁，请稍后再试。")


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    created: bool


def window(event: Event) -> tuple[dt.datetime, dt.datetime]:
    """When check-in is open for ``event``."""
    opens = event.start - dt.timedelta(minutes=settings.WENMING_CHECKIN_OPENS_MINUTES)
    closes = event.end + dt.timedelta(minutes=settings.WENMING_CHECKIN_CLOSES_MINUTES)
    return opens, closes


def _bump_attendance(event: Event) -> None:
    count = CheckIn.objects.filter(event=event).count()
    Event.objects.filter(pk=event.pk).update(attendance=Greatest(F("attendance"), count))


def check_open(event: Event, *, now: dt.datetime | None = None) -> None:
    """Raise ``InvalidTransition`` (409) with the reason when check-in is closed."""
    if event.state == S.DONE:
        raise InvalidTransition(_("活动已结束，签到已关闭。"))
    if event.state not in CHECKIN_STATES:
        raise InvalidTransition(_("该活动当前不能签到（未发布或已取消）。"))
    now = now or timezone.now()
    opens, closes = window(event)
    if now < opens:
        raise InvalidTransition(
            _("签到尚未开始：活动开始前 %(n)s 分钟起可以签到（%(time)s）。")
            % {
                "n": settings.WENMING_CHECKIN_OPENS_MINUTES,
                "time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if now > closes:
        raise InvalidTransition(
            _("签到已结束：活动结束后 %(n)s 分钟内可以签到。")
            % {"n": settings.WENMING_CHECKIN_CLOSES_MINUTES}
        )


def _throttle(scope: str, ident: str) -> None:
    if ratelimit.hit(scope, ident) is not None:
        raise CheckInThrottled()


def checkin_resident(
    *, event: Event, name: str, phone: str, token: str | None, ip: str = ""
) -> CheckInResult:
    """A resident checks in with name, phone and the code from the venue's QR.

    A repeat (same phone) is ignored. Raises ``InvalidInput`` (400) for a bad name or phone or
    a missing, forged or expired code, ``InvalidTransition`` (409) outside the check-in window,
    ``CheckInThrottled`` (429) over the per-IP or per-phone limit.
    """
    name = (name or "").strip()
    phone = phone_numbers.normalize(phone)
    errors = {}
    if not name:
        errors["name"] = [_("请填写姓名。")]
    elif len(name) > 50:
        errors["name"] = [_("姓名不能超过 50 个字。")]
    if phone is None:
        errors["phone"] = [phone_numbers.INVALID_MESSAGE]
    if errors:
        raise InvalidInput(_("请检查姓名和手机号。"), fields=errors)
    _throttle(IP_SCOPE, ip)
    _throttle(PHONE_SCOPE, phone)
    check_open(event)
    if not checkin_token.is_valid(event.pk, token):
        message = _("签到码无效或已过期，请扫描活动现场显示的二维码。")
        raise InvalidInput(message, fields={"token": [message]})
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
    """A volunteer checks in with their login; it records their pending hours at the event.

    Raises ``InvalidInput`` for a login that is not a volunteer's, ``PermissionDenied`` (403)
    for an inactive volunteer or an event outside their area that they were not named for,
    ``InvalidTransition`` (409) outside the check-in window.
    """
    volunteer = login_volunteer(user)
    if volunteer is None:
        raise InvalidInput(_("您的账号未登记为志愿者，请以群众身份签到。"))
    eligibility = volunteer_eligibility(volunteer, town_id=event.town_id)
    if not eligibility.active:
        raise PermissionDenied(
            _("您的志愿者身份已不在册，不能以志愿者身份签到，可以群众身份签到。")
        )
    named = EventVolunteer.objects.filter(event=event, volunteer=volunteer).exists()
    if not (eligibility.ok or named):
        # Named for the event (signed up or assigned) lets a volunteer of another town in.
        raise PermissionDenied(
            _("本活动不在您所在的镇（街道），不能以志愿者身份签到，可以群众身份签到。")
        )
    check_open(event)
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
        hours = event_hours.default_hours(event)
        link, link_created = EventVolunteer.objects.get_or_create(
            event=event, volunteer=volunteer, defaults={"hours": hours, "checked_in": True}
        )
        if not link_created and not link.checked_in:
            EventVolunteer.objects.filter(pk=link.pk).update(checked_in=True)
        event_hours.record_for(event, volunteer, hours=link.hours or hours, recorded_by=user)
        if created:
            _bump_attendance(event)
    return CheckInResult(checkin, created)
