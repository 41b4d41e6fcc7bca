"""The bulk self-declaration pipeline (docs/formats.md §2): CSV/TSV/XLSX files -> validated rows ->
enterprises, products, declarations and their alerts; import record, archive, report.

It spans reading (importers' text decoding and date forms) and adoption, so it lives in api/.
One row per product; the standards cell lists every standard the product follows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio

from adoption import repository
from adoption.db import writing
from adoption.errors import InvalidFieldError
from adoption.fields import (
    DeclaredCode,
    check_past_day,
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
from api.read_worker import DECLARATIONS, WORKER_THRESHOLD, ReaderProcess, fewer_collections
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


SPEC = TableSpec(HEADERS, REQUIRED, "docs/formats.md §2")


def read_table(path: Path, name: str, limits: ReadLimits | None = None) -> TableReading:
    """Read a declaration file, the format told by its content (XLSX is a zip)."""
    return header_tables.read_table(path, name, SPEC, limits)


# ------------------------------------------------------------------------------------------
# Rows -> validated declaration rows
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellProblem:
    """One cell of a row that breaks its rule: the field, the value as written, and why."""

    field: str
    value: str
    reason: str
    problem: str = "invalid"  # or "other_enterprise": an enterprise's upload naming another


class RowRejected(ValueError):
    """A row with one or more cell problems (every one of them, not just the first)."""

    def __init__(self, problems: list[CellProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.reason for problem in problems))


class RowMapper:
    """Turns a table row into a DeclarationRow, remembering each distinct USCC, region and code
    it has checked (a file repeats them thousands of times).

    Args:
        only_uscc: an enterprise's own upload: a row naming another enterprise is refused.
        today: the last day a declaration may be dated (today by default).
    """

    def __init__(self, only_uscc: str | None = None, today: dt.date | None = None) -> None:
        self.only_uscc = only_uscc
        self._today = today or dt.date.today()
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
        """Raises: RowRejected naming every field that breaks its rule, with its value."""
        problems: list[CellProblem] = []

        def checked(name: str, check: Callable[[], T]) -> T | None:
            try:
                return check()
            except (InvalidFieldError, MappingError) as exc:
                raw = cells.get(name)
                problems.append(CellProblem(name, "" if raw is None else str(raw), str(exc)))
                return None

        raw_uscc = str(cells.get("uscc", ""))
        uscc = checked("uscc", lambda: self._remembered(self._usccs, raw_uscc, normalize_uscc))
        if uscc is not None and self.only_uscc is not None and uscc != self.only_uscc:
            problems.append(CellProblem("uscc", raw_uscc, (
                f"uscc: {raw_uscc!r} 不是本企业的统一社会信用代码 is not your enterprise's "
                f"credit code ({self.only_uscc})"), "other_enterprise"))
        region_raw = cells.get("region")
        region = (checked("region", lambda: self._remembered(
            self._regions, str(region_raw), normalize_region))
                  if region_raw is not None else None)
        name = checked("enterprise", lambda: clean_label(cells["enterprise"], "enterprise", 300)
                       ) if "enterprise" in cells else None
        sector = checked("sector", lambda: clean_label(cells["sector"], "sector", 100)
                         ) if "sector" in cells else None
        key_fields = checked("key_fields", lambda: parse_key_fields(str(cells["key_fields"]))
                             ) if "key_fields" in cells else None
        product = checked("product", lambda: clean_label(cells.get("product"), "product", 300,
                                                         required=True))
        model = checked("model", lambda: clean_label(cells.get("model", ""), "model", 200))
        category = checked("category", lambda: clean_label(cells["category"], "category", 200)
                           ) if "category" in cells else None
        main = checked("main", lambda: parse_flag(cells["main"])) if "main" in cells else None
        codes: list[DeclaredCode] = []
        for raw in split_list(str(cells.get("standards", ""))):
            try:
                codes.append(self._remembered(self._codes, raw, declared_code))
            except InvalidFieldError as exc:
                problems.append(CellProblem("standards", raw, str(exc)))
        declared = checked("declared_on", lambda: parse_date(cells.get("declared_on"),
                                                             "declared_on"))
        declared_on = checked("declared_on", lambda: check_past_day(
            declared.value, "declared_on", self._today)) if declared else None
        if problems:
            raise RowRejected(problems)
        assert uscc is not None and product is not None and model is not None
        enterprise = EnterpriseFacts(uscc=uscc, name=name or None, region_code=region,
                                     sector=sector, key_fields=key_fields)
        facts = ProductFacts(name=product, model=model, category=category, main=main,
                             sector=sector)
        return DeclarationRow(location=location, enterprise=enterprise, product=facts,
                              codes=_unique_keys(tuple(dict.fromkeys(codes))),
                              declared_on=declared_on)


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
    """The import report of docs/json.md (rows are counted: a row is a product), with the
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
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected,
                "conflicts": self.conflicts, "batch_id": self.batch_id,
                "dry_run": self.dry_run, "strict": False, "aborted": self.aborted,
                **self.tallies}


