"""The PDF 查新报告 of a check: check date, status date, catalogue version, counts, and one
row per cited code, written through the shared PDF module (:mod:`api.pdf`)."""

from __future__ import annotations

from api.pdf import Document, Paragraph, Table, render_pdf
from standards.schemas import CheckedCitation, CheckReport
from standards.vocab import VERDICT_LABELS, CheckVerdict

PDF_MEDIA_TYPE = "application/pdf"
NOTE = ("说明：未注日期的引用按查新日期的现行版本判定（GB/T 1.1）；“未收录”指本库目录未收录该编号，"
        "并不表示已废止。")


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
    """The report as a PDF document (A4, portrait; blocking: call it off the event loop)."""
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
    rows = [(str(number), item.written, item.title_zh or item.edition_in_force_title or "",
             item.verdict_zh, _answer(item))
            for number, item in enumerate(report.items, start=1)]
    return render_pdf(Document(title="标准查新报告", blocks=[
        *(Paragraph(line, size=10) for line in lines),
        Table(headers=("序号", "引用编号", "标准名称", "结论", "说明"), rows=rows,
              widths=(8, 34, 60, 16, 62), wrap=True),
        Paragraph(NOTE, size=8, muted=True),
    ]))
