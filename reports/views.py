"""Report pages and their exports. Thin: parse the filters, resolve the area in the caller's
scope (outside it → 404), call a selector, render the tables or write one of them to a file."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import InvalidInput
from core.months import add_months, label, last_full_month, months_between, parse_month_param
from core.params import is_digits
from reports import cache as report_cache
from reports import charts, selectors, tables
from reports.export import export_table
from reports.render import render_table
from stations.scope import scope_for

MAX_RANGE_MONTHS = 36
CACHED_REPORTS = {"coverage", "standards", "orders"}
REPORT_TITLES = {
    "coverage": gettext_lazy("服务覆盖"),
    "standards": gettext_lazy("五有达标"),
    "orders": gettext_lazy("点单统计"),
    "volunteers": gettext_lazy("志愿者统计"),
}


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not is_digits(value):
        raise Http404  # an id that cannot exist is simply not found
    return int(value)


def area_for(request) -> selectors.Area:
    return selectors.resolve_area(
        scope_for(request.user),
        town_id=_int_param(request, "town"),
        village_id=_int_param(request, "village"),
    )


def month_param(params) -> object:
    return parse_month_param(params.get("month"), default=last_full_month())


def range_params(params):
    """``from`` and ``to`` as YYYY-MM, inclusive; default: the last full month."""
    end = parse_month_param(params.get("to"), field="to", default=last_full_month())
    start = parse_month_param(params.get("from"), field="from", default=end)
    if start > end:
        message = _("开始月份不能晚于结束月份。")
        raise InvalidInput(message, fields={"from": [message]})
    if months_between(start, end) >= MAX_RANGE_MONTHS:
        message = _("时间范围最多 %(n)s 个月。") % {"n": MAX_RANGE_MONTHS}
        raise InvalidInput(message, fields={"to": [message]})
    return start, end


def _area_name(area: selectors.Area) -> str:
    if area.village:
        return f"{area.town.name}{area.village.name}"
    if area.town:
        return area.town.name
    return _("全市") if area.scope.everything else _("管辖范围")


def _link(area_params: dict):
    def make(**extra) -> str:
        return "?" + urlencode({**area_params, **extra})

    return make


def _cache_key(report: str, area: selectors.Area, params) -> tuple[str, dict]:
    """The cache key of a cached report and the period it shows (its filters, parsed)."""
    if report in ("coverage", "standards"):
        period = {"month": label(month_param(params))}
    else:
        start, end = range_params(params)
        period = {"from": label(start), "to": label(end)}
    rules = f"{settings.WENMING_TEAM_MIN_VOLUNTEERS}:{settings.WENMING_RESULTS_MIN_RATING}"
    key = f"page:{report}:{get_language()}:{selectors.area_key(area)}:{urlencode(period)}:{rules}"
    return key, period


def _fresh_until(content: dict):
    return getattr(content.get("data"), "fresh_until", None)


def build(report: str, request) -> dict:
    """Everything a report shows: its context with every table's rows (the exports read it).

    The coverage, five standards and orders reports are cached whole (figures, tables and
    charts rendered to HTML) until a change in what they show: every write they read from
    (rollups, places and names, plans, volunteers) invalidates them through
    ``reports.receivers``; the five standards' thresholds are part of the key. The volunteers
    report reads event helpers and points too, so it is always computed.
    """
    area = area_for(request)
    if report not in CACHED_REPORTS:
        content = _build(report, area, request.GET)
    else:
        key, period = _cache_key(report, area, request.GET)
        content = _cached_build(report, area, key, period)
    return {"area": area, "tabs": _tab_queries(area, content), **content}


def _cached_build(report: str, area: selectors.Area, key: str, period: dict) -> dict:
    return report_cache.cached(
        key,
        lambda: _build(report, area, period),
        town_id=area.town.pk if area.town else None,
        fresh_until=_fresh_until,
    )


def page(report: str, request) -> dict:
    """What a report page shows: the layout's few values and the report's own part as HTML.

    A cached report keeps this apart from its rows (``build``): a repeat view reads one string
    of at most a few hundred rows' HTML, where the rows of a province's report (every village,
    station or team) took a second to read back from the cache.
    """
    area = area_for(request)
    if report not in CACHED_REPORTS:
        content = _page_part(report, _build(report, area, request.GET))
    else:
        key, period = _cache_key(report, area, request.GET)
        content = report_cache.cached(
            f"{key}:html",
            # Not through the context's cache: the page reads only the rows it shows (at most
            # ``tables.PAGE_ROWS`` a table), and keeping every row for the exports there cost
            # more than computing them (a province's gap list: thousands of villages).
            lambda: _page_part(report, _build(report, area, period, for_page=True)),
            town_id=area.town.pk if area.town else None,
            fresh_until=lambda part: part["fresh_until"],
        )
    return {"area": area, "tabs": _tab_queries(area, content), **content}


def _page_part(report: str, ctx: dict) -> dict:
    """The report's body rendered (no request: it shows nothing of the viewer), with what the
    layout around it needs: the title's area, the tabs' and the filter form's period."""
    part = {k: ctx[k] for k in ("area_name", "report", "month", "start", "end") if k in ctx}
    part["body"] = render_to_string(f"reports/_{report}_body.html", ctx)  # a SafeString
    part["fresh_until"] = _fresh_until(ctx)
    return part


