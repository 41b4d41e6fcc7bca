"""Indicators on hand-built data: every number computed by hand (see indicator_data.py for the
dataset and why each product counts or not), as of today (kept facts) and past days (computed
from declarations), on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from adoption import indicator_queries, repository
from adoption.errors import InvalidFieldError
from adoption.fields import declared_code
from adoption.indicators import (
    GroupBy,
    IndicatorName,
    IndicatorQuery,
    IndicatorRules,
    compute_indicator,
    compute_indicator_groups,
    indicator_series,
    month_ends,
    not_counted,
)
from standards import repository as standards_repository
from standards.schemas import AdoptionRef, StandardInput
from standards.vocab import AdoptionDegree
from tests.adoption.indicator_data import (
    NOW,
    T1,
    build,
    enterprise,
    product,
    read_every_standard,
)

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]


@pytest.fixture(autouse=True)
def every_standard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hand-computed case here runs, on PostgreSQL, the per-product SQL that reads every
    edition (a province's); the random histories (test_indicators_properties.py) compare both
    ways with the kept facts."""
    read_every_standard(monkeypatch)

COVERAGE = IndicatorName.COVERAGE
ADOPTION = IndicatorName.ADOPTION


def query(name: IndicatorName, **kwargs: object) -> IndicatorQuery:
    return IndicatorQuery(name=name, **kwargs)  # type: ignore[arg-type]


async def test_coverage_today_every_reason() -> None:
    await build()
    report = await compute_indicator(query(COVERAGE, group_by="city"))
    # in scope today: P1..P11 = 11; covered: P1, P6, P7, P8, P9, P10 = 6
    assert (report.numerator, report.denominator) == (6, 11)
    assert report.rate == pytest.approx(6 / 11)
    assert report.not_counted == {
        "no_standard": 1,  # P4
        "standard_withdrawn": 2,  # P2 (2019), P11 (from its successor's 2022-05-01)
        "standard_not_yet_implemented": 1,  # P3
        "unresolved_code": 1,  # P5
    }
    assert report.computed_from == "facts"
    assert report.as_of == dt.date.today()
    assert report.rules["count_neq"] is False and report.rules["count_foreign"] is True
    # 长春 P1..P4: P1 covered; 吉林市 P5..P8: P6, P7, P8; 南京 P9..P11: P9, P10
    assert [(g.key, g.label, g.numerator, g.denominator) for g in report.groups] == [
        ("220100", "长春市", 1, 4), ("220200", "吉林市", 3, 4), ("320100", "南京市", 2, 3)]
    assert report.groups[0].not_counted["standard_withdrawn"] == 1  # P2


async def test_adoption_today_and_the_rule_options() -> None:
    await build()
    report = await compute_indicator(query(ADOPTION))
    # main products: P1, P2, P3, P5, P6, P7, P9, P10 = 8; adopting: P1 (IDT), P7 (MOD of
    # ASTM, foreign-advanced), P9 (ISO itself) = 3
    assert (report.numerator, report.denominator) == (3, 8)
    assert report.not_counted == {
        "no_standard": 0, "standard_withdrawn": 1, "standard_not_yet_implemented": 1,
        "unresolved_code": 1,  # P2, P3, P5
        "not_adopting": 2,  # P6 (NEQ), P10 (EQV)
    }
    assert "ASTM" in report.rules["foreign_bodies"]
    neq = await compute_indicator(query(ADOPTION, rules=IndicatorRules(count_neq=True)))
    assert (neq.numerator, neq.denominator) == (4, 8)  # + P6
    eqv = await compute_indicator(query(ADOPTION, rules=IndicatorRules(count_eqv=True)))
    assert (eqv.numerator, eqv.not_counted["not_adopting"]) == (4, 1)  # + P10
    no_foreign = await compute_indicator(query(
        ADOPTION, rules=IndicatorRules(count_foreign=False)))
    assert (no_foreign.numerator, no_foreign.rules["count_foreign"]) == (2, False)  # - P7


