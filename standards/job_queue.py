"""The job queue on PostgreSQL: pgqueuer's tables, and how a job is put in them.

Our ``job`` row stays the record every page and the API read (state, progress, report); the
pgqueuer row only carries the job's id to a worker (``stdtrack worker``, or the app's own
worker), which pgqueuer wakes by LISTEN/NOTIFY, hands the row with ``FOR UPDATE SKIP LOCKED``,
keeps alive with its heartbeat and hands again to another worker when that heartbeat stops.
On SQLite none of this exists: the in-app worker claims ``job`` rows itself.

pgqueuer is imported only here and in :mod:`api.pipelines.pg_worker`, and only on PostgreSQL
(importing it costs about half a second).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pgqueuer.domain.settings import DBSettings
    from pgqueuer.queries import Queries

ENTRYPOINT = "stdtrack.job"
"""pgqueuer's name for "run the stdtrack job whose id is the payload"."""
TABLES = {"queue": "pgqueuer", "log": "pgqueuer_log", "schedules": "pgqueuer_schedules",
          "statistics": "pgqueuer_statistics"}
"""The names our migration gave pgqueuer's tables (its defaults, no prefix, no schema)."""


@functools.cache
def queue_settings() -> DBSettings:
    """pgqueuer's object names, given in full: pgqueuer would otherwise read them from
    ``PGQUEUER_*`` environment variables, and the names must be the ones the migration
    created."""
    from pgqueuer.domain.settings import DBSettings
    from pgqueuer.domain.types import Channel

    return DBSettings(prefix="", db_schema=None, channel=Channel("ch_pgqueuer"),
                      function="fn_pgqueuer_changed", statistics_table=TABLES["statistics"],
                      queue_status_type="pgqueuer_status", queue_table=TABLES["queue"],
                      queue_table_log=TABLES["log"], trigger="tg_pgqueuer_changed",
                      schedules_table=TABLES["schedules"])


def queries(connection: Any) -> Queries:
    """pgqueuer's queries over one asyncpg connection (a transaction's, or a worker's own)."""
    from pgqueuer.adapters.drivers.asyncpg import AsyncpgDriver
    from pgqueuer.adapters.persistence.qb import (
        QueryBuilderEnvironment,
        QueryQueueBuilder,
        QuerySchedulerBuilder,
    )
    from pgqueuer.queries import Queries

    settings = queue_settings()
    return Queries(AsyncpgDriver(connection), qbe=QueryBuilderEnvironment(settings),
                   qbq=QueryQueueBuilder(settings), qbs=QuerySchedulerBuilder(settings))


def dedupe_key(job_id: int) -> str:
    """At most one queued or running pgqueuer entry per job (pgqueuer's unique dedupe key)."""
    return f"stdtrack-job-{job_id}"


async def enqueue(connection: Any, job_ids: list[int]) -> int:
    """Put jobs in pgqueuer's queue through ``connection`` (inside the caller's transaction,
    so a job is queued exactly when its row is committed); a job already waiting or running
    there is not added twice. Returns how many entries were added."""
    if not job_ids:
        return 0
    added = await queries(connection).enqueue(
        [ENTRYPOINT] * len(job_ids), [str(job_id).encode() for job_id in job_ids],
        [0] * len(job_ids), dedupe_key=[dedupe_key(job_id) for job_id in job_ids],
        on_conflict="skip")
    return sum(1 for entry in added if entry is not None)


def job_id_of(payload: bytes | None) -> int | None:
    """Our job's id from a pgqueuer payload (None when it is not one of ours)."""
    text = (payload or b"").decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


async def with_live_entry(job_ids: list[int]) -> set[int]:
    """Those of ``job_ids`` that have an entry waiting or handed out in the queue."""
    from standards.tables import Job

    if not job_ids:
        return set()
    rows = await Job.raw(
        f"SELECT dedupe_key FROM {TABLES['queue']} WHERE dedupe_key = ANY({{}}) "
        "AND status IN ('queued', 'picked')", [dedupe_key(job_id) for job_id in job_ids])
    return {int(row["dedupe_key"].rsplit("-", 1)[1]) for row in rows}
