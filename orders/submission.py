"""点单: a new order, placed by the resident (no account needed), by a helper for them (帮办)
or by a partner system (Open311), and the number and tracking token every new order gets.

Every rule a submission must pass is here, for every door (the form, the kiosk, the API,
Open311, the proxy page): the menu item must be offered in the village, the same phone, village
and item may not be submitted twice within ``WENMING_ORDER_DUPLICATE_MINUTES``, and the order
opens at once when the village's station does not review orders. The steps after it are
``orders.services``. Errors (``core.errors``): ``InvalidInput`` (bad data, 400),
``PermissionDenied`` (403, a helper outside their village), ``DuplicateOrder`` (409).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core import phone as phone_numbers
from core.errors import InvalidInput, InvalidTransition
from orders import access, selectors
from orders.models import MenuItem, Order, OrderNumberSequence, OrderStatusChange, TargetGroup
from orders.transitions import MAX_TEXT, record_change, transition
from stations.models import Village

S = Order.Status
Actor = OrderStatusChange.ActorKind
Note = OrderStatusChange.NoteKind

MAX_PEOPLE = 10_000
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


def new_tracking_token() -> str:
    """192 random bits, URL-safe: the resident's only key to their order."""
    return secrets.token_urlsafe(24)


def next_number(now: dt.datetime) -> str:
    """The next ``WM-YYYYMM-NNNNNN`` of the (Asia/Shanghai) month of ``now``.

    The UPDATE takes a row lock on the month's counter until the surrounding transaction ends,
    so concurrent submissions queue here for a moment and never share a number.
    """
    month = timezone.localtime(now).strftime("%Y%m")
    last = _increment_number(month)
    if last is None:
        try:
            with transaction.atomic():
                OrderNumberSequence.objects.create(month=month, last=1)
            last = 1
        except IntegrityError:  # another submission created the month's row first
            last = _increment_number(month)
    return OrderNumberSequence.number(month, last)


def _increment_number(month: str) -> int | None:
    """The month's counter plus one, or None when the month has no row yet: one statement
    (``UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35) instead of an UPDATE and a SELECT."""
    table = connection.ops.quote_name(OrderNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "month" = %s RETURNING "last"',  # noqa: S608 - the table name is ours
            [month],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def find_duplicate(*, phone: str, village_id: int, menu_item_id: int) -> Order | None:
    """The same phone, village and menu item within the duplicate window, still live.

    The window is checked on the latest live order rather than in the query: with
    ``created_at >= …`` in it, PostgreSQL took the ``created_at`` index whenever its statistics
    were older than the last half hour (estimating one row there) and filtered every order of
    that half hour, 5 ms per submission after a burst of a few thousand (issue 19). Without it
    only the (phone, village, item, created_at) index answers: the newest live order of that
    key, read backwards, one row. The same answer: if the newest is outside the window, so are
    the others.
    """
    since = timezone.now() - dt.timedelta(minutes=settings.WENMING_ORDER_DUPLICATE_MINUTES)
    latest = (
        Order.objects.filter(phone=phone, village_id=village_id, menu_item_id=menu_item_id)
        .exclude(status__in=Order.CLOSED)
        .order_by("-created_at")
        .first()
    )
    return latest if latest is not None and latest.created_at >= since else None


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
    now = timezone.now()
    # One transaction, one commit (issue 19: the number had a transaction and a commit of its
    # own). The duplicate check runs once, under the submission's lock, before the number is
    # taken, so a duplicate leaves no gap. The number is taken last, just before the rows that
    # need it: the month's counter row is locked from that UPDATE to the commit (a few inserts),
    # not for the whole submission, during which every other submission of the city queued
    # behind it.
    with transaction.atomic():
        _lock_submission(phone=phone, village_id=village.pk, menu_item_id=menu_item.pk)
        duplicate = find_duplicate(phone=phone, village_id=village.pk, menu_item_id=menu_item.pk)
        if duplicate is not None:
            raise DuplicateOrder(duplicate.created_at)
        number = next_number(now)
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
            record_change(
                order, from_status="", to_status=S.SUBMITTED, actor=None, actor_kind=Actor.RESIDENT
            )
        else:
            record_change(
                order,
                from_status="",
                to_status=S.SUBMITTED,
                actor=submitter.actor,
                actor_kind=submitter.actor_kind,
                note_kind=submitter.note_kind,
                note_data=submitter.note_data,
            )
        if not reviews:
            order = transition(
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
