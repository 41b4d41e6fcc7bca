"""Drafting-plan imports (docs/formats.md §3): CSV/TSV/XLSX plan files -> validated rows -> drafting
projects and their stage history; import record, archive, report (docs/json.md).

It spans reading (importers' text decoding and date forms) and adoption, so it lives in api/.
Re-importing a file changes nothing; a row with a later stage adds that stage to the history.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio

from adoption import drafting_repository
from adoption.domains import parse_domains
from adoption.drafting import DraftingRow, parse_kind, parse_stage
from adoption.errors import InvalidFieldError
from adoption.fields import (
    MAX_CODE_LENGTH,
    check_day,
    check_past_day,
    check_text,
    latest_plan_day,
)
from adoption.regions import normalize_region
from adoption.vocab import DraftingStage, ProjectKind
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
from standards.codes import try_parse_code
from standards.repository import catalogue_key
from standards.settings import ReadLimits

CHUNK_ROWS = 1000

HEADERS: dict[str, tuple[str, ...]] = {
    "plan_no": ("计划编号", "计划号", "项目编号", "计划项目编号", "plan_no", "plan number"),
    "plan_year": ("计划年度", "年度", "plan_year", "year"),
    "title": ("项目名称", "标准名称", "title"),
    "kind": ("制修订", "制定/修订", "制修订类型", "类型", "kind"),
    "revises": ("代替标准", "被代替标准", "修订标准号", "revises"),
    "region": ("行政区划代码", "地区代码", "region"),
    "domain": ("领域", "所属领域", "domain"),
    "proposer": ("提出单位", "提出部门", "proposer"),
    "drafters": ("起草单位", "承担单位", "drafters"),
    "deadline": ("完成期限", "完成时间", "完成日期", "deadline"),
    "stage": ("阶段", "项目阶段", "进度", "stage"),
    "stage_on": ("阶段日期", "日期", "stage_on"),
    "code": ("标准号", "标准编号", "code"),
}
REQUIRED = ("plan_no", "title")


SPEC = TableSpec(HEADERS, REQUIRED, "docs/formats.md §3")


def read_plan(path: Path, name: str, limits: ReadLimits | None = None) -> TableReading:
    """Open a plan file (its rows stream; rows of one plan number apply in file order).

    Raises:
        UnreadableFileError: empty, binary, damaged, over a read limit, or no header row.
    """
    return read_table(path, name, SPEC, limits)


# ------------------------------------------------------------------------------------------
# Cells -> a validated row
# ------------------------------------------------------------------------------------------


def _text(cells: dict[str, Any], key: str, limit: int) -> str | None:
    value = cells.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(check_text(unicodedata.normalize("NFKC", str(value)), key).split())
    if len(text) > limit:
        raise InvalidFieldError(key, text[:40] + "…", f"超过 {limit} 字 (longer than {limit})")
    return text or None


FIRST_PLAN_YEAR = 1980  # local standards (and their plans) began in the 1980s


def _year(value: Any, today: dt.date) -> int | None:
    """计划年度: from FIRST_PLAN_YEAR to next year (a plan is issued before its year)."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("年")
    if text.endswith(".0"):
        text = text[:-2]
    last = today.year + 1
    if not (text.isascii() and text.isdigit() and len(text) == 4
            and FIRST_PLAN_YEAR <= int(text) <= last):
        raise InvalidFieldError("plan_year", value, f"计划年度应为 {FIRST_PLAN_YEAR}–{last} 年 "
                                f"(a year from {FIRST_PLAN_YEAR} to {last})")
    return int(text)


def _code(cells: dict[str, Any], key: str) -> tuple[str | None, str | None]:
    text = _text(cells, key, MAX_CODE_LENGTH)
    if text is None:
        return None, None
    parsed = try_parse_code(text)
    if parsed is None:
        raise InvalidFieldError(key, text, "不是标准号 is not a standard code")
    return text, catalogue_key(parsed)