async def test_past_day_computed_from_declarations() -> None:
    data = await build()
    report = await compute_indicator(query(COVERAGE, as_of=T1))
    # on 2021-06-30: P4 not registered yet (created today) -> 10 in scope; P11's edition still
    # in force (withdrawn only from 2022-05-01), P8's undated code means that edition too:
    # covered P1, P6, P7, P8, P9, P10, P11 = 7
    assert (report.numerator, report.denominator) == (7, 10)
    assert report.not_counted == {"no_standard": 0, "standard_withdrawn": 1,
                                  "standard_not_yet_implemented": 1, "unresolved_code": 1}
    # the day's whole cube was computed (kept facts + declarations) and stored for any scope
    assert report.computed_from == "stored"
    # computing every product from its declarations gives the same answer
    pure = await indicator_queries.compute(query(COVERAGE, as_of=T1), reuse_facts=False)
    assert pure.computed_from == "declarations"
    assert pure.model_dump(exclude={"computed_from"}) == report.model_dump(
        exclude={"computed_from"})
    # and so do the kept facts, stated as of that day
    facts = await compute_indicator(query(COVERAGE, as_of=T1), today=T1)
    assert facts.computed_from == "facts"
    assert facts.model_dump(exclude={"computed_from"}) == report.model_dump(
        exclude={"computed_from"})
    page = await not_counted(query(COVERAGE, as_of=T1), "standard_withdrawn")
    assert [(item.product_id, item.declared_codes) for item in page.items] == [
        (data.products["P2"], ["GB/T 30002-2008"])]


async def test_today_answer_matches_the_declarations_query() -> None:
    await build()
    today = dt.date.today()
    for name in (COVERAGE, ADOPTION):
        for group_by in (None, "province", "city", "county", "sector", "key-field"):
            kept = await compute_indicator(query(name, group_by=group_by))
            # compute the same day from declarations by pretending today is tomorrow
            computed = await indicator_queries.compute(
                query(name, group_by=group_by, as_of=today),
                today=today + dt.timedelta(days=1), reuse_facts=False)
            assert computed.computed_from == "declarations"
            assert kept.model_dump(exclude={"computed_from"}) == computed.model_dump(
                exclude={"computed_from"})


async def test_filters() -> None:
    data = await build()
    changchun = await compute_indicator(query(COVERAGE, region="220100"))
    assert (changchun.numerator, changchun.denominator) == (1, 4)  # P1 of P1..P4
    assert changchun.scope["region"] == "2201"
    jilin = await compute_indicator(query(COVERAGE, region="22"))
    assert (jilin.numerator, jilin.denominator) == (4, 8)  # A and B
    petro = await compute_indicator(query(ADOPTION, key_field="石化"))
    assert (petro.numerator, petro.denominator) == (1, 3)  # P5, P6, P7 main; P7 adopting
    one = await compute_indicator(query(COVERAGE, enterprise=data.usccs["C"]))
    assert (one.numerator, one.denominator) == (2, 3)
    past = await compute_indicator(query(COVERAGE, enterprise=data.usccs["C"], as_of=T1))
    assert (past.numerator, past.denominator) == (3, 3)
    sector = await compute_indicator(query(COVERAGE, sector="C36"))
    assert sector.denominator == 11
    none = await compute_indicator(query(COVERAGE, sector="C99"))
    assert (none.numerator, none.denominator, none.rate) == (0, 0, None)
    by_field = await compute_indicator(query(COVERAGE, group_by="key-field"))
    assert [(g.key, g.numerator, g.denominator) for g in by_field.groups] == [
        ("", 2, 3), ("automotive", 1, 4), ("petrochemical", 3, 4)]


async def test_bad_filters_name_the_field() -> None:
    with pytest.raises(InvalidFieldError) as caught:
        await compute_indicator(query(COVERAGE, region="2x"))
    assert caught.value.field == "region"
    with pytest.raises(InvalidFieldError) as caught:
        await compute_indicator(query(COVERAGE, level="national"))
    assert caught.value.field == "level"
    with pytest.raises(InvalidFieldError) as caught:
        await compute_indicator(query(COVERAGE, group_by="month"))
    assert caught.value.field == "group_by"
    with pytest.raises(InvalidFieldError) as caught:
        await not_counted(query(COVERAGE), "not_adopting")
    assert caught.value.field == "reason"


