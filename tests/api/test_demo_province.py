"""The generated demo province: the same rows every time, valid credit codes in real county
codes, products in the cities' sectors, codes from the catalogue; loaded through the real
pipelines, and loading it again changes nothing."""

from __future__ import annotations

import collections
import datetime as dt

import httpx
import pytest

from adoption.regions import city_of, region_names
from adoption.uscc import is_valid_uscc
from api import demo_province
from api.demo_province import CatalogueEntry, CataloguePools, generate
from api.drafting_imports import map_row
from tests.adoption.helpers import upload_catalogue

ISO = [CatalogueEntry(code=f"ISO {n}:2015", withdrawn_on=None, successor=None,
                      valid_from=dt.date(2015, 6, 1)) for n in range(100, 110)]
POOLS = CataloguePools(
    by_ics={"43.040.40": ISO[:5], "59.080.30": ISO[5:]},  # braking systems; textile fabrics
    by_code={
        **{entry.code: entry for entry in ISO},
        "GB 7258-2012": CatalogueEntry("GB 7258-2012", dt.date(2018, 1, 1), "GB 7258-2017",
                                       dt.date(2012, 9, 1)),
        "GB 7258-2017": CatalogueEntry("GB 7258-2017", None, None, dt.date(2018, 1, 1)),
    })


def test_the_same_seed_gives_the_same_province() -> None:
    first, second = generate(POOLS), generate(POOLS)
    assert first.declarations == second.declarations
    assert first.drafting == second.drafting
    assert first.later_editions == second.later_editions
    assert generate(POOLS, seed=7).declarations != first.declarations


def test_enterprises_are_valid_and_where_their_industries_are() -> None:
    province = generate(POOLS)
    rows = province.declarations
    assert 1500 <= len(rows) <= 3000
    names = region_names()
    for row in rows:
        assert is_valid_uscc(row["统一社会信用代码"])
        assert row["行政区划代码"] in names and not row["行政区划代码"].endswith("00")
        assert row["统一社会信用代码"][2:8] == row["行政区划代码"]
        assert FIRST_DAY <= dt.date.fromisoformat(row["公开日期"]) <= LAST_DAY
    by_city = collections.defaultdict(collections.Counter)
    for row in rows:
        by_city[city_of(row["行政区划代码"])][row["行业"]] += 1
    assert by_city["220100"].most_common(1)[0][0] == "汽车零部件及配件制造"  # 长春
    assert by_city["220200"].most_common(1)[0][0] == "石油化工"  # 吉林市
    assert set(by_city["220600"]) == {"人参及特色资源加工"}  # 白山
    assert by_city["220500"].most_common(1)[0][0] == "人参及特色资源加工"  # 通化
    assert {"纺织服装", "电子信息"} == set(by_city["320500"])  # 苏州
    years = collections.Counter(row["公开日期"][:4] for row in rows)
    assert set(years) >= {str(year) for year in range(2011, 2027)}
    codes = collections.Counter(code for row in rows for code in row["执行标准"].split(";") if code)
    assert codes["GB 7258-2012"] and codes["GB 7258-2017"] and codes["ISO 100:2015"]
    assert sum(1 for row in rows if not row["执行标准"]) > 50  # products with no standard
    assert province.later_editions and all(
        item.code == "GB 7258-2017" and item.on >= dt.date(2018, 1, 1)
        for item in province.later_editions)
    assert province.withdrawals


def test_products_declare_international_standards_of_their_own_fields() -> None:
    """A brake disc declares a braking-system standard, a knitted fabric a fabric one; no
    product declares an ICS pool's standard outside its own fields (数控机床 never gets an
    electro-heating standard)."""
    pool_of = {entry.code: prefix for prefix, entries in POOLS.by_ics.items()
               for entry in entries}
    declared: collections.Counter[tuple[str, str]] = collections.Counter()
    for row in generate(POOLS).declarations:
        for code in filter(None, row["执行标准"].split(";")):
            if code in pool_of:
                assert pool_of[code] in demo_province.PRODUCT_ICS[row["产品名称"]], (row, code)
                declared[(row["产品名称"], pool_of[code])] += 1
    assert {product for product, _prefix in declared} == {
        "制动盘", "针织面料", "羊绒衫", "家纺床品", "无缝袜", "真丝绸缎"}
    # every product of the demo sectors has fields, each a valid ICS prefix
    for sector in demo_province.SECTORS.values():
        for product, _category in sector.products:
            assert demo_province.PRODUCT_ICS[product]
            for prefix in demo_province.PRODUCT_ICS[product]:
                assert all(part.isdigit() for part in prefix.split(".")), prefix
    assert demo_province.ics_range("25.080") == ("25.080", "25.080/")


