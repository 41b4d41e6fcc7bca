"""The database side of the implementation evaluation: each current local standard's signals
in a region, read in a few grouped queries (declarations, references, revising projects,
accepted feedback, page views), graded by adoption/evaluation.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from adoption.batches import off_the_loop
from adoption.db import select
from adoption.drafting_repository import region_prefix
from adoption.evaluation import (
    EvaluationItem,
    EvaluationReport,
    EvaluationRule,
    Signals,
    Thresholds,
    grade_all,
    grade_one,
    load_rule,
)
from adoption.reviews import add_months
from adoption.reviews_repository import region_range
from adoption.vocab import Grade
from standards import data_version
from standards.lifecycle import STATUS_SQL_ARGS, status_sql
from standards.vocab import Status

CITING_KINDS = ("references",)
"""Relation kinds by which another catalogue standard refers to this one (normative
references); replacements, amendments and adoptions are not citations."""


async def _grouped(sql: str, args: list[Any]) -> dict[int, dict[str, Any]]:
    return {row["standard"]: row for row in await select(sql, args)}


async def region_signals(region: str | None, t: dt.date, views_months: int = 12,
                         standard_id: int | None = None) -> list[Signals]:
    """Signals of the local standards in force on ``t`` in a region (or one standard)."""
    where, args = region_range(region)
    if standard_id is not None:
        where, args = "s.id = ?", [standard_id]
    current = status_sql("?")[Status.CURRENT].replace("withdrawn_on", "s.withdrawn_on") \
        .replace("withdrawn_undated", "s.withdrawn_undated") \
        .replace("effective_on", "s.effective_on").replace("upcoming_undated", "s.upcoming_undated")
    scope = f"s.level = 'local' AND s.amendment IS NULL AND {where} AND {current}"
    scope_args = [*args, *([t] * STATUS_SQL_ARGS[Status.CURRENT])]
    rows = await select(f"SELECT s.id, s.code, s.title_zh, s.region_code FROM standard s "
                        f"WHERE {scope} ORDER BY s.code", scope_args)
    year_ago = add_months(t, -12)
    active = "d.declared_on <= ? AND (d.withdrawn_on IS NULL OR d.withdrawn_on > ?)"
    declared = await _grouped(
        f"SELECT d.standard AS standard, "
        f"COUNT(DISTINCT CASE WHEN {active} THEN d.enterprise END) AS enterprises, "
        f"COUNT(DISTINCT CASE WHEN {active} THEN d.product END) AS products, "
        f"COUNT(DISTINCT CASE WHEN {active} THEN d.enterprise END) AS before "
        f"FROM declaration d JOIN standard s ON s.id = d.standard WHERE {scope} "
        "GROUP BY d.standard", [t, t, t, t, year_ago, year_ago, *scope_args])
    kinds = ", ".join(f"'{kind}'" for kind in CITING_KINDS)
    # a dated citation names this edition; an undated one (DB22/T 1234) its family, and cites
    # the edition in force, which a current standard is
    cited = await _grouped(
        "SELECT c.standard AS standard, COUNT(DISTINCT c.citer) AS n FROM ("
        "SELECT s.id AS standard, r.subject AS citer FROM relation r "
        f"JOIN standard s ON s.id = r.object WHERE {scope} AND r.kind IN ({kinds}) "
        "AND r.subject IS NOT NULL UNION "
        "SELECT s.id AS standard, r.subject AS citer FROM relation r "
        f"JOIN standard s ON s.family_key = r.object_code WHERE {scope} "
        f"AND r.kind IN ({kinds}) AND r.subject IS NOT NULL) c "
        "WHERE c.citer <> c.standard GROUP BY c.standard", [*scope_args, *scope_args])
    revising = await _grouped(
        "SELECT p.revises_standard AS standard, COUNT(*) AS n FROM drafting_project p "
        f"JOIN standard s ON s.id = p.revises_standard WHERE {scope} "
        "GROUP BY p.revises_standard", scope_args)
    feedback = await _grouped(
        "SELECT f.standard AS standard, COUNT(*) AS n FROM standard_feedback f "
        f"JOIN standard s ON s.id = f.standard WHERE {scope} AND f.status = 'accepted' "
        "GROUP BY f.standard", scope_args)
    since = add_months(t, -views_months).strftime("%Y-%m")
    views = await _grouped(
        "SELECT v.standard AS standard, SUM(v.views + v.searches) AS n "
        f"FROM standard_view_count v JOIN standard s ON s.id = v.standard WHERE {scope} "
        "AND v.month > ? AND v.month <= ? GROUP BY v.standard",
        [*scope_args, since, t.strftime("%Y-%m")])
    parts = (rows, declared, cited, revising, feedback, views)
    if standard_id is not None:
        return _assembled(*parts)
    return await off_the_loop(_assembled, *parts)


def _assembled(rows: list[dict[str, Any]], declared: dict[int, dict[str, Any]],
               cited: dict[int, dict[str, Any]], revising: dict[int, dict[str, Any]],
               feedback: dict[int, dict[str, Any]], views: dict[int, dict[str, Any]]
               ) -> list[Signals]:
    found = []
    for row in rows:
        key = row["id"]
        d = declared.get(key, {})
        found.append(Signals(
            standard_id=key, code=row["code"], title_zh=row["title_zh"],
            region_code=row["region_code"], enterprises=int(d.get("enterprises") or 0),
            products=int(d.get("products") or 0),
            enterprises_year_ago=int(d.get("before") or 0),
            citations=int(cited.get(key, {}).get("n") or 0),
            revising_projects=int(revising.get(key, {}).get("n") or 0),
            feedback=int(feedback.get(key, {}).get("n") or 0),
            views=int(views.get(key, {}).get("n") or 0)))
    return found


async def _views_stamp(t: dt.date, views_months: int) -> tuple[int, int]:
    """Rows and total of the page views counted in the window ending on ``t``: page views
    do not bump the data version (one write per public page view), so answers kept over the
    views signal carry this too; counts only grow, so any view in the window changes it."""
    since = add_months(t, -views_months).strftime("%Y-%m")
    rows = await select("SELECT COUNT(*) AS n, SUM(v.views + v.searches) AS total "
                        "FROM standard_view_count v WHERE v.month > ? AND v.month <= ?",
                        [since, t.strftime("%Y-%m")])
    return int(rows[0]["n"] or 0), int(rows[0]["total"] or 0)


async def _stamp(region: str | None, t: dt.date, rule: EvaluationRule
                 ) -> tuple[data_version.Version, tuple[Any, ...]]:
    """The data version and the key of a region's thresholds, read before its signals."""
    version = await data_version.current()
    views = await _views_stamp(t, rule.views_months)
    return version, ("evaluation-thresholds", region_prefix(region), t.isoformat(),
                     rule.model_dump_json(), views)


