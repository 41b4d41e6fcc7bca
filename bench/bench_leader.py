"""The leader's page on each engine: the dashboard cold and warm (kept under the data version),
the comparison, the PDF briefing and the series endpoints, each also as a ratio to a
calibration figure (a fixed pure-Python loop timed on the same machine just before), so
figures from a busy and a quiet machine compare. The app's own worker would run the day's
tasks a minute after start; the bench keeps it out of the measured views and, where it runs
in the app (SQLite), runs all of them itself beside a cold dashboard.

Cold means nothing kept in the process (a new process, or another host): the first view after
the data changed once the import that changed it has ended, which stores the leader's past
days (``store_leader_days``: timed at load as ``store_leader_days_s`` for the large set;
within ``iso_iec_import_s`` for the demo). ``*_cold_unstored_*`` is the dashboard and the
coverage series with no stored day either (the first view between a write and that step:
past days computed by the view itself).

Two data sets, one JSON line per engine and data set:
- ``demo``: ``stdtrack demo``, plus the full ISO (53k) and IEC catalogues from
  ``$STDTRACK_SHARED_DATA`` (``relaton-data-iso/iso_compact_all.jsonl.gz``,
  ``relaton-data-iec/iec_compact_all.jsonl.gz``) when that variable names the directory;
  without it that part is skipped and the line says so;
- ``large``: the declaration benchmark's generator (BENCH_PRODUCTS / BENCH_DECLARATIONS,
  default 300,000 / 1,000,000) with the seed goals; BENCH_LEADER_LARGE=0 skips it.

Requests go through the app in-process (httpx ASGI transport): the server's own work.
BENCH_ENGINES (default ``sqlite,postgres``) and BENCH_PG_URL as in bench/engines.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from bench.engines import DEFAULT_PG_URL, admin, emit

WARM_ROUNDS = int(os.environ.get("BENCH_LEADER_ROUNDS", "5"))
SHARED_FILES = ("relaton-data-iso/iso_compact_all.jsonl.gz",
                "relaton-data-iec/iec_compact_all.jsonl.gz")
DASHBOARD = "/?region=22&indicator=coverage"
PAGES = {
    "dashboard": DASHBOARD,
    "dashboard_adoption": "/?region=32&indicator=adoption",
    "compare": "/compare?indicator=coverage&left=22&right=32",
    "briefing_pdf": "/briefing.pdf?region=22&indicator=coverage",
}
SERIES = {
    "coverage_series_2024": "/api/indicators/coverage/series?region=22&start=2024-01-01",
    "adoption_series_by_city_2024": ("/api/indicators/adoption/series?region=22&start=2024-01-01"
                                     "&group_by=city"),
}


def calibration_ms() -> float:
    """A fixed amount of pure-Python work (median of three), the unit of the ratios."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number * number % 7
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def _stdtrack(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "stdtrack"), *args], env=env,
                   capture_output=True, text=True, check=True)