@dataclass(slots=True)
class _Batch:
    rows: list[DeclarationRow]
    rejected: list[dict[str, Any]]
    size: int


def _problem(reading: TableReading, field_name: str, value: str, reason: str,
             problem: str = "invalid") -> dict[str, str]:
    return {"field": field_name, "column": reading.columns.get(field_name, HEADERS[field_name][0]),
            "value": value, "reason": reason, "problem": problem}


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
            except RowRejected as exc:
                batch.rejected.append({
                    "file": name, "location": location, "reason": str(exc),
                    "problems": [_problem(reading, p.field, p.value, p.reason, p.problem)
                                 for p in exc.problems]})
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
        with fewer_collections():  # as the catalogue import (api/read_worker.py)
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


class _Overlapped:
    """The one chunk being written in the background: started once the chunk before it is
    written, and counted (``then``) only when its transaction committed."""

    def __init__(self) -> None:
        self._task: asyncio.Future[None] | None = None
        self._then: Callable[[], object] | None = None

    def start(self, work: Awaitable[None], then: Callable[[], object]) -> None:
        assert self._task is None, "one chunk at a time"
        self._task, self._then = asyncio.ensure_future(work), then

    async def written(self) -> None:
        """Wait for the chunk being written (its error, if any, is raised here)."""
        task, then = self._task, self._then
        if task is None:
            return
        self._task = self._then = None
        await task
        assert then is not None
        then()

    async def settle(self) -> None:
        """After a failure elsewhere: the chunk being written, if any, ends before the import
        does (its transaction commits or rolls back on its own) and is counted if it
        committed; its own error, if any, is logged (the failure is the one raised)."""
        task, then, self._task, self._then = self._task, self._then, None, None
        if task is None:
            return
        await asyncio.wait([task])
        if task.cancelled() or task.exception() is not None:
            log.debug("chunk write stopped: %s", "cancelled" if task.cancelled()
                      else task.exception())
        elif then is not None:
            then()


class _RolledBack(Exception):
    """Ends a dry run's transaction (everything it wrote is rolled back)."""

    def __init__(self, report: DeclarationImportReport) -> None:
        super().__init__("dry run")
        self.report = report


async def import_declarations(
    paths: list[Path],
    *,
    actor: str,
    archive_dir: Path,
    progress: ProgressCallback | None = None,
    display_names: dict[Path, str] | None = None,
    dry_run: bool = False,
    only_uscc: str | None = None,
    limits: ReadLimits | None = None,
) -> DeclarationImportReport:
    """Import self-declaration files; re-importing the same files changes nothing.

    Args:
        dry_run: run the whole import in one transaction and roll it back: the report says
            what the import would do (counts, rejections, conflicts), nothing is kept and no
            file is archived.
        only_uscc: an enterprise's own upload: rows naming another enterprise are rejected.
        limits: what a file may hold (defaults: ``ReadLimits()``).

    Raises:
        ImporterError: a file is unreadable or has no header row (raised before anything of
            it is written, except for damage found after earlier rows were stored: those are
            kept and the report says where the file stopped).
    """
    if not dry_run:
        return await _import(paths, actor=actor, archive_dir=archive_dir, progress=progress,
                             display_names=display_names, only_uscc=only_uscc, dry_run=False,
                             limits=limits)
    try:
        async with writing():
            report = await _import(paths, actor=actor, archive_dir=archive_dir,
                                   progress=progress, display_names=display_names,
                                   only_uscc=only_uscc, dry_run=True, limits=limits)
            raise _RolledBack(report)
    except _RolledBack as done:
        done.report.batch_id = None
        done.report.dry_run = True
        return done.report