def test_drafting_plans_pass_the_real_row_mapping() -> None:
    plans = generate(POOLS).drafting
    mapped = [map_row(f"row {n}", {key: value for key, value in zip(
        ("plan_no", "plan_year", "title", "kind", "revises", "region", "domain", "proposer",
         "drafters", "deadline", "stage", "stage_on", "code"), row.values(), strict=True)
        if value != ""}) for n, row in enumerate(plans)]
    assert {row.region_code for row in mapped} == {"220000", "320000"}
    stages = collections.Counter(row.stage.value for row in mapped)
    assert stages["published"] > 500 and stages["cancelled"] > 10 and stages["postponed"] > 10
    years = {row.plan_year for row in mapped}
    assert years == {*range(2011, 2016), *range(2021, 2027)}  # the seeds' plans, current ones
    published = [row for row in mapped if row.code]
    assert all(row.stage.value == "published" for row in published)
    assert len({row.code for row in published}) == len(published)
    titles = [row.title for row in mapped]
    assert not [title for title in titles if "服务服务" in title]
    current = [row for row in mapped if row.plan_year == 2026]
    assert current and all(row.stage.value not in ("published", "filed") for row in current)


def test_every_published_project_is_in_the_demo_catalogue() -> None:
    plans = generate(POOLS).drafting
    catalogue = {row["标准号"]: row for row in demo_province.published_catalogue(plans)}
    published = {row["标准号"]: row for row in plans if row["阶段"] == "发布"}
    assert set(catalogue) == set(published) and len(catalogue) > 700
    for code, row in published.items():
        assert catalogue[code]["标准名称"] == row["项目名称"]
        assert catalogue[code]["发布日期"] == row["阶段日期"]


def test_the_demo_has_ended_and_live_goals_of_the_current_plans() -> None:
    deadlines = {goal["name"]: goal["deadline"] for goal in demo_province.DEMO_GOALS}
    assert any(day == "2025-12-31" for day in deadlines.values())
    live = [name for name, day in deadlines.items() if day == "2030-12-31"]
    metrics = {goal["metric"] for goal in demo_province.DEMO_GOALS
               if goal["deadline"] == "2030-12-31"}
    assert len(live) >= 4 and metrics == {"local-standards", "coverage", "adoption"}


FIRST_DAY, LAST_DAY = demo_province.FIRST_DAY, demo_province.LAST_DAY


@pytest.mark.anyio
@pytest.mark.usefixtures("adoption_db", "db")
async def test_loading_twice_changes_nothing(client: httpx.AsyncClient,
                                            staff_headers: dict[str, str], settings) -> None:
    from adoption.tables import Declaration

    await upload_catalogue(client, staff_headers, "gb.csv", [
        "标准号,标准名称,发布日期,实施日期,废止日期,代替标准",
        "GB 7258-2017,机动车运行安全技术条件,2017-09-29,2018-01-01,,GB 7258-2012",
        "GB 7258-2012,机动车运行安全技术条件,2012-05-11,2012-09-01,2018-01-01,"])
    for table in ("drafting_stage", "drafting_project", "goal"):
        await Declaration.raw(f"DELETE FROM {table}")
    first = await demo_province.load_demo_province(settings.archive_dir)
    imported = first["declarations"]["imported"]
    assert imported["rejected"] == []
    assert imported["enterprises"]["created"] == first["generated"]["enterprises"]
    assert first["declarations"]["later_editions"] > 0
    assert first["declarations"]["withdrawn"] > 0
    assert first["drafting"]["rejected"] == []
    assert set(first["goals"].values()) == {"created"}
    assert all(account["token"] for account in first["accounts"])

    async def counts() -> tuple[int, ...]:
        rows = await Declaration.raw(
            "SELECT (SELECT COUNT(*) FROM declaration) AS d, (SELECT COUNT(*) FROM "
            "declaration WHERE withdrawn_on IS NOT NULL) AS w, (SELECT COUNT(*) FROM "
            "drafting_project) AS p, (SELECT COUNT(*) FROM goal) AS g")
        return tuple(int(v) for v in rows[0].values())

    before = await counts()
    again = await demo_province.load_demo_province(settings.archive_dir)
    assert again["declarations"] == "already loaded"
    assert again["drafting"]["created"] == again["drafting"]["updated"] == 0
    assert set(again["goals"].values()) == {"unchanged"}
    assert all(account["token"] is None for account in again["accounts"])
    assert await counts() == before
    withdrawn = await Declaration.raw(
        "SELECT MIN(withdrawn_on) AS first FROM declaration WHERE withdrawn_on IS NOT NULL")
    assert str(withdrawn[0]["first"]) < dt.date.today().isoformat()  # historical dates
