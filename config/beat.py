"""Beat's scheduler: each periodic task is sent once per schedule slot, however many beats run.

Run exactly one beat; but a second one started by mistake (two hosts, a compose scale) must not
send every periodic task twice. Before sending, this scheduler takes a lock in the broker's
Redis for the entry's slot (``SET … NX``):

- a crontab entry's slot is the minute it was due (the same for every beat: both compute it
  from the schedule), locked for a day;
- an interval entry (every 60 s) has no shared phase between beats, so its lock lasts
  0.9 of the interval: whichever beat comes first sends, the other skips, and one beat alone
  always finds its previous lock expired.

With the broker unreachable, the lock cannot be taken and the send would fail anyway: it is
attempted (fail open; the tasks are idempotent). Each tick also records beat's last run for
``/readyz`` (``config.liveness``).
"""

from __future__ import annotations

import logging

import redis
from celery.beat import PersistentScheduler
from celery.schedules import crontab

from config import liveness

logger = logging.getLogger(__name__)

LOCK_PREFIX = "wenming:beat:slot"
CRONTAB_LOCK_SECONDS = 24 * 3600


def slot_lock(entry, now) -> tuple[str, int]:
    """The lock key and its lifetime (seconds) for sending ``entry`` now."""
    schedule = entry.schedule
    if isinstance(schedule, crontab):
        due = now + schedule.remaining_estimate(entry.last_run_at)
        due = due.replace(second=0, microsecond=0)
        return f"{LOCK_PREFIX}:{entry.name}:{due:%Y%m%dT%H%M%z}", CRONTAB_LOCK_SECONDS
    seconds = max(1, int(schedule.run_every.total_seconds() * 0.9))
    return f"{LOCK_PREFIX}:{entry.name}", seconds


def claim_slot(entry, now) -> bool:
    """True when this beat should send ``entry`` (it took the slot, or no lock is possible)."""
    conn = liveness.client()
    if conn is None:
        return True
    key, ttl = slot_lock(entry, now)
    try:
        return bool(conn.set(key, "1", nx=True, ex=ttl))
    except (redis.RedisError, OSError):
        return True


class LockingScheduler(PersistentScheduler):
    def tick(self, *args, **kwargs):
        liveness.record_beat()
        return super().tick(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        if not claim_slot(entry, self.app.now()):
            logger.info("beat: %s already sent for this slot by another beat", entry.name)
            return None
        return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
