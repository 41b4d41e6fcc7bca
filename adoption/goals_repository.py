"""The database side of goals: goals by id or name, what counts for a count goal (catalogue
local standards and published projects the catalogue does not hold yet), the projects in a
goal's scope, and progress and burn-up series assembled from adoption.goals."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from adoption.db import select, writing
from adoption.domains_repository import domains_of_standards
from adoption.drafting import DONE_STAGES, DraftingProjectRead, state_at
from adoption.drafting_repository import (
    ProjectFilters,
    as_day,
    load_projects,
    region_prefix,
)
from adoption.errors import DuplicateError, InvalidFieldError, RecordNotFound
from adoption.goals import (
    LOCAL_STANDARDS,
    LOCAL_STOCK,
    REVIEWED_ON_TIME,
    CountItem,
    GoalInput,
    GoalProgress,
    GoalRead,
    GoalSeries,
    SeriesPoint,
    check_goal,
    count_forecast,
    counted,
    goal_kind,
    month_ends,
    overdue_of,
    pace_window,
    pipeline_of,
    progress_of,
    rate_forecast,
    status_of,
    target_line,
    time_elapsed,
)
from adoption.indicators import (
    TREND_START,
    IndicatorName,
    IndicatorQuery,
    compute_indicator,
    indicator_series,
    store_days,
)
from adoption.reviews_repository import on_time_report, stock_on
from adoption.tables import DraftingProject
from adoption.vocab import Domain, DraftingStage, GoalStatus, ProjectKind
from standards import data_version
from standards.db import MAX_ID, fetch, in_list

_GOAL_COLUMNS = ("id, name, name_en, metric, target, region, domain, kinds, sector, key_field, "
                 "start_on, deadline, note, source, archived_at")


def _goal(row: dict[str, Any]) -> GoalRead:
    kinds = [ProjectKind(k) for k in (row["kinds"] or "").split(",") if k]
    return GoalRead(
        id=row["id"], name=row["name"], name_en=row["name_en"] or "", metric=row["metric"],
        kind=goal_kind(row["metric"]), target=float(row["target"]), region=row["region"],
        domain=Domain(row["domain"]) if row["domain"] else None, kinds=kinds,
        sector=row["sector"], key_field=row["key_field"],
        start_on=as_day(row["start_on"]) or dt.date.min,
        deadline=as_day(row["deadline"]) or dt.date.max, note=row["note"] or "",
        source=row["source"] or "", archived_at=_moment(row.get("archived_at")))


def _moment(value: Any) -> dt.datetime | None:
    """A timestamp as the drivers return it (SQLite: text)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _values(goal: GoalInput) -> dict[str, Any]:
    return {"name": goal.name, "name_en": goal.name_en, "metric": goal.metric,
            "target": goal.target, "region": goal.region,
            "domain": goal.domain.value if goal.domain else None,
            "kinds": ",".join(k.value for k in goal.kinds), "sector": goal.sector,
            "key_field": goal.key_field,
            "start_on": goal.start_on, "deadline": goal.deadline, "note": goal.note}


async def list_goals(*, archived: bool = False) -> list[GoalRead]:
    """Goals in force (``archived``: the archived ones instead)."""
    condition = "IS NOT NULL" if archived else "IS NULL"
    rows = await select(f"SELECT {_GOAL_COLUMNS} FROM goal WHERE archived_at {condition} "
                        "ORDER BY id")
    return [_goal(row) for row in rows]


async def get_goal(key: int | str) -> GoalRead:
    """A goal by id, or by name (Chinese or English).

    Raises:
        RecordNotFound: no goal has that id or name.
    """
    text = str(key).strip()
    if isinstance(key, int) or (text.isascii() and text.isdigit()):  # ("²".isdigit() is True)
        number = int(text)
        rows = (await select(f"SELECT {_GOAL_COLUMNS} FROM goal WHERE id = ?", [number])
                if 0 < number <= MAX_ID else [])
    elif text:  # (a blank key must not match every goal without an English name)
        rows = await select(f"SELECT {_GOAL_COLUMNS} FROM goal WHERE name = ? OR name_en = ? "
                            "ORDER BY id", [text, text])
    else:
        rows = []
    if not rows:
        raise RecordNotFound(f"没有该目标 no goal {key!r}")
    return _goal(rows[0])