async def test_drill_down_pages() -> None:
    data = await build()
    page = await not_counted(query(ADOPTION), None, page=1, page_size=3)
    # not counted main products by id: P2, P3, P5, P6, P10
    assert page.total == 5
    assert [(i.product_id, i.reason) for i in page.items] == [
        (data.products["P2"], "standard_withdrawn"),
        (data.products["P3"], "standard_not_yet_implemented"),
        (data.products["P5"], "unresolved_code")]
    first = page.items[0]
    assert (first.uscc, first.enterprise_name, first.product_name) == (
        data.usccs["A"], "长春汽车零部件有限公司", "产品P2")
    assert first.region_name == "吉林省 长春市 南关区"
    assert first.declared_codes == ["GB/T 30002-2008"]
    second = await not_counted(query(ADOPTION), None, page=2, page_size=3)
    assert [(i.product_id, i.reason) for i in second.items] == [
        (data.products["P6"], "not_adopting"), (data.products["P10"], "not_adopting")]
    only = await not_counted(query(ADOPTION), "not_adopting")
    assert only.total == 2
    unresolved = await not_counted(query(COVERAGE), "unresolved_code")
    assert unresolved.items[0].declared_codes == ["GB/T 99999-2015"]


async def test_date_boundaries() -> None:
    """Implemented on t counts, withdrawn on t does not; a product registered on t is in scope
    on t; a declaration withdrawn on t no longer counts; discontinued on t is out of scope."""
    t = dt.date(2024, 6, 30)
    eve = t - dt.timedelta(days=1)
    await standards_repository.upsert_standards([
        StandardInput(code="GB/T 31001-2024", source="test", implemented_on=t),
        StandardInput(code="GB/T 31002-2010", source="test", implemented_on=dt.date(2010, 1, 1),
                      withdrawn_on=t),
        StandardInput(code="GB/T 31003-2015", source="test", implemented_on=dt.date(2015, 1, 1)),
    ])
    from tests.adoption.indicator_data import enterprise

    uscc = await enterprise("220102", "边界测试有限公司", ())
    await product(uscc, "Q1", True, ("GB/T 31001-2024",))
    await product(uscc, "Q2", True, ("GB/T 31002-2010",))
    await product(uscc, "Q3", True, ("GB/T 31003-2015",), declared_on=t)
    q4, (q4_declaration,) = await product(uscc, "Q4", True, ("GB/T 31003-2015",))
    await repository.withdraw_declaration(q4_declaration, reason="test",
                                          now=dt.datetime(2024, 6, 30, 9, tzinfo=dt.UTC))
    q5, _ = await product(uscc, "Q5", True, ("GB/T 31003-2015",))
    await repository.discontinue_product(q5, t, NOW)

    on = await compute_indicator(query(COVERAGE, as_of=t))
    # in scope on t: Q1, Q2, Q3, Q4 (Q5 discontinued on t); covered: Q1 (implemented on t),
    # Q3 (registered on t); Q2 withdrawn on t; Q4's declaration withdrawn on t
    assert (on.numerator, on.denominator) == (2, 4)
    assert on.not_counted == {"no_standard": 1, "standard_withdrawn": 1,
                              "standard_not_yet_implemented": 0, "unresolved_code": 0}
    before = await compute_indicator(query(COVERAGE, as_of=eve))
    # the day before: Q1, Q2, Q4, Q5 in scope (Q3 not registered yet); covered Q2, Q4, Q5;
    # Q1's standard not yet implemented
    assert (before.numerator, before.denominator) == (3, 4)
    assert before.not_counted["standard_not_yet_implemented"] == 1
    for day, expected in ((t, on), (eve, before)):
        kept = await compute_indicator(query(COVERAGE, as_of=day), today=day)
        assert (kept.computed_from, kept.numerator, kept.denominator, kept.not_counted) == (
            "facts", expected.numerator, expected.denominator, expected.not_counted)
    # facts kept as of the eve hold Q4's declaration only until its withdrawal on t (as
    # Q1's until its edition comes into force): asked on t, Q4 is computed again, not read
    # as it was the day before
    await indicator_queries.rebuild_facts(eve)
    from adoption.db import select

    rows = await select("SELECT valid_until FROM product_fact WHERE product = ?", [q4])
    assert str(rows[0]["valid_until"])[:10] == t.isoformat()
    kept = await compute_indicator(query(COVERAGE, as_of=t), today=t)
    assert (kept.computed_from, kept.numerator, kept.denominator) == ("facts", 2, 4)