def map_row(location: str, cells: dict[str, Any], today: dt.date | None = None) -> DraftingRow:
    """A plan row as a DraftingRow; its dates plausible as of ``today`` (adoption.fields: a
    stage reached by today, a deadline at most 20 years ahead).

    Raises:
        InvalidFieldError, MappingError: naming the field and the value.
    """
    today = today or dt.date.today()
    plan_no = _text(cells, "plan_no", 100)
    if plan_no is None:
        raise InvalidFieldError("plan_no", "", "缺少计划编号 (the plan number is required)")
    if "region" not in cells:
        raise InvalidFieldError("region", "", "缺少行政区划代码 (the region code is required)")
    raw_region = cells["region"]
    if isinstance(raw_region, float) and raw_region.is_integer():
        raw_region = int(raw_region)
    region = normalize_region(raw_region, "region")
    plan_year = _year(cells.get("plan_year"), today)
    stage = parse_stage(cells["stage"]) if "stage" in cells else DraftingStage.INITIATED
    parsed_on = parse_date(cells.get("stage_on"), "stage_on")
    stage_on = check_past_day(parsed_on.value, "stage_on", today) if parsed_on else None
    if stage_on is None:
        if stage is not DraftingStage.INITIATED or plan_year is None:
            raise InvalidFieldError("stage_on", "", f"阶段 {cells.get('stage', stage.value)} "
                                    "缺少阶段日期 (the stage needs its date)")
        stage_on = dt.date(plan_year, 1, 1)  # 立项 with the plan: its year's first day
    deadline_parsed = parse_date(cells.get("deadline"), "deadline")
    deadline = (check_day(deadline_parsed.value, "deadline", latest_plan_day(today))
                if deadline_parsed else None)
    if stage is DraftingStage.POSTPONED and deadline is None:
        raise InvalidFieldError("deadline", "", "延期须给出新的完成期限 (a postponement needs "
                                "the new deadline in 完成期限)")
    revises, revises_key = _code(cells, "revises")
    code, code_key = _code(cells, "code")
    kind = parse_kind(cells["kind"]) if "kind" in cells else None
    if kind is None and revises_key:
        kind = ProjectKind.REVISION
    domain_text = _text(cells, "domain", 200)
    return DraftingRow(
        location=location, plan_no=plan_no, title=_text(cells, "title", 1000),
        plan_year=plan_year, kind=kind, revises=revises, revises_key=revises_key,
        region_code=region,
        domains=tuple(parse_domains(domain_text)) if domain_text is not None else None,
        domain_label=domain_text, proposer=_text(cells, "proposer", 300),
        drafters=_text(cells, "drafters", 2000), deadline=deadline, stage=stage,
        stage_on=stage_on, code=code, code_key=code_key)


# ------------------------------------------------------------------------------------------
# The import
# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DraftingImportReport(TableImportReport):
    """The import report of docs/json.md (a row is a plan row), with the projects it touched."""

    projects: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        # slotted dataclasses are rebuilt classes: the base is named, not reached by super()
        return {**TableImportReport.as_dict(self), "projects": len(set(self.projects))}


def _mapped_chunks(name: str, table: TableReading, rejected: list[dict[str, Any]]
                   ) -> Iterator[tuple[int, list[DraftingRow]]]:
    """``(rows read, mapped rows)`` per chunk of the file, in file order; rows that cannot be
    mapped go to ``rejected``."""
    read = 0
    rows: list[DraftingRow] = []
    for location, cells, problem in table.rows:
        read += 1
        if problem is not None:
            rejected.append({"file": name, "location": location, "reason": problem})
            continue
        try:
            rows.append(map_row(location, cells))
        except (InvalidFieldError, MappingError) as exc:
            rejected.append({"file": name, "location": location, "reason": str(exc)})
        if len(rows) >= CHUNK_ROWS:
            yield read, rows
            read, rows = 0, []
    if read:
        yield read, rows


async def import_drafting_plans(
    paths: list[Path],
    *,
    actor: str,
    archive_dir: Path,
    display_names: dict[Path, str] | None = None,
    limits: ReadLimits | None = None,
    progress: Callable[[int], None] | None = None,
) -> DraftingImportReport:
    """Import drafting-plan files (docs/formats.md §3); re-importing the same files changes nothing.

    ``progress`` is told how many rows each chunk read.

    Raises:
        ImporterError: a file is unreadable or has no header row (nothing was written), or
            is found damaged or over a read limit part-way (the rows before were written).
    """
    now = dt.datetime.now(dt.UTC)
    readings = await anyio.to_thread.run_sync(
        open_tables, paths, display_names or {}, limits, read_plan)
    report = DraftingImportReport()
    report.batch_id = await drafting_repository.create_import(
        files=[{"name": name, "sha256": checksum} for _, name, _, checksum in readings],
        actor=actor, started_at=now)
    source = f"import {report.batch_id}"
    try:
        for path, name, table, checksum in readings:
            archived = await anyio.to_thread.run_sync(archive, path, checksum, archive_dir, now)
            records = 0
            chunks = _mapped_chunks(name, table, report.rejected)
            # each chunk is read and mapped in a thread: the event loop keeps answering
            while (item := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
                read, chunk = item
                records += read
                if progress:
                    progress(read)
                outcomes = await drafting_repository.write_rows(
                    chunk, source=source, now=now) if chunk else []
                for row, outcome in zip(chunk, outcomes, strict=True):
                    if outcome.action == "rejected":
                        report.rejected.append({"file": name, "location": row.location,
                                                "reason": outcome.reason})
                        continue
                    setattr(report, outcome.action, getattr(report, outcome.action) + 1)
                    if outcome.project_id is not None:
                        report.projects.append(outcome.project_id)
            report.files.append({
                "name": name, "format": table.format, "source": "drafting-plan",
                "sha256": checksum, "archived_as": str(archived), "records": records,
                "ignored_columns": table.ignored_columns})
    finally:
        await drafting_repository.finish_import(report.batch_id, report=report.as_dict())
    return report
