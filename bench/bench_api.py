"""GET /api/standards/{id} (full docs/json.md shape) under a bounded loopback load, per engine.

Builds a catalogue of real ISO / IEC / JIS records (the bundled samples) plus generated Chinese
national editions that replace each other and adopt ISO documents, so every response carries
relations and editions; then serves it with 2 uvicorn workers and loads it with 32 clients.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

from api.database import configure_engine, upgrade
from bench.calibration import calibrate, ratio
from bench.http_load import run_load, serve
from standards import repository
from standards.db import close_engine, open_engine
from standards.schemas import AdoptionRef, StandardInput
from standards.settings import Settings
from standards.vocab import AdoptionDegree

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "bench"
SHARED = Path(os.environ.get("STDTRACK_SHARED_DATA",
                             Path(__file__).resolve().parents[2] / "shared" / "data"))


def catalogue(n_chinese: int = 3000) -> list[StandardInput]:
    items: list[StandardInput] = []
    iso_ids: list[str] = []
    for name in ("relaton-data-iso/iso_sample_2000.jsonl",
                 "relaton-data-iec/iec_sample_2000.jsonl"):
        path = SHARED / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").split("\n"):  # not splitlines: U+2028
            if not line.strip():
                continue
            record = json.loads(line)
            items.append(StandardInput(code=record["id"], source="bench",
                                       title_en=record.get("title_en"),
                                       ics=record.get("ics") or []))
            iso_ids.append(record["id"])
    rng = random.Random(7)
    for i in range(n_chinese):
        number = 30000 + i // 3
        year = 2006 + 6 * (i % 3)
        replaces = [f"GB/T {number}-{year - 6}"] if i % 3 else []
        adopts = ([AdoptionRef(code=rng.choice(iso_ids), degree=AdoptionDegree.IDT)]
                  if iso_ids else [])
        items.append(StandardInput(
            code=f"GB/T {number}-{year}", source="bench", title_zh=f"测试标准 第{i}号 技术条件",
            implemented_on=dt.date(year, 7, 1), replaces=replaces, adopts=adopts,
            ics=["43.040.20"], ccs="T35"))
    return items


async def build(settings: Settings) -> list[int]:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        outcomes = await repository.upsert_standards(catalogue())
        return [o.id for o in outcomes if o.id is not None]
    finally:
        await close_engine(engine)


def bench_engine(database_url: str, home: Path, duration: float) -> dict:
    settings = Settings.from_env({"DATABASE_URL": database_url, "STDTRACK_HOME": str(home)})
    ids = asyncio.run(build(settings))
    paths = [f"/api/standards/{i}" for i in ids]
    env = {"DATABASE_URL": database_url, "STDTRACK_HOME": str(home)}
    with serve("api.app:create_app_from_env", env=env, workers=2) as base:
        result = run_load(base, paths, concurrency=32, duration_s=duration)
        with urllib.request.urlopen(base + paths[0]) as answer:
            body = answer.read()
    # the limit: a bare Litestar handler returning the same JSON, same workers, same load
    sample = home / "bare.json"
    sample.write_bytes(body)
    with serve("bench.bare_app:create_bare_app", env={"BENCH_BARE_JSON": str(sample)},
               workers=2) as base:
        bare = run_load(base, paths, concurrency=32, duration_s=duration)
    bare.pop("paths", None)
    return {"standards": len(ids), **result,
            "bare_litestar": {key: bare.get(key) for key in (
                "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "non_2xx")},
            "share_of_bare": ratio(result.get("requests_per_s"), bare.get("requests_per_s"))}


def postgres_database(base: str) -> tuple[str, str]:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base)
    name = f"stdtrack_bench_{uuid.uuid4().hex[:8]}"
    return urlunsplit(parts._replace(path=f"/{name}")), urlunsplit(parts._replace(path="/postgres"))


def main() -> None:
    duration = float(os.environ.get("BENCH_DURATION", "10"))
    pg_base = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        results.append({"engine": "sqlite", **bench_engine(
            f"sqlite:///{home / 'bench.sqlite3'}", home, duration)})
        import asyncpg

        url, admin = postgres_database(pg_base)
        name = url.rsplit("/", 1)[1]

        async def admin_sql(sql: str) -> None:
            connection = await asyncpg.connect(admin)
            try:
                await connection.execute(sql)
            finally:
                await connection.close()

        try:
            asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
        except OSError as exc:
            results.append({"engine": "postgres", "error": f"unreachable: {exc}"})
        else:
            try:
                results.append({"engine": "postgres", **bench_engine(url, home, duration)})
            finally:
                asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    for result in results:
        result.pop("paths", None)
        print(json.dumps({"bench": "api_standard_detail", "workers": 2, **result,
                          "calibration": calibrate()}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
