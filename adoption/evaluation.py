"""Implementation evaluation of local standards (docs/reviews.md): the signals stdtrack can see,
combined into a score, and a grade 强 / 中 / 弱 by thresholds that are percentiles of the
scores within the region evaluated. The weights and shares are data
(``adoption/data/evaluation_rule.json``).

Rule (stated in every answer as ``rule``): score = Σ weight × log2(1 + signal) over the
signals enterprises and products declaring the standard on t, other catalogue standards
referring to it, drafting projects revising it, accepted feedback, and views of its page in
the last 12 months. Scores are sorted within the region; the *weak threshold* is the score
at the weak share (6.3 %) from the bottom and the *strong threshold* the score at the strong
share (13.1 %) from the top (nearest rank). A standard is 弱 weak when its score is at or
below the weak threshold, 强 strong when at or above the strong threshold (and above the weak
one), 中 medium otherwise. So a standard nobody declares, cites, revises, comments on or
reads (score 0) is always weak.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from adoption.vocab import Grade

RULE_FILE = Path(__file__).resolve().parent / "data" / "evaluation_rule.json"
SIGNALS = ("enterprises", "products", "citations", "revising_projects", "feedback", "views")
SIGNAL_NAMES_ZH = {"enterprises": "声明企业", "products": "声明产品", "citations": "被引用",
                   "revising_projects": "修订项目", "feedback": "反馈", "views": "浏览"}
GRADE_NAMES_ZH = {Grade.STRONG: "强", Grade.MEDIUM: "中", Grade.WEAK: "弱"}

RULE = (
    "score = Σ weight × log2(1 + signal); within the region, weak: score ≤ the score at the "
    "weak share from the bottom; strong: score ≥ the score at the strong share from the top "
    "(and above the weak threshold); medium otherwise. 得分 = Σ 权重 × log2(1 + 信号值); "
    "在本地区内, 得分不高于弱阈值为弱, 不低于强阈值为强, 其余为中."
)


class EvaluationRule(BaseModel):
    weights: dict[str, float]
    strong_share: float = Field(gt=0, lt=1)
    weak_share: float = Field(gt=0, lt=1)
    views_months: int = Field(default=12, ge=1, le=120)


def load_rule(path: Path = RULE_FILE) -> EvaluationRule:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("note", None)
    return EvaluationRule.model_validate(data)


@dataclass(frozen=True, slots=True)
class Signals:
    standard_id: int
    code: str
    title_zh: str | None
    region_code: str | None
    enterprises: int = 0
    products: int = 0
    enterprises_year_ago: int = 0
    citations: int = 0
    revising_projects: int = 0
    feedback: int = 0
    views: int = 0

    def value(self, name: str) -> int:
        return int(getattr(self, name))


def score_of(signals: Signals, rule: EvaluationRule) -> float:
    return round(sum(rule.weights.get(name, 0.0) * math.log2(1 + signals.value(name))
                     for name in SIGNALS), 4)


def nearest_rank(sorted_scores: Sequence[float], share: float) -> float:
    """The score at ``share`` from the bottom of ascending scores (nearest rank)."""
    if not sorted_scores:
        return 0.0
    index = max(0, math.ceil(share * len(sorted_scores)) - 1)
    return sorted_scores[min(index, len(sorted_scores) - 1)]


class EvaluationItem(BaseModel):
    standard_id: int
    code: str
    title_zh: str | None
    region_code: str | None
    signals: dict[str, int]
    enterprises_year_ago: int
    score: float
    percentile: float = Field(description="share of the region's standards scoring lower")
    grade: Grade
    grade_zh: str
    explanation: str


class EvaluationReport(BaseModel):
    as_of: str
    region: str | None
    rule: str = RULE
    weights: dict[str, float]
    strong_share: float
    weak_share: float
    strong_threshold: float
    weak_threshold: float
    standards: int
    grades: dict[str, int]
    items: list[EvaluationItem]


def _explain(signals: Signals, score: float, grade: Grade, strong: float, weak: float) -> str:
    parts = [f"{SIGNAL_NAMES_ZH[name]} {name} {signals.value(name)}" for name in SIGNALS]
    trend = signals.enterprises - signals.enterprises_year_ago
    parts.append(f"一年内声明企业变化 enterprises over a year {trend:+d}")
    if grade is Grade.WEAK:
        why = f"得分 {score:g} ≤ 弱阈值 {weak:g} (score at or below the weak threshold)"
    elif grade is Grade.STRONG:
        why = f"得分 {score:g} ≥ 强阈值 {strong:g} (score at or above the strong threshold)"
    else:
        why = f"弱阈值 {weak:g} < 得分 {score:g} < 强阈值 {strong:g} (between the thresholds)"
    return f"{GRADE_NAMES_ZH[grade]}: {why}; " + ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """What grading one standard against its region needs: the two thresholds and the
    region's scores (distinct, ascending, each with how many standards score lower), for the
    percentile. Kept between answers (evaluation_repository.region_thresholds)."""

    strong: float
    weak: float
    standards: int
    scores: tuple[float, ...]
    below: tuple[int, ...]

    def lower(self, score: float) -> int:
        """How many of the region's standards score lower than ``score``."""
        index = bisect.bisect_left(self.scores, score)
        return self.below[index] if index < len(self.scores) else self.standards


