"""Announce each published calendar version to the URLs in ``WENMING_CALENDAR_WEBHOOK_URLS``.

A ``WebhookDelivery`` row is written in the compile's transaction (the outbox); the task
``events.tasks.deliver_webhook`` POSTs it after commit, signed, with backoff on failure.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core.months import label
from core.queueing import delay_on_commit
from core.webhooks import post
from events.models import PublishedCalendar, WebhookDelivery
from events.tasks import deliver_webhook


def queue_webhooks(calendar: PublishedCalendar) -> None:
    urls = list(settings.WENMING_CALENDAR_WEBHOOK_URLS)
    if not urls:
        return
    deliveries = [
        WebhookDelivery.objects.get_or_create(calendar=calendar, url=url)[0] for url in urls
    ]
    # Only after commit: a rolled-back compile must not announce a version that never existed.
    # Broker down: the delivery rows stay pending, and the admin's "retry" action sends them.
    for delivery in deliveries:
        delay_on_commit(deliver_webhook, delivery.pk)


def webhook_deliver(*, delivery_id: int, final: bool = False, timeout: float = 10) -> bool:
    """POST the calendar's JSON to the delivery's URL, signed with HMAC-SHA256.

    Returns True on a 2xx answer, and when there is nothing left to send. Records the attempt;
    ``final`` marks a failure as given up (the task passes it on its last retry). Never raises
    for network errors. A delivery whose month has a newer version is not sent (it is marked
    ``superseded``): a retry arriving after the newer version would leave the receiver with
    content that is no longer true, and the newer version has a delivery of its own.
    """
    delivery = WebhookDelivery.objects.select_related("calendar").get(pk=delivery_id)
    if delivery.status in WebhookDelivery.SETTLED:
        return True
    newer = (
        PublishedCalendar.objects.filter(
            month=delivery.calendar.month, version__gt=delivery.calendar.version
        )
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if newer is not None:
        WebhookDelivery.objects.filter(pk=delivery.pk).exclude(
            status=WebhookDelivery.Status.SUCCEEDED
        ).update(
            status=WebhookDelivery.Status.SUPERSEDED,
            last_error=f"superseded by version {newer}",
        )
        return True
    body = delivery.calendar.json_text.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Wenming-Calendar/1.0",
        "X-Wenming-Month": label(delivery.calendar.month),
        "X-Wenming-Version": str(delivery.calendar.version),
    }
    now = timezone.now()
    code, error = post(
        delivery.url,
        body,
        headers=headers,
        secret=settings.WENMING_CALENDAR_WEBHOOK_SECRET,
        timeout=timeout,
    )
    ok = not error
    if ok:
        status = WebhookDelivery.Status.SUCCEEDED
    elif final:
        status = WebhookDelivery.Status.FAILED
    else:
        status = WebhookDelivery.Status.PENDING
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=F("attempts") + 1,
        response_code=code,
        last_error=error,
        last_attempt_at=now,
        delivered_at=now if ok else None,
    )
    return ok


def webhook_retry(*, delivery: WebhookDelivery) -> None:
    """Queue a failed delivery again (admin action); a delivered or superseded one stays so."""
    WebhookDelivery.objects.filter(pk=delivery.pk).exclude(
        status__in=WebhookDelivery.SETTLED
    ).update(status=WebhookDelivery.Status.PENDING)
    delay_on_commit(deliver_webhook, delivery.pk)
