"""The database side of the triage for cutting and merging: a region's current local
standards with their ICS codes, the national, industry and local standards sharing an ICS,
the review clock and the evaluation, put together by adoption/triage.py; staff decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from adoption.batches import off_the_loop
from adoption.db import adoption_engine, select, write, writing
from adoption.drafting_repository import as_day, region_prefix
from adoption.errors import InvalidFieldError, RecordNotFound
from adoption.evaluation import EvaluationItem
from adoption.evaluation_repository import evaluate_region, evaluate_standard
from adoption.fields import check_text
from adoption.reviews import DEFAULT_CYCLE_YEARS, clock_at
from adoption.reviews_repository import ScopedStandard, region_range, scope_histories
from adoption.triage import (
    ACTION_NAMES_ZH,
    Decision,
    StockPoint,
    TriageItem,
    TriageReport,
    TriageRule,
    idf_table,
    load_rule,
    parse_action,
    similar_titles,
    suggest,
    title_words,
)
from adoption.vocab import Grade, TriageAction
from standards.db import in_list
from standards.lifecycle import STATUS_SQL_ARGS, status_sql
from standards.vocab import Status

MAX_MATCHES = 5


def _current(alias: str) -> str:
    sql = status_sql("?")[Status.CURRENT]
    for column in ("withdrawn_on", "withdrawn_undated", "effective_on", "upcoming_undated"):
        sql = sql.replace(column, f"{alias}.{column}")
    return sql


async def _with_ics(where: str, args: Sequence[Any], t: dt.date) -> dict[int, dict[str, Any]]:
    rows = await select(
        f"SELECT s.id, s.code, s.title_zh, s.level, s.region_code, i.ics FROM standard s "
        f"JOIN standard_ics i ON i.standard = s.id WHERE {where} AND {_current('s')}",
        [*args, *([t] * STATUS_SQL_ARGS[Status.CURRENT])])
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = found.setdefault(row["id"], {**row, "ics": []})
        entry["ics"].append(row["ics"])
    return found


def _match(row: dict[str, Any], key: int, score: float, own_ics: list[str]) -> dict[str, Any]:
    """A match as the reasons hold it (the fields of triage.Match, built without a model:
    tens of thousands per answer)."""
    return {"standard_id": key, "code": row["code"], "title_zh": row["title_zh"],
            "level": row["level"], "similarity": score,
            "shared_ics": [own_ics[0]] if len(own_ics) == 1  # a match shares one at least
            else sorted(set(own_ics) & set(row["ics"]))}


class _Group:
    """The other standards of one ICS code and title word set: the first few ids of each
    level and province (a judged standard keeps its MAX_MATCHES best of each kind, by
    similarity then id, so no more than MAX_MATCHES + 1 of a group can be among them)."""

    __slots__ = ("local", "national")

    def __init__(self) -> None:
        self.national: list[int] = []
        self.local: dict[str, list[int]] = {}  # province -> ids

    def add(self, key: int, row: dict[str, Any]) -> None:
        if row["level"] in ("national", "industry"):
            listed = self.national
        else:
            listed = self.local.setdefault((row["region_code"] or "")[:2], [])
        if len(listed) <= MAX_MATCHES:  # ids come in ascending order
            listed.append(key)


def _best_matches(std_id: int, province: str, own_ics: list[str],
                  similar: list[tuple[frozenset[str], float]],
                  groups: dict[str, dict[frozenset[str], _Group]]
                  ) -> dict[str, list[tuple[float, int]]]:
    """Per kind (national or industry overlap, same-province or other-province duplicate),
    the MAX_MATCHES other standards sharing an ICS code with ``std_id`` whose titles are the
    most similar (``similar``: word sets, most similar first), ties by id."""
    by_words = [groups[code] for code in own_ics if code in groups]
    national: dict[int, float] = {}
    same: dict[int, float] = {}
    elsewhere: dict[int, float] = {}
    level = None
    take_national = take_same = take_elsewhere = True
    for other_words, score in similar:
        if score != level:  # a kind with MAX_MATCHES better ones takes no more
            level = score
            take_national = len(national) < MAX_MATCHES
            take_same = len(same) < MAX_MATCHES
            take_elsewhere = len(elsewhere) < MAX_MATCHES
            if not (take_national or take_same or take_elsewhere):
                break
        for found in by_words:
            group = found.get(other_words)
            if group is None:
                continue
            if take_national:
                for other in group.national:
                    if other != std_id:
                        national[other] = score
            if take_same or take_elsewhere:
                for where, ids in group.local.items():
                    into = (same if take_same else None) if where == province else \
                        (elsewhere if take_elsewhere else None)
                    if into is not None:
                        for other in ids:
                            if other != std_id:
                                into[other] = score
    kinds = {"overlaps_national": national, "duplicates_same_province": same,
             "duplicates_other_province": elsewhere}
    return {kind: sorted(((score, other) for other, score in held.items()),
                         key=lambda pair: (-pair[0], pair[1]))[:MAX_MATCHES]
            for kind, held in kinds.items() if held}


async def _decisions() -> dict[int, Decision]:
    rows = await select("SELECT standard, action, note, decided_on, decided_by, id "
                        "FROM triage_decision ORDER BY id")
    return {r["standard"]: Decision(
        action=TriageAction(r["action"]), action_zh=ACTION_NAMES_ZH[TriageAction(r["action"])],
        note=r["note"] or "", decided_on=str(as_day(r["decided_on"])),
        decided_by=r["decided_by"] or "") for r in rows}


async def stock_series(region: str | None, t: dt.date, years: int = 5) -> list[StockPoint]:
    """Local standards in force at each of the last year ends and on ``t``."""
    where, args = region_range(region)
    days = [dt.date(y, 12, 31) for y in range(max(t.year - years, 1), t.year)] + [t]
    points = []
    for day in days:
        rows = await select(
            f"SELECT COUNT(*) AS n FROM standard s WHERE s.level = 'local' AND "
            f"s.amendment IS NULL AND {where} AND {_current('s')}",
            [*args, *([day] * STATUS_SQL_ARGS[Status.CURRENT])])
        points.append(StockPoint(date=day.isoformat(), standards=int(rows[0]["n"])))
    return points


async def triage_region(region: str | None, as_of: dt.date | None = None, *,
                        action: TriageAction | None = None,
                        cycle_years: int = DEFAULT_CYCLE_YEARS,
                        rule: TriageRule | None = None,
                        only: int | None = None) -> TriageReport:
    """Candidates for cutting and merging in a region, with reasons and a suggested action
    (docs/reviews.md); ``action`` filters the listed items by suggested action; ``only``
    judges one standard (its review file), listed even when kept, graded against its
    province's kept thresholds, without the stock series."""
    t = as_of or dt.date.today()
    rule = rule or load_rule()
    where, args = region_range(region)
    local_where = f"s.level = 'local' AND s.amendment IS NULL AND {where}"
    if only is not None:
        local_where, args = "s.id = ?", [only]
    mine = await _with_ics(local_where, args, t)
    if only is None:
        scoped = await scope_histories(region)
        evaluation = await evaluate_region(region, t)
        graded = {item.standard_id: item for item in evaluation.items}
        standards = len(graded)
    else:  # one standard's signals, graded against its province's kept thresholds
        scoped = await scope_histories(standard_id=only)
        item, thresholds = await evaluate_standard(only, t)
        graded = {only: item} if item is not None else {}
        standards = thresholds.standards if thresholds is not None else 0
    ics_codes = sorted({code for row in mine.values() for code in row["ics"]})
    others: dict[int, dict[str, Any]] = {}
    engine = adoption_engine()
    for start in range(0, len(ics_codes), 2000):
        chunk = ics_codes[start:start + 2000]
        clause, chunk_args = in_list(engine, "i2.ics", chunk)
        others.update(await _with_ics(
            "s.level IN ('national', 'industry', 'local') AND s.amendment IS NULL AND s.id IN "
            f"(SELECT i2.standard FROM standard_ics i2 WHERE {clause})", chunk_args, t))
    decisions = await _decisions()
    province = region_prefix(region)
    items = await off_the_loop(_judge, mine, others, scoped, graded, decisions, t, action,
                               cycle_years, rule, only)
    counts = {a.value: 0 for a in TriageAction}
    for entry in items:
        counts[entry.suggested.value] += 1
    stock = await stock_series(region, t) if only is None else []
    return TriageReport(as_of=t.isoformat(), region=province,
                        title_similarity=rule.title_similarity, standards=standards,
                        candidates=sum(1 for i in items if i.suggested is not TriageAction.KEEP),
                        by_action=counts, stock=stock, items=items)


