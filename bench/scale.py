"""`make bench-scale`: a province on one PostgreSQL (``bench/province.py``), its targets as
ratios to limits measured in the same run, written to ``bench/out/scale.json``.

Phases, each one JSON line on stdout (progress on stderr):

* ``calibration`` — the fixed pure-Python workload (``bench/calibration.py``), first and last;
* ``catalogue`` — the real ISO / IEC / JIS files plus the generated editions through the real
  import (``api.imports.import_files``, reader process included), against the same rows of
  ``standard``, ``standard_ics`` and ``relation`` written by COPY into tables like ours,
  indexes and foreign keys included (target: ≥ 30 %; beside it, the share of COPY into bare
  shadows, which check no foreign key); then ``after_import`` (search index build on the
  PostgreSQL backend, alerts, domains, indicator facts) timed apart;
* ``search`` — (right after the catalogue) see below;
* ``declarations`` — the bulk CSV files through ``import_declarations`` against COPY of the
  same ``enterprise``, ``product``, ``declaration`` and ``alert`` rows, foreign keys included as
  above (target: ≥ 50 %, the writing; the
  indicator facts the import computes at its end, and the leader's past days every import
  stores after it, are timed apart);
* after each of those two, ``VACUUM ANALYZE`` (``vacuum_analyze_s``): what autovacuum does
  minutes after a bulk load on a served database, which the bench's server may not run;
* ``indicators`` — coverage and adoption today (≤ 200 ms), as of past dates (≤ 2 s: month
  ends the import stored, and a day in mid-month derived from one of them when first asked)
  and the worst case, every product computed from its declarations (≤ 3 s);
* ``dashboard`` — the leader's dashboard, first request after the app started (≤ 1.5 s);
* ``search`` — the PostgreSQL backend at the catalogue's size, p95 per kind of query
  (≤ 50 ms; each query asked once first, that pass reported apart as ``first_ask``), and
  tantivy (bench-only peer, ``pip install -e .[bench]``) over the same documents
  and queries.

Environment: ``BENCH_SCALE`` (default 1: the province; 0.05 for development), ``NATION=1``
(5.3 M products, 10 M declarations, 3.2 M standards: hours, not for CI), ``BENCH_PG_URL``,
``STDTRACK_SHARED_DATA`` (the real catalogue files), ``BENCH_PHASES`` (comma list to run a part),
``BENCH_KEEP_DB=1`` (keep the database), ``BENCH_STORE_DAYS=0`` (leave out the leader's days an
import stores at its end) and ``BENCH_DB`` (run against a kept database of the same
scale that holds the catalogue: ``BENCH_PHASES=declarations,indicators,dashboard``).
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
from urllib.parse import urlsplit, urlunsplit

from bench.calibration import calibrate, ratio
from bench.engines import DEFAULT_PG_URL, admin
from bench.province import Sizes, province_regions, real_files, write_catalogue, write_declarations

OUT = Path(__file__).resolve().parent / "out"
CATALOGUE_FILE_ROWS = 400_000  # below the import's default row limit per file (500,000)
DECLARATION_FILE_ROWS = 200_000
TARGETS = {
    "catalogue_share_of_raw": 0.30,
    "declarations_share_of_raw": 0.50,
    "indicator_today_ms": 200,
    "indicator_past_ms": 2000,
    "indicator_worst_ms": 3000,
    "dashboard_cold_ms": 1500,
    "search_p95_ms": 50,
}
TODAY = dt.date.today()
# BENCH_STORE_DAYS=0: the declarations phase leaves out the leader's days every import ends
# by storing (an hour at the nation's size); the indicators and dashboard then compute the
# past days they ask for, as the first view after a write does
STORE_DAYS = os.environ.get("BENCH_STORE_DAYS", "1") not in ("", "0")
DASHBOARD_TIMEOUT = 600.0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def split_lines(source: Path, rows: int, header: bool) -> list[Path]:
    """``source`` cut into files of at most ``rows`` rows (each with the header line)."""
    parts: list[Path] = []
    with source.open(encoding="utf-8") as handle:
        first = handle.readline() if header else ""
        out = None
        count = 0
        if not header:
            handle.seek(0)
        for line in handle:
            if out is None or count == rows:
                if out is not None:
                    out.close()
                path = source.with_name(f"{source.stem}-{len(parts) + 1:02d}{source.suffix}")
                parts.append(path)
                out = path.open("w", encoding="utf-8")
                out.write(first)
                count = 0
            out.write(line)
            count += 1
        if out is not None:
            out.close()
    source.unlink()
    return parts


async def settle() -> float:
    """What autovacuum does minutes after a bulk load (the visibility map, hint bits and
    statistics): a served database has it on (docs/deploy.md), the bench's server may not.
    Run after each phase that loads, its raw COPY measured first; returns its seconds."""
    from adoption.db import select

    started = time.perf_counter()
    await select("VACUUM ANALYZE")
    return round(time.perf_counter() - started, 1)


async def catalogue_phase(settings: Any, files: list[Path], engine: Any) -> dict[str, Any]:
    from api.imports import ImportOptions, after_import, import_files
    from bench.raw import CATALOGUE_TABLES, raw_insert_limit

    log(f"catalogue: importing {len(files)} files")
    started = time.perf_counter()
    report = await import_files(files, ImportOptions(actor="bench"), settings.archive_dir)
    seconds = time.perf_counter() - started
    records = report.created + report.updated + report.unchanged + len(report.rejected)
    log(f"catalogue: {records} records in {seconds:.0f} s; COPY of the same rows")
    raw = await raw_insert_limit(engine, CATALOGUE_TABLES, foreign_keys=True)
    share = ratio(raw["seconds"], seconds)
    bare = await raw_insert_limit(engine, CATALOGUE_TABLES)
    log("catalogue: after_import (search index build, alerts, domains, facts)")
    started = time.perf_counter()
    indexed = await after_import(settings, report)
    after = time.perf_counter() - started
    return {"phase": "catalogue", "records": records, "created": report.created,
            "rejected": len(report.rejected), "conflicts": len(report.conflicts),
            "seconds": round(seconds, 1), "records_per_s": round(records / seconds),
            "raw": raw, "share_of_raw": share,
            "raw_without_foreign_keys": bare,
            "share_of_raw_without_foreign_keys": ratio(bare["seconds"], seconds),
            "target_share_of_raw": TARGETS["catalogue_share_of_raw"],
            "meets_target": share is not None and share >= TARGETS["catalogue_share_of_raw"],
            "after_import_s": round(after, 1), "index": indexed,
            "vacuum_analyze_s": await settle(), "load": round(os.getloadavg()[0], 2)}


async def declarations_phase(settings: Any, files: list[Path], declared: int,
                             engine: Any) -> dict[str, Any]:
    from api.declaration_imports import import_declarations
    from api.imports import store_days_after
    from bench.raw import DECLARATION_TABLES, raw_insert_limit

    log(f"declarations: importing {len(files)} files ({declared} codes)")
    marks: list[float] = []
    started = time.perf_counter()
    report = await import_declarations(files, actor="bench", archive_dir=settings.archive_dir,
                                       progress=lambda _n: marks.append(time.perf_counter()))
    total = time.perf_counter() - started
    written = (marks[-1] if marks else time.perf_counter()) - started
    result = report.as_dict()
    log(f"declarations: written in {written:.0f} s, with facts {total:.0f} s; COPY of the same")
    # the step an import ends with, by job or command: the leader's past days stored
    started = time.perf_counter()
    stored: Any = "skipped: BENCH_STORE_DAYS=0 (past days are computed when first asked)"
    if STORE_DAYS:
        stored = await store_days_after(report)
    stored_s = time.perf_counter() - started
    log(f"declarations: leader's days stored in {stored_s:.0f} s ({stored})")
    raw = await raw_insert_limit(engine, DECLARATION_TABLES, foreign_keys=True)
    share = ratio(raw["seconds"], written)
    bare = await raw_insert_limit(engine, DECLARATION_TABLES)
    return {"phase": "declarations", "rows": sum(f["records"] for f in report.files),
            "declarations": declared, "seconds_written": round(written, 1),
            "seconds_with_facts": round(total, 1), "facts_s": round(total - written, 1),
            "stored_days_s": round(stored_s, 1), "stored_days": stored,
            "declarations_per_s": round(declared / written),
            "created": result["created"], "rejected": len(result["rejected"]),
            "tallies": {kind: result[kind] for kind in ("enterprises", "products",
                                                        "declarations", "alerts")},
            "raw": raw, "share_of_raw": share,
            "raw_without_foreign_keys": bare,
            "share_of_raw_without_foreign_keys": ratio(bare["seconds"], written),
            "target_share_of_raw": TARGETS["declarations_share_of_raw"],
            "meets_target": share is not None and share >= TARGETS["declarations_share_of_raw"],
            "vacuum_analyze_s": await settle(), "load": round(os.getloadavg()[0], 2)}


async def _timed(work: Any, runs: int) -> dict[str, Any]:
    seconds = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        seconds.append(time.perf_counter() - started)
    return {"best_ms": round(min(seconds) * 1000, 1), "worst_ms": round(max(seconds) * 1000, 1),
            "denominator": getattr(result, "denominator", None)}


async def indicators_phase() -> dict[str, Any]:
    from adoption import indicator_queries
    from adoption.indicators import IndicatorName, IndicatorQuery, compute_indicator

    log("indicators")
    figures: dict[str, Any] = {}
    # month ends (the leader's days every import stores) and a day in mid-month, which is
    # not stored: asked, it is derived from a stored day near it and stored
    past_days = (dt.date(2018, 6, 30), dt.date(2021, 6, 30), dt.date(2022, 3, 15),
                 dt.date(2024, 12, 31))
    worst = {"today": 0.0, "past": 0.0, "declarations_only": 0.0}
    for name in (IndicatorName.COVERAGE, IndicatorName.ADOPTION):
        for group_by in (None, "city"):
            label = f"{name.value}{'_by_city' if group_by else ''}"

            def query(day: dt.date | None, name: Any = name, group_by: Any = group_by) -> Any:
                return IndicatorQuery(name=name, group_by=group_by, as_of=day)

            today = await _timed(lambda q=query(None): compute_indicator(q), 3)
            figures[f"{label}_today"] = today
            worst["today"] = max(worst["today"], today["worst_ms"])
            for day in past_days:
                past = await _timed(lambda q=query(day): compute_indicator(q), 2)
                figures[f"{label}_{day.isoformat()}"] = past
                worst["past"] = max(worst["past"], past["worst_ms"])
            cold = await _timed(lambda q=query(past_days[-1]): indicator_queries.compute(
                q, reuse_facts=False), 1)
            figures[f"{label}_{past_days[-1].isoformat()}_declarations_only"] = cold
            worst["declarations_only"] = max(worst["declarations_only"], cold["worst_ms"])
    return {"phase": "indicators", "worst_today_ms": worst["today"],
            "worst_past_ms": worst["past"], "worst_case_ms": worst["declarations_only"],
            "targets_ms": {"today": TARGETS["indicator_today_ms"],
                           "past": TARGETS["indicator_past_ms"],
                           "worst_case": TARGETS["indicator_worst_ms"]},
            "meets_target": (worst["today"] <= TARGETS["indicator_today_ms"]
                             and worst["past"] <= TARGETS["indicator_past_ms"]
                             and worst["declarations_only"] <= TARGETS["indicator_worst_ms"]),
            "figures": figures}


async def dashboard_phase(settings: Any) -> dict[str, Any]:
    import httpx

    from adoption.vocab import AccountRole
    from api.app import create_app
    from api.auth import create_account
    from api.database import configure_engine
    from standards.db import close_engine, open_engine

    log("dashboard: a fresh app, first request")
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        _account, token = await create_account(AccountRole.LEADER, name="bench leader")
    finally:
        await close_engine(engine)
    app = create_app(settings)
    figures: dict[str, Any] = {}
    async with app.lifespan(), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench",
            headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        for label, path in (("cold_ms", "/"), ("again_ms", "/"),
                            ("region_cold_ms", "/?region=3201&indicator=coverage"),
                            ("past_cold_ms", "/?region=32&indicator=adoption&as_of=2021-12-31")):
            started = time.perf_counter()
            try:
                answer = await asyncio.wait_for(client.get(path), DASHBOARD_TIMEOUT)
            except TimeoutError:
                figures[label] = None
                figures[f"{label}_error"] = f"no answer within {DASHBOARD_TIMEOUT} s"
                continue
            figures[label] = round((time.perf_counter() - started) * 1000, 1)
            if answer.status_code != 200:
                figures[f"{label}_status"] = answer.status_code
    measured = [figures[key] for key in ("cold_ms", "region_cold_ms", "past_cold_ms")]
    worst = float("inf") if None in measured else max(measured)
    return {"phase": "dashboard", **figures, "target_cold_ms": TARGETS["dashboard_cold_ms"],
            "meets_target": worst <= TARGETS["dashboard_cold_ms"]}


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    rank = min(len(ordered), max(1, int(p / 100 * len(ordered) + 0.5)))
    return round(ordered[rank - 1], 2)


async def search_phase(settings: Any) -> dict[str, Any]:
    from api import search_service
    from bench import bench_search, tantivy_peer
    from search_index.schemas import SearchRequest

    log("search: PostgreSQL backend")
    bench_search.QUERIES["code"] = bench_search.code_queries(await bench_search.sample_codes())
    await search_service.close_search(settings)
    kinds: dict[str, Any] = {}
    every: list[float] = []
    firsts: list[float] = []
    for kind, queries in bench_search.QUERIES.items():
        samples: list[float] = []
        first: list[float] = []
        totals = []
        for round_ in range(1 + bench_search.REPEAT):
            for q in queries:
                started = time.perf_counter()
                result = await search_service.search(settings, SearchRequest(q=q), TODAY)
                # the first pass warms the caches, as a running server has them, and keeps
                # the answers of searches counting many matches: it is reported apart
                (samples if round_ > 0 else first).append((time.perf_counter() - started) * 1000)
                if round_ == 0:
                    totals.append(result.total)
        every.extend(samples)
        firsts.extend(first)
        kinds[kind] = {"p50_ms": _percentile(samples, 50), "p95_ms": _percentile(samples, 95),
                       "first_ask_p95_ms": _percentile(first, 95),
                       "first_ask_max_ms": round(max(first), 1),
                       "median_hits": int(statistics.median(totals))}
    p95 = _percentile(every, 95)
    figures: dict[str, Any] = {"phase": "search", "backend": "postgres",
                               "documents": (await search_service.search_engine(
                                   settings).describe()).get("documents"),
                               "p95_ms": p95, "first_ask_p95_ms": _percentile(firsts, 95),
                               "kinds": kinds,
                               "target_p95_ms": TARGETS["search_p95_ms"],
                               "meets_target": p95 <= TARGETS["search_p95_ms"]}
    log("search: tantivy over the same documents")
    peer = await tantivy_peer.measure(bench_search.QUERIES, settings)
    figures["tantivy"] = peer
    if peer.get("p95_ms"):
        figures["p95_ratio_to_tantivy"] = ratio(p95, peer["p95_ms"], 1)
        figures["first_ask_p95_ratio_to_tantivy"] = ratio(figures["first_ask_p95_ms"],
                                                          peer["p95_ms"], 1)
        for kind, figure in kinds.items():
            theirs = peer["kinds"].get(kind)
            if theirs:
                figure["ratio_to_tantivy"] = ratio(figure["p95_ms"], theirs["p95_ms"], 1)
    return figures


async def run(settings: Any, sizes: Sizes, scale: float, work: Path,
              phases: set[str], summary: dict[str, Any]) -> list[dict[str, Any]]:
    from api.database import configure_engine, upgrade
    from standards.db import close_engine, open_engine

    out: list[dict[str, Any]] = []

    def emit(figure: dict[str, Any]) -> None:
        out.append(figure)
        print(json.dumps({"bench": "scale", **figure}, ensure_ascii=False), flush=True)
        write_summary({**summary, "phases": out, "partial": True})

    async def attempt(phase: str, work: Any) -> None:
        """Run one phase; a failure is recorded as that phase's figure and the next runs."""
        if phase not in phases:
            return
        try:
            emit(await work())
        except Exception as exc:  # a bench records what broke and goes on
            log(f"{phase} failed: {exc!r}")
            emit({"phase": phase, "error": repr(exc), "meets_target": False})

    log(f"writing the data set: {sizes}")
    catalogue = work / "catalogue.jsonl"
    codes = write_catalogue(catalogue, sizes, scale)
    catalogue_files = real_files(scale, work) + split_lines(catalogue, CATALOGUE_FILE_ROWS,
                                                            header=False)
    declarations = work / "declarations.csv"
    declared = write_declarations(declarations, sizes, codes, province_regions())
    del codes
    declaration_files = split_lines(declarations, DECLARATION_FILE_ROWS, header=True)

    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        await attempt("catalogue", lambda: catalogue_phase(settings, catalogue_files, engine))
        await attempt("search", lambda: search_phase(settings))
        await attempt("declarations", lambda: declarations_phase(
            settings, declaration_files, declared, engine))
        await attempt("indicators", indicators_phase)
    finally:
        from api import search_service

        await search_service.close_search(settings)
        await close_engine(engine)
    await attempt("dashboard", lambda: dashboard_phase(settings))
    return out


