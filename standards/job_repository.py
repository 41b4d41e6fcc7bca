"""Background jobs and daily schedule runs: the only database code for them.

A job is ``queued`` until a worker claims it (exactly one: on PostgreSQL the worker pgqueuer
handed the job's queue entry to, :func:`take_job`; on SQLite the in-app worker under the write
lock, :func:`claim_next`), ``running`` while the worker beats its heartbeat and writes its
progress, then ``done``, ``failed`` or ``cancelled``. On PostgreSQL every job that is queued
has an entry in pgqueuer's queue (:mod:`standards.job_queue`), written in the same
transaction. Every write a worker makes after the claim
names the worker: once a job was taken from a worker that went silent, that worker's late
writes change nothing. A daily task's run is a ``schedule_run`` row; its unique (name, day)
lets one host run it on a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
from collections.abc import Sequence
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from standards import job_queue
from standards.db import busy_error, fetch, is_lock_timeout, lock_timeout_of
from standards.errors import NotFoundError
from standards.tables import Job, JobFile, ScheduleRun

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINAL_STATES = frozenset({DONE, FAILED, CANCELLED})
MAX_ATTEMPTS = 2
"""A job whose worker went silent is queued again until it has been started this often."""
SCHEDULE_WRITE_ATTEMPTS = 3
"""A daily task's start or end is written up to this many times, each waiting up to the lock
timeout (STDTRACK_DB_LOCK_TIMEOUT) for another writer."""
SCHEDULE_RUN_STALE = dt.timedelta(hours=6)
"""A daily task's run still ``running`` this long after its start has failed: its worker
stopped, or could not record the end (a run has no heartbeat; the longest task, the facts
rebuild at a province's size, takes minutes)."""
STALE_RUN_OUTCOME = ("未记录结束（执行主机已停止或无法写入结果）/ no end recorded: the worker "
                     "stopped or could not write it")

_SUMMARY = (Job.id, Job.kind, Job.state, Job.params, Job.read_count, Job.created_count,
            Job.rejected_count, Job.total, Job.error, Job.attempts, Job.cancel_requested,
            Job.worker, Job.host, Job.heartbeat_at, Job.batch_id, Job.created_by,
            Job.created_at, Job.started_at, Job.finished_at)


def this_host() -> str:
    return socket.gethostname()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _read(row: dict[str, Any], *, with_report: bool = False) -> dict[str, Any]:
    """A job row as callers see it: params and report decoded, percent where total is known."""
    job = dict(row)
    job["params"] = json.loads(job.get("params") or "{}")
    job["cancel_requested"] = bool(job.get("cancel_requested"))
    for key in ("heartbeat_at", "created_at", "started_at", "finished_at"):
        job[key] = _aware(job.get(key))
    total = job.get("total")
    percent = None
    if total:
        percent = 100.0 if job["state"] == DONE else min(99.9, 100.0 * job["read_count"] / total)
    elif job["state"] == DONE:
        percent = 100.0
    job["percent"] = None if percent is None else round(percent, 1)
    if with_report:
        job["report"] = json.loads(job.get("report") or "{}")
    else:
        job.pop("report", None)
    return job


async def create_job(kind: str, params: dict[str, Any], *, created_by: str,
                     files: Sequence[tuple[str, bytes]] = (), total: int | None = None
                     ) -> dict[str, Any]:
    """Queue a job with its input files (kept in the database); returns the job."""
    now = _now()
    async with Job._meta.db.transaction() as transaction:
        rows = await Job.insert(Job(
            kind=kind, state=QUEUED, params=json.dumps(params, ensure_ascii=False),
            created_by=created_by, created_at=now, total=total,
        )).returning(Job.id)
        job_id = int(rows[0]["id"])
        if files:
            await JobFile.insert(*[
                JobFile(job=job_id, role="input", position=position, name=name,
                        sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                        content=content, created_at=now)
                for position, (name, content) in enumerate(files)])
        if uses_queue():
            await job_queue.enqueue(transaction.connection, [job_id])
    return await get_job(job_id)


def uses_queue() -> bool:
    """Jobs go through pgqueuer's queue (PostgreSQL); on SQLite workers claim rows here."""
    return not isinstance(Job._meta.db, SQLiteEngine)


async def _requeue(job_id: int, held: Any, values: dict[Any, Any]) -> bool:
    """Put a job back to ``queued`` when ``held`` still matches; on PostgreSQL its queue entry
    is added in the same transaction unless one is waiting or running already."""
    async with Job._meta.db.transaction() as transaction:
        changed = bool(await Job.update({**values, Job.state: QUEUED}).where(held)
                       .returning(Job.id))
        if changed and uses_queue():
            await job_queue.enqueue(transaction.connection, [job_id])
    return changed


async def get_job(job_id: int, *, with_report: bool = True) -> dict[str, Any]:
    """One job with its report.

    Raises:
        NotFoundError: no such job.
    """
    columns = [*_SUMMARY, Job.report] if with_report else list(_SUMMARY)
    row = await Job.select(*columns).where(Job.id == job_id).first()
    if row is None:
        raise NotFoundError(f"no job {job_id}")
    return _read(row, with_report=with_report)


async def list_jobs(*, limit: int = 50, offset: int = 0, state: str | None = None,
                    kind: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """Jobs, newest first, and how many match."""
    query = Job.select(*_SUMMARY).order_by(Job.id, ascending=False).limit(limit).offset(offset)
    count = Job.count()
    if state:
        query = query.where(Job.state == state)
        count = count.where(Job.state == state)
    if kind:
        query = query.where(Job.kind == kind)
        count = count.where(Job.kind == kind)
    return await count, [_read(row) for row in await query]


async def job_files(job_id: int, role: str = "input") -> list[dict[str, Any]]:
    """The job's files in order, with their content."""
    return list(await JobFile.select(JobFile.position, JobFile.name, JobFile.sha256,
                                     JobFile.size, JobFile.content)
                .where((JobFile.job == job_id) & (JobFile.role == role))
                .order_by(JobFile.position))


async def file_by_checksum(sha256: str) -> dict[str, Any] | None:
    """An uploaded file kept for a job, by its SHA-256 (the checksum an import batch records)."""
    return await JobFile.select(JobFile.name, JobFile.content, JobFile.size).where(
        (JobFile.sha256 == sha256) & (JobFile.role == "input")).first()


async def add_output(job_id: int, name: str, content: bytes) -> None:
    await JobFile.insert(JobFile(
        job=job_id, role="output", position=0, name=name,
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content,
        created_at=_now()))


async def claim_next(worker: str, host: str, kinds: Sequence[str] | None = None
                     ) -> dict[str, Any] | None:
    """Take the oldest queued job for ``worker``: exactly one worker gets each job.

    PostgreSQL skips rows another claim holds (``FOR UPDATE SKIP LOCKED``); SQLite takes its
    write lock first (``BEGIN IMMEDIATE``), so claims run one at a time.
    """
    def waiting() -> Any:
        query = Job.select(Job.id).where(Job.state == QUEUED).order_by(Job.id).first()
        return query.where(Job.kind.is_in(list(kinds))) if kinds else query

    if await waiting() is None:  # the common case reads and writes nothing
        return None
    now = _now()
    engine = Job._meta.db
    claimed: int | None = None
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(  # type: ignore[call-arg]
                transaction_type=TransactionType.immediate):
            row = await waiting()
            if row is None:
                return None
            taken = await Job.update({
                Job.state: RUNNING, Job.worker: worker, Job.host: host,
                Job.heartbeat_at: now, Job.attempts: Job.attempts + 1,
                Job.started_at: now,
            }).where((Job.id == row["id"]) & (Job.state == QUEUED)).returning(Job.id)
            if not taken:
                return None
            # read on the claim's own connection: another connection's read snapshot may
            # still show the job as queued (attempts 0) under load
            return await get_job(int(row["id"]))
    else:
        kind_filter = "AND kind = ANY({}::text[])" if kinds else ""
        args: list[Any] = [worker, host, now, now]
        if kinds:
            args.append(list(kinds))
        rows = await Job.raw(
            "UPDATE job SET state = 'running', worker = {}, host = {}, heartbeat_at = {}, "
            "attempts = attempts + 1, started_at = {} WHERE id = (SELECT id FROM job "
            f"WHERE state = 'queued' {kind_filter} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
            "RETURNING id", *args)
        claimed = int(rows[0]["id"]) if rows else None
    if claimed is None:
        return None
    return await get_job(claimed)


async def beat(job_id: int, worker: str, *, read: int, created: int, rejected: int,
               total: int | None = None, batch_id: int | None = None) -> dict[str, Any] | None:
    """Refresh the heartbeat and progress of a job ``worker`` holds; returns
    ``{"cancel_requested": bool}``, or ``None`` when the job is no longer this worker's."""
    values: dict[Any, Any] = {Job.heartbeat_at: _now(), Job.read_count: read,
                              Job.created_count: created, Job.rejected_count: rejected}
    if total is not None:
        values[Job.total] = total
    if batch_id is not None:
        values[Job.batch_id] = batch_id
    held = (Job.id == job_id) & (Job.worker == worker) & (Job.state == RUNNING)
    await Job.update(values).where(held)
    row = await Job.select(Job.cancel_requested).where(held).first()
    return None if row is None else {"cancel_requested": bool(row["cancel_requested"])}


async def finish_job(job_id: int, worker: str, state: str, *, report: dict[str, Any] | None = None,
                     error: str = "", read: int | None = None, created: int | None = None,
                     rejected: int | None = None, batch_id: int | None = None) -> bool:
    """Record how a job ended; False when the job was no longer this worker's (it was taken
    back after its heartbeat stopped), in which case nothing is written."""
    values: dict[Any, Any] = {Job.state: state, Job.finished_at: _now(), Job.error: error[:4000],
                              Job.report: json.dumps(report or {}, ensure_ascii=False,
                                                     default=str)}
    for column, value in ((Job.read_count, read), (Job.created_count, created),
                          (Job.rejected_count, rejected), (Job.batch_id, batch_id)):
        if value is not None:
            values[column] = value
    held = (Job.id == job_id) & (Job.worker == worker) & (Job.state == RUNNING)
    rows = await Job.update(values).where(held).returning(Job.id)
    return bool(rows)


async def release_job(job_id: int, worker: str, reason: str) -> None:
    """Put a job this worker holds back in the queue (the worker is stopping)."""
    held = (Job.id == job_id) & (Job.worker == worker) & (Job.state == RUNNING)
    await _requeue(job_id, held, {Job.worker: "", Job.error: reason})


async def request_cancel(job_id: int) -> dict[str, Any]:
    """Cancel a queued job at once, or ask the worker of a running one to stop.

    Raises:
        NotFoundError: no such job.
    """
    await Job.update({Job.state: CANCELLED, Job.finished_at: _now(),
                      Job.error: "cancelled before it started"}).where(
        (Job.id == job_id) & (Job.state == QUEUED))
    await Job.update({Job.cancel_requested: True}).where(
        (Job.id == job_id) & (Job.state == RUNNING))
    return await get_job(job_id)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_gone(row: dict[str, Any], stale_after: dt.timedelta, *, host: str | None = None,
                now: dt.datetime | None = None) -> bool:
    """A running job's worker is gone: its process is dead (same host; worker ids are
    ``host:pid:...``) or its heartbeat is older than ``stale_after``."""
    parts = str(row.get("worker") or "").split(":")
    if row.get("host") == (host or this_host()) and len(parts) >= 2 and parts[1].isdigit() \
            and not _process_alive(int(parts[1])):
        return True
    beat = _aware(row.get("heartbeat_at")) or _aware(row.get("started_at"))
    return beat is None or (now or _now()) - beat > stale_after


def _lost(row: dict[str, Any], max_attempts: int) -> tuple[str, dict[Any, Any]]:
    """What becomes of a running job whose worker is gone: ``cancelled`` (it was asked to
    stop), ``requeued`` (attempts left) or ``failed``, with the values to write."""
    lost = f"worker {row['worker']} stopped answering (attempt {row['attempts']})"
    if row["cancel_requested"]:
        return CANCELLED, {Job.state: CANCELLED, Job.finished_at: _now(), Job.error: lost}
    if row["attempts"] < max_attempts:
        return "requeued", {Job.worker: "", Job.error: lost}
    return FAILED, {Job.state: FAILED, Job.finished_at: _now(),
                    Job.error: f"{lost}; not retried after {row['attempts']} attempts"}


_HOLDER = (Job.id, Job.state, Job.worker, Job.host, Job.heartbeat_at, Job.started_at,
           Job.attempts, Job.cancel_requested)


async def reap_lost(stale_after: dt.timedelta, *, max_attempts: int = MAX_ATTEMPTS,
                    orphans_only: bool = False) -> list[dict[str, Any]]:
    """Running jobs whose worker is gone: queued again while they have attempts left, else
    failed with the reason. Each change is conditional on the job still being held by the
    silent worker, so two reapers never both act. Returns what was done per job.

    ``orphans_only`` (PostgreSQL): only jobs without a queue entry waiting or handed out (an
    entry pgqueuer held as failed, or one removed by hand); the others pgqueuer hands to
    another worker itself, whose :func:`take_job` applies the same rule.
    """
    rows = await Job.select(*_HOLDER).where(Job.state == RUNNING)
    if orphans_only and rows:
        live = await job_queue.with_live_entry([row["id"] for row in rows])
        rows = [row for row in rows if row["id"] not in live]
    done = []
    for row in rows:
        if not worker_gone(row, stale_after):
            continue
        held = (Job.id == row["id"]) & (Job.worker == row["worker"]) & (Job.state == RUNNING)
        action, values = _lost(row, max_attempts)
        if action == "requeued":
            changed = await _requeue(row["id"], held, values)
        else:
            changed = bool(await Job.update(values).where(held).returning(Job.id))
        if changed:
            done.append({"id": row["id"], "action": action, "worker": row["worker"]})
    return done


async def take_job(job_id: int, worker: str, host: str, stale_after: dt.timedelta, *,
                   max_attempts: int = MAX_ATTEMPTS) -> tuple[str, dict[str, Any]]:
    """Claim one job by id for ``worker``, the one pgqueuer handed the job's queue entry to.

    Returns ``(outcome, job)``, the outcome being ``claimed`` (run it: a queued job, or one
    whose worker is gone and that has attempts left, this attempt counted); ``busy`` (another
    worker holds it and still answers: look again later); ``failed`` or ``cancelled`` (its
    worker is gone and it had used its last attempt, or was asked to stop: recorded so);
    ``ended`` (nothing to run: it ended, was cancelled while queued, or is gone; ``job`` is
    ``{}``). Like :func:`reap_lost`, every change is conditional on the holder read.
    """
    row = await Job.select(*_HOLDER).where(Job.id == job_id).first()
    if row is None:
        return "ended", {}
    values: dict[Any, Any] = {}
    if row["state"] == QUEUED:
        held = (Job.id == job_id) & (Job.state == QUEUED)
    elif row["state"] == RUNNING:
        if row["worker"] == worker or not worker_gone(row, stale_after):
            return "busy", _read(row)
        held = (Job.id == job_id) & (Job.worker == row["worker"]) & (Job.state == RUNNING)
        action, values = _lost(row, max_attempts)
        if action != "requeued":
            if await Job.update(values).where(held).returning(Job.id):
                return action, await get_job(job_id)
            return "ended", {}
    else:
        return "ended", {}
    now = _now()
    claimed = await Job.update({
        **values, Job.state: RUNNING, Job.worker: worker, Job.host: host,
        Job.heartbeat_at: now, Job.attempts: Job.attempts + 1, Job.started_at: now,
    }).where(held).returning(Job.id)
    if not claimed:
        return "ended", {}
    return "claimed", await get_job(job_id)


async def _schedule_write(sql: str, args: list[Any]) -> list[dict[str, Any]]:
    """One write on ``schedule_run`` (``?`` placeholders), under the write lock, tried again
    when the lock was not had in time.

    On PostgreSQL a lock held by another transaction is waited for up to the same timeout.
    On SQLite the lock is taken at ``BEGIN IMMEDIATE`` on a connection of its own, as the
    app's other writes take it, never as a plain statement on the shared connection: that
    connection runs one statement at a time, so a write there waiting for another writer
    (a facts rebuild over a million declarations holds the lock for minutes) stalls every
    read of the process behind it for the whole lock timeout.

    Raises:
        DatabaseError: the lock was not had in :data:`SCHEDULE_WRITE_ATTEMPTS` lock timeouts.
    """
    engine = ScheduleRun._meta.db
    for attempt in range(1, SCHEDULE_WRITE_ATTEMPTS + 1):
        try:
            if isinstance(engine, SQLiteEngine):
                connection = await engine.get_connection()
                try:  # closed on every path (a BEGIN that timed out too): no thread left over
                    await connection.execute("BEGIN IMMEDIATE")
                    async with connection.execute(sql, args) as cursor:
                        rows = [dict(row) for row in await cursor.fetchall()]
                    await connection.execute("COMMIT")
                    return rows
                finally:
                    await connection.close()
            async with engine.transaction():
                # PostgreSQL waits for a row or table lock without end unless told: the same
                # bound as SQLite's busy timeout (STDTRACK_DB_LOCK_TIMEOUT)
                timeout_ms = int(lock_timeout_of(engine) * 1000)
                await fetch(engine, f"SET LOCAL lock_timeout = {timeout_ms}", [])
                return await fetch(engine, sql, args)
        except Exception as exc:
            if not is_lock_timeout(exc):
                raise
            if attempt == SCHEDULE_WRITE_ATTEMPTS:
                raise busy_error(engine) from exc
    raise AssertionError("unreachable")  # the loop returns or raises


async def start_schedule_run(name: str, day: dt.date, worker: str) -> bool:
    """Claim today's run of a daily task; False when a run of that day exists already (the
    unique (name, day): another host may have claimed it a moment before).

    Raises:
        DatabaseError: the write lock was not had in time (no run was claimed).
    """
    rows = await _schedule_write(
        "INSERT INTO schedule_run (name, day, worker, started_at, state, outcome) "
        "VALUES (?, ?, ?, ?, ?, '') ON CONFLICT (name, day) DO NOTHING RETURNING id",
        [name, day, worker, _now(), RUNNING])
    return bool(rows)


async def finish_schedule_run(name: str, day: dt.date, state: str, outcome: str) -> None:
    """Record how a daily task's run ended.

    Raises:
        DatabaseError: the write lock was not had in time (the run stays ``running`` until
            :data:`SCHEDULE_RUN_STALE` has passed; then it reads as failed).
    """
    await _schedule_write(
        "UPDATE schedule_run SET state = ?, finished_at = ?, outcome = ? "
        "WHERE name = ? AND day = ?", [state, _now(), outcome[:4000], name, day])


def _judged(row: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """A run as the schedules page shows it: one still ``running`` past the bound failed."""
    started = _aware(row["started_at"])
    if row["state"] == RUNNING and started is not None and now - started > SCHEDULE_RUN_STALE:
        return {**row, "state": FAILED, "outcome": STALE_RUN_OUTCOME}
    return row


async def fail_stale_schedule_runs(now: dt.datetime | None = None) -> int:
    """Mark failed the runs still ``running`` past :data:`SCHEDULE_RUN_STALE` (their worker
    stopped, or could not record the end); returns how many.

    Raises:
        DatabaseError: the write lock was not had in time.
    """
    cutoff = (now or _now()) - SCHEDULE_RUN_STALE
    stale = ScheduleRun.exists().where((ScheduleRun.state == RUNNING)
                                       & (ScheduleRun.started_at < cutoff))
    if not await stale:  # the common case (every pass of every worker) takes no lock
        return 0
    rows = await _schedule_write(
        "UPDATE schedule_run SET state = ?, finished_at = ?, outcome = ? "
        "WHERE state = ? AND started_at < ? RETURNING id",
        [FAILED, _now(), STALE_RUN_OUTCOME, RUNNING, cutoff])
    return len(rows)


async def last_schedule_runs(names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The latest run of each named daily task (one still ``running`` past
    :data:`SCHEDULE_RUN_STALE` reads as failed, whether or not a worker has marked it)."""
    latest: dict[str, dict[str, Any]] = {}
    if not names:
        return latest
    now = _now()
    rows = await ScheduleRun.select().where(ScheduleRun.name.is_in(list(names))).order_by(
        ScheduleRun.day, ascending=False).limit(50 * len(names))
    for row in rows:
        if row["name"] not in latest:
            row["started_at"] = _aware(row["started_at"])
            row["finished_at"] = _aware(row["finished_at"])
            latest[row["name"]] = _judged(row, now)
    return latest
