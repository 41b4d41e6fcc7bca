"""Bulk self-declaration files in the portal: the template to fill in, a preview that lists
every row's problems before anything is saved (a dry run of the real import plus the standing
of each declared standard), and the commit of what was previewed.

The preview keeps the files in the database (adoption/uploads_repository.py), so any app host
commits what another previewed; an enterprise's upload may only hold its own rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, Field

from adoption import declarations_repository, uploads_repository
from adoption.errors import InvalidFieldError, RecordNotFound, StateError
from adoption.fields import declared_code, split_list
from adoption.uploads_repository import HeldFile
from api.declaration_imports import (
    HEADERS,
    DeclarationImportReport,
    import_declarations,
    read_table,
)
from api.exports import Column, Table, to_csv
from importers.errors import ImporterError
from standards.settings import Settings

_LOCATION = re.compile(r"^(?P<file>.*):(?:(?P<sheet>[^!]*)!)?row (?P<row>\d+)$")

# ------------------------------------------------------------------------------------------
# The template
# ------------------------------------------------------------------------------------------

TEMPLATE_NOTES: tuple[tuple[str, str, str], ...] = (
    ("uscc", "必填。18 位统一社会信用代码，校验位须正确。", "91220102100000040T"),
    ("enterprise", "企业首次出现时必填。", "长春某某汽车零部件有限公司"),
    ("region", "企业首次出现时必填。6 位行政区划代码（GB/T 2260）。", "220102"),
    ("sector", "可选。国民经济行业。", "C36 汽车制造业"),
    ("key_fields", "可选。多个用分号分隔：汽车;石化;装备制造……", "汽车"),
    ("product", "必填。", "制动钳总成"),
    ("model", "可选。同一企业的产品名称与型号不能重复。", "ZQ-1"),
    ("category", "可选。", "汽车零部件"),
    ("main", "可选。是/否。主要产品计入采标率。", "是"),
    ("standards", "产品执行的全部标准，多个用分号分隔，任意写法均可。",
     "GB/T 19001-2016;QC/T 1082"),
    ("declared_on", "可选。公开日期，默认为导入当天。", "2024-05-01"),
)
"""For each column of the declaration table (docs/formats.md): what to write (Chinese, for
the clerk filling it in) and an example."""


def template_table() -> Table:
    """The declaration file's header row, Chinese headers as the import expects them."""
    return Table(name="自我声明", columns=[Column(field, labels[0])
                                       for field, labels in HEADERS.items()])


def template_csv() -> bytes:
    return to_csv(template_table())


def template_xlsx() -> bytes:
    """Sheet 自我声明: the header row to fill in under; sheet 填写说明: each column's rule and
    an example (it has no header row, so an import skips it)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自我声明"
    labels = [labels[0] for labels in HEADERS.values()]
    sheet.append(labels)
    for index, label in enumerate(labels, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(label) * 3)
        sheet.cell(row=2, column=index).number_format = "@"  # codes stay text, not numbers
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列", "填写要求", "示例"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for field, rule, example in TEMPLATE_NOTES:
        notes.append([HEADERS[field][0], rule, example])
    notes.append([])
    notes.append(["说明", "每行一个产品；同一文件再次导入不会重复登记。", ""])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 60
    notes.column_dimensions["C"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------
# Preview and commit
# ------------------------------------------------------------------------------------------


class RowProblem(BaseModel):
    """One problem of one row, as a clerk fixes it: where, which column, what, why."""

    file: str
    sheet: str | None = None
    row: int | None = Field(description="the row number in the file (1 = the first line)")
    column: str | None = Field(description="the header as written in the file")
    field: str | None = Field(description="the field of the column (docs/formats.md)")
    value: str = ""
    reason: str
    severity: str = Field(description="error: the row is not imported; warning: it is, "
                          "but look (a withdrawn standard, a code not in the catalogue)")
    problem: str = Field(description="what kind: invalid, other_enterprise, "
                         "required_for_new_enterprise, row (errors); an alert kind (warnings)")


class DeclarationPreview(BaseModel):
    """What committing the files would do, and every problem found; nothing is saved yet."""

    preview_id: str = Field(description="commit with POST /api/declarations/imports/previews/"
                            "{preview_id}/commit")
    expires_at: dt.datetime
    files: list[dict[str, Any]]
    rows: int
    rejected_rows: int
    created: int = Field(description="rows that would create a product")
    updated: int
    unchanged: int
    problems: list[RowProblem] = Field(description="errors and warnings, file and row order")
    conflicts: list[dict[str, Any]]
    tallies: dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as uploaded: its name and content."""

    name: str
    content: bytes


def _where(location: str) -> tuple[str, str | None, int | None]:
    found = _LOCATION.match(location)
    if found is None:
        return location, None, None
    return found["file"], found["sheet"], int(found["row"])


def _row_key(problem: RowProblem) -> tuple[str, str, int, int]:
    return (problem.file, problem.sheet or "", problem.row or 0,
            0 if problem.severity == "error" else 1)