def main() -> int:
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    nation = os.environ.get("NATION", "") not in ("", "0")
    sizes = Sizes.of(scale, nation)
    phases = set((os.environ.get("BENCH_PHASES") or
                  "catalogue,declarations,indicators,dashboard,search").split(","))
    base = urlsplit(os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    # BENCH_DB: a database an earlier run kept (BENCH_KEEP_DB=1) with this scale's catalogue,
    # for the phases after it (BENCH_PHASES=declarations,indicators,dashboard); kept as found
    reused = os.environ.get("BENCH_DB", "")
    name = reused or f"stdtrack_scale_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(base._replace(path="/postgres"))
    started = time.perf_counter()
    summary: dict[str, Any] = {"bench": "scale", "set": "nation" if nation else "province",
                               "scale": scale, "sizes": sizes.__dict__, "phases_run": sorted(
                                   phases), "database_reused": bool(reused),
                               "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                               "calibration_start": calibrate()}
    print(json.dumps({"bench": "scale", "phase": "calibration",
                      **summary["calibration_start"]}), flush=True)
    if not reused:
        asyncio.run(admin(admin_url, f'CREATE DATABASE "{name}"'))
    keep = bool(reused) or os.environ.get("BENCH_KEEP_DB", "") not in ("", "0")
    try:
        with tempfile.TemporaryDirectory(prefix="stdtrack-scale-") as tmp:
            from standards.settings import Settings

            settings = Settings.from_env({
                "STDTRACK_HOME": str(Path(tmp) / "home"),
                "DATABASE_URL": urlunsplit(base._replace(path=f"/{name}")),
                "STDTRACK_SEARCH": "postgres"})
            summary["phases"] = asyncio.run(run(settings, sizes, scale, Path(tmp), phases,
                                                summary))
    finally:
        if keep:
            log(f"database kept: {name}")
        else:
            asyncio.run(admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    summary["calibration_end"] = calibrate()
    summary["seconds"] = round(time.perf_counter() - started)
    summary["targets"] = TARGETS
    summary["all_targets_met"] = all(phase.get("meets_target", True)
                                     for phase in summary["phases"])
    log(f"summary written to {write_summary(summary)}")
    return 0


def write_summary(summary: dict[str, Any]) -> Path:
    """bench/out/scale-<set>[-x<scale>].json (rewritten after every phase: a run cut short
    keeps the phases it finished)."""
    OUT.mkdir(exist_ok=True)
    scale = summary["scale"]
    target = OUT / (f"scale-{summary['set']}" + ("" if scale == 1 else f"-x{scale:g}") + ".json")
    target.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    sys.exit(main())
