"""Search benchmark at 200,000 standards: index build, size, query latency per kind, HTTP load.

Corpus: the 107k real ISO / IEC / JIS records plus generated Chinese national, industry and
local standards (``bench/search_corpus.py``), loaded through the real repository. Then, for
whoosh (over SQLite) and for the PostgreSQL backend, in one run:

* ``stdtrack index rebuild`` time and index size;
* latency of ``GET /api/search``'s work in process (the backend's ``search``, highlights of the
  top 10 and facet counts included) for each kind of query: single Chinese term (frequent,
  rare), two Chinese terms, English term, code, code prefix. Every query runs once ``cold``
  (first time after the index opened: postings not decoded yet) and then ``REPEAT`` times
  ``warm``; p50 / p95 / p99 are reported for both;
* ``GET /api/search`` under a bounded loopback load: 8 clients, 2 uvicorn workers, the same
  queries in rotation.

Each figure is a JSON line ``{"bench": "search", ...}``. Environment: ``BENCH_SEARCH_TOTAL``
(default 200000) or ``BENCH_SEARCH_TOTALS`` (several sizes in one run, e.g. ``200000,1000000``:
whoosh at its limits, with the PostgreSQL backend and tantivy beside it at each size),
``BENCH_DURATION`` (HTTP seconds, default 10), ``BENCH_PG_URL``.

Run from the project root: ``.venv/bin/python -m bench.bench_search``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from api import search_service
from api.database import configure_engine, upgrade
from bench import tantivy_peer
from bench.calibration import calibrate, ratio
from bench.http_load import run_load, serve
from bench.search_corpus import corpus
from search_index.schemas import SearchRequest
from standards import repository
from standards.db import close_engine, open_engine
from standards.settings import Settings

REPEAT = 5
TODAY = dt.date.today()

QUERIES: dict[str, list[str]] = {
    "zh_frequent": ["技术", "规范", "要求", "试验方法", "测定", "安全", "检验", "设计", "质量",
                    "管理", "服务", "汽车", "建筑", "信息技术", "方法"],
    "zh_rare": ["人参", "抗震", "五味子", "鹿茸", "林蛙", "滑雪场", "吸油烟机", "河蟹", "梅花鹿",
                "冰雪旅游", "黑木耳", "网约车", "灭火器", "叉车属具", "棉花"],
    "zh_two": ["服务规范 旅游", "汽车 试验方法", "建筑 设计规范", "技术 要求", "安全 技术规范",
               "混凝土 结构", "水质 测定", "电动汽车 安全要求", "食品 测定", "信息技术 安全",
               "人参 栽培", "建筑 抗震", "养老机构 服务", "茶叶 质量分级", "电力 运行规程"],
    "en": ["safety", "steel", "rubber", "electrical", "buildings", "water", "test methods",
           "information technology", "risk management", "quality", "vocabulary", "optical",
           "welding", "plastics", "measurement"],
    "code": [],  # filled from the catalogue: real codes in several spellings
    "code_prefix": ["GB/T 10", "ISO 90", "IEC 603", "QC/T 2", "DB22/T 11", "JB/T 3", "GB 500",
                    "ISO 14", "HJ 5", "NY/T 12", "IEC 61", "JIS B 07", "GB/T 77", "ISO/IEC 27",
                    "DL/T 1"],
}


def emit(figure: dict[str, Any]) -> None:
    print(json.dumps({"bench": "search", **figure}, ensure_ascii=False), flush=True)


def emit_calibrated(figure: dict[str, Any]) -> None:
    emit({**figure, "calibration": calibrate()})


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        rank = min(len(ordered), max(1, int(p / 100 * len(ordered) + 0.5)))
        return round(ordered[rank - 1], 2)

    return {"p50_ms": at(50), "p95_ms": at(95), "p99_ms": at(99), "max_ms": round(ordered[-1], 2),
            "mean_ms": round(statistics.mean(ordered), 2), "samples": len(ordered)}


async def load_catalogue(settings: Settings, total: int) -> dict[str, Any]:
    records = corpus(total)
    started = time.perf_counter()
    outcomes = await repository.upsert_standards(records)
    stored = await repository.count_standards()
    return {"records": len(records), "standards": stored,
            "rejected": sum(o.action == "rejected" for o in outcomes),
            "load_s": round(time.perf_counter() - started, 1)}


def code_queries(codes: list[str]) -> list[str]:
    """Real codes of the catalogue in the spellings users type."""
    spellings = []
    for i, code in enumerate(codes):
        if i % 3 == 0:
            spellings.append(code)
        elif i % 3 == 1:
            spellings.append(code.replace(" ", "").split("-")[0] if code.startswith(("GB", "DB"))
                             else code.split(":")[0])
        else:  # full width, as pasted from a Chinese document
            spellings.append("".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else
                                     ("\u3000" if c == " " else c) for c in code))
    return spellings


async def sample_codes(n: int = 15) -> list[str]:
    from standards.tables import Standard

    rows = await Standard.raw(
        "SELECT code FROM standard WHERE id % 13331 = 7 ORDER BY id LIMIT {}", n)
    return [row["code"] for row in rows]


async def measure(settings: Settings) -> list[dict[str, Any]]:
    figures = []
    for kind, queries in QUERIES.items():
        cold: list[float] = []
        warm: list[float] = []
        totals = []
        for query in queries:
            started = time.perf_counter()
            result = await search_service.search(settings, SearchRequest(q=query), TODAY)
            cold.append((time.perf_counter() - started) * 1000)
            totals.append(result.total)
        for _ in range(REPEAT):
            for query in queries:
                started = time.perf_counter()
                await search_service.search(settings, SearchRequest(q=query), TODAY)
                warm.append((time.perf_counter() - started) * 1000)
        figures.append({"kind": kind, "queries": len(queries),
                        "median_hits": int(statistics.median(totals)),
                        "cold": percentiles(cold), **percentiles(warm)})
    return figures


async def build_and_measure(settings: Settings, total: int, load: bool) -> dict[str, Any]:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        out: dict[str, Any] = {}
        if load:
            await upgrade()
            out["catalogue"] = await load_catalogue(settings, total)
        QUERIES["code"] = code_queries(await sample_codes())
        report = await search_service.rebuild_index(settings)
        out["build"] = {"documents": report.documents, "seconds": report.seconds,
                        "size_mb": round((report.size_bytes or 0) / 1e6, 1)}
        await search_service.close_search(settings)
        started = time.perf_counter()
        await search_service.search(settings, SearchRequest(q="抗震"), TODAY)
        out["first_search_s"] = round(time.perf_counter() - started, 2)
        out["latency"] = await measure(settings)
        await search_service.close_search(settings)
        return out
    finally:
        await close_engine(engine)


def http_figure(settings: Settings, backend: str, duration: float) -> dict[str, Any]:
    paths = [f"/api/search?q={quote(q)}" for queries in QUERIES.values() for q in queries]
    env = {"DATABASE_URL": settings.database_url, "STDTRACK_HOME": str(settings.home),
           "STDTRACK_SEARCH": backend}
    with serve("api.app:create_app_from_env", env=env, workers=2, timeout=120) as base:
        return run_load(base, paths, concurrency=8, duration_s=duration, warmup_s=3)


def report(backend: str, database: str, out: dict[str, Any], http: dict[str, Any] | None) -> None:
    if "catalogue" in out:
        emit({"backend": backend, "database": database, "phase": "catalogue", **out["catalogue"]})
    emit_calibrated({"backend": backend, "database": database, "phase": "build", **out["build"],
          "target_s": 90, "first_search_s": out["first_search_s"]})
    for figure in out["latency"]:
        bound = 100 if figure["kind"] == "zh_two" else 50
        emit({"backend": backend, "database": database, "phase": "latency",
              "target_p95_ms": bound, **figure})
    if http is not None:
        http.pop("paths", None)
        emit({"backend": backend, "database": database, "phase": "http", "workers": 2,
              "target_requests_per_s": 100, **http})


def peer(tantivy: dict[str, Any], measured: dict[str, dict[str, Any]], total: int) -> None:
    """tantivy's figures and each backend's warm p95 over tantivy's, kind by kind."""
    ratios: dict[str, dict[str, float | None]] = {}
    for backend, out in measured.items():
        ratios[backend] = {
            figure["kind"]: ratio(figure["p95_ms"], tantivy["kinds"][figure["kind"]]["p95_ms"], 1)
            for figure in out["latency"] if figure["kind"] in tantivy.get("kinds", {})}
    emit({"backend": "tantivy", "phase": "peer", "total": total, **tantivy,
          "p95_ratio_to_tantivy": ratios,
          "calibration": calibrate()})


