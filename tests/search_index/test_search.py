"""Search semantics, the same on every backend: codes, words, filters, facets, highlights,
pagination, order, errors, and an index kept in step with the catalogue."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from typing import Any

import pytest

from api import search_service
from search_index.errors import QueryError
from search_index.postgres_backend import PARALLEL_FROM
from search_index.vocab import MatchKind, SortOrder
from standards.schemas import StandardInput
from standards.tables import Standard
from standards.vocab import Level, Status
from tests.search_index.conftest import BUILDING, Catalogue, backends, records_of

pytestmark = pytest.mark.anyio
D = dt.date

SEISMIC = {"GB 50011-2010", "GB 50011-2001", "GB 50223-2008", "GB 50023-2009", "JGJ 116-2009",
           "GB 55002-2021", "GB 50981-2014", "GB 50191-2012", "GB 50260-2013", "GB 50909-2014"}

# Real standards (codes and titles as published) beside the building catalogue.
OTHERS = [
    StandardInput(code="GB/T 5763-2018", source="test", title_zh="汽车用制动器衬片",
                  title_en="Brake linings for automobiles", implemented_on=D(2019, 2, 1),
                  ics=["43.040.40"], ccs="T24"),
    StandardInput(code="QC/T 29106-2014", source="test", title_zh="汽车电线束技术条件",
                  implemented_on=D(2014, 10, 1), ics=["43.040.10"]),
    StandardInput(code="GB/T 14456.1-2017", source="test", title_zh="绿茶 第1部分：基本要求",
                  title_en="Green tea—Part 1: General requirements", implemented_on=D(2018, 5, 1),
                  ics=["67.140.10"], ccs="X55"),
    StandardInput(code="GB/T 13738.1-2017", source="test", title_zh="红茶 第1部分：红碎茶",
                  title_en="Black tea—Part 1: Broken black tea", implemented_on=D(2018, 5, 1),
                  ics=["67.140.10"], ccs="X55"),
    StandardInput(code="GB/T 5606.1-2004", source="test", title_zh="卷烟 第1部分：抽样",
                  implemented_on=D(2005, 3, 1), ccs="X87"),
    StandardInput(code="GB/T 5606.2-2004", source="test", title_zh="卷烟 第2部分：包装标志",
                  implemented_on=D(2005, 3, 1), ccs="X87"),
    StandardInput(code="GB/T 5606.3-2005", source="test",
                  title_zh="卷烟 第3部分：包装、卷制技术要求及贮运", implemented_on=D(2005, 7, 1),
                  ccs="X87"),
    StandardInput(code="GB/T 19001-2016", source="test", title_zh="质量管理体系 要求",
                  title_en="Quality management systems—Requirements",
                  implemented_on=D(2017, 7, 1), adopts=[{"code": "ISO 9001:2015",
                                                          "degree": "IDT"}]),
    # an illustrative local standard, to filter by region
    StandardInput(code="DB22/T 1000-2020", source="test", title_zh="人参种植技术规程",
                  implemented_on=D(2020, 6, 1),
                  scope="本文件规定了人参种植的选地、整地和田间管理。",
                  drafters=["吉林农业大学"]),
    StandardInput(code="DB32/T 1000-2019", source="test", title_zh="绿色建筑设计标准",
                  implemented_on=D(2019, 6, 1)),
    StandardInput(code="GB/T 99999-2027", source="test", title_zh="建筑抗震韧性评价标准",
                  published_on=D(2026, 11, 1), implemented_on=D(2027, 6, 1)),
]


async def load_all(catalogue: Catalogue) -> list[int]:
    return await catalogue.load([*records_of(BUILDING), *OTHERS])


# ---- codes -------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["GB50016", "ＧＢ　５００１６", "50016", "gb 50016",
                                      "GB 50016", "GB/T 50016", "ＧＢ５００１６－２０１４"])
async def test_any_spelling_of_gb_50016_finds_the_current_edition_first(
        catalogue: Catalogue, spelling: str) -> None:
    await load_all(catalogue)
    codes = await catalogue.codes(spelling)
    assert codes[:2] == ["GB 50016-2014", "GB 50016-2006"]


async def test_a_dated_code_finds_that_edition_first_even_withdrawn(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    result = await catalogue.search("GB 50016-2006")
    assert [h.normalized_code for h in result.hits[:2]] == ["GB 50016-2006", "GB 50016-2014"]
    assert [h.match for h in result.hits[:2]] == [MatchKind.EDITION, MatchKind.FAMILY]
    assert result.hits[0].status is Status.WITHDRAWN
    assert result.hits[0].highlights["code"] == "<mark>GB 50016-2006</mark>"


async def test_a_code_finds_its_parts_and_a_part_its_siblings(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    assert await catalogue.codes("GB/T 5606") == [
        "GB/T 5606.1-2004", "GB/T 5606.2-2004", "GB/T 5606.3-2005"]
    codes = await catalogue.codes("gbt5606.2")
    assert codes[0] == "GB/T 5606.2-2004" and set(codes[1:]) == {
        "GB/T 5606.1-2004", "GB/T 5606.3-2005"}


async def test_a_code_prefix_and_a_number_prefix(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    result = await catalogue.search("GB 5001", page_size=20)
    assert {"GB 50010-2010", "GB 50011-2010", "GB 50016-2014", "GB 50017-2017"} <= {
        h.normalized_code for h in result.hits}
    assert all(h.match is MatchKind.CODE_PREFIX for h in result.hits)
    assert (await catalogue.codes("5763"))[0] == "GB/T 5763-2018"


async def test_an_international_code_finds_the_standards_adopting_it(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    result = await catalogue.search("ISO 9001")
    assert [h.normalized_code for h in result.hits] == ["GB/T 19001-2016"]
    assert result.hits[0].match is MatchKind.ADOPTER


# ---- words -------------------------------------------------------------------------------


async def test_kangzhen_finds_exactly_the_seismic_standards(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    result = await catalogue.search("抗震", page_size=20)
    codes = [h.normalized_code for h in result.hits]
    assert set(codes) == SEISMIC | {"GB/T 99999-2027"} and result.total == 11
    assert codes.index("GB 50011-2010") < codes.index("GB 50011-2001")
    assert codes[-1] == "GB 50011-2001"  # the only withdrawn one sinks to the bottom


async def test_english_words_are_stemmed(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    codes = await catalogue.codes("seismic designs", page_size=20)
    assert set(codes) == {"GB 50011-2010", "GB 50011-2001", "GB 50981-2014", "GB 50191-2012",
                          "GB 50260-2013", "GB 50909-2014"}
    fire = await catalogue.codes("fire protection")
    assert fire[0] == "GB 50016-2014"
    assert fire.index("GB 50016-2014") < fire.index("GB 50045-1995")


async def test_a_word_inside_a_compound(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    assert "GB/T 5763-2018" in await catalogue.codes("汽车")  # 汽车用制动器衬片
    assert (await catalogue.codes("汽车用"))[0] == "GB/T 5763-2018"
    assert await catalogue.codes("制动器") == ["GB/T 5763-2018"]
    assert set(await catalogue.codes("茶")) == {"GB/T 14456.1-2017", "GB/T 13738.1-2017"}


async def test_two_words_and_a_mixed_query(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    codes = await catalogue.codes("混凝土 结构")
    assert set(codes) == {"GB 50010-2010", "JGJ 3-2010", "GB 50204-2015"}
    mixed = await catalogue.codes("GB 50011 抗震", page_size=20)
    assert mixed[:2] == ["GB 50011-2010", "GB 50011-2001"]
    assert set(mixed) >= SEISMIC


async def test_scope_and_drafters_are_searched(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    result = await catalogue.search("吉林农业大学")
    assert [h.normalized_code for h in result.hits] == ["DB22/T 1000-2020"]
    result = await catalogue.search("整地")
    assert result.hits[0].highlights["scope"].count("<mark>整地</mark>") == 1


async def test_a_quoted_phrase_must_appear_as_written(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    loose = set(await catalogue.codes("抗震 设计", page_size=20))
    phrase = set(await catalogue.codes('"抗震设计"', page_size=20))
    assert phrase == {"GB 50011-2010", "GB 50011-2001", "GB 50981-2014", "GB 50191-2012",
                      "GB 50260-2013", "GB 50909-2014"}
    assert phrase < loose or phrase == loose


async def test_no_standard_with_every_word_relaxes_to_some(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    result = await catalogue.search("抗震 冰淇淋")
    assert result.relaxed and result.total == 11
    strict = await catalogue.search("抗震 鉴定")
    assert not strict.relaxed and [h.normalized_code for h in strict.hits] == ["GB 50023-2009"]


# ---- filters, facets, pages, order ------------------------------------------------------


async def test_filters_are_filters(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    assert set(await catalogue.codes("抗震", level=Level.INDUSTRY)) == {"JGJ 116-2009"}
    assert await catalogue.codes("抗震", status=Status.WITHDRAWN) == ["GB 50011-2001"]
    assert await catalogue.codes("抗震", status=Status.UPCOMING) == ["GB/T 99999-2027"]
    assert set(await catalogue.codes("规范", prefix="CJJ")) == {"CJJ 37-2012"}
    assert set(await catalogue.codes("技术规程", prefix="jgj", year_from=2010)) == {
        "JGJ 3-2010", "JGJ 99-2015"}
    assert await catalogue.codes("技术规程", prefix="JGJ", year_from=2010, year_to=2012) == [
        "JGJ 3-2010"]
    assert await catalogue.codes("绿色", region="32") == ["DB32/T 1000-2019"]
    assert set(await catalogue.codes("茶", ics="67.140")) == {"GB/T 14456.1-2017",
                                                             "GB/T 13738.1-2017"}
    assert await catalogue.codes("茶", ics="67.14") == []
    assert await catalogue.codes("汽车", ics="43.040.40", ccs="t24") == ["GB/T 5763-2018"]
    assert await catalogue.codes("卷烟", industry="QC") == []


async def test_facets_count_every_match(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    result = await catalogue.search("抗震", page_size=2)
    assert len(result.hits) == 2 and result.total == 11
    assert result.facets["level"] == {"national": 10, "industry": 1}
    assert result.facets["status"] == {"current": 9, "upcoming": 1, "withdrawn": 1}
    assert result.facets["year"]["2009"] == 2 and sum(result.facets["year"].values()) == 11


async def test_pages_follow_each_other(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    whole = await catalogue.codes("抗震", page_size=20)
    pages = []
    for page in (1, 2, 3, 4):
        pages.extend(await catalogue.codes("抗震", page=page, page_size=3))
    assert pages == whole


async def test_sort_by_date_newest_first(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    codes = await catalogue.codes("防火", sort=SortOrder.DATE)
    assert codes == ["GB 55037-2022", "GB 50016-2014", "GB 50016-2006", "GB 50045-1995"]


async def test_filters_alone_browse_the_catalogue(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    result = await catalogue.search("", level=Level.INDUSTRY, page_size=20)
    assert {h.normalized_code for h in result.hits} == {
        "JGJ 116-2009", "JGJ 3-2010", "JGJ 99-2015", "CJJ 37-2012", "QC/T 29106-2014"}


async def test_highlights(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    hit = (await catalogue.search("建筑 抗震 seismic"))
    first = hit.hits[0]
    assert "<mark>建筑</mark><mark>抗震</mark>" in first.highlights["title_zh"]
    assert "<mark>seismic</mark>" in first.highlights["title_en"]


async def test_odd_input_never_fails(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    for text in ['AND', '"', ':', '*', '(', 'title:抗震', '抗震 AND (', "'; DROP TABLE x; --",
                 '%', '_', '\\', '抗震*', '"抗震']:
        result = await catalogue.search(text)
        assert result.total >= 0
    assert (await catalogue.search("title:抗震")).total == 11 or (
        await catalogue.search("title:抗震")).relaxed
    assert (await catalogue.search("AND ( : *")).total == 0


async def test_malformed_requests_are_query_errors(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    with pytest.raises(QueryError, match="too long"):
        await catalogue.search("抗" * 300)
    with pytest.raises(QueryError, match="page too deep"):
        await catalogue.search("抗震", page=1001, page_size=10)
    with pytest.raises(QueryError, match="give words, a code or a filter"):
        await catalogue.search("   ")


# ---- kept in step --------------------------------------------------------------------------


async def id_of(code: str) -> int:
    rows = await Standard.raw("SELECT id FROM standard WHERE normalized_code = {}", code)
    return int(rows[0]["id"])


async def test_reindex_after_a_change_and_a_deletion(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    original = next(r for r in records_of(BUILDING) if r.code == "GB 50010-2010")
    await catalogue.load([original.model_copy(update={"title_zh": "混凝土结构设计标准"})],
                         rebuild=False)
    done = await search_service.reindex_standards([await id_of("GB 50010-2010")],
                                                  catalogue.settings)
    assert done == {"mode": "update", "documents": 1}
    assert await catalogue.codes("设计标准 混凝土") == ["GB 50010-2010"]

    gone = await id_of("GB 50023-2009")
    await Standard.raw("DELETE FROM standard WHERE id = {}", gone)
    await search_service.reindex_standards([gone], catalogue.settings)
    assert "GB 50023-2009" not in await catalogue.codes("抗震", page_size=20)
    status = await search_service.index_status(catalogue.settings)
    assert not status.stale, status.problems


async def test_reindex_without_an_index_builds_one(catalogue: Catalogue) -> None:
    ids = await catalogue.load(records_of(BUILDING), rebuild=False)
    done = await search_service.reindex_standards(ids[:3], catalogue.settings)
    if catalogue.settings.search_backend == "whoosh":
        assert done["mode"] == "rebuild" and done["documents"] == 32
    assert "GB 50011-2010" in await catalogue.codes("抗震")


async def test_status_compares_the_index_with_the_database(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    status = await search_service.index_status(catalogue.settings)
    assert not status.stale and status.documents == status.database_documents == 43
    assert status.schema_version == status.expected_schema_version
    await catalogue.load([StandardInput(code="GB 50352-2005", source="test",
                                        title_zh="民用建筑设计通则")], rebuild=False)
    status = await search_service.index_status(catalogue.settings)
    assert status.stale and "the index holds 43 standards, the database 44" in status.problems[0]
    assert status.advice == []


async def test_status_advises_postgresql_when_the_catalogue_outgrows_whoosh(
        catalogue: Catalogue) -> None:
    await load_all(catalogue)
    status = await search_service.index_status(catalogue.settings, comfortable=40)
    if catalogue.settings.search_backend != "whoosh":
        assert status.advice == []  # the PostgreSQL backend is the one for large catalogues
        return
    assert not status.stale  # advice is not a problem: nothing to rebuild
    assert len(status.advice) == 1 and "outgrown the embedded whoosh index" in status.advice[0]
    assert "STDTRACK_SEARCH=postgres" in status.advice[0]
    postgres = catalogue.settings.database_url.startswith("postgresql://")
    assert ("move the database to PostgreSQL" in status.advice[0]) is not postgres
    assert (await search_service.index_status(catalogue.settings, comfortable=43)).advice == []


def postgres_backend(what: str) -> Callable[[Any], Any]:
    """Run a test only on the PostgreSQL search backend, which ``what`` belongs to."""
    def mark(test: Any) -> Any:
        test = pytest.mark.skipif(
            "postgres" not in backends(),
            reason=f"{what} belongs to the PostgreSQL search backend, and DATABASE_URL names "
                   "no PostgreSQL server in this run")(test)
        return pytest.mark.backends("postgres")(test)
    return mark


@postgres_backend("the parallel rebuild")
async def test_a_rebuild_analyzed_in_worker_processes_gives_identical_results(
        catalogue: Catalogue) -> None:
    from search_index.postgres_backend import PostgresSearchEngine

    await load_all(catalogue)
    queries = ["抗震", "GB50016", "规范", "fire protection", "建筑 设计", "5606", "建"]
    before = [(await catalogue.search(q, page_size=50)).model_dump(exclude={"took_ms"})
              for q in queries]
    sequential = await search_service.search_engine(catalogue.settings).describe()
    engine = search_service.search_engine(catalogue.settings)
    assert isinstance(engine, PostgresSearchEngine)
    engine.parallel_from = 1  # every rebuild analyzes in worker processes
    try:
        report = await search_service.rebuild_index(catalogue.settings)
    finally:
        engine.parallel_from = PARALLEL_FROM
    assert report.documents == 43
    after = [(await catalogue.search(q, page_size=50)).model_dump(exclude={"took_ms"})
             for q in queries]
    assert after == before
    parallel = await engine.describe()
    assert parallel["documents"] == sequential["documents"] == 43


@postgres_backend("keeping frequent terms' counts")
async def test_kept_counts_of_frequent_terms_answer_as_counting_the_matches(
        catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    from search_index.postgres_backend import HOT_FROM, PostgresSearchEngine

    await load_all(catalogue)
    engine = search_service.search_engine(catalogue.settings)
    assert isinstance(engine, PostgresSearchEngine)
    statement = engine._statement
    used: list[str | None] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        used.append(args[-1] if len(args) == 7 else kwargs.get("hot"))
        return statement(*args, **kwargs)

    monkeypatch.setattr(engine, "_statement", recording)
    single = ["抗震", "规范", "设计", "建筑", "汽车", "building", "要求", "混凝土"]
    others = ["建筑 设计", "GB50016", "建", "抗震 GB 50011"]

    async def answers(**kwargs: Any) -> list[dict[str, Any]]:
        return [(await catalogue.search(q, **kwargs)).model_dump(exclude={"took_ms"})
                for q in [*single, *others]]

    async def counted(**kwargs: Any) -> list[dict[str, Any]]:
        # the same searches counting every match (as when no term is kept)
        with monkeypatch.context() as patch:
            patch.setattr(engine, "_hot_term", _no_term)
            return await answers(**kwargs)

    live = [await counted(page_size=2), await counted(page_size=50)]
    assert not any(used) and HOT_FROM > 43  # a small catalogue keeps no term by default
    engine.hot_from = 1  # every term is kept
    try:
        await search_service.rebuild_index(catalogue.settings)
    finally:
        engine.hot_from = HOT_FROM
    used.clear()
    assert [await answers(page_size=2), await answers(page_size=50)] == live
    # single terms read their counts (English ones as stems); the others count their matches
    assert set(used) == {*single, None} - {"building"} | {"build"}
    assert live[0][0]["total"] == 11 and live[0][0]["facets"]["status"] == {
        "current": 9, "upcoming": 1, "withdrawn": 1}

    # kept counts follow a change and a deletion
    original = next(r for r in records_of(BUILDING) if r.code == "GB 50011-2010")
    await catalogue.load([original.model_copy(update={"title_zh": "建筑设计规范"})],
                         rebuild=False)
    gone = await id_of("GB 50023-2009")
    await Standard.raw("DELETE FROM standard WHERE id = {}", gone)
    await search_service.reindex_standards([await id_of("GB 50011-2010"), gone],
                                           catalogue.settings)
    used.clear()
    after = await answers(page_size=50)
    assert "抗震" in used and after == await counted(page_size=50)
    assert after[0]["total"] < 11  # 抗震: one deleted, one changed

    # a day before the counts were kept is counted from the matches
    used.clear()
    await catalogue.search("抗震", today=dt.date.today() - dt.timedelta(days=1))
    assert used == [None]


async def _no_term(*args: Any) -> None:
    return None


@postgres_backend("keeping the answers of searches that count many matches")
async def test_a_kept_answer_is_read_until_the_index_is_written(
        catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    from search_index.postgres_backend import ANSWER_TABLE, PostgresSearchEngine

    await load_all(catalogue)
    engine = search_service.search_engine(catalogue.settings)
    assert isinstance(engine, PostgresSearchEngine)
    queries = ["建筑 设计", "抗震 规范", "GB50016", "建筑 hospital"]  # the last one relaxed

    async def answers() -> list[dict[str, Any]]:
        return [(await catalogue.search(q, page_size=5)).model_dump(exclude={"took_ms"})
                for q in queries]

    async def kept() -> list[tuple[Any, ...]]:
        return [tuple(row.values()) for row in await Standard.raw(
            f"SELECT generation, relaxed FROM {ANSWER_TABLE} ORDER BY key")]

    counted = await answers()
    assert await kept() == []  # a small catalogue's searches are counted, never kept
    assert counted[3]["relaxed"] and counted[0]["total"] > 5
    monkeypatch.setattr(engine, "answer_from", 1)  # every search that finds something
    assert await answers() == counted
    first = await kept()
    assert len(first) == 4 and sorted(relaxed for _g, relaxed in first) == [
        False, False, False, True]
    # asked again, the kept rows are what is read: altered, the answer shows it
    await Standard.raw(f"UPDATE {ANSWER_TABLE} SET rows = replace(rows, '\"n\": ', "
                       "'\"n\": 100')")
    altered = await answers()
    assert altered != counted and await kept() == first
    # an answer computed on an older generation is never read (a write came meanwhile)
    await Standard.raw("UPDATE search_meta SET value = (value::bigint + 1)::text "
                       "WHERE key = 'generation'")
    assert await answers() == counted
    # a write of the index empties the table: the search counts the matches again
    await Standard.raw(f"UPDATE {ANSWER_TABLE} SET rows = replace(rows, '\"n\": ', "
                       "'\"n\": 100')")
    original = next(r for r in records_of(BUILDING) if r.code == "GB 50011-2010")
    await catalogue.load([original.model_copy(update={"title_zh": "抗震规范"})],
                         rebuild=False)
    await search_service.reindex_standards([await id_of("GB 50011-2010")], catalogue.settings)
    assert await kept() == []
    after = await answers()
    assert after[0]["total"] == counted[0]["total"] - 1 and after[2] == counted[2]
    assert after[1]["hits"][0]["title_zh"] == "抗震规范"  # shorter, ranked first now
    generation = max(g for g, _relaxed in await kept())
    await search_service.rebuild_index(catalogue.settings)
    assert await kept() == []
    assert await answers() == after
    assert {g for g, _relaxed in await kept()} == {generation + 1}


async def test_a_rebuild_from_nothing_gives_identical_results(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    queries = ["抗震", "GB50016", "规范", "fire protection", "建筑 设计", "5606"]
    before = [(await catalogue.search(q, page_size=50)).model_dump(exclude={"took_ms"})
              for q in queries]
    if catalogue.settings.search_backend == "whoosh":
        await search_service.close_search(catalogue.settings)
        shutil.rmtree(catalogue.settings.index_dir)
        status = await search_service.index_status(catalogue.settings)
        assert status.stale and not status.exists
    await search_service.rebuild_index(catalogue.settings)
    after = [(await catalogue.search(q, page_size=50)).model_dump(exclude={"took_ms"})
             for q in queries]
    assert after == before


async def test_a_broken_index_never_fails_the_import(catalogue: Catalogue) -> None:
    await load_all(catalogue)
    if catalogue.settings.search_backend == "whoosh":  # `current` names an empty directory
        await search_service.close_search(catalogue.settings)
        empty = catalogue.settings.index_dir / "gen-empty"
        empty.mkdir()
        (catalogue.settings.index_dir / "current").unlink()
        (catalogue.settings.index_dir / "current").symlink_to(empty.name)
        done = await search_service.reindex_standards([await id_of("GB 50010-2010")],
                                                      catalogue.settings)
        assert done["mode"] == "failed" and "stdtrack index rebuild" in done["error"]
    else:  # the table is gone: the re-index builds it again
        await Standard.raw("DROP TABLE search_document")
        done = await search_service.reindex_standards([await id_of("GB 50010-2010")],
                                                      catalogue.settings)
        assert done == {"mode": "rebuild", "documents": 43}
    await search_service.rebuild_index(catalogue.settings)
    assert (await catalogue.codes("GB 50010"))[0] == "GB 50010-2010"


async def test_random_input_gives_results_or_a_clear_error(catalogue: Catalogue) -> None:
    import random

    await load_all(catalogue)
    alphabet = [*"抗震建筑规范汽车用茶 GBTISO/.-:*()\"'&|!~^%_\\0123456789ａＧ\u3000，。",
                "AND", "OR", "NOT", "NEAR", "\t", "\u200b", "😀"]
    rng = random.Random(4)
    for _ in range(150):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        try:
            result = await catalogue.search(text)
        except QueryError as exc:  # only "nothing to search" can happen under the limits
            assert "give words, a code or a filter" in str(exc), text
        else:
            assert result.total >= 0 and len(result.hits) <= 10, text