async def save_goal(data: GoalInput, *, source: str = "", replace: bool = True,
                    now: dt.datetime | None = None) -> tuple[GoalRead, str]:
    """Create a goal, or update the one of that name: ``(goal, created|updated|unchanged)``.

    Raises:
        InvalidFieldError: see :func:`adoption.goals.check_goal`.
        DuplicateError: the name exists and ``replace`` is False.
    """
    now = now or dt.datetime.now(dt.UTC)
    goal = check_goal(data, now.date())
    values = _values(goal)
    async with writing() as engine:
        rows = await fetch(engine, f"SELECT {_GOAL_COLUMNS} FROM goal WHERE name = ?",
                           [goal.name])
        if rows:
            if not replace:
                raise DuplicateError(f"目标已存在 a goal named {goal.name!r} exists",
                                     existing_id=rows[0]["id"])
            stored = _values(_goal(rows[0]))
            changed = [k for k, v in values.items() if stored[k] != v]
            if not changed:
                return _goal(rows[0]), "unchanged"
            sets = ", ".join(f"{k} = ?" for k in changed)
            await fetch(engine, f"UPDATE goal SET {sets}, updated_at = ? WHERE id = ?",
                        [values[k] for k in changed] + [now, rows[0]["id"]])
            goal_id, action = int(rows[0]["id"]), "updated"
        else:
            columns = [*values, "source", "created_at", "updated_at"]
            inserted = await fetch(
                engine, f"INSERT INTO goal ({', '.join(columns)}) VALUES "
                f"({', '.join('?' for _ in columns)}) RETURNING id",
                [*values.values(), source, now, now])
            goal_id, action = int(inserted[0]["id"]), "created"
        await data_version.bump(engine)
    return await get_goal(goal_id), action


async def update_goal(goal_id: int, changes: dict[str, Any], *,
                      now: dt.datetime | None = None) -> GoalRead:
    """Change the fields of a goal given in ``changes`` (``archived``: archive or bring back),
    validated as a whole like a new goal.

    Raises:
        RecordNotFound: no such goal.
        InvalidFieldError: see :func:`adoption.goals.check_goal`.
        DuplicateError: another goal has the new name.
    """
    now = now or dt.datetime.now(dt.UTC)
    stored = await get_goal(goal_id)
    archived = changes.pop("archived", None)
    try:
        merged = GoalInput.model_validate(
            {**stored.model_dump(include=set(GoalInput.model_fields)), **changes})
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "goal"
        raise InvalidFieldError(name, changes.get(name), error["msg"]) from None
    goal = check_goal(merged, now.date())
    values = _values(goal)
    async with writing() as engine:
        clash = await fetch(engine, "SELECT id FROM goal WHERE name = ? AND id <> ?",
                            [goal.name, goal_id])
        if clash:
            raise DuplicateError(f"目标已存在 a goal named {goal.name!r} exists",
                                 existing_id=clash[0]["id"], field="name", value=goal.name)
        sets = ", ".join(f"{k} = ?" for k in values)
        args: list[Any] = [*values.values(), now]
        archive = ""
        if archived is not None:
            archive = ", archived_at = ?"
            args.append(now if archived else None)
        await fetch(engine, f"UPDATE goal SET {sets}, updated_at = ?{archive} WHERE id = ?",
                    [*args, goal_id])
    return await get_goal(goal_id)


async def delete_goal(goal_id: int) -> GoalRead:
    goal = await get_goal(goal_id)
    async with writing() as engine:
        await fetch(engine, "DELETE FROM goal WHERE id = ?", [goal_id])
        await data_version.bump(engine)
    return goal


# ------------------------------------------------------------------------------------------
# What a count goal counts
# ------------------------------------------------------------------------------------------


def _range(prefix: str) -> tuple[str, str]:
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


async def count_items(goal: GoalRead) -> list[CountItem]:
    """Local standards in the goal's scope published in its window: catalogue standards
    (domain by the rules, the source or the project that produced them; revised when their
    project is a revision or they replace another standard), and published projects whose
    standard the catalogue does not hold yet. Cancelled projects carry their cancellation day.
    Kept under the data version (progress, outcome and series of a goal share them).
    """
    return await data_version.kept(("count_items", goal.model_dump_json()),
                                   lambda: _count_items(goal))