def postgres_database(base: str) -> tuple[str, str]:
    parts = urlsplit(base)
    name = f"stdtrack_bench_{uuid.uuid4().hex[:8]}"
    return urlunsplit(parts._replace(path=f"/{name}")), urlunsplit(parts._replace(path="/postgres"))


async def admin_sql(url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def main() -> None:
    """Every size of ``BENCH_SEARCH_TOTALS`` (default ``BENCH_SEARCH_TOTAL`` or 200000; e.g.
    ``200000,1000000`` for whoosh at its limits), each with both backends and tantivy."""
    totals = [int(value) for value in (os.environ.get("BENCH_SEARCH_TOTALS")
                                       or os.environ.get("BENCH_SEARCH_TOTAL", "200000")
                                       ).split(",")]
    for total in totals:
        measure_size(total)


def measure_size(total: int) -> None:
    duration = float(os.environ.get("BENCH_DURATION", "10"))
    pg_base = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        sqlite = Settings.from_env({"DATABASE_URL": f"sqlite:///{home / 'bench.sqlite3'}",
                                    "STDTRACK_HOME": str(home)})
        log(f"whoosh over SQLite at {total}: loading the catalogue, building, measuring")
        out = asyncio.run(build_and_measure(sqlite, total, load=True))
        http = http_figure(sqlite, "whoosh", duration)
        report("whoosh", "sqlite", out, http)
        measured = {"whoosh": out}

        url, admin = postgres_database(pg_base)
        name = url.rsplit("/", 1)[1]
        try:
            asyncio.run(admin_sql(admin, f'CREATE DATABASE "{name}"'))
        except OSError as exc:
            emit({"backend": "postgres", "error": f"PostgreSQL unreachable: {exc}"})
            return
        try:
            pg = Settings.from_env({"DATABASE_URL": url, "STDTRACK_HOME": str(home / "pg"),
                                    "STDTRACK_SEARCH": "postgres"})
            log(f"PostgreSQL backend at {total}: loading the catalogue, building, measuring")
            out = asyncio.run(build_and_measure(pg, total, load=True))
            http = http_figure(pg, "postgres", duration)
            report("postgres", "postgres", out, http)
            measured["postgres"] = out
            log("tantivy over the same documents and queries")
            peer(asyncio.run(tantivy_peer.measure(QUERIES, pg)), measured, total)
        finally:
            asyncio.run(admin_sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

if __name__ == "__main__":
    main()
