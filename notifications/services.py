"""Writing notifications into the outbox and delivering them.

``notify`` is called by the service that makes a change, inside its transaction: the rows commit
or roll back with the change. After commit a task delivers them; ``sweep`` (beat, every minute)
picks up whatever is still due: rows queued while the broker was down, retries after a backoff,
SMS held back by the quiet hours, and rows whose worker died while sending.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core import generations
from core import phone as phone_numbers
from core.errors import InvalidInput, NotInScope
from core.queueing import delay_on_commit
from notifications import backends, tasks
from notifications.kinds import SECRET_FIELDS, SPECS, USER_KINDS, Channel
from notifications.models import (
    EventSubscription,
    Notification,
    NotificationPreference,
    PhoneCode,
)
from stations.models import Position, Role
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)
State = Notification.State

# Seconds between attempts: 1 min, 5 min, 30 min, 2 h, 6 h; then the row is marked failed.
BACKOFF = [60, 300, 1800, 7200, 21600]
# How long a worker may hold a row while sending before the sweep offers it to another.
LEASE = dt.timedelta(minutes=5)
# An event-reminder subscription not confirmed within this is dropped by the retention run.
UNCONFIRMED_SUBSCRIPTION_KEPT = dt.timedelta(days=1)


def _mobile(value: str) -> str:
    """The stored form of a mobile number, or "" (a station's head phone may be a landline)."""
    return phone_numbers.normalize(value or "") or ""


# --- quiet hours --------------------------------------------------------------------------------


def _parse_quiet(spec: str) -> tuple[dt.time, dt.time] | None:
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in spec.split("-"))
    except ValueError:
        return None
    return start, end


def sms_quiet_until(now: dt.datetime) -> dt.datetime | None:
    """When the SMS quiet hours (``WENMING_SMS_QUIET_HOURS``, local time) end, if ``now`` is in
    them; else None. Messages are deferred to then, never dropped."""
    window = _parse_quiet(settings.WENMING_SMS_QUIET_HOURS or "")
    if window is None:
        return None
    start, end = window
    local = timezone.localtime(now)
    t = local.time()
    if start <= end:
        quiet = start <= t < end
    else:  # the window crosses midnight (22:00-07:00)
        quiet = t >= start or t < end
    if not quiet:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += dt.timedelta(days=1)
    return until


# --- writing --------------------------------------------------------------------------------------


def _user_channels(user_ids: list[int], kind: str) -> list[tuple[int, str, str]]:
    """(user id, channel, address) for each channel each login gets for ``kind``."""
    spec = SPECS[kind]
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}
    wanted: dict[int, list[str]] = {}
    for uid in user_ids:
        pref = prefs.get(uid)
        chosen = pref.channels.get(kind) if pref is not None else None
        channels = spec.default if chosen is None else chosen
        wanted[uid] = [c for c in channels if c in spec.allowed and backends.channel_enabled(c)]
    emails: dict[int, str] = {}
    if any(Channel.EMAIL in c for c in wanted.values()):
        emails = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "email"))
    phones: dict[int, str] = {}
    sms_ids = [uid for uid, c in wanted.items() if Channel.SMS in c]
    if sms_ids:
        # The phone the login chose, else the station's head phone, else the volunteer record.
        for uid, phone in Volunteer.objects.filter(user_id__in=sms_ids).values_list(
            "user_id", "phone"
        ):
            phones[uid] = _mobile(phone) or phones.get(uid, "")
        for uid, phone in Role.objects.filter(
            kind=Role.Kind.STATION_HEAD, user_id__in=sms_ids, position__is_active=True
        ).values_list("user_id", "position__head_phone"):
            phones[uid] = _mobile(phone) or phones.get(uid, "")
        for uid, phone in Position.objects.filter(
            head_user_id__in=sms_ids, is_active=True
        ).values_list("head_user_id", "head_phone"):
            phones[uid] = _mobile(phone) or phones.get(uid, "")
        for uid in sms_ids:
            pref = prefs.get(uid)
            if pref is not None and _mobile(pref.phone):
                phones[uid] = pref.phone
    rows = []
    for uid, channels in wanted.items():
        for channel in channels:
            address = ""
            if channel == Channel.EMAIL:
                address = emails.get(uid, "")
            elif channel == Channel.SMS:
                address = phones.get(uid, "")
            if channel in (Channel.EMAIL, Channel.SMS) and not address:
                continue  # no address for this channel: the other channels still tell them
            rows.append((uid, channel, address))
    return rows


