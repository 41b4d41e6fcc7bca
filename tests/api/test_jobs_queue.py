"""Jobs on PostgreSQL go through pgqueuer: the migration installs exactly the schema pgqueuer
declares (and nothing on SQLite); a queued job is an entry in pgqueuer's queue written with
its row, and pgqueuer's log records the worker picking and finishing it; an entry whose
worker was killed is handed to another worker, which runs the job's next attempt, or fails it
after its last, and leaves alone a job whose worker still answers; a stopping worker puts its
job back in both places, and the next worker finishes it once."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from api.pipelines.worker import Worker, make_worker
from standards import job_queue, job_repository
from standards.settings import Settings
from standards.tables import Job
from tests.api.test_jobs import catalogue_csv, clear_jobs, dead_pid, upload, wait_for

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]
on_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgresql://", "postgres://")),
    reason="pgqueuer is the queue on PostgreSQL; the embedded SQLite default has none")


async def test_the_migration_installs_pgqueuers_schema_on_postgresql_only(
        settings: Settings) -> None:
    if settings.engine_kind == "sqlite":
        tables = await Job.raw("SELECT name FROM sqlite_master WHERE name LIKE 'pgqueuer%'")
        assert tables == []
        return
    connection = await asyncpg.connect(settings.database_url)
    try:
        plan = await job_queue.queries(connection).plan_upgrade()
    finally:
        await connection.close()
    # what pgqueuer would still create or change: nothing (else a migration is missing)
    assert plan.statements == ()
    assert job_repository.uses_queue()


async def _entries() -> list[dict[str, Any]]:
    return list(await Job.raw(
        "SELECT id, entrypoint, convert_from(payload, 'UTF8') AS payload, status::text, "
        "dedupe_key, attempts, execute_after FROM pgqueuer ORDER BY id"))


async def _log(entry_id: int) -> list[str]:
    rows = await Job.raw("SELECT status::text FROM pgqueuer_log WHERE job_id = {} ORDER BY id",
                         entry_id)
    return [row["status"] for row in rows]


@pytest.fixture
async def start(settings: Settings) -> AsyncIterator[Any]:
    """Start workers (pgqueuer's consumer, as ``stdtrack worker`` runs it) on the tests'
    loop; each is stopped at the end."""
    await clear_jobs(settings)
    running: list[tuple[Worker, asyncio.Future[None]]] = []

    def started() -> Worker:
        worker = make_worker(settings, poll_seconds=0.2, run_schedules=False)
        running.append((worker, asyncio.ensure_future(worker.run())))
        return worker

    yield started
    for worker, task in running:
        worker.stop.set()
        await asyncio.wait([task], timeout=30)
        assert task.done()


async def _until(check: Any, seconds: float = 60) -> None:
    for _ in range(int(seconds * 10)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the queue did not get there: {await _entries()}")


@on_postgres
async def test_a_job_is_queued_in_pgqueuer_and_run_by_its_consumer(
        settings: Settings, client: httpx.AsyncClient, staff_headers: dict[str, str],
        start: Any) -> None:
    queued = await client.post("/api/jobs", headers=staff_headers,
                               json={"kind": "indicator-recompute"})
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["id"]
    [entry] = await _entries()
    assert (entry["entrypoint"], entry["payload"], entry["status"], entry["dedupe_key"]) == (
        "stdtrack.job", str(job_id), "queued", f"stdtrack-job-{job_id}")

    worker = start()
    done = await wait_for(client, staff_headers, job_id, {"done", "failed"})
    assert done["state"] == "done" and done["attempts"] == 1 and done["worker"] == worker.id
    # pgqueuer logged the entry queued, handed out and finished; the queue holds nothing more
    await _until(lambda: _log_is(entry["id"], ["queued", "picked", "successful"]))
    assert await _entries() == []


async def _log_is(entry_id: int, statuses: list[str]) -> bool:
    return await _log(entry_id) == statuses


async def _as_if_killed(job_id: int, *, attempts: int, worker: str, host: str,
                        heartbeat: dt.datetime) -> None:
    """The job's row and its queue entry as a worker killed while running it leaves them."""
    await Job.update({Job.state: "running", Job.worker: worker, Job.host: host,
                      Job.attempts: attempts, Job.heartbeat_at: heartbeat}).where(
        Job.id == job_id)
    await Job.raw("UPDATE pgqueuer SET status = 'picked', queue_manager_id = {}, "
                  "heartbeat = now() - interval '10 minutes' WHERE dedupe_key = {}",
                  uuid.uuid4(), job_queue.dedupe_key(job_id))


@on_postgres
async def test_a_killed_workers_job_is_handed_on_by_pgqueuer_retried_once_then_failed(
        settings: Settings, client: httpx.AsyncClient, staff_headers: dict[str, str],
        start: Any) -> None:
    host = job_repository.this_host()
    now = dt.datetime.now(dt.UTC)
    retried = await job_repository.create_job("indicator-recompute", {}, created_by="test")
    await _as_if_killed(retried["id"], attempts=1, worker=f"{host}:{dead_pid()}:gone",
                        host=host, heartbeat=now)
    last = await job_repository.create_job("indicator-recompute", {}, created_by="test")
    await _as_if_killed(last["id"], attempts=2, worker="elsewhere:1:x", host="elsewhere",
                        heartbeat=now - dt.timedelta(minutes=10))
    # its worker on another host still beats our heartbeat: not taken from it
    alive = await job_repository.create_job("indicator-recompute", {}, created_by="test")
    await _as_if_killed(alive["id"], attempts=1, worker="elsewhere:2:y", host="elsewhere",
                        heartbeat=now + dt.timedelta(minutes=10))

    worker = start()
    done = await wait_for(client, staff_headers, retried["id"], {"done", "failed"})
    assert done["state"] == "done" and done["attempts"] == 2 and done["worker"] == worker.id
    failed = await wait_for(client, staff_headers, last["id"], {"failed", "done"})
    assert "not retried after 2 attempts" in failed["error"] and failed["attempts"] == 2

    async def looked_again_later() -> bool:
        entries = {row["payload"]: row for row in await _entries()}
        entry = entries.get(str(alive["id"]))
        return entry is not None and entry["status"] == "queued" and entry["attempts"] == 1

    await _until(looked_again_later)
    entry = {row["payload"]: row for row in await _entries()}[str(alive["id"])]
    assert entry["execute_after"] > dt.datetime.now(dt.UTC)
    held = await job_repository.get_job(alive["id"])
    assert (held["state"], held["worker"], held["attempts"]) == ("running", "elsewhere:2:y", 1)
    assert [row["payload"] for row in await _entries()] == [str(alive["id"])]


@on_postgres
async def test_a_stopping_worker_puts_its_job_back_and_the_next_finishes_it_once(
        settings: Settings, client: httpx.AsyncClient, staff_headers: dict[str, str],
        start: Any) -> None:
    first = start()
    queued = await upload(client, staff_headers, "big.csv", catalogue_csv(20_000))
    running = await wait_for(client, staff_headers, queued["id"], {"running"}, read_at_least=1)
    assert running["worker"] == first.id
    first.stop.set()
    back = await wait_for(client, staff_headers, queued["id"], {"queued"})
    assert back["error"] == "worker stopped" and back["worker"] == ""

    async def requeued() -> bool:
        entries = await _entries()
        return [(row["status"], row["attempts"]) for row in entries] == [("queued", 1)]

    await _until(requeued)
    second = start()
    done = await wait_for(client, staff_headers, queued["id"], {"done", "failed"}, seconds=240)
    assert done["state"] == "done" and done["worker"] == second.id and done["attempts"] == 2
    assert done["created_count"] + done["report"]["unchanged"] == 20_000
    assert await _entries() == []


@on_postgres
async def test_a_running_job_whose_entry_is_gone_is_queued_again_by_the_reaper(
        settings: Settings, client: httpx.AsyncClient, staff_headers: dict[str, str],
        start: Any) -> None:
    host = job_repository.this_host()
    orphan = await job_repository.create_job("indicator-recompute", {}, created_by="test")
    await _as_if_killed(orphan["id"], attempts=1, worker=f"{host}:{dead_pid()}:gone",
                        host=host, heartbeat=dt.datetime.now(dt.UTC))
    await Job.raw("DELETE FROM pgqueuer")  # its entry removed by hand (or held as failed)
    worker = start()
    done = await wait_for(client, staff_headers, orphan["id"], {"done", "failed"})
    assert done["state"] == "done" and done["attempts"] == 2 and done["worker"] == worker.id
    # the reaper wrote a new entry, which pgqueuer handed out and finished
    [newest] = await Job.raw("SELECT max(job_id) AS id FROM pgqueuer_log")
    await _until(lambda: _log_is(newest["id"], ["queued", "picked", "successful"]))
