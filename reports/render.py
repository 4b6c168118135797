"""A report table as HTML, for the report pages.

Report tables reach thousands of cells at city scale (1,224 stations × 15 columns); the template
engine costs tens of microseconds per cell, so tables are rendered here in one pass instead.
"""

from __future__ import annotations

import html

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.tables import Table

_TICKS = {"✓": '<span class="tick-yes">✓</span>', "✗": '<span class="tick-no">✗</span>'}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):  # the bulk of the cells: nothing to escape
        return str(value)
    text = str(value)
    return _TICKS.get(text) or html.escape(text)


def render_table(table: Table, *, export_base: str, query: str, heat_levels=None) -> SafeString:
    """A report table as HTML: caption, export links, a horizontally scrolling table.

    ``export_base`` is the export URL with ``__TABLE__.__FMT__`` placeholders; ``heat_levels``
    (optional, per row a list per column of ``charts.heat_level``) gives heat-map backgrounds.
    """
    out = [f'<section class="report-table" id="t-{escape(table.key)}"><h2>{escape(table.caption)}']
    out.append(f' <span class="exports no-print">{escape(_("导出"))}: ')
    links = []
    for fmt, name in (("csv", "CSV"), ("xlsx", "Excel")):
        url = export_base.replace("__TABLE__", table.key).replace("__FMT__", fmt)
        links.append(f'<a href="{escape(url)}?{escape(query)}">{name}</a>')
    out.append(" · ".join(links))
    out.append('</span></h2><div class="table-wrap"><table><thead><tr>')
    for i, head in enumerate(table.headers):
        cls = ' class="num"' if table.is_numeric(i) else ""
        out.append(f'<th scope="col"{cls}>{escape(head)}</th>')
    out.append("</tr></thead><tbody>")
    rows = table.rows[: table.page_rows] if table.page_rows is not None else table.rows
    row_links = table.links or [None] * len(table.rows)
    for r, (row, link) in enumerate(zip(rows, row_links[: len(rows)], strict=True)):
        first = _cell(row[0]) if row else ""
        if link:
            first = f'<a href="{escape(link)}">{first}</a>'
        out.append(f'<tr><th scope="row">{first}</th>')
        row_levels = heat_levels[r] if heat_levels else None
        for i, value in enumerate(row[1:], start=1):
            attrs = ' class="num"' if table.is_numeric(i) else ""
            if row_levels:
                attrs = f' class="cell heat-{int(row_levels[i])}"'
            out.append(f"<td{attrs}>{_cell(value)}</td>")
        out.append("</tr>")
    if not table.rows:
        empty = escape(_("没有数据。"))
        out.append(f'<tr><td colspan="{len(table.headers)}" class="muted">{empty}</td></tr>')
    out.append("</tbody></table></div>")
    total = len(table.rows) if table.total_rows is None else table.total_rows
    if len(rows) < total:
        note = _("页面显示前 %(shown)s 行，共 %(total)s 行；完整名单请导出。") % {
            "shown": len(rows),
            "total": total,
        }
        out.append(f'<p class="muted">{escape(note)}</p>')
    out.append("</section>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
