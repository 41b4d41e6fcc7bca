"""The database side of the implementation evaluation: each current local standard's signals
in a region, read in a few grouped queries (declarations, references, revising projects,
accepted feedback, page views), graded by adoption/evaluation.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from adoption.batches import collector_paused
from adoption.db import select
from adoption.drafting_repository import region_prefix
from adoption.evaluation import (
    EvaluationReport,
    EvaluationRule,
    Signals,
    grade_all,
    load_rule,
)
from adoption.reviews import add_months
from adoption.reviews_repository import region_range
from adoption.vocab import Grade
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


async def evaluate_region(region: str | None, as_of: dt.date | None = None,
                          rule: EvaluationRule | None = None,
                          grade: Grade | None = None) -> EvaluationReport:
    """Grade every current local standard of a region (docs/reviews.md); ``grade`` filters
    the listed items (the counts and thresholds stay the region's)."""
    t = as_of or dt.date.today()
    rule = rule or load_rule()
    signals = await region_signals(region, t, rule.views_months)
    with collector_paused():
        items, strong, weak = grade_all(signals, rule)
    counts = {g.value: 0 for g in Grade}
    for item in items:
        counts[item.grade.value] += 1
    listed = [i for i in items if grade is None or i.grade is grade]
    return EvaluationReport(
        as_of=t.isoformat(), region=region_prefix(region), weights=rule.weights,
        strong_share=rule.strong_share, weak_share=rule.weak_share, strong_threshold=strong,
        weak_threshold=weak, standards=len(items), grades=counts, items=listed)
