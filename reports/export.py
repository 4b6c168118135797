"""A report table as a download: CSV (with a BOM, for Excel on Windows) or XLSX, the same
headers and rows the page shows (``reports.tables``)."""

from __future__ import annotations

import csv
import io
import re

from django.http import HttpResponse

from core.downloads import content_disposition
from reports.tables import Table


def export_table(table: Table, fmt: str, filename: str, ascii_name: str = "") -> HttpResponse:
    if fmt == "csv":
        buffer = io.StringIO()
        # A BOM so that Excel on Windows opens the UTF-8 file with the Chinese intact.
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(table.headers)
        writer.writerows(table.rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook(write_only=False)
        sheet = workbook.active
        sheet.title = re.sub(r"[\[\]:*?/\\]", "-", table.title)[:31]
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = content_disposition(
        f"{filename}.{fmt}", ascii_name=f"{ascii_name}.{fmt}" if ascii_name else ""
    )
    return response