async def _count_items(goal: GoalRead) -> list[CountItem]:
    clauses = ["level = 'local'", "amendment IS NULL",
               "COALESCE(published_on, implemented_on) >= ?",
               "COALESCE(published_on, implemented_on) <= ?"]
    args: list[Any] = [goal.start_on, goal.deadline]
    prefix = region_prefix(goal.region)
    if prefix:
        clauses.append("region_code >= ? AND region_code < ?")
        args += list(_range(prefix))
    rows = await select("SELECT id, code, normalized_code, published_on, implemented_on FROM "
                        f"standard WHERE {' AND '.join(clauses)}", args)
    ids = [int(row["id"]) for row in rows]
    projects = await _projects_of_standards(ids)
    derived = await domains_of_standards(ids) if goal.domain else {}
    revised = await _revisions([row["normalized_code"] for row in rows])
    items: list[CountItem] = []
    for row in rows:
        project = projects.get(int(row["id"]))
        if goal.domain:
            domains = set(derived.get(int(row["id"]), set()))
            if project:
                domains |= {Domain(d) for d in project[1]}
            if goal.domain not in domains:
                continue
        is_revision = (project is not None and project[0] is ProjectKind.REVISION) or (
            row["normalized_code"] in revised)
        kind = ProjectKind.REVISION if is_revision else ProjectKind.NEW
        if kind not in goal.kinds:
            continue
        published = as_day(row["published_on"]) or as_day(row["implemented_on"])
        if published is not None:
            items.append(CountItem(f"standard:{row['id']}", published, None, row["code"]))
    for scoped in await _scope_projects(goal, goal.deadline):
        if scoped.standard_id is not None:
            continue  # counted through the catalogue
        published = min((e.stage_on for e in scoped.history if e.stage in DONE_STAGES),
                        default=None)
        if published is None or not goal.start_on <= published <= goal.deadline:
            continue
        cancelled = min((e.stage_on for e in scoped.history
                         if e.stage is DraftingStage.CANCELLED), default=None)
        items.append(CountItem(f"project:{scoped.id}", published, cancelled, scoped.code))
    return items


async def _projects_of_standards(ids: Sequence[int]) -> dict[int, tuple[ProjectKind, list[str]]]:
    found: dict[int, tuple[ProjectKind, list[str]]] = {}
    engine = DraftingProject._meta.db
    for start in range(0, len(ids), 5000):
        where, args = in_list(engine, "standard", list(ids[start : start + 5000]), "int")
        for row in await select("SELECT standard, kind, domains FROM drafting_project "
                                f"WHERE {where}", args):
            found[int(row["standard"])] = (ProjectKind(row["kind"]),
                                           json.loads(row["domains"] or "[]"))
    return found


async def _revisions(keys: Sequence[str]) -> set[str]:
    """Those of ``keys`` that replace (fully or partly) another standard."""
    found: set[str] = set()
    engine = DraftingProject._meta.db
    for start in range(0, len(keys), 5000):
        where, args = in_list(engine, "subject_code", list(keys[start : start + 5000]))
        for row in await select("SELECT DISTINCT subject_code FROM relation WHERE "
                                f"kind IN ('replaces', 'partially_replaces') AND {where}",
                                args):
            found.add(row["subject_code"])
    return found


async def _scope_projects(goal: GoalRead, t: dt.date) -> list[DraftingProjectRead]:
    """The projects of the goal's region, domain and kinds as of ``t`` (shared under the data
    version: the goals of one domain's successive plans read the same objects, so callers
    must not change them)."""
    filters = ProjectFilters(region=goal.region, domain=goal.domain, kinds=goal.kinds)
    # loaded once per scope (a project's rows do not depend on the day), judged as of each
    # day here: the goals of one domain's successive plans, at their deadlines and today,
    # share one load of a few thousand projects, neither reloaded nor copied per goal
    loaded = await data_version.shared(("projects", repr(filters)),
                                       lambda: load_projects(filters, t))
    return [project if project.as_of == t else project.model_copy(update={
        "as_of": t, "state": state_at(project.history, project.deadline, t)})
        for project in loaded]


# ------------------------------------------------------------------------------------------
# Progress and series
# ------------------------------------------------------------------------------------------


