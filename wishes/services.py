"""Every write to a wish and every step of its life (提交 → 审核 → 认领 → 实现, or 转办).

Each step is one function: it checks who may act and from which status, changes the status
with a conditional ``UPDATE … WHERE status = <seen>`` (of two people acting at once exactly one
wins, the other gets a clear error) and writes a ``WishStatusChange`` row in the same
transaction. What reacts to a step reacts to that row: the reports mark their rollups from its
``post_save``, in the same transaction, as they do for orders' and events' audit rows.

The state change of each step is its own private function (``_approve`` …), called by the
checked public service and by the demo data (``wishes.demo``, where no logins exist yet).

Errors (``core.errors``): ``InvalidInput`` 400, ``NotInScope`` 404 (outside the caller's area,
or not public), ``PermissionDenied`` 403, ``InvalidTransition`` 409 (wrong status, or someone
acted first).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import phone as phone_numbers
from core.errors import InvalidInput, InvalidTransition, NotInScope, PermissionDenied
from events import services as event_services
from events.models import Event
from orders.eligibility import login_volunteer, volunteer_eligibility
from orders.models import ServiceCategory
from stations.models import Village
from wishes.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
    MenuSuggestion,
    Wish,
    WishStatusChange,
)
from wishes.selectors import administers

S = Wish.Status
#: The wish wall's posting budget per address (``WENMING_WISH_RATE_IP``), one for the page and
#: the API alike (``orders.ratelimit.hit``).
SUBMIT_RATE_SCOPE = "wish_submit_ip"


def _text(value: str | None, field: str, *, limit: int, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(
            _("请填写%(label)s。") % {"label": label}, fields={field: [_("此项为必填。")]}
        )
    if len(value) > limit:
        message = _("%(label)s最多 %(n)d 字，现在是 %(len)d 字。") % {
            "label": label,
            "n": limit,
            "len": len(value),
        }
        raise InvalidInput(message, fields={field: [message]})
    return value


def _transition(wish: Wish, *, to: str, actor, note: str = "", extra: Q | None = None, **updates):
    """Move ``wish`` from the status we saw to ``to``; raise if someone changed it first.

    The caller holds a transaction. The conditional UPDATE is the race guard: the database
    re-checks ``status`` under the row lock, so of N concurrent callers exactly one matches.
    """
    seen = wish.status
    qs = Wish.objects.filter(pk=wish.pk, status=seen)
    if extra is not None:
        qs = qs.filter(extra)
    if not qs.update(status=to, updated_at=timezone.now(), **updates):
        raise InvalidTransition(_("这个心愿刚刚已被他人处理，请刷新后查看最新状态。"))
    _record(wish, from_status=seen, to_status=to, actor=actor, note=note)
    wish.refresh_from_db()
    return wish


def _record(wish: Wish, *, from_status: str, to_status: str, actor, note: str = "") -> None:
    WishStatusChange.objects.create(
        wish=wish,
        from_status=from_status,
        to_status=to_status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note[:NOTE_MAX],
    )


# --- who may act ----------------------------------------------------------------------------


def admin_wish(user, wish_id: int) -> Wish:
    """The wish for moderation or conversion, or ``NotInScope`` (404) outside the area."""
    wish = Wish.objects.filter(pk=wish_id).first()
    if wish is None or not administers(user, wish):
        raise NotInScope()
    return wish


def _wrong_state(wish: Wish) -> InvalidTransition:
    return InvalidTransition(
        _("该心愿当前状态为“%(status)s”，不能执行此操作。") % {"status": wish.get_status_display()}
    )


# --- 提交: a resident posts -------------------------------------------------------------------


def wish_submit(
    *, village: Village, category: ServiceCategory, description: str, phone: str, name: str = ""
) -> Wish:
    """A resident posts a wish for their village (no account). It waits for the station head.

    The description is public once approved, so it may hold no phone number (``InvalidInput``:
    the number belongs in the private phone field); it is at most ``DESCRIPTION_MAX`` long.
    """
    errors: dict[str, list[str]] = {}
    try:
        description = _text(
            description, "description", limit=DESCRIPTION_MAX, required=True, label=_("心愿内容")
        )
    except InvalidInput as exc:
        errors.update(exc.fields)
    else:
        if phone_numbers.in_text(description):
            errors["description"] = [
                _("心愿内容会公开展示，请不要在其中填写电话号码；联系电话请填在下面的手机号一栏。")
            ]
    try:
        phone = phone_numbers.clean(phone)
    except ValidationError as exc:
        errors["phone"] = list(exc.messages)
    try:
        name = _text(name, "name", limit=NAME_MAX, required=False, label=_("称呼"))
    except InvalidInput as exc:
        errors.update(exc.fields)
    if errors:
        raise InvalidInput(_("请检查填写的内容。"), fields=errors)
    with transaction.atomic():
        wish = Wish.objects.create(
            village=village,
            town_id=village.town_id,
            category=category,
            description=description,
            name=name,
            phone=phone,
        )
        _record(wish, from_status="", to_status=S.SUBMITTED, actor=None)
    return wish


# --- 审核: the station head moderates ---------------------------------------------------------


def wish_approve(*, wish_id: int, actor) -> Wish:
    """The station head publishes the wish on the wall: ``submitted`` → ``open``."""
    wish = admin_wish(actor, wish_id)
    if not wish.may_review:
        raise _wrong_state(wish)
    with transaction.atomic():
        return _approve(wish, actor=actor)


def _approve(wish: Wish, *, actor) -> Wish:
    return _transition(wish, to=S.OPEN, actor=actor, approved_at=timezone.now())


def wish_reject(*, wish_id: int, actor, reason: str) -> Wish:
    """The station head turns it away with a reason: ``submitted`` → ``rejected`` (never public)."""
    reason = _text(reason, "reason", limit=REASON_MAX, required=True, label=_("未通过原因"))
    wish = admin_wish(actor, wish_id)
    if not wish.may_review:
        raise _wrong_state(wish)
    with transaction.atomic():
        return _reject(wish, actor=actor, reason=reason)


def _reject(wish: Wish, *, actor, reason: str) -> Wish:
    return _transition(
        wish, to=S.REJECTED, actor=actor, note=reason, reason=reason, closed_at=timezone.now()
    )


# --- 认领 and 实现: a volunteer of the area ----------------------------------------------------


def wish_claim(*, wish_id: int, actor) -> Wish:
    """An active volunteer of the wish's town takes it on: ``open`` → ``claimed``.

    The same rule as claiming an order (``orders.eligibility``): ``PermissionDenied`` for a
    login that is not an active volunteer, ``NotInScope`` for a wish that is not public or is
    in another town. Race-safe: the conditional UPDATE lets exactly one of any number of
    simultaneous claims through; the others get ``InvalidTransition``.
    """
    volunteer = login_volunteer(actor)
    if volunteer is None or not volunteer.is_active:
        raise PermissionDenied(_("只有在册志愿者可以认领心愿。"))
    wish = Wish.objects.filter(pk=wish_id).first()
    if wish is None or not wish.is_public:
        raise NotInScope()
    if not volunteer_eligibility(volunteer, town_id=wish.town_id).ok:
        raise NotInScope()
    if not wish.may_claim:
        raise _wrong_state(wish)
    with transaction.atomic():
        return _claim(wish, actor=actor, volunteer=volunteer)


def _claim(wish: Wish, *, actor, volunteer) -> Wish:
    return _transition(
        wish,
        to=S.CLAIMED,
        actor=actor,
        note=volunteer.given_name,
        claimed_by=volunteer,
        claimed_at=timezone.now(),
    )


def _worker(user, wish: Wish) -> bool:
    volunteer = login_volunteer(user)
    return volunteer is not None and volunteer.pk == wish.claimed_by_id


def wish_release(*, wish_id: int, actor, reason: str) -> Wish:
    """The volunteer (or the station head) gives a claimed wish back: ``claimed`` → ``open``."""
    reason = _text(reason, "reason", limit=REASON_MAX, required=True, label=_("原因"))
    wish = Wish.objects.filter(pk=wish_id).first()
    if wish is None or not (_worker(actor, wish) or administers(actor, wish)):
        raise NotInScope()
    if not wish.may_release:
        raise _wrong_state(wish)
    with transaction.atomic():
        return _transition(
            wish,
            to=S.OPEN,
            actor=actor,
            note=reason,
            extra=Q(claimed_by_id=wish.claimed_by_id),
            claimed_by=None,
            claimed_at=None,
        )


def wish_fulfil(*, wish_id: int, actor, note: str) -> Wish:
    """The volunteer who claimed it (or the station head) records it done: ``claimed`` →
    ``fulfilled``. A fulfilled wish counts as a service of its village in the coverage report."""
    note = _text(note, "note", limit=NOTE_MAX, required=True, label=_("实现情况"))
    wish = Wish.objects.filter(pk=wish_id).first()
    if wish is None or not (_worker(actor, wish) or administers(actor, wish)):
        raise NotInScope()
    if not wish.may_fulfil:
        raise _wrong_state(wish)
    with transaction.atomic():
        return _fulfil(wish, actor=actor, note=note)


def _fulfil(wish: Wish, *, actor, note: str) -> Wish:
    return _transition(
        wish,
        to=S.FULFILLED,
        actor=actor,
        note=note,
        extra=Q(claimed_by_id=wish.claimed_by_id),
        fulfil_note=note,
        fulfilled_at=timezone.now(),
    )


# --- 转办: the station head turns it into an event or a menu suggestion -----------------------


def wish_to_event(*, wish_id: int, actor, start: dt.datetime, end: dt.datetime) -> Event:
    """The station head plans an event for the wish (a draft in their station, the wish's
    village and category): ``submitted``/``open`` → ``converted``. The event then follows its
    own life (plan, publish, done) and counts in coverage when done."""
    wish = admin_wish(actor, wish_id)
    if not wish.may_convert:
        raise _wrong_state(wish)
    with transaction.atomic():
        event = event_services.event_create(
            user=actor,
            title=wish.description[:150],
            description=_("来自心愿墙：%(text)s") % {"text": wish.description},
            category=wish.category,
            start=start,
            end=end,
            village=wish.village,
        )
        _transition(
            wish,
            to=S.CONVERTED,
            actor=actor,
            note=_("转为活动"),
            event=event,
            closed_at=timezone.now(),
        )
    return event


def wish_to_suggestion(*, wish_id: int, actor, title: str, description: str = "") -> MenuSuggestion:
    """The station head suggests a new menu service for the town from the wish:
    ``submitted``/``open`` → ``converted``. The city centre reads suggestions in the admin."""
    title = _text(title, "title", limit=100, required=True, label=_("建议服务名称"))
    description = _text(description, "description", limit=NOTE_MAX, required=False, label=_("说明"))
    wish = admin_wish(actor, wish_id)
    if not wish.may_convert:
        raise _wrong_state(wish)
    with transaction.atomic():
        return _suggest(wish, actor=actor, title=title, description=description)


def _suggest(wish: Wish, *, actor, title: str, description: str) -> MenuSuggestion:
    _transition(wish, to=S.CONVERTED, actor=actor, note=_("转为菜单建议"), closed_at=timezone.now())
    return MenuSuggestion.objects.create(
        wish=wish,
        town_id=wish.town_id,
        category_id=wish.category_id,
        title=title,
        description=description or wish.description,
        suggested_by=actor if actor is not None and actor.is_authenticated else None,
    )
