"""The job worker on PostgreSQL: pgqueuer's consumer runs our jobs.

pgqueuer's :class:`~pgqueuer.qm.QueueManager` waits on LISTEN/NOTIFY (with a poll as
fallback), hands each queue entry to one worker (``FOR UPDATE SKIP LOCKED``), beats the
entry's heartbeat while it runs, and hands an entry whose heartbeat stopped (its worker was
killed) to another worker. Our entrypoint takes the ``job`` row the entry names
(:func:`standards.job_repository.take_job`: a queued job, or one whose silent worker leaves
attempts) and runs it with :meth:`JobWorker.execute` (progress, our heartbeat, cancellation,
the recorded end). Each worker runs one job at a time, and beside it the daily tasks and a
reaper for running jobs whose queue entry is gone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import anyio
import asyncpg
from pgqueuer.core.executors import (
    AbstractEntrypointExecutor,
    DatabaseRetryEntrypointExecutor,
    EntrypointExecutorParameters,
)
from pgqueuer.core.qm import QueueManager
from pgqueuer.domain.errors import RetryRequested
from pgqueuer.domain.models import Job as QueueEntry
from pgqueuer.domain.types import Channel, QueueEntrypoint

from api.pipelines.worker import REAP_SECONDS, JobWorker
from standards import job_queue, job_repository
from standards.settings import Settings

log = logging.getLogger("stdtrack.worker")

RETRIES = 8
"""Times pgqueuer runs an entry again after the entrypoint itself failed (the database went
away while a job was claimed or recorded), with a growing pause; then it holds the entry
as ``failed`` in its queue table for an operator."""


class _OneJobAtATime(QueueManager):
    """pgqueuer's consumer, taking no entry while this worker runs one.

    pgqueuer caps a worker's entries only at twice its batch; our jobs are long imports, so a
    worker takes the next only when it is free and leaves the rest to idle workers.
    """

    def entrypoints_below_capacity_limits(self) -> set[QueueEntrypoint]:
        return set() if self.job_context else super().entrypoints_below_capacity_limits()


def _retrying(parameters: EntrypointExecutorParameters) -> AbstractEntrypointExecutor:
    return DatabaseRetryEntrypointExecutor(parameters=parameters, max_attempts=RETRIES)


class PgQueuerWorker:
    """One worker process's consumer of pgqueuer's queue (PostgreSQL).

    Args:
        poll_seconds: how often it looks at the queue when no notification woke it.
        run_schedules: also run the daily tasks that are due.
        schedule_delay: seconds before the first look for due daily tasks (as JobWorker).
        on_event: told of each job event (``claimed``, ``done``...), for the CLI's lines.
    """

    def __init__(self, settings: Settings, *, poll_seconds: float = 1.0,
                 run_schedules: bool = True, schedule_delay: float = 0.0,
                 on_event: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        self.settings = settings
        self.jobs = JobWorker(settings, poll_seconds=poll_seconds, run_schedules=run_schedules,
                              schedule_delay=schedule_delay, on_event=on_event)
        self.id = self.jobs.id
        self.host = self.jobs.host
        self.poll_seconds = poll_seconds
        self.on_event = on_event
        self.stop = asyncio.Event()
        self._stopping = asyncio.Event()
        self._ending = asyncio.Event()
        self.stale_after = dt.timedelta(seconds=settings.job_stale_seconds)

    def _event(self, name: str, item: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(name, item)

    async def run(self) -> None:
        """Work until :attr:`stop` is set (or the task is cancelled): a job running then goes
        back to the queue. A lost connection is opened again after ``poll_seconds``."""
        self._ending.clear()
        housekeeping = asyncio.ensure_future(self._housekeeping())
        try:
            while not self.stop.is_set():
                try:
                    await self._consume()
                except Exception:
                    # the database went away or refused a statement: the worker stays up and
                    # opens its connection again (its job, if any, was recorded or goes back)
                    log.exception("worker %s: the queue could not be read", self.id)
                    try:
                        await asyncio.wait_for(self.stop.wait(), self.poll_seconds)
                    except TimeoutError:
                        pass
        finally:
            # never cancelled: piccolo does not give a connection back to the pool when its
            # transaction is cancelled while ending, so housekeeping ends its round first
            self._ending.set()
            with anyio.CancelScope(shield=True):
                await asyncio.wait([housekeeping])

    async def _consume(self) -> None:
        connection = await asyncpg.connect(self.settings.database_url)
        manager = _OneJobAtATime(job_queue.queries(connection),
                                 channel=Channel(job_queue.queue_settings().channel))
        # the fallback poll while busy with a backlog: no faster than the idle poll
        manager.min_dequeue_poll_interval = dt.timedelta(seconds=max(0.1, self.poll_seconds))
        manager.entrypoint(job_queue.ENTRYPOINT, on_failure="hold",
                           executor_factory=_retrying)(self._deliver)
        consumer = asyncio.ensure_future(manager.run(
            dequeue_timeout=dt.timedelta(seconds=self.poll_seconds), batch_size=1,
            heartbeat_timeout=self.stale_after))
        stopped = asyncio.ensure_future(self.stop.wait())
        try:
            await asyncio.wait([consumer, stopped], return_when=asyncio.FIRST_COMPLETED)
        finally:
            # stopping (or cancelled): the running job goes back to the queue, then the
            # consumer ends its loop and writes what it holds
            with anyio.CancelScope(shield=True):
                self._stopping.set()
                manager.shutdown.set()
                stopped.cancel()
                await asyncio.wait([consumer, stopped])
                self._stopping.clear()
                await connection.close()
        if not self.stop.is_set():
            consumer.result()  # the consumer ended on its own: say why

    async def _deliver(self, entry: QueueEntry) -> None:
        """pgqueuer's entrypoint: run the job the entry names, once."""
        job_id = job_queue.job_id_of(entry.payload)
        if job_id is None:
            log.warning("queue entry %s names no job: %r", entry.id, entry.payload)
            return
        outcome, job = await job_repository.take_job(job_id, self.id, self.host,
                                                     self.stale_after)
        if outcome == "busy":
            beat = job.get("heartbeat_at") or job.get("started_at")
            age = dt.timedelta(0) if beat is None else dt.datetime.now(dt.UTC) - beat
            raise RetryRequested(delay=max(dt.timedelta(seconds=1), self.stale_after - age),
                                 reason=f"job {job_id} is held by {job.get('worker')}")
        if outcome in (job_repository.FAILED, job_repository.CANCELLED):
            log.warning("job %s taken back from a silent worker: %s", job_id, outcome)
            self._event("reaped", {"id": job_id, "action": outcome, "worker": job["worker"]})
            return
        if outcome != "claimed":
            return
        execution = asyncio.ensure_future(self.jobs.execute(job))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait([execution, stopping], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not execution.done():
            # the worker is stopping: JobWorker.execute puts the job back when cancelled,
            # and pgqueuer queues its entry again for another worker
            execution.cancel()
            await asyncio.wait([execution])
            raise RetryRequested(reason=f"worker {self.id} stopped")
        execution.result()

    async def _housekeeping(self) -> None:
        """The worker's housekeeping (:meth:`JobWorker.housekeep`) every ``REAP_SECONDS``,
        for running jobs without a queue entry only."""
        while not self._ending.is_set():
            try:
                await self.jobs.housekeep(orphans_only=True)
            except Exception:
                log.exception("worker %s: housekeeping failed", self.id)
            try:
                await asyncio.wait_for(self._ending.wait(), REAP_SECONDS)
            except TimeoutError:
                pass