async def test_facts_follow_declarations() -> None:
    data = await build()
    before = await compute_indicator(query(COVERAGE))
    assert (before.numerator, before.not_counted["no_standard"]) == (6, 1)
    await repository.declare(data.products["P4"], declared_code("GB/T 30001-2016"), now=NOW)
    after = await compute_indicator(query(COVERAGE))
    assert (after.numerator, after.denominator, after.not_counted["no_standard"]) == (7, 11, 0)
    await repository.withdraw_declaration(data.declarations["P1"], reason="test", now=NOW)
    withdrawn = await compute_indicator(query(COVERAGE))
    assert (withdrawn.numerator, withdrawn.not_counted["no_standard"]) == (6, 1)
    adoption = await compute_indicator(query(ADOPTION))
    assert (adoption.numerator, adoption.not_counted["no_standard"]) == (2, 1)  # P1 lost
    await repository.discontinue_product(data.products["P2"], dt.date.today(), NOW)
    gone = await compute_indicator(query(COVERAGE))
    assert (gone.denominator, gone.not_counted["standard_withdrawn"]) == (10, 1)
    assert await indicator_queries.ensure_facts() == "fresh"


async def _kept_facts() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    from adoption.db import select

    facts = await select("SELECT product, region_code, main, in_scope, covered, reason, mask, "
                         "valid_until, valid_since FROM product_fact ORDER BY product")
    cube = await select("SELECT region_code, sector, key_fields, main, covered, reason, mask, "
                        "products FROM indicator_cube ORDER BY region_code, sector, key_fields, "
                        "main, covered, reason, mask")
    return [tuple(row.values()) for row in facts], [tuple(row.values()) for row in cube]


async def test_new_products_are_refreshed_one_by_one_as_a_rebuild_would() -> None:
    data = await build()
    assert (await compute_indicator(query(COVERAGE))).denominator == 11
    # new products (past the last one with facts) no longer make every product recomputed
    for n in range(3):
        await product(data.usccs["C"], f"新产品{n}", True, ("GB/T 30001-2016",))
    assert await indicator_queries.ensure_facts() == "incremental"
    refreshed = await _kept_facts()
    report = await compute_indicator(query(COVERAGE))
    assert (report.numerator, report.denominator) == (9, 14)  # 6 / 11 and three covered
    await indicator_queries.rebuild_facts()
    assert await _kept_facts() == refreshed


async def test_foreign_bodies_are_data() -> None:
    await build()
    bodies = [b.body for b in await indicator_queries.foreign_bodies()]
    assert {"ASTM", "DIN", "JIS", "BS", "EN"} <= set(bodies)
    await indicator_queries.remove_foreign_body("astm")
    without = await compute_indicator(query(ADOPTION))
    assert without.numerator == 2  # P7's ASTM no longer counts
    assert "ASTM" not in without.rules["foreign_bodies"]
    await indicator_queries.add_foreign_body("ASTM", "ASTM International")
    assert (await compute_indicator(query(ADOPTION))).numerator == 3


async def test_series_and_month_ends() -> None:
    await build()
    assert month_ends(dt.date(2021, 11, 15), dt.date(2022, 2, 28)) == [
        dt.date(2021, 11, 30), dt.date(2021, 12, 31), dt.date(2022, 1, 31),
        dt.date(2022, 2, 28)]
    assert month_ends(dt.date(2024, 2, 29), dt.date(2024, 3, 30)) == [dt.date(2024, 2, 29)]
    days = [dt.date(2019, 12, 31), T1, dt.date(2022, 5, 31)]
    reports = await indicator_series(query(COVERAGE), days)
    # 2019-12-31: nothing declared yet, products registered 2020-01-01 -> 0 / 0
    # 2021-06-30: 7 / 10 (above); 2022-05-31: P11 withdrawn from 2022-05-01 -> 6 / 10
    assert [(r.as_of, r.numerator, r.denominator) for r in reports] == [
        (days[0], 0, 0), (T1, 7, 10), (days[2], 6, 10)]


