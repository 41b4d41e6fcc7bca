"""Hand-built datasets of the indicator tests: a catalogue and products in which every reason
occurs. Every expected number in the tests is derived from the comments here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import httpx
import pytest

from adoption import indicator_queries, repository
from adoption.fields import declared_code
from adoption.metrics import Dialect
from standards import repository as standards_repository
from standards.schemas import AdoptionRef, StandardInput
from standards.vocab import AdoptionDegree, Status
from tests.adoption.helpers import new_uscc

NOW = dt.datetime.now(dt.UTC)
DECLARED = dt.date(2020, 1, 1)
T1 = dt.date(2021, 6, 30)  # a past day: GB/T 30006-2010 still in force (derived withdrawal)
UPCOMING = f"GB/T 30003-{dt.date.today().year}"  # published now, in force a year from today


def catalogue() -> list[StandardInput]:
    """The catalogue:

    - GB/T 30001-2016 (2017-01-01), adopts ISO 9001:2015 IDT
    - GB/T 30002-2008 (2008-11-01, withdrawn 2019-10-01), adopts ISO 7777:2005 IDT; replaced
      by GB/T 30002-2019
    - GB/T 30003-<this year> (published today, implemented in a year): not yet in force;
      adopts ISO 5555:2020 IDT
    - QC/T 600-2017 (2017-07-01), adopts ISO 1234:2010 NEQ
    - GB/T 30005-2015 (2016-01-01), adopts ASTM D1234-10 MOD (a foreign-advanced body)
    - GB/T 30006-2010 (2010-06-01), "withdrawn" without a date; GB/T 30006-2022 (implemented
      2022-05-01) replaces it: withdrawn from 2022-05-01
    - ISO 9001:2015 (published 2015-09-15), international
    - GB/T 30008-2012 (2012-12-01), adopts ISO 14001:2004 EQV (legacy)
    - ISO 1234:2010, ISO 14001:2004, ISO 5555:2020 (adopted IDT only by the upcoming
      GB/T 30003), ISO 7777:2005 (adopted IDT only by the withdrawn GB/T 30002-2008)
    """
    return [
        StandardInput(code="GB/T 30001-2016", source="test", title_zh="质量管理 要求",
                      implemented_on=dt.date(2017, 1, 1),
                      adopts=[AdoptionRef(code="ISO 9001:2015", degree=AdoptionDegree.IDT)]),
        StandardInput(code="GB/T 30002-2008", source="test", title_zh="电动自行车 旧版",
                      implemented_on=dt.date(2008, 11, 1), withdrawn_on=dt.date(2019, 10, 1),
                      adopts=[AdoptionRef(code="ISO 7777:2005", degree=AdoptionDegree.IDT)]),
        StandardInput(code="GB/T 30002-2019", source="test", title_zh="电动自行车",
                      implemented_on=dt.date(2019, 10, 1), replaces=["GB/T 30002-2008"]),
        StandardInput(code=UPCOMING, source="test", title_zh="未来标准",
                      published_on=dt.date.today(),
                      implemented_on=dt.date.today() + dt.timedelta(days=365),
                      adopts=[AdoptionRef(code="ISO 5555:2020", degree=AdoptionDegree.IDT)]),
        StandardInput(code="QC/T 600-2017", source="test", title_zh="汽车制动器",
                      implemented_on=dt.date(2017, 7, 1),
                      adopts=[AdoptionRef(code="ISO 1234:2010", degree=AdoptionDegree.NEQ)]),
        StandardInput(code="GB/T 30005-2015", source="test", title_zh="钢管",
                      implemented_on=dt.date(2016, 1, 1),
                      adopts=[AdoptionRef(code="ASTM D1234-10", degree=AdoptionDegree.MOD)]),
        StandardInput(code="GB/T 30006-2010", source="test", title_zh="润滑油 旧版",
                      implemented_on=dt.date(2010, 6, 1), status=Status.WITHDRAWN),
        StandardInput(code="GB/T 30006-2022", source="test", title_zh="润滑油",
                      implemented_on=dt.date(2022, 5, 1), replaces=["GB/T 30006-2010"]),
        StandardInput(code="ISO 9001:2015", source="test", title_en="Quality management",
                      published_on=dt.date(2015, 9, 15)),
        StandardInput(code="GB/T 30008-2012", source="test", title_zh="环境管理",
                      implemented_on=dt.date(2012, 12, 1),
                      adopts=[AdoptionRef(code="ISO 14001:2004", degree=AdoptionDegree.EQV)]),
        StandardInput(code="ISO 1234:2010", source="test", published_on=dt.date(2010, 3, 1)),
        StandardInput(code="ISO 14001:2004", source="test", published_on=dt.date(2004, 11, 15)),
        StandardInput(code="ISO 5555:2020", source="test", published_on=dt.date(2020, 1, 1)),
        StandardInput(code="ISO 7777:2005", source="test", published_on=dt.date(2005, 1, 1)),
    ]


@dataclass
class Dataset:
    usccs: dict[str, str]
    products: dict[str, int]
    declarations: dict[str, int]


async def enterprise(region: str, name: str, key_fields: tuple[str, ...]) -> str:
    uscc = new_uscc(region)
    await repository.save_enterprise(repository.check_enterprise(
        uscc=uscc, name=name, region_code=region, sector="C36 汽车制造业",
        key_fields=key_fields), NOW)
    return uscc


async def product(uscc: str, name: str, main: bool, codes: tuple[str, ...] = (),
                  declared_on: dt.date = DECLARED) -> tuple[int, list[int]]:
    made = await repository.create_product(uscc, repository.check_product(
        name=name, model="M1", main=main), NOW)
    ids = []
    for code in codes:
        outcome = await repository.declare(made.id, declared_code(code),
                                           declared_on=declared_on, now=NOW)
        ids.append(outcome.declaration.id)
    return made.id, ids


async def build() -> Dataset:
    """Enterprises and products (all declared on 2020-01-01 unless said otherwise):

    A 长春市 南关区 220102, automotive:
      P1 main   GB/T 30001-2016   covered, adopting (IDT of ISO 9001)
      P2 main   GB/T 30002-2008   standard_withdrawn (since 2019-10-01)
      P3 main   GB/T 30003-<year> standard_not_yet_implemented
      P4        (nothing; created today, so in scope from today only)   no_standard
    B 吉林市 昌邑区 220202, petrochemical:
      P5 main   GB/T 99999-2015   unresolved_code
      P6 main   QC/T 600-2017     covered; NEQ: adopting only with count_neq
      P7 main   GB/T 30005-2015   covered; MOD of ASTM: adopting unless --no-foreign
      P8        GB/T 30006 (undated)   covered (2010 edition until 2022-05-01, then 2022)
    C 南京市 玄武区 320102, no key field:
      P9 main   ISO 9001:2015     covered, adopting (itself international)
      P10 main  GB/T 30008-2012   covered; EQV: adopting only with count_eqv
      P11       GB/T 30006-2010   standard_withdrawn from 2022-05-01 (covered on T1)
    """
    await standards_repository.upsert_standards(catalogue())
    a = await enterprise("220102", "长春汽车零部件有限公司", ("automotive",))
    b = await enterprise("220202", "吉林石化配件有限公司", ("petrochemical",))
    c = await enterprise("320102", "南京标准件有限公司", ())
    plan = {
        "P1": (a, True, ("GB/T 30001-2016",)), "P2": (a, True, ("GB/T 30002-2008",)),
        "P3": (a, True, (UPCOMING,)), "P4": (a, False, ()),
        "P5": (b, True, ("GB/T 99999-2015",)), "P6": (b, True, ("QC/T 600-2017",)),
        "P7": (b, True, ("GB/T 30005-2015",)), "P8": (b, False, ("GB/T 30006",)),
        "P9": (c, True, ("ISO 9001:2015",)), "P10": (c, True, ("GB/T 30008-2012",)),
        "P11": (c, False, ("GB/T 30006-2010",)),
    }
    products: dict[str, int] = {}
    declarations: dict[str, int] = {}
    for label, (uscc, main, codes) in plan.items():
        products[label], ids = await product(uscc, f"产品{label}", main, codes)
        if ids:
            declarations[label] = ids[0]
    return Dataset(usccs={"A": a, "B": b, "C": c}, products=products,
                   declarations=declarations)


# ---- the write routes of the indicators, for the role matrix of tests/api/test_declarations.py


async def _add_body(client: httpx.AsyncClient, world: object, h: dict[str, str]
                    ) -> httpx.Response:
    return await client.post("/api/indicators/foreign-bodies", headers=h,
                             json={"body": "ETSI", "name": "European Telecommunications "
                                   "Standards Institute"})


async def _remove_body(client: httpx.AsyncClient, world: object, h: dict[str, str]
                       ) -> httpx.Response:
    await _add_body(client, world, h)  # so that staff always has one to remove
    return await client.delete("/api/indicators/foreign-bodies/ETSI", headers=h)


ROLE_MATRIX: dict[tuple[str, str], tuple[Callable[..., Awaitable[httpx.Response]], bool]] = {
    ("POST", "/api/indicators/foreign-bodies"): (_add_body, False),
    ("DELETE", "/api/indicators/foreign-bodies/{code:str}"): (_remove_body, False),
}
"""(method, route) -> (call, whether an enterprise may use it): staff only."""


def read_every_standard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the per-product SQL on PostgreSQL read the standing of every edition
    (``Dialect.every_standard``), as where declarations outnumber editions (a province),
    instead of listing the declared editions first as small catalogues do. SQLite has one
    way only."""
    chosen = indicator_queries._products_dialect

    async def every(engine: object) -> Dialect:
        dialect = await chosen(engine)  # type: ignore[arg-type]
        return replace(dialect, every_standard=dialect.postgres)

    monkeypatch.setattr(indicator_queries, "_products_dialect", every)
