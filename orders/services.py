"""Every write to an order and every step of its life (点单 → 审单/派单 → 接单 → 完成 → 评单).

Each transition is one function: it checks who may do it and from which state, changes the
status with a conditional ``UPDATE … WHERE status = <seen>`` (so that of two people acting at
once exactly one wins), writes an ``OrderStatusChange`` row in the same transaction, and sends
``orders.signals.order_status_changed`` once the transaction has committed.

Who may do what is ``orders.access`` (and which volunteers may serve where,
``orders.eligibility``); which statuses allow which step is the ``may_…`` properties of
``Order``. Errors (``core.errors``): ``InvalidInput`` (bad data, 400), ``NotInScope`` (the
caller may not see the order, 404), ``PermissionDenied`` (they may see it but not do this, 403),
``InvalidTransition`` (wrong state, or someone acted first, 409).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import dates
from core import phone as phone_numbers
from core.errors import InvalidInput, InvalidTransition, NotInScope
from orders import access, escalation, notices, selectors
from orders.eligibility import volunteer_eligibility
from orders.models import MenuItem, Order, OrderNumberSequence, OrderStatusChange, TargetGroup
from orders.signals import order_status_changed, orders_flagged_overdue
from stations.models import Position, Village
from stations.scope import scope_for
from volunteers import records as record_services
from volunteers.models import ServiceRecord, Volunteer

S = Order.Status
Actor = OrderStatusChange.ActorKind
Note = OrderStatusChange.NoteKind

MAX_PEOPLE = 10_000
MAX_HOURS = Decimal("24")
MAX_TEXT = 2000
PREFERRED_DATE_AHEAD = dt.timedelta(days=366)  # a resident plans up to a year ahead


@dataclass(frozen=True)
class SubmitResult:
    order: Order


@dataclass(frozen=True)
class Submitter:
    """Who placed an order when it was not the resident themself (a helper, a partner system):
    the first timeline row names them instead of "居民"."""

    actor: object | None
    actor_kind: str
    note_kind: str
    note_data: dict
    placed_by: object | None = None
    consent_at: dt.datetime | None = None


class DuplicateOrder(InvalidTransition):
    """An identical order (same phone, village and menu item) arrived within
    ``WENMING_ORDER_DUPLICATE_MINUTES``. It carries only *when*, never *which* order: anyone who
    knows a phone number could otherwise read and cancel that resident's order. 409."""

    code = "duplicate"

    def __init__(self, received_at: dt.datetime):
        self.received_at = received_at
        super().__init__(
            _(
                "相同的点单已于 %(time)s 收到，请勿重复提交。请使用当时得到的查询链接查看进度；"
                "链接丢失时，可凭手机号向本村实践站查询。"
            )
            % {"time": timezone.localtime(received_at).strftime("%H:%M")}
        )


# --- helpers ------------------------------------------------------------------------------


def new_tracking_token() -> str:
    """192 random bits, URL-safe: the resident's only key to their order."""
    return secrets.token_urlsafe(24)


def _next_number(now: dt.datetime) -> str:
    """The next ``WM-YYYYMM-NNNNNN`` of the (Asia/Shanghai) month of ``now``.

    The UPDATE takes a row lock on the month's counter until the surrounding transaction ends,
    so concurrent submissions queue here for a moment and never share a number.
    """
    month = timezone.localtime(now).strftime("%Y%m")
    updated = OrderNumberSequence.objects.filter(month=month).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                OrderNumberSequence.objects.create(month=month, last=1)
        except IntegrityError:  # another submission created the month's row first
            OrderNumberSequence.objects.filter(month=month).update(last=F("last") + 1)
    last = OrderNumberSequence.objects.get(month=month).last
    return f"WM-{month}-{last:06d}"


