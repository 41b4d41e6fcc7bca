"""Codes as search keys: every spelling reaches the same keys, tiers in the right order."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from search_index.codekeys import document_keys, read_code
from search_index.vocab import MatchKind
from standards.codes import parse_code, try_parse_code

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "code_examples.csv"


def example_codes() -> list[str]:
    with EXAMPLES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["raw"] for row in rows if row["valid"] == "yes"
            and (parsed := try_parse_code(row["raw"])) is not None and parsed.part != "ALL"]


@pytest.mark.parametrize("code", example_codes())
def test_every_parsable_example_finds_its_own_document(code: str) -> None:
    keys = set(document_keys(parse_code(code)))
    query = read_code(code)
    assert query is not None
    first_keys = set(query.tiers()[0].keys)
    assert first_keys & keys, (code, first_keys, keys)


def test_document_keys_of_a_part() -> None:
    assert document_keys(parse_code("GB/T 5606.1-2004"), ["ISO 9001:2015"]) == [
        "f:gb/t5606.1", "b:gb5606.1", "p:gb/t5606", "n:5606.1", "m:5606", "a:iso9001"]


@pytest.mark.parametrize("spelling", ["GB50016", "ＧＢ　５００１６", "gb 50016", "GB 50016"])
def test_spellings_of_one_code_read_the_same(spelling: str) -> None:
    query = read_code(spelling)
    assert query is not None and query.tiers()[0].keys == ("f:gb50016",)


def test_a_bare_number_is_a_number_query() -> None:
    query = read_code("50016")
    assert query is not None and query.parsed is None
    assert [t.kind for t in query.tiers()] == [MatchKind.NUMBER, MatchKind.CODE_PREFIX]


def test_tiers_of_a_dated_code() -> None:
    query = read_code("GB/T 7714-2015")
    assert query is not None
    tiers = query.tiers()
    assert [t.kind for t in tiers] == [MatchKind.EDITION, MatchKind.FAMILY, MatchKind.VARIANT,
                                       MatchKind.PART, MatchKind.ADOPTER]
    assert tiers[0].year == 2015 and tiers[2].keys == ("f:gb7714", "b:gb7714")


@pytest.mark.parametrize("text", ["抗震", "seismic", "AND", "(", "77", ""])
def test_words_are_not_codes(text: str) -> None:
    assert read_code(text) is None


@pytest.mark.parametrize("spelling", ["DB31/ 890-2015", "DB31/890-2015", "DB31 890-2015",
                                      "ｄｂ３１／８９０－２０１５"])
def test_a_mandatory_local_code_has_the_same_keys_in_every_spelling(spelling: str) -> None:
    assert document_keys(parse_code(spelling)) == ["f:db31/890", "b:db31890", "n:890"]
    query = read_code(spelling)
    assert query is not None and query.tiers()[0].keys == ("f:db31/890",)


def test_mandatory_and_recommended_local_codes_find_each_other_as_variants() -> None:
    mandatory = set(document_keys(parse_code("DB31/ 890-2015")))
    recommended = set(document_keys(parse_code("DB31/T 890-2015")))
    for query_code, other in (("DB31/ 890", recommended), ("DB31/T 890", mandatory)):
        query = read_code(query_code)
        assert query is not None
        variant = next(t for t in query.tiers() if t.kind is MatchKind.VARIANT)
        assert set(variant.keys) & other, query_code


@pytest.mark.parametrize(("code", "number_key", "parent"), [
    ("DG/TJ08-2062-2017", "n:2062", None),
    ("DB31/ 890.2-2015", "n:890.2", "p:db31/890"),
    ("IEC 60695-2-1/3:1994", "n:60695-2-1/3", "p:iec60695"),
    ("T/XCFW TG06-011.3-2023", "n:tg06-011.3", "p:t/xcfwtg06-011"),
])
def test_number_and_part_keys_follow_the_printed_family(code: str, number_key: str,
                                                        parent: str | None) -> None:
    keys = document_keys(parse_code(code))
    assert number_key in keys
    assert (parent in keys) if parent else not any(k.startswith("p:") for k in keys)