def _scope(goal: GoalRead) -> dict[str, str | list[str] | None]:
    return {"region": goal.region, "domain": goal.domain.value if goal.domain else None,
            "kinds": [k.value for k in goal.kinds], "sector": goal.sector,
            "key_field": goal.key_field}


def _query(goal: GoalRead, t: dt.date) -> IndicatorQuery:
    return IndicatorQuery(name=IndicatorName(goal.metric), as_of=t, region=goal.region,
                          sector=goal.sector, key_field=goal.key_field)


async def _rate(goal: GoalRead, t: dt.date) -> tuple[float | None, int | None, int | None]:
    """The goal's rate on day ``t``: (rate, numerator, denominator). Reviewed on time counts
    the standards due from the goal's start to ``t`` (docs/reviews.md)."""
    if goal.metric == REVIEWED_ON_TIME:
        on_time = await on_time_report(goal.region, goal.start_on, goal.deadline, t,
                                       domain=goal.domain.value if goal.domain else None)
        return on_time.rate, on_time.numerator, on_time.denominator
    report = await compute_indicator(_query(goal, t))
    return report.rate, report.numerator, report.denominator


def _rate_days(goal: GoalRead, t: dt.date) -> list[dt.date]:
    """The days :func:`goal_progress` (before the deadline) or :func:`goal_outcome` (after)
    computes an indicator goal's rate on."""
    if goal.metric in (LOCAL_STANDARDS, LOCAL_STOCK, REVIEWED_ON_TIME):
        return []
    if t > goal.deadline:
        return [goal.deadline]
    days = [t]
    if t > goal.start_on:
        days.append(goal.start_on)
        before, _days = pace_window(goal.start_on, t)
        if before >= goal.start_on:
            days.append(before)
    return days


LEADER_DAYS = 300
"""At most this many past days are stored ahead for the leader's pages (the latest)."""


async def leader_days(t: dt.date) -> list[dt.date]:
    """The past days the leader's pages ask the product indicators about as of ``t``: every
    month end since the trend's start, and for each goal on coverage or adoption the days of
    its progress (start, pace window, deadline) and its month ends."""
    # every month end of the trend: its year ends, the goals' burn-up series, a series from any
    # month, and a stored day within a fortnight of any other day (which is then derived)
    days = set(month_ends(TREND_START, t))
    for goal in await list_goals():
        if goal.metric not in (IndicatorName.COVERAGE.value, IndicatorName.ADOPTION.value):
            continue
        end = min(t, goal.deadline)
        if end >= goal.start_on:
            days.update(month_ends(goal.start_on, end))
            days.add(end)
        days.update(_rate_days(goal, t))
        days.add(goal.start_on)
    return sorted(day for day in days if day < t)[-LEADER_DAYS:]


async def store_leader_days(t: dt.date | None = None) -> dict[str, Any]:
    """Store the product indicators' cube of every day of :func:`leader_days` not stored yet:
    the step the jobs that change the data (imports, the facts recompute, the nightly facts
    task) end with, so the first dashboard after them, on any host, reads past days."""
    t = t or dt.date.today()
    started = time.perf_counter()
    days = await leader_days(t)
    stored = await store_days(days, t)
    return {"days": len(days), "stored": len(stored),
            "seconds": round(time.perf_counter() - started, 2)}


async def prepare_rates(goals: Sequence[GoalRead], t: dt.date) -> None:
    """Compute the rates the goals' progress (as of ``t``) needs, one series per indicator
    scope: goals sharing a scope (successive plans of one region) are answered by one pass
    over the facts, kept for :func:`goal_progress` and :func:`goal_outcome` to read."""
    wanted: dict[str, tuple[IndicatorQuery, set[dt.date]]] = {}
    for goal in goals:
        days = _rate_days(goal, t)
        if days:
            query = _query(goal, days[0]).model_copy(update={"as_of": None})
            wanted.setdefault(query.model_dump_json(), (query, set()))[1].update(days)
    for query, scope_days in wanted.values():
        await indicator_series(query, sorted(scope_days))


async def goal_progress(key: int | str, as_of: dt.date | None = None) -> GoalProgress:
    """Progress of a goal (by id or name) as of a day (today by default): docs/json.md shape.
    Kept under the data version (standards/data_version.py) until a write changes the data.

    Raises:
        RecordNotFound: no such goal.
    """
    goal = await get_goal(key)
    t = as_of or dt.date.today()
    return await data_version.kept(
        ("goal_progress", goal.model_dump_json(), t.isoformat(), dt.date.today().isoformat()),
        lambda: _goal_progress(goal, t))