def _channels_of(user_ids: list[int], kind: str) -> list[tuple[int, str, str]]:
    """``_user_channels``, asked once per batch for the same logins and kind."""
    batch = _batch.get()
    if batch is None:
        return _user_channels(user_ids, kind)
    key = (tuple(user_ids), kind)
    if key not in batch.channels:
        batch.channels[key] = _user_channels(user_ids, kind)
    return batch.channels[key]


def notify(
    *,
    cause: str,
    kind: str,
    payload: dict,
    users: Iterable[int] = (),
    phones: Iterable[str] = (),
) -> int:
    """Write the notifications ``cause`` sends to ``users`` (ids, by their preferences) and to
    ``phones`` (residents without an account: SMS), and deliver them after commit.

    Call it inside the transaction of the change: the rows roll back with it. Writing the same
    ``cause`` again adds nothing (unique per cause, recipient and channel). Returns how many rows
    it tried to write.
    """
    cause = cause[:100]
    now = timezone.now()
    spec = SPECS[kind]
    quiet = None if spec.urgent else sms_quiet_until(now)
    user_ids = sorted({int(u) for u in users if u})
    # A copy: in a batch the list is shared by every cause for these logins (``_channels_of``).
    targets = list(_channels_of(user_ids, kind)) if user_ids else []
    if Channel.SMS in spec.allowed:
        targets += [(None, Channel.SMS, p) for p in sorted({_mobile(p) for p in phones} - {""})]
    rows = []
    for uid, channel, address in targets:
        inbox = channel == Channel.INBOX
        rows.append(
            Notification(
                cause=cause,
                kind=kind,
                channel=channel,
                recipient_id=uid,
                address=address,
                payload=payload,
                # The inbox row is the delivery; the others wait for a backend.
                state=State.SENT if inbox else State.PENDING,
                sent_at=now if inbox else None,
                next_attempt_at=None
                if inbox
                else (quiet if channel == Channel.SMS and quiet else now),
            )
        )
    if not rows:
        return 0
    batch = _batch.get()
    if batch is not None:  # written by the batch, with the rest (``batched``)
        batch.rows.extend(rows)
        return len(rows)
    _write(rows)
    return len(rows)


def _write(rows: list[Notification]) -> None:
    """Insert the outbox rows, ring the bells, queue the deliveries after the commit."""
    # ON CONFLICT DO NOTHING: the unique constraints make a repeated cause a no-op.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if inboxes := {r.recipient_id for r in rows if r.channel == Channel.INBOX}:
        generations.bump(*(generations.inbox(uid) for uid in sorted(inboxes)))  # their bells
    causes = sorted({r.cause for r in rows if r.channel != Channel.INBOX})
    if len(causes) == 1:
        _queue_after_commit(causes[0])
    elif causes:  # one message for a batch's causes, not one each
        delay_on_commit(tasks.deliver_causes, causes)


@dataclass
class Batch:
    """The notifications of many causes written at once (``batched``)."""

    rows: list[Notification] = field(default_factory=list)
    # Who gets what, asked once per batch: (logins, kind) -> their channels and addresses.
    channels: dict[tuple[tuple[int, ...], str], list[tuple[int, str, str]]] = field(
        default_factory=dict
    )

    def mark(self) -> int:
        return len(self.rows)

    def discard_after(self, mark: int) -> None:
        """Drop what was collected since ``mark`` (a cause whose savepoint rolled back)."""
        del self.rows[mark:]


_batch: ContextVar[Batch | None] = ContextVar("notifications_batch", default=None)


@contextmanager
def batched() -> Iterator[Batch]:
    """Collect what ``notify`` writes inside the block and write it when the block ends: one
    insert, one bump of the bells, one queued delivery for a worker's batch of causes
    (``orders.notices.send_due``), and each login's channels looked up once. Inside the
    caller's transaction; a cause whose savepoint rolled back is dropped with
    ``Batch.discard_after``. Nothing is written if the block raises."""
    batch = Batch()
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)
    if batch.rows:
        _write(batch.rows)


def notify_phones(*, cause: str, kind: str, messages: Iterable[tuple[str, dict]]) -> int:
    """``notify`` for residents' SMS that each carry a payload of their own (an unsubscribe
    link): one write and one queued delivery for them all, however many. Same outbox rules:
    inside the change's transaction, idempotent per (cause, phone). Returns the rows tried."""
    cause = cause[:100]
    now = timezone.now()
    quiet = None if SPECS[kind].urgent else sms_quiet_until(now)
    payloads = {_mobile(phone): payload for phone, payload in messages}
    payloads.pop("", None)
    rows = [
        Notification(
            cause=cause,
            kind=kind,
            channel=Channel.SMS,
            address=phone,
            payload=payload,
            state=State.PENDING,
            next_attempt_at=quiet or now,
        )
        for phone, payload in sorted(payloads.items())
    ]
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        _queue_after_commit(cause)
    return len(rows)


