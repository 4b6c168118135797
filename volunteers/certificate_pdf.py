"""The certificate (志愿服务证明) as a PDF: ReportLab with its built-in Chinese CID font
(STSong-Light, which PDF readers supply: nothing is downloaded or embedded) and a QR code to
the public verification page."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.absolute_urls import absolute_url
from core.pdf import QrFlowable, cjk_font
from volunteers.models import Certificate


def verification_url(certificate: Certificate) -> str:
    """The public page the QR code leads to."""
    return absolute_url(reverse("volunteers:certificate_verify", args=[certificate.code]))


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def render(certificate: Certificate) -> bytes:
    """The certificate's PDF: identity, service, records, issuer, number, date and QR code."""
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=28, alignment=1)
    latin = ParagraphStyle("latin", fontName="Helvetica", fontSize=8, leading=10)
    volunteer = certificate.volunteer
    issued = timezone.localtime(certificate.issued_at)
    url = verification_url(certificate)

    story: list = [
        _p(_("志愿服务证明"), title),
        _p(_("编号：%(number)s") % {"number": certificate.number}, small),
        Spacer(1, 6 * mm),
    ]
    identity = [
        [_p(_("姓名"), body), _p(volunteer.name, body)],
        [
            _p(_("证件类型及号码"), body),
            _p(f"{volunteer.get_id_type_display()} {volunteer.masked_id_number or '—'}", body),
        ],
        [_p(_("志愿者编号"), body), _p(volunteer.number, body)],
        [
            _p(_("服务期间"), body),
            _p(f"{certificate.period_start:%Y-%m-%d} — {certificate.period_end:%Y-%m-%d}", body),
        ],
        [
            _p(_("已确认服务时长"), body),
            _p(
                _("%(hours)s 小时（%(n)s 条记录）")
                % {"hours": certificate.hours, "n": certificate.record_count},
                body,
            ),
        ],
        [_p(_("服务内容"), body), _p(certificate.content, body)],
    ]
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story += [Table(identity, colWidths=[40 * mm, 130 * mm], style=grid), Spacer(1, 5 * mm)]

    rows = [[_p(h, small) for h in (_("日期"), _("服务内容"), _("地点"), _("时长"))]]
    for record in certificate.records.order_by("service_date", "id"):
        rows.append(
            [
                _p(f"{record.service_date:%Y-%m-%d}", small),
                _p(record.content, small),
                _p(record.place, small),
                _p(str(record.hours), small),
            ]
        )
    story += [
        _p(_("服务记录"), body),
        Table(rows, colWidths=[25 * mm, 85 * mm, 45 * mm, 15 * mm], style=grid, repeatRows=1),
        Spacer(1, 6 * mm),
        _p(
            _("兹证明该志愿者在上述期间参加志愿服务，服务时长经组织方确认属实。"),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    issuer = [
        [_p(_("出具单位"), body), _p(certificate.issuer_name or "—", body)],
        [_p(_("负责人"), body), _p(certificate.issuer_head or "—", body)],
        [_p(_("经办人"), body), _p(certificate.handler_name or "—", body)],
        [_p(_("联系方式"), body), _p(certificate.contact or "—", body)],
        [_p(_("出具日期"), body), _p(f"{issued:%Y-%m-%d}", body)],
    ]
    qr_block = [
        QrFlowable(url, 32 * mm),
        _p(_("扫码核验真伪"), small),
        Paragraph(escape(url), latin),
    ]
    story.append(
        Table(
            [[Table(issuer, colWidths=[25 * mm, 75 * mm], style=grid), qr_block]],
            colWidths=[105 * mm, 65 * mm],
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
        )
    )

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{_('志愿服务证明')} {certificate.number}",
        author=certificate.issuer_name,
    )
    doc.build(story)
    return buffer.getvalue()
