"""Residents' subscriptions to a village station's event reminders (no account needed).

A resident types their phone for a village; a one-time SMS code (``notifications.phone_codes``)
proves the phone is theirs, and only then does the subscription count: nobody can sign a
stranger's number up for messages. Every reminder carries the unsubscribe link. The page that
asks (``events.views.reminders``) rate-limits it like "find my orders".
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import NotInScope
from notifications.models import EventSubscription
from notifications.phone_codes import phone_code_issue, phone_code_verify


def subscription_request(*, phone: str, village_id: int) -> None:
    """Send ``phone`` (normalised) a code to confirm its subscription to ``village_id``.

    Writes a pending subscription if there is none (an existing one, confirmed or not, is left
    as it is), then the code, in one transaction.
    """
    with transaction.atomic():
        if not EventSubscription.objects.filter(phone=phone, village_id=village_id).exists():
            try:
                with transaction.atomic():
                    EventSubscription.objects.create(
                        phone=phone, village_id=village_id, token=secrets.token_urlsafe(24)
                    )
            except IntegrityError:  # the same request twice at once: one row is enough
                pass
        phone_code_issue(phone=phone)


def subscription_confirm(*, phone: str, village_id: int, code: str) -> EventSubscription:
    """Confirm with the code sent to ``phone``; ``InvalidInput`` for a wrong or spent code,
    ``NotInScope`` when no subscription was asked for (the code alone proves nothing here)."""
    subscription = EventSubscription.objects.filter(phone=phone, village_id=village_id).first()
    if subscription is None:
        raise NotInScope()
    phone_code_verify(phone=phone, code=code)
    EventSubscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    subscription.refresh_from_db()
    return subscription


def subscription_for_token(token: str) -> EventSubscription | None:
    if not token:
        return None
    return EventSubscription.objects.select_related("village").filter(token=token).first()


def subscription_cancel(*, token: str) -> bool:
    """Unsubscribe by the link's token: the row is deleted. False if there was none (a second
    click): the page says "unsubscribed" either way."""
    deleted, _by_model = (
        EventSubscription.objects.filter(token=token).delete() if token else (0, {})
    )
    return bool(deleted)


def subscribers(village_ids) -> QuerySet[EventSubscription]:
    """Confirmed subscriptions of these villages (the day-before reminders read them)."""
    return EventSubscription.objects.filter(village_id__in=village_ids, confirmed_at__isnull=False)
