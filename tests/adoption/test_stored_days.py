"""Stored days: the indicator cube of closed days kept in the database (``stored_day`` and
``cube_snapshot``). A stored day answers any region, grouping and rule as the declarations
do; it outlives the process's kept answers; a write deletes exactly the stored days its dates
can change; a write while a day is computed keeps that day from being stored. On both
engines, on the hand-built data of indicator_data.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from adoption import indicator_queries, repository
from adoption.fields import declared_code
from adoption.goals import GoalInput
from adoption.goals_repository import leader_days, save_goal, store_leader_days
from adoption.indicators import (
    TREND_START,
    IndicatorName,
    IndicatorQuery,
    IndicatorRules,
    compute_indicator,
    indicator_series,
    month_ends,
    store_days,
    year_ends,
)
from adoption.schemas import ProductInput
from standards import data_version
from standards import repository as standards_repository
from standards.schemas import StandardInput
from standards.tables import Standard
from tests.adoption.indicator_data import NOW, T1, build

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

COVERAGE = IndicatorName.COVERAGE
ADOPTION = IndicatorName.ADOPTION
DAYS = [dt.date(2019, 12, 31), T1, dt.date(2022, 5, 31)]


async def tokens() -> dict[dt.date, str]:
    return await data_version.stored_days(indicator_queries.CUBE_DAYS, DAYS)


async def test_a_stored_day_answers_every_scope_and_rule_as_the_declarations_do() -> None:
    await build()
    assert await store_days(DAYS) == DAYS
    assert await store_days(DAYS) == []  # stored once
    data_version.forget()  # a new process, or another host: nothing kept in memory
    rules = [IndicatorRules(), IndicatorRules(count_neq=True, count_eqv=True),
             IndicatorRules(count_foreign=False)]
    for day in DAYS:
        for name in (COVERAGE, ADOPTION):
            # (the whole region, a city, ungrouped or by city: read from the roll-up by city)
            for scope in ({}, {"region": "22"}, {"region": "2202"}, {"region": "220202"},
                          {"sector": "C"}, {"key_field": "automotive"}):
                for group_by in (None, "province", "city", "county", "sector", "key-field"):
                    for rule in rules:
                        wanted = IndicatorQuery(name=name, as_of=day, group_by=group_by,
                                                rules=rule, **scope)  # type: ignore[arg-type]
                        stored = await compute_indicator(wanted)
                        alone = await indicator_queries.compute(wanted, reuse_facts=False)
                        assert stored.computed_from == "stored"
                        assert stored.model_dump(exclude={"computed_from"}) == alone.model_dump(
                            exclude={"computed_from"}), (day, name, scope, group_by, rule)
    # T1 by hand (test_indicators): 7 of 10 covered
    report = await compute_indicator(IndicatorQuery(name=COVERAGE, as_of=T1))
    assert (report.numerator, report.denominator) == (7, 10)


async def test_a_write_deletes_the_stored_days_its_dates_reach() -> None:
    data = await build()
    await store_days(DAYS)
    before = await tokens()
    assert set(before) == set(DAYS)
    # declared today: no past day changes, every stored day stays
    await repository.declare(data.products["P4"], declared_code("GB/T 30001-2016"), now=NOW)
    assert await tokens() == before
    # backdated to 2021-01-01: the days from then on go, 2019-12-31 stays
    await repository.declare(data.products["P5"], declared_code("GB/T 30001-2016"),
                             declared_on=dt.date(2021, 1, 1), now=NOW)
    assert await tokens() == {DAYS[0]: before[DAYS[0]]}
    data_version.forget()
    report = await compute_indicator(IndicatorQuery(name=COVERAGE, as_of=T1))
    assert (report.numerator, report.denominator, report.computed_from) == (8, 10, "stored")
    # discontinued on 2022-01-01: only 2022-05-31 of the stored days changes
    again = await tokens()
    await repository.discontinue_product(data.products["P6"], dt.date(2022, 1, 1), NOW)
    assert await tokens() == {day: again[day] for day in DAYS[:2]}
    series = await indicator_series(IndicatorQuery(name=COVERAGE), DAYS)
    for day, report in zip(DAYS, series, strict=True):
        alone = await indicator_queries.compute(IndicatorQuery(name=COVERAGE, as_of=day),
                                                reuse_facts=False)
        assert report.model_dump(exclude={"computed_from"}) == alone.model_dump(
            exclude={"computed_from"}), day
    # a catalogue write can change any day: none stays
    await standards_repository.upsert_standards([StandardInput(
        code="GB/T 30001-2016", source="test", withdrawn_on=dt.date(2019, 3, 1))])
    assert await tokens() == {}
    # and a product's own fields (its sector) count on every day
    await store_days(DAYS)
    assert set(await tokens()) == set(DAYS)
    product = await repository.get_product(data.products["P1"])
    await repository.update_product(product.id, ProductInput(
        name=product.name, model=product.model, category=product.category, main=product.main,
        sector="C37"), NOW)
    assert await tokens() == {}
    # the cube rows of the days writes deleted go when days are stored next
    await store_days(DAYS)
    rows = await Standard.raw("SELECT DISTINCT c.token, sd.token AS day_token FROM "
                              "cube_snapshot c LEFT JOIN stored_day sd ON sd.token = c.token")
    assert rows and all(row["day_token"] for row in rows)


async def test_a_write_while_a_day_is_computed_keeps_it_from_being_stored(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = await build()
    whole_cubes = indicator_queries._whole_cubes

    async def written_meanwhile(days: Any) -> list[dict[str, Any]]:
        rows = await whole_cubes(days)  # read before the write: P5 not covered yet
        await repository.declare(data.products["P5"], declared_code("GB/T 30001-2016"),
                                 declared_on=dt.date(2021, 1, 1), now=NOW)
        return rows

    monkeypatch.setattr(indicator_queries, "_whole_cubes", written_meanwhile)
    report = await compute_indicator(IndicatorQuery(name=COVERAGE, as_of=T1))
    # not stored; computed as before, after the write (P5 covered from 2021-01-01)
    assert report.computed_from == "facts+declarations"
    assert (report.numerator, report.denominator) == (8, 10)
    assert await tokens() == {}
    ready = await Standard.raw("SELECT COUNT(*) AS n FROM stored_day WHERE ready = 1")
    assert ready[0]["n"] == 0
    monkeypatch.setattr(indicator_queries, "_whole_cubes", whole_cubes)
    data_version.forget()
    again = await compute_indicator(IndicatorQuery(name=COVERAGE, as_of=T1))
    assert (again.numerator, again.denominator, again.computed_from) == (8, 10, "stored")
    assert set(await tokens()) == {T1}


async def test_the_leader_days_are_stored_by_the_jobs_that_change_the_data() -> None:
    await build()
    today = dt.date.today()
    await save_goal(GoalInput(name="覆盖率 2021", metric="coverage", target=0.98, region="22",
                              start_on=dt.date(2021, 1, 1), deadline=dt.date(2021, 12, 31)))
    await save_goal(GoalInput(name="服务业标准", metric="local-standards", target=10,
                              start_on=dt.date(2016, 1, 1), deadline=dt.date(2016, 12, 31)))
    days = await leader_days(today)
    # every month end of the trend (its year ends, any month's series); the coverage goal's
    # start (its baseline); nothing of the count goal's
    assert {day for day in month_ends(TREND_START, today) if day < today} <= set(days)
    assert set(year_ends(TREND_START, today)[:-1]) <= set(days)
    assert dt.date(2021, 1, 1) in days and dt.date(2016, 1, 1) not in days
    assert all(day < today for day in days)
    first = await store_leader_days(today)
    assert (first["days"], first["stored"]) == (len(days), len(days))
    assert (await store_leader_days(today))["stored"] == 0
    stored = await data_version.stored_days(indicator_queries.CUBE_DAYS, days)
    assert set(stored) == set(days)


async def test_a_day_near_a_stored_one_is_derived_from_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A day asked for alone, within a few hundred days of a stored one, is that cube less the
    products changed in between as they were, plus as they are on the day; equal to the
    declarations' answer before and after writes of every kind of date."""
    data = await build()
    # (eleven products: derived when at most a third of them changed in between)
    monkeypatch.setattr(indicator_queries, "DERIVE_SHARE", 3)
    await store_days([T1])
    whole: list[Any] = []
    whole_cubes = indicator_queries._whole_cubes

    async def counted(days: Any) -> list[dict[str, Any]]:
        whole.append(list(days))
        return await whole_cubes(days)

    monkeypatch.setattr(indicator_queries, "_whole_cubes", counted)

    async def agree(day: dt.date) -> None:
        data_version.forget()
        for name in (COVERAGE, ADOPTION):
            for group_by in (None, "city", "sector"):
                wanted = IndicatorQuery(name=name, as_of=day, group_by=group_by)
                stored = await compute_indicator(wanted)
                alone = await indicator_queries.compute(wanted, reuse_facts=False)
                assert stored.computed_from == "stored"
                assert stored.model_dump(exclude={"computed_from"}) == alone.model_dump(
                    exclude={"computed_from"}), (day, name, group_by)

    # across GB/T 30006-2010's derived withdrawal (2022-05-01) and P2's edition withdrawn
    # 2019-10-01: forwards and backwards from T1
    for day in (dt.date(2022, 5, 31), dt.date(2020, 12, 31)):
        await agree(day)
    assert whole == []  # each one derived
    # before any product was registered (2020-01-01) the cube is empty: stored, not computed
    await agree(dt.date(2019, 12, 31))
    assert whole == []
    await repository.declare(data.products["P5"], declared_code("GB/T 30001-2016"),
                             declared_on=dt.date(2022, 1, 1), now=NOW)
    await repository.withdraw_declaration(
        (await repository.declare(data.products["P3"], declared_code("QC/T 600-2017"),
                                  declared_on=dt.date(2019, 11, 1), now=NOW)).declaration.id,
        reason="t", now=NOW)
    # the backdated writes deleted every stored day (from 2019-11-01 on): 2022-05-31 is
    # computed whole, then 2022-03-31 derived from it across P5's new declaration
    await agree(dt.date(2022, 5, 31))
    await agree(dt.date(2022, 3, 31))
    assert whole == [[dt.date(2022, 5, 31)]]


async def test_days_another_process_is_storing_are_left_to_it() -> None:
    """The nightly task beside an import's end: days marked pending by one are not computed
    again by the other (a pending mark past the bound is a stopped process's, and is not)."""
    await build()
    engine = indicator_queries.adoption_engine()
    busy = await data_version.start_stored_days(engine, indicator_queries.CUBE_DAYS, [T1])
    assert await store_days(DAYS) == [DAYS[0], DAYS[2]]
    assert await indicator_queries.days_being_stored() == {T1}
    await Standard.raw("UPDATE stored_day SET started_at = {} WHERE token = {}",
                       dt.datetime(2000, 1, 1), busy[T1])
    assert await store_days(DAYS) == [T1]


async def test_a_failed_computation_leaves_no_day_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    await build()

    async def broken(days: Any) -> list[dict[str, Any]]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(indicator_queries, "_whole_cubes", broken)
    with pytest.raises(RuntimeError):
        await store_days(DAYS)
    # nothing pending: the next store (the nightly task) takes these days up at once
    assert await indicator_queries.days_being_stored() == set()
    monkeypatch.undo()
    assert await store_days(DAYS) == DAYS
