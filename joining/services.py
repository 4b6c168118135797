"""People join and get back in: apply to volunteer, the area's decision, passwords.

- ``application_submit``: a resident's application (成为志愿者), one pending per phone.
- ``application_approve``: makes the volunteer, their login, their place in the village team and
  their skills, and sends the set-password link by SMS (the outbox), in one transaction.
- ``application_decline``: with a reason, told to the applicant by SMS.
- ``password_reset_by_phone``: a login whose volunteer or station record carries the phone
  proves it with an SMS code (``notifications.phone_codes``) and sets a new password.

Errors (``core.errors``): ``InvalidInput`` (bad input), ``NotInScope`` (the application is
outside the caller's area: 404), ``InvalidTransition`` (already decided), and
``DuplicateApplication`` (a pending one for this phone).
"""

from __future__ import annotations

from collections.abc import Iterable

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import phone as phone_numbers
from core.errors import InvalidInput, InvalidTransition, NotInScope
from joining import selectors
from notifications.kinds import Kind
from notifications.phone_codes import phone_code_verify
from notifications.services import notify
from orders.models import ServiceCategory, VolunteerSkill
from orders.notices import village_head_ids
from stations.models import Role, Village
from stations.scope import scope_for
from volunteers.models import (
    Membership,
    Team,
    Volunteer,
    VolunteerApplication,
    VolunteerApplicationChange,
)

S = VolunteerApplication.Status


class DuplicateApplication(InvalidTransition):
    default_message = gettext_lazy(
        "这个手机号已有一份志愿者申请正在等待审核，请耐心等待村里的实践站处理，无需重复提交。"
    )


class AlreadyVolunteer(InvalidTransition):
    default_message = gettext_lazy(
        "这个手机号已登记为志愿者。请直接登录；忘记密码可在登录页用短信验证码找回。"
    )


def _clip(text: str | None, length: int) -> str:
    return (text or "").strip()[:length]


def application_submit(
    *,
    name: str,
    phone: str,
    village: Village,
    skill_ids: Iterable[int] = (),
    availability: Iterable[str] = (),
    note: str = "",
    consent: bool,
) -> VolunteerApplication:
    """A resident's application to join ``village``'s volunteer team, pending the area's
    decision. ``phone`` is normalised here (``core.phone``).

    Raises ``InvalidInput`` (no name, a bad phone, no consent, an unknown skill or time),
    ``DuplicateApplication`` (this phone has a pending application: nothing new is written, also
    when two arrive at once) and ``AlreadyVolunteer`` (the phone is an active volunteer's).
    """
    errors: dict[str, list] = {}
    name = _clip(name, 50)
    if not name:
        errors["name"] = [_("请填写姓名。")]
    normalised = phone_numbers.normalize(phone)
    if normalised is None:
        errors["phone"] = [phone_numbers.INVALID_MESSAGE]
    if not consent:
        errors["consent"] = [_("请阅读并同意志愿服务记录的规定。")]
    skills = sorted({int(s) for s in skill_ids})
    if len(skills) != ServiceCategory.objects.filter(pk__in=skills).count():
        errors["skills"] = [_("请从列表中选择技能。")]
    times = list(dict.fromkeys(availability))
    if any(t not in VolunteerApplication.Availability.values for t in times):
        errors["availability"] = [_("请从列表中选择可服务时间。")]
    if errors:
        raise InvalidInput(fields=errors)
    if VolunteerApplication.objects.filter(phone=normalised, status=S.PENDING).exists():
        raise DuplicateApplication()
    if Volunteer.objects.filter(phone=normalised, is_active=True, user__isnull=False).exists():
        raise AlreadyVolunteer()
    try:
        with transaction.atomic():
            application = VolunteerApplication.objects.create(
                name=name,
                phone=normalised,
                village=village,
                town_id=village.town_id,
                skill_ids=skills,
                availability=times,
                note=_clip(note, 200),
                consent_at=timezone.now(),
            )
            notify(
                cause=f"volunteer_application:{application.pk}:new",
                kind=Kind.VOLUNTEER_APPLIED,
                payload={
                    "village": village.name,
                    "name": name,
                    "url": reverse("joining:queue"),
                },
                users=_deciders(village),
            )
    except IntegrityError:
        # The same phone's other submission committed first (one pending per phone).
        raise DuplicateApplication() from None
    return application


def _deciders(village: Village) -> set[int]:
    """Who is told of a new application: the village's station head, else the town admins."""
    heads = village_head_ids(village.pk)
    if heads:
        return heads
    return set(
        Role.objects.filter(kind=Role.Kind.TOWN_ADMIN, town_id=village.town_id).values_list(
            "user_id", flat=True
        )
    )


def _locked_in_scope(application_id: int, by) -> VolunteerApplication:
    """The application, locked for the decision, if it is in ``by``'s area (else 404)."""
    application = (
        VolunteerApplication.objects.select_for_update(of=("self",))
        .select_related("village", "town")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not scope_for(by).covers_village(
        application.village_id, application.town_id
    ):
        raise NotInScope()
    if application.status != S.PENDING:
        raise InvalidTransition(
            _("这份申请已经处理过了（%(status)s）。") % {"status": application.get_status_display()}
        )
    return application


def _audit(application: VolunteerApplication, *, from_status: str, by, reason: str = "") -> None:
    VolunteerApplicationChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=application.status,
        actor=by if getattr(by, "is_authenticated", False) else None,
        reason=reason,
    )


