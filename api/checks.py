"""标准查新: check pasted text or an uploaded document against the catalogue.

It spans packages (importers read the document, standards find and answer the codes), so it
lives in api/. Reading and extraction run in a thread, never on the event loop; lookups are
batched (:mod:`standards.citation_checks`). Outputs: the JSON report, an XLSX sheet (cells
neutralised by :mod:`api.exports`) and the PDF 查新报告 (:mod:`api.checks_pdf`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from api.exports import Table, columns
from importers.documents import DocumentText
from importers.sources import SourceFile
from standards.citation_checks import check_report
from standards.citations import Citation, TextChunk, extract_citations
from standards.schemas import CheckReport
from standards.settings import ReadLimits

MAX_CITATIONS = 20_000
"""Citations read from one text or document; past it the report says it was truncated."""
PUBLIC_MAX_CHARS = 20_000
PUBLIC_MAX_CODES = 100
"""What anyone may check without signing in: a short list (the rest asks to sign in)."""
SIGNED_IN_MAX_CHARS = 2_000_000


@dataclass(frozen=True, slots=True)
class Extracted:
    citations: list[Citation]
    truncated: bool
    notes: tuple[str, ...] = ()


def extract_from_text(text: str, limit: int = MAX_CITATIONS) -> Extracted:
    """Citations of pasted text, line by line (blocking: call it in a thread)."""
    chunks = (TextChunk(f"第{number}行", line)
              for number, line in enumerate(text.splitlines(), start=1))
    found = extract_citations(chunks, limit=limit + 1)
    return Extracted(found[:limit], len(found) > limit)


def extract_from_file(path: Path, limits: ReadLimits, limit: int = MAX_CITATIONS) -> Extracted:
    """Citations of a document (TXT, CSV, XLSX, DOCX, PDF) within the read limits (blocking).

    Raises:
        UnreadableFileError: not readable, unsafe, or over a read limit.
    """
    document = DocumentText(SourceFile(path, limits))
    found = extract_citations(document.chunks(), limit=limit + 1)
    return Extracted(found[:limit], document.truncated or len(found) > limit,
                     tuple(document.notes))


async def check_text(text: str, as_of: dt.date, *, source: str = "粘贴文本",
                     limit: int = MAX_CITATIONS) -> CheckReport:
    """Check pasted text: extraction in a thread, then batched lookups."""
    extracted = await anyio.to_thread.run_sync(extract_from_text, text, limit)
    return await check_report(extracted.citations, as_of=as_of, source=source,
                              truncated=extracted.truncated)


async def check_file(path: Path, as_of: dt.date, limits: ReadLimits, *, source: str,
                     limit: int = MAX_CITATIONS) -> CheckReport:
    """Check a document: reading and extraction in a thread, then batched lookups.

    Raises:
        UnreadableFileError: the document cannot be read (see :func:`extract_from_file`).
    """
    extracted = await anyio.to_thread.run_sync(extract_from_file, path, limits, limit)
    return await check_report(extracted.citations, as_of=as_of, source=source,
                              truncated=extracted.truncated)


REPORT_COLUMNS = columns(
    ("number", "序号 no."), ("written", "引用编号 as cited"), ("code", "规范编号 code"),
    ("verdict_zh", "结论 verdict"), ("resolved_code", "对应标准 edition"),
    ("title_zh", "标准名称 title"), ("status", "状态 status"),
    ("effective_on", "实施日期 in force from"), ("withdrawn_on", "废止日期 withdrawn on"),
    ("successors", "代替标准 replaced by"), ("edition_in_force", "现行版本 edition in force"),
    ("occurrences", "出现次数 occurrences"), ("locations", "位置 where"),
    ("problem", "问题 problem"),
)


def report_table(report: CheckReport) -> Table:
    """The report as a sheet (for :func:`api.exports.to_xlsx`), its dates and catalogue
    version in the title row."""
    rows: list[dict[str, Any]] = []
    for number, item in enumerate(report.items, start=1):
        row = item.model_dump()
        row["number"] = number
        rows.append(row)
    title = (f"标准查新报告 · 查新日期 {report.checked_at.date().isoformat()} · 状态日期 "
             f"{report.as_of.isoformat()} · 目录版本 {report.catalogue.label} · {report.source}")
    return Table(name="标准查新", columns=REPORT_COLUMNS, rows=rows, title=title)
