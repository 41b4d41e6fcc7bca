"""The database side of the review clock: reviews recorded one by one or from files
(idempotent: one review per standard and day), the clock histories of a region's local
standards, due and overdue lists, the reviewed-on-time metric, reminders and imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from adoption import import_records
from adoption.batches import off_the_loop
from adoption.db import select, write, writing
from adoption.drafting_repository import as_day, region_prefix
from adoption.errors import InvalidFieldError, RecordNotFound
from adoption.fields import check_past_day, check_text
from adoption.regions import city_of, region_name
from adoption.reviews import (
    CLOCK_RULES,
    CONCLUSION_NAMES_ZH,
    DEFAULT_CYCLE_YEARS,
    Clock,
    ClockHistory,
    ClockState,
    DueReport,
    OnTimeReport,
    ReviewEvent,
    ReviewInput,
    ReviewRead,
    ReviewRow,
    add_months,
    check_within,
    clock_at,
    count_on_time,
    due_after,
    parse_conclusion,
)
from adoption.vocab import ReviewConclusion
from standards import repository as standards_repository
from standards.errors import CodeError, NotFoundError
from standards.lifecycle import STATUS_SQL_ARGS, status_sql
from standards.vocab import Level, Status

MAX_NOTE = 2000


def region_range(region: str | None, column: str = "s.region_code") -> tuple[str, list[Any]]:
    """A region code prefix as a bytewise range over ``column`` (both engines use the index;
    a prefix LIKE would not on SQLite)."""
    prefix = region_prefix(region)
    if not prefix:
        return "1 = 1", []
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return f"{column} >= ? AND {column} < ?", [prefix, upper]


# ------------------------------------------------------------------------------------------
# Recording reviews
# ------------------------------------------------------------------------------------------


async def resolve_review(location: str, code: str, reviewed_on: dt.date, conclusion: object,
                         note: object, today: dt.date | None = None) -> ReviewRow:
    """A review as written, checked and resolved to its edition (an undated code: the edition
    in force on the review day).

    Raises:
        InvalidFieldError: not a code, not in the catalogue, not a local standard, a review
            day in the future or before the standard started, an unknown conclusion.
    """
    today = today or dt.date.today()
    text = " ".join(check_text(str(code), "code").split())
    day = check_past_day(reviewed_on, "reviewed_on", today)
    parsed = parse_conclusion(conclusion)
    try:
        standard = await standards_repository.find_standard(text, day)
    except CodeError as exc:
        raise InvalidFieldError("code", text, "不是标准号 is not a standard code") from exc
    except NotFoundError as exc:
        raise InvalidFieldError("code", text, "目录中没有此标准 (not in the catalogue)") from exc
    if standard.level is not Level.LOCAL:
        raise InvalidFieldError("code", text, "不是地方标准 (reviews are for local standards)")
    start = standard.implemented_on or standard.published_on
    if start is not None and day < start:
        raise InvalidFieldError("reviewed_on", day.isoformat(),
                                f"早于 {standard.code} 的实施日期 {start} (before the standard "
                                "came into force)")
    note_text = check_text(str(note or ""), "note").strip()
    if len(note_text) > MAX_NOTE:
        raise InvalidFieldError("note", note_text, f"超过 {MAX_NOTE} 字 (too long)")
    return ReviewRow(location=location, code=standard.code, standard_id=standard.id,
                     reviewed_on=day, conclusion=parsed, note=note_text)


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    action: str  # created / updated / unchanged
    review_id: int


async def write_reviews(rows: Sequence[ReviewRow], *, source: str, recorded_by: str,
                        now: dt.datetime) -> list[WriteOutcome]:
    """Write reviews in one transaction: a standard's review of a day is created, updated
    (another conclusion or note) or left unchanged."""
    outcomes: list[WriteOutcome] = []
    async with writing():
        for row in rows:
            found = await select(
                "SELECT id, conclusion, note FROM standard_review WHERE standard = ? AND "
                "reviewed_on = ?", [row.standard_id, row.reviewed_on])
            if found:
                old = found[0]
                if old["conclusion"] == row.conclusion.value and (old["note"] or "") == row.note:
                    outcomes.append(WriteOutcome("unchanged", old["id"]))
                    continue
                await write("UPDATE standard_review SET conclusion = ?, note = ?, source = ?, "
                            "recorded_by = ?, updated_at = ? WHERE id = ?",
                            [row.conclusion.value, row.note, source, recorded_by, now,
                             old["id"]])
                outcomes.append(WriteOutcome("updated", old["id"]))
                continue
            created = await write(
                "INSERT INTO standard_review (standard, code, reviewed_on, conclusion, note, "
                "source, recorded_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                [row.standard_id, row.code, row.reviewed_on, row.conclusion.value, row.note,
                 source, recorded_by, now, now])
            outcomes.append(WriteOutcome("created", int(created[0]["id"])))
    return outcomes


async def record_review(data: ReviewInput, *, source: str, recorded_by: str,
                        today: dt.date | None = None) -> tuple[ReviewRead, str]:
    """Record one review (web form, API): the review and created / updated / unchanged.

    Raises:
        InvalidFieldError: see :func:`resolve_review`.
    """
    row = await resolve_review("form", data.code, data.reviewed_on, data.conclusion, data.note,
                               today)
    outcome = (await write_reviews([row], source=source, recorded_by=recorded_by,
                                   now=dt.datetime.now(dt.UTC)))[0]
    return await get_review(outcome.review_id), outcome.action


def _review(row: dict[str, Any]) -> ReviewRead:
    conclusion = ReviewConclusion(row["conclusion"])
    return ReviewRead(id=row["id"], standard_id=row["standard"], code=row["code"],
                      reviewed_on=as_day(row["reviewed_on"]) or dt.date.min,
                      conclusion=conclusion, conclusion_zh=CONCLUSION_NAMES_ZH[conclusion],
                      note=row["note"] or "", source=row["source"] or "",
                      recorded_by=row["recorded_by"] or "")


async def get_review(review_id: int) -> ReviewRead:
    """Raises: RecordNotFound: no review has this id."""
    rows = await select("SELECT * FROM standard_review WHERE id = ?", [review_id])
    if not rows:
        raise RecordNotFound(f"no review with id {review_id}")
    return _review(rows[0])


async def reviews_of(standard_id: int) -> list[ReviewRead]:
    rows = await select("SELECT * FROM standard_review WHERE standard = ? ORDER BY reviewed_on",
                        [standard_id])
    return [_review(r) for r in rows]


# ------------------------------------------------------------------------------------------
# Histories and the clock over a scope
# ------------------------------------------------------------------------------------------

# the first replacing edition's date per replaced standard, joined rather than a correlated
# subquery: PostgreSQL costs one subquery per row so high that it JIT-compiles the query
# (1.4 s of compiling for 0.1 s of work at 40,000 standards)
_REPLACED_ON = (
    "LEFT JOIN (SELECT r.object AS standard, MIN(COALESCE(n.published_on, n.effective_on)) "
    "AS revised_on FROM relation r JOIN standard n ON n.id = r.subject "
    "WHERE r.kind = 'replaces' AND r.object IS NOT NULL GROUP BY r.object) replaced "
    "ON replaced.standard = s.id")


@dataclass(slots=True)  # not frozen: built by the tens of thousands, frozen init is slower
class ScopedStandard:
    id: int
    code: str
    title_zh: str | None
    region_code: str | None
    domains: tuple[str, ...]
    history: ClockHistory


async def scope_histories(region: str | None = None, domain: str | None = None,
                          standard_id: int | None = None) -> list[ScopedStandard]:
    """Local standards (editions, not amendments) of a region with their clock histories."""
    where, args = region_range(region)
    if standard_id is not None:
        where, args = "s.id = ?", [standard_id]
    base = f"s.level = 'local' AND s.amendment IS NULL AND {where}"
    rows = await select(
        "SELECT s.id, s.code, s.title_zh, s.region_code, s.effective_on, s.withdrawn_on, "
        "s.withdrawn_undated, s.upcoming_undated, replaced.revised_on "
        f"FROM standard s {_REPLACED_ON} WHERE {base} ORDER BY s.code", args)
    review_rows = await select(
        "SELECT v.standard, v.reviewed_on, v.conclusion FROM standard_review v "
        f"JOIN standard s ON s.id = v.standard WHERE {base}", args)
    domain_rows = await select(
        "SELECT d.standard, d.domain FROM standard_domain d "
        f"JOIN standard s ON s.id = d.standard WHERE {base}", args)
    if standard_id is not None:
        return _histories(rows, review_rows, domain_rows, domain)
    return await off_the_loop(_histories, rows, review_rows, domain_rows, domain)


def _day(value: Any) -> dt.date | None:
    """as_day, with the engines' usual answers first (PostgreSQL: a date, SQLite: text)."""
    if type(value) is dt.date or value is None:
        return value  # type: ignore[no-any-return]
    if type(value) is str and len(value) == 10:
        return dt.date.fromisoformat(value)
    return as_day(value)


