"""Background work for personal data: thin, idempotent."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="privacy.anonymise_expired")
def anonymise_expired() -> dict[str, int]:
    """Daily (beat): erase names and phones past WENMING_RETENTION_DAYS. Running twice erases
    once."""
    from privacy import services  # tasks import services inside (HackSoft): no import cycle

    done = services.anonymise_expired()
    if done["orders"] or done["checkins"]:
        logger.info("anonymised %(orders)d orders and %(checkins)d check-ins", done)
    return done
