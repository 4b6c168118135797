"""Compile and publish a month's city-wide calendar (a new ``PublishedCalendar`` version).

The page, the .ics, the feeds, the API and the webhook all serve the latest version; publishing
one queues its webhook deliveries (``events.webhooks``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.months import add_months, label
from events import ical, selectors
from events.models import PublishedCalendar
from events.webhooks import queue_webhooks


@dataclass(frozen=True)
class CompileResult:
    calendar: PublishedCalendar
    created: bool


# The months the subscribable feed serves around the current one.
FEED_MONTHS_BACK = 2
FEED_MONTHS_AHEAD = 3


def served_months(current: dt.date) -> list[dt.date]:
    """The months ``/calendar/feed.ics`` lists when ``current`` is this month, oldest first."""
    return [add_months(current, n) for n in range(-FEED_MONTHS_BACK, FEED_MONTHS_AHEAD + 1)]


def _month_lock(month: dt.date) -> None:
    """Serialise compiles of one month. PostgreSQL: a transaction-scoped advisory lock, so a
    second compile waits and then sees the first one's version; SQLite serialises writers."""
    if connection.vendor == "postgresql":
        key = 0x57454E00 + month.year * 100 + month.month  # "WEN" + yyyymm: stable, unique
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _revised(item: dict, previous: dict | None, *, now: dt.datetime) -> dict:
    """``item`` with its ``sequence`` and ``last_modified`` as subscribers must see them.

    Compared with the same event in the latest version: unchanged, it keeps that version's
    sequence and last-modified time (so a save that changes nothing shown publishes nothing);
    changed, its SEQUENCE goes up by one and LAST-MODIFIED moves forward, to the row's
    ``updated_at`` when that is later, else to now (a venue or village renamed, or an edit
    undone, leaves ``updated_at`` behind). iCalendar times have whole seconds, hence the
    comparison by the second. An event new to the month starts at sequence 0.
    """
    if previous is None:
        return {**item, "sequence": 0}
    if ical.same_content(item, previous):
        return {
            **item,
            "last_modified": previous["last_modified"],
            "sequence": previous.get("sequence", 0),
        }
    before = dt.datetime.fromisoformat(previous["last_modified"]).replace(microsecond=0)
    modified = dt.datetime.fromisoformat(item["last_modified"])
    if modified.replace(microsecond=0) <= before:
        modified = max(now.astimezone(dt.UTC), before + dt.timedelta(seconds=1))
    return {
        **item,
        "last_modified": modified.isoformat(),
        "sequence": previous.get("sequence", 0) + 1,
    }


def calendar_compile(
    *, month: dt.date, progress: Callable[[int, int], None] | None = None
) -> CompileResult:
    """Compile ``month``'s city-wide calendar into a new ``PublishedCalendar`` if it changed.

    "Changed" means different from the latest version only: content that goes back to an
    earlier version's is published again as a new version (versions only grow), because the
    latest version is what the page, the .ics, the feeds, the API and the webhook serve.
    Idempotent: when the content equals the latest version's, nothing is written. Atomic: a
    failure anywhere leaves the previous version. Concurrent runs are serialised by a
    per-month lock (and the unique month + version as a backstop), so they publish one version.
    Gathering happens after taking the lock so a later run never publishes older data.
    """
    with transaction.atomic():
        _month_lock(month)
        latest = PublishedCalendar.objects.filter(month=month).order_by("-version").first()
        previous = {}
        if latest is not None:
            previous = {item["uid"]: item for item in selectors.calendar_data(latest)["events"]}
        created_at = timezone.now()
        events = selectors.calendar_events(month)
        total = len(events)
        items = []
        for index, event in enumerate(events, 1):
            item = ical.event_item(event)
            items.append(_revised(item, previous.get(item["uid"]), now=created_at))
            if progress and (index % 200 == 0 or index == total):
                progress(index, total)
        if progress and total == 0:
            progress(0, 0)
        content_hash = ical.content_hash(items)
        if latest is not None and latest.content_hash == content_hash:
            return CompileResult(latest, False)
        version = (latest.version + 1) if latest else 1
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
                name=_("文明实践活动月历 %(month)s") % {"month": label(month)},
                dtstamp=created_at,
            ),
        )
        queue_webhooks(calendar)
    return CompileResult(calendar, True)


def calendar_compile_served(*, current: dt.date) -> list[CompileResult]:
    """Compile ``current`` and every other month the feed serves around it that is already
    published, oldest first (the nightly run).

    Events keep changing after their month's calendar is out: one done after its month ended,
    a venue renamed, next month's event edited after the compile day. Recompiling only the
    current month would leave those months serving what is no longer true. A month not yet
    published stays so (next month is first published on the compile day, not earlier).
    """
    months = served_months(current)
    published = set(
        PublishedCalendar.objects.filter(month__in=months).values_list("month", flat=True)
    )
    return [
        calendar_compile(month=month) for month in months if month in published or month == current
    ]
