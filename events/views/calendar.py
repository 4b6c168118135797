"""The published calendar: month page, print view, the month's .ics and the subscribable feed.
All serve the latest published version of the month."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from core import generations
from core.absolute_urls import absolute_url
from core.downloads import content_disposition
from core.filters import MAX_ID
from core.months import add_months, current_month, label
from core.names import in_language
from core.pages import render_shared
from core.params import is_digits
from core.stored import Answer, LocalBlobs, etag_for, kept_answer
from events import ical, selectors
from events.calendar import served_months
from events.views.guards import month_or_404
from orders import menu_cache
from orders.models import ServiceCategory
from stations.models import Town, Village
from stations.scope import scope_for

ICS_TYPE = "text/calendar; charset=utf-8"
ICS_CACHE_SECONDS = 24 * 3600
PAGE_EVENTS = 60  # events per page of the month's list (a village's month fits on one)


class BadFilter(Exception):
    pass


def _int_filter(params, name: str, label: str) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not is_digits(value) or int(value) > MAX_ID:
        raise BadFilter(_("%(label)s参数无效：应为编号。") % {"label": label})
    return int(value)


def _calendar_filters(params) -> dict:
    """Validate town/village/category ids: unknown ones are a 400 with a clear message."""
    town_id = _int_filter(params, "town", _("镇街"))
    village_id = _int_filter(params, "village", _("村（社区）"))
    category_id = _int_filter(params, "category", _("类别"))
    town = village = category = None
    if town_id is not None:
        town = Town.objects.filter(pk=town_id).first()
        if town is None:
            raise BadFilter(_("所选镇街不存在。"))
    if village_id is not None:
        village = Village.objects.filter(pk=village_id).select_related("town").first()
        if village is None:
            raise BadFilter(_("所选村（社区）不存在。"))
        if town is not None and village.town_id != town.pk:
            raise BadFilter(_("所选村（社区）不属于该镇街。"))
        town = town or village.town
    if category_id is not None:
        category = ServiceCategory.objects.filter(pk=category_id).first()
        if category is None:
            raise BadFilter(_("所选类别不存在。"))
    return {"town": town, "village": village, "category": category}


def _filter_items(items: list[dict], filters: dict) -> list[dict]:
    return ical.items_filtered(
        items,
        town_id=filters["town"].pk if filters["town"] else None,
        village_id=filters["village"].pk if filters["village"] else None,
        category_id=filters["category"].pk if filters["category"] else None,
    )


def _filter_options(town_id: int | None) -> dict[str, list[dict]]:
    """The filter form's choices (towns, the town's villages, categories), from the shared
    cache. They change with the same edits as the menu (a town, village or category saved or
    deleted), so they are kept under the menu's generation token and never go stale."""
    key = f"calendar:options:{menu_cache.generation()}:{get_language()}:{town_id}"
    options = cache.get(key)
    if options is None:
        villages = Village.objects.filter(town_id=town_id) if town_id else Village.objects.none()
        options = {
            name: [{"pk": pk, "name": label} for pk, label in qs.values_list("id", "name")]
            for name, qs in (
                ("towns", Town.objects.all()),
                ("villages", villages),
            )
        }
        options["categories"] = [
            {"pk": pk, "name": in_language(name, name_en)}
            for pk, name, name_en in ServiceCategory.objects.values_list("id", "name", "name_en")
        ]
        cache.set(key, options, menu_cache.TTL_SECONDS)
    return options


def _filter_query(filters: dict) -> str:
    from urllib.parse import urlencode

    params = {k: v.pk for k, v in filters.items() if v is not None}
    return urlencode(params)


def _month_grid(
    month: dt.date, days: list[tuple[dt.date, list[dict]]], page_of_day: dict[int, int]
) -> list[list[dict | None]]:
    by_day = {day.day: len(day_items) for day, day_items in days}
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdayscalendar(month.year, month.month):
        weeks.append(
            [
                {"day": d, "count": by_day.get(d, 0), "page": page_of_day.get(d, 1)} if d else None
                for d in week
            ]
        )
    return weeks


def _pages(
    days: list[tuple[dt.date, list[dict]]], size: int
) -> list[list[tuple[dt.date, list[dict]]]]:
    """The day list cut into pages of about ``size`` events, never splitting a day: a month of
    the whole city (≈1,100 events, ≈400 KB of HTML) is too much for a phone on one page."""
    pages: list[list[tuple[dt.date, list[dict]]]] = [[]]
    count = 0
    for day, day_items in days:
        if count and count + len(day_items) > size:
            pages.append([])
            count = 0
        pages[-1].append((day, day_items))
        count += len(day_items)
    return pages


def _page_number(params) -> int:
    value = (params.get("page") or "1").strip()
    if not is_digits(value) or not 1 <= int(value) <= 1000:
        raise BadFilter(_("页码参数无效：应为 1 以上的整数。"))
    return int(value)