def _text(value: str | None, field: str, *, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(
            _("请填写%(label)s。") % {"label": label}, fields={field: [_("此项为必填。")]}
        )
    if len(value) > MAX_TEXT:
        raise InvalidInput(fields={field: [_("内容过长（最多 %(n)d 字）。") % {"n": MAX_TEXT}]})
    return value


def _admin_kind(user) -> str:
    scope = scope_for(user)
    if scope.everything:
        return Actor.CITY_ADMIN
    if scope.town_ids:
        return Actor.TOWN_ADMIN
    if scope.village_ids:
        return Actor.STATION_HEAD
    return Actor.ADMIN


def _transition(
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
    _record(
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
    order.refresh_from_db()
    return order


def _owner_transition(
    order: Order, *, to: str, actor, worker: Volunteer | None, note: str, **updates
) -> Order:
    """A step taken on an accepted order by its worker (``access.worker_order``) or by an area
    admin for them: completing it or giving it back. The one statement of "still held by the
    owner we checked": the conditional UPDATE also matches the owning volunteer and team, so a
    step decided for one owner never lands after the order was released and taken by another.
    The audit row names the volunteer by given name, or the admin's kind.
    """
    kind, label = (Actor.VOLUNTEER, worker.given_name) if worker else (_admin_kind(actor), "")
    return _transition(
        order,
        to=to,
        actor=actor,
        actor_kind=kind,
        actor_label=label,
        note=note,
        extra=Q(accepted_by_id=order.accepted_by_id, accepted_team_id=order.accepted_team_id),
        **updates,
    )


def _record(
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
    notices.on_change(order_id=order.pk, change=change)
    payload = {
        "order_id": order.pk,
        "village_id": order.village_id,
        "town_id": order.town_id,
        "category_id": order.category_id,
        "from_status": from_status,
        "to_status": to_status,
    }
    transaction.on_commit(lambda: order_status_changed.send(sender=Order, **payload))


# --- 点单: the resident submits ------------------------------------------------------------


def find_duplicate(*, phone: str, village_id: int, menu_item_id: int) -> Order | None:
    """The same phone, village and menu item within the duplicate window, still live."""
    since = timezone.now() - dt.timedelta(minutes=settings.WENMING_ORDER_DUPLICATE_MINUTES)
    return (
        Order.objects.filter(
            phone=phone,
            village_id=village_id,
            menu_item_id=menu_item_id,
            created_at__gte=since,
        )
        .exclude(status__in=Order.CLOSED)
        .order_by("-created_at")
        .first()
    )


# The first key of the two-key advisory lock form: a namespace of our own, so that these locks
# never meet another feature's ("WM" and 1).
_SUBMIT_LOCK_NAMESPACE = 0x574D0001


def _lock_submission(*, phone: str, village_id: int, menu_item_id: int) -> None:
    """Serialise submissions of the same phone, village and item until the transaction ends.

    Without it two identical submissions at the same moment both find no duplicate and both
    insert. A transaction-scoped advisory lock (PostgreSQL) makes the second wait until the
    first has committed, so its duplicate check sees the first order. Different phones hash to
    different keys and never wait for each other (a rare 32-bit collision only makes two
    submissions queue for a moment). SQLite takes no lock: it allows one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    key = f"{phone}:{village_id}:{menu_item_id}".encode()
    digest = int.from_bytes(hashlib.sha256(key).digest()[:4], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SUBMIT_LOCK_NAMESPACE, digest])


def order_submit(
    *,
    village: Village,
    menu_item: MenuItem,
    name: str,
    phone: str,
    description: str = "",
    preferred_date: dt.date | None = None,
    preferred_window: str = "",
    people: int = 1,
    target_group: str = "",
    channel: str = Order.Channel.WEB,
    submitter: Submitter | None = None,
) -> SubmitResult:
    """A resident orders a menu service for their village (no account needed).

    ``channel`` is the door the order came in through (``Order.Channel``): each door's caller
    says which it is, so the station and the reports see it. Opens the order at once when the
    village's station does not review orders. ``submitter`` is for the doors where someone
    else places the order (``order_submit_for_resident``, the Open311 API). Raises
    ``InvalidInput`` with per-field messages, and ``DuplicateOrder`` (with the time only) when
    the same phone, village and item were submitted within ``WENMING_ORDER_DUPLICATE_MINUTES``.
    """
    if channel not in Order.Channel.values:
        # A caller's bug, not the resident's: no door lets a person choose its channel.
        raise ValueError(f"unknown order channel {channel!r}")
    errors: dict[str, list[str]] = {}
    try:
        phone = phone_numbers.clean(phone)
    except ValidationError as exc:
        errors["phone"] = list(exc.messages)
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写联系人姓名。")]
    elif len(name) > 50:
        errors["name"] = [_("姓名过长。")]
    if not menu_item.is_active or not selectors.menu_item_offered_in(menu_item, village):
        errors["menu_item"] = [_("该服务项不在所选村（社区）的实践菜单中。")]
    try:
        people = int(people)
    except (TypeError, ValueError):
        people = 0
    if not 1 <= people <= MAX_PEOPLE:
        errors["people"] = [_("服务人数应在 1 到 %(n)d 之间。") % {"n": MAX_PEOPLE}]
    today = timezone.localdate()
    if preferred_date is not None and preferred_date < today:
        errors["preferred_date"] = [_("期望日期不能早于今天。")]
    elif preferred_date is not None and preferred_date > today + PREFERRED_DATE_AHEAD:
        # Also keeps it inside 2000-2100 (core.dates) until the year 2100 itself.
        errors["preferred_date"] = [_("期望日期不能晚于一年以后。")]
    elif preferred_date is not None and not dates.in_range(preferred_date):
        errors["preferred_date"] = [dates.OUT_OF_RANGE_MESSAGE % dates.YEARS]
    if target_group and target_group not in TargetGroup.values:
        errors["target_group"] = [_("请选择有效的服务对象。")]
    if len(preferred_window or "") > 50:
        errors["preferred_window"] = [_("期望时段过长。")]
    if len(description or "") > MAX_TEXT:
        errors["description"] = [_("内容过长（最多 %(n)d 字）。") % {"n": MAX_TEXT}]
    if errors:
        raise InvalidInput(fields=errors)

    reviews = selectors.station_reviews_orders(village)
    duplicate = find_duplicate(phone=phone, village_id=village.pk, menu_item_id=menu_item.pk)
    if duplicate is not None:  # the common case, refused before a number is taken
        raise DuplicateOrder(duplicate.created_at)
    now = timezone.now()
    # The number in its own short transaction: the month's counter row is then locked for one
    # UPDATE, not for the whole submission, during which every other submission of the city
    # queued behind it (issue 19). A duplicate caught below by the locked re-check leaves a
    # gap in the numbers, which is harmless.
    with transaction.atomic():
        number = _next_number(now)
    with transaction.atomic():
        _lock_submission(phone=phone, village_id=village.pk, menu_item_id=menu_item.pk)
        duplicate = find_duplicate(phone=phone, village_id=village.pk, menu_item_id=menu_item.pk)
        if duplicate is not None:
            raise DuplicateOrder(duplicate.created_at)
        order = Order.objects.create(
            number=number,
            tracking_token=new_tracking_token(),
            status=S.SUBMITTED,
            village=village,
            town_id=village.town_id,
            menu_item=menu_item,
            category_id=menu_item.category_id,
            name=name,
            phone=phone,
            description=(description or "").strip(),
            preferred_date=preferred_date,
            preferred_window=(preferred_window or "").strip(),
            people=people,
            target_group=target_group or menu_item.target_group,
            channel=channel,
            placed_by=submitter.placed_by if submitter else None,
            proxy_consent_at=submitter.consent_at if submitter else None,
        )
        if submitter is None:
            _record(
                order, from_status="", to_status=S.SUBMITTED, actor=None, actor_kind=Actor.RESIDENT
            )
        else:
            _record(
                order,
                from_status="",
                to_status=S.SUBMITTED,
                actor=submitter.actor,
                actor_kind=submitter.actor_kind,
                note_kind=submitter.note_kind,
                note_data=submitter.note_data,
            )
        if not reviews:
            order = _transition(
                order,
                to=S.OPEN,
                actor=None,
                actor_kind=Actor.SYSTEM,
                note_kind=Note.AUTO_OPENED,
                opened_at=now,
            )
    return SubmitResult(order=order)


def order_submit_for_resident(
    *,
    actor,
    village: Village,
    menu_item: MenuItem,
    name: str,
    phone: str,
    consent: bool,
    description: str = "",
    preferred_date: dt.date | None = None,
    preferred_window: str = "",
    people: int = 1,
    target_group: str = "",
) -> SubmitResult:
    """帮办: a helper of ``village`` orders for a resident who phoned or walked in (channel
    proxy). The helper is recorded on the order and in the timeline; the resident gets the
    same "order received" SMS as for their own order.

    ``PermissionDenied`` (403) unless ``actor`` may order on behalf of residents of ``village``
    (``access.proxy_identity``); ``InvalidInput`` (400) without the resident's consent
    (居民已同意代为点单), then every check of ``order_submit``.
    """
    identity = access.proxy_identity(actor, village)
    if not consent:
        raise InvalidInput(
            _("未经居民同意，不能代为点单。"),
            fields={"consent": [_("请先征得居民同意，并勾选“居民已同意代为点单”。")]},
        )
    return order_submit(
        village=village,
        menu_item=menu_item,
        name=name,
        phone=phone,
        description=description,
        preferred_date=preferred_date,
        preferred_window=preferred_window,
        people=people,
        target_group=target_group,
        channel=Order.Channel.PROXY,
        submitter=Submitter(
            actor=actor,
            actor_kind=Actor.HELPER,
            note_kind=Note.PROXY,
            note_data={"who": identity.name, "kind": identity.kind},
            placed_by=actor,
            consent_at=timezone.now(),
        ),
    )


# --- 审单: the station reviews ---------------------------------------------------------------


def order_approve(*, order_id: int, actor) -> Order:
    """Review passes: ``submitted`` → ``open``. Area admins only."""
    order = access.admin_order(actor, order_id)
    if not order.may_review:
        raise access.wrong_state(order)
    with transaction.atomic():
        return _transition(
            order, to=S.OPEN, actor=actor, actor_kind=_admin_kind(actor), opened_at=timezone.now()
        )


def order_reject(*, order_id: int, actor, reason: str) -> Order:
    """Review refuses: ``submitted`` → ``rejected``, with a reason the resident sees."""
    reason = _text(reason, "reason", required=True, label=_("驳回原因"))
    order = access.admin_order(actor, order_id)
    if not order.may_review:
        raise access.wrong_state(order)
    with transaction.atomic():
        return _transition(
            order,
            to=S.REJECTED,
            actor=actor,
            actor_kind=_admin_kind(actor),
            note=reason,
            reason=reason,
            closed_at=timezone.now(),
        )


# --- 接单/派单: a volunteer claims, the station assigns ---------------------------------------


def order_claim(*, order_id: int, actor) -> Order:
    """An active volunteer of the order's town takes an open order: ``open`` → ``accepted``.

    ``PermissionDenied`` for a login that is not an active volunteer (whatever the order);
    ``NotInScope`` for an order they cannot see: another town's, one still waiting for review
    (``submitted``), one someone else took; ``InvalidTransition`` for one they see in another
    status (their own, already accepted). Race-safe: the conditional UPDATE lets exactly one of
    any number of simultaneous claims through; the others then find the order taken, out of
    their sight (``NotInScope``).
    """
    volunteer = access.claimant(actor)
    order = access.get_visible(actor, order_id)
    if not order.may_claim:
        raise access.wrong_state(order)
    with transaction.atomic():
        return _transition(
            order,
            to=S.ACCEPTED,
            actor=actor,
            actor_kind=Actor.VOLUNTEER,
            actor_label=volunteer.given_name,
            accepted_by=volunteer,
            accepted_team=None,
            accepted_at=timezone.now(),
            is_overdue=False,
        )


def order_assign(
    *, order_id: int, actor, volunteer_id: int | None = None, team_id: int | None = None
) -> Order:
    """The station head dispatches (派单) to a volunteer or a team: ``submitted``/``open`` →
    ``accepted``. Assigning a submitted order also approves it."""
    order = access.admin_order(actor, order_id)
    if bool(volunteer_id) == bool(team_id):
        raise InvalidInput(
            _("请选择一名志愿者或一支队伍。"),
            fields={"volunteer": [_("请选择一名志愿者或一支队伍。")]},
        )
    volunteer = team = None
    if volunteer_id:
        verdict = volunteer_eligibility(
            Volunteer.objects.filter(pk=volunteer_id).first(),
            town_id=order.town_id,
            team_id=order.escalated_team_id,
        )
        if not verdict.ok:
            # Off the register is said only of the area's own volunteers: of another town's
            # the station head learns no more than "not yours".
            message = (
                _("该志愿者已不在册，不能派单。")
                if verdict.in_area
                else _("只能派给本镇（街道）在册的志愿者。")
            )
            raise InvalidInput(fields={"volunteer": [message]})
        volunteer = verdict.volunteer
    else:
        team = selectors.assignable_teams(order).filter(pk=team_id).first()
        if team is None:
            raise InvalidInput(fields={"team": [_("只能派给服务本村、本镇或全市的队伍。")]})
    if not order.may_assign:
        raise access.wrong_state(order)
    now = timezone.now()
    with transaction.atomic():
        return _transition(
            order,
            to=S.ACCEPTED,
            actor=actor,
            actor_kind=_admin_kind(actor),
            note_kind=Note.ASSIGNED,
            note_data=(
                {"who": volunteer.name, "given": volunteer.given_name, "volunteer_id": volunteer.pk}
                if volunteer
                else {"who": team.name, "team_id": team.pk}
            ),
            accepted_by=volunteer,
            accepted_team=team,
            accepted_at=now,
            opened_at=order.opened_at or now,
            is_overdue=False,
        )


def order_complete(
    *,
    order_id: int,
    actor,
    hours: Decimal | str | float,
    note: str,
    service_date: dt.date | None = None,
) -> Order:
    """The service happened: ``accepted`` → ``completed`` with date, hours and a short report.

    The owner (or, for a team, a member) records it; an area admin may record it for them. The
    hours become the owning volunteer's service record (for a team, the member who records it)
    in the same transaction: pending until the resident rates it or an admin confirms (an
    admin who records the completion confirms it at once).
    """
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(fields={"hours": [_("请输入服务时长（小时）。")]}) from None
    if not Decimal("0") < hours <= MAX_HOURS:
        raise InvalidInput(fields={"hours": [_("服务时长应大于 0 且不超过 24 小时。")]})
    note = _text(note, "note", required=True, label=_("服务记录"))
    today = timezone.localdate()
    service_date = service_date or today
    if service_date > today:
        raise InvalidInput(fields={"service_date": [_("服务日期不能晚于今天。")]})
    if not dates.in_range(service_date):
        raise InvalidInput(fields={"service_date": [dates.OUT_OF_RANGE_MESSAGE % dates.YEARS]})

    order, worker = access.worker_order(
        actor, order_id, denied=_("只有接单志愿者或站长可以登记完成。")
    )
    if not order.may_complete:
        raise access.wrong_state(order)
    credited_id = order.accepted_by_id or (worker.pk if worker else None)
    with transaction.atomic():
        order = _owner_transition(
            order,
            to=S.COMPLETED,
            actor=actor,
            worker=worker,
            note=note,
            service_date=service_date,
            hours=hours,
            report=note,
            completed_at=timezone.now(),
        )
        if credited_id is not None:
            _record_hours(order, volunteer_id=credited_id, actor=actor, confirm=worker is None)
    return order


def _record_hours(order: Order, *, volunteer_id: int, actor, confirm: bool) -> None:
    """The completed order's hours as the volunteer's service record: pending until the
    resident rates the service or the station head confirms. When an admin recorded the
    completion (not the volunteer), their word is the confirmation."""
    station = (
        Position.objects.filter(level=Position.Level.STATION, village_id=order.village_id)
        .only("pk")
        .first()
    )
    order = Order.objects.select_related(
        "menu_item", "category", "village", "town", "accepted_team"
    ).get(pk=order.pk)
    record, _created = record_services.record_create(
        volunteer=Volunteer.objects.get(pk=volunteer_id),
        hours=order.hours,
        service_date=order.service_date,
        content=order.menu_item.title,
        source_kind=ServiceRecord.SourceKind.ORDER,
        source_id=order.pk,
        source_label=order.number,
        category=order.category.name,
        place=order.village.name,
        town=order.town,
        village=order.village,
        organiser_position=station,
        organiser_team=order.accepted_team,
        points_rate=order.category.points_per_hour,
        recorded_by=actor,
    )
    if confirm:
        record_services.record_confirm(record_id=record.pk, actor=actor)


def order_confirm_hours(*, order_id: int, actor) -> int:
    """The station head (or a town/city admin) confirms the hours of a completed order before
    the resident rated it. Returns how many records changed (0: already confirmed, a no-op).

    Raises ``NotInScope`` outside the caller's area, ``PermissionDenied`` for a volunteer,
    ``InvalidTransition`` before the order is completed.
    """
    order = access.admin_order(actor, order_id)
    if not order.is_served:
        raise InvalidTransition(_("点单完成后才能确认服务时长。"))
    ids = ServiceRecord.objects.filter(
        source_kind=ServiceRecord.SourceKind.ORDER, source_id=order.pk
    ).values_list("pk", flat=True)
    with transaction.atomic():
        return sum(
            record_services.record_confirm(record_id=record_id, actor=actor)[1] for record_id in ids
        )


def order_release(*, order_id: int, actor, reason: str) -> Order:
    """The owner gives an accepted order back (reason required): ``accepted`` → ``open``."""
    reason = _text(reason, "reason", required=True, label=_("退单原因"))
    order, worker = access.worker_order(actor, order_id, denied=_("只有接单志愿者或站长可以退单。"))
    if not order.may_release:
        raise access.wrong_state(order)
    with transaction.atomic():
        return _owner_transition(
            order,
            to=S.OPEN,
            actor=actor,
            worker=worker,
            note=reason,
            accepted_by=None,
            accepted_team=None,
            accepted_at=None,
        )


# --- 评单 and cancelling ---------------------------------------------------------------------


def order_rate(*, tracking_token: str, stars: int, comment: str = "") -> Order:
    """The resident rates a completed order once: ``completed`` → ``rated``.

    1–2 stars flag the order for the station head's follow-up. The tracking token is the
    resident's proof of identity; an unknown token is ``NotInScope``.
    """
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise InvalidInput(fields={"stars": [_("请选择 1 到 5 星。")]})
    comment = _text(comment, "comment", required=False, label=_("评价"))
    order = Order.objects.filter(tracking_token=tracking_token).first() if tracking_token else None
    if order is None:
        raise NotInScope()
    if not order.may_rate:
        if order.status == S.RATED:
            raise InvalidTransition(_("该点单已评价过，每单只能评价一次。"))
        raise access.wrong_state(order)
    with transaction.atomic():
        order = _transition(
            order,
            to=S.RATED,
            actor=None,
            actor_kind=Actor.RESIDENT,
            note_kind=Note.RATED,
            note_data={"stars": stars, "comment": comment},
            stars=stars,
            rating_comment=comment,
            rated_at=timezone.now(),
            needs_follow_up=stars <= 2,
        )
        # The resident's rating is the confirmation by someone other than the volunteer.
        record_services.records_confirm_for_source(
            source_kind=ServiceRecord.SourceKind.ORDER,
            source_id=order.pk,
            actor_label=gettext_noop("群众评价"),
        )
        return order


def order_cancel(
    *,
    order_id: int | None = None,
    actor=None,
    tracking_token: str | None = None,
    reason: str = "",
) -> Order:
    """Cancel an order: ``… → cancelled``.

    With ``tracking_token`` it is the resident, who may cancel until the order is accepted
    (reason optional). With ``order_id`` and ``actor`` it is an area admin, who may also cancel
    an accepted order, and must give a reason.
    """
    if tracking_token is not None:
        reason = _text(reason, "reason", required=False, label=_("取消原因"))
        order = Order.objects.filter(tracking_token=tracking_token).first()
        if order is None or not tracking_token:
            raise NotInScope()
        if not order.resident_may_cancel:
            raise access.wrong_state(order)
        kind = Actor.RESIDENT
        actor = None
    else:
        reason = _text(reason, "reason", required=True, label=_("取消原因"))
        order = access.admin_order(actor, order_id)
        if not order.admin_may_cancel:
            raise access.wrong_state(order)
        kind = _admin_kind(actor)
    with transaction.atomic():
        return _transition(
            order,
            to=S.CANCELLED,
            actor=actor,
            actor_kind=kind,
            note=reason,
            reason=reason,
            closed_at=timezone.now(),
        )


def order_follow_up(*, order_id: int, actor, note: str, reopen: bool = False) -> Order:
    """The station head records the follow-up of a low rating (a timeline row, no status
    change). With ``reopen`` it also opens a new order for the same resident and service,
    linked to this one (``follow_up_of``) and open for claiming at once, each order's timeline
    naming the other; the resident gets the new order's tracking link by SMS.

    ``InvalidTransition`` when no follow-up is due (or it was recorded), or, with ``reopen``,
    when the resident's contact was erased or the service is no longer offered in the village.
    """
    note = _text(note, "note", required=True, label=_("回访记录"))
    order = access.admin_order(actor, order_id)
    if reopen:
        if order.anonymised_at or not order.phone:
            raise InvalidTransition(_("该点单的联系人信息已删除，不能新开点单。"))
        menu_item = MenuItem.objects.get(pk=order.menu_item_id)
        village = Village.objects.get(pk=order.village_id)
        if not menu_item.is_active or not selectors.menu_item_offered_in(menu_item, village):
            raise InvalidTransition(_("该服务项已不在本村的实践菜单中，不能新开点单。"))
    now = timezone.now()
    with transaction.atomic():
        # The flag is the race guard: of two heads recording at once, one matches.
        updated = Order.objects.filter(pk=order.pk, needs_follow_up=True).update(
            needs_follow_up=False, followed_up_at=now, follow_up_note=note, updated_at=now
        )
        if not updated:
            raise InvalidTransition(_("该点单无需回访或已回访。"))
        order.refresh_from_db()
        kind = _admin_kind(actor)
        _record(
            order,
            from_status=order.status,
            to_status=order.status,
            actor=actor,
            actor_kind=kind,
            note_kind=Note.FOLLOWED_UP,
        )
        if reopen:
            _open_follow_up_order(order, menu_item=menu_item, actor=actor, actor_kind=kind)
    return order


def _open_follow_up_order(original: Order, *, menu_item: MenuItem, actor, actor_kind: str) -> Order:
    """The new order a follow-up opens: the same resident, village and service, reviewed by the
    head who opened it (so open for claiming at once). Inside the caller's transaction."""
    now = timezone.now()
    new = Order.objects.create(
        number=_next_number(now),
        tracking_token=new_tracking_token(),
        status=S.SUBMITTED,
        village_id=original.village_id,
        town_id=original.town_id,
        menu_item=menu_item,
        category_id=menu_item.category_id,
        name=original.name,
        phone=original.phone,
        description=original.description,
        people=original.people,
        target_group=original.target_group,
        follow_up_of=original,
    )
    _record(
        new,
        from_status="",
        to_status=S.SUBMITTED,
        actor=actor,
        actor_kind=actor_kind,
        note_kind=Note.FOLLOW_UP_OF,
        note_data={"number": original.number, "order_id": original.pk},
    )
    _record(
        original,
        from_status=original.status,
        to_status=original.status,
        actor=actor,
        actor_kind=actor_kind,
        note_kind=Note.FOLLOW_UP_ORDER,
        note_data={"number": new.number, "order_id": new.pk},
    )
    return _transition(new, to=S.OPEN, actor=actor, actor_kind=actor_kind, opened_at=now)


# --- overdue --------------------------------------------------------------------------------


def order_flag_overdue(*, now: dt.datetime | None = None) -> int:
    """Flag orders nobody has accepted within ``WENMING_ORDER_OVERDUE_HOURS``; idempotent.

    Returns how many were newly flagged. Accepting an order clears the flag. Orders being
    accepted at this moment are locked by that transition and skipped: the next run sees them
    accepted, or flags them then.
    """
    now = now or timezone.now()
    waiting = Q(
        status__in=Order.WAITING, is_overdue=False, created_at__lt=Order.overdue_cutoff(now)
    )
    with transaction.atomic():
        ids = list(
            Order.objects.select_for_update(skip_locked=True)
            .filter(waiting)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        flagged = Order.objects.filter(waiting, pk__in=ids).update(is_overdue=True, updated_at=now)
        transaction.on_commit(lambda: orders_flagged_overdue.send(sender=Order, order_ids=ids))
    return flagged


# --- escalation up the tiers (村 → 镇 → 市) ----------------------------------------------------


def order_escalate(*, order_id: int, tier: str, now: dt.datetime | None = None) -> bool:
    """Offer a waiting order one tier up (``orders.escalation``): a timeline row, the tier's
    team may claim it, its admin and volunteers are told. True if it climbed now.

    Race-safe and idempotent: the conditional UPDATE matches only an order still waiting below
    ``tier``, so two runs (or a run racing a claim) climb it once, and a claimed order stays.
    """
    now = now or timezone.now()
    below = dict(escalation.CLIMB)[tier]
    with transaction.atomic():
        # skip_locked: an order being claimed or changed right now is left to the next run.
        order = (
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk=order_id, status__in=Order.WAITING, tier__in=below)
            .first()
        )
        if order is None:
            return False
        team = escalation.team_for(order, tier)
        try:
            _transition(
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
    for tier, _below in escalation.CLIMB:
        ids = list(
            Order.objects.filter(escalation.due_q(tier, now))
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        counts[tier] = sum(order_escalate(order_id=pk, tier=tier, now=now) for pk in ids)
    return counts
