"""Rendering the compiled calendar: one item dict per event, its hash, JSON and iCalendar.

Everything published (the web page, the .ics files, the JSON API) is derived from the same
items stored in a ``PublishedCalendar``, which is why they always list the same events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone

from core.absolute_urls import absolute_url
from core.months import TZ, label
from events.models import Event

PRODID = "-//Wenming//Civilization Practice Calendar//ZH"
UID_DOMAIN = "wenming"
CITYWIDE = "全市"


def event_uid(event_id: int) -> str:
    """Stable across versions and recompiles: derived only from the event's primary key."""
    return f"event-{event_id}@{UID_DOMAIN}"


def _ref(row: dict, prefix: str) -> dict | None:
    pk = row[f"{prefix}_id"]
    return {"id": pk, "name": row[f"{prefix}__name"]} if pk is not None else None


def _named_ref(row: dict, prefix: str) -> dict | None:
    """A category or platform: also its English name (pages show it in English,
    ``orders.templatetags.names``; the .ics keeps the Chinese)."""
    ref = _ref(row, prefix)
    if ref is not None:
        ref["name_en"] = row[f"{prefix}__name_en"]
    return ref


def _location(row: dict) -> str:
    parts = [
        row["venue_position__name"],
        row["venue_position__address"],
        row["venue_address"],
    ]
    return " ".join(p for p in parts if p)


def event_item(row: dict) -> dict:
    """The published form of one event, from a row of ``selectors.calendar_events``."""
    tz = TZ
    return {
        "id": row["id"],
        "uid": event_uid(row["id"]),
        "title": row["title"],
        "description": row["description"],
        "state": row["state"],
        "status": "CANCELLED" if row["state"] == Event.State.CANCELLED else "CONFIRMED",
        "cancel_reason": row["cancel_reason"],
        "start": row["start"].astimezone(tz).isoformat(),
        "end": row["end"].astimezone(tz).isoformat(),
        "location": _location(row),
        "category": _named_ref(row, "category"),
        "platform": _named_ref(row, "platform"),
        "town": _ref(row, "town"),
        "village": _ref(row, "village"),
        "organiser": row["organiser_position__name"] or row["organiser_team__name"] or "",
        "audience": row["audience"],
        "url": absolute_url(f"/events/{row['id']}/"),
        "last_modified": row["updated_at"].astimezone(dt.UTC).isoformat(),
    }


# Derived from the versions before, not from the events: left out of comparisons and the hash
# (so versions published before it existed still compare equal when nothing changed).
HISTORY_KEYS = frozenset({"sequence"})
# What a compile sets itself, so two items show the same event when all else is equal.
REVISION_KEYS = HISTORY_KEYS | {"last_modified"}


def same_content(item: dict, other: dict) -> bool:
    """Whether two published items show the same event (ignoring their revision stamps)."""
    keys = (item.keys() | other.keys()) - REVISION_KEYS
    return all(item.get(key) == other.get(key) for key in keys)


def content_hash(items: list[dict]) -> str:
    content = [{k: v for k, v in item.items() if k not in HISTORY_KEYS} for item in items]
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def calendar_payload(
    *, month: dt.date, version: int, content_hash: str, items: list[dict], generated_at
) -> dict:
    by_town = Counter((item["town"] or {}).get("name", CITYWIDE) for item in items)
    by_category = Counter(item["category"]["name"] for item in items)
    return {
        "month": label(month),
        "version": version,
        "content_hash": content_hash,
        "generated_at": generated_at.astimezone(TZ).isoformat(),
        "event_count": len(items),
        "counts_by_town": dict(sorted(by_town.items())),
        "counts_by_category": dict(sorted(by_category.items())),
        "events": items,
    }


FOLD_LIMIT = 75  # octets per line, excluding the CRLF (RFC 5545 §3.1)


