"""Background work for orders. Tasks take ids and call services or selectors; all idempotent.

Services import these tasks at the top; a task imports its service inside its body, so the two
never form an import cycle.
"""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="orders.send_notices", ignore_result=True)
def send_notices() -> dict:
    """After the commit of order changes (queued once per batch), and every minute (beat):
    write the notices of every change still marked. Idempotent."""
    from core.queueing import coalesced_started
    from orders import notices

    coalesced_started(send_notices)
    return notices.send_due()


@shared_task(name="orders.escalate")
def escalate() -> dict:
    """Every 15 minutes (beat): offer unclaimed orders to the town, then the city tier."""
    from orders.escalation import orders_escalate_due

    counts = orders_escalate_due()
    if any(counts.values()):
        logger.info("escalated orders: %s", counts)
    return counts


@shared_task(name="orders.remind_ratings")
def remind_ratings() -> int:
    """Daily (beat): remind residents to rate a completed order, once, 3 days after."""
    from orders import notices

    return notices.order_remind_ratings()


@shared_task(name="orders.chase_follow_ups")
def chase_follow_ups() -> int:
    """Daily (beat): tell the town admin of low-rating follow-ups not done within 3 days."""
    from orders import notices

    return notices.order_chase_follow_ups()


@shared_task(name="orders.send_digests")
def send_digests() -> int:
    """Daily (beat, 08:30): one digest per town and city admin instead of a message per order."""
    from orders import notices

    return notices.order_send_digests()
