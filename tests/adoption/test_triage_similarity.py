"""The triage's indexed title comparison (adoption.triage.similar_titles) against comparing
every pair with adoption.triage.similarity: on the real titles of tests/data (building codes,
national standards, platform pages; PROVENANCE.md) and on generated word sets."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.triage import idf_table, load_rule, similar_titles, similarity, title_words

DATA = Path(__file__).resolve().parents[1] / "data"


def every_pair(titles: list[frozenset[str]], others: list[frozenset[str]],
               idf: dict[str, float], threshold: float
               ) -> dict[frozenset[str], list[tuple[frozenset[str], float]]]:
    """The reference: each title against each other one, kept at the threshold, most
    similar first, ties in the others' order."""
    distinct_others = list(dict.fromkeys(others))
    found: dict[frozenset[str], list[tuple[frozenset[str], float]]] = {}
    for own in titles:
        scored = [(other, similarity(own, other, idf)) for other in distinct_others]
        kept = [(position, other, score) for position, (other, score) in enumerate(scored)
                if score >= threshold]
        kept.sort(key=lambda entry: (-entry[2], entry[0]))
        found[own] = [(other, score) for _, other, score in kept]
    return found


def real_titles() -> list[str]:
    titles: list[str] = []
    with (DATA / "search" / "building_standards.csv").open(encoding="utf-8") as handle:
        titles += [row["标准名称"] for row in csv.DictReader(handle)]
    with (DATA / "catalogues" / "english_headers.csv").open(encoding="utf-8") as handle:
        titles += [row["title"] for row in csv.DictReader(handle)]
    export = json.loads((DATA / "catalogues" / "national_export.json").read_text("utf-8"))
    titles += [item["title"] for item in export["standards"]]
    # local standards of the kind the triage is for: one subject in several places
    titles += ["长白山人参种植技术规程", "人参种植技术规程", "吉林人参鲜参分级",
               "旅游景区服务质量规范", "旅游景区服务规范", "梅花鹿饲养技术规程",
               "延边梅花鹿饲养技术规程", "建筑设计防火规范 第1部分"]
    return titles


@pytest.mark.parametrize("threshold", [0.2, 0.35, 0.5, 0.6, 0.75, 0.9, 1.0])
def test_real_titles_match_every_pair(threshold: float) -> None:
    generic = frozenset(load_rule().generic_words)
    words = [title_words(title, generic) for title in real_titles()]
    idf = idf_table(words)
    half = len(words) // 2
    expected = every_pair(words[:half], words, idf, threshold)
    found = similar_titles(words[:half], words, idf, threshold)
    assert found == expected
    if threshold <= 0.75:  # the data is not trivial: titles matching others than themselves
        assert any(len(listed) > 1 for listed in found.values())


WORDS = st.sampled_from([f"w{i}" for i in range(14)])
WORD_SETS = st.frozensets(WORDS, max_size=6)


@settings(max_examples=300, deadline=None)
@given(titles=st.lists(WORD_SETS, min_size=1, max_size=25),
       others=st.lists(WORD_SETS, min_size=1, max_size=40),
       threshold=st.sampled_from([0.3, 0.5, 0.6, 0.6667, 0.8, 1.0]))
def test_generated_word_sets_match_every_pair(titles: list[frozenset[str]],
                                              others: list[frozenset[str]],
                                              threshold: float) -> None:
    idf = idf_table([*titles, *others])
    assert similar_titles(titles, others, idf, threshold) == \
        every_pair(titles, others, idf, threshold)