def _histories(rows: list[dict[str, Any]], review_rows: list[dict[str, Any]],
               domain_rows: list[dict[str, Any]], domain: str | None) -> list[ScopedStandard]:
    reviews: dict[int, list[ReviewEvent]] = {}
    for review in review_rows:
        reviews.setdefault(review["standard"], []).append(ReviewEvent(
            as_day(review["reviewed_on"]) or dt.date.min,
            ReviewConclusion(review["conclusion"])))
    domains: dict[int, list[str]] = {}
    for found in domain_rows:
        domains.setdefault(found["standard"], []).append(found["domain"])
    scoped = []
    no_reviews: tuple[ReviewEvent, ...] = ()
    for row in rows:
        key = row["id"]
        listed = domains.get(key)
        std_domains = tuple(sorted(listed)) if listed else ()
        if domain is not None and domain not in std_domains:
            continue
        held = reviews.get(key)
        # positional (the fields' order), dates read with a type check first: tens of
        # thousands per province
        scoped.append(ScopedStandard(
            key, row["code"], row["title_zh"], row["region_code"], std_domains,
            ClockHistory(_day(row["effective_on"]), _day(row["withdrawn_on"]),
                         bool(row["withdrawn_undated"]), bool(row["upcoming_undated"]),
                         _day(row["revised_on"]), tuple(held) if held else no_reviews)))
    return scoped