def _group_by_day(items: list[dict]) -> list[tuple[dt.date, list[dict]]]:
    days: dict[dt.date, list[dict]] = defaultdict(list)
    for item in items:
        start = ical.local_start(item)
        item = {
            **item,
            "start_local": start,
            "end_local": timezone.localtime(dt.datetime.fromisoformat(item["end"])),
        }
        days[start.date()].append(item)
    return sorted(days.items())


# Each worker keeps the last pages' events of a version, filtered and grouped by local day: a
# city-wide month is ≈1,100 events to filter, parse and convert on every view otherwise.
_LAYOUTS = LocalBlobs(size=64)


def _layout(published, filters: dict) -> tuple[list[dict], list[tuple[dt.date, list[dict]]]]:
    items = _filter_items(selectors.calendar_data(published)["events"], filters)
    return items, _group_by_day(items)


def _render_calendar(
    request, month: dt.date, *, template: str = "events/calendar.html", paged: bool = True
):
    """The month's page (``paged``: the list in pages of ``PAGE_EVENTS``) or its print view
    (everything on one sheet). For visitors without a login, from this process's stored bytes
    (``core.pages``) while no version was published and the names it shows (the menu's
    generation: towns, villages, categories) stay the same: no query on a repeat."""
    return render_shared(
        request,
        template,
        (month, *_calendar_tokens()),
        lambda: _calendar_context(request, month, selectors.latest_calendar(month), paged=paged),
    )


def _calendar_context(request, month: dt.date, published, *, paged: bool) -> dict | HttpResponse:
    try:
        filters = _calendar_filters(request.GET)
        page = _page_number(request.GET) if paged else 1
    except BadFilter as exc:
        return render(
            request,
            "events/calendar_error.html",
            {"message": str(exc), "month": month, "month_str": label(month)},
            status=400,
        )
    items, days = [], []
    if published is not None:
        items, days = _LAYOUTS.get(
            (published.pk, published.content_hash, _filter_key(filters)),
            lambda: _layout(published, filters),
        )
    options = _filter_options(filters["town"].pk if filters["town"] else None)
    pages = _pages(days, PAGE_EVENTS) if paged else [days]
    page = min(page, len(pages))
    page_of_day = {day.day: n for n, chunk in enumerate(pages, 1) for day, _items in chunk}
    context = {
        "month": month,
        "month_str": label(month),
        "prev_month": label(add_months(month, -1)),
        "next_month": label(add_months(month, 1)),
        "published": published,
        "items": items,
        "days": pages[page - 1],
        "page": page,
        "page_count": len(pages),
        "page_numbers": range(1, len(pages) + 1),
        "weeks": _month_grid(month, days, page_of_day),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "filters": filters,
        "query": _filter_query(filters),
        **options,
    }
    context.update(_subscribe_urls(request, filters))
    return context


def _subscribe_urls(request, filters: dict) -> dict:
    """The feed of the page's area: an https address to copy and a ``webcal://`` link a phone
    opens in its calendar app."""
    area = ""
    if filters["village"]:
        area = f"?village={filters['village'].pk}"
    elif filters["town"]:
        area = f"?town={filters['town'].pk}"
    feed_url = absolute_url(reverse("events:calendar_feed"), request) + area
    return {"feed_url": feed_url, "webcal_url": "webcal://" + feed_url.split("://", 1)[1]}


AREA_KEYS = ("town", "village", "category")
FILTER_KEYS = (*AREA_KEYS, "page")


def _viewer_area(user) -> str:
    """The viewer's own area as the calendar's query (``village=…`` or ``town=…``): a volunteer's
    home village, a station head's village, a town admin's town; empty for the city and for
    visitors, who see everything."""
    if not user.is_authenticated:
        return ""
    scope = scope_for(user)
    if scope.everything:
        return ""
    if len(scope.village_ids) == 1 and not scope.town_ids:
        return f"village={next(iter(scope.village_ids))}"
    if len(scope.town_ids) == 1:
        return f"town={next(iter(scope.town_ids))}"
    volunteer = getattr(user, "volunteer", None)
    if volunteer is not None and volunteer.home_village_id:
        return f"village={volunteer.home_village_id}"
    return ""


def _default_to_area(request, month_url: str):
    """A first visit (no filter chosen, not even 全部) opens on the viewer's area: a city month
    is ≈1,100 events, their village's a few dozen. ``None`` when there is nothing to redirect."""
    if any(key in request.GET for key in FILTER_KEYS):
        return None
    area = _viewer_area(request.user)
    return redirect(f"{month_url}?{area}") if area else None


@require_GET
def calendar(request):
    month = current_month()
    return _default_to_area(
        request, reverse("events:calendar_month", args=[label(month)])
    ) or _render_calendar(request, month)


@require_GET
def calendar_month(request, ym: str):
    month, _unused = month_or_404(ym)
    return _default_to_area(request, request.path) or _render_calendar(request, month)


@require_GET
def calendar_print(request, ym: str):
    month, _unused = month_or_404(ym)
    return _render_calendar(request, month, template="events/calendar_print.html", paged=False)


