"""The typed change feed (``/api/changes``) on a large change log, per engine.

Generated data: BENCH_CHANGES_STANDARDS standards (default 100,000: national GB/T, industry
QC/T, local standards of Jilin (DB22, a tenth of them of Changchun, DB2201) and Jiangsu (DB32),
on a handful of ICS codes) written by the real upsert, then BENCH_CHANGES_ROWS change-log rows
(default 1,000,000: writes of one to four fields — titles, implementation dates, withdrawals,
ICS, a source's stage — of random standards, a thousand standards per write) inserted straight
into the table.

Prints one JSON line per engine: seconds for a page of 100 entries — the first page, a page
from the middle of the log (by cursor), each filter alone (region 2201: selective; region
2202, whose five standards make the rare case; prefix DB22/T; ICS 65.020; level local) and
``since`` an hour before the last write — and a calibration figure measured on the same data:
``scan_seconds`` reads the next 400 change-log rows after the middle cursor in one plain
SELECT. Each page's ``ratio_to_calibration`` (its seconds over ``scan_seconds``) says what the
feed costs over reading the rows, whatever the machine. On PostgreSQL the tables are analysed
after the load, as autovacuum does.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from api.database import configure_engine, upgrade
from bench.engines import run_on_engines
from standards import feed_queries, repository
from standards.db import close_engine, insert_rows, open_engine, write_transaction
from standards.feed_queries import FeedFilters, FeedPosition
from standards.schemas import StandardInput
from standards.settings import Settings
from standards.tables import Standard
from standards.vocab import Level

STANDARDS = int(os.environ.get("BENCH_CHANGES_STANDARDS", "100000"))
ROWS = int(os.environ.get("BENCH_CHANGES_ROWS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_CHANGES_ROUNDS", "5"))
ICS = ("65.020.20", "43.040.10", "03.080", "13.020", "91.040.01", "01.140.20")
FIELDS = ("title_zh", "implemented_on", "withdrawn_on", "ics", "extra.stage", "scope")


def catalogue() -> list[StandardInput]:
    rng = random.Random(5)
    items = []
    for i in range(STANDARDS):
        kind = i % 10
        if kind < 5:
            code = f"GB/T {10000 + i}-2015"
        elif kind < 7:
            code = f"QC/T {10000 + i}-2016"
        elif i % 20000 == 7:
            code = f"DB2202/T {10000 + i}-2018"  # a region with five standards
        elif kind < 9:
            code = f"DB22{'01' if i % 100 < 10 else ''}/T {10000 + i}-2018"
        else:
            code = f"DB32/T {10000 + i}-2019"
        items.append(StandardInput(code=code, source="bench", title_zh=f"标准{i} 技术条件",
                                   published_on=dt.date(2015, 1, 1),
                                   implemented_on=dt.date(2015, 6, 1),
                                   ics=[rng.choice(ICS)]))
    return items


async def write_changes() -> None:
    rng = random.Random(9)
    engine = Standard._meta.db
    ids = [row["id"] for row in await Standard.raw("SELECT id FROM standard ORDER BY id")]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows: list[tuple[Any, ...]] = []
    written = 0
    moment = start
    while written < ROWS:
        moment += dt.timedelta(minutes=5)
        for standard in rng.sample(ids, min(1000, len(ids))):
            for field in rng.sample(FIELDS, rng.randint(1, 4)):
                new = "2030-01-01" if field == "implemented_on" else \
                    "2026-06-01" if field == "withdrawn_on" else f"v{written}"
                rows.append((standard, None, field, None, new, moment, "", ""))
                written += 1
        if len(rows) >= 50_000 or written >= ROWS:
            async with write_transaction(engine):
                await insert_rows(engine, "change_log", [
                    "standard", "batch", "field", "old_value", "new_value", "changed_at",
                    "actor", "note"], rows)
            rows = []


async def best(read: Any) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        await read()
        times.append(time.perf_counter() - started)
    return round(min(times), 4)


async def measure(settings: Settings) -> dict[str, Any]:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        await repository.upsert_standards(catalogue())
        await write_changes()
        if settings.engine_kind == "postgres":
            await Standard.raw("ANALYZE")  # what autovacuum does minutes after a bulk load
        last = (await Standard.raw("SELECT MAX(id) AS n, MAX(changed_at) AS t "
                                   "FROM change_log"))[0]
        middle = FeedPosition(int(last["n"]) // 2, STANDARDS)
        moment = last["t"]
        since = (dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
                 ) - dt.timedelta(hours=1)
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        cases = {
            "first": (FeedFilters(), FeedPosition(), None),
            "middle": (FeedFilters(), middle, None),
            "region_2201": (FeedFilters(region="2201"), middle, None),
            "region_rare_2202": (FeedFilters(region="2202"), middle, None),
            "prefix_db22": (FeedFilters(prefix="DB22/T"), middle, None),
            "ics_65_020": (FeedFilters(ics="65.020"), middle, None),
            "level_local": (FeedFilters(level=Level.LOCAL), middle, None),
            "since_last_hour": (FeedFilters(), FeedPosition(), since),
        }
        figures: dict[str, Any] = {"standards": STANDARDS, "change_rows": int(last["n"])}
        times: dict[str, float] = {}
        for name, (filters, position, after) in cases.items():
            async def read(f: FeedFilters = filters, p: FeedPosition = position,
                           s: dt.datetime | None = after, label: str = name) -> None:
                page = await feed_queries.feed_page(f, p, since=s, limit=100)
                assert page.entries, label
            times[name] = await best(read)

        async def scan() -> None:
            await Standard.raw("SELECT id, standard, field, old_value, new_value, changed_at "
                               "FROM change_log WHERE id > {} ORDER BY id LIMIT 400",
                               middle.changes)
        figures["scan_seconds"] = unit = await best(scan)
        figures["pages"] = {name: {"seconds": seconds,
                                   "ratio_to_calibration": round(seconds / max(unit, 1e-6), 1)}
                            for name, seconds in times.items()}
        return figures
    finally:
        await close_engine(engine)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="stdtrack-bench-changes-") as home:
        run_on_engines("changes", Path(home), measure)


if __name__ == "__main__":
    main()
