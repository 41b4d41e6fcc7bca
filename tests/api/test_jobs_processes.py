"""Jobs across processes: two app processes and two ``stdtrack worker`` processes on one
PostgreSQL share the queued imports, each job runs to its end once, and a worker killed
mid-job (kill -9) has its job taken back and finished by the other, without any row written
twice. Also: a long import prints progress lines when stderr is not a terminal."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from standards.settings import Settings
from tests.api.test_jobs import catalogue_csv

BIN = Path(sys.executable).parent
pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(settings: Settings, home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "DATABASE_URL": settings.database_url, "STDTRACK_HOME": str(home),
            "STDTRACK_SEARCH": "postgres" if settings.engine_kind == "postgres" else "whoosh",
            "STDTRACK_SCHEDULES": "off",
            "STDTRACK_JOB_STALE_SECONDS": "20", **extra}


def test_import_prints_progress_lines_without_a_terminal(settings: Settings,
                                                         tmp_path: Path) -> None:
    source = tmp_path / "catalogue.csv"
    source.write_bytes(catalogue_csv(500, start=70_000))
    done = subprocess.run([str(BIN / "stdtrack"), "import", str(source)], capture_output=True,
                          text=True, env=_env(settings, settings.home), timeout=300)
    assert done.returncode == 0, done.stderr
    assert "importing: 500 records (" in done.stderr  # the last line, even for a short import


@pytest.fixture
def processes(settings: Settings, tmp_path: Path) -> Iterator[dict[str, Any]]:
    started: list[subprocess.Popen[bytes]] = []
    token = subprocess.run(
        [str(BIN / "stdtrack"), "accounts", "add", "--role", "staff", "--name", "job tests"],
        capture_output=True, text=True, env=_env(settings, tmp_path / "cli"), timeout=120,
        check=True).stdout.strip().splitlines()[-1]
    apps = []
    try:
        for n in range(2):
            port = _free_port()
            started.append(subprocess.Popen(
                [str(BIN / "uvicorn"), "--factory", "api.app:create_app_from_env",
                 "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                env=_env(settings, tmp_path / f"app{n}"),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            apps.append(f"http://127.0.0.1:{port}")
        workers = []
        for n in range(2):
            process = subprocess.Popen([str(BIN / "stdtrack"), "worker", "--poll", "0.2"],
                                       env=_env(settings, tmp_path / f"worker{n}"),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started.append(process)
            workers.append(process)
        for url in apps:
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2):
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"{url} did not start")
        yield {"apps": apps, "workers": workers, "token": token}
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _job(url: str, token: str, job_id: int) -> dict[str, Any]:
    answer = httpx.get(f"{url}/api/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"},
                       timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgresql://", "postgres://")),
    reason="apps and workers on several hosts share one PostgreSQL database; the embedded "
           "SQLite default runs its jobs in the app's own worker (tested in test_jobs.py)")
def test_two_apps_and_two_workers_share_jobs_and_survive_a_killed_worker(
        processes: dict[str, Any]) -> None:
    apps, token, workers = processes["apps"], processes["token"], processes["workers"]
    headers = {"Authorization": f"Bearer {token}"}
    # the big job takes several heartbeats (2 s each) to write: it is killed mid-write (30,000
    # rows were written in under two heartbeats on a fast machine, so none showed it midway)
    sizes = [80_000, 3_000, 3_000, 3_000, 3_000, 3_000]
    ids, start = [], 1
    for n, size in enumerate(sizes):
        answer = httpx.post(f"{apps[n % 2]}/api/jobs/imports", headers=headers, timeout=60,
                            files={"files": (f"part{n}.csv", catalogue_csv(size, start=start),
                                             "text/csv")})
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
        start += size
    # kill -9 the worker holding the big job once it has written some of it, not all (a
    # worker killed after the write, while re-indexing, would leave a finished batch)
    pids = {str(process.pid): process for process in workers}
    for _ in range(600):
        big = _job(apps[1], token, ids[0])
        if big["state"] == "running" and 0 < big["read_count"] < sizes[0]:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the first job never ran: {big}")
    victim = pids[big["worker"].split(":")[1]]
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        jobs = [_job(apps[n % 2], token, job_id) for n, job_id in enumerate(ids)]
        if all(job["state"] in ("done", "failed", "cancelled") for job in jobs):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"jobs did not end: {[(j['id'], j['state']) for j in jobs]}")
    assert [job["state"] for job in jobs] == ["done"] * len(ids), [j["error"] for j in jobs]
    assert jobs[0]["attempts"] == 2 and "stopped answering" not in (jobs[0]["error"] or "")
    assert [job["attempts"] for job in jobs[1:]].count(1) >= len(ids) - 2
    survivor = next(p for p in workers if p is not victim)
    assert jobs[0]["worker"].split(":")[1] == str(survivor.pid)
    # every row once: the catalogue holds each code of every file exactly once
    listed = httpx.get(f"{apps[0]}/api/imports?page_size=100", headers=headers, timeout=30)
    batches = listed.json()["items"]
    finished: dict[int, int] = {}
    for batch in batches:
        if batch["state"] == "finished":
            job_id = int(batch["actor"].split()[1].split(":")[0])
            finished[job_id] = finished.get(job_id, 0) + 1
    assert finished == {job_id: 1 for job_id in ids}
    assert sum(job["created_count"] for job in jobs) + jobs[0]["report"]["unchanged"] \
        == sum(sizes)
    found = httpx.get(f"{apps[0]}/api/standards", params={"code": "DB22/T 20000-2020"},
                      timeout=30)
    assert found.status_code == 200 and "DB22/T 20000-2020" in found.text


async def test_jobs_commands_list_show_and_cancel(settings: Settings, tmp_path: Path) -> None:
    from standards import job_repository
    from standards.tables import Job

    await Job.raw("DELETE FROM job")
    job = await job_repository.create_job("export", {"format": "csv"}, created_by="cli test")
    env = _env(settings, tmp_path / "cli")

    def stdtrack(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN / "stdtrack"), "jobs", *args], capture_output=True,
                              text=True, env=env, timeout=120)

    listed = stdtrack("list", "--status", "queued", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [item["id"] for item in json.loads(listed.stdout)["items"]] == [job["id"]]
    cancelled = stdtrack("cancel", str(job["id"]))
    assert cancelled.returncode == 0 and f"job {job['id']} export cancelled" in cancelled.stdout
    shown = stdtrack("show", str(job["id"]), "--json")
    assert json.loads(shown.stdout)["state"] == "cancelled"
    again = stdtrack("cancel", str(job["id"]))
    assert again.returncode == 2 and "has ended (cancelled)" in again.stderr
    missing = stdtrack("show", "999999")
    assert missing.returncode == 2 and "no job 999999" in missing.stderr
