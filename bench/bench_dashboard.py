"""The demo and the dashboard on SQLite (embedded default): how long ``stdtrack demo`` takes on
a fresh home (catalogue samples + generated province, through the real pipelines), then the
dashboard page (all charts drawn server-side) and two exports for a signed-in leader.

Prints one JSON line. Requests go through the app in-process (httpx ASGI transport), so the
figures are the server's own work, without a network hop.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROUNDS = int(os.environ.get("BENCH_DASHBOARD_ROUNDS", "5"))


def _stdtrack(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(Path(sys.executable).parent / "stdtrack"), *args], env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout


async def _requests(home: Path) -> dict[str, float]:
    from adoption.vocab import AccountRole
    from api.app import create_app
    from api.auth import create_account
    from standards.settings import Settings

    settings = Settings.from_env({"STDTRACK_HOME": str(home)})
    app = create_app(settings)
    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                 base_url="http://bench") as client:
        _account, token = await create_account(AccountRole.LEADER, name="bench leader")
        signed = await client.post("/sign-in", data={"token": token, "next": "/"})
        assert signed.status_code == 303, signed.text
        figures: dict[str, float] = {}
        for label, path in (
                ("dashboard_ms", "/?region=22&indicator=coverage"),
                ("dashboard_2014_ms", "/?region=32&indicator=adoption&as_of=2014-12-31"),
                ("export_not_counted_xlsx_ms", "/api/exports/not-counted/coverage?format=xlsx"),
                ("export_drafting_xlsx_ms", "/api/exports/drafting-projects?format=xlsx")):
            times = []
            for _round in range(ROUNDS):
                start = time.perf_counter()
                done = await client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert done.status_code == 200, (path, done.text[:300])
            figures[label] = round(statistics.median(times), 1)
        return figures


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        home = Path(tmp)
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env["STDTRACK_HOME"] = str(home)
        _stdtrack(env, "db", "upgrade")
        start = time.perf_counter()
        _stdtrack(env, "demo")
        demo_s = time.perf_counter() - start
        start = time.perf_counter()
        _stdtrack(env, "demo")
        again_s = time.perf_counter() - start
        os.environ.pop("DATABASE_URL", None)
        figures = asyncio.run(_requests(home))
    from bench.calibration import calibrate

    print(json.dumps({"bench": "dashboard", "engine": "sqlite", "demo_s": round(demo_s, 2),
                      "demo_again_s": round(again_s, 2), "rounds": ROUNDS, **figures,
                      "calibration": calibrate()}))


if __name__ == "__main__":
    main()