async def test_series_in_one_pass_is_each_day_and_follows_writes() -> None:
    """A series computes its past days together and keeps each day's answer; the answers
    equal each day computed alone from declarations, and a backdated declaration or a
    catalogue import changes the kept past answers."""
    data = await build()
    days = [dt.date(2019, 12, 31), dt.date(2020, 12, 31), T1, dt.date(2022, 5, 31),
            dt.date(2023, 12, 31)]

    async def check(name: IndicatorName, group_by: str | None) -> list[tuple[int, int]]:
        reports = await indicator_series(query(name, group_by=group_by), days)
        for day, report in zip(days, reports, strict=True):
            alone = await indicator_queries.compute(query(name, group_by=group_by, as_of=day),
                                                    reuse_facts=False)
            assert report.as_of == day
            assert report.model_dump(exclude={"computed_from"}) == alone.model_dump(
                exclude={"computed_from"}), day
        return [(report.numerator, report.denominator) for report in reports]

    for name in (COVERAGE, ADOPTION):
        for group_by in (None, "city", "sector"):
            await check(name, group_by)
    coverage = await check(COVERAGE, None)
    assert coverage[2] == (7, 10)  # 2021-06-30, as test_past_day_computed_from_declarations
    # P5 (unresolved code) declares a standard in force, backdated to 2021-01-01: the kept
    # answers of 2021 on are recomputed
    await repository.declare(data.products["P5"], declared_code("GB/T 30001-2016"),
                             declared_on=dt.date(2021, 1, 1), now=NOW)
    declared = await check(COVERAGE, None)
    assert declared[:2] == coverage[:2]
    assert declared[2] == (8, 10)
    # an import withdraws that standard from 2021-03-01 (after_import rebuilds the facts)
    await standards_repository.upsert_standards([StandardInput(
        code="GB/T 30001-2016", source="test", withdrawn_on=dt.date(2021, 3, 1))])
    await indicator_queries.rebuild_facts()
    imported = await check(COVERAGE, None)
    assert imported[2] == (6, 10)  # P1 and P5 no longer covered on 2021-06-30


STANDARD_ADOPTION = IndicatorName.STANDARD_ADOPTION
CONVERSION = IndicatorName.CONVERSION


async def test_standard_adoption() -> None:
    await build()
    report = await compute_indicator(query(STANDARD_ADOPTION, group_by="level"))
    # Chinese standards in force today: GB/T 30001-2016 (IDT), GB/T 30002-2019, QC/T 600-2017
    # (NEQ), GB/T 30005-2015 (MOD of ASTM: not international), GB/T 30006-2022,
    # GB/T 30008-2012 (EQV) = 6; adopting an international one at IDT/MOD: GB/T 30001 = 1
    assert (report.numerator, report.denominator) == (1, 6)
    assert report.not_counted == {"not_adopting": 5}
    assert [(g.key, g.numerator, g.denominator) for g in report.groups] == [
        ("industry", 0, 1), ("national", 1, 5)]
    assert report.rules["foreign_applies"] is False
    lenient = await compute_indicator(query(STANDARD_ADOPTION, rules=IndicatorRules(
        count_neq=True, count_eqv=True)))
    assert lenient.numerator == 3  # + QC/T 600 (NEQ), GB/T 30008 (EQV)
    industry = await compute_indicator(query(STANDARD_ADOPTION, level="industry"))
    assert (industry.numerator, industry.denominator) == (0, 1)
    gbt = await compute_indicator(query(STANDARD_ADOPTION, prefix="gb/t"))
    assert (gbt.numerator, gbt.denominator) == (1, 5)
    page = await not_counted(query(STANDARD_ADOPTION), None)
    assert [item.code for item in page.items] == [
        "GB/T 30002-2019", "GB/T 30005-2015", "GB/T 30006-2022", "GB/T 30008-2012",
        "QC/T 600-2017"]
    # on 2021-06-30 GB/T 30006-2010 was in force, not yet GB/T 30006-2022: still 6 standards
    past = await compute_indicator(query(STANDARD_ADOPTION, as_of=T1))
    assert (past.numerator, past.denominator) == (1, 6)


