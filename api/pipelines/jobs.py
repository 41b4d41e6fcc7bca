"""Background jobs: what each kind of job does, and how it is queued.

A job's input files live in the database (``job_file``), so any worker on any host can run it;
the runner writes them to a temporary folder under its own STDTRACK_HOME and calls the same
import code as ``stdtrack import`` and ``POST /api/imports``, with a progress callback. The
worker loop that claims and runs jobs is :mod:`api.pipelines.worker`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import anyio

from adoption.goals_repository import store_leader_days
from adoption.indicator_queries import rebuild_facts
from api import search_service
from api.declaration_imports import import_declarations
from api.drafting_imports import import_drafting_plans
from api.exports import Table, columns, to_csv, to_xlsx
from api.imports import (
    ImportOptions,
    ImportReport,
    after_import,
    import_files,
    store_days_after,
)
from api.uploads import safe_filename
from standards import job_repository, queries
from standards.settings import Settings


class JobKind(StrEnum):
    CATALOGUE_IMPORT = "catalogue-import"
    DECLARATIONS_IMPORT = "declarations-import"
    PLANS_IMPORT = "plans-import"
    INDEX_REBUILD = "index-rebuild"
    INDICATOR_RECOMPUTE = "indicator-recompute"
    EXPORT = "export"


IMPORT_KINDS = {"catalogue": JobKind.CATALOGUE_IMPORT,
                "declarations": JobKind.DECLARATIONS_IMPORT,
                "plans": JobKind.PLANS_IMPORT}
LINE_COUNTED = (".csv", ".tsv", ".txt", ".jsonl", ".ndjson")


class JobStopped(Exception):
    """Raised in a running job at its next progress step once staff asked it to stop: an
    import stops between two batches it wrote, never inside a write."""

    def __init__(self) -> None:
        super().__init__("已按请求取消 / cancelled on request")


@dataclass(slots=True)
class JobProgress:
    """What a running job has done so far; the worker writes it with each heartbeat and sets
    ``stop_requested`` when the job is to be cancelled."""

    read: int = 0
    created: int = 0
    rejected: int = 0
    total: int | None = None
    batch_id: int | None = None
    report: ImportReport | None = field(default=None, repr=False)
    stop_requested: bool = False

    def advance(self, records: int) -> None:
        """Count ``records`` more read (the import's progress callback).

        Raises:
            JobStopped: the job was asked to stop.
        """
        self.counted(records)
        if self.stop_requested:
            raise JobStopped

    def counted(self, records: int = 0) -> None:
        self.read += records
        if self.report is not None:
            self.created = self.report.created
            self.rejected = len(self.report.rejected)
            self.batch_id = self.report.batch_id


def count_records(name: str, content: bytes) -> int | None:
    """Records in a line-based file (one per line, less the header of a table), where that
    can be known cheaply; None otherwise (workbooks, XML, JSON documents)."""
    lower = name.lower()
    if lower.endswith(".gz"):
        return None
    if not lower.endswith(LINE_COUNTED) or not content:
        return None
    lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
    header = 0 if lower.endswith((".jsonl", ".ndjson")) else 1
    return max(0, lines - header)


def _written(folder: Path, files: list[dict[str, Any]]) -> tuple[list[Path], dict[Path, str]]:
    paths, names = [], {}
    for index, item in enumerate(files):
        target = folder / str(index) / safe_filename(item["name"])
        target.parent.mkdir()
        target.write_bytes(bytes(item["content"]))
        paths.append(target)
        names[target] = item["name"]
    return paths, names


Runner = Callable[[dict[str, Any], Settings, JobProgress, list[Path], dict[Path, str]],
                  Awaitable[dict[str, Any]]]


async def _catalogue(job: dict[str, Any], settings: Settings, progress: JobProgress,
                     paths: list[Path], names: dict[Path, str]) -> dict[str, Any]:
    params = job["params"]
    options = ImportOptions(fmt=params.get("format") or None,
                            column_map=params.get("column_map") or None,
                            dry_run=bool(params.get("dry_run")), strict=bool(params.get("strict")),
                            actor=f"job {job['id']}:{job['created_by']}",
                            limits=settings.read_limits)
    progress.report = ImportReport()
    try:
        report = await import_files(paths, options, settings.archive_dir,
                                    progress=progress.advance, display_names=names,
                                    report=progress.report)
    except JobStopped:
        # the rows written before the stop are kept: they are searchable before the job ends
        await after_import(settings, progress.report)
        raise
    progress.counted()
    indexed = await after_import(settings, report)
    return {**report.as_dict(), "index": indexed, "stored_days": await store_days_after(report)}


async def _declarations(job: dict[str, Any], settings: Settings, progress: JobProgress,
                        paths: list[Path], names: dict[Path, str]) -> dict[str, Any]:
    report = await import_declarations(
        paths, actor=f"job {job['id']}:{job['created_by']}", archive_dir=settings.archive_dir,
        progress=progress.advance, display_names=names, limits=settings.read_limits)
    return {**report.as_dict(), "stored_days": await store_days_after(report)}


async def _plans(job: dict[str, Any], settings: Settings, progress: JobProgress,
                 paths: list[Path], names: dict[Path, str]) -> dict[str, Any]:
    report = await import_drafting_plans(
        paths, actor=f"job {job['id']}:{job['created_by']}", archive_dir=settings.archive_dir,
        display_names=names, limits=settings.read_limits, progress=progress.advance)
    return report.as_dict()


async def _index_rebuild(job: dict[str, Any], settings: Settings, progress: JobProgress,
                         paths: list[Path], names: dict[Path, str]) -> dict[str, Any]:
    report = await search_service.rebuild_index(settings)
    progress.read = report.documents
    return report.model_dump(mode="json")


async def _indicator_recompute(job: dict[str, Any], settings: Settings, progress: JobProgress,
                               paths: list[Path], names: dict[Path, str]) -> dict[str, Any]:
    started = dt.datetime.now(dt.UTC)
    await rebuild_facts()
    return {"recomputed": True,
            "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
            "stored_days": await store_leader_days()}


CATALOGUE_EXPORT_COLUMNS = columns(
    ("code", "标准号 code"), ("title_zh", "标准名称 title"), ("title_en", "英文名称 English title"),
    ("level", "层级 level"), ("published_on", "发布日期 published"),
    ("implemented_on", "实施日期 implemented"), ("withdrawn_on", "废止日期 withdrawn"),
    ("ics", "ICS"), ("ccs", "CCS"), ("department", "主管部门 department"))
EXPORT_TABLES = {"catalogue": CATALOGUE_EXPORT_COLUMNS}


async def _export(job: dict[str, Any], settings: Settings, progress: JobProgress,
                  paths: list[Path], names: dict[Path, str]) -> dict[str, Any]:
    """The whole catalogue as CSV or XLSX (cells made safe by api/exports.py), kept as the
    job's output file."""
    fmt = "xlsx" if job["params"].get("format") == "xlsx" else "csv"
    progress.total = await queries.count_standards()
    rows: list[dict[str, Any]] = []
    async for chunk in queries.stream_index_sources():
        for source in chunk:
            rows.append({
                "code": source.code, "title_zh": source.title_zh, "title_en": source.title_en,
                "level": source.level, "published_on": source.published_on,
                "implemented_on": source.implemented_on, "withdrawn_on": source.withdrawn_on,
                "ics": list(source.ics), "ccs": source.ccs, "department": source.department})
        progress.read = len(rows)
    table = Table(name="catalogue", columns=CATALOGUE_EXPORT_COLUMNS, rows=rows)
    content = await anyio.to_thread.run_sync(to_xlsx if fmt == "xlsx" else to_csv, table)
    name = f"catalogue-{dt.date.today().isoformat()}.{fmt}"
    await job_repository.add_output(job["id"], name, content)
    return {"rows": len(rows), "file": name, "size": len(content), "format": fmt}


RUNNERS: dict[str, Runner] = {
    JobKind.CATALOGUE_IMPORT: _catalogue,
    JobKind.DECLARATIONS_IMPORT: _declarations,
    JobKind.PLANS_IMPORT: _plans,
    JobKind.INDEX_REBUILD: _index_rebuild,
    JobKind.INDICATOR_RECOMPUTE: _indicator_recompute,
    JobKind.EXPORT: _export,
}


async def run_job(job: dict[str, Any], settings: Settings, progress: JobProgress
                  ) -> dict[str, Any]:
    """Run one claimed job to its report (raises what the work raised)."""
    runner = RUNNERS[JobKind(job["kind"])]
    files = await job_repository.job_files(job["id"])
    if not files:
        return await runner(job, settings, progress, [], {})
    settings.home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.home, prefix=f"job-{job['id']}-") as tmp:
        paths, names = await anyio.to_thread.run_sync(_written, Path(tmp), files)
        return await runner(job, settings, progress, paths, names)


async def queue_import(kind: str, files: list[tuple[str, bytes]], params: dict[str, Any], *,
                       created_by: str) -> dict[str, Any]:
    """Queue an import of uploaded files (kind: catalogue, declarations or plans)."""
    counts = [count_records(name, content) for name, content in files]
    total = None if any(count is None for count in counts) else sum(c or 0 for c in counts)
    return await job_repository.create_job(IMPORT_KINDS[kind], params, created_by=created_by,
                                           files=files, total=total)

