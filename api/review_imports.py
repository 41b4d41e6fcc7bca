"""Review-file imports (docs/reviews.md): CSV/TSV/XLSX rows of 标准号, 复审日期, 复审结论 and
备注 -> reviews of local standards; import record, archive, report (docs/json.md shape).

It spans reading (the bounded header-table readers, date forms) and adoption, so it lives in
api/. Re-importing a file changes nothing: a standard has one review per day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio

from adoption import reviews_repository
from adoption.errors import InvalidFieldError
from adoption.reviews import ReviewRow
from api.header_tables import (
    TableImportReport,
    TableReading,
    TableSpec,
    open_tables,
    read_table,
)
from api.imports import archive
from importers.errors import MappingError
from importers.mapping import parse_date
from standards.settings import ReadLimits

CHUNK_ROWS = 500

HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("标准号", "标准编号", "编号", "code"),
    "reviewed_on": ("复审日期", "复审时间", "reviewed_on", "review date"),
    "conclusion": ("复审结论", "结论", "conclusion"),
    "note": ("备注", "说明", "note"),
}
REQUIRED = ("code", "reviewed_on", "conclusion")
SPEC = TableSpec(HEADERS, REQUIRED, "docs/reviews.md")


def read_reviews(path: Path, name: str, limits: ReadLimits | None = None) -> TableReading:
    """Open a review file (rows stream).

    Raises:
        UnreadableFileError: empty, binary, damaged, over a read limit, or no header row.
    """
    return read_table(path, name, SPEC, limits)


class ReviewImportReport(TableImportReport):
    """The import report of docs/json.md (a row is a review)."""

    __slots__ = ()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _chunks(table: TableReading) -> Iterator[list[tuple[str, dict[str, Any], str | None]]]:
    chunk: list[tuple[str, dict[str, Any], str | None]] = []
    for row in table.rows:
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _resolved(name: str, chunk: list[tuple[str, dict[str, Any], str | None]],
                    rejected: list[dict[str, Any]], today: dt.date) -> list[ReviewRow]:
    rows: list[ReviewRow] = []
    for location, cells, problem in chunk:
        if problem is not None:
            rejected.append({"file": name, "location": location, "reason": problem})
            continue
        try:
            missing = [f for f in REQUIRED if f not in cells]
            if missing:
                raise InvalidFieldError(missing[0], "", f"缺少 {HEADERS[missing[0]][0]} "
                                        f"(the {missing[0]} is required)")
            parsed = parse_date(cells["reviewed_on"], "reviewed_on")
            if parsed is None:
                raise InvalidFieldError("reviewed_on", "", "缺少复审日期 (the date is required)")
            rows.append(await reviews_repository.resolve_review(
                location, _cell_text(cells["code"]), parsed.value,
                _cell_text(cells["conclusion"]), _cell_text(cells.get("note", "")), today))
        except (InvalidFieldError, MappingError) as exc:
            rejected.append({"file": name, "location": location, "reason": str(exc)})
    return rows


async def import_reviews(
    paths: list[Path],
    *,
    actor: str,
    archive_dir: Path,
    display_names: dict[Path, str] | None = None,
    limits: ReadLimits | None = None,
    today: dt.date | None = None,
) -> ReviewImportReport:
    """Import review files; re-importing the same files changes nothing.

    Raises:
        ImporterError: a file is unreadable or has no header row (nothing was written), or
            is found damaged or over a read limit part-way (the rows before were written).
    """
    now = dt.datetime.now(dt.UTC)
    today = today or dt.date.today()
    readings = await anyio.to_thread.run_sync(
        open_tables, paths, display_names or {}, limits, read_reviews)
    report = ReviewImportReport()
    report.batch_id = await reviews_repository.create_import(
        files=[{"name": name, "sha256": checksum} for _, name, _, checksum in readings],
        actor=actor, started_at=now)
    source = f"import {report.batch_id}"
    try:
        for path, name, table, checksum in readings:
            archived = await anyio.to_thread.run_sync(archive, path, checksum, archive_dir, now)
            records = 0
            chunks = _chunks(table)
            while (chunk := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
                records += len(chunk)
                rows = await _resolved(name, chunk, report.rejected, today)
                outcomes = await reviews_repository.write_reviews(
                    rows, source=source, recorded_by=actor, now=now) if rows else []
                for outcome in outcomes:
                    setattr(report, outcome.action, getattr(report, outcome.action) + 1)
            report.files.append({
                "name": name, "format": table.format, "source": "reviews", "sha256": checksum,
                "archived_as": str(archived), "records": records,
                "ignored_columns": table.ignored_columns})
    finally:
        await reviews_repository.finish_import(report.batch_id, report=report.as_dict())
    return report
