"""Printable PDFs in Chinese (forms, contracts, results) with ReportLab.

Uses the Adobe CJK font STSong-Light, which ReportLab supports without shipping a
font file; PDF viewers and printers substitute an installed Song/Ming typeface.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1, spaceAfter=6)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=16, spaceBefore=6, spaceAfter=3)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=11, textColor=colors.grey)


def paragraph(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped: names and addresses are user input)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    return Paragraph(escaped, style)


def table(rows: Sequence[Sequence[str]], widths: Sequence[float] | None = None) -> Table:
    cells = [[paragraph(str(cell)) for cell in row] for row in rows]
    result = Table(cells, colWidths=widths)
    result.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return result


def render(story: Sequence[Flowable], title: str) -> bytes:
    """An A4 PDF of the given flowables."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm
    )
    doc.build(list(story))
    return buffer.getvalue()


__all__ = ["BODY", "HEADING", "SMALL", "TITLE", "Spacer", "mm", "paragraph", "render", "table"]
