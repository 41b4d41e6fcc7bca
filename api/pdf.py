"""PDF documents drawn on the server (fpdf2), with a CJK font embedded as a subset.

A small, generic shape any face can fill: a :class:`Document` has a title, an optional
subtitle and a list of blocks — :class:`Heading`, :class:`Paragraph`, :class:`Table` (a column
may be drawn as bars of rates against a target) and :class:`LineChart` (rates over dates) —
and :func:`render_pdf` turns it into bytes (A4, portrait or landscape). Text stays text (the
PDF can be searched and read back); the font is ``api/fonts/NotoSansSC-Briefing.ttf`` (Noto
Sans CJK SC cut down to GB 2312, SIL OFL 1.1, see api/fonts/OFL.txt), and fpdf2 embeds only
the glyphs a document uses. A character the font lacks is drawn as "?" rather than
silently dropped.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Briefing.ttf"
FONT = "NotoSansSC"
GREY = (110, 110, 110)
LINE = (200, 205, 210)
BLUE = (47, 111, 176)
RED = (192, 57, 43)
GREEN = (27, 127, 59)
AMBER = (208, 138, 0)
# fpdf2 subsets the font with fontTools, which logs every table it touches at INFO
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    size: float = 9.5
    muted: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of text under headers; ``widths`` are shares of the line (equal by default).

    ``bar_column`` names a column whose cells are drawn as a bar of ``rates[row]`` (0..1)
    against ``target`` (a red tick), the cell's text written beside the bar. Cells hold one
    line, cut with "…", unless ``wrap`` (a report whose every word counts: rows grow instead).
    """

    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None
    bar_column: int | None = None
    rates: Sequence[float | None] = ()
    target: float | None = None
    size: float = 8.5
    wrap: bool = False


@dataclass(frozen=True, slots=True)
class LineChart:
    """Rates (0..1) over dates, with a target line; ``height`` in millimetres."""

    title: str
    points: Sequence[tuple[dt.date, float | None]]
    target: float | None = None
    target_label: str = ""
    height: float = 38.0


Block = Heading | Paragraph | Table | LineChart


@dataclass(slots=True)
class Document:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    orientation: Literal["portrait", "landscape"] = "portrait"
    footer: str = ""


