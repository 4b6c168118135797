"""Background work for personal data: thin, idempotent."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="privacy.anonymise_expired")
def anonymise_expired() -> dict[str, int]:
    """Daily (beat): erase names, phones and notification addresses past
    WENMING_RETENTION_DAYS. Running twice erases once."""
    from privacy import services  # tasks import services inside (HackSoft): no import cycle

    done = services.anonymise_expired()
    if any(done.values()):
        logger.info(
            "anonymised %(orders)d orders (%(partner_accounts)d partner account ids), "
            "%(checkins)d check-ins, %(wishes)d wishes, %(applications)d volunteer "
            "applications, %(notifications)d "
            "notification addresses; deleted %(phone_codes)d spent phone codes and "
            "%(subscriptions)d unconfirmed reminder subscriptions",
            done,
        )
    return done