def _queue_after_commit(cause: str) -> None:
    # Broker down: delay_on_commit logs it, and the rows wait in the outbox for the sweep.
    delay_on_commit(tasks.deliver_cause, cause)


# --- delivering -----------------------------------------------------------------------------------


def _due(now: dt.datetime) -> Q:
    return Q(state__in=[State.PENDING, State.SENDING], next_attempt_at__lte=now) & ~Q(
        channel=Channel.INBOX
    )


def deliver(*, notification_id: int, now: dt.datetime | None = None) -> bool:
    """Send one due notification through its channel's backend. True if it went out now.

    Race-safe: the conditional UPDATE to ``sending`` lets one worker hold the row (for ``LEASE``);
    a second task for the same row, or the sweep, finds it not due and does nothing.
    """
    now = now or timezone.now()
    claimed = Notification.objects.filter(_due(now), pk=notification_id).update(
        state=State.SENDING, next_attempt_at=now + LEASE
    )
    if not claimed:
        return False
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    if _held_back(n, now) or not _send(n, now):
        return False
    _mark_sent([n])
    return True


def _held_back(n: Notification, now: dt.datetime) -> bool:
    """An SMS that may wait, in the quiet hours: due again when they end."""
    if n.channel == Channel.SMS and not SPECS[n.kind].urgent:
        quiet = sms_quiet_until(now)
        if quiet is not None:
            Notification.objects.filter(pk=n.pk).update(state=State.PENDING, next_attempt_at=quiet)
            return True
    return False


def _spent(n: Notification) -> dict:
    # A one-time code or set-password link is kept only until it is sent (or given up on):
    # PhoneCode holds the code's hash, and a set-password link can be asked for again.
    secret = SECRET_FIELDS.get(n.kind, ())
    return {"payload": {**n.payload, **dict.fromkeys(secret, "")}} if secret else {}


def _send(n: Notification, now: dt.datetime) -> bool:
    """Hand one held row to its backend; a failure is written (retry with backoff, or given
    up on). Whether it went out."""
    try:
        backends.for_channel(n.channel).send(n)
    except backends.DeliveryError as exc:
        attempts = n.attempts + 1
        given_up = attempts > len(BACKOFF)
        Notification.objects.filter(pk=n.pk).update(
            **(_spent(n) if given_up else {}),
            state=State.FAILED if given_up else State.PENDING,
            attempts=F("attempts") + 1,
            last_error=str(exc)[:500],
            next_attempt_at=None if given_up else now + dt.timedelta(seconds=BACKOFF[attempts - 1]),
        )
        logger.warning("notification %s (%s) failed: %s", n.pk, n.channel, exc)
        return False
    return True


def _mark_sent(rows: list[Notification]) -> None:
    """Rows that went out: one UPDATE for them all, one each for those carrying a secret."""
    fields = {
        "state": State.SENT,
        "attempts": F("attempts") + 1,
        "sent_at": timezone.now(),
        "next_attempt_at": None,
        "last_error": "",
    }
    plain = [n.pk for n in rows if not SECRET_FIELDS.get(n.kind)]
    if plain:
        Notification.objects.filter(pk__in=plain).update(**fields)
    for n in rows:
        if SECRET_FIELDS.get(n.kind):
            Notification.objects.filter(pk=n.pk).update(**_spent(n), **fields)


def deliver_cause(*, cause: str, now: dt.datetime | None = None) -> int:
    """Deliver the due notifications of one cause (the task queued after commit)."""
    return deliver_due(Q(cause=cause), now=now)


def deliver_due(which: Q, *, now: dt.datetime | None = None) -> int:
    """``deliver`` for every due notification matching ``which``, with a transaction for all
    of them at each end instead of three statements (three commits) per message: they are
    held in one (``sending``, for ``LEASE``; ``skip_locked``: rows another worker holds are
    left to it), sent one by one, and those sent are marked in one UPDATE. A message that
    fails, is held back by the quiet hours or carries a secret is written alone, as
    ``deliver`` does. Returns how many went out now."""
    now = now or timezone.now()
    with transaction.atomic():
        held = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_due(now) & which)
            .select_related("recipient")
            .order_by("pk")
        )
        Notification.objects.filter(pk__in=[n.pk for n in held]).update(
            state=State.SENDING, next_attempt_at=now + LEASE
        )
    sent: list[Notification] = []
    # Marked even when the loop stops half-way (a task's soft time limit, a backend's bug):
    # what went out must not be due again when the lease ends, or the sweep sends it twice.
    try:
        for n in held:
            if not _held_back(n, now) and _send(n, now):
                sent.append(n)
    finally:
        _mark_sent(sent)
    return len(sent)