@cache
def _city(region_code: str | None) -> tuple[str, str]:
    if not region_code:
        return "", ""
    city = city_of(region_code.ljust(6, "0"))  # the catalogue keeps 22, 2201
    return city, region_name(city) or ""


# a listed standard: (due date, code, standard, start, restarted, reviewed on, reviewed as)
_Listed = tuple[dt.date, str, ScopedStandard, dt.date, bool, dt.date | None, str | None]


def _item(found: _Listed, t: dt.date) -> dict[str, Any]:
    """A due item's fields (validated with the whole report in one pass: thousands per
    answer, one pydantic call each would cost more than reading them)."""
    due_on, code, std, start, restarted, reviewed_on, reviewed_as = found
    city, city_name = _city(std.region_code)
    return {"standard_id": std.id, "code": code, "title_zh": std.title_zh,
            "region_code": std.region_code, "city": city, "city_name": city_name,
            "domains": list(std.domains), "start": start, "restarted": restarted,
            "due_on": due_on, "days_to_due": (due_on - t).days, "reviewed_on": reviewed_on,
            "reviewed_as": reviewed_as}


def _by_due(found: _Listed) -> tuple[dt.date, str]:
    return found[0], found[1]


def _groups(counts: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """``key -> [label, due, overdue]`` as DueGroup fields, by key."""
    return [{"key": key, "label": counts[key][0], "due": counts[key][1],
             "overdue": counts[key][2]} for key in sorted(counts)]


def _due_report(scoped: list[ScopedStandard], t: dt.date, within: int,
                region: str | None, domain: str | None, cycle_years: int) -> DueReport:
    """The due report of a scope as of ``t``: the rules of adoption/reviews.py (clock_at),
    with the common case — no review recorded, a dated start on or before t — worked out
    here without a Clock per standard (tens of thousands per province)."""
    try:  # Clock.due_within's limit, computed once for every standard
        limit = add_months(t, within)
    except ValueError:  # past the calendar's end (year 9999): every due date is within
        limit = dt.date.max
    due_found: list[_Listed] = []
    overdue_found: list[_Listed] = []
    not_counted: dict[str, int] = {}
    running = 0
    due_dates: dict[dt.date, dt.date] = {}  # start -> due date (starts repeat)
    for std in scoped:
        history = std.history
        start = history.effective_on
        if not history.reviews and start is not None and start <= t and not (
                history.withdrawn_undated and history.withdrawn_on is None):
            withdrawn, revised = history.withdrawn_on, history.revised_on
            end = revised if withdrawn is None else (
                withdrawn if revised is None or withdrawn <= revised else revised)
            if end is not None and end <= t:
                reason = "ended_withdrawn" if end == withdrawn else "ended_revised"
                not_counted[reason] = not_counted.get(reason, 0) + 1
                continue
            running += 1
            due_on = due_dates.get(start)
            if due_on is None:
                due_on = due_dates[start] = due_after(start, cycle_years)
            if due_on < t:
                overdue_found.append((due_on, std.code, std, start, False, None, None))
            elif due_on <= limit:
                due_found.append((due_on, std.code, std, start, False, None, None))
            continue
        clock = clock_at(history, t, cycle_years)
        if clock.state is not ClockState.RUNNING:
            reason = clock.state.value if clock.state is not ClockState.ENDED else \
                f"ended_{clock.end_reason}"
            not_counted[reason] = not_counted.get(reason, 0) + 1
            continue
        running += 1
        due_on = clock.due_on
        assert due_on is not None and clock.start is not None  # a running clock has them
        found = (due_on, std.code, std, clock.start, clock.restarted, clock.reviewed_on,
                 clock.reviewed_as.value if clock.reviewed_as else None)
        if clock.overdue:
            overdue_found.append(found)
        elif t <= due_on <= limit:
            due_found.append(found)
    # sorted on plain tuples (codes are unique within a scope), then built
    due_found.sort(key=_by_due)
    overdue_found.sort(key=_by_due)
    by_city: dict[str, list[Any]] = {}
    by_domain: dict[str, list[Any]] = {}
    for listed, column in ((due_found, 1), (overdue_found, 2)):
        for found in listed:
            std = found[2]
            city, city_name = _city(std.region_code)
            counts = by_city.get(city)
            if counts is None:
                counts = by_city[city] = [city_name, 0, 0]
            counts[column] += 1
            for name in std.domains or ("",):
                counts = by_domain.get(name)
                if counts is None:
                    counts = by_domain[name] = [name, 0, 0]
                counts[column] += 1
    return DueReport.model_validate({
        "as_of": t, "region": region_prefix(region), "domain": domain, "within_months": within,
        "cycle_years": cycle_years, "rules": CLOCK_RULES, "standards": len(scoped),
        "running": running, "due": len(due_found), "overdue": len(overdue_found),
        "not_counted": not_counted, "by_city": _groups(by_city),
        "by_domain": _groups(by_domain),
        "due_items": [_item(found, t) for found in due_found],
        "overdue_items": [_item(found, t) for found in overdue_found]})


async def due_report(region: str | None = None, *, as_of: dt.date | None = None,
                     within: int = 6, domain: str | None = None,
                     cycle_years: int = DEFAULT_CYCLE_YEARS) -> DueReport:
    """Counts and lists of the local standards due for review within ``within`` months of
    ``as_of`` and those overdue on it, by city and by domain (docs/reviews.md).

    Raises:
        InvalidFieldError: a number of months out of range.
    """
    t = as_of or dt.date.today()
    check_within(within)
    scoped = await scope_histories(region, domain)
    return await off_the_loop(_due_report, scoped, t, within, region, domain, cycle_years)


async def clock_of(standard_id: int, as_of: dt.date | None = None,
                   cycle_years: int = DEFAULT_CYCLE_YEARS) -> Clock | None:
    """The clock of one standard (None when it is not a local standard)."""
    scoped = await scope_histories(standard_id=standard_id)
    if not scoped:
        return None
    return clock_at(scoped[0].history, as_of or dt.date.today(), cycle_years)


async def on_time_report(region: str | None, start: dt.date, end: dt.date,
                         as_of: dt.date | None = None, *, domain: str | None = None,
                         cycle_years: int = DEFAULT_CYCLE_YEARS) -> OnTimeReport:
    """The goal metric "reviewed on time" over ``[start, end]`` as of a day."""
    t = as_of or dt.date.today()
    scoped = await scope_histories(region, domain)
    codes = {s.id: s.code for s in scoped}
    count = await off_the_loop(count_on_time, [(s.id, s.history) for s in scoped], start, end,
                               t, cycle_years)
    late = [{"code": codes[key], "due_on": cycle.due_on.isoformat(),
             "closed_on": cycle.closed_on.isoformat() if cycle.closed_on else None,
             "closed_by": cycle.closed_by} for key, cycle in count.late[:200]]
    return OnTimeReport(as_of=t, start=start, end=end, region=region_prefix(region),
                        cycle_years=cycle_years, rules=CLOCK_RULES, numerator=count.on_time,
                        denominator=count.due, rate=count.rate, late=late)


# ------------------------------------------------------------------------------------------
# Imports
# ------------------------------------------------------------------------------------------


async def create_import(*, files: list[dict[str, Any]], actor: str,
                        started_at: dt.datetime) -> int:
    return await import_records.create("review_import", files=files, actor=actor,
                                       started_at=started_at)


async def finish_import(import_id: int, *, report: dict[str, Any]) -> None:
    await import_records.finish("review_import", import_id, report=report)


async def list_imports(limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    return await import_records.listed("review_import", limit, offset)


# ------------------------------------------------------------------------------------------
# Reminders
# ------------------------------------------------------------------------------------------


async def raise_reminders(report: DueReport, today: dt.date) -> dict[str, int]:
    """Store a reminder for each standard of ``report`` not yet reviewed since its start
    (once per standard, kind and due date), and clear the open ones no longer due or overdue.

    Returns:
        ``{"raised_due", "raised_overdue", "cleared", "open"}``.
    """
    wanted = {(i.standard_id, "due", i.due_on) for i in report.due_items if i.reviewed_on is None}
    wanted |= {(i.standard_id, "overdue", i.due_on) for i in report.overdue_items}
    counts = {"raised_due": 0, "raised_overdue": 0, "cleared": 0, "open": 0}
    async with writing():
        open_rows = await select("SELECT id, standard, kind, due_on FROM review_reminder "
                                 "WHERE cleared_on IS NULL")
        held = {(r["standard"], r["kind"], as_day(r["due_on"])): r["id"] for r in open_rows}
        for key, reminder_id in held.items():
            if key not in wanted:
                await write("UPDATE review_reminder SET cleared_on = ? WHERE id = ?",
                            [today, reminder_id])
                counts["cleared"] += 1
        for standard_id, kind, due_on in sorted(wanted - set(held)):
            inserted = await write(
                "INSERT INTO review_reminder (standard, kind, due_on, raised_on) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                [standard_id, kind, due_on, today])
            if inserted:
                counts[f"raised_{kind}"] += 1
        rows = await select("SELECT COUNT(*) AS n FROM review_reminder WHERE cleared_on IS NULL")
        counts["open"] = int(rows[0]["n"])
    return counts


async def open_reminders(limit: int = 200) -> list[dict[str, Any]]:
    """Open reminders, newest first, with the standard's code and title."""
    rows = await select(
        "SELECT m.id, m.standard, m.kind, m.due_on, m.raised_on, s.code, s.title_zh "
        "FROM review_reminder m JOIN standard s ON s.id = m.standard "
        "WHERE m.cleared_on IS NULL ORDER BY m.raised_on DESC, m.due_on, s.code LIMIT ?",
        [limit])
    return [{**r, "due_on": as_day(r["due_on"]), "raised_on": as_day(r["raised_on"])}
            for r in rows]


async def stock_on(region: str | None, day: dt.date, domain: str | None = None) -> int:
    """Local standards (editions) in force on ``day`` in a region (and domain): the stock."""
    where, args = region_range(region)
    current = status_sql("?")[Status.CURRENT]
    for column in ("withdrawn_on", "withdrawn_undated", "effective_on", "upcoming_undated"):
        current = current.replace(column, f"s.{column}")
    sql = (f"SELECT COUNT(*) AS n FROM standard s WHERE s.level = 'local' AND "
           f"s.amendment IS NULL AND {where} AND {current}")
    params = [*args, *([day] * STATUS_SQL_ARGS[Status.CURRENT])]
    if domain is not None:
        sql += " AND s.id IN (SELECT d.standard FROM standard_domain d WHERE d.domain = ?)"
        params.append(domain)
    rows = await select(sql, params)
    return int(rows[0]["n"])
