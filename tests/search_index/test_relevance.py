"""Relevance on real data: the catalogue of tests/data (official-platform pages, Relaton items,
the ISO / IEC / JIS samples, the building-standards list) read by the real importers, and a
table of queries people type with the standards that must come first."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api import search_service
from standards import repository
from standards.settings import Settings
from standards.tables import Standard
from standards.vocab import Level, Status
from tests.conftest import CLEAN_ORDER
from tests.search_index.conftest import BUILDING, DATA, Catalogue, records_of

pytestmark = pytest.mark.anyio

FILES = [
    BUILDING,
    *sorted(p for p in (DATA / "relaton-gb").rglob("*") if p.is_file()
            and p.name != "prefixes.yaml"),
    DATA / "relaton-data-iso" / "iso_sample_2000.jsonl",
    DATA / "relaton-data-iec" / "iec_sample_2000.jsonl",
    DATA / "relaton-data-jis" / "jis_sample_2000.jsonl",
    *sorted((DATA / "relaton-foreign").rglob("*.*")),
]
SEISMIC = {"GB 50011-2010", "GB 50011-2001", "GB 50223-2008", "GB 50023-2009", "JGJ 116-2009",
           "GB 55002-2021", "GB 50981-2014", "GB 50191-2012", "GB 50260-2013", "GB 50909-2014"}


@pytest.fixture(scope="module")
async def real(client: httpx.AsyncClient, settings: Settings, backend: str,
               tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Catalogue]:
    """The real catalogue, loaded and indexed once for the module (per backend)."""
    for table in CLEAN_ORDER:
        await Standard.raw(f"DELETE FROM {table}")
    variant = dataclasses.replace(settings, home=tmp_path_factory.mktemp("relevance"),
                                  search_backend=backend)
    catalogue = Catalogue(variant)
    await catalogue.load(records_of(*FILES))
    yield catalogue
    await search_service.close_search(variant)
    for table in CLEAN_ORDER:
        await Standard.raw(f"DELETE FROM {table}")


# Each expected position is one code, or a set of codes that may come in either order (the
# real pages hold JB/T 13368 twice: dated, and undated from a Relaton YAML item).
FIRST: list[tuple[str, dict[str, Any], list[str | set[str]]]] = [
    # Chinese words: the standards whose titles say it, current editions first
    ("棉短绒", {}, ["GB/T 20223-2018", "GB/T 20223-2006"]),
    ("卷烟 抽样", {}, ["GB/T 5606.1-2004", "GB/T 5606.1-1996"]),
    ("软包夹", {}, [{"JB/T 13368-2018", "JB/T 13368"}, {"JB/T 13368-2018", "JB/T 13368"}]),
    ("吸油烟机", {}, ["T/GZAEPI 001-2018"]),
    ("标准化工作导则", {}, ["GB/T 1.1-2020"]),
    ("建筑设计防火规范", {}, ["GB 50016-2014", "GB 50016-2006"]),
    ("钢结构", {}, ["GB 50017-2017"]),
    ("乳酸", {}, ["GB 2023-2003"]),
    ("辣椒 抗性", {}, ["DB22/T 2023-2014"]),
    ("混凝土结构 设计", {}, ["GB 50010-2010"]),
    # English words (stemmed): ISO / IEC / JIS titles and the English titles of GB standards
    ("cotton linters", {}, ["GB/T 20223-2018", "GB/T 20223-2006"]),
    ("risk management guidelines", {}, ["JIS Q 31000:2019"]),
    ("concrete structures", {}, ["GB 50010-2010"]),
    ("density water absorption coarse aggregates", {}, ["JIS A 1110:2020"]),
    # codes in every spelling
    ("GB50016", {}, ["GB 50016-2014", "GB 50016-2006"]),
    ("ＧＢ　５００１６", {}, ["GB 50016-2014"]),
    ("50016", {}, ["GB 50016-2014"]),
    ("ＧＢ／Ｔ ２０２２３", {}, ["GB/T 20223-2018", "GB/T 20223-2006"]),
    ("ＧＢ／Ｔ　２０２２３－２００６", {}, ["GB/T 20223-2006", "GB/T 20223-2018"]),
    ("gbt5606.1", {}, ["GB/T 5606.1-2004", "GB/T 5606.1-1996"]),
    ("JB/T13368—2018", {}, ["JB/T 13368-2018"]),
    ("ISO/IEC 27001", {}, ["ISO/IEC 27001:2022"]),
    ("iso 9001", {}, ["ISO 9001:2015"]),
    ("JIS A 1110", {}, ["JIS A 1110:2020"]),
    ("GB/T 1.1", {}, ["GB/T 1.1-2020"]),
    ("GB 50011 抗震", {}, ["GB 50011-2010", "GB 50011-2001"]),
    # filters
    ("卷烟", {"status": Status.WITHDRAWN, "prefix": "GB/T"}, ["GB/T 5606.1-1996"]),
    ("", {"region": "22"}, ["DB22/T 2023-2014"]),
    ("规范", {"level": Level.INDUSTRY}, ["CJJ 37-2012"]),
]


@pytest.mark.parametrize(("query", "filters", "first"), FIRST,
                         ids=[f"{q or 'browse'}{'+' + ','.join(f) if f else ''}"
                              for q, f, _ in FIRST])
async def test_these_come_first(real: Catalogue, query: str, filters: dict[str, Any],
                                first: list[str | set[str]]) -> None:
    codes = await real.codes(query, **filters)
    assert len(codes) >= len(first), codes
    for code, expected in zip(codes, first, strict=False):
        assert code in expected if isinstance(expected, set) else code == expected, codes


async def test_kangzhen_in_building_standards_gives_the_seismic_ones(real: Catalogue) -> None:
    result = await real.search("抗震", page_size=20)
    assert {h.normalized_code for h in result.hits} == SEISMIC
    codes = [h.normalized_code for h in result.hits]
    assert codes.index("GB 50011-2010") < codes.index("GB 50011-2001")


async def test_seismic_in_english_finds_them_by_their_english_titles(real: Catalogue) -> None:
    codes = await real.codes("seismic", page_size=50)
    assert {"GB 50011-2010", "GB 50011-2001", "GB 50981-2014", "GB 50191-2012"} <= set(codes)
    assert codes.index("GB 50011-2010") < codes.index("GB 50011-2001")


async def test_withdrawn_editions_rank_below_their_current_successors(real: Catalogue) -> None:
    for query, current, withdrawn in [("防火规范", "GB 50016-2014", "GB 50016-2006"),
                                      ("钢结构", "GB 50017-2017", "GB 50017-2003"),
                                      ("标准化工作导则", "GB/T 1.1-2020", "GB/T 1.1-2009"),
                                      ("information security management systems",
                                       "ISO/IEC 27001:2022", "ISO/IEC 27001:2013")]:
        codes = await real.codes(query, page_size=50)
        assert codes.index(current) < codes.index(withdrawn), (query, codes)


async def test_filters_keep_only_what_they_say(real: Catalogue) -> None:
    result = await real.search("management", level=Level.FOREIGN, page_size=50)
    assert result.total and all(h.level is Level.FOREIGN for h in result.hits)
    withdrawn = await real.search("规范", status=Status.WITHDRAWN, page_size=50)
    assert {"GB 50016-2006", "GB 50011-2001", "GB 50017-2003"} <= {
        h.normalized_code for h in withdrawn.hits}
    assert all(h.status is Status.WITHDRAWN for h in withdrawn.hits)


async def test_the_catalogue_is_all_indexed(real: Catalogue) -> None:
    status = await search_service.index_status(real.settings)
    assert not status.stale and status.documents == await repository.count_standards() > 6000