def due_ids(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        Notification.objects.filter(_due(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def resend(*, notification_ids: Iterable[int]) -> int:
    """Admin "resend": failed (or still waiting) messages are due again, with fresh attempts.
    Sent messages and inbox rows are left alone. Returns how many were queued."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(
                pk__in=list(notification_ids), state__in=[State.FAILED, State.PENDING]
            )
            .exclude(channel=Channel.INBOX)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            state=State.PENDING, attempts=0, next_attempt_at=now, last_error=""
        )
        for pk in ids:  # broker down: the sweep sends them once it is back
            delay_on_commit(tasks.deliver, pk)
    return len(ids)


# --- personal data (PIPL) ---------------------------------------------------------------------


def _erasable(*, before: dt.datetime | None, phone: str, now: dt.datetime) -> tuple[Q, Q]:
    history = Q(state__in=[State.SENT, State.FAILED], anonymised_at__isnull=True) & ~Q(address="")
    codes = Q(used_at__isnull=False) | Q(expires_at__lte=now)
    if before is not None:
        history &= Q(created_at__lt=before)
        codes &= Q(created_at__lt=before)
    if phone:
        history &= Q(address=phone, channel=Channel.SMS)
        codes &= Q(phone=phone)
    return history, codes


def addresses_erasable(*, before: dt.datetime) -> int:
    """How many notification addresses ``addresses_erase(before=…)`` would erase (dry run)."""
    history, _codes = _erasable(before=before, phone="", now=timezone.now())
    return Notification.objects.filter(history).count()


def addresses_erase(
    *, before: dt.datetime | None = None, phone: str = "", now: dt.datetime | None = None
) -> dict[str, int]:
    """Erase the phone numbers and e-mail addresses the outbox keeps, and the phone-code rows:
    those older than ``before`` (retention: ``privacy.services.anonymise_expired``), or those of
    ``phone`` (a resident's request: ``privacy.services.resident_erase``).

    Only history is touched: messages still to be delivered and codes still valid stay, so an
    erasure never silences a message on its way. A resident's request also deletes their
    event-reminder subscriptions; retention deletes subscriptions never confirmed.
    Idempotent: erased rows carry ``anonymised_at`` and are not counted again. Returns how
    many of each were erased.
    """
    if before is None and not phone:
        raise ValueError("addresses_erase needs a cut-off or a phone")
    now = now or timezone.now()
    history, codes = _erasable(before=before, phone=phone, now=now)
    if phone:  # the resident asked: their subscriptions to event reminders go too
        subscriptions = Q(phone=phone)
    else:  # retention: a subscription never confirmed is of no use after its code expired
        subscriptions = Q(
            confirmed_at__isnull=True, created_at__lt=now - UNCONFIRMED_SUBSCRIPTION_KEPT
        )
    with transaction.atomic():
        notifications = Notification.objects.filter(history).update(address="", anonymised_at=now)
        phone_codes, _by_model = PhoneCode.objects.filter(codes).delete()
        subs, _by_model = EventSubscription.objects.filter(subscriptions).delete()
    return {"notifications": notifications, "phone_codes": phone_codes, "subscriptions": subs}


# --- the inbox ---------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the login's inbox messages read (again is fine). Others' are ``NotInScope``."""
    mine = Notification.objects.filter(pk=notification_id, recipient=user, channel=Channel.INBOX)
    if mine.filter(read_at__isnull=True).update(read_at=timezone.now()):
        generations.bump(generations.inbox(user.pk))
    notification = mine.first()
    if notification is None:
        raise NotInScope()
    return notification


def notification_mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, read_at__isnull=True
    ).update(read_at=timezone.now())
    generations.bump(generations.inbox(user.pk))
    return marked


def preferences_update(*, user, channels: dict[str, list[str]], phone: str = "") -> None:
    """Save the login's channels per kind and their SMS phone; ``InvalidInput`` on a bad one."""
    from django.utils.translation import gettext as _

    clean: dict[str, list[str]] = {}
    for kind in USER_KINDS:
        chosen = channels.get(kind, [])
        allowed = SPECS[kind].allowed
        if any(c not in allowed for c in chosen):
            raise InvalidInput(fields={kind: [_("请选择有效的接收渠道。")]})
        clean[kind] = [c for c in allowed if c in chosen]
    phone = (phone or "").strip()
    if phone and not _mobile(phone):
        raise InvalidInput(fields={"phone": [phone_numbers.INVALID_MESSAGE]})
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"channels": clean, "phone": _mobile(phone)}
    )
