"""Compile and publish a month's city-wide calendar (a new ``PublishedCalendar`` version).

The page, the .ics, the feeds, the API and the webhook all serve the latest version; publishing
one queues its webhook deliveries (``events.webhooks``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import ical, selectors
from events.models import PublishedCalendar
from events.months import format_month
from events.webhooks import queue_webhooks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompileResult:
    calendar: PublishedCalendar
    created: bool


def _month_lock(month: dt.date) -> None:
    """Serialise compiles of one month. PostgreSQL: a transaction-scoped advisory lock, so a
    second compile waits and then sees the first one's version; SQLite serialises writers."""
    if connection.vendor == "postgresql":
        key = 0x57454E00 + month.year * 100 + month.month  # "WEN" + yyyymm: stable, unique
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def calendar_compile(
    *, month: dt.date, progress: Callable[[int, int], None] | None = None
) -> CompileResult:
    """Compile ``month``'s city-wide calendar into a new ``PublishedCalendar`` if it changed.

    Idempotent: when the content hash equals the latest version's, nothing is written. Atomic:
    a failure anywhere leaves the previous version. Concurrent runs are serialised by a
    per-month lock (and the unique constraints as a backstop), so they publish one version.
    Gathering happens after taking the lock so a later run never publishes older data.
    """
    with transaction.atomic():
        _month_lock(month)
        events = selectors.calendar_events(month)
        total = len(events)
        items = []
        for index, event in enumerate(events, 1):
            items.append(ical.event_item(event))
            if progress and (index % 200 == 0 or index == total):
                progress(index, total)
        if progress and total == 0:
            progress(0, 0)
        content_hash = ical.content_hash(items)
        latest = PublishedCalendar.objects.filter(month=month).order_by("-version").first()
        if latest is not None and latest.content_hash == content_hash:
            return CompileResult(latest, False)
        same = PublishedCalendar.objects.filter(month=month, content_hash=content_hash).first()
        if same is not None:
            # The content went back to an earlier version's exactly (rare: names edited back).
            # The hash is unique per month, so keep that version rather than fail.
            logger.warning("calendar %s reverted to version %s", month, same.version)
            return CompileResult(same, False)
        version = (latest.version + 1) if latest else 1
        created_at = timezone.now()
        payload = ical.calendar_payload(
            month=month,
            version=version,
            content_hash=content_hash,
            items=items,
            generated_at=created_at,
        )
        calendar = PublishedCalendar.objects.create(
            month=month,
            version=version,
            content_hash=content_hash,
            event_count=len(items),
            counts_by_town=payload["counts_by_town"],
            counts_by_category=payload["counts_by_category"],
            json_text=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            ics_text=ical.render_ics(
                items,
                name=_("文明实践活动月历 %(month)s") % {"month": format_month(month)},
                dtstamp=created_at,
            ),
        )
        queue_webhooks(calendar)
    return CompileResult(calendar, True)
