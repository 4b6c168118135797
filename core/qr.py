"""QR codes: one error-correction level and one inline SVG shape for every page and print.

Every code links to a page of the site (an order's tracking page, an event's check-in, a
station's order form). Level M lets a phone read a code with 15 % of it smudged or in glare.
"""

from __future__ import annotations

import segno

ERROR = "m"


def make(data: str) -> segno.QRCode:
    return segno.make(data, error=ERROR)


def svg(data: str, *, title: str, scale: int = 5) -> str:
    """An inline ``<svg>`` that scales to its box: a ``viewBox`` and no width or height, so the
    page's CSS sizes it (``img, svg { max-width: 100% }`` in site.css) and it fits a 360 px phone
    as well as a kiosk screen or a printed poster."""
    return make(data).svg_inline(scale=scale, title=title, omitsize=True)
