"""Indicators at 300,000 products and 1,000,000 declarations, per engine.

Data: the self-declaration benchmark's generator (bench/bench_declarations.py: catalogue,
declaration file, bulk import), plus an IDT adoption of an ISO standard for every third
edition so that adoption has something to count. Prints one JSON line per engine: the first
full computation of the kept facts, then coverage and adoption — overall and grouped by city —
as of today (kept facts) and as of past days (kept facts of the products unchanged since,
the others computed from declarations; and once with every product computed from its
declarations, the worst case), in milliseconds (best and worst of a few runs), and one
declaration followed by an as-of-today query (incremental refresh).

Sizes: BENCH_PRODUCTS and BENCH_DECLARATIONS (default 300000 and 1000000).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from adoption import indicator_queries
from adoption import repository as adoption_repository
from adoption.fields import declared_code
from adoption.indicators import IndicatorName, IndicatorQuery, compute_indicator
from adoption.tables import ProductFact
from api.database import configure_engine, upgrade
from api.declaration_imports import import_declarations
from bench.bench_declarations import DECLARATIONS, PRODUCTS, catalogue, write_declarations
from bench.engines import run_on_engines
from standards import repository
from standards.db import close_engine, open_engine
from standards.settings import Settings

PAST_DAYS = (dt.date(2019, 6, 30), dt.date(2021, 6, 30), dt.date(2024, 12, 31))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


async def timed(work: Callable[[], Awaitable[Any]], runs: int = RUNS) -> dict[str, Any]:
    seconds = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        seconds.append(time.perf_counter() - started)
    figure: dict[str, Any] = {"best_ms": round(min(seconds) * 1000, 1),
                              "worst_ms": round(max(seconds) * 1000, 1)}
    if result is not None and hasattr(result, "rate"):
        figure.update(numerator=result.numerator, denominator=result.denominator,
                      groups=len(result.groups))
    return figure


async def run(settings: Settings, source: Path) -> dict[str, Any]:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        items, _codes = catalogue()
        await repository.upsert_standards(items)
        await ProductFact.raw(
            "INSERT INTO relation (subject_code, kind, object_code, subject, degree, source) "
            "SELECT normalized_code, 'adopts', 'ISO ' || number || ':2015', id, 'IDT', 'bench' "
            "FROM standard WHERE id % 3 = 0")
        started = time.perf_counter()
        await import_declarations([source], actor="bench", archive_dir=settings.archive_dir)
        # the import ends by computing every product's facts (ensure_facts)
        figures: dict[str, Any] = {"products": PRODUCTS, "declarations": DECLARATIONS,
                                   "import_seconds": round(time.perf_counter() - started, 1)}
        started = time.perf_counter()
        await indicator_queries.rebuild_facts()
        figures["facts_full_recompute_seconds"] = round(time.perf_counter() - started, 2)
        for name in (IndicatorName.COVERAGE, IndicatorName.ADOPTION):
            for group_by in (None, "city"):
                label = f"{name.value}{'_by_city' if group_by else ''}"
                figures[f"{label}_today"] = await timed(partial(
                    compute_indicator, IndicatorQuery(name=name, group_by=group_by)))
                for day in PAST_DAYS:
                    figures[f"{label}_{day.isoformat()}"] = await timed(partial(
                        compute_indicator, IndicatorQuery(name=name, group_by=group_by,
                                                          as_of=day)), runs=max(1, RUNS - 1))
                # the worst case: every product computed from its declarations
                figures[f"{label}_{PAST_DAYS[-1].isoformat()}_declarations_only"] = await timed(
                    partial(indicator_queries.compute, IndicatorQuery(
                        name=name, group_by=group_by, as_of=PAST_DAYS[-1]), reuse_facts=False),
                    runs=1)
        product = await ProductFact.raw("SELECT MIN(product) AS id FROM product_fact")
        now = dt.datetime.now(dt.UTC)

        async def declare_and_read() -> Any:
            outcome = await adoption_repository.declare(
                int(product[0]["id"]), declared_code(f"GB/T 9{time.perf_counter_ns() % 99999}"
                                                     "-2015"), now=now)
            report = await compute_indicator(IndicatorQuery(name=IndicatorName.COVERAGE,
                                                            group_by="city"))
            await adoption_repository.withdraw_declaration(outcome.declaration.id,
                                                           reason="bench", now=now)
            return report

        figures["declare_then_coverage_by_city_today"] = await timed(declare_and_read)
        return figures
    finally:
        await close_engine(engine)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        source = home / "declarations.csv"
        _items, codes = catalogue()
        write_declarations(source, codes)
        run_on_engines("indicators", home, lambda settings: run(settings, source))


if __name__ == "__main__":
    main()