def _tab_queries(area: selectors.Area, content: dict) -> dict[str, str]:
    """Each report tab's query string, keeping the area and the period: from a town's gap list
    one click shows the same town's five standards for the same month."""
    month = content.get("month") or content["end"]
    start, end = content.get("start", month), content.get("end", month)
    monthly = _canonical_query(area, {"month": month})
    ranged = _canonical_query(area, {"from": start, "to": end})
    return {"coverage": monthly, "standards": monthly, "orders": ranged, "volunteers": ranged}


def _canonical_query(area: selectors.Area, base: dict) -> str:
    """The filters of the page as a query string, for its export links."""
    where = (
        {"village": area.village.pk}
        if area.village
        else {"town": area.town.pk}
        if area.town
        else {}
    )
    return urlencode({**where, **base})


def _build(report: str, area: selectors.Area, params, *, for_page: bool = False) -> dict:
    """A report's context. ``for_page``: only what the page shows, where a table's rows past
    its first ``tables.PAGE_ROWS`` can be counted instead of read (the exports read them)."""
    ctx: dict = {"area_name": _area_name(area), "report": report}
    if report in ("coverage", "standards"):
        month = month_param(params)
        ctx.update(
            month=label(month), prev=label(add_months(month, -1)), next=label(add_months(month, 1))
        )
        filters = [label(month)]
        base = {"month": label(month)}
    else:
        start, end = range_params(params)
        ctx.update(start=label(start), end=label(end))
        filters = [f"{label(start)}—{label(end)}"]
        base = {"from": label(start), "to": label(end)}
    link = _link(base)

    if report == "coverage" and area.level == "village":
        detail = selectors.village_detail(area, month)
        standards = selectors.five_standards(area, month)
        ctx.update(detail=detail, standards=standards.stations)
        labels = tables.standard_labels()
        ctx["lacks"] = [labels[k] for s in standards.stations for k in s.lacks]
        ctx["tables"] = tables.village_tables(detail)
        ctx["chart"] = charts.columns(
            [(m.month, m.services) for m in detail.monthly],
            maximum=max([m.services for m in detail.monthly] + [1]),
            unit="",
            title=_("逐月服务次数"),
        )
    elif report == "coverage":
        # The whole page is cached (``build``, ``page``).
        data = selectors.compute_coverage(
            area,
            month,
            gap_limit=tables.PAGE_ROWS if for_page else None,
            unit_limit=tables.PAGE_ROWS if for_page else None,
        )
        ctx["data"] = data
        if area.level == "city":
            row_link = lambda row: link(town=row.id)  # noqa: E731
        else:
            row_link = lambda row: link(village=row.id)  # noqa: E731
        ctx["tables"] = tables.coverage_tables(
            data, link=row_link, village_link=lambda gap: link(village=gap.village_id)
        )
        ctx["chart"] = (
            charts.hbar([(r.name, r.percent) for r in data.rows], title=_("各单位覆盖率"))
            if area.level == "city"
            else None
        )
        ctx["trend_chart"] = charts.columns(
            [(t.month, t.percent) for t in data.trend], title=_("近12个月覆盖率")
        )
        heat_max = max(data.heat_max, 1)
        ctx["heat_levels"] = [
            [None] + [charts.heat_level(v, heat_max) for v in row.heat] for row in data.rows
        ]
    elif report == "standards":
        data = selectors.five_standards(
            area, month, station_limit=tables.PAGE_ROWS if for_page else None
        )
        ctx["data"] = data
        ctx["tables"] = tables.standards_tables(data, link=lambda t: link(town=t.town_id))
        ctx["chart"] = charts.hbar(
            [(t.town, t.percent) for t in data.towns], title=_("五有全达标率")
        )
    elif report == "orders":
        data = selectors.orders(area, start, end, team_limit=tables.PAGE_ROWS if for_page else None)
        ctx["data"] = data
        ctx["tables"] = tables.order_tables(data)
        top = data.by_town
        ctx["chart"] = charts.hbar(
            [(r.name, r.completed) for r in top],
            maximum=max([r.completed for r in top] + [1]),
            unit="",
            title=_("各镇街完成点单数"),
        )
    elif report == "volunteers":
        data = selectors.volunteers(area, start, end)
        ctx["data"] = data
        ctx["tables"] = tables.volunteer_tables(data)
        ctx["chart"] = charts.hbar(
            [(t.town, t.hours) for t in data.towns],
            maximum=max([t.hours for t in data.towns] + [1]),
            unit="h",
            title=_("各镇街服务时长"),
        )
    else:
        raise Http404
    twelve = ""
    if report == "coverage":
        months = (ctx.get("data") or ctx.get("detail")).months
        twelve = f"{months[0]}—{months[-1]}"
    for table in ctx["tables"]:
        table.period = twelve if table.key in ("trend", "heatmap", "monthly") else filters[0]
        if report == "coverage" and area.level == "village" and table.key == "categories":
            table.period = twelve
    ctx["filter_values"] = list(base.values())
    ctx["filename_parts"] = [str(REPORT_TITLES[report]), _area_name(area), *filters]
    ctx["query"] = _canonical_query(area, base)
    export_base = reverse("reports:export", args=[report, "__TABLE__", "__FMT__"])
    ctx["html"] = {
        t.key: render_table(
            t,
            export_base=export_base,
            query=ctx["query"],
            heat_levels=ctx.get("heat_levels") if t.key == "heatmap" else None,
        )
        for t in ctx["tables"]
    }
    return ctx