async def _goal_progress(goal: GoalRead, t: dt.date) -> GoalProgress:
    elapsed = time_elapsed(goal.start_on, goal.deadline, t)
    numerator = denominator = None
    if goal.metric == LOCAL_STOCK:
        return await _stock_progress(goal, t, elapsed)
    if goal.metric == LOCAL_STANDARDS:
        items = await count_items(goal)
        value: float = counted(items, goal.start_on, goal.deadline, t)
        baseline = 0.0
        forecast, pace = count_forecast(items, goal.start_on, goal.deadline, goal.target, t)
        projects = await _scope_projects(goal, t)
        pipeline, overdue = pipeline_of(projects), overdue_of(projects)
    else:
        rate, numerator, denominator = await _rate(goal, t)
        start_rate = (await _rate(goal, goal.start_on))[0] if t > goal.start_on else rate
        baseline = start_rate or 0.0
        before, days = pace_window(goal.start_on, t)
        then = (await _rate(goal, before))[0] if before >= goal.start_on else start_rate
        value = rate or 0.0
        forecast, pace = rate_forecast(rate, then, days if before >= goal.start_on
                                       else (t - goal.start_on).days, goal.target, t)
        pipeline, overdue = {}, []
    target: int | float = goal.target
    gap: int | float = round(max(goal.target - value, 0.0), 6)
    if goal.metric == LOCAL_STANDARDS:
        value, target, gap = int(value), int(goal.target), int(gap)
    return GoalProgress(
        goal=goal.name, goal_id=goal.id, name_en=goal.name_en, metric=goal.metric,
        kind=goal.kind, as_of=t, value=value, target=target, gap=gap,
        status=status_of(value, goal.target, baseline, elapsed, t, goal.deadline),
        time_elapsed=elapsed, forecast_date=forecast, pipeline=pipeline, overdue=len(overdue),
        overdue_projects=overdue, progress=progress_of(value, goal.target, baseline),
        baseline=baseline, start_on=goal.start_on, deadline=goal.deadline, pace_per_month=pace,
        numerator=numerator, denominator=denominator, scope=_scope(goal))


async def _stock_progress(goal: GoalRead, t: dt.date, elapsed: float) -> GoalProgress:
    """An "at most" goal on the stock: status and progress of the reduction from the start
    day's stock (signs turned: value ≤ target is achieved)."""
    domain = goal.domain.value if goal.domain else None
    value = await stock_on(goal.region, t, domain)
    baseline = await stock_on(goal.region, goal.start_on, domain)
    target = int(goal.target)
    return GoalProgress(
        goal=goal.name, goal_id=goal.id, name_en=goal.name_en, metric=goal.metric,
        kind=goal.kind, as_of=t, value=value, target=target, gap=max(value - target, 0),
        status=status_of(-value, -target, -baseline, elapsed, t, goal.deadline),
        time_elapsed=elapsed, forecast_date=None, pipeline={}, overdue=0,
        overdue_projects=[], progress=progress_of(-value, -target, -baseline),
        baseline=baseline, start_on=goal.start_on, deadline=goal.deadline,
        pace_per_month=None, scope=_scope(goal))


async def goal_outcome(key: int | str) -> GoalProgress:
    """What an indicator goal ended with: its value on the deadline, achieved or behind, with
    no forecast, no baseline (``progress`` is value / target) and no pipeline — one
    indicator computation where :func:`goal_progress` needs three; for a count goal, its
    count on the deadline without loading the projects.

    Raises:
        RecordNotFound: no such goal.
    """
    goal = await get_goal(key)
    if goal.metric == LOCAL_STANDARDS:
        items = await count_items(goal)
        value: float = counted(items, goal.start_on, goal.deadline, goal.deadline)
        numerator = denominator = None
    else:
        rate, numerator, denominator = await _rate(goal, goal.deadline)
        value = rate or 0.0
    count = goal.metric == LOCAL_STANDARDS
    return GoalProgress(
        goal=goal.name, goal_id=goal.id, name_en=goal.name_en, metric=goal.metric,
        kind=goal.kind, as_of=goal.deadline, value=int(value) if count else value,
        target=int(goal.target) if count else goal.target,
        gap=int(max(goal.target - value, 0)) if count else round(max(goal.target - value,
                                                                     0.0), 6),
        status=GoalStatus.ACHIEVED if value >= goal.target else GoalStatus.BEHIND,
        time_elapsed=1.0, forecast_date=None, pipeline={}, overdue=0, overdue_projects=[],
        progress=round(min(value / goal.target, 1.0), 4) if goal.target else 1.0,
        baseline=0.0, start_on=goal.start_on, deadline=goal.deadline, pace_per_month=None,
        numerator=numerator, denominator=denominator, scope=_scope(goal))


