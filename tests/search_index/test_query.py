"""Reading a query: never query syntax, codes found inside, limits that give a clear error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_index.errors import QueryError
from search_index.query import MAX_QUERY_CHARS, parse_query


@pytest.mark.parametrize(
    "text",
    ['AND', 'a AND b', '"', '"unbalanced', ':', 'title:抗震', '*', '抗*', '(', '(x OR y)', '\\',
     '%_', "'; DROP TABLE standard; --", '\x00\x01', '　', '<mark>', '＆＆', 'NOT -x +y ~z ^2'],
)
def test_any_characters_read_without_error(text: str) -> None:
    parse_query(text)


@given(st.text(max_size=MAX_QUERY_CHARS))
@settings(max_examples=300, deadline=None)
def test_no_text_up_to_the_limit_raises(text: str) -> None:
    parse_query(text)


def test_too_long_is_a_query_error_with_a_message() -> None:
    with pytest.raises(QueryError, match="query too long: 201 characters"):
        parse_query("抗" * 201)


def test_too_many_words() -> None:
    with pytest.raises(QueryError, match="too many words"):
        parse_query(" ".join(f"t{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(30)))


def test_whole_query_as_a_code() -> None:
    plan = parse_query("ＧＢ／Ｔ ７７１４")
    assert [c.parsed.normalized for c in plan.codes if c.parsed] == ["GB/T 7714"]
    assert plan.words == ()


def test_code_inside_words() -> None:
    plan = parse_query("ISO 9001 质量管理")
    assert [c.text for c in plan.codes] == ["iso 9001"]
    assert [w.text for w in plan.words] == ["质量", "管理"]


def test_code_glued_to_chinese() -> None:
    plan = parse_query("抗震GB50011")
    assert [c.parsed.normalized for c in plan.codes if c.parsed] == ["GB 50011"]
    assert [w.text for w in plan.words] == ["抗震"]


def test_a_number_among_words_is_a_word() -> None:
    plan = parse_query("抗震 2010")
    assert plan.codes == () and [w.text for w in plan.words] == ["抗震", "2010"]


def test_single_characters_are_optional_beside_longer_words() -> None:
    plan = parse_query("汽车用")
    assert [w.text for w in plan.words] == ["汽车"]
    assert [w.text for w in plan.optional] == ["用"]
    assert [w.text for w in parse_query("茶").words] == ["茶"]


def test_quoted_phrase() -> None:
    plan = parse_query('"设计 规范" 建筑')
    assert plan.phrases == ("设计 规范",)
    assert {w.text for w in plan.words} == {"设计", "规范", "建筑"}


def test_stop_words_only_is_an_empty_plan_with_text() -> None:
    plan = parse_query("AND the ( : *")
    assert plan.is_empty and plan.text
