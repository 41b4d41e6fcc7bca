"""The PDF 查新报告 of a check: check date, status date, catalogue version, counts, and one
row per cited code, with a Chinese font embedded (fpdf2; ``api/fonts``)."""

from __future__ import annotations

import functools

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

from api.pdf import FONT_FILE
from standards.schemas import CheckedCitation, CheckReport
from standards.vocab import VERDICT_LABELS, CheckVerdict

FONT = FONT_FILE  # one embedded CJK subset for every PDF (api/pdf.py)
PDF_MEDIA_TYPE = "application/pdf"


@functools.lru_cache(maxsize=1)
def _printable() -> frozenset[int]:
    font = TTFont(str(FONT), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def printable(text: str | None) -> str:
    """The text with characters the embedded font lacks shown as ``?``."""
    if not text:
        return ""
    cmap = _printable()
    return "".join(c if ord(c) in cmap or c in "\n" else "?" for c in text)


def _answer(item: CheckedCitation) -> str:
    if item.verdict is CheckVerdict.MALFORMED:
        return item.problem or ""
    parts = []
    if item.resolved_code and item.resolved_code != item.written:
        parts.append(f"对应 {item.resolved_code}")
    if item.verdict is CheckVerdict.REPLACED and item.successors:
        parts.append(f"被 {'、'.join(item.successors)} 代替")
    if item.verdict is CheckVerdict.UPCOMING and item.effective_on:
        parts.append(f"{item.effective_on.isoformat()} 实施")
    if item.withdrawn_on and item.verdict in (CheckVerdict.REPLACED, CheckVerdict.WITHDRAWN):
        parts.append(f"{item.withdrawn_on.isoformat()} 废止")
    if item.edition_in_force and item.edition_in_force != item.resolved_code:
        parts.append(f"现行版本 {item.edition_in_force}")
    return "；".join(parts)


def report_pdf(report: CheckReport) -> bytes:
    """The report as a PDF document (A4, portrait)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title("标准查新报告")
    pdf.set_creator("stdtrack")
    pdf.add_font("cjk", fname=str(FONT))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 12, "标准查新报告", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    counts = "，".join(f"{VERDICT_LABELS[CheckVerdict(k)]} {n}" for k, n in report.counts.items()
                      if n)
    lines = [
        f"查新日期：{report.checked_at.date().isoformat()}",
        f"状态判定日期：{report.as_of.isoformat()}",
        f"标准目录版本：{report.catalogue.label}",
        f"查新对象：{report.source}",
        f"引用 {report.found} 处，标准 {report.distinct} 项：{counts or '无'}",
    ]
    if report.truncated:
        lines.append("注：文本过长，超出部分未查。")
    for line in lines:
        pdf.multi_cell(0, 6, printable(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("cjk", size=8.5)
    headings = ("序号", "引用编号", "标准名称", "结论", "说明")
    with pdf.table(col_widths=(8, 34, 60, 16, 62), headings_style=FontFace(emphasis=None,
                   fill_color=(230, 230, 230)), line_height=5) as table:
        row = table.row()
        for heading in headings:
            row.cell(heading)
        for number, item in enumerate(report.items, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(printable(item.written))
            row.cell(printable(item.title_zh or item.edition_in_force_title or ""))
            row.cell(item.verdict_zh)
            row.cell(printable(_answer(item)))
    pdf.ln(4)
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(0, 5, "说明：未注日期的引用按查新日期的现行版本判定（GB/T 1.1）；"
                   "“未收录”指本库目录未收录该编号，并不表示已废止。",
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
