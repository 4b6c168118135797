"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable at 360 px.

Every chart scales with its ``viewBox`` and carries a ``<title>`` per bar, so screen readers and
hover both get the numbers; the tables beside each chart hold the same figures.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

RED = "#b71c1c"
GREY = "#d8dee4"
INK = "#1f2328"


def hbar(
    items: list[tuple[str, float]], *, maximum: float = 100.0, unit: str = "%", title: str = ""
) -> SafeString:
    """Horizontal bars, one per item (label, value): long Chinese names fit on a phone."""
    row, label_w, bar_w, pad = 22, 110, 200, 4
    height = max(1, len(items)) * row + pad
    width = label_w + bar_w + 60
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (name, value) in enumerate(items):
        y = pad + i * row
        w = 0 if not maximum else round(bar_w * min(value, maximum) / maximum, 1)
        text = f"{value:g}{unit}"
        parts.append(
            f"<g><title>{escape(name)}: {escape(text)}</title>"
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="12" text-anchor="end" fill="{INK}">'
            f"{escape(name[:9])}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row - 8}" fill="{GREY}"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row - 8}" fill="{RED}"/>'
            f'<text x="{label_w + bar_w + 4}" y="{y + 14}" font-size="12" fill="{INK}">'
            f"{escape(text)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def columns(
    items: list[tuple[str, float]], *, maximum: float = 100.0, unit: str = "%", title: str = ""
) -> SafeString:
    """Vertical columns, one per month (label, value), for a 12-month trend."""
    col, chart_h, base = 28, 110, 130
    width = max(1, len(items)) * col + 10
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {base + 8}" width="{width}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{base - 18}" x2="{width}" y2="{base - 18}" stroke="{GREY}"/>',
    ]
    for i, (name, value) in enumerate(items):
        x = 5 + i * col
        h = 0 if not maximum else round((chart_h - 20) * min(value, maximum) / maximum, 1)
        top = base - 18 - h
        text = f"{value:g}{unit}"
        parts.append(
            f"<g><title>{escape(name)}: {escape(text)}</title>"
            f'<rect x="{x + 3}" y="{top}" width="{col - 8}" height="{h}" fill="{RED}"/>'
            f'<text x="{x + col / 2 - 1}" y="{max(top - 3, 10)}" font-size="9" '
            f'text-anchor="middle" fill="{INK}">{escape(f"{value:g}")}</text>'
            f'<text x="{x + col / 2 - 1}" y="{base - 4}" font-size="9" text-anchor="middle" '
            f'fill="{INK}">{escape(name[-5:])}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


HEAT_LEVELS = 10


def heat_level(value: float, maximum: float) -> int:
    """A heat-map cell's level, 0 (white, for zero) to ``HEAT_LEVELS`` (deepest red), drawn by
    the ``heat-N`` classes in reports.css: a class, not a style attribute, so the Content
    Security Policy needs no inline styles."""
    if not value or not maximum:
        return 0
    share = min(value / maximum, 1.0)
    return max(1, round(HEAT_LEVELS * share))
