"""Report tables: one shape for the page, the CSV and the XLSX export, so they never disagree.

A ``Table`` is a title, Chinese column headers and rows of plain values. The views build the
tables of a page from the selectors' typed reports; the page renders them (``reports.render``),
the export writes them (``reports.export``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.five_standards import STANDARDS
from reports.selectors.coverage import Coverage, VillageDetail
from reports.selectors.orders import OrdersReport
from reports.selectors.standards import FiveStandards
from reports.selectors.volunteers import VolunteersReport

# The most rows a table shows on the page; its export has them all. A county city's tables
# are well inside it (21 towns, a town's villages); a province's gap list, station list or team
# list is tens of thousands of rows: megabytes of HTML that no phone should load (the city
# orders page at scale 60 was 14 MB).
PAGE_ROWS = 200


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    # Optional link per row for the first cell (drill-down); not exported.
    links: list[str | None] = field(default_factory=list)
    numeric_from: int = 1  # columns from this index are right-aligned numbers
    numeric: frozenset[int] | None = None  # or exactly these columns
    # None: every row on the page. Read when the table is made (a test may set PAGE_ROWS).
    page_rows: int | None = field(default_factory=lambda: PAGE_ROWS)
    # The rows the full table has, when ``rows`` holds only a page's first ones (a page built
    # without reading every row: ``reports.views.page``); None: ``rows`` is the whole table.
    total_rows: int | None = None

    def is_numeric(self, column: int) -> bool:
        return column in self.numeric if self.numeric is not None else column >= self.numeric_from

    period: str = ""  # the month or range, shown after the title

    @property
    def caption(self) -> str:
        return f"{self.title} {self.period}".strip()

    def body(self):
        links = self.links or [None] * len(self.rows)
        return zip(self.rows, links, strict=True)


def _yes(value: bool) -> str:
    return "✓" if value else "✗"


def _num(value):
    return "" if value is None else value


def standard_labels() -> dict[str, str]:
    return {
        "venue": _("有阵地"),
        "plan": _("有计划"),
        "team": _("有队伍"),
        "practice": _("有实践"),
        "results": _("有成效"),
    }


def _lacks(keys: list[str] | None, labels: dict[str, str]) -> str:
    if keys is None:
        return _("无实践站")
    return pgettext("list separator", "、").join(labels[k] for k in keys) if keys else _("无")


def coverage_tables(report: Coverage, link=None, village_link=None) -> list[Table]:
    """The coverage report's tables; the gap list's total is ``report.gaps_total`` even when
    ``report.gaps`` holds only a page's first rows."""
    categories = report.categories
    by_village = report.level != "city"
    unit = _("村（社区）") if by_village else _("镇（街道）")
    summary = Table(
        "summary",
        _("服务覆盖"),
        [unit, _("本月已服务"), _("服务次数")]
        if by_village
        else [unit, _("村（社区）总数"), _("已服务村数"), _("覆盖率（%）"), _("服务次数")],
    )
    matrix = Table(
        "categories",
        (_("各村分类别服务次数") if by_village else _("镇街 × 类别 已服务村数")),
        [unit] + [c.name for c in categories],
    )
    heat = Table(
        "heatmap",
        (_("各村逐月服务次数") if by_village else _("镇街逐月已服务村数")),
        [unit] + report.months,
    )
    for row in report.rows:
        summary.rows.append(
            [row.name, _yes(row.served > 0), row.services]
            if by_village
            else [row.name, row.villages, row.served, row.percent, row.services]
        )
        matrix.rows.append([row.name] + [row.by_category[c.id] for c in categories])
        heat.rows.append([row.name] + row.heat)
        url = link(row) if link else None
        for t in (summary, matrix, heat):
            t.links.append(url)
    totals = report.totals
    summary.rows.append(
        [
            _("合计"),
            _("%(served)s/%(villages)s 村（%(percent)s%%）")
            % {"served": totals.served, "villages": totals.villages, "percent": totals.percent},
            totals.services,
        ]
        if by_village
        else [
            _("合计"),
            totals.villages,
            totals.served,
            totals.percent,
            totals.services,
        ]
    )
    summary.links.append(None)
    if report.rows_total != len(report.rows):  # a page's first rows (the total row after them)
        summary.total_rows = report.rows_total + 1
        matrix.total_rows = heat.total_rows = report.rows_total
    if not by_village:
        matrix.rows.append([_("合计")] + [totals.by_category[c.id] for c in categories])
        matrix.links.append(None)
    trend = Table(
        "trend",
        _("近12个月覆盖率"),
        [_("月份"), _("已服务村数"), _("村（社区）总数"), _("覆盖率（%）")],
        [[t.month, t.served, t.villages, t.percent] for t in report.trend],
    )
    labels = standard_labels()
    # On a phone the first columns are what shows: how long each village has gone without and
    # what its station lacks come before the contact details.
    gaps = Table(
        "gaps",
        _("未服务村（社区）"),
        [
            _("村（社区）"),
            _("连续未服务月数"),
            _("五有缺项"),
            _("站长"),
            _("站长电话"),
            _("实践站"),
        ]
        + ([] if by_village else [_("镇（街道）")]),
        [
            [
                g.village,
                g.months_without if g.months_without is not None else _("从未服务"),
                _lacks(g.lacks, labels),
                g.head_name,
                g.head_phone,
                g.station,
            ]
            + ([] if by_village else [g.town])
            for g in report.gaps
        ],
        links=[village_link(g) if village_link else None for g in report.gaps],
        numeric=frozenset({1}),
        total_rows=report.gaps_total if report.gaps_total != len(report.gaps) else None,
    )
    return [summary, trend, gaps, heat, matrix]


