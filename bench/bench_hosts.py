"""Two app hosts on one PostgreSQL under a mixed read load: the demo province
(``stdtrack demo``) on a fresh database, two `uvicorn` hosts with their own STDTRACK_HOME and
``STDTRACK_SEARCH=postgres``, and 32 clients (bounded, loopback only) spread over both for
``BENCH_HOSTS_DURATION`` seconds (default 60) requesting, in rotation: searches, standard
lookups by code, public enterprise and declaration pages, and the leader's dashboard.

Prints one JSON line: requests/s in all, and per route the count, errors (no answer or not
2xx) and p50 / p95 / p99 in milliseconds, with the calibration figure.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from bench.calibration import calibrate
from bench.engines import DEFAULT_PG_URL, admin
from bench.http_load import serve

CLIENTS = 32
SEARCHES = ("技术", "汽车 试验方法", "人参", "GB/T 7714", "safety", "服务规范", "DB22/T 1",
            "建筑 抗震", "ISO 9001", "食品 测定")


def stdtrack(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(Path(sys.executable).parent / "stdtrack"), *args], env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout


async def sample(database_url: str) -> dict[str, list[str]]:
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        codes = [row["code"] for row in await connection.fetch(
            "SELECT code FROM standard ORDER BY id LIMIT 60")]
        usccs = [row["uscc"] for row in await connection.fetch(
            "SELECT uscc FROM enterprise ORDER BY id LIMIT 30")]
    finally:
        await connection.close()
    return {
        "search": [f"/api/search?q={quote(q)}" for q in SEARCHES],
        "standard_lookup": [f"/api/standards?code={quote(code)}" for code in codes],
        "public_enterprise": [f"/enterprises/{uscc}" for uscc in usccs],
        "public_declarations": [f"/declarations?q={quote(code.split('-')[0])}"
                                for code in codes[:20]],
        "dashboard": ["/", "/?region=22&indicator=coverage", "/?indicator=adoption"],
    }


def _percentile(samples: list[float], p: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    rank = min(len(ordered), max(1, int(p / 100 * len(ordered) + 0.5)))
    return round(ordered[rank - 1], 1)


async def load(bases: list[str], routes: dict[str, list[str]], token: str,
               duration: float) -> dict[str, Any]:
    import httpx

    # every route in turn (each gets the same share of requests), its paths in rotation
    longest = max(len(paths) for paths in routes.values())
    plan = [(route, paths[i % len(paths)]) for i in range(longest)
            for route, paths in routes.items() if paths]
    latencies: dict[str, list[float]] = {route: [] for route in routes}
    errors: dict[str, int] = dict.fromkeys(routes, 0)
    deadline = time.monotonic() + duration
    headers = {"Authorization": f"Bearer {token}"}

    async def client(number: int) -> None:
        base = bases[number % len(bases)]
        position = number * 7
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as session:
            while time.monotonic() < deadline:
                route, path = plan[position % len(plan)]
                position += 1
                started = time.perf_counter()
                try:
                    answer = await session.get(path)
                except httpx.HTTPError:
                    errors[route] += 1
                    continue
                if answer.status_code >= 300:
                    errors[route] += 1
                    continue
                latencies[route].append((time.perf_counter() - started) * 1000)

    started = time.monotonic()
    await asyncio.gather(*(client(number) for number in range(CLIENTS)))
    seconds = time.monotonic() - started
    total = sum(len(values) for values in latencies.values())
    return {"clients": CLIENTS, "hosts": len(bases), "seconds": round(seconds, 1),
            "requests": total, "requests_per_s": round(total / seconds, 1),
            "errors": sum(errors.values()),
            "routes": {route: {"requests": len(values), "errors": errors[route],
                               "p50_ms": _percentile(values, 50),
                               "p95_ms": _percentile(values, 95),
                               "p99_ms": _percentile(values, 99)}
                       for route, values in latencies.items()}}


def main() -> None:
    duration = min(float(os.environ.get("BENCH_HOSTS_DURATION", "60")), 300.0)
    base = urlsplit(os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    name = f"stdtrack_hosts_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(base._replace(path="/postgres"))
    database_url = urlunsplit(base._replace(path=f"/{name}"))
    asyncio.run(admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="bench-hosts-") as tmp:
            homes = [Path(tmp) / host for host in ("a", "b")]
            envs = [{**os.environ, "DATABASE_URL": database_url, "STDTRACK_HOME": str(home),
                     "STDTRACK_SEARCH": "postgres"} for home in homes]
            stdtrack(envs[0], "db", "upgrade")
            stdtrack(envs[0], "demo")
            token = json.loads(stdtrack(envs[0], "accounts", "add", "--role", "leader",
                                        "--json"))["token"]
            routes = asyncio.run(sample(database_url))
            with serve("api.app:create_app_from_env", env=envs[0], workers=1,
                       timeout=120) as first, \
                    serve("api.app:create_app_from_env", env=envs[1], workers=1,
                          timeout=120) as second:
                figures = asyncio.run(load([first, second], routes, token, duration))
    finally:
        asyncio.run(admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(json.dumps({"bench": "hosts", "engine": "postgres", "search": "postgres", **figures,
                      "calibration": calibrate()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