async def evaluate_region(region: str | None, as_of: dt.date | None = None,
                          rule: EvaluationRule | None = None,
                          grade: Grade | None = None) -> EvaluationReport:
    """Grade every current local standard of a region (docs/reviews.md); ``grade`` filters
    the listed items (the counts and thresholds stay the region's). The thresholds are kept
    for :func:`evaluate_standard`."""
    t = as_of or dt.date.today()
    rule = rule or load_rule()
    version, key = await _stamp(region, t, rule)
    signals = await region_signals(region, t, rule.views_months)
    items, thresholds = await off_the_loop(grade_all, signals, rule)
    data_version.keep(key, thresholds, version)
    counts = {g.value: 0 for g in Grade}
    for item in items:
        counts[item.grade.value] += 1
    listed = [i for i in items if grade is None or i.grade is grade]
    return EvaluationReport(
        as_of=t.isoformat(), region=region_prefix(region), weights=rule.weights,
        strong_share=rule.strong_share, weak_share=rule.weak_share,
        strong_threshold=thresholds.strong, weak_threshold=thresholds.weak,
        standards=len(items), grades=counts, items=listed)


async def region_thresholds(region: str | None, t: dt.date,
                            rule: EvaluationRule | None = None) -> Thresholds:
    """A region's grading thresholds on ``t``, kept under the data version and the page
    views' stamp (a whole-region evaluation when nothing is kept for them)."""
    rule = rule or load_rule()
    version, key = await _stamp(region, t, rule)

    async def compute() -> Thresholds:
        signals = await region_signals(region, t, rule.views_months)
        return (await off_the_loop(grade_all, signals, rule))[1]

    return await data_version.kept(key, compute, version)


async def evaluate_standard(standard_id: int, as_of: dt.date | None = None,
                            rule: EvaluationRule | None = None
                            ) -> tuple[EvaluationItem | None, Thresholds | None]:
    """One local standard's evaluation item and its province's thresholds: the item the
    province's :func:`evaluate_region` lists for it, reading that standard's signals only
    (the thresholds kept). ``(None, None)`` for a standard not graded on ``t`` (not a local
    standard, or not in force)."""
    t = as_of or dt.date.today()
    rule = rule or load_rule()
    found = await region_signals(None, t, rule.views_months, standard_id=standard_id)
    if not found:
        return None, None
    province = (found[0].region_code or "")[:2] or None
    thresholds = await region_thresholds(province, t, rule)
    return grade_one(found[0], rule, thresholds), thresholds
