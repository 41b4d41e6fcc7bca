"""The bulk self-declaration pipeline (DESIGN §6.2): CSV/TSV/XLSX files -> validated rows ->
enterprises, products, declarations and their alerts; import record, archive, report.

It spans reading (importers' text decoding and date forms) and adoption, so it lives in api/.
One row per product; the standards cell lists every standard the product follows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio

from adoption import repository
from adoption.errors import InvalidFieldError
from adoption.fields import (
    DeclaredCode,
    clean_label,
    declared_code,
    parse_flag,
    parse_key_fields,
    split_list,
)
from adoption.indicator_queries import ensure_facts
from adoption.regions import normalize_region
from adoption.schemas import DeclarationRow, EnterpriseFacts, ProductFacts
from adoption.uscc import normalize_uscc
from api import header_tables
from api.header_tables import TableReading, TableSpec
from api.imports import archive, sha256_of
from importers.errors import MappingError, UnreadableFileError
from importers.mapping import parse_date
from standards.settings import ReadLimits

CHUNK_ROWS = 5000
log = logging.getLogger("stdtrack.imports")
ProgressCallback = Callable[[int], None]
T = TypeVar("T")

HEADERS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc"),
    "enterprise": ("企业名称", "enterprise"),
    "region": ("行政区划代码", "region"),
    "sector": ("行业", "sector"),
    "key_fields": ("重点领域", "key_fields"),
    "product": ("产品名称", "product"),
    "model": ("产品型号", "model"),
    "category": ("产品分类", "category"),
    "main": ("主要产品", "main"),
    "standards": ("执行标准", "standards"),
    "declared_on": ("公开日期", "declared_on"),
}
REQUIRED = ("uscc", "product")


SPEC = TableSpec(HEADERS, REQUIRED, "DESIGN §6.2")


def read_table(path: Path, name: str, limits: ReadLimits | None = None) -> TableReading:
    """Read a declaration file, the format told by its content (XLSX is a zip)."""
    return header_tables.read_table(path, name, SPEC, limits)


# ------------------------------------------------------------------------------------------
# Rows -> validated declaration rows
# ------------------------------------------------------------------------------------------


class RowMapper:
    """Turns a table row into a DeclarationRow, remembering each distinct USCC, region and code
    it has checked (a file repeats them thousands of times)."""

    def __init__(self) -> None:
        self._usccs: dict[str, str | InvalidFieldError] = {}
        self._regions: dict[str, str | InvalidFieldError] = {}
        self._codes: dict[str, DeclaredCode | InvalidFieldError] = {}

    @staticmethod
    def _remembered(cache: dict[str, Any], raw: str, check: Callable[[str], T]) -> T:
        found = cache.get(raw)
        if found is None:
            try:
                found = check(raw)
            except InvalidFieldError as exc:
                found = exc
            cache[raw] = found
        if isinstance(found, InvalidFieldError):
            raise found
        return found  # type: ignore[no-any-return]

    def map(self, location: str, cells: dict[str, Any]) -> DeclarationRow:
        """Raises: InvalidFieldError or MappingError naming the field and the value."""
        uscc = self._remembered(self._usccs, str(cells.get("uscc", "")), normalize_uscc)
        region_raw = cells.get("region")
        region = (self._remembered(self._regions, str(region_raw), normalize_region)
                  if region_raw is not None else None)
        enterprise = EnterpriseFacts(
            uscc=uscc,
            name=clean_label(cells["enterprise"], "enterprise", 300) or None
            if "enterprise" in cells else None,
            region_code=region,
            sector=clean_label(cells["sector"], "sector", 100) if "sector" in cells else None,
            key_fields=parse_key_fields(str(cells["key_fields"]))
            if "key_fields" in cells else None,
        )
        product = ProductFacts(
            name=clean_label(cells.get("product"), "product", 300, required=True),
            model=clean_label(cells.get("model", ""), "model", 200),
            category=clean_label(cells["category"], "category", 200)
            if "category" in cells else None,
            main=parse_flag(cells["main"]) if "main" in cells else None,
            sector=enterprise.sector,
        )
        codes = tuple(dict.fromkeys(
            self._remembered(self._codes, raw, declared_code)
            for raw in split_list(str(cells.get("standards", "")))))
        declared = parse_date(cells.get("declared_on"), "declared_on")
        return DeclarationRow(location=location, enterprise=enterprise, product=product,
                              codes=_unique_keys(codes),
                              declared_on=declared.value if declared else None)


def _unique_keys(codes: Sequence[DeclaredCode]) -> tuple[DeclaredCode, ...]:
    """One code per catalogue key (``GB/T 1-2020`` and ``GBT1-2020`` in one cell): the first."""
    first: dict[str, DeclaredCode] = {}
    for code in codes:
        first.setdefault(code.key, code)
    return tuple(first.values())


# ------------------------------------------------------------------------------------------
# The import
# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DeclarationImportReport:
    """The import report of DESIGN §11 (rows are counted: a row is a product), with the
    counts per kind of record beside it."""

    files: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    batch_id: int | None = None
    aborted: str | None = None
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected,
                "conflicts": self.conflicts, "batch_id": self.batch_id, "dry_run": False,
                "strict": False, "aborted": self.aborted, **self.tallies}


@dataclass(slots=True)
class _Batch:
    rows: list[DeclarationRow]
    rejected: list[dict[str, Any]]
    size: int


def _batches(name: str, reading: TableReading, mapper: RowMapper) -> Iterator[_Batch]:
    batch = _Batch([], [], 0)
    try:
        for location, cells, problem in reading.rows:
            batch.size += 1
            if problem is not None:
                batch.rejected.append({"file": name, "location": location, "reason": problem})
                continue
            try:
                batch.rows.append(mapper.map(location, cells))
            except (InvalidFieldError, MappingError) as exc:
                batch.rejected.append({"file": name, "location": location, "reason": str(exc)})
            if batch.size >= CHUNK_ROWS:
                yield batch
                batch = _Batch([], [], 0)
    except UnreadableFileError:
        if batch.size:  # the rows read before the damage are written too
            yield batch
        raise
    if batch.size:
        yield batch


async def _read_ahead(items: Iterator[T]) -> AsyncIterator[T]:
    """The next item prepared in a worker thread while the caller writes the current one."""

    def next_item() -> T | None:
        return next(items, None)

    pending = asyncio.ensure_future(anyio.to_thread.run_sync(next_item))
    try:
        while (item := await pending) is not None:
            pending = asyncio.ensure_future(anyio.to_thread.run_sync(next_item))
            yield item
    finally:
        if not pending.done():
            await asyncio.wait([pending])
        if not pending.cancelled() and pending.exception() is not None:
            # the writer stopped first (its error is the one raised); the reader's own
            # failure, if any, is dropped here rather than reported as never retrieved
            log.debug("read-ahead stopped: %s", pending.exception())


async def import_declarations(
    paths: list[Path],
    *,
    actor: str,
    archive_dir: Path,
    progress: ProgressCallback | None = None,
    display_names: dict[Path, str] | None = None,
    limits: ReadLimits | None = None,
) -> DeclarationImportReport:
    """Import self-declaration files; re-importing the same files changes nothing.

    Raises:
        ImporterError: a file is unreadable or has no header row (raised before anything of
            it is written, except for damage found after earlier rows were stored: those are
            kept and the report says where the file stopped).
    """
    now = dt.datetime.now(dt.UTC)
    readings = []
    for path in paths:
        name = (display_names or {}).get(path, path.name)
        # opening a workbook checks and parses it: never on the event loop
        reading, checksum = await anyio.to_thread.run_sync(_open, path, name, limits)
        readings.append((path, name, reading, checksum))
    report = DeclarationImportReport()
    report.batch_id = await repository.create_import(
        files=[{"name": name, "sha256": checksum} for _, name, _, checksum in readings],
        actor=actor, started_at=now)
    writer = repository.DeclarationImportWriter(import_id=report.batch_id, now=now)
    mapper = RowMapper()
    try:
        for path, name, reading, checksum in readings:
            archived = await anyio.to_thread.run_sync(archive, path, checksum, archive_dir, now)
            count = 0
            try:
                async for batch in _read_ahead(_batches(name, reading, mapper)):
                    count += batch.size
                    report.rejected.extend(batch.rejected)
                    outcomes = await writer.write(batch.rows)
                    _count(report, name, batch.rows, outcomes)
                    if progress:
                        progress(batch.size)
            finally:
                report.files.append({
                    "name": name, "format": reading.format, "source": "declarations",
                    "sha256": checksum, "archived_as": str(archived), "records": count,
                    "ignored_columns": reading.ignored_columns})
        turned = await writer.finish()  # rows whose product lost declarations they omit
        report.unchanged -= turned
        report.updated += turned
        # indicator facts follow now, so the first indicator query after an import is fast
        await ensure_facts()
    except UnreadableFileError as exc:
        kept = report.created + report.updated + report.unchanged
        stopped = UnreadableFileError(
            exc.file_name, f"{exc.problem}; 此前的 {kept} 行已保存在导入 {report.batch_id} (the "
            f"{kept} rows before it were kept in import {report.batch_id})")
        report.aborted = str(stopped)
        raise stopped from exc
    finally:
        report.tallies = writer.tallies.as_dict()
        await repository.finish_import(report.batch_id, report=report.as_dict())
    return report


def _open(path: Path, name: str, limits: ReadLimits | None) -> tuple[TableReading, str]:
    return read_table(path, name, limits), sha256_of(path)


def _count(report: DeclarationImportReport, name: str, rows: list[DeclarationRow],
           outcomes: list[repository.RowOutcome]) -> None:
    for row, outcome in zip(rows, outcomes, strict=True):
        if outcome.action == "rejected":
            report.rejected.append({"file": name, "location": row.location,
                                    "reason": outcome.reason})
            continue
        if outcome.action == "created":
            report.created += 1
        elif outcome.action == "updated":
            report.updated += 1
        else:
            report.unchanged += 1
        for conflict in outcome.conflicts:
            report.conflicts.append({"file": name, "location": row.location, **conflict})