def village_tables(detail: VillageDetail) -> list[Table]:
    by_category = Table(
        "categories",
        _("分类别逐月服务次数"),
        [_("服务类别")] + detail.months + [_("合计")],
        [[r.category] + r.months + [r.total] for r in detail.rows],
    )
    monthly = Table(
        "monthly",
        _("逐月服务情况"),
        [
            _("月份"),
            _("服务次数"),
            _("完成点单"),
            _("完成活动"),
            _("实现心愿"),
            _("活动参与人数"),
            _("评价数"),
            _("平均评分"),
            _("志愿服务时长（小时）"),
        ],
        [
            [
                m.month,
                m.services,
                m.orders_completed,
                m.events_done,
                m.wishes_fulfilled,
                m.attendance,
                m.orders_rated,
                _num(m.average_rating),
                m.volunteer_hours,
            ]
            for m in detail.monthly
        ],
    )
    return [monthly, by_category]


def standards_tables(report: FiveStandards, link=None) -> list[Table]:
    labels = standard_labels()
    towns = Table(
        "towns",
        _("五有达标情况（按镇街）"),
        [_("镇（街道）"), _("实践站数"), _("五有全达标"), _("达标率（%）")]
        + [labels[k] for k in STANDARDS],
        [
            [t.town, t.stations, t.all_five, t.percent] + [getattr(t, k) for k in STANDARDS]
            for t in report.towns
        ],
    )
    stations = Table(
        "stations",
        _("各实践站五有情况"),
        [_("实践站"), _("镇（街道）"), _("村（社区）")]
        + [labels[k] for k in STANDARDS]
        + [
            _("缺少"),
            _("在册志愿者"),
            _("服务次数"),
            _("评价数"),
            _("平均评分"),
            _("站长"),
            _("站长电话"),
        ],
        [
            [s.station, s.town, s.village]
            + [_yes(getattr(s, k)) for k in STANDARDS]
            + [
                pgettext("list separator", "、").join(labels[k] for k in s.lacks) or _("无"),
                s.volunteers,
                s.services,
                s.ratings,
                _num(s.average_rating),
                s.head_name,
                s.head_phone,
            ]
            for s in report.stations
        ],
        numeric_from=99,
        total_rows=(
            report.stations_total if report.stations_total != len(report.stations) else None
        ),
    )
    if link:
        towns.links = [link(t) for t in report.towns]
    return [towns, stations]


def order_tables(report: OrdersReport) -> list[Table]:
    headers = [
        _("收到"),
        _("接单"),
        _("完成"),
        _("评价"),
        _("接单用时中位数（小时）"),
        _("完成用时中位数（小时）"),
        _("平均评分"),
        _("超时未接单"),
    ]
    keys = [
        "received",
        "accepted",
        "completed",
        "rated",
        "median_hours_to_accept",
        "median_hours_to_complete",
        "average_rating",
        "overdue",
    ]
    titles = {
        "town": (_("按镇街"), _("镇（街道）")),
        "category": (_("按服务类别"), _("服务类别")),
        "platform": (_("按服务平台"), _("服务平台")),
        "team": (_("按队伍"), _("队伍")),
        "channel": (_("按点单渠道"), _("点单渠道")),
        "tier": (_("按服务层级（无人接单逐级上交）"), _("服务层级")),
    }
    out = [
        Table(
            "totals",
            _("点单总体情况"),
            [_("范围")] + headers,
            [[_("合计")] + [_num(getattr(report.totals, k)) for k in keys]],
        )
    ]
    for dim, (title, head) in titles.items():
        rows = getattr(report, f"by_{dim}")
        out.append(
            Table(
                dim,
                _("点单情况") + " · " + title,
                [head] + headers,
                [[r.name or _("（未指定）")] + [_num(getattr(r, k)) for k in keys] for r in rows],
                total_rows=(
                    report.by_team_total
                    if dim == "team" and report.by_team_total != len(rows)
                    else None
                ),
            )
        )
    return out


def volunteer_tables(report: VolunteersReport) -> list[Table]:
    kinds = {
        "detachment": _("特色服务支队"),
        "town_detachment": _("镇街支队"),
        "squad": _("小队"),
        "village_team": _("村级志愿服务队"),
        "general": _("志愿服务总队"),
    }
    return [
        Table(
            "towns",
            _("志愿者与服务时长（按镇街）"),
            [
                _("镇（街道）"),
                _("在册志愿者"),
                _("服务时长（小时）"),
                _("服务次数"),
                _("获得积分"),
                _("兑换积分"),
            ],
            [
                [
                    t.town,
                    t.active_volunteers,
                    t.hours,
                    t.services,
                    t.points_earned,
                    t.points_redeemed,
                ]
                for t in report.towns
            ]
            + [
                [
                    _("合计"),
                    report.totals.active_volunteers,
                    report.totals.hours,
                    "",
                    report.totals.points_earned,
                    report.totals.points_redeemed,
                ]
            ],
        ),
        Table(
            "detachments",
            _("服务时长（按支队）"),
            [_("支队"), _("类型"), _("服务时长（小时）"), _("服务次数")],
            [
                [
                    d.team or _("（未归属支队）"),
                    kinds.get(d.kind, ""),
                    d.hours,
                    d.services,
                ]
                for d in report.detachments
            ],
            numeric_from=2,
        ),
        Table(
            "teams",
            _("服务最多的队伍"),
            [_("队伍"), _("类型"), _("服务次数"), _("服务时长（小时）")],
            [[t.team, kinds.get(t.kind, ""), t.services, t.hours] for t in report.top_teams],
            numeric_from=2,
        ),
    ]
