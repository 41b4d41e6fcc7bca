"""Other pages while a 100,000-record catalogue imports as a background job (SQLite, the
embedded default: the app's own worker runs the job inside the serving process).

A uvicorn server (one process, as ``stdtrack serve``) holds a small catalogue; the pages are
requested one after another without an import first (the calibration figure: the same
machine, the same pages, idle), then again while the upload of a 100,000-row CSV runs as a
job, until it is done. Prints p50/p95 of both, their ratio, the import's duration and rate,
and how many distinct progress figures the job page showed on the way.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.http_load import serve

RECORDS = int(os.environ.get("BENCH_JOB_RECORDS", "100000"))
IDLE_ROUNDS = int(os.environ.get("BENCH_JOB_IDLE_ROUNDS", "60"))
PAGES = ("/sign-in", "/api/standards?code=DB22%2FT%20500-2020", "/api/search?q=吉林",
         "/api/imports?page_size=5")


def write_catalogue(path: Path, rows: int, start: int = 1) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("标准编号,标准名称,发布日期,实施日期\n")
        for n in range(start, start + rows):
            out.write(f"DB22/T {n}-2020,吉林地方标准第{n}号 技术规范,2020-01-15,2020-06-01\n")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)


def timed(client: httpx.Client, path: str, headers: dict[str, str]) -> float:
    start = time.perf_counter()
    answer = client.get(path, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        home = Path(tmp)
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env.update({"STDTRACK_HOME": str(home), "STDTRACK_UPLOAD_LIMIT_MB": "50",
                    "STDTRACK_SCHEDULES": "off"})
        stdtrack = str(Path(sys.executable).parent / "stdtrack")
        subprocess.run([stdtrack, "db", "upgrade"], env=env, check=True, capture_output=True)
        seed = home / "seed.csv"
        write_catalogue(seed, 2_000, start=1_000_000)
        write_catalogue(home / "small.csv", 1_000)
        subprocess.run([stdtrack, "import", str(seed), str(home / "small.csv")], env=env,
                       check=True, capture_output=True)
        token = subprocess.run([stdtrack, "accounts", "add", "--role", "staff", "--name",
                                "bench"], env=env, check=True, capture_output=True,
                               text=True).stdout.strip().splitlines()[-1]
        headers = {"Authorization": f"Bearer {token}"}
        big = home / "big.csv"
        write_catalogue(big, RECORDS, start=2_000)
        with serve("api.app:create_app_from_env", env, workers=1) as url, \
                httpx.Client(base_url=url, timeout=60) as client:
            for path in PAGES:  # warm up (jieba, the index)
                timed(client, path, headers)
            idle = [timed(client, PAGES[n % len(PAGES)], headers)
                    for n in range(IDLE_ROUNDS * len(PAGES))]
            with big.open("rb") as handle:
                start = time.perf_counter()
                queued = client.post("/api/jobs/imports", headers=headers,
                                     files={"files": ("big.csv", handle, "text/csv")})
            assert queued.status_code == 202, queued.text
            job_id = queued.json()["id"]
            during: list[float] = []
            progress: set[int] = set()
            state = "queued"
            n = 0
            while state in ("queued", "running"):
                during.append(timed(client, PAGES[n % len(PAGES)], headers))
                n += 1
                if n % len(PAGES) == 0:
                    job = client.get(f"/api/jobs/{job_id}", headers=headers).json()
                    state = job["state"]
                    progress.add(job["read_count"])
            import_s = time.perf_counter() - start
            assert state == "done", job
    idle_p95, during_p95 = percentile(idle, 0.95), percentile(during, 0.95)
    print(json.dumps({
        "bench": "pages_during_import_job", "engine": "sqlite", "records": RECORDS,
        "calibration_idle_p50_ms": round(statistics.median(idle), 1),
        "calibration_idle_p95_ms": idle_p95,
        "during_import_p50_ms": round(statistics.median(during), 1),
        "during_import_p95_ms": during_p95,
        "p95_ratio_during_vs_idle": round(during_p95 / idle_p95, 2) if idle_p95 else None,
        "target_p95_ms": 200, "requests_during_import": len(during),
        "import_job_s": round(import_s, 1), "records_per_s": round(RECORDS / import_s),
        "progress_figures_seen": len(progress),
        "pages": list(PAGES),
        # the machine is shared: the 1-minute load average the figure was taken under
        "load_average_1m": round(os.getloadavg()[0], 2),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
