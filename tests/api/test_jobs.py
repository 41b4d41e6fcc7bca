"""Background jobs: an upload queued as a job, its states and progress, its report; cancelling
a queued and a running job; a job whose worker died is taken back (queued again, then failed
after its last attempt) and never finished twice; other kinds; the daily tasks."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.pipelines import schedules
from api.pipelines.jobs import count_records
from api.pipelines.worker import make_worker
from standards import job_repository, repository
from standards.settings import Settings
from standards.tables import Job, ScheduleRun

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]


async def clear_jobs(settings: Settings) -> None:
    """No jobs, and on PostgreSQL nothing in pgqueuer's queue (entries of earlier tests)."""
    await Job.raw("DELETE FROM job_file")
    await Job.raw("DELETE FROM job")
    if settings.engine_kind == "postgres":
        await Job.raw("DELETE FROM pgqueuer")
        await Job.raw("DELETE FROM pgqueuer_log")


def catalogue_csv(rows: int, start: int = 1, year: int = 2020) -> bytes:
    lines = ["标准编号,标准名称,发布日期,实施日期"]
    lines += [f"DB22/T {n}-{year},吉林地方标准第{n}号,{year}-01-15,{year}-06-01"
              for n in range(start, start + rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
async def worker(settings: Settings, client: httpx.AsyncClient) -> AsyncIterator[None]:
    """Jobs run: the suite's apps run no worker of their own (tests/conftest.py), so a worker
    (the one ``stdtrack worker`` runs: pgqueuer's consumer on PostgreSQL, the app's own loop
    on SQLite) works on the tests' event loop; the browser tests' server runs the in-app
    worker of the embedded default."""
    await clear_jobs(settings)
    if settings.runs_jobs_in_app:
        yield
        return
    running = make_worker(settings, poll_seconds=0.2, run_schedules=False)
    task = asyncio.ensure_future(running.run())
    try:
        yield
    finally:
        running.stop.set()
        await asyncio.wait([task], timeout=30)


async def wait_for(client: httpx.AsyncClient, headers: dict[str, str], job_id: int,
                   states: set[str], *, seconds: float = 60, read_at_least: int = 0
                   ) -> dict[str, Any]:
    for _ in range(int(seconds * 10)):
        answer = await client.get(f"/api/jobs/{job_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        job = answer.json()
        if job["state"] in states and job["read_count"] >= read_at_least:
            return job
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {job_id} did not reach {states}: {job}")


async def upload(client: httpx.AsyncClient, headers: dict[str, str], name: str,
                 content: bytes, **fields: str) -> dict[str, Any]:
    answer = await client.post("/api/jobs/imports", headers=headers, data=fields,
                               files={"files": (name, content, "text/csv")})
    assert answer.status_code == 202, answer.text
    return answer.json()


@pytest.mark.usefixtures("worker")
async def test_an_upload_runs_as_a_job_with_progress_and_its_report(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    content = catalogue_csv(300) + "DB22/T 不是代号,坏行,2020-01-01,\n".encode()
    queued = await upload(client, staff_headers, "吉林目录.csv", content)
    assert queued["state"] == "queued" and queued["kind"] == "catalogue-import"
    assert queued["total"] == 301 and queued["read_count"] == 0 and queued["attempts"] == 0
    done = await wait_for(client, staff_headers, queued["id"], {"done", "failed"})
    assert done["state"] == "done", done["error"]
    assert (done["read_count"], done["created_count"], done["rejected_count"]) == (301, 300, 1)
    assert done["percent"] == 100.0 and done["attempts"] == 1 and done["finished_at"]
    report = done["report"]
    assert report["created"] == 300 and report["files"][0]["name"] == "吉林目录.csv"
    assert "不是代号" in report["rejected"][0]["location"] + report["rejected"][0]["reason"] \
        or report["rejected"][0]["location"].startswith("吉林目录.csv")
    assert done["batch_id"] == report["batch_id"]
    batch = await repository.get_batch(done["batch_id"])
    assert batch["state"] == "finished" and batch["created"] == 300
    assert (await repository.find_standard("DB22/T 150-2020")).title_zh == "吉林地方标准第150号"

    listed = (await client.get("/api/jobs?status=done", headers=staff_headers)).json()
    assert [job["id"] for job in listed["items"]] == [queued["id"]] and listed["total"] == 1
    assert "report" not in listed["items"][0]
    # the same upload again changes nothing (imports are upserts on the code)
    again = await upload(client, staff_headers, "吉林目录.csv", content)
    again = await wait_for(client, staff_headers, again["id"], {"done", "failed"})
    assert again["report"]["unchanged"] == 300 and again["created_count"] == 0


@pytest.mark.usefixtures("worker")
async def test_a_bad_upload_fails_with_the_reason(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    queued = await upload(client, staff_headers, "empty.csv", b"")
    failed = await wait_for(client, staff_headers, queued["id"], {"done", "failed"})
    assert failed["state"] == "failed" and "empty.csv" in failed["error"]
    refused = await client.post("/api/jobs/imports", headers=staff_headers,
                                data={"column": "no-equals-sign"},
                                files={"files": ("a.csv", b"x", "text/csv")})
    assert refused.status_code == 400 and "HEADER=field" in refused.json()["detail"]
    assert (await client.post("/api/jobs/imports", data={},
                              files={"files": ("a.csv", b"x", "text/csv")})).status_code == 401


@pytest.mark.usefixtures("worker")
async def test_cancelling_a_queued_and_a_running_job(
        client: httpx.AsyncClient, staff_headers: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    write = repository.upsert_standards

    async def slow_write(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.4)  # the big import is still writing when the cancel arrives
        return await write(*args, **kwargs)

    monkeypatch.setattr(repository, "upsert_standards", slow_write)
    big = await upload(client, staff_headers, "big.csv", catalogue_csv(20_000))
    running = await wait_for(client, staff_headers, big["id"], {"running"}, read_at_least=1)
    assert 0 < running["percent"] < 100 and running["worker"]
    # the worker holds the big job: the next one waits in the queue, and is cancelled at once
    waiting = await upload(client, staff_headers, "small.csv", catalogue_csv(5, start=90_000))
    cancelled = await client.post(f"/api/jobs/{waiting['id']}/cancel", headers=staff_headers)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    asked = await client.post(f"/api/jobs/{big['id']}/cancel", headers=staff_headers)
    assert asked.status_code == 200 and asked.json()["cancel_requested"] is True
    stopped = await wait_for(client, staff_headers, big["id"], {"cancelled", "done"})
    assert stopped["state"] == "cancelled" and "cancelled" in stopped["error"]
    # stopped between two batches: the batch failed, the rows it wrote are kept and searchable
    batch = await repository.get_batch(stopped["batch_id"])
    assert batch["state"] == "failed" and 0 < batch["created"] < 20_000, batch
    assert "cancelled on request" in batch["message"]
    found = await client.get("/api/search", params={"q": "DB22/T 1-2020"})
    assert found.status_code == 200 and found.json()["total"] >= 1, found.text
    assert await repository.resolve_keys(["DB22/T 90001-2020"]) == {}
    again = await client.post(f"/api/jobs/{big['id']}/cancel", headers=staff_headers)
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]
    assert (await client.post("/api/jobs/999999/cancel", headers=staff_headers)).status_code \
        == 404


def dead_pid() -> int:
    """The id of a process that has exited."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


async def test_a_job_whose_worker_died_is_retried_then_failed_never_finished_twice(
        settings: Settings, client: httpx.AsyncClient) -> None:
    await clear_jobs(settings)
    job = await job_repository.create_job("indicator-recompute", {}, created_by="test")
    host = job_repository.this_host()
    dead = f"{host}:{dead_pid()}:gone"
    # a worker claims the job, then dies (its process is gone, its heartbeat stops)
    await Job.update({Job.state: "running", Job.worker: dead, Job.host: host,
                      Job.attempts: 1, Job.heartbeat_at: dt.datetime.now(dt.UTC)}).where(
        Job.id == job["id"])
    taken = await job_repository.reap_lost(dt.timedelta(minutes=5))
    assert taken == [{"id": job["id"], "action": "requeued", "worker": dead}]
    requeued = await job_repository.get_job(job["id"])
    assert requeued["state"] == "queued" and "stopped answering" in requeued["error"]
    # the dead worker's late writes change nothing
    assert await job_repository.finish_job(job["id"], dead, "done", report={}) is False
    assert await job_repository.beat(job["id"], dead, read=1, created=1, rejected=0) is None
    # its second attempt is lost too, on another host whose heartbeat stopped long ago
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    await Job.update({Job.state: "running", Job.worker: "elsewhere:1:x", Job.host: "elsewhere",
                      Job.attempts: 2, Job.heartbeat_at: old}).where(Job.id == job["id"])
    assert await job_repository.reap_lost(dt.timedelta(minutes=20)) == []  # not stale yet
    taken = await job_repository.reap_lost(dt.timedelta(minutes=5))
    assert [item["action"] for item in taken] == ["failed"]
    failed = await job_repository.get_job(job["id"])
    assert failed["state"] == "failed" and "not retried after 2 attempts" in failed["error"]
    assert await job_repository.claim_next("w:1:a", host) is None


async def test_claims_are_exclusive(settings: Settings, client: httpx.AsyncClient) -> None:
    await clear_jobs(settings)
    for _ in range(6):
        await job_repository.create_job("indicator-recompute", {}, created_by="test")
    claims = await asyncio.gather(*[
        job_repository.claim_next(f"w:{n}:x", "h", ["indicator-recompute"]) for n in range(10)])
    ids = [claim["id"] for claim in claims if claim is not None]
    assert len(ids) == len(set(ids)) == 6
    assert {claim["attempts"] for claim in claims if claim} == {1}


@pytest.mark.usefixtures("worker")
async def test_other_kinds_recompute_rebuild_export(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload(client, staff_headers, "c.csv", catalogue_csv(3) +
                 "=HYPERLINK(\"x\"),公式,2020-01-01,\n".encode())
    ids = []
    for body in ({"kind": "indicator-recompute"}, {"kind": "index-rebuild"},
                 {"kind": "export", "format": "csv"}):
        answer = await client.post("/api/jobs", headers=staff_headers, json=body)
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    jobs = [await wait_for(client, staff_headers, job_id, {"done", "failed"}) for job_id in ids]
    assert [job["state"] for job in jobs] == ["done"] * 3, [job["error"] for job in jobs]
    # the recompute deleted every stored day (any day may change), then stored the leader's
    # again: the trend's year ends since 2011 at least
    stored = jobs[0]["report"]["stored_days"]
    assert stored["days"] >= 15 and stored["stored"] == stored["days"]
    assert jobs[1]["report"]["documents"] == 3
    assert jobs[2]["report"]["rows"] == 3
    output = await client.get(f"/api/jobs/{ids[2]}/output", headers=staff_headers)
    assert output.status_code == 200 and output.headers["content-type"].startswith("text/csv")
    assert "DB22/T 2-2020" in output.content.decode("utf-8-sig")
    assert (await client.get(f"/api/jobs/{ids[0]}/output", headers=staff_headers)).status_code \
        == 404
    assert (await client.post("/api/jobs", headers=staff_headers,
                              json={"kind": "nonsense"})).status_code == 400


def test_records_are_counted_where_the_size_is_known() -> None:
    assert count_records("a.csv", b"h\n1\n2\n") == 2
    assert count_records("a.csv", b"h\n1\n2") == 2
    assert count_records("a.jsonl", b"{}\n{}\n") == 2
    assert count_records("a.xlsx", b"PK") is None
    assert count_records("a.csv.gz", b"\x1f\x8b") is None


async def test_daily_tasks_run_once_a_day_across_workers(
        settings: Settings, client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await ScheduleRun.raw("DELETE FROM schedule_run")
    calls: list[dt.date] = []

    async def remind(_settings: Settings, day: dt.date) -> str:
        calls.append(day)
        return "3 reminders"

    schedules.register_daily("test-reminders", remind, at="07:00", label="提醒")
    try:
        early = dt.datetime(2026, 3, 2, 6, 59)
        ran = await schedules.run_due(settings, "a", early)
        assert "test-reminders" not in [item["name"] for item in ran] and calls == []
        morning = dt.datetime(2026, 3, 2, 7, 0)
        first, second = await asyncio.gather(schedules.run_due(settings, "a", morning),
                                             schedules.run_due(settings, "b", morning))
        ran = [item for item in first + second if item["name"] == "test-reminders"]
        assert ran == [{"name": "test-reminders", "state": "done", "outcome": "3 reminders"}]
        assert calls == [dt.date(2026, 3, 2)]
        await schedules.run_due(settings, "a", morning + dt.timedelta(hours=3))
        assert calls == [dt.date(2026, 3, 2)]  # once that day
        await schedules.run_due(settings, "a", morning + dt.timedelta(days=1))
        assert calls == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
        listed = (await client.get("/api/schedules", headers=staff_headers)).json()
        mine = next(item for item in listed if item["name"] == "test-reminders")
        assert mine["at"] == "07:00" and mine["last_run"]["state"] == "done"
        assert mine["last_run"]["outcome"] == "3 reminders"
        names = {item["name"] for item in listed}
        assert {"alerts-refresh", "indicator-facts", "watch-digest"} <= names
    finally:
        del schedules.SCHEDULES["test-reminders"]


def test_schedule_times_are_settings(tmp_path: Any) -> None:
    settings = Settings.from_env({"STDTRACK_HOME": str(tmp_path),
                                  "STDTRACK_SCHEDULE_ALERTS_REFRESH": "5:15"})
    assert dict(settings.schedule_times) == {"alerts-refresh": "05:15"}
    schedule = schedules.SCHEDULES["alerts-refresh"]
    assert schedules.time_of(schedule, settings) == dt.time(5, 15)
    from standards.errors import ConfigurationError
    with pytest.raises(ConfigurationError, match="STDTRACK_SCHEDULE_ALERTS_REFRESH"):
        Settings.from_env({"STDTRACK_SCHEDULE_ALERTS_REFRESH": "25:00"})


def only_a_tidy_task(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """None of the real daily tasks: one test task 整理 due at 00:00; the days it ran."""
    calls: list[dt.date] = []

    async def tidy(_settings: Settings, day: dt.date) -> str:
        calls.append(day)
        return "tidied"

    monkeypatch.setattr(schedules, "SCHEDULES", {})
    schedules.register_daily("test-tidy", tidy, at="00:00", label="整理")
    return calls


async def tidy_run_done() -> dict[str, Any]:
    """The test task's run, once done (within 30 s)."""
    for _ in range(300):
        run = await ScheduleRun.select().where(ScheduleRun.name == "test-tidy").first()
        if run is not None and run["state"] == "done":
            return run
        await asyncio.sleep(0.1)
    raise AssertionError("the daily task did not run")


async def test_a_worker_runs_the_daily_tasks_that_are_due(
        settings: Settings, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker ``stdtrack worker`` runs (pgqueuer's consumer on PostgreSQL, our loop on
    SQLite) runs the daily tasks beside the jobs."""
    await ScheduleRun.raw("DELETE FROM schedule_run")
    calls = only_a_tidy_task(monkeypatch)
    running = make_worker(dataclasses.replace(settings, schedules_enabled=True),
                          poll_seconds=0.2)
    task = asyncio.ensure_future(running.run())
    try:
        run = await tidy_run_done()
    finally:
        running.stop.set()
        await asyncio.wait([task], timeout=30)
    assert run["outcome"] == "tidied" and run["worker"] == running.id
    assert calls == [dt.date.today()] == [run["day"]]


async def test_the_apps_own_worker_runs_the_daily_tasks_only_after_its_start_delay(
        settings: Settings, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A restart past the tasks' times does not run the day's catch-up beside the first page
    views: the app's worker waits STDTRACK_DAILY_TASKS_DELAY; ``stdtrack worker`` does not."""
    from litestar import Litestar

    from api.pipelines.worker import job_lifespan

    assert Settings.from_env({"STDTRACK_HOME": "/x"}).schedule_start_delay == 60.0
    assert Settings.from_env({"STDTRACK_HOME": "/x", "STDTRACK_DAILY_TASKS_DELAY": "5"}
                             ).schedule_start_delay == 5.0
    await ScheduleRun.raw("DELETE FROM schedule_run")
    calls = only_a_tidy_task(monkeypatch)
    in_app = dataclasses.replace(settings, schedules_enabled=True, jobs_in_app=True,
                                 schedule_start_delay=3600.0)
    app = Litestar(route_handlers=[])
    async with job_lifespan(in_app)(app):
        worker = app.state.job_worker
        await asyncio.sleep(0.5)  # its loop has looked at the queue and the clock
        await getattr(worker, "jobs", worker).housekeep()  # the task is due: not yet run
    assert calls == []
    assert await ScheduleRun.select().where(ScheduleRun.name == "test-tidy").first() is None
    app = Litestar(route_handlers=[])
    async with job_lifespan(dataclasses.replace(in_app, schedule_start_delay=0.0))(app):
        await tidy_run_done()
    assert calls == [dt.date.today()]


@pytest.fixture
async def short_lock_timeout(settings: Settings, engine: Any) -> AsyncIterator[float]:
    """STDTRACK_DB_LOCK_TIMEOUT at half a second: the engine's (new connections and
    transactions) and, on SQLite, its shared connection's busy timeout, as the setting makes
    them."""
    before = engine.lock_timeout
    engine.lock_timeout = 0.5
    shared = await engine.shared_connection() if settings.engine_kind == "sqlite" else None
    if shared is not None:
        await shared.execute("PRAGMA busy_timeout = 500")
    try:
        yield engine.lock_timeout
    finally:
        engine.lock_timeout = before
        if shared is not None:
            await shared.execute(f"PRAGMA busy_timeout = {int(before * 1000)}")


class WriteLockHolder:
    """Another connection that takes the write lock on ``schedule_run`` when asked: SQLite's
    database lock (``BEGIN IMMEDIATE``), or on PostgreSQL the table in EXCLUSIVE mode (reads
    go on, every write waits), as a long writer beside the daily tasks holds it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.connection: Any = None

    async def hold(self) -> None:
        if self.settings.engine_kind == "sqlite":
            self.connection = sqlite3.connect(
                self.settings.database_url.removeprefix("sqlite:///"), isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
            return
        import asyncpg

        self.connection = await asyncpg.connect(self.settings.database_url)
        await self.connection.execute("BEGIN")
        await self.connection.execute("LOCK TABLE schedule_run IN EXCLUSIVE MODE")

    async def release(self) -> None:
        if self.connection is None:
            return
        if self.settings.engine_kind == "sqlite":
            self.connection.execute("ROLLBACK")
            self.connection.close()
        else:
            await self.connection.execute("ROLLBACK")
            await self.connection.close()
        self.connection = None


async def test_a_daily_task_whose_end_cannot_be_written_stops_no_other(
        settings: Settings, short_lock_timeout: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer holds the write lock from inside a task to past the end of the pass (a
    facts rebuild beside the daily tasks at 1M declarations held it over the 60 s timeout):
    the end is tried under the lock and given up without an exception; the next task is not
    started (no row), and runs on the next pass once the lock is free. Both engines: on
    PostgreSQL the wait is bounded by the same setting."""
    await ScheduleRun.raw("DELETE FROM schedule_run")
    holder = WriteLockHolder(settings)

    async def tidy_beside_a_writer(_settings: Settings, day: dt.date) -> str:
        await holder.hold()
        return "tidied"

    async def after(_settings: Settings, day: dt.date) -> str:
        return "after"

    monkeypatch.setattr(schedules, "SCHEDULES", {})
    schedules.register_daily("test-tidy", tidy_beside_a_writer, at="00:00", label="整理")
    schedules.register_daily("test-after", after, at="00:00", label="其后")
    try:
        ran = await schedules.run_due(settings, "a")
    finally:
        await holder.release()
    assert ran == [{"name": "test-tidy", "state": "done", "outcome": "tidied",
                    "recorded": False}]
    runs = {row["name"]: row for row in await ScheduleRun.select()}
    assert list(runs) == ["test-tidy"] and runs["test-tidy"]["state"] == "running"
    again = await schedules.run_due(settings, "a")
    assert again == [{"name": "test-after", "state": "done", "outcome": "after"}]


async def test_a_run_left_running_past_the_bound_reads_and_ends_as_failed(
        settings: Settings, client: httpx.AsyncClient, staff_headers: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A run whose end was never written (its worker stopped, or the lock was never had) is
    not ``running`` forever: past SCHEDULE_RUN_STALE the schedules page shows it failed, and
    the next pass of a worker marks it so."""
    await ScheduleRun.raw("DELETE FROM schedule_run")
    only_a_tidy_task(monkeypatch)
    started = dt.datetime.now(dt.UTC) - job_repository.SCHEDULE_RUN_STALE
    yesterday = dt.date.today() - dt.timedelta(days=1)
    await ScheduleRun.insert(
        ScheduleRun(name="test-tidy", day=yesterday, worker="gone", state="running",
                    started_at=started - dt.timedelta(minutes=1)),
        ScheduleRun(name="test-tidy", day=yesterday - dt.timedelta(days=1), worker="slow",
                    state="running", started_at=started + dt.timedelta(minutes=5)))
    [shown] = (await client.get("/api/schedules", headers=staff_headers)).json()
    assert shown["last_run"]["state"] == "failed", shown
    assert "no end recorded" in shown["last_run"]["outcome"]
    page = await client.get("/workbench/schedules", headers=staff_headers)
    assert page.status_code == 200 and "未记录结束" in page.text
    await schedules.run_due(settings, "a")
    states = {row["worker"]: row["state"] for row in await ScheduleRun.select()}
    # the stale one failed; the one within the bound may still be running; today's ran
    assert states == {"gone": "failed", "slow": "running", "a": "done"}