def _fold(line: str) -> str:
    """Fold one content line as icalendar does, with a fast path for short lines.

    icalendar folds character by character, which was most of a month's compile time; here
    a line is cut on UTF-8 boundaries (never inside a character, never after a backslash
    escape), giving lines of at most 75 octets like the library's.
    """
    data = line.encode()
    if len(data) < FOLD_LIMIT:
        return line
    pieces = []
    pos = 0
    while len(data) - pos >= FOLD_LIMIT:
        cut = pos + FOLD_LIMIT - 1
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: back up to the character start
            cut -= 1
        if data[cut - 1 : cut] == b"\\" and cut - 1 > pos:
            cut -= 1  # keep an escape sequence on one line
        pieces.append(data[pos:cut])
        pos = cut
    pieces.append(data[pos:])
    return b"\r\n ".join(pieces).decode()


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping, as ``vText(value).to_ical()`` does it (the same replacements in
    the same order), without building a vText per value."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _local(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")  # vDDDTypes' form with a TZID


def _utc(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _vevent_lines(item: dict, *, tz, tzid: str, stamp: str) -> list[str]:
    """One VEVENT's content lines. Text is escaped by icalendar's own rule (``_text``)
    and dates written in its formats; building the lines directly skips icalendar's generic
    property machinery, which was most of a month's compile time (``tests/events/test_ical.py``
    parses the result back with icalendar)."""
    start = dt.datetime.fromisoformat(item["start"]).astimezone(tz)
    end = dt.datetime.fromisoformat(item["end"]).astimezone(tz)
    modified = dt.datetime.fromisoformat(item["last_modified"]).astimezone(dt.UTC)
    description = item["description"]
    if item["status"] == "CANCELLED" and item["cancel_reason"]:
        description = f"【已取消】{item['cancel_reason']}\n{description}".strip()
    return [
        "BEGIN:VEVENT",
        f"UID:{_text(item['uid'])}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={tzid}:{_local(start)}",
        f"DTEND;TZID={tzid}:{_local(end)}",
        f"SUMMARY:{_text(item['title'])}",
        f"LOCATION:{_text(item['location'])}",
        f"DESCRIPTION:{_text(description)}",
        f"CATEGORIES:{_text(item['category']['name'])}",
        f"STATUS:{item['status']}",
        f"URL:{item['url']}",
        f"LAST-MODIFIED:{_utc(modified)}",
        f"SEQUENCE:{int(item.get('sequence', 0))}",
        "END:VEVENT",
    ]


def render_ics(items: Iterable[dict], *, name: str, dtstamp: dt.datetime) -> str:
    """RFC 5545 text with a VTIMEZONE for Asia/Shanghai and one VEVENT per item.

    The calendar, its properties and the VTIMEZONE are icalendar components; the VEVENT lines
    are assembled from icalendar-encoded values (see ``_vevent_lines``) and every line is
    folded to 75 octets. Tests parse the result back with icalendar.
    """
    tz = TZ
    tzid = settings.TIME_ZONE
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tzid)
    # China has kept +08:00 without daylight saving since 1991.
    cal.add_component(icalendar.Timezone.from_tzinfo(tz, first_date=dt.date(1992, 1, 1)))
    head = [str(line) for line in cal.content_lines() if line]
    assert head[-1] == "END:VCALENDAR"
    stamp = _utc(dtstamp.astimezone(dt.UTC))
    lines = head[:-1]
    for item in items:
        lines.extend(_vevent_lines(item, tz=tz, tzid=tzid, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def items_filtered(
    items: Iterable[dict],
    *,
    town_id: int | None = None,
    village_id: int | None = None,
    category_id: int | None = None,
) -> list[dict]:
    """Filter published items as the page, the feed and the API do (the same rule for all)."""
    out = []
    for item in items:
        if town_id is not None and (item["town"] or {}).get("id") != town_id:
            continue
        if village_id is not None and (item["village"] or {}).get("id") != village_id:
            continue
        if category_id is not None and item["category"]["id"] != category_id:
            continue
        out.append(item)
    return out


def local_start(item: dict) -> dt.datetime:
    return timezone.localtime(dt.datetime.fromisoformat(item["start"]))
