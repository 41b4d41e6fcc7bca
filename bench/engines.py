"""Where a benchmark runs: the embedded SQLite default, then a fresh PostgreSQL database on
BENCH_PG_URL's server (created for the run and dropped after); one JSON line per engine.
BENCH_ENGINES (default ``sqlite,postgres``) picks the engines."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from standards.settings import Settings

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
Measure = Callable[[Settings], Coroutine[Any, Any, dict[str, Any]]]


async def admin(url: str, sql: str) -> None:
    """Run one statement on the server's maintenance database (create / drop)."""
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def emit(payload: dict[str, Any]) -> None:
    """Print one figure with the calibration figure measured now (``bench/calibration.py``)."""
    from bench.calibration import calibrate

    print(json.dumps({**payload, "calibration": calibrate()}, ensure_ascii=False), flush=True)


def run_on_engines(bench: str, home: Path, measure: Measure) -> None:
    """``measure(settings)`` on each engine, printing ``{"bench", "engine", **figures}``; an
    unreachable PostgreSQL prints an ``error`` line instead of figures."""
    engines = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
    if "sqlite" in engines:
        sqlite = Settings.from_env({"STDTRACK_HOME": str(home / "sqlite")})
        emit({"bench": bench, "engine": "sqlite", **asyncio.run(measure(sqlite))})
    if "postgres" not in engines:
        return
    base = urlsplit(os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    name = f"stdtrack_bench_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(base._replace(path="/postgres"))
    try:
        asyncio.run(admin(admin_url, f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        emit({"bench": bench, "engine": "postgres", "error": f"unreachable: {exc}"})
        return
    try:
        pg = Settings.from_env({"STDTRACK_HOME": str(home / "pg"),
                                "DATABASE_URL": urlunsplit(base._replace(path=f"/{name}"))})
        emit({"bench": bench, "engine": "postgres", **asyncio.run(measure(pg))})
    finally:
        asyncio.run(admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
