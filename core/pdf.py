"""What every PDF of ours shares: the built-in Chinese CID font and a vector QR code.

STSong-Light is one of ReportLab's CID fonts that PDF readers supply themselves: nothing is
downloaded or embedded, and the files stay small.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus.flowables import Flowable

from core import qr

FONT = "STSong-Light"
_registered = False


def cjk_font() -> str:
    """The registered name of the Chinese font (registered once per process)."""
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


class QrFlowable(Flowable):
    """A QR code drawn as vector squares (segno computes the matrix): sharp at any print size."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.matrix = [list(row) for row in qr.make(data).matrix_iter(border=2)]
        self.size = size
        self.width = self.height = size

    def draw(self):
        n = len(self.matrix)
        cell = self.size / n
        drawing = Drawing(self.size, self.size)
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    drawing.add(
                        Rect(
                            x * cell,
                            self.size - (y + 1) * cell,
                            cell,
                            cell,
                            fillColor=colors.black,
                            strokeColor=None,
                        )
                    )
        drawing.drawOn(self.canv, 0, 0)