def thresholds_of(ordered: Sequence[float], rule: EvaluationRule) -> Thresholds:
    """The thresholds of a region's scores (``ordered``: ascending)."""
    distinct: list[float] = []
    below: list[int] = []
    for index, score in enumerate(ordered):
        if not distinct or score != distinct[-1]:
            distinct.append(score)
            below.append(index)
    return Thresholds(strong=nearest_rank(ordered, 1 - rule.strong_share),
                      weak=nearest_rank(ordered, rule.weak_share), standards=len(ordered),
                      scores=tuple(distinct), below=tuple(below))


def grade_of(score: float, thresholds: Thresholds) -> Grade:
    if score <= thresholds.weak:
        return Grade.WEAK
    if score >= thresholds.strong:
        return Grade.STRONG
    return Grade.MEDIUM


def _item(signals: Signals, counts: tuple[int, ...], score: float, grade: Grade, lower: int,
          standards: int, explanation: str) -> EvaluationItem:
    # built without validation: one per standard of a province, every value typed here
    return EvaluationItem.model_construct(
        standard_id=signals.standard_id, code=signals.code, title_zh=signals.title_zh,
        region_code=signals.region_code, signals=dict(zip(SIGNALS, counts, strict=True)),
        enterprises_year_ago=signals.enterprises_year_ago, score=score,
        percentile=round(lower / standards, 4) if standards else 0.0, grade=grade,
        grade_zh=GRADE_NAMES_ZH[grade], explanation=explanation)


def grade_one(signals: Signals, rule: EvaluationRule, thresholds: Thresholds
              ) -> EvaluationItem:
    """One standard graded against its region's thresholds: the item :func:`grade_all`
    gives it when ``thresholds`` are its region's (the standard's own score among them)."""
    score = score_of(signals, rule)
    grade = grade_of(score, thresholds)
    counts = tuple(signals.value(name) for name in SIGNALS)
    return _item(signals, counts, score, grade, thresholds.lower(score), thresholds.standards,
                 _explain(signals, score, grade, thresholds.strong, thresholds.weak))


def grade_all(items: Sequence[Signals], rule: EvaluationRule
              ) -> tuple[list[EvaluationItem], Thresholds]:
    """Scores and grades of a region's standards, and the region's thresholds."""
    # a province's standards repeat a few signal values: score and explain each once
    values = [tuple(signals.value(name) for name in SIGNALS) for signals in items]
    known: dict[tuple[int, ...], float] = {}
    scores = []
    for signals, counts in zip(items, values, strict=True):
        score = known.get(counts)
        if score is None:
            score = known[counts] = score_of(signals, rule)
        scores.append(score)
    ordered = sorted(scores)
    thresholds = thresholds_of(ordered, rule)
    explained: dict[tuple[tuple[int, ...], int, Grade], str] = {}
    graded: list[EvaluationItem] = []
    for signals, counts, score in zip(items, values, scores, strict=True):
        grade = grade_of(score, thresholds)
        key = (counts, signals.enterprises_year_ago, grade)
        explanation = explained.get(key)
        if explanation is None:
            explanation = explained[key] = _explain(signals, score, grade, thresholds.strong,
                                                    thresholds.weak)
        graded.append(_item(signals, counts, score, grade, bisect.bisect_left(ordered, score),
                            len(ordered), explanation))
    return graded, thresholds
