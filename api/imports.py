"""The catalogue import pipeline: files -> readers -> upsert -> batch record, archive, report.

It spans packages (importers read, standards store, search re-indexes), so it lives in api/.
Files are opened, checksummed and read off the event loop (threads, or the reader process for
large ones). A file that cannot be read, or stops part-way, is reported and the others are
imported; what was written before a failure is kept, counted and indexed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio

from adoption.domains_repository import follow_catalogue
from adoption.goals_repository import store_leader_days
from adoption.indicator_queries import rebuild_facts
from adoption.repository import refresh_alerts
from api import search_service
from api.read_worker import (
    WORKER_THRESHOLD,
    PreparedBatch,
    ReaderProcess,
    fewer_collections,
    prepare_batch,
)
from importers import FileReading, ReadOutcome, read_file
from importers.errors import ImporterError, UnreadableFileError
from importers.schemas import RowNote
from standards import batch_repository, queries, repository
from standards.codes import try_parse_code
from standards.merge import json_value
from standards.prepare import PreparedRecord, catalogue_key
from standards.repository import UpsertOutcome
from standards.settings import ReadLimits, Settings
from standards.vocab import BatchState

BATCH_SIZE = 2000
ProgressCallback = Callable[[int], None]
log = logging.getLogger("stdtrack.imports")


@dataclass(slots=True)
class ImportOptions:
    fmt: str | None = None
    column_map: dict[str, str] | None = None
    dry_run: bool = False
    strict: bool = False
    actor: str = "cli"
    limits: ReadLimits = field(default_factory=ReadLimits)


@dataclass(slots=True)
class ImportReport:
    """The import report (docs/json.md), accumulated over the files of one import.

    ``warnings`` come first: what the import would lose without a word (a list whose columns
    map to no title, unread columns of dates or codes, standards created without a title).
    ``rejected_fields`` are single values dropped from rows that are otherwise kept;
    ``row_warnings`` rows kept as given although their dates contradict each other.
    """

    files: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    batch_id: int | None = None
    dry_run: bool = False
    strict: bool = False
    aborted: str | None = None  # why nothing was written (--strict) or a file stopped early
    state: BatchState = BatchState.RUNNING
    failures: list[str] = field(default_factory=list)  # one line per file that failed
    touched_ids: list[int] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    rejected_fields: list[dict[str, Any]] = field(default_factory=list)
    row_warnings: list[dict[str, Any]] = field(default_factory=list)
    untitled: dict[str, int] = field(default_factory=dict)  # file -> created without a title
    _conflict_at: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "warnings": self.warnings,
            "files": self.files,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rejected_fields": self.rejected_fields,
            "row_warnings": self.row_warnings,
            "conflicts": self.conflicts,
            "batch_id": self.batch_id,
            "dry_run": self.dry_run,
            "strict": self.strict,
            "aborted": self.aborted,
            "state": self.state.value,
            "failures": self.failures,
        }

    def file_failed(self, name: str, exc: ImporterError, records: int, kept: int) -> None:
        """A file that could not be read at all (``records`` 0) or stopped part-way: its
        reason goes to ``rejected`` and ``failures``; the rows written before are kept."""
        # the messages name the file first; the report says which file beside them
        problem = exc.problem if isinstance(exc, UnreadableFileError) else \
            str(exc).removeprefix(f"{name}: ")
        if records:
            line = (f"{name}: 读到第 {records} 条后中止 (stopped after {records} records): "
                    f"{problem}")
            if not self.dry_run:
                line += (f"; 此前的 {kept} 条已保存在导入批次 {self.batch_id} (the {kept} "
                         f"rows before it were kept in batch {self.batch_id})")
        else:
            line = f"{name}: 无法读取，未导入 (not imported): {problem}"
        self.rejected.append({"file": name, "location": f"{name}:file", "reason": problem})
        self.failures.append(line)
        self.aborted = self.aborted or line

    def add(self, name: str, locations: list[str], outcomes: list[UpsertOutcome],
            records: Sequence[PreparedRecord] = ()) -> None:
        untitled = 0
        for position, (location, outcome) in enumerate(zip(locations, outcomes, strict=True)):
            if outcome.action == "rejected":
                self.rejected.append(
                    {"file": name, "location": location, "reason": outcome.reason})
                continue
            if outcome.action == "created":
                self.created += 1
                if position < len(records) and not _titled(records[position]):
                    untitled += 1
            elif outcome.action == "updated":
                self.updated += 1
            else:
                self.unchanged += 1
            if outcome.id is not None and outcome.action in ("created", "updated"):
                self.touched_ids.append(outcome.id)
            for conflict in outcome.conflicts:
                self._add_conflict(name, location, outcome.key, conflict)
        if untitled:
            self.untitled[name] = self.untitled.get(name, 0) + untitled

    def _add_conflict(self, name: str, location: str, code: str | None, conflict: Any) -> None:
        """One entry per disagreement: the same one met again (a row listed twice, a file
        imported with others saying the same) counts ``times``."""
        kept, offered = json_value(conflict.kept), json_value(conflict.offered)
        key = (code, conflict.field, repr(kept), conflict.kept_source, repr(offered),
               conflict.offered_source)
        seen = self._conflict_at.get(key)
        if seen is not None:
            seen["times"] = seen.get("times", 1) + 1
            return
        entry = {"file": name, "location": location, "code": code, "field": conflict.field,
                 "kept": kept, "kept_source": conflict.kept_source, "offered": offered,
                 "offered_source": conflict.offered_source}
        self._conflict_at[key] = entry
        self.conflicts.append(entry)

    def add_notes(self, name: str, notes: Sequence[tuple[str, RowNote]]) -> None:
        """Dropped values and contradictory dates of accepted rows."""
        for location, note in notes:
            row = {"file": name, "location": location, "field": note.field,
                   "value": note.value, "reason": note.reason}
            if note.kind == "rejected_field":
                self.rejected_fields.append(row)
            else:
                self.row_warnings.append({**row, "kind": note.kind})

    def add_file_warnings(self, reading: FileReading, name: str) -> None:
        self.warnings.extend(reading.warnings(name))

    def close_warnings(self) -> None:
        """Standards created without a title, per file, join the warnings."""
        for name, count in self.untitled.items():
            self.warnings.append({
                "file": name, "kind": "untitled", "count": count,
                "message": f"{name}: {count} 条标准没有名称 ({count} standards were created "
                           "without a title)",
            })
        self.untitled.clear()


def _titled(record: PreparedRecord) -> bool:
    return bool(record.offered.get("title_zh") or record.offered.get("title_en"))


def parse_column_map(pairs: str | Sequence[str] | None) -> dict[str, str] | None:
    """``HEADER=field`` pairs (``--column`` / the upload's ``column`` field) as a mapping.

    Raises:
        ValueError: a pair is not of that form (the message names it).
    """
    given = [pairs] if isinstance(pairs, str) else list(pairs or [])
    mapping = {}
    for pair in given:
        header, sep, target = pair.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise ValueError(f"column {pair!r}: expected HEADER=field, e.g. 标准代号=code")
        mapping[header.strip()] = target.strip()
    return mapping or None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive(path: Path, checksum: str, archive_dir: Path, now: dt.datetime) -> Path:
    """Keep the original file under STDTRACK_HOME/imports/YYYY/MM/<sha256>-<name>."""
    target_dir = archive_dir / f"{now:%Y}" / f"{now:%m}"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{checksum[:16]}-{path.name}"
    if not target.exists():
        shutil.copyfile(path, target)
    return target


def _batches(outcomes: Iterator[ReadOutcome], size: int) -> Iterator[PreparedBatch]:
    batch: list[ReadOutcome] = []
    try:
        for outcome in outcomes:
            batch.append(outcome)
            if len(batch) >= size:
                yield prepare_batch(batch)
                batch = []
    except ImporterError:
        if batch:  # the rows read before the damage are written too
            yield prepare_batch(batch)
        raise
    if batch:
        yield prepare_batch(batch)


def _uses_worker(path: Path, options: ImportOptions) -> bool:
    """Large files are read in the worker process (strict imports read everything first)."""
    return not options.strict and path.stat().st_size >= WORKER_THRESHOLD


async def _read_ahead(batches: Iterator[PreparedBatch]) -> AsyncIterator[PreparedBatch]:
    """Prepared batches, the next one read and prepared in a worker thread while the caller
    writes the current one: the database drivers release the interpreter lock while the
    database works, so preparing and writing overlap."""

    def next_batch() -> PreparedBatch | None:
        return next(batches, None)

    pending = asyncio.ensure_future(anyio.to_thread.run_sync(next_batch))
    try:
        with fewer_collections():
            while (batch := await pending) is not None:
                pending = asyncio.ensure_future(anyio.to_thread.run_sync(next_batch))
                yield batch
    finally:
        if not pending.done():
            # let the reader finish its batch before the file is closed under it
            await asyncio.wait([pending])
        if not pending.cancelled() and pending.exception() is not None:
            # the writer stopped first (its error is the one raised); the reader's own
            # failure, if any, is dropped here rather than reported as never retrieved
            log.debug("read-ahead stopped: %s", pending.exception())


def _strict_problems(name: str, outcomes: list[ReadOutcome]) -> list[dict[str, Any]]:
    """Every row a strict import would reject, found without writing anything: rejected rows
    and rows that would lose a value."""
    problems = []
    for outcome in outcomes:
        if outcome.record is None:
            problems.append({"file": name, "location": outcome.location, "reason": outcome.reason})
        elif try_parse_code(outcome.record.code) is None:
            problems.append({"file": name, "location": outcome.location,
                             "reason": f"not a standard code: {outcome.record.code!r}"})
        else:
            problems.extend({"file": name, "location": outcome.location, "reason": note.reason}
                            for note in outcome.notes if note.kind == "rejected_field")
    return problems


async def _untitled_new(name: str, outcomes: list[ReadOutcome]) -> list[dict[str, Any]]:
    """Rows of a strict import that would create a standard without a title."""
    untitled: dict[str, str] = {}
    for outcome in outcomes:
        record = outcome.record
        if record is None or record.title_zh or record.title_en:
            continue
        parsed = try_parse_code(record.code)
        if parsed is not None:
            untitled.setdefault(catalogue_key(parsed), outcome.location)
    titled = {catalogue_key(parsed) for outcome in outcomes
              if outcome.record is not None and (outcome.record.title_zh or outcome.record.title_en)
              and (parsed := try_parse_code(outcome.record.code)) is not None}
    wanted = [key for key in untitled if key not in titled]
    stored = await repository.resolve_keys(wanted) if wanted else {}
    return [{"file": name, "location": untitled[key],
             "reason": f"{key}: 没有标准名称，将创建无名称的标准 (no title: the standard would be "
                       "created without one)"}
            for key in wanted if key not in stored]


def _open(path: Path, options: ImportOptions) -> tuple[FileReading, str]:
    """Detect, open and checksum one file (blocking: run it in a thread)."""
    reading = read_file(path, options.fmt, options.column_map, options.limits)
    return reading, sha256_of(path)


async def import_files(
    paths: list[Path],
    options: ImportOptions,
    archive_dir: Path,
    *,
    progress: ProgressCallback | None = None,
    display_names: dict[Path, str] | None = None,
    report: ImportReport | None = None,
) -> ImportReport:
    """Import catalogue files; returns the report (the caller runs :func:`after_import`).

    ``report``, when given, is the report filled as the import goes (a background job reads
    its counts for its progress); ``progress`` is told how many records each batch read.

    A file that cannot be read, or stops part-way (cut short, over a limit, its reader gone),
    is reported in ``rejected`` and ``failures`` and its entry in ``files`` carries ``error``;
    the other files are imported and the batch is recorded as failed. Rows written before a
    failure are kept and counted.

    Raises:
        ImporterError: no file could be read at all, or ``--strict`` and a file cannot be read
            (nothing was written).
        DatabaseError: the database failed or stayed busy (the batch is recorded as failed).
    """
    now = dt.datetime.now(dt.UTC)
    if report is None:
        report = ImportReport()
    report.dry_run, report.strict = options.dry_run, options.strict
    # in the order given: (path, name, reading, checksum, outcomes) or (.., the refusal)
    inputs: list[tuple[Path, str, Any, str | None, Any]] = []
    refusals: list[ImporterError] = []
    for path in paths:
        name = (display_names or {}).get(path, path.name)
        try:
            opened, digest = await anyio.to_thread.run_sync(_open, path, options)
        except ImporterError as exc:
            if options.strict:
                raise
            refusals.append(exc)
            inputs.append((path, name, None, None, exc))
            continue
        report.add_file_warnings(opened, name)
        inputs.append((path, name, opened, digest, iter(opened)))
    if len(refusals) == len(inputs):
        if len(refusals) == 1:
            raise refusals[0]
        raise ImporterError("; ".join(str(exc) for exc in refusals))

    if options.strict:
        materialized = []
        for path, name, reading, checksum, _ in inputs:
            read_all = await anyio.to_thread.run_sync(list, reading)
            report.rejected.extend(_strict_problems(name, read_all))
            report.rejected.extend(await _untitled_new(name, read_all))
            materialized.append((path, name, reading, checksum, read_all))
        if report.rejected or report.warnings:
            report.aborted = ("--strict: nothing was written because some rows were rejected"
                              if report.rejected else
                              "--strict: nothing was written because of the warnings")
            report.state = BatchState.FAILED
            for _path, name, reading, checksum, read_all in materialized:
                report.files.append(_file_entry(name, reading, checksum, None, len(read_all)))
            return report
        inputs = [(p, n, r, c, iter(o)) for p, n, r, c, o in materialized]

    batch_id = None
    if not options.dry_run:
        batch_id = await repository.create_batch(
            files=[{"name": name, "sha256": checksum} for _, name, _, checksum, _ in inputs],
            actor=options.actor, strict=options.strict, started_at=now)
    report.batch_id = batch_id

    large = [(p, r) for p, _, r, _, _ in inputs if r is not None and _uses_worker(p, options)]
    reader = (ReaderProcess([(p, r.format, options.column_map) for p, r in large],
                            options.limits) if large else None)
    job = 0
    beaten = time.monotonic()
    try:
        for path, name, reading, checksum, outcomes in inputs:
            if reading is None:
                report.file_failed(name, outcomes, 0, 0)
                report.files.append({
                    "name": name, "format": None, "source": None, "sha256": None,
                    "archived_as": None, "records": 0, "ignored_columns": [],
                    "error": report.rejected[-1]["reason"]})
                continue
            assert checksum is not None
            if reader is not None and _uses_worker(path, options):
                batches = reader.batches(job)
                job += 1
            else:
                batches = _batches(outcomes, BATCH_SIZE)
            archived = None if options.dry_run else await anyio.to_thread.run_sync(
                archive, path, checksum, archive_dir, now)
            count = kept = 0
            try:
                async for batch in _read_ahead(batches):
                    count += batch.size
                    for location, reason in batch.rejected:
                        report.rejected.append(
                            {"file": name, "location": location, "reason": reason})
                    report.add_notes(name, batch.notes)
                    results = await repository.upsert_standards(
                        batch.records, batch_id=batch_id, dry_run=options.dry_run, now=now)
                    kept += sum(1 for result in results if result.action != "rejected")
                    report.add(name, batch.locations, results, batch.records)
                    if progress:
                        progress(batch.size)
                    if batch_id is not None and \
                            time.monotonic() - beaten > batch_repository.HEARTBEAT_SECONDS:
                        await batch_repository.beat(batch_id)
                        beaten = time.monotonic()
            except ImporterError as exc:
                report.file_failed(name, exc, count, kept)
                entry = _file_entry(name, reading, checksum, archived, count)
                entry["error"] = report.rejected[-1]["reason"]
                report.files.append(entry)
                continue
            report.files.append(_file_entry(name, reading, checksum, archived, count))
        report.state = BatchState.FAILED if report.failures else BatchState.FINISHED
    except BaseException as exc:
        report.state = BatchState.FAILED
        report.aborted = report.aborted or f"导入中止 / the import stopped: {exc}"
        raise
    finally:
        report.close_warnings()
        if reader is not None:
            reader.close()
        if batch_id is not None:
            await _finish_batch(batch_id, report)
    return report


def _file_entry(name: str, reading: Any, checksum: str | None, archived: Path | None,
                records: int) -> dict[str, Any]:
    return {
        "name": name,
        "format": reading.format,
        "source": reading.source,
        "sha256": checksum,
        "archived_as": str(archived) if archived else None,
        "records": records,
        "ignored_columns": list(reading.ignored_columns),
        "unread_columns": [column.as_dict() for column in reading.unread_columns],
    }


async def _finish_batch(batch_id: int, report: ImportReport) -> None:
    """Record how the batch ended, even while the import is being cancelled. When that fails
    too (the database is gone or busy), the batch stays "running" with this process's id and
    reads as interrupted once the process is gone; the import's own error is the one raised."""
    failing = report.state is not BatchState.FINISHED
    with anyio.CancelScope(shield=True):
        try:
            await batch_repository.finish_batch(
                batch_id, files=report.files, created=report.created, updated=report.updated,
                unchanged=report.unchanged, rejected=len(report.rejected),
                report=report.as_dict(), state=report.state,
                message=(report.aborted or "") if failing else "")
        except Exception as exc:
            if not failing:
                raise
            log.warning("import batch %s could not be recorded as failed: %s", batch_id, exc)


async def store_days_after(report: Any) -> dict[str, Any] | None:
    """The leader's past days stored again after an import that wrote (their indicators,
    ``adoption.goals_repository.store_leader_days``): the step every import ends with, by
    job or command, so the first dashboard after it reads them. A dry run writes nothing."""
    if getattr(report, "dry_run", False):
        return None
    return await store_leader_days()


async def after_import(settings: Settings, report: ImportReport) -> dict[str, Any]:
    """Keep derived data in step with what an import touched, and with what earlier imports
    that died (killed, cut off) left unindexed: those rows are indexed now too.

    Returns what the search index did (see ``search_service.reindex_standards``).
    """
    if report.dry_run:
        return {"mode": "none", "documents": 0}
    ids = list(report.touched_ids)
    await batch_repository.settle_interrupted()
    current = [report.batch_id] if report.batch_id is not None else []
    pending = await batch_repository.unindexed_batches(exclude=current)
    if pending:
        since = min(batch["started_at"] for batch in pending)
        ids.extend(await queries.ids_changed_since(since))
    indexed: dict[str, Any] = {"mode": "none", "documents": 0}
    if ids:
        # the search index follows the catalogue (never fails the import: problems are logged)
        indexed = await search_service.reindex_standards(ids, settings)
    if indexed["mode"] != "failed":
        await batch_repository.mark_indexed(current + [batch["id"] for batch in pending])
    if not ids:
        return indexed
    # declarations: unresolved codes resolve, undated ones follow new editions, alerts follow
    await refresh_alerts()
    # domains of the touched standards; drafting projects link to standards that arrived
    await follow_catalogue(ids)
    # indicator facts: editions' dates, successors and adoptions may have changed
    await rebuild_facts()
    return indexed