@contextmanager
def database(engine: str, home: Path) -> Iterator[dict[str, str]]:
    """Environment for a fresh database on ``engine`` (a PostgreSQL one is dropped after)."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["STDTRACK_HOME"] = str(home)
    if engine == "sqlite":
        yield env
        return
    base = urlsplit(os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    name = f"stdtrack_bench_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(base._replace(path="/postgres"))
    asyncio.run(admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield {**env, "DATABASE_URL": urlunsplit(base._replace(path=f"/{name}"))}
    finally:
        asyncio.run(admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def measure(env: dict[str, str], calibration: float) -> dict[str, Any]:
    """Cold and warm figures of the pages and series (ms, and ratios to the calibration)."""
    from adoption.goals_repository import list_goals, store_leader_days
    from adoption.vocab import AccountRole
    from api.app import create_app
    from api.auth import create_account
    from api.dashboard import charts
    from standards import data_version
    from standards.settings import Settings
    from standards.tables import Standard

    # the app's own worker stays out of the measured views: the day's tasks are run below,
    # beside a cold dashboard, on purpose (at 300k products its catch-up, 60 s after start,
    # fell among the cold views and held SQLite's one connection for 100 s)
    settings = Settings.from_env({**{key: env[key] for key in ("STDTRACK_HOME", "DATABASE_URL")
                                     if key in env}, "STDTRACK_DAILY_TASKS_DELAY": "86400"})
    app = create_app(settings)
    figures: dict[str, Any] = {}
    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                 base_url="http://bench", timeout=600) as client:
        _account, token = await create_account(AccountRole.LEADER, name="bench leader")
        bearer = {"Authorization": f"Bearer {token}"}  # pages take the token too
        goals = {goal.metric: goal.id for goal in await list_goals() if goal.region == "22"}
        series = dict(SERIES)
        for metric in ("coverage", "local-standards"):
            if metric in goals:
                series[f"goal_series_{metric.replace('-', '_')}"] = (
                    f"/api/goals/{goals[metric]}/series")

        async def get(path: str, headers: dict[str, str]) -> float:
            started = time.perf_counter()
            answer = await client.get(path, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
            return elapsed

        def forget() -> None:  # nothing kept in this process
            data_version.forget()
            with charts._LOCK:
                charts._CACHE.clear()

        # (stored when the data was loaded, as every import ends: nothing left to store)
        figures["stored_days_left"] = (await store_leader_days())["stored"]

        for label, path in [*PAGES.items(), *series.items()]:
            headers = bearer
            forget()
            cold = await get(path, headers)
            warm = statistics.median([await get(path, headers) for _ in range(WARM_ROUNDS)])
            figures[f"{label}_cold_ms"] = round(cold, 1)
            figures[f"{label}_warm_ms"] = round(warm, 1)
            figures[f"{label}_cold_ratio"] = round(cold / calibration, 2)
            figures[f"{label}_warm_ratio"] = round(warm / calibration, 2)
        forget()
        started = time.perf_counter()
        for path in [*PAGES.values(), *series.values()]:
            await get(path, bearer)
        figures["all_cold_in_a_row_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if settings.runs_jobs_in_app and settings.schedules_enabled:
            # what that delay keeps off the first views (the app's own worker would run the
            # day's catch-up at start): a cold dashboard beside every daily task, all due
            from api.pipelines import schedules

            forget()
            late = dt.datetime.combine(dt.date.today(), dt.time(23, 59))
            tasks_started = time.perf_counter()
            tasks = asyncio.ensure_future(schedules.run_due(settings, "bench", late))
            await asyncio.sleep(0)
            beside = await get(DASHBOARD, bearer)
            figures["dashboard_cold_beside_daily_tasks_ms"] = round(beside, 1)
            figures["dashboard_cold_beside_daily_tasks_ratio"] = round(beside / calibration, 2)
            try:
                ran = await tasks
            except Exception as exc:  # a figure of the run: said, and the others kept
                figures["daily_tasks_error"] = f"{type(exc).__name__}: {exc}"
            else:
                figures["daily_tasks_ran"] = [item["name"] for item in ran]
                figures["daily_tasks_s"] = round(time.perf_counter() - tasks_started, 1)
                # ends a worker could not write (their runs read as failed after a bound)
                figures["daily_tasks_end_not_written"] = [
                    item["name"] for item in ran if item.get("recorded") is False]
        for label, path in (("dashboard", DASHBOARD),
                            ("coverage_series_2024", SERIES["coverage_series_2024"])):
            forget()
            await Standard.raw("DELETE FROM stored_day")
            cold = await get(path, bearer)
            figures[f"{label}_cold_unstored_ms"] = round(cold, 1)
            figures[f"{label}_cold_unstored_ratio"] = round(cold / calibration, 2)
    return figures


def demo_data(engine: str, home: Path) -> dict[str, Any]:
    shared = os.environ.get("STDTRACK_SHARED_DATA")
    with database(engine, home) as env:
        _stdtrack(env, "db", "upgrade")
        started = time.perf_counter()
        _stdtrack(env, "demo")
        loaded: dict[str, Any] = {"demo_s": round(time.perf_counter() - started, 1)}
        if shared:
            files = [str(Path(shared) / name) for name in SHARED_FILES]
            started = time.perf_counter()
            _stdtrack(env, "import", *files)
            loaded["iso_iec_import_s"] = round(time.perf_counter() - started, 1)
            loaded["catalogues"] = "demo + ISO + IEC (full)"
        else:
            loaded["catalogues"] = "demo only (STDTRACK_SHARED_DATA unset: ISO/IEC skipped)"
        calibration = calibration_ms()
        return {**loaded, "calibration_ms": calibration,
                **asyncio.run(measure(env, calibration))}


async def _load_large(env: dict[str, str], source: Path) -> dict[str, Any]:
    from adoption.goals_repository import install_seed_goals, store_leader_days
    from api.database import configure_engine, upgrade
    from api.declaration_imports import import_declarations
    from bench.bench_declarations import DECLARATIONS, PRODUCTS, catalogue
    from standards import repository
    from standards.db import close_engine, open_engine
    from standards.settings import Settings

    settings = Settings.from_env({key: env[key] for key in ("STDTRACK_HOME", "DATABASE_URL")
                                  if key in env})
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        items, _codes = catalogue()
        await repository.upsert_standards(items)
        started = time.perf_counter()
        await import_declarations([source], actor="bench", archive_dir=settings.archive_dir)
        await install_seed_goals()
        imported = time.perf_counter() - started
        started = time.perf_counter()
        stored = await store_leader_days()  # the step every import ends with
        return {"products": PRODUCTS, "declarations": DECLARATIONS,
                "import_s": round(imported, 1),
                "store_leader_days_s": round(time.perf_counter() - started, 1),
                "stored_days": stored["stored"]}
    finally:
        await close_engine(engine)


def large_data(engine: str, home: Path, source: Path) -> dict[str, Any]:
    with database(engine, home) as env:
        loaded = asyncio.run(_load_large(env, source))
        calibration = calibration_ms()
        return {**loaded, "calibration_ms": calibration,
                **asyncio.run(measure(env, calibration))}


def main() -> None:
    engines = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
    large = os.environ.get("BENCH_LEADER_LARGE", "1") != "0"
    with tempfile.TemporaryDirectory(prefix="bench-leader-") as tmp:
        root = Path(tmp)
        source = root / "declarations.csv"
        if large:
            from bench.bench_declarations import catalogue, write_declarations

            write_declarations(source, catalogue()[1])
        for engine in engines:
            for data in ("demo", "large") if large else ("demo",):
                home = root / f"{engine}-{data}"
                home.mkdir()
                try:
                    figures = demo_data(engine, home) if data == "demo" else large_data(
                        engine, home, source)
                except (OSError, subprocess.CalledProcessError) as exc:
                    detail = getattr(exc, "stderr", "") or str(exc)
                    emit({"bench": "leader", "engine": engine, "data": data,
                          "error": str(detail)[-500:]})
                    continue
                emit({"bench": "leader", "engine": engine, "data": data, **figures})
    sys.stdout.flush()


if __name__ == "__main__":
    main()
