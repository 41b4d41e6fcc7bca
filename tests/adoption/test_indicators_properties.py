"""Properties of the indicators: groups add up to the total (for groupings that partition),
rates are fractions, every product is counted or has one reason; and, on random histories of
declarations, the kept facts (updated incrementally) always agree with the declarations
query."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption import indicator_queries, repository
from adoption.errors import DuplicateError
from adoption.fields import declared_code
from adoption.indicators import IndicatorName, IndicatorQuery, IndicatorRules, compute_indicator
from adoption.metrics import CubeRow, Reason, product_report, rules_echo, scope_of
from adoption.uscc import normalize_uscc
from standards import repository as standards_repository
from standards.schemas import AdoptionRef, StandardInput
from standards.vocab import AdoptionDegree
from tests.adoption.indicator_data import NOW, enterprise, read_every_standard

REGIONS = ("220102", "220203", "220581", "222401", "320102", "320205", "321282", "220000")
SECTORS = ("", "C36 汽车制造业", "C26 化学原料和化学制品制造业")
KEY_FIELDS = ("", "automotive", "automotive;petrochemical", "food")
COVERAGE_REASONS = [r.value for r in Reason if r is not Reason.NOT_ADOPTING]

rows = st.lists(st.builds(
    lambda region, sector, fields, main, covered, reason, mask, n: CubeRow(
        region_code=region, sector=sector, key_fields=fields, main=main, covered=covered,
        reason="" if covered else reason, mask=mask if covered else 0, products=n),
    st.sampled_from(REGIONS), st.sampled_from(SECTORS), st.sampled_from(KEY_FIELDS),
    st.booleans(), st.booleans(), st.sampled_from(COVERAGE_REASONS),
    st.integers(0, 255), st.integers(1, 40)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(rows=rows, name=st.sampled_from([IndicatorName.COVERAGE, IndicatorName.ADOPTION]),
       group_by=st.sampled_from(["province", "city", "county", "sector", "key-field"]),
       neq=st.booleans(), eqv=st.booleans(), foreign=st.booleans())
def test_groups_add_up_and_rates_are_fractions(rows: list[CubeRow], name: IndicatorName,
                                               group_by: str, neq: bool, eqv: bool,
                                               foreign: bool) -> None:
    rules = IndicatorRules(count_neq=neq, count_eqv=eqv, count_foreign=foreign)
    scope = scope_of(IndicatorQuery(name=name, group_by=group_by, rules=rules),
                     dt.date(2026, 1, 1), normalize_uscc)
    report = product_report(scope, rows, rules_echo(rules, name, ["ASTM"]), "test")
    expected = sum(r.products for r in rows if name is IndicatorName.COVERAGE or r.main)
    assert report.denominator == expected
    assert report.numerator + sum(report.not_counted.values()) == report.denominator
    assert report.rate is None if report.denominator == 0 else 0 <= report.rate <= 1
    for group in report.groups:
        assert 0 <= group.numerator <= group.denominator
        assert group.rate is not None and 0 <= group.rate <= 1
        assert group.numerator + sum(group.not_counted.values()) == group.denominator
    if group_by == "key-field":  # an enterprise may have several key fields: groups overlap
        assert all(g.denominator <= report.denominator for g in report.groups)
    else:
        assert sum(g.numerator for g in report.groups) == report.numerator
        assert sum(g.denominator for g in report.groups) == report.denominator
        for reason, count in report.not_counted.items():
            assert sum(g.not_counted[reason] for g in report.groups) == count
    if group_by == "city":
        labels = {g.key: g.label for g in report.groups}
        assert labels.get("220500", "通化市") == "通化市"  # 梅河口市 220581 rolls up to 通化
        assert labels.get("220000", "吉林省") == "吉林省"


CODES = ["GB/T 32001-2016", "GB/T 32002-2008", "GB/T 32002-2019", "GB/T 32002",
         "QC/T 700-2018", "GB/T 32004-2020", "GB/T 98765-2015", "ISO 9001:2015"]


@pytest.mark.anyio
@pytest.mark.usefixtures("adoption_db", "db")
@pytest.mark.parametrize("seed", range(6))
async def test_kept_facts_agree_with_declarations_on_random_histories(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    if seed % 3 == 1:  # (1, 4) on PostgreSQL, every edition read, as at a province
        read_every_standard(monkeypatch)
    if seed % 2 == 0:
        # every past day asked alone is derived from the nearest stored one, however far and
        # however many products changed in between (the stored-day difference under test)
        monkeypatch.setattr(indicator_queries, "DERIVE_SHARE", 0)
        monkeypatch.setattr(indicator_queries, "DERIVE_WITHIN", 100_000)
    today = dt.date.today()
    await standards_repository.upsert_standards([
        StandardInput(code="GB/T 32001-2016", source="t", implemented_on=dt.date(2017, 1, 1),
                      adopts=[AdoptionRef(code="ISO 9001:2015", degree=AdoptionDegree.IDT)]),
        StandardInput(code="GB/T 32002-2008", source="t", implemented_on=dt.date(2009, 1, 1),
                      withdrawn_on=dt.date(2020, 1, 1)),
        StandardInput(code="GB/T 32002-2019", source="t", implemented_on=dt.date(2020, 1, 1),
                      replaces=["GB/T 32002-2008"]),
        StandardInput(code="QC/T 700-2018", source="t", implemented_on=dt.date(2018, 6, 1),
                      adopts=[AdoptionRef(code="ASTM A1-18", degree=AdoptionDegree.MOD)]),
        StandardInput(code="GB/T 32004-2020", source="t", implemented_on=today + dt.timedelta(
            days=rng.randrange(-400, 400))),
        StandardInput(code="ISO 9001:2015", source="t", published_on=dt.date(2015, 9, 15)),
    ])
    firms = [await enterprise(rng.choice(REGIONS[:-1]), f"企业{i}", tuple(
        f for f in rng.choice(KEY_FIELDS).split(";") if f)) for i in range(3)]
    products: list[int] = []
    declarations: list[int] = []
    queries = [IndicatorQuery(name=n, group_by=g) for n in (IndicatorName.COVERAGE,
                                                           IndicatorName.ADOPTION)
               for g in (None, "city", "key-field")]
    for step in range(14):
        action = rng.random()
        if action < 0.3 or not products:
            made = await repository.create_product(rng.choice(firms), repository.check_product(
                name=f"产品{step}", main=rng.random() < 0.6), NOW)
            products.append(made.id)
        elif action < 0.75:
            try:
                outcome = await repository.declare(
                    rng.choice(products), declared_code(rng.choice(CODES)), now=NOW,
                    declared_on=today - dt.timedelta(days=rng.randrange(0, 3000)))
                declarations.append(outcome.declaration.id)
            except DuplicateError:  # the same code twice, or a discontinued product
                pass
        elif action < 0.9 and declarations:
            await repository.withdraw_declaration(rng.choice(declarations), reason="t",
                                                  now=NOW)
        else:
            await repository.discontinue_product(rng.choice(products), today, NOW)
        if step % 3 == 2:
            for query in queries:
                kept = await compute_indicator(query)
                computed = await indicator_queries.compute(
                    query.model_copy(update={"as_of": today}),
                    today=today + dt.timedelta(days=1), reuse_facts=False)
                assert kept.model_dump(exclude={"computed_from"}) == computed.model_dump(
                    exclude={"computed_from"}), (seed, step, query)
                # past days: facts of unchanged products plus the others recomputed
                for back in (1, 200, 1500):
                    day = today - dt.timedelta(days=back)
                    mixed = await compute_indicator(query.model_copy(update={"as_of": day}))
                    pure = await indicator_queries.compute(
                        query.model_copy(update={"as_of": day}), reuse_facts=False)
                    assert mixed.model_dump(exclude={"computed_from"}) == pure.model_dump(
                        exclude={"computed_from"}), (seed, step, query, day)
                    if query.group_by is None:
                        listed = await indicator_queries.not_counted(
                            query.model_copy(update={"as_of": day}), None, 1, 500)
                        every = await indicator_queries.not_counted(
                            query.model_copy(update={"as_of": day}), None, 1, 500,
                            reuse_facts=False)
                        assert listed == every, (seed, step, query, day)
                        assert listed.total == sum(mixed.not_counted.values())
    # many days stored at once (the leader's month ends): the last computed whole, each
    # earlier one derived from the next across the changes in between
    many = sorted({today - dt.timedelta(days=back) for back in range(2, 3001, 97)})
    chained: list[int] = []
    chain = indicator_queries._chained_cubes

    async def spied(days: list[dt.date]) -> dict[dt.date, dict[tuple[object, ...], int]]:
        chained.append(len(days))
        return await chain(days)

    monkeypatch.setattr(indicator_queries, "_chained_cubes", spied)
    stored = await indicator_queries.store_cube_days(many, today)
    assert set(stored) == set(many)
    first = await indicator_queries._first_registered()
    in_scope = [day for day in many if first is not None and day >= first]
    assert chained == ([len(in_scope)] if len(in_scope) > indicator_queries.DERIVE_DAYS
                       else []), (seed, first)
    for day in many:
        for query in queries:
            asked = query.model_copy(update={"as_of": day})
            kept = await compute_indicator(asked)
            pure = await indicator_queries.compute(asked, reuse_facts=False)
            assert kept.computed_from == "stored", (seed, day, query)
            assert kept.model_dump(exclude={"computed_from"}) == pure.model_dump(
                exclude={"computed_from"}), (seed, day, query)