async def _import(
    paths: list[Path],
    *,
    actor: str,
    archive_dir: Path,
    progress: ProgressCallback | None,
    display_names: dict[Path, str] | None,
    only_uscc: str | None,
    dry_run: bool,
    limits: ReadLimits | None,
) -> DeclarationImportReport:
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
    mapper = RowMapper(only_uscc, now.date())
    # large files are read and mapped in a second process (on the other core) while this
    # one writes: in a thread, reading and writing took turns holding the interpreter lock
    large = [(path, name) for path, name, _, _ in readings
             if path.stat().st_size >= WORKER_THRESHOLD]
    reader = (ReaderProcess(large, limits, kind=DECLARATIONS, options=(only_uscc, now.date()))
              if large else None)
    job = 0
    # on PostgreSQL the next chunk is decided while the database writes this one
    overlapped = _Overlapped() if writer.overlaps() else None
    try:
        for path, name, reading, checksum in readings:
            archived = (None if dry_run else await anyio.to_thread.run_sync(
                archive, path, checksum, archive_dir, now))
            count = 0
            if reader is not None and (path, name) in large:
                batches: Iterator[_Batch] = reader.batches(job)
                job += 1
                close = getattr(reading.rows, "close", None)
                if close is not None:  # this process read only the header: close the file
                    close()
            else:
                batches = _batches(name, reading, mapper)
            try:
                async for batch in _read_ahead(batches):
                    count += batch.size
                    report.rejected.extend(batch.rejected)
                    if overlapped is None:
                        outcomes = await writer.write(batch.rows)
                        _written(report, name, reading, batch, outcomes, progress)
                        continue
                    pending, outcomes = await writer.decide(batch.rows)
                    await overlapped.written()  # the chunk before: its ids are needed now
                    overlapped.start(writer.flush(pending), functools.partial(
                        _written, report, name, reading, batch, outcomes, progress))
                if overlapped is not None:
                    await overlapped.written()
            finally:
                report.files.append({
                    "name": name, "format": reading.format, "source": "declarations",
                    "sha256": checksum, "archived_as": str(archived) if archived else None,
                    "records": count, "ignored_columns": reading.ignored_columns})
        turned = await writer.finish()  # rows whose product lost declarations they omit
        report.unchanged -= turned
        report.updated += turned
        if not dry_run:
            # indicator facts follow now, so the first indicator query after an import is fast
            await ensure_facts()
    except UnreadableFileError as exc:
        if overlapped is not None:  # the rows read before the damage: written and counted
            await overlapped.settle()
        kept = report.created + report.updated + report.unchanged
        stopped = UnreadableFileError(
            exc.file_name, f"{exc.problem}; 此前的 {kept} 行已保存在导入 {report.batch_id} (the "
            f"{kept} rows before it were kept in import {report.batch_id})")
        report.aborted = str(stopped)
        raise stopped from exc
    finally:
        if overlapped is not None:
            await overlapped.settle()
        if reader is not None:
            reader.close()
        report.tallies = writer.tallies.as_dict()
        await repository.finish_import(report.batch_id, report=report.as_dict())
    return report


def _open(path: Path, name: str, limits: ReadLimits | None) -> tuple[TableReading, str]:
    return read_table(path, name, limits), sha256_of(path)


def _written(report: DeclarationImportReport, name: str, reading: TableReading, batch: _Batch,
             outcomes: list[repository.RowOutcome], progress: ProgressCallback | None) -> None:
    """A chunk's transaction committed: its rows are counted and reported."""
    _count(report, name, reading, batch.rows, outcomes)
    if progress:
        progress(batch.size)


def _count(report: DeclarationImportReport, name: str, reading: TableReading,
           rows: list[DeclarationRow], outcomes: list[repository.RowOutcome]) -> None:
    for row, outcome in zip(rows, outcomes, strict=True):
        if outcome.action == "rejected":
            reason = outcome.reason or ""
            report.rejected.append({"file": name, "location": row.location, "reason": reason,
                                    "problems": [_problem(reading, field_name, "", reason,
                                                          "required_for_new_enterprise")
                                                 for field_name in outcome.fields]})
            continue
        if outcome.action == "created":
            report.created += 1
        elif outcome.action == "updated":
            report.updated += 1
        else:
            report.unchanged += 1
        for conflict in outcome.conflicts:
            report.conflicts.append({"file": name, "location": row.location, **conflict})
