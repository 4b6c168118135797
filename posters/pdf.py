"""Station posters as PDF: one A4 page per station (a town's posters are one file).

Each poster's content is kept inside its page frame (``KeepInFrame`` shrinks a long menu rather
than spilling onto a second page), so a town's file has exactly one page per station.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepInFrame,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.pdf import QrFlowable, cjk_font
from posters.selectors import Poster

MARGIN = 15 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
# SimpleDocTemplate's frame has 6 pt padding on each side.
FRAME_HEIGHT = A4[1] - 2 * MARGIN - 12


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=14, leading=21, wordWrap="CJK")
    return {
        "body": body,
        "kicker": ParagraphStyle("kicker", parent=body, fontSize=16, leading=22, alignment=1),
        "title": ParagraphStyle("title", parent=body, fontSize=32, leading=42, alignment=1),
        "area": ParagraphStyle("area", parent=body, fontSize=15, leading=22, alignment=1),
        "heading": ParagraphStyle("heading", parent=body, fontSize=18, leading=26),
        "menu": ParagraphStyle("menu", parent=body, fontSize=17, leading=28),
        "caption": ParagraphStyle("caption", parent=body, fontSize=15, leading=21, alignment=1),
        "small": ParagraphStyle("small", parent=body, fontSize=11, leading=16, alignment=1),
    }


def _poster_story(poster: Poster, st: dict[str, ParagraphStyle]) -> list:
    station = poster.station
    facts = [
        [_p(_("开放时间"), st["body"]), _p(station.opening_hours or "—", st["body"])],
        [_p(_("站长"), st["body"]), _p(station.head_name or "—", st["body"])],
        [_p(_("联系电话"), st["body"]), _p(station.head_phone or "—", st["body"])],
        [_p(_("地址"), st["body"]), _p(station.address or "—", st["body"])],
    ]
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#fbe9e7")),
        ]
    )
    menu = "　·　".join(poster.categories) or _("（本村暂无可点服务）")
    qr_size = 62 * mm
    codes = Table(
        [
            [QrFlowable(poster.order_url, qr_size), QrFlowable(poster.calendar_url, qr_size)],
            [
                _p(_("扫码点单（已选好本村）"), st["caption"]),
                _p(_("扫码订阅本村活动月历"), st["caption"]),
            ],
        ],
        colWidths=[FRAME_WIDTH / 2] * 2,
        style=TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]),
    )
    return [
        _p(_("新时代文明实践站"), st["kicker"]),
        Spacer(1, 3 * mm),
        _p(station.name, st["title"]),
        _p(f"{station.town.name} · {station.village.name}", st["area"]),
        Spacer(1, 8 * mm),
        Table(facts, colWidths=[35 * mm, FRAME_WIDTH - 35 * mm], style=grid),
        Spacer(1, 8 * mm),
        _p(_("文明实践菜单（群众点单、志愿者接单、群众评单）"), st["heading"]),
        Spacer(1, 2 * mm),
        _p(menu, st["menu"]),
        Spacer(1, 10 * mm),
        codes,
        Spacer(1, 6 * mm),
        _p(_("不方便用手机？请到站里的触屏一体机点单，或拨打站长电话请人代为点单。"), st["small"]),
    ]


def render(posters: list[Poster], *, title: str) -> bytes:
    """The posters as one PDF, one A4 page each (an empty list gives one page saying so)."""
    st = _styles()
    story: list = []
    for index, poster in enumerate(posters):
        if index:
            story.append(PageBreak())
        story.append(
            KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT, _poster_story(poster, st), mode="shrink")
        )
    if not story:
        story.append(_p(_("这里还没有实践站。"), st["heading"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=_("新时代文明实践中心"),
    ).build(story)
    return buffer.getvalue()