@cache
def font_characters() -> frozenset[int]:
    """Code points the embedded font can draw."""
    font = TTFont(str(FONT_FILE), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def drawable(text: str) -> str:
    """``text`` with characters the font lacks as "?" (a blank would hide that one was lost)."""
    known = font_characters()
    return "".join(ch if ord(ch) in known or ch in "\n\t" else "?" for ch in text)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-10)
        self.set_font(FONT, size=7)
        self.set_text_color(*GREY)
        self.cell(0, 5, drawable(self.footer_text), align="C")


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes (blocking: call it off the event loop)."""
    pdf = _Pdf(orientation="P" if document.orientation == "portrait" else "L", unit="mm",
               format="A4")
    pdf.footer_text = document.footer
    pdf.set_margins(12, 11, 12)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_font(FONT, fname=str(FONT_FILE))
    pdf.set_title(document.title)
    pdf.set_creator("stdtrack")
    pdf.set_lang("zh-CN")
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 8, drawable(document.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if document.subtitle:
        pdf.set_font(FONT, size=9)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 5, drawable(document.subtitle), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(1.5)
    for block in document.blocks:
        if isinstance(block, Heading):
            _heading(pdf, block)
        elif isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        else:
            _line_chart(pdf, block)
    return bytes(pdf.output())


def _heading(pdf: FPDF, block: Heading) -> None:
    pdf.ln(1.5)
    pdf.set_font(FONT, size=11.5)
    pdf.set_text_color(*BLUE)
    pdf.cell(0, 6.5, drawable(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*BLUE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)


def _paragraph(pdf: FPDF, block: Paragraph) -> None:
    pdf.set_font(FONT, size=block.size)
    if block.muted:
        pdf.set_text_color(*GREY)
    pdf.multi_cell(0, block.size * 0.5, drawable(block.text), new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(0.8)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text cut with "…" to fit ``width`` (a cell holds one line)."""
    text = drawable(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _table(pdf: FPDF, block: Table) -> None:
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    shares = list(block.widths or [1.0] * len(block.headers))
    widths = [usable * share / sum(shares) for share in shares]
    height = block.size * 0.62
    pdf.set_font(FONT, size=block.size)
    if block.wrap:
        _wrapped_table(pdf, block, widths, height)
        return
    pdf.set_fill_color(236, 240, 244)
    pdf.set_draw_color(*LINE)
    for header, width in zip(block.headers, widths, strict=True):
        pdf.cell(width, height, _fit(pdf, header, width - 1.5), border="B", fill=True)
    pdf.ln(height)
    for index, row in enumerate(block.rows):
        for column, (text, width) in enumerate(zip(row, widths, strict=True)):
            if column == block.bar_column:
                rate = block.rates[index] if index < len(block.rates) else None
                _bar_cell(pdf, width, height, text, rate, block.target)
            else:
                pdf.cell(width, height, _fit(pdf, text, width - 1.5), border="B")
        pdf.ln(height)
    pdf.ln(1.2)


def _wrapped_table(pdf: FPDF, block: Table, widths: list[float], height: float) -> None:
    """Every cell in full: fpdf2's table wraps text and grows the row (and repeats the
    headings on a new page)."""
    with pdf.table(col_widths=tuple(widths), width=sum(widths), line_height=height,
                   headings_style=FontFace(emphasis=None, fill_color=(236, 240, 244))) as table:
        for row in [block.headers, *block.rows]:
            cells = table.row()
            for text in row:
                cells.cell(drawable(text))
    pdf.ln(1.2)


def _bar_cell(pdf: FPDF, width: float, height: float, text: str, rate: float | None,
              target: float | None) -> None:
    x, y = pdf.get_x(), pdf.get_y()
    label_width = min(22.0, width * 0.4)
    room = width - label_width - 2
    if rate is not None:
        colour = GREEN if target is None or rate >= target else (
            AMBER if rate >= target - 0.05 else RED)
        pdf.set_fill_color(*colour)
        pdf.rect(x + 0.5, y + height * 0.22, max(room * min(rate, 1.0), 0.2), height * 0.56,
                 style="F")
    if target is not None:
        pdf.set_draw_color(*RED)
        tick = x + 0.5 + room * min(target, 1.0)
        pdf.line(tick, y + 0.3, tick, y + height - 0.3)
    pdf.set_draw_color(*LINE)
    pdf.set_xy(x + room + 1.5, y)
    pdf.cell(label_width, height, _fit(pdf, text, label_width), border="B")
    pdf.line(x, y + height, x + room + 1.5, y + height)
    pdf.set_xy(x + width, y)


def _line_chart(pdf: FPDF, block: LineChart) -> None:
    shown = [(day, rate) for day, rate in block.points if rate is not None]
    pdf.set_font(FONT, size=9)
    pdf.cell(0, 5, drawable(block.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left, top = pdf.l_margin + 9, pdf.get_y() + 1
    width = pdf.w - pdf.r_margin - left - 4
    height = block.height - 10
    pdf.set_draw_color(*LINE)
    pdf.set_font(FONT, size=6.5)
    pdf.set_text_color(*GREY)
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + height * (1 - share)
        pdf.line(left, y, left + width, y)
        pdf.set_xy(left - 9, y - 1.5)
        pdf.cell(8, 3, f"{share * 100:.0f}%", align="R")
    if shown:
        first, last = shown[0][0].toordinal(), shown[-1][0].toordinal()
        span = max(last - first, 1)

        def at(day: dt.date, rate: float) -> tuple[float, float]:
            return (left + width * (day.toordinal() - first) / span,
                    top + height * (1 - min(max(rate, 0.0), 1.0)))

        for day, _rate in shown:
            x = at(day, 0)[0]
            pdf.set_xy(x - 6, top + height + 0.5)
            pdf.cell(12, 3, str(day.year), align="C")
        pdf.set_draw_color(*BLUE)
        pdf.set_line_width(0.6)
        for (day_a, rate_a), (day_b, rate_b) in itertools.pairwise(shown):
            pdf.line(*at(day_a, rate_a), *at(day_b, rate_b))
        end_x, end_y = at(*shown[-1])
        pdf.set_text_color(*BLUE)
        pdf.set_xy(end_x - 14, end_y - 4.5)
        pdf.cell(14, 3.5, f"{shown[-1][1] * 100:.1f}%", align="R")
        pdf.set_line_width(0.2)
    if block.target is not None:
        y = top + height * (1 - min(block.target, 1.0))
        pdf.set_draw_color(*RED)
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(left, y, left + width, y)
        pdf.set_dash_pattern()
        pdf.set_text_color(*RED)
        pdf.set_xy(left + 1, y - 3.6)
        pdf.cell(40, 3.4, drawable(block.target_label or f"{block.target * 100:.0f}%"))
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(*LINE)
    pdf.set_xy(pdf.l_margin, top + height + 4.5)