def _username_for(phone: str) -> str:
    """The login name: the phone number people know by heart, or ``<phone>-2`` … when taken."""
    User = get_user_model()
    taken = set(User.objects.filter(username__startswith=phone).values_list("username", flat=True))
    if phone not in taken:
        return phone
    n = 2
    while f"{phone}-{n}" in taken:
        n += 1
    return f"{phone}-{n}"


def village_team(village: Village) -> Team:
    """The village's volunteer team new volunteers join; made when the village has none yet."""
    team = (
        Team.objects.filter(kind=Team.Kind.VILLAGE_TEAM, village=village, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )
    if team is not None:
        return team
    parent = (
        Team.objects.filter(kind=Team.Kind.TOWN_DETACHMENT, town_id=village.town_id)
        .order_by("sort_order", "pk")
        .first()
    )
    team, _created = Team.objects.get_or_create(
        kind=Team.Kind.VILLAGE_TEAM,
        village=village,
        parent=parent,
        # Team names are data, kept in Chinese whatever the page's language.
        name=f"{village.name}志愿服务队",
        defaults={"town_id": village.town_id, "city_id": village.town.city_id},
    )
    return team


def set_password_path(user) -> str:
    """The one-time link that lets ``user`` choose a password (Django's reset token: it stops
    working once the password is set, and after ``PASSWORD_RESET_TIMEOUT``)."""
    return reverse(
        "joining:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def application_approve(*, application_id: int, by) -> Volunteer:
    """Approve a pending application in ``by``'s area: the volunteer joins the village team with
    the chosen skills and a login without a usable password; the applicant gets an SMS with
    the login name and a one-time set-password link.

    Race-safe: the application row is locked, so of two heads approving at once one makes the
    volunteer and the other gets ``InvalidTransition``. Raises ``NotInScope`` outside the
    caller's area.
    """
    with transaction.atomic():
        application = _locked_in_scope(application_id, by)
        User = get_user_model()
        user = User(username=_username_for(application.phone), first_name=application.name)
        user.set_unusable_password()
        user.save()
        volunteer = Volunteer.objects.create(
            user=user,
            name=application.name,
            phone=application.phone,
            home_village=application.village,
        )
        team = village_team(application.village)
        Membership.objects.create(team=team, volunteer=volunteer)
        VolunteerSkill.objects.bulk_create(
            [
                VolunteerSkill(volunteer=volunteer, category=category)
                for category in ServiceCategory.objects.filter(pk__in=application.skill_ids)
            ]
        )
        application.status = S.APPROVED
        application.decided_by = by
        application.decided_at = timezone.now()
        application.volunteer = volunteer
        application.save(update_fields=["status", "decided_by", "decided_at", "volunteer"])
        _audit(application, from_status=S.PENDING, by=by)
        notify(
            cause=f"volunteer_application:{application.pk}:approved",
            kind=Kind.VOLUNTEER_APPROVED,
            payload={
                "name": application.name,
                "team": team.name,
                "username": user.get_username(),
                "url": set_password_path(user),
                "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            },
            phones=[application.phone],
        )
    return volunteer


def application_decline(*, application_id: int, by, reason: str) -> VolunteerApplication:
    """Decline a pending application in ``by``'s area with a reason the applicant is sent.

    Raises ``InvalidInput`` without a reason, ``NotInScope`` outside the area,
    ``InvalidTransition`` when it was already decided.
    """
    reason = _clip(reason, 500)
    if not reason:
        raise InvalidInput(fields={"reason": [_("请填写未通过的原因。")]})
    with transaction.atomic():
        application = _locked_in_scope(application_id, by)
        application.status = S.DECLINED
        application.decided_by = by
        application.decided_at = timezone.now()
        application.reason = reason
        application.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _audit(application, from_status=S.PENDING, by=by, reason=reason)
        notify(
            cause=f"volunteer_application:{application.pk}:declined",
            kind=Kind.VOLUNTEER_DECLINED,
            payload={"name": application.name, "reason": reason},
            phones=[application.phone],
        )
    return application


def password_reset_by_phone(*, phone: str, code: str, password: str) -> list:
    """Set ``password`` for every login whose profile carries ``phone`` (normalised), once the
    SMS code is right. Returns those logins.

    Raises ``InvalidInput`` for a wrong, expired or spent code (``phone_code_verify``: the same
    message whether or not the phone is known). The password is checked by the caller first.
    """
    with transaction.atomic():
        phone_code_verify(phone=phone, code=code)
        users = selectors.logins_for_phone(phone)
        for user in users:
            user.set_password(password)
            user.save(update_fields=["password"])
            unlock_login(user)
    return users


def unlock_login(user) -> None:
    """A login whose owner just proved who they are (an SMS code, a one-time link) and set a new
    password is no longer held by the lockout of earlier wrong guesses at its name (the lockout
    per client address stays)."""
    axes_reset(username=user.get_username())