def _judge(mine: dict[int, dict[str, Any]], others: dict[int, dict[str, Any]],
           scoped: list[ScopedStandard], graded: dict[int, EvaluationItem],
           decisions: dict[int, Decision], t: dt.date, action: TriageAction | None,
           cycle_years: int, rule: TriageRule, only: int | None) -> list[TriageItem]:
    """The triage's pure-Python part (titles cut and compared, reasons, suggestions): run in
    a worker thread, seconds for a province."""
    generic = frozenset(rule.generic_words)
    cut: dict[str, frozenset[str]] = {}  # editions and provinces repeat titles
    words = {key: title_words(row["title_zh"], generic, cut) for key, row in others.items()}
    for key, row in mine.items():
        words.setdefault(key, title_words(row["title_zh"], generic, cut))
    idf = idf_table(words.values())
    # titles repeat (editions, provinces): standards of one ICS and word set form a group
    groups: dict[str, dict[frozenset[str], _Group]] = {}  # ICS -> word set -> group
    for key, row in sorted(others.items()):
        for code in row["ics"]:
            group = groups.setdefault(code, {}).get(words[key])
            if group is None:
                group = groups[code][words[key]] = _Group()
            group.add(key, row)
    items: list[TriageItem] = []
    clocks = {s.id: clock_at(s.history, t, cycle_years) for s in scoped}
    judged = [s for s in scoped if s.id in graded and (only is None or s.id == only)]
    similar_to = similar_titles(
        (words.get(s.id, frozenset()) for s in judged if s.id in mine),
        (words[key] for key in sorted(others)), idf, rule.title_similarity)
    for std in judged:
        std_id = std.id
        own = mine.get(std_id)
        own_ics = own["ics"] if own else []
        matches = _best_matches(std_id, (std.region_code or "")[:2], own_ics,
                                similar_to.get(words.get(std_id, frozenset()), []), groups)
        reasons: dict[str, Any] = {
            kind: [_match(others[other], other, score, own_ics) for score, other in listed]
            for kind, listed in matches.items()}
        item = graded[std_id]
        clock = clocks[std_id]
        if clock.overdue:
            reasons["review_overdue"] = {"due_on": str(clock.due_on)}
        if item.grade is Grade.WEAK and item.signals["enterprises"] == 0 and \
                item.signals["feedback"] == 0:
            reasons["weak_unused"] = {"score": item.score, "explanation": item.explanation}
        suggested = suggest(reasons)
        if suggested is TriageAction.KEEP and std_id not in decisions and only is None:
            continue
        if action is not None and suggested is not action:
            continue
        items.append(TriageItem(
            standard_id=std_id, code=std.code, title_zh=std.title_zh,
            region_code=std.region_code, ics=own_ics, reasons=reasons, suggested=suggested,
            suggested_zh=ACTION_NAMES_ZH[suggested], decision=decisions.get(std_id)))
    return items


async def record_decision(standard_id: int, action: str, note: str, *, by: str,
                          today: dt.date | None = None) -> Decision:
    """Record staff's decision on a local standard (the latest is in force).

    Raises:
        InvalidFieldError: an unknown action, control characters in the note.
        RecordNotFound: no local standard has this id.
    """
    chosen = parse_action(action)
    text = check_text(note or "", "note").strip()
    if len(text) > 2000:
        raise InvalidFieldError("note", text, "超过 2000 字 (too long)")
    if not await select("SELECT id FROM standard WHERE id = ? AND level = 'local'",
                        [standard_id]):
        raise RecordNotFound(f"no local standard with id {standard_id}")
    day = today or dt.date.today()
    async with writing():
        await write("INSERT INTO triage_decision (standard, action, note, decided_on, "
                    "decided_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [standard_id, chosen.value, text, day, by, dt.datetime.now(dt.UTC)])
    return Decision(action=chosen, action_zh=ACTION_NAMES_ZH[chosen], note=text,
                    decided_on=day.isoformat(), decided_by=by)