async def goal_series(key: int | str, as_of: dt.date | None = None,
                      step_months: int = 1) -> GoalSeries:
    """The burn-up series of a goal: its value at every ``step_months``-th month end from the
    start to the deadline (or ``as_of`` when earlier), with the straight target line.

    Raises:
        RecordNotFound: no such goal.
        InvalidFieldError: a step below 1.
    """
    if step_months < 1:
        raise InvalidFieldError("step", step_months, "应 ≥ 1 (at least one month)")
    goal = await get_goal(key)
    t = as_of or dt.date.today()
    return await data_version.kept(
        ("goal_series", goal.model_dump_json(), t.isoformat(), step_months,
         dt.date.today().isoformat()), lambda: _goal_series(goal, t, step_months))


async def _goal_series(goal: GoalRead, t: dt.date, step_months: int) -> GoalSeries:
    end = min(t, goal.deadline)
    days = month_ends(goal.start_on, end) if end >= goal.start_on else []
    days = [d for i, d in enumerate(days) if i % step_months == step_months - 1 or d == end]
    points: list[SeriesPoint] = []
    forecast: dt.date | None = None
    if goal.metric == LOCAL_STOCK:
        domain = goal.domain.value if goal.domain else None
        stock = await stock_on(goal.region, goal.start_on, domain)
        for day in days:
            points.append(SeriesPoint(date=day, value=await stock_on(goal.region, day, domain),
                                      target_line=target_line(goal.start_on, goal.deadline,
                                                              goal.target, stock, day)))
    elif goal.metric == LOCAL_STANDARDS:
        items = await count_items(goal)
        for day in days:
            points.append(SeriesPoint(date=day, value=counted(items, goal.start_on,
                                                              goal.deadline, day),
                                      target_line=target_line(goal.start_on, goal.deadline,
                                                              goal.target, 0.0, day)))
        forecast = count_forecast(items, goal.start_on, goal.deadline, goal.target, t)[0]
    else:
        baseline = (await _rate(goal, goal.start_on))[0] or 0.0
        if goal.metric == REVIEWED_ON_TIME:
            rates = [(await _rate(goal, day))[0] for day in days]
        else:
            reports = await indicator_series(_query(goal, t), days) if days else []
            rates = [report.rate for report in reports]
        for day, rate in zip(days, rates, strict=True):
            points.append(SeriesPoint(date=day, value=rate, target_line=target_line(
                goal.start_on, goal.deadline, goal.target, baseline, day)))
        forecast = (await goal_progress(goal.id, t)).forecast_date
    return GoalSeries(goal=goal.name, goal_id=goal.id, metric=goal.metric,
                      target=int(goal.target) if goal.kind == "count" else goal.target,
                      start_on=goal.start_on, deadline=goal.deadline, as_of=t,
                      forecast_date=forecast, points=points)


# ------------------------------------------------------------------------------------------
# The seeds' goals
# ------------------------------------------------------------------------------------------

SEED_GOALS = Path(__file__).resolve().parent / "data" / "seed_goals.json"


def seed_goal_inputs(path: Path = SEED_GOALS) -> list[GoalInput]:
    """The goals of the provincial plans (adoption/data/seed_goals.json), as shipped data."""
    return [GoalInput.model_validate(item)
            for item in json.loads(path.read_text(encoding="utf-8"))]


async def install_seed_goals(path: Path = SEED_GOALS) -> dict[str, str]:
    """Create or update the shipped example goals, by name (running it again changes nothing).

    Returns:
        ``{goal name: created|updated|unchanged}``.
    """
    done: dict[str, str] = {}
    for goal in seed_goal_inputs(path):
        _saved, action = await save_goal(goal, source="seed")
        done[goal.name] = action
    return done
