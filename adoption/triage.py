"""Triage of local standards for cutting and merging (docs/reviews.md): title similarity
(jieba words weighted by rarity), the reasons a standard is a candidate and the action
suggested from them. Data comes from triage_repository.py; the threshold and the generic
words are data (``adoption/data/triage_rule.json``).

Similarity of two titles = 2 × Σ idf(shared words) / (Σ idf(words of one) + Σ idf(words of
the other)), words being jieba's (precise mode, no HMM) of two characters or more — a
four-character word made of two dictionary words counts as those two (服务质量: 服务, 质量) —
Latin words and numbers, less the generic words of standard titles (规范, 技术, 规程…); idf =
log(1 + N / n(word)) over the N titles compared. Two standards overlap when they share an
ICS code and their similarity reaches the threshold (0.6).

Suggested action, the first rule that applies:
1. 废止 abolish — overlaps a current national or industry standard;
2. 整合 merge — overlaps another current local standard of the same province;
3. 废止 abolish — weak grade, nobody declares it, no feedback, and its review is overdue;
4. 转化为团体标准 convert — overlaps a local standard of another province (a subject several
   provinces standardize suits a group standard);
5. 修订 revise — its review is overdue;
6. 转化为团体标准 convert — weak grade, nobody declares it, no feedback;
otherwise 保留 keep (not a candidate).
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from adoption.errors import InvalidFieldError
from adoption.vocab import TriageAction

RULE_FILE = Path(__file__).resolve().parent / "data" / "triage_rule.json"
ACTION_NAMES_ZH = {TriageAction.KEEP: "保留", TriageAction.REVISE: "修订",
                   TriageAction.CONVERT: "转化为团体标准", TriageAction.MERGE: "整合",
                   TriageAction.ABOLISH: "废止"}
ACTION_LABELS: dict[str, TriageAction] = {
    **{name: action for action, name in ACTION_NAMES_ZH.items()},
    **{action.value: action for action in TriageAction}}

RULE = (
    "abolish: overlaps a current national or industry standard; merge: overlaps a local "
    "standard of the same province; abolish: weak, undeclared, no feedback and review "
    "overdue; convert: overlaps a local standard of another province; revise: review overdue; "
    "convert: weak, undeclared, no feedback. Overlap: same ICS and title similarity ≥ the "
    "threshold. 与现行国家/行业标准重复的废止, 与本省地方标准重复的整合, 弱且无声明无反馈且复审逾期"
    "的废止, 与外省地方标准重复的转化为团体标准, 复审逾期的修订, 弱且无声明无反馈的转化为团体标准."
)

_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]+")
_LOCK = threading.Lock()
_TOKENIZER: Any = None


class TriageRule(BaseModel):
    title_similarity: float = Field(gt=0, le=1)
    generic_words: list[str]


def load_rule(path: Path = RULE_FILE) -> TriageRule:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("note", None)
    return TriageRule.model_validate(data)


def _tokenizer() -> Any:
    global _TOKENIZER
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _TOKENIZER = tokenizer
    return _TOKENIZER


def title_words(title: str | None, generic: frozenset[str],
                cache: dict[str, frozenset[str]] | None = None) -> frozenset[str]:
    """The words of a title that carry its subject (``cache``: titles already cut)."""
    if not title:
        return frozenset()
    if cache is not None:
        found = cache.get(title)
        if found is None:
            found = cache[title] = title_words(title, generic)
        return found
    text = unicodedata.normalize("NFKC", title).casefold()
    words: set[str] = set()
    cut = _tokenizer().cut
    for run in _WORD.findall(text):
        if run.isascii():
            words.add(run)
            continue
        for word in cut(run, HMM=False):
            for part in _finer(word):
                if len(part) >= 2 and part not in generic:
                    words.add(part)
    return frozenset(words)


def _finer(word: str) -> tuple[str, ...]:
    """A four-character dictionary word made of two two-character words as those two
    (服务质量 -> 服务, 质量), so that titles compare by subject, however jieba grouped it."""
    if len(word) == 4:
        freq = _tokenizer().FREQ
        head, tail = word[:2], word[2:]
        if freq.get(head) and freq.get(tail):
            return head, tail
    return (word,)


def idf_table(titles: Iterable[frozenset[str]]) -> dict[str, float]:
    counts: dict[str, int] = {}
    total = 0
    for words in titles:
        total += 1
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    return {word: math.log(1 + total / n) for word, n in counts.items()}


def weight(words: frozenset[str], idf: dict[str, float]) -> float:
    return sum(idf.get(w, 0.0) for w in words)


def similarity(a: frozenset[str], b: frozenset[str], idf: dict[str, float],
               weights: dict[frozenset[str], float] | None = None) -> float:
    """Weighted Dice of two titles' words; ``weights`` caches each word set's weight."""
    if not a or not b:
        return 0.0
    if weights is None:
        whole = weight(a, idf) + weight(b, idf)
    else:
        whole_a = weights.get(a)
        if whole_a is None:
            whole_a = weights[a] = weight(a, idf)
        whole_b = weights.get(b)
        if whole_b is None:
            whole_b = weights[b] = weight(b, idf)
        whole = whole_a + whole_b
    shared = weight(a & b, idf)
    return round(2 * shared / whole, 4) if whole else 0.0


def prefix_words(words: frozenset[str], idf: dict[str, float], threshold: float
                 ) -> list[str]:
    """The heaviest words of a title (prefix filtering): Dice ≥ θ needs a shared weight S ≥
    θ·A / (2 − θ) for either title's weight A, so the words after the prefix, weighing less
    than that, cannot reach S alone; with every title's words in the same order (rarest
    first), the first shared word of two titles at least θ similar is in both prefixes."""
    ordered = sorted(words, key=lambda w: (-idf.get(w, 0.0), w))
    total = sum(idf.get(w, 0.0) for w in ordered)
    need = threshold * total / (2 - threshold)
    prefix: list[str] = []
    left = total
    for word in ordered:
        if left < need:
            break
        prefix.append(word)
        left -= idf.get(word, 0.0)
    return prefix


def similar_titles(titles: Iterable[frozenset[str]], others: Iterable[frozenset[str]],
                   idf: dict[str, float], threshold: float
                   ) -> dict[frozenset[str], list[tuple[frozenset[str], float]]]:
    """For each distinct title word set of ``titles``, the word sets of ``others`` at least
    ``threshold`` similar (:func:`similarity`), most similar first (ties in ``others``'
    order): what comparing every pair would give, comparing few.

    Words in one order (rarest first), a title of weight W and the shared weight S of two
    titles: Dice ≥ θ needs S ≥ θ·W / (2 − θ) for either title, so the first shared word is
    in both titles' prefixes (:func:`prefix_words`); S is at most the weight of a title from
    that word on, hence the other title weighs at most 2·S/θ − W; and unless that first word
    alone weighs θ·W / (2 − θ), a second word is shared. Candidates thus come from an index
    of (prefix word, later word) pairs, cut by weight, and one of heavy prefix words; θ is
    lowered by a margin for the rounding of scores, which only widens the candidates.
    """
    low = threshold - 2e-4  # similarity() rounds to 4 places; sums differ in the last bits

    def ordered(words: frozenset[str]) -> tuple[list[str], list[float], float, int]:
        """Words rarest first, the weight from each on, the weight and the prefix length."""
        words_in_order = sorted(words, key=lambda w: (-idf.get(w, 0.0), w))
        tails = [0.0] * len(words_in_order)
        left = 0.0
        for index in range(len(words_in_order) - 1, -1, -1):
            left += idf.get(words_in_order[index], 0.0)
            tails[index] = left
        total = tails[0] if tails else 0.0
        need = low * total / (2 - low) - 1e-9
        prefix = sum(1 for tail in tails if tail >= need)  # tails decrease
        return words_in_order, tails, total, prefix

    order: dict[frozenset[str], int] = {}
    for words in others:
        order.setdefault(words, len(order))
    pair_index: dict[tuple[str, str], list[tuple[float, int, frozenset[str]]]] = {}
    heavy_index: dict[str, list[frozenset[str]]] = {}
    weights: dict[frozenset[str], float] = {}
    for words, position in order.items():
        words_in_order, tails, total, prefix = ordered(words)
        weights[words] = weight(words, idf)
        need = low * total / (2 - low) - 1e-9
        for index in range(prefix):
            first = words_in_order[index]
            if idf.get(first, 0.0) >= need:
                heavy_index.setdefault(first, []).append(words)
            for second in words_in_order[index + 1:]:
                pair_index.setdefault((first, second), []).append((total, position, words))
    bounds: dict[tuple[str, str], tuple[list[float], list[frozenset[str]]]] = {}
    for key, entries in pair_index.items():
        entries.sort()
        bounds[key] = ([entry[0] for entry in entries], [entry[2] for entry in entries])
    found: dict[frozenset[str], list[tuple[frozenset[str], float]]] = {}
    for own in titles:
        if own in found:
            continue
        found[own] = []
        if not own:
            continue
        words_in_order, tails, total, prefix = ordered(own)
        need = low * total / (2 - low) - 1e-9
        lightest = low * total / (2 - low) - 1e-9  # S ≤ the other's weight
        candidates: set[frozenset[str]] = set()
        for index in range(prefix):
            first = words_in_order[index]
            if idf.get(first, 0.0) >= need:
                candidates.update(heavy_index.get(first, ()))
            heaviest = 2 * tails[index] / low - total + 1e-9
            for second in words_in_order[index + 1:]:
                entry = bounds.get((first, second))
                if entry is None:
                    continue
                totals, sets = entry
                candidates.update(sets[bisect_left(totals, lightest):
                                       bisect_right(totals, heaviest)])
        weights.setdefault(own, weight(own, idf))
        # similarity() inlined (the same sums in the same order): it runs millions of times
        own_weight = weights[own]
        close = []
        for other in candidates:
            whole = own_weight + weights[other]
            score = round(2 * sum(map(idf.__getitem__, own & other)) / whole, 4) \
                if whole else 0.0
            if score >= threshold:
                close.append((-score, order[other], other))
        close.sort()  # most similar first, then in others' order (the order is unique)
        found[own] = [(other, -negative) for negative, _, other in close]
    return found


def suggest(reasons: dict[str, Any]) -> TriageAction:
    """The suggested action from a candidate's reasons (the module's rule order)."""
    weak_unused = bool(reasons.get("weak_unused"))
    overdue = bool(reasons.get("review_overdue"))
    if reasons.get("overlaps_national"):
        return TriageAction.ABOLISH
    if reasons.get("duplicates_same_province"):
        return TriageAction.MERGE
    if weak_unused and overdue:
        return TriageAction.ABOLISH
    if reasons.get("duplicates_other_province"):
        return TriageAction.CONVERT
    if overdue:
        return TriageAction.REVISE
    if weak_unused:
        return TriageAction.CONVERT
    return TriageAction.KEEP


def parse_action(value: str) -> TriageAction:
    found = ACTION_LABELS.get("".join(value.split()).casefold())
    if found is None:
        raise InvalidFieldError("action", value, "应为 保留、修订、转化为团体标准、整合 或 废止 "
                                "(keep, revise, convert, merge, abolish)")
    return found


class Match(BaseModel):
    standard_id: int
    code: str
    title_zh: str | None
    level: str
    similarity: float
    shared_ics: list[str]


class Decision(BaseModel):
    action: TriageAction
    action_zh: str
    note: str
    decided_on: str
    decided_by: str


class TriageItem(BaseModel):
    standard_id: int
    code: str
    title_zh: str | None
    region_code: str | None
    ics: list[str]
    reasons: dict[str, Any]
    suggested: TriageAction
    suggested_zh: str
    decision: Decision | None = None


class StockPoint(BaseModel):
    date: str
    standards: int


class TriageReport(BaseModel):
    as_of: str
    region: str | None
    rule: str = RULE
    title_similarity: float
    standards: int
    candidates: int
    by_action: dict[str, int]
    stock: list[StockPoint]
    items: list[TriageItem]