def _listed_codes(paths: list[tuple[Path, str]], rejected: set[tuple[str, str]]
                  ) -> list[tuple[str, str, str, str]]:
    """(location, file, column, raw code) of every declared code of the accepted rows (reading
    the files again: blocking, run it in a thread)."""
    listed: list[tuple[str, str, str, str]] = []
    for path, name in paths:
        reading = read_table(path, name)
        column = reading.columns.get("standards", HEADERS["standards"][0])
        for location, cells, problem in reading.rows:
            if problem is not None or (name, location) in rejected:
                continue
            for raw in split_list(str(cells.get("standards", ""))):
                listed.append((location, name, column, raw))
    return listed


async def _standing_warnings(paths: list[tuple[Path, str]], rejected: set[tuple[str, str]]
                             ) -> list[RowProblem]:
    """Warnings for accepted rows whose declared standards are withdrawn, replaced, not yet in
    force or not in the catalogue (the import keeps them, with an alert)."""
    listed = await anyio.to_thread.run_sync(_listed_codes, paths, rejected)
    codes = {}
    for _location, _name, _column, raw in listed:
        try:
            codes[raw] = declared_code(raw)
        except InvalidFieldError:
            continue  # the row is rejected, and said so, already
    checks = await declarations_repository.check_codes(list(
        {code.key: code for code in codes.values()}.values()))
    warnings = []
    for location, _name, column, raw in listed:
        if raw not in codes:
            continue
        check = checks[codes[raw].key]
        for warning in check.warnings:
            file, sheet, row = _where(location)
            warnings.append(RowProblem(file=file, sheet=sheet, row=row, column=column,
                                       field="standards", value=raw, reason=warning.message,
                                       severity="warning", problem=warning.kind.value))
    return warnings


def _problems(report: DeclarationImportReport) -> list[RowProblem]:
    found = []
    for rejection in report.rejected:
        file, sheet, row = _where(rejection["location"])
        details = rejection.get("problems") or [{"field": None, "column": None, "value": "",
                                                  "reason": rejection["reason"],
                                                  "problem": "row"}]
        for detail in details:
            found.append(RowProblem(file=file, sheet=sheet, row=row, column=detail["column"],
                                    field=detail["field"], value=detail["value"],
                                    reason=detail["reason"], severity="error",
                                    problem=detail["problem"]))
    return found


async def preview_uploads(uploads: Sequence[Upload], *, account_id: int | None,
                          uscc: str | None, settings: Settings, actor: str
                          ) -> DeclarationPreview:
    """Dry-run the import of ``uploads`` and keep them for a commit.

    Args:
        uscc: an enterprise's own upload (rows of another enterprise are errors).

    Raises:
        ImporterError: a file is unreadable or has no header row.
    """
    now = dt.datetime.now(dt.UTC)
    with _written(uploads, settings) as paths:
        report = await import_declarations([path for path, _ in paths], actor=actor,
                                           archive_dir=settings.archive_dir, dry_run=True,
                                           only_uscc=uscc,
                                           display_names=dict(paths))
        rejected = {(r["file"], r["location"]) for r in report.rejected}
        warnings = await _standing_warnings(paths, rejected)
    problems = sorted([*_problems(report), *warnings], key=_row_key)
    token = await uploads_repository.hold(
        [HeldFile(u.name, hashlib.sha256(u.content).hexdigest(), u.content) for u in uploads],
        account_id=account_id, uscc=uscc, now=now)
    rows = sum(int(f.get("records") or 0) for f in report.files)
    return DeclarationPreview(
        preview_id=token, expires_at=now + dt.timedelta(hours=uploads_repository.PREVIEW_HOURS),
        files=[{k: v for k, v in f.items() if k != "archived_as"} for f in report.files],
        rows=rows, rejected_rows=len(rejected), created=report.created,
        updated=report.updated, unchanged=report.unchanged, problems=problems,
        conflicts=report.conflicts, tallies=report.tallies)


async def commit_preview(token: str, *, account_id: int | None, staff: bool,
                         settings: Settings, actor: str) -> DeclarationImportReport:
    """Import the files of a preview (once).

    Raises:
        RecordNotFound: no such preview (or expired), or it is another account's.
        StateError: it was committed already.
        ImporterError: a file became unreadable (cannot happen for a file that previewed).
    """
    now = dt.datetime.now(dt.UTC)
    upload = await uploads_repository.held(token, now)
    if not staff and upload.account_id != account_id:
        raise RecordNotFound(f"no preview {token}")
    if not await uploads_repository.claim(token, now):
        raise StateError(f"preview {token} was committed already")
    try:
        with _written([Upload(f.name, f.content) for f in upload.files], settings) as paths:
            report = await import_declarations([path for path, _ in paths], actor=actor,
                                               archive_dir=settings.archive_dir,
                                               only_uscc=upload.uscc, display_names=dict(paths))
    except ImporterError:
        await uploads_repository.release(token)
        raise
    if report.batch_id is not None:
        await uploads_repository.committed(token, report.batch_id)
    return report


@contextmanager
def _written(uploads: Sequence[Upload], settings: Settings) -> Iterator[list[tuple[Path, str]]]:
    """The uploads as files in a temporary folder under STDTRACK_HOME (each in its own
    folder: names may repeat), removed after: ``[(path, name)]``."""
    settings.home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.home, prefix="preview-") as folder:
        paths = []
        for index, upload in enumerate(uploads):
            place = Path(folder) / str(index)
            place.mkdir()
            path = place / (Path(upload.name).name or "upload")
            path.write_bytes(upload.content)
            paths.append((path, upload.name))
        yield paths