def _ics_answer(
    body: bytes, filename: str, *, etag: str, last_modified, download: bool = False
) -> Answer:
    disposition = content_disposition(filename, disposition="attachment" if download else "inline")
    return Answer(
        body,
        content_type=ICS_TYPE,
        etag=etag,
        last_modified=last_modified,
        cache_control="public, max-age=900",
        headers=(("Content-Disposition", disposition),),
    )


def _calendar_tokens() -> tuple[str, str]:
    """What a calendar answer shows besides its filters: the published versions, and the names
    of towns, villages and categories (the menu's generation)."""
    return generations.current(generations.CALENDAR, generations.MENU)


def _filter_params(request) -> tuple[str, ...]:
    """The area filters as asked, for a key: ``7``, `` 7`` and ``007`` are one answer, and other
    parameters (``page``, anything made up) none, so that no one can fill a worker's memory
    with copies of one feed. A bad value gets its 400 and is never kept."""
    values = []
    for name in AREA_KEYS:
        value = (request.GET.get(name) or "").strip()
        values.append(str(int(value)) if is_digits(value) and len(value) <= 12 else value)
    return tuple(values)


def _area_filename(filters: dict, stem: str) -> str:
    """Named after the area: ``洪绪镇-团结村-2026-12.ics``, ``洪绪镇-2026-12.ics``; the whole
    city's is ``wenming-2026-12.ics``."""
    parts = []
    if filters["village"]:
        parts = [filters["village"].town.name, filters["village"].name]
    elif filters["town"]:
        parts = [filters["town"].name]
    if filters["category"]:
        parts.append(filters["category"].name)
    return "-".join([*parts, stem]) + ".ics" if parts else f"wenming-{stem}.ics"


def _text_error(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _filter_key(filters: dict) -> str:
    return ":".join(str(v.pk) if v is not None else "-" for v in filters.values())


def _rendered(key: str, render) -> bytes:
    """A filtered calendar's text, rendered once and kept in the shared cache under ``key``
    (which names the versions it was rendered from, so it never goes stale)."""
    body = cache.get(key)
    if body is None:
        body = render().encode()
        cache.set(key, body, ICS_CACHE_SECONDS)
    return body


@require_safe
def calendar_ics(request, ym: str):
    """The published version's .ics; with filters, the same items re-rendered (same UIDs).
    Kept whole per process as the feed is, with ETag and Last-Modified: a 304 when the client
    has it."""
    month, error = month_or_404(ym, text=True)
    if error:
        return error
    return kept_answer(
        request,
        ("ics", month, *_calendar_tokens(), *_filter_params(request)),
        lambda: _month_ics_answer(request, month, ym),
    )


def _month_ics_answer(request, month: dt.date, ym: str) -> Answer | HttpResponse:
    try:
        filters = _calendar_filters(request.GET)
    except BadFilter as exc:
        return _text_error(str(exc), 400)
    published = selectors.latest_calendar(month)
    if published is None:
        return _text_error(_("%(month)s 的活动月历尚未发布。") % {"month": ym}, 404)
    language = translation.get_language()
    etag = etag_for("ics", published.pk, published.content_hash, _filter_key(filters), language)
    if not any(filters.values()):
        body = selectors.calendar_ics_bytes(published)
    else:

        def render() -> str:
            items = _filter_items(selectors.calendar_data(published)["events"], filters)
            return ical.render_ics(
                items,
                name=_("文明实践活动月历 %(month)s") % {"month": ym},
                dtstamp=published.created_at,
            )

        body = _rendered(f"calendar:ics:{etag}", render)
    return _ics_answer(
        body,
        _area_filename(filters, ym),
        etag=etag,
        last_modified=published.created_at,
        download=True,
    )


@require_safe
def calendar_feed(request):
    """A subscribable feed of the published calendars around now, for a town or a village.
    Calendar apps poll it all day: each process keeps the whole answer while no version and no
    name in it changed (no query on a repeat), and answers 304 while the client has it."""
    cur = current_month()
    return kept_answer(
        request,
        ("feed", cur, *_calendar_tokens(), *_filter_params(request)),
        lambda: _feed_answer(request, cur),
    )


def _feed_answer(request, cur: dt.date) -> Answer | HttpResponse:
    try:
        filters = _calendar_filters(request.GET)
    except BadFilter as exc:
        return _text_error(str(exc), 400)
    calendars = selectors.latest_calendars(served_months(cur))
    area = filters["village"] or filters["town"]
    stamp = max((c.created_at for c in calendars), default=None)
    etag = etag_for(
        "feed",
        [(c.pk, c.content_hash) for c in calendars],
        _filter_key(filters),
        area.name if area else "",
        translation.get_language(),
    )

    def render() -> str:
        items = []
        for cal in calendars:
            items.extend(_filter_items(selectors.calendar_data(cal)["events"], filters))
        name = _("文明实践活动") + (f" · {area.name}" if area else "")
        return ical.render_ics(items, name=name, dtstamp=stamp or timezone.now())

    body = _rendered(f"calendar:feed:{etag}", render)
    return _ics_answer(body, _area_filename(filters, "feed"), etag=etag, last_modified=stamp)