async def test_conversion() -> None:
    await build()
    report = await compute_indicator(query(CONVERSION))
    # ISO standards in force: ISO 9001:2015 (adopted IDT by GB/T 30001-2016, in force),
    # ISO 1234:2010 (NEQ only), ISO 14001:2004 (EQV only), ISO 5555:2020 (by an upcoming
    # standard), ISO 7777:2005 (by a withdrawn one) = 5; converted: ISO 9001 = 1
    assert (report.numerator, report.denominator) == (1, 5)
    assert report.not_counted == {"not_adopting": 2, "standard_withdrawn": 1,
                                  "standard_not_yet_implemented": 1}
    lenient = await compute_indicator(query(CONVERSION, rules=IndicatorRules(
        count_neq=True, count_eqv=True)))
    assert lenient.numerator == 3
    page = await not_counted(query(CONVERSION), "standard_withdrawn")
    assert [item.code for item in page.items] == ["ISO 7777:2005"]
    past = await compute_indicator(query(CONVERSION, as_of=dt.date(2019, 6, 30)))
    # 2019-06-30: ISO 5555:2020 not published; ISO 7777 still adopted by GB/T 30002-2008 (in
    # force until 2019-10-01) and ISO 9001 by GB/T 30001-2016: 2 of 4
    assert (past.numerator, past.denominator) == (2, 4)
    with pytest.raises(InvalidFieldError):
        await compute_indicator(query(CONVERSION, region="22"))


async def test_groups_from_one_computation_equal_each_grouping_alone() -> None:
    """The dashboard's total, cities and sectors of a day come from one pass; each equals
    the indicator computed alone with that grouping, today (facts) and on past days, and is
    kept as that answer."""
    await build()
    groupings = [None, GroupBy.CITY, GroupBy.SECTOR, GroupBy.KEY_FIELD]
    for name in (COVERAGE, ADOPTION):
        for day in (None, T1, dt.date(2019, 12, 31)):
            together = await compute_indicator_groups(query(name, as_of=day), groupings)
            for group_by, report in zip(groupings, together, strict=True):
                alone = await indicator_queries.compute(
                    query(name, as_of=day, group_by=group_by), reuse_facts=False)
                assert report.model_dump(exclude={"computed_from"}) == alone.model_dump(
                    exclude={"computed_from"}), (name, day, group_by)
                again = await compute_indicator(query(name, as_of=day, group_by=group_by))
                assert again == report
    sectors = await compute_indicator_groups(query(COVERAGE, as_of=T1), [GroupBy.SECTOR])
    assert sum(group.denominator for group in sectors[0].groups) == 10


async def test_an_adopted_edition_in_the_catalogue_is_judged_by_its_own_level() -> None:
    # OIML is an international body that neither the code's word (not ISO, IEC or ITU) nor
    # the foreign bodies name: only the catalogue's row of the adopted edition says so
    await standards_repository.upsert_standards([
        StandardInput(code="OIML R 76-1:2006", source="test", published_on=dt.date(2006, 1, 1)),
        StandardInput(code="GB/T 31001-2016", source="test", implemented_on=dt.date(2017, 1, 1),
                      adopts=[AdoptionRef(code="OIML R 76-1:2006", degree=AdoptionDegree.IDT)]),
        StandardInput(code="GB/T 31002-2016", source="test", implemented_on=dt.date(2017, 1, 1),
                      adopts=[AdoptionRef(code="OIML R 99-1:2008", degree=AdoptionDegree.IDT)]),
    ])
    uscc = await enterprise("220102", "衡器企业", ())
    await product(uscc, "电子秤", True, ("GB/T 31001-2016",))
    await product(uscc, "燃油加油机", True, ("GB/T 31002-2016",))  # OIML R 99 not catalogued
    for as_of in (None, dt.date(2024, 12, 31)):
        report = await indicator_queries.compute(query(ADOPTION, as_of=as_of),
                                                 reuse_facts=False)
        assert (report.numerator, report.denominator) == (1, 2), as_of
        assert {k: n for k, n in report.not_counted.items() if n} == {"not_adopting": 1}
    assert (await compute_indicator(query(ADOPTION))).numerator == 1  # the kept facts too


