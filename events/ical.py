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

from events.models import Event
from events.months import format_month, local_tz

PRODID = "-//Wenming//Civilization Practice Calendar//ZH"
UID_DOMAIN = "wenming"
CITYWIDE = "全市"


def event_uid(event_id: int) -> str:
    """Stable across versions and recompiles: derived only from the event's primary key."""
    return f"event-{event_id}@{UID_DOMAIN}"


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _location(event: Event) -> str:
    parts = []
    if event.venue_position is not None:
        parts.append(event.venue_position.name)
        if event.venue_position.address:
            parts.append(event.venue_position.address)
    if event.venue_address:
        parts.append(event.venue_address)
    return " ".join(parts)


def event_item(event: Event) -> dict:
    """The published form of one event (needs the relations of ``selectors.calendar_events``)."""
    tz = local_tz()
    organiser = event.organiser_position or event.organiser_team
    return {
        "id": event.pk,
        "uid": event_uid(event.pk),
        "title": event.title,
        "description": event.description,
        "state": event.state,
        "status": "CANCELLED" if event.state == Event.State.CANCELLED else "CONFIRMED",
        "cancel_reason": event.cancel_reason,
        "start": event.start.astimezone(tz).isoformat(),
        "end": event.end.astimezone(tz).isoformat(),
        "location": _location(event),
        "category": _ref(event.category),
        "platform": _ref(event.platform),
        "town": _ref(event.town),
        "village": _ref(event.village),
        "organiser": str(organiser) if organiser is not None else "",
        "audience": event.audience,
        "url": f"{settings.SITE_URL}/events/{event.pk}/",
        "last_modified": event.updated_at.astimezone(dt.UTC).isoformat(),
    }


def content_hash(items: list[dict]) -> str:
    canonical = json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def calendar_payload(
    *, month: dt.date, version: int, content_hash: str, items: list[dict], generated_at
) -> dict:
    by_town = Counter((item["town"] or {}).get("name", CITYWIDE) for item in items)
    by_category = Counter(item["category"]["name"] for item in items)
    return {
        "month": format_month(month),
        "version": version,
        "content_hash": content_hash,
        "generated_at": generated_at.astimezone(local_tz()).isoformat(),
        "event_count": len(items),
        "counts_by_town": dict(sorted(by_town.items())),
        "counts_by_category": dict(sorted(by_category.items())),
        "events": items,
    }


def render_ics(items: Iterable[dict], *, name: str, dtstamp: dt.datetime) -> str:
    """RFC 5545 text with a VTIMEZONE for Asia/Shanghai and one VEVENT per item."""
    tz = local_tz()
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add_component(
        # China has kept +08:00 without daylight saving since 1991.
        icalendar.Timezone.from_tzinfo(tz, first_date=dt.date(1992, 1, 1))
    )
    stamp = dtstamp.astimezone(dt.UTC)
    for item in items:
        ev = icalendar.Event()
        ev.add("uid", item["uid"])
        ev.add("dtstamp", stamp)
        ev.add("dtstart", dt.datetime.fromisoformat(item["start"]).astimezone(tz))
        ev.add("dtend", dt.datetime.fromisoformat(item["end"]).astimezone(tz))
        ev.add("summary", item["title"])
        ev.add("location", item["location"])
        description = item["description"]
        if item["status"] == "CANCELLED" and item["cancel_reason"]:
            description = f"【已取消】{item['cancel_reason']}\n{description}".strip()
        ev.add("description", description)
        ev.add("categories", [item["category"]["name"]])
        ev.add("status", item["status"])
        ev.add("url", item["url"])
        ev.add("last-modified", dt.datetime.fromisoformat(item["last_modified"]))
        if item["organiser"]:
            ev.add("x-wenming-organiser", item["organiser"])
        cal.add_component(ev)
    return cal.to_ical().decode()


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
