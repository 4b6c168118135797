"""Delivery tasks: ids or a cause in, a service call inside; all idempotent."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="notifications.deliver_cause", ignore_result=True)
def deliver_cause(cause: str) -> int:
    from notifications import services

    return services.deliver_cause(cause=cause)


@shared_task(name="notifications.deliver_causes", ignore_result=True)
def deliver_causes(causes: list[str]) -> int:
    """The deliveries of a batch of causes (``notifications.services.batched``): one message."""
    from notifications import services

    return sum(services.deliver_cause(cause=cause) for cause in causes)


@shared_task(name="notifications.deliver", ignore_result=True)
def deliver(notification_id: int) -> bool:
    from notifications import services

    return services.deliver(notification_id=notification_id)


@shared_task(name="notifications.sweep")
def sweep() -> int:
    """Beat, every minute: queue every notification that is due and not delivered."""
    from notifications import services

    ids = services.due_ids()
    for pk in ids:
        deliver.delay(pk)
    if ids:
        logger.info("queued %d due notifications", len(ids))
    return len(ids)
