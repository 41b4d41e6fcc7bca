"""Text analysis: the same jieba words at index and query time, parts, stems, highlights."""

from __future__ import annotations

import pytest

from search_index import analysis
from search_index.analysis import QueryWord, highlight, index_words, query_words


def test_jieba_words_with_their_dictionary_parts() -> None:
    words = index_words("建筑抗震设计规范")
    assert {"建筑", "抗震", "设计规范", "设计", "规范"} <= set(words)


def test_single_characters_are_not_indexed_on_their_own() -> None:
    # 茶 is found inside 绿茶 by the backends' character expansion, not by unigram postings
    assert "茶" not in index_words("绿茶 等级规格")


def test_domain_words_from_the_user_dictionary() -> None:
    assert "技术条件" in index_words("汽车用制动器衬片技术条件")
    assert query_words("旅游景区") == [QueryWord("旅游景区", ("旅游", "景区"))]


def test_full_width_and_case_are_folded() -> None:
    assert index_words("ＬＥＤ灯具") == index_words("led灯具")


def test_english_is_stemmed_and_stop_words_dropped() -> None:
    assert index_words("Code for seismic design of buildings") == ["code", "seismic", "design",
                                                                   "build"]
    assert [w.text for w in query_words("the buildings AND designs")] == ["build", "design"]


def test_query_words_split_like_the_index() -> None:
    assert [w.text for w in query_words("服务规范 旅游")] == ["服务规范", "旅游"]
    assert query_words("设计规范") == [QueryWord("设计规范", ("设计", "规范"))]
    assert query_words("7714") == [QueryWord("7714", is_number=True)]


def test_a_long_word_also_matches_its_parts() -> None:
    # jieba may cut a title as 抗震设计/规范; the query word 设计规范 then matches 设计 + 规范
    assert set(QueryWord("设计规范", ("设计", "规范")).parts) <= set(index_words("抗震设计规范"))


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        ("建筑抗震设计规范", {"抗震"}, "建筑<mark>抗震</mark>设计规范"),
        ("Code for Seismic design of <buildings>", {"seismic", "build"},
         "Code for <mark>Seismic</mark> design of &lt;<mark>buildings</mark>&gt;"),
        ("ＧＢ　建筑抗震", {"gb", "抗震"}, "<mark>ＧＢ</mark>　建筑<mark>抗震</mark>"),
        ("棉短绒", {"抗震"}, None),
    ],
)
def test_highlights_mark_the_original_text(text: str, terms: set[str],
                                           expected: str | None) -> None:
    assert highlight(text, terms) == expected


def test_highlight_window_of_a_long_scope() -> None:
    scope = "本标准规定了" + "一般要求。" * 40 + "人参的种植技术。" + "其他。" * 40
    snippet = analysis.highlight_window(scope, {"人参"}, width=40)
    assert snippet is not None and "<mark>人参</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 80


def test_fingerprint_names_jieba_and_the_user_dictionary() -> None:
    fingerprint = analysis.analyzer_fingerprint()
    assert "jieba-0.42.1" in fingerprint and "userdict-" in fingerprint
