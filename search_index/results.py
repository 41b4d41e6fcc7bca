"""Building result hits the same way for every backend: status, match kind, highlights."""

from __future__ import annotations

import html

from search_index import analysis
from search_index.query import QueryPlan
from search_index.schemas import SearchHit
from search_index.vocab import MatchKind
from standards.vocab import Level, Status

CODE_TIER_BONUS = 100.0  # a code hit's shown score: text score plus this per tier above last
CODE_HIGHLIGHT = frozenset({MatchKind.EDITION, MatchKind.FAMILY, MatchKind.VARIANT,
                            MatchKind.PART, MatchKind.NUMBER, MatchKind.CODE_PREFIX})


def highlights_for(plan: QueryPlan, kind: MatchKind, code: str, title_zh: str | None,
                   title_en: str | None, scope: str | None) -> dict[str, str]:
    """Matched words of the titles in ``<mark>`` (HTML-escaped); the scope around its first
    match when no title matched; the code when the hit matched by code."""
    found: dict[str, str] = {}
    terms = plan.highlight_terms()
    for name, value in (("title_zh", title_zh), ("title_en", title_en)):
        marked = analysis.highlight(value, terms)
        if marked:
            found[name] = marked
    if terms and not found and scope:
        snippet = analysis.highlight_window(scope, terms)
        if snippet:
            found["scope"] = snippet
    if kind in CODE_HIGHLIGHT:
        found["code"] = f"<mark>{html.escape(code)}</mark>"
    return found


def make_hit(*, plan: QueryPlan, highlight: bool, standard_id: int, code: str,
             normalized_code: str, title_zh: str | None, title_en: str | None,
             scope: str | None, level: str, year: int | None, status: Status, kind: MatchKind,
             text_score: float, tier_bonus: float) -> SearchHit:
    """One hit in the shape of docs/json.md."""
    try:
        level_value = Level(level)
    except ValueError:
        level_value = Level.OTHER
    return SearchHit(
        code=code,
        title_zh=title_zh,
        title_en=title_en,
        status=status,
        score=round(text_score + tier_bonus, 4),
        highlights=highlights_for(plan, kind, code, title_zh, title_en, scope)
        if highlight else {},
        id=standard_id,
        normalized_code=normalized_code,
        level=level_value,
        year=year or None,
        match=kind,
    )