def _page(request, report: str, template: str):
    try:
        ctx = page(report, request)
    except InvalidInput as exc:
        return render(
            request,
            "reports/error.html",
            {"message": exc.message, "report": report, "fields": exc.fields},
            status=400,
        )
    return render(request, template, ctx)


@login_required
@require_GET
def coverage(request):
    return _page(request, "coverage", "reports/coverage.html")


@login_required
@require_GET
def standards(request):
    return _page(request, "standards", "reports/standards.html")


@login_required
@require_GET
def orders(request):
    return _page(request, "orders", "reports/orders.html")


@login_required
@require_GET
def volunteers(request):
    return _page(request, "volunteers", "reports/volunteers.html")


@login_required
@require_GET
def export(request, report: str, table: str, fmt: str):
    """One table of a report as CSV or XLSX, named for the report, the area and the filters."""
    if report not in REPORT_TITLES or fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        ctx = build(report, request)
    except InvalidInput as exc:
        return render(
            request, "reports/error.html", {"message": exc.message, "report": report}, status=400
        )
    chosen = next((t for t in ctx["tables"] if t.key == table), None)
    if chosen is None:
        raise Http404
    title = chosen.title.replace(" ", "")
    name = "_".join([*ctx["filename_parts"][:2], title, *ctx["filename_parts"][2:]])
    area = ctx["area"]
    where = (
        f"village{area.village.pk}"
        if area.village
        else f"town{area.town.pk}"
        if area.town
        else "city"
    )
    ascii_name = "-".join([report, chosen.key, where, *ctx["filter_values"]])
    return export_table(chosen, fmt, name, ascii_name)
