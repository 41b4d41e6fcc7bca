"""The job worker: claims queued jobs one at a time, runs them while beating a heartbeat that
carries their progress, stops them when cancelled, takes back jobs of workers that went
silent, and runs the daily tasks.

On the embedded SQLite default this loop claims the jobs itself, inside the app (a task of the
app's event loop, started by :func:`job_lifespan`). Over PostgreSQL pgqueuer's consumer
(:mod:`api.pipelines.pg_worker`) dispatches them to :meth:`JobWorker.execute`, in
``stdtrack worker`` processes on any number of hosts; :func:`make_worker` picks the one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

import anyio
from litestar import Litestar

from api.pipelines import schedules
from api.pipelines.jobs import JobProgress, JobStopped, run_job
from importers.errors import ImporterError
from standards import job_repository
from standards.errors import StdtrackError
from standards.settings import Settings

log = logging.getLogger("stdtrack.worker")

HEARTBEAT_SECONDS = 2.0
"""A running job's heartbeat and progress are written this often."""
STOP_SECONDS = 10.0
"""How long a job asked to stop may run on to its next progress step before it is cancelled
where it waits."""
REAP_SECONDS = 10.0
SCHEDULE_SECONDS = 30.0


class JobWorker:
    """One worker: at most one job at a time.

    Args:
        poll_seconds: how long to wait when no job is queued.
        run_schedules: also run the daily tasks that are due.
        schedule_delay: seconds from now before the first look for due daily tasks (the
            app's own worker waits ``settings.schedule_start_delay``: a restart's catch-up of
            the day's tasks would compete with the first page views).
        on_event: told of each job event (``claimed``, ``done``...), for the CLI's lines.
    """

    def __init__(self, settings: Settings, *, poll_seconds: float = 1.0,
                 run_schedules: bool = True, schedule_delay: float = 0.0,
                 on_event: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        self.settings = settings
        self.host = job_repository.this_host()
        self.id = f"{self.host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.poll_seconds = poll_seconds
        self.run_schedules = run_schedules and settings.schedules_enabled
        self.on_event = on_event
        self.stop = asyncio.Event()
        self._reaped_at = 0.0
        # as if the daily tasks had been looked at SCHEDULE_SECONDS - schedule_delay ago
        self._scheduled_at = time.monotonic() - SCHEDULE_SECONDS + schedule_delay

    def _event(self, name: str, job: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(name, job)

    async def run(self) -> None:
        """Work until :attr:`stop` is set."""
        while not self.stop.is_set():
            try:
                worked = await self.step()
            except (StdtrackError, OSError) as exc:
                log.warning("worker %s: %s", self.id, exc)
                worked = False
            except Exception:
                # the database went away or refused a statement: the worker stays up and
                # looks again (its job, if any, was recorded or is taken back by a reaper)
                log.exception("worker %s: the queue could not be read", self.id)
                worked = False
            if not worked:
                try:
                    await asyncio.wait_for(self.stop.wait(), self.poll_seconds)
                except TimeoutError:
                    pass

    async def housekeep(self, *, orphans_only: bool = False) -> None:
        """When due: running jobs of gone workers are queued again or failed (every
        ``REAP_SECONDS``; ``orphans_only``: only those without a pgqueuer entry, which hands on
        the others itself), and the daily tasks run (every ``SCHEDULE_SECONDS``, one host
        running each a day)."""
        clock = time.monotonic()
        if clock - self._reaped_at >= REAP_SECONDS:
            self._reaped_at = clock
            for taken in await job_repository.reap_lost(
                    dt.timedelta(seconds=self.settings.job_stale_seconds),
                    orphans_only=orphans_only):
                log.warning("job %s taken back from %s: %s", taken["id"], taken["worker"],
                            taken["action"])
                self._event("reaped", taken)
        if self.run_schedules and clock - self._scheduled_at >= SCHEDULE_SECONDS:
            self._scheduled_at = clock
            for ran in await schedules.run_due(self.settings, self.id):
                self._event("schedule", ran)

    async def step(self) -> bool:
        """Housekeeping when due, then one job if one is queued; True when a job ran."""
        await self.housekeep()
        job = await job_repository.claim_next(self.id, self.host)
        if job is None:
            return False
        await self.execute(job)
        return True

    async def execute(self, job: dict[str, Any]) -> str:
        """Run a claimed job to its end; returns the state it ended in."""
        self._event("claimed", job)
        progress = JobProgress(total=job.get("total"))
        task = asyncio.ensure_future(run_job(job, self.settings, progress))
        cancelled_by = ""
        stop_asked_at: float | None = None
        try:
            while not task.done():
                await asyncio.wait([task], timeout=HEARTBEAT_SECONDS)
                if task.done():
                    break
                held = await job_repository.beat(
                    job["id"], self.id, read=progress.read, created=progress.created,
                    rejected=progress.rejected, total=progress.total, batch_id=progress.batch_id)
                if held is None:
                    cancelled_by = "lost"
                    task.cancel()
                    await asyncio.wait([task])
                    break
                if held["cancel_requested"]:
                    # asked first: the job stops at its next progress step, between two writes;
                    # one that does not within STOP_SECONDS (no steps: a rebuild, a
                    # recompute) is cancelled where it waits
                    cancelled_by = "cancel"
                    if stop_asked_at is None:
                        stop_asked_at = time.monotonic()
                        progress.stop_requested = True
                    elif time.monotonic() - stop_asked_at > STOP_SECONDS:
                        task.cancel()
                        await asyncio.wait([task])
                        break
        except BaseException:
            # the worker itself is stopping: the job goes back to the queue for another run
            task.cancel()
            with anyio.CancelScope(shield=True):
                await asyncio.wait([task])
                await job_repository.release_job(job["id"], self.id, "worker stopped")
            raise
        return await self._record_end(job, task, progress, cancelled_by)

    async def _record_end(self, job: dict[str, Any], task: asyncio.Future[dict[str, Any]],
                          progress: JobProgress, cancelled_by: str) -> str:
        counts: dict[str, Any] = {"read": progress.read, "created": progress.created,
                  "rejected": progress.rejected, "batch_id": progress.batch_id}
        report = progress.report.as_dict() if progress.report is not None else None
        if cancelled_by == "lost":
            log.warning("job %s was taken back from this worker", job["id"])
            return "lost"
        if task.cancelled() or (cancelled_by == "cancel"
                                and isinstance(task.exception(), JobStopped)):
            note = ("已取消；此前写入的记录保留 (cancelled; what was written before is kept)")
            await job_repository.finish_job(job["id"], self.id, job_repository.CANCELLED,
                                            report=report, error=note, **counts)
            self._event("cancelled", job)
            return job_repository.CANCELLED
        exc = task.exception()
        if exc is None:
            result = task.result()
            counts["created"] = result.get("created", progress.created)
            counts["rejected"] = len(result.get("rejected", ())) or progress.rejected
            counts["batch_id"] = result.get("batch_id", progress.batch_id)
            if progress.total is None and "rows" in result:
                counts["read"] = result["rows"]
            await job_repository.finish_job(job["id"], self.id, job_repository.DONE,
                                            report=result, **counts)
            self._event("done", {**job, "report": result})
            return job_repository.DONE
        if isinstance(exc, ImporterError | StdtrackError):
            error = str(exc)
        else:
            log.error("job %s failed", job["id"], exc_info=exc)
            error = f"{type(exc).__name__}: {exc}"
        await job_repository.finish_job(job["id"], self.id, job_repository.FAILED,
                                        report=report, error=error, **counts)
        self._event("failed", {**job, "error": error})
        return job_repository.FAILED


class Worker(Protocol):
    """What runs jobs: :class:`JobWorker` (SQLite) or ``PgQueuerWorker`` (PostgreSQL)."""

    id: str
    stop: asyncio.Event

    async def run(self) -> None: ...


def make_worker(settings: Settings, *, poll_seconds: float = 1.0, run_schedules: bool = True,
                schedule_delay: float = 0.0,
                on_event: Callable[[str, dict[str, Any]], None] | None = None) -> Worker:
    """The worker for the settings' database: pgqueuer's consumer over PostgreSQL, our own
    loop on SQLite (pgqueuer is imported only in the first case)."""
    if settings.engine_kind == "postgres":
        from api.pipelines.pg_worker import PgQueuerWorker

        return PgQueuerWorker(settings, poll_seconds=poll_seconds, run_schedules=run_schedules,
                              schedule_delay=schedule_delay, on_event=on_event)
    return JobWorker(settings, poll_seconds=poll_seconds, run_schedules=run_schedules,
                     schedule_delay=schedule_delay, on_event=on_event)


def job_lifespan(settings: Settings) -> Callable[[Litestar], Any]:
    """Litestar lifespan: on the embedded default the app runs jobs in its own worker task
    (no extra service); over PostgreSQL ``stdtrack worker`` processes do (or the app, with
    ``STDTRACK_JOBS_IN_APP=on``: pgqueuer's consumer in the app's event loop)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not settings.runs_jobs_in_app:
            yield
            return
        worker = make_worker(settings, schedule_delay=settings.schedule_start_delay)
        app.state.job_worker = worker
        task = asyncio.ensure_future(worker.run())
        try:
            yield
        finally:
            worker.stop.set()
            task.cancel()
            await asyncio.wait([task])

    return lifespan
