"""The database side of drafting projects: plan rows written idempotently, stage history,
postponements and cancellations, links to the published standard (by code or plan number) and
to the standard a revision replaces, lists and details as of a day, import records."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from adoption import import_records
from adoption.db import adoption_engine, select, write, writing
from adoption.drafting import (
    DraftingProjectPage,
    DraftingProjectRead,
    DraftingRow,
    StageChange,
    StageEntry,
    StageFunnel,
    check_stage_order,
    entry,
    state_at,
)
from adoption.errors import InvalidFieldError, RecordNotFound, StageOrderError
from adoption.regions import region_name
from adoption.vocab import Domain, DraftingStage, ProjectKind
from adoption.watches import ProjectStage
from standards import data_version
from standards import repository as standards_repository
from standards.codes import try_parse_code
from standards.db import MAX_ID, in_list

PLAN_NUMBER_KEYS = ("plannumber", "project_number", "计划编号", "计划号", "项目编号",
                    "计划项目编号")
"""Keys of ``Standard.extra`` where catalogue sources keep the plan number of a standard."""

_COLUMNS = ("plan_no, plan_year, title, kind, revises, revises_key, region_code, domains, "
            "domain_label, proposer, drafters, deadline, code, code_key")


# ------------------------------------------------------------------------------------------
# Plumbing
# ------------------------------------------------------------------------------------------


async def _insert(table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    rows = await write(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id",
                        list(values.values()))
    return int(rows[0]["id"])


def as_day(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


# ------------------------------------------------------------------------------------------
# Reading projects
# ------------------------------------------------------------------------------------------


def _history(rows: list[dict[str, Any]]) -> list[StageEntry]:
    found = [entry(DraftingStage(r["stage"]), as_day(r["stage_on"]) or dt.date.min,
                   as_day(r["deadline"]), r["note"] or "", r["source"] or "") for r in rows]
    return sorted(found, key=lambda e: (e.stage_on, e.stage.value))


async def _histories(ids: Sequence[int]) -> dict[int, list[StageEntry]]:
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    engine = adoption_engine()
    for start in range(0, len(ids), 5000):
        chunk = list(ids[start : start + 5000])
        where, args = in_list(engine, "project", chunk, "int")
        rows = await select("SELECT project, stage, stage_on, deadline, note, source FROM "
                            f"drafting_stage WHERE {where}", args)
        for row in rows:
            found[row["project"]].append(row)
    return {i: _history(rows) for i, rows in found.items()}


def _project(row: dict[str, Any], history: list[StageEntry], as_of: dt.date
             ) -> DraftingProjectRead:
    deadline = as_day(row["deadline"])
    return DraftingProjectRead(
        id=row["id"], plan_no=row["plan_no"], plan_year=row["plan_year"], title=row["title"],
        kind=ProjectKind(row["kind"]), revises=row["revises"],
        revises_standard_id=row["revises_standard"], region_code=row["region_code"],
        region_name=region_name(row["region_code"]) or "",
        domains=[Domain(d) for d in json.loads(row["domains"] or "[]")],
        domain_label=row["domain_label"] or "", proposer=row["proposer"] or "",
        drafters=row["drafters"] or "", deadline=deadline, code=row["code"],
        standard_id=row["standard"], as_of=as_of, state=state_at(history, deadline, as_of),
        history=history)


@dataclass(slots=True)
class ProjectFilters:
    """Filters of the project list; stage and overdue are judged as of ``as_of``."""

    region: str | None = None  # a code prefix: 22, 2201, 220102
    domain: Domain | None = None
    kinds: Sequence[ProjectKind] | None = None
    stage: DraftingStage | None = None
    overdue: bool | None = None
    plan_year: int | None = None
    q: str | None = None


def region_prefix(region: str | None) -> str | None:
    """``220000`` -> ``22``, ``220100`` -> ``2201``: the code prefix a region scope means."""
    if not region:
        return None
    text = region.strip()
    while len(text) > 2 and text.endswith("00"):
        text = text[:-2]
    return text


async def load_projects(filters: ProjectFilters, as_of: dt.date, *,
                        existing_only: bool = False) -> list[DraftingProjectRead]:
    """Every project matching the filters, judged as of ``as_of`` (plan number order);
    ``existing_only`` leaves out projects whose first stage is after that day (they did not
    exist yet: a list as of 2014 shows no project of a 2026 plan)."""
    clauses: list[str] = ["1 = 1"]
    args: list[Any] = []
    prefix = region_prefix(filters.region)
    if prefix:
        clauses.append("region_code >= ? AND region_code < ?")
        args += [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)]
    if filters.domain:
        clauses.append("domains LIKE ?")
        args.append(f'%"{filters.domain.value}"%')
    if filters.kinds:
        kinds = [k.value for k in filters.kinds]
        clauses.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        args += kinds
    if filters.plan_year:
        clauses.append("plan_year = ?")
        args.append(filters.plan_year)
    if filters.q:
        clauses.append("(title LIKE ? OR plan_no LIKE ?)")
        args += [f"%{filters.q}%", f"%{filters.q}%"]
    rows = await select(f"SELECT id, {_COLUMNS}, revises_standard, standard FROM "
                        f"drafting_project WHERE {' AND '.join(clauses)} ORDER BY plan_no", args)
    histories = await _histories([row["id"] for row in rows])
    projects = [_project(row, histories[row["id"]], as_of) for row in rows]
    if existing_only:
        projects = [p for p in projects if p.state.stage is not None]
    if filters.stage:
        projects = [p for p in projects if p.state.stage is filters.stage]
    if filters.overdue is not None:
        projects = [p for p in projects if p.state.overdue is filters.overdue]
    return projects


async def list_projects(filters: ProjectFilters, *, as_of: dt.date | None = None,
                        page: int = 1, page_size: int = 50) -> DraftingProjectPage:
    as_of = as_of or dt.date.today()
    found = await load_projects(filters, as_of, existing_only=True)
    start = (page - 1) * page_size
    return DraftingProjectPage(total=len(found), page=page, page_size=page_size,
                               items=found[start : start + page_size])


async def stage_funnel(filters: ProjectFilters, as_of: dt.date | None = None) -> StageFunnel:
    """How many projects stand at each stage as of a day (a stage funnel): every stage, zero
    when empty, ``not_started`` for projects whose first entry is later; overdue beside."""
    as_of = as_of or dt.date.today()
    found = await load_projects(ProjectFilters(region=filters.region, domain=filters.domain,
                                               kinds=filters.kinds,
                                               plan_year=filters.plan_year), as_of)
    stages = {stage.value: 0 for stage in DraftingStage if stage is not DraftingStage.POSTPONED}
    not_started = postponed = overdue = 0
    for project in found:
        if project.state.stage is None:
            not_started += 1
            continue
        stages[project.state.stage.value] += 1
        postponed += project.state.postponed and project.state.open
        overdue += project.state.overdue
    return StageFunnel(as_of=as_of, total=len(found), stages=stages, not_started=not_started,
                       open_postponed=postponed, overdue=overdue)


async def get_project(key: int | str, as_of: dt.date | None = None) -> DraftingProjectRead:
    """A project by id or plan number, with its history.

    Raises:
        RecordNotFound: no such project.
    """
    column = "id" if isinstance(key, int) else "plan_no"
    rows = await select(f"SELECT id, {_COLUMNS}, revises_standard, standard FROM "
                        f"drafting_project WHERE {column} = ?", [key])
    if not rows:
        raise RecordNotFound(f"没有该制修订项目 no drafting project {key!r}")
    histories = await _histories([rows[0]["id"]])
    return _project(rows[0], histories[rows[0]["id"]], as_of or dt.date.today())


async def find_project(key: str, as_of: dt.date | None = None) -> DraftingProjectRead:
    """A project by plan number (JL2026-001, as printed or in any case), else by id.

    Raises:
        RecordNotFound: no project has that plan number or id.
    """
    text = " ".join(key.split())
    rows = await select("SELECT id FROM drafting_project WHERE plan_no = ? OR UPPER(plan_no) = ?",
                        [text, text.upper()])
    if rows:
        return await get_project(int(rows[0]["id"]), as_of)
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return await get_project(int(text), as_of)
    raise RecordNotFound(f"没有该制修订项目 no drafting project {key!r} (give its plan number, "
                         "e.g. JL2026-001, or its id)")


# ------------------------------------------------------------------------------------------
# Writing plan rows
# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class RowOutcome:
    action: str  # created / updated / unchanged / rejected
    project_id: int | None = None
    reason: str | None = None
    changes: list[str] = field(default_factory=list)


def _offered(row: DraftingRow) -> dict[str, Any]:
    """The project fields a row states (absent cells keep what is stored)."""
    offered: dict[str, Any] = {"region_code": row.region_code}
    for name in ("title", "plan_year", "revises", "revises_key", "domain_label", "proposer",
                 "drafters", "code", "code_key"):
        value = getattr(row, name)
        if value is not None:
            offered[name] = value
    if row.kind is not None:
        offered["kind"] = row.kind.value
    if row.domains is not None:
        offered["domains"] = json.dumps([d.value for d in row.domains])
    if row.deadline is not None and row.stage is not DraftingStage.POSTPONED:
        offered["deadline"] = row.deadline
    return offered


def _same(stored: Any, offered: Any) -> bool:
    if isinstance(offered, dt.date):
        return as_day(stored) == offered
    return bool(stored == offered)


async def _add_entry(project_id: int, stage: DraftingStage, stage_on: dt.date,
                     deadline: dt.date | None, note: str, source: str, now: dt.datetime
                     ) -> str:
    """Record a stage in the history: ``added``, ``changed`` (a postponement's new deadline)
    or ``kept`` (that stage on that day is already there)."""
    rows = await write("SELECT id, deadline FROM drafting_stage WHERE project = ? AND stage = ? "
                        "AND stage_on = ?", [project_id, stage.value, stage_on])
    if rows:
        kept_deadline = as_day(rows[0]["deadline"])
        if stage is DraftingStage.POSTPONED and deadline and kept_deadline != deadline:
            await write("UPDATE drafting_stage SET deadline = ?, recorded_at = ? WHERE id = ?",
                         [deadline, now, rows[0]["id"]])
            return "changed"
        return "kept"
    await _insert("drafting_stage", {
        "project": project_id, "stage": stage.value, "stage_on": stage_on,
        "deadline": deadline if stage is DraftingStage.POSTPONED else None, "note": note,
        "source": source, "recorded_at": now})
    return "added"


async def _refresh_cached_stage(project_ids: Sequence[int], today: dt.date) -> None:
    histories = await _histories(list(project_ids))
    for project_id, history in histories.items():
        state = state_at(history, None, today)
        await write("UPDATE drafting_project SET stage = ?, stage_on = ? WHERE id = ?",
                     [(state.stage or DraftingStage.INITIATED).value, state.stage_on,
                      project_id])


async def write_rows(rows: Sequence[DraftingRow], *, source: str, now: dt.datetime
                     ) -> list[RowOutcome]:
    """Create or update the projects of plan rows, adding each row's stage to the history when
    it is not there yet; rows of one plan number apply in file order. One transaction."""
    outcomes: list[RowOutcome] = []
    touched: set[int] = set()
    async with writing():
        for row in rows:
            existing = await write(f"SELECT id, {_COLUMNS} FROM drafting_project "
                                    "WHERE plan_no = ?", [row.plan_no])
            offered = _offered(row)
            if not existing:
                if row.title is None:
                    outcomes.append(RowOutcome("rejected", reason=f"{row.plan_no}: 新项目缺少"
                                               "项目名称 a new project needs a title"))
                    continue
                values = {"plan_no": row.plan_no, "kind": ProjectKind.NEW.value,
                          "domains": "[]", **offered, "stage": row.stage.value,
                          "stage_on": row.stage_on, "source": source, "created_at": now,
                          "updated_at": now}
                if row.revises_key and "kind" not in offered:
                    values["kind"] = ProjectKind.REVISION.value
                project_id = await _insert("drafting_project", values)
                await _add_entry(project_id, row.stage, row.stage_on, row.deadline, "", source,
                                 now)
                outcomes.append(RowOutcome("created", project_id))
                touched.add(project_id)
                continue
            stored = existing[0]
            project_id = int(stored["id"])
            try:
                check_stage_order(await _history_now(project_id), as_day(stored["deadline"]),
                                  row.stage, row.stage_on, row.deadline)
            except StageOrderError as exc:
                outcomes.append(RowOutcome("rejected", project_id,
                                           reason=f"{row.plan_no}: {exc}"))
                continue
            changes = [name for name, value in offered.items()
                       if not _same(stored[name], value)]
            if "domain_label" in changes and "domains" not in changes:
                changes.remove("domain_label")  # 服务业 or service: the same domains
            if changes:
                sets = ", ".join(f"{name} = ?" for name in changes)
                await write(f"UPDATE drafting_project SET {sets}, updated_at = ? WHERE id = ?",
                             [offered[name] for name in changes] + [now, project_id])
            added = await _add_entry(project_id, row.stage, row.stage_on, row.deadline, "",
                                     source, now)
            if added != "kept":
                changes.append(f"stage {row.stage.value} {row.stage_on.isoformat()}")
            if changes:
                touched.add(project_id)
            outcomes.append(RowOutcome("updated" if changes else "unchanged", project_id,
                                       changes=changes))
        if touched:
            await link_projects(sorted(touched), now=now)
            await _refresh_cached_stage(sorted(touched), now.date())
            await data_version.bump()
    return outcomes


async def record_stage(project_id: int, change: StageChange, *, source: str,
                       now: dt.datetime) -> DraftingProjectRead:
    """Record a stage transition (HTTP, pages, CLI): a later stage, a postponement with its
    new deadline, a cancellation; for 发布 optionally the published standard's code. The
    stage order rule (:func:`adoption.drafting.check_stage_order`) is checked in the write
    transaction; the very entry recorded again changes nothing.

    Raises:
        RecordNotFound: no such project.
        InvalidFieldError: a postponement without a new deadline, a code that is not one.
        StageOrderError: the stage breaks the order (the message names stage and date).
    """
    if change.stage is DraftingStage.POSTPONED and change.deadline is None:
        raise InvalidFieldError("deadline", None, "延期须给出新的完成期限 (a postponement needs "
                                "the new deadline)")
    parsed = None
    if change.code:
        parsed = try_parse_code(change.code)
        if parsed is None:
            raise InvalidFieldError("code", change.code, "不是标准号 is not a standard code")
    async with writing():
        stored = await write("SELECT deadline FROM drafting_project WHERE id = ?", [project_id])
        if not stored:
            raise RecordNotFound(f"没有该制修订项目 no drafting project {project_id!r}")
        check_stage_order(await _history_now(project_id), as_day(stored[0]["deadline"]),
                          change.stage, change.stage_on, change.deadline)
        if change.code and parsed is not None:
            await write("UPDATE drafting_project SET code = ?, code_key = ?, updated_at = ? "
                         "WHERE id = ?", [change.code.strip(),
                                          standards_repository.catalogue_key(parsed), now,
                                          project_id])
        await _add_entry(project_id, change.stage, change.stage_on, change.deadline,
                         change.note, source, now)
        await link_projects([project_id], now=now)
        await _refresh_cached_stage([project_id], now.date())
        await data_version.bump()
    return await get_project(project_id)


async def _history_now(project_id: int) -> list[StageEntry]:
    """A project's history read in the open write transaction."""
    rows = await write("SELECT project, stage, stage_on, deadline, note, source FROM "
                       "drafting_stage WHERE project = ?", [project_id])
    return _history(list(rows))


# ------------------------------------------------------------------------------------------
# Links to the catalogue
# ------------------------------------------------------------------------------------------


def plan_numbers_of(extra: dict[str, Any]) -> list[str]:
    return [str(extra[key]).strip() for key in PLAN_NUMBER_KEYS if extra.get(key)]


async def link_projects(project_ids: Sequence[int] | None = None, *,
                        standard_ids: Sequence[int] | None = None,
                        now: dt.datetime | None = None) -> int:
    """Link projects to their published standard (by code, else by the plan number a catalogue
    source keeps in ``extra``) and revisions to the standard they replace; a newly linked
    project without a 发布 entry gets one on the standard's publication date. Runs after a plan
    import (the projects it touched) and after a catalogue import (every unlinked project).

    Args:
        project_ids: the projects to look at (None: every unlinked one).
        standard_ids: where to look for plan numbers (None: the whole catalogue; after a
            catalogue import, the standards it touched).

    Returns:
        how many links were made.
    """
    now = now or dt.datetime.now(dt.UTC)
    made = 0
    async with writing() as engine:
        where, args = "1 = 1", list[Any]()
        if project_ids is not None:
            if not project_ids:
                return 0
            where, args = in_list(engine, "id", list(project_ids), "int")
        rows = await write(
            f"SELECT id, plan_no, code, code_key, standard, revises_key, revises_standard FROM "
            f"drafting_project WHERE {where} AND (standard IS NULL OR (revises_key IS NOT NULL "
            "AND revises_standard IS NULL))", args)
        if not rows:
            return 0
        unlinked = [r for r in rows if r["standard"] is None]
        by_code = await standards_repository.resolve_keys(
            [r["code_key"] for r in unlinked if r["code_key"]])
        by_plan: dict[str, int] = {}
        if any(not r["code_key"] or r["code_key"] not in by_code for r in unlinked):
            by_plan = await _standards_by_plan_number(standard_ids)
        revised = [r for r in rows if r["revises_key"] and r["revises_standard"] is None]
        families = {}
        for r in revised:
            parsed = try_parse_code(r["revises_key"])
            if parsed is not None and parsed.year is None:
                families[r["revises_key"]] = parsed.family_key
        by_revises = await standards_repository.resolve_keys(
            [r["revises_key"] for r in revised], families=families, today=now.date())
        linked: dict[int, int] = {}
        for r in unlinked:
            found = by_code.get(r["code_key"]) if r["code_key"] else None
            if found is None:
                found = by_plan.get(r["plan_no"])
            if found is not None:
                linked[int(r["id"])] = found
        for project_id, standard_id in linked.items():
            await _link(project_id, standard_id, now)
            made += 1
        for r in revised:
            found = by_revises.get(r["revises_key"])
            if found is not None:
                await write("UPDATE drafting_project SET revises_standard = ? WHERE id = ?",
                             [found, r["id"]])
                made += 1
        if linked:
            await _refresh_cached_stage(sorted(linked), now.date())
    return made


async def _standards_by_plan_number(standard_ids: Sequence[int] | None) -> dict[str, int]:
    """Plan number -> standard id, for catalogue rows whose source carries a plan number."""
    likes = " OR ".join("extra LIKE ?" for _ in PLAN_NUMBER_KEYS)
    args: list[Any] = [f'%"{key}"%' for key in PLAN_NUMBER_KEYS]
    rows: list[dict[str, Any]] = []
    if standard_ids is None:
        rows = await write(f"SELECT id, extra FROM standard WHERE ({likes})", args)
    else:
        ids = list(standard_ids)
        for start in range(0, len(ids), 5000):
            where, more = in_list(adoption_engine(), "id", ids[start : start + 5000], "int")
            rows += await write(f"SELECT id, extra FROM standard WHERE ({likes}) AND {where}",
                                 args + more)
    found: dict[str, int] = {}
    for row in rows:
        for number in plan_numbers_of(json.loads(row["extra"] or "{}")):
            found.setdefault(number, int(row["id"]))
    return found


async def _link(project_id: int, standard_id: int, now: dt.datetime) -> None:
    standard = (await write("SELECT code, normalized_code, published_on, implemented_on "
                             "FROM standard WHERE id = ?", [standard_id]))[0]
    await write("UPDATE drafting_project SET standard = ?, code = COALESCE(code, ?), "
                 "code_key = COALESCE(code_key, ?), updated_at = ? WHERE id = ?",
                 [standard_id, standard["code"], standard["normalized_code"], now, project_id])
    published = as_day(standard["published_on"]) or as_day(standard["implemented_on"])
    await data_version.bump()
    done = await write("SELECT id FROM drafting_stage WHERE project = ? AND stage IN (?, ?)",
                        [project_id, DraftingStage.PUBLISHED.value, DraftingStage.FILED.value])
    if published is not None and not done:
        await _add_entry(project_id, DraftingStage.PUBLISHED, published, None,
                         f"目录收录 {standard['code']} (the catalogue holds it)", "catalogue",
                         now)


# ------------------------------------------------------------------------------------------
# Stages reached, for the watch run
# ------------------------------------------------------------------------------------------


def _moment(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def stages_after(after_id: int, limit: int = 5000) -> list[ProjectStage]:
    """Stage entries recorded after entry id ``after_id`` (imports, HTTP, the catalogue's
    publication), oldest first, with their project's facts: one indexed query."""
    rows = await select(
        "SELECT e.id AS entry_id, e.stage, e.stage_on, e.deadline, e.recorded_at, p.id, "
        "p.plan_no, p.title, p.region_code, p.proposer, p.drafters, p.code, p.revises "
        "FROM drafting_stage e JOIN drafting_project p ON p.id = e.project "
        "WHERE e.id > ? ORDER BY e.id LIMIT ?", [after_id, limit])
    return [ProjectStage(
        entry_id=int(row["entry_id"]), project_id=int(row["id"]), plan_no=row["plan_no"],
        title=row["title"] or "", region_code=row["region_code"] or "",
        proposer=row["proposer"] or "", drafters=row["drafters"] or "", code=row["code"],
        revises=row["revises"], stage=DraftingStage(row["stage"]),
        stage_on=as_day(row["stage_on"]) or dt.date.min, deadline=as_day(row["deadline"]),
        recorded_at=_moment(row["recorded_at"])) for row in rows]


# ------------------------------------------------------------------------------------------
# Import records
# ------------------------------------------------------------------------------------------


async def create_import(*, files: list[dict[str, Any]], actor: str,
                        started_at: dt.datetime) -> int:
    return await import_records.create("drafting_import", files=files, actor=actor,
                                       started_at=started_at)


async def finish_import(import_id: int, *, report: dict[str, Any]) -> None:
    await import_records.finish("drafting_import", import_id, report=report)


async def list_imports(limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    return await import_records.listed("drafting_import", limit, offset)


async def get_import(import_id: int) -> dict[str, Any]:
    """Raises: RecordNotFound: no import has this id."""
    return await import_records.one("drafting_import", import_id)
