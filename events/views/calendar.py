"""The published calendar: month page, print view, the month's .ics and the subscribable feed.
All serve the latest published version of the month."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.absolute_urls import absolute_url
from core.filters import MAX_ID
from core.months import add_months, current_month, label
from events import ical, selectors
from events.calendar import served_months
from events.views.guards import month_or_404
from orders.models import ServiceCategory
from stations.models import Town, Village

ICS_TYPE = "text/calendar; charset=utf-8"


class BadFilter(Exception):
    pass


def _int_filter(params, name: str, label: str) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
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


def _filter_query(filters: dict) -> str:
    from urllib.parse import urlencode

    params = {k: v.pk for k, v in filters.items() if v is not None}
    return urlencode(params)


def _month_grid(month: dt.date, items: list[dict]) -> list[list[dict | None]]:
    by_day: dict[int, int] = defaultdict(int)
    for item in items:
        by_day[ical.local_start(item).day] += 1
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdayscalendar(month.year, month.month):
        weeks.append([{"day": d, "count": by_day.get(d, 0)} if d else None for d in week])
    return weeks


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


def _render_calendar(request, month: dt.date, *, template: str = "events/calendar.html"):
    try:
        filters = _calendar_filters(request.GET)
    except BadFilter as exc:
        return render(
            request,
            "events/calendar_error.html",
            {"message": str(exc), "month": month, "month_str": label(month)},
            status=400,
        )
    published = selectors.latest_calendar(month)
    items = []
    if published is not None:
        items = _filter_items(selectors.calendar_data(published)["events"], filters)
    villages = (
        Village.objects.filter(town=filters["town"]).only("id", "name", "town_id")
        if filters["town"]
        else Village.objects.none()
    )
    context = {
        "month": month,
        "month_str": label(month),
        "prev_month": label(add_months(month, -1)),
        "next_month": label(add_months(month, 1)),
        "published": published,
        "items": items,
        "days": _group_by_day(items),
        "weeks": _month_grid(month, items),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "filters": filters,
        "query": _filter_query(filters),
        "towns": Town.objects.only("id", "name"),
        "villages": villages,
        "categories": ServiceCategory.objects.only("id", "name"),
        "feed_url": absolute_url(reverse("events:calendar_feed"), request),
    }
    return render(request, template, context)


@require_GET
def calendar(request):
    return _render_calendar(request, current_month())


@require_GET
def calendar_month(request, ym: str):
    month, _unused = month_or_404(ym)
    return _render_calendar(request, month)


@require_GET
def calendar_print(request, ym: str):
    month, _unused = month_or_404(ym)
    return _render_calendar(request, month, template="events/calendar_print.html")


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _text_error(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def calendar_ics(request, ym: str):
    """The published version's .ics; with filters, the same items re-rendered (same UIDs)."""
    month, error = month_or_404(ym, text=True)
    if error:
        return error
    try:
        filters = _calendar_filters(request.GET)
    except BadFilter as exc:
        return _text_error(str(exc), 400)
    published = selectors.latest_calendar(month)
    if published is None:
        return _text_error(_("%(month)s 的活动月历尚未发布。") % {"month": ym}, 404)
    if not any(filters.values()):
        return _ics_response(published.ics_text, f"wenming-{ym}.ics")
    items = _filter_items(selectors.calendar_data(published)["events"], filters)
    text = ical.render_ics(
        items,
        name=_("文明实践活动月历 %(month)s") % {"month": ym},
        dtstamp=published.created_at,
    )
    return _ics_response(text, f"wenming-{ym}.ics")


@require_GET
def calendar_feed(request):
    """A subscribable feed of the published calendars around now, for a town or a village."""
    try:
        filters = _calendar_filters(request.GET)
    except BadFilter as exc:
        return _text_error(str(exc), 400)
    cur = current_month()
    months = served_months(cur)
    calendars = selectors.latest_calendars(months)
    items = []
    for cal in calendars:
        items.extend(_filter_items(selectors.calendar_data(cal)["events"], filters))
    area = filters["village"] or filters["town"]
    name = _("文明实践活动") + (f" · {area.name}" if area else "")
    stamp = max((c.created_at for c in calendars), default=timezone.now())
    response = _ics_response(ical.render_ics(items, name=name, dtstamp=stamp), "wenming.ics")
    response["Cache-Control"] = "public, max-age=900"
    return response