async def test_the_kept_standing_of_editions_serves_until_the_catalogue_is_written(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL keeps every edition's standing (edition_standing): the worst case reads it
    instead of the catalogue while no statement has written the catalogue's dates, its
    relations or the foreign bodies since; a stale one is never read."""
    from adoption.db import adoption_engine, select
    from adoption.metrics import Dialect, standard_ctes

    data = await build()
    if adoption_engine().engine_type != "postgres":
        assert not await indicator_queries.refresh_standing()  # SQLite computes it each time
        return
    read: list[bool] = []
    real = indicator_queries.product_rows_sql

    def spy(dialect: Dialect, *args: object, **kwargs: object) -> tuple[str, list[object]]:
        read.append(dialect.standing)
        return real(dialect, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(indicator_queries, "product_rows_sql", spy)

    async def answers() -> list[tuple[object, ...]]:
        read.clear()
        found = []
        for name in (COVERAGE, ADOPTION):
            for as_of in (T1, dt.date(2024, 12, 31)):
                report = await indicator_queries.compute(
                    query(name, as_of=as_of, group_by="city"), reuse_facts=False)
                found.append((report.numerator, report.denominator, report.not_counted,
                              [(g.key, g.numerator, g.denominator) for g in report.groups]))
        return found

    async def kept_rows() -> list[dict[str, object]]:
        return await select("SELECT id, family_key, amendment, eff, wd, gone, bits "
                            "FROM edition_standing ORDER BY id")

    async def computed_rows() -> list[dict[str, object]]:
        return await select(f"WITH {standard_ctes(Dialect(postgres=True))} SELECT id, "
                            "family_key, amendment, eff, wd, gone, bits FROM std ORDER BY id")

    assert not await indicator_queries.standing_fresh()  # the catalogue was just written
    from_catalogue = await answers()
    assert read and not any(read)
    assert await indicator_queries.refresh_standing()
    assert await indicator_queries.standing_fresh()
    assert not await indicator_queries.refresh_standing()  # nothing to do
    assert await kept_rows() == await computed_rows()
    assert len(await kept_rows()) == 14
    # GB/T 30006-2010, withdrawn with no day: from its successor's first day
    old = (await select("SELECT id FROM standard WHERE code = 'GB/T 30006-2010'"))[0]["id"]
    assert [row["wd"] for row in await kept_rows() if row["id"] == old] == [dt.date(2022, 5, 1)]
    assert await answers() == from_catalogue and all(read)
    # a column the standing does not read: still fresh
    await select("UPDATE standard SET title_zh = title_zh WHERE code = 'GB/T 30001-2016'")
    assert await indicator_queries.standing_fresh()

    # a catalogue write of a date: GB/T 30001-2016 (P1's) withdrawn on 2020-06-01
    first = catalogue_entry("GB/T 30001-2016")
    await standards_repository.upsert_standards([first.model_copy(update={
        "withdrawn_on": dt.date(2020, 6, 1)})])
    assert not await indicator_queries.standing_fresh()
    withdrawn = await answers()
    assert not any(read)
    coverage_t1 = withdrawn[0]
    assert (coverage_t1[0], coverage_t1[2]["standard_withdrawn"]) == (
        from_catalogue[0][0] - 1, from_catalogue[0][2]["standard_withdrawn"] + 1)
    assert await indicator_queries.refresh_standing()
    assert await kept_rows() == await computed_rows()
    assert await answers() == withdrawn and all(read)

    # a relation written by hand, outside the catalogue's writers: P7's MOD of ASTM goes
    await select("DELETE FROM relation WHERE subject_code = 'GB/T 30005-2015'")
    assert not await indicator_queries.standing_fresh()
    unadopted = await answers()
    assert unadopted[2][0] == withdrawn[2][0] - 1  # adoption on T1
    assert await indicator_queries.refresh_standing()
    assert await answers() == unadopted and all(read)

    # the foreign bodies: a body added marks it stale too
    await indicator_queries.add_foreign_body("ETSI", "European Telecommunications "
                                             "Standards Institute")
    try:
        assert not await indicator_queries.standing_fresh()
        assert await indicator_queries.refresh_standing()
        assert await kept_rows() == await computed_rows()
    finally:
        await indicator_queries.remove_foreign_body("ETSI")
    assert not await indicator_queries.standing_fresh()
    # every product's facts recomputed (the bodies changed): the standing first
    assert await indicator_queries.ensure_facts() == "full"
    assert await indicator_queries.standing_fresh()
    # product by product, the facts refresh does not read it: it stays stale (no 2 s at a
    # province before a few products' facts) until a full rebuild or a worst case falls back
    await select("UPDATE relation SET degree = 'IDT' WHERE subject_code = 'QC/T 600-2017'")
    await product(data.usccs["A"], "新产品", True, ("GB/T 30001-2016",))
    assert await indicator_queries.ensure_facts() == "incremental"
    assert not await indicator_queries.standing_fresh()


def catalogue_entry(code: str) -> StandardInput:
    from tests.adoption.indicator_data import catalogue

    return next(entry for entry in catalogue() if entry.code == code)


async def test_every_edition_is_read_where_declarations_outnumber_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from adoption.db import adoption_engine, select
    from adoption.metrics import Dialect, ProductFilter, product_rows_sql

    # the two ways the per-product SQL reads the editions' standing on PostgreSQL
    listed, _ = product_rows_sql(Dialect(postgres=True), ProductFilter(), with_next=False)
    every, _ = product_rows_sql(Dialect(postgres=True, every_standard=True), ProductFilter(),
                                with_next=False)
    assert "declared_std" in listed and "declared_std" not in every
    # every edition: only families declared undated are grouped, found through their index;
    # on_day is written into its readers (the families' filter comes before their grouping)
    assert ("o.family_key = ANY(ARRAY(SELECT DISTINCT d0.code_key FROM declaration d0 "
            "WHERE d0.undated))") in every and "o.family_key = ANY(" not in listed
    assert "on_day AS NOT MATERIALIZED" in every and "on_day AS (" in listed
    # both group each product's declarations before joining them to the products; every
    # edition read, dated and undated declarations are matched in two branches
    assert "GROUP BY d.product) a ON a.product = p.id" in listed
    assert "GROUP BY u.product) a ON a.product = p.id" in every
    assert "LEFT JOIN on_day s ON s.id = d.standard WHERE NOT d.undated AND" in every
    assert "LEFT JOIN family_on_day f ON f.family_key = d.code_key WHERE d.undated AND" in every
    # which way is taken: the planner's counts of declarations and editions
    monkeypatch.undo()  # (the module's fixture forces every_standard)
    await build()
    engine = adoption_engine()
    indicator_queries._mostly_declared.clear()
    chosen = await indicator_queries._products_dialect(engine)
    if engine.engine_type != "postgres":
        assert chosen == Dialect(postgres=False)
        return
    await select("ANALYZE declaration, standard")
    counts = (await select("SELECT (SELECT COUNT(*) FROM declaration) AS d, "
                           "(SELECT COUNT(*) FROM standard) AS s"))[0]
    indicator_queries._mostly_declared.clear()
    chosen = await indicator_queries._products_dialect(engine)
    assert counts["d"] < counts["s"] and not chosen.every_standard  # 10 of 14: listed
    uscc = await enterprise("220102", "多证企业", ())
    await product(uscc, "多标准产品", True, tuple(f"GB/T {40000 + i}-2020" for i in range(
        counts["s"] - counts["d"])))
    await select("ANALYZE declaration, standard")
    assert not (await indicator_queries._products_dialect(engine)).every_standard  # a minute
    indicator_queries._mostly_declared.clear()
    assert (await indicator_queries._products_dialect(engine)).every_standard  # 14 of 14
