"""Import batches: one row per `stdtrack import` or upload, from start to end, and what became
of it (running / finished / failed / interrupted). The only database code for batches.

A running batch names its process (pid and host) and beats a heartbeat while it writes; a
batch still marked running whose process is gone on this host, or whose heartbeat stopped long
ago, was interrupted (kill -9, a crash, a power cut). What such a batch wrote is counted from
the catalogue itself: its rows carry the batch's start time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Sequence
from typing import Any

from standards.db import bound
from standards.errors import NotFoundError
from standards.prepare import dumps
from standards.tables import ImportBatch, Standard
from standards.vocab import BatchState

HEARTBEAT_SECONDS = 30.0
"""A running import refreshes its heartbeat at most this often (seconds)."""
STALE_AFTER = dt.timedelta(minutes=10)
"""A running batch whose heartbeat is older than this is interrupted, whatever its host."""

_LIST_COLUMNS = (
    ImportBatch.id, ImportBatch.actor, ImportBatch.started_at, ImportBatch.finished_at,
    ImportBatch.created, ImportBatch.updated, ImportBatch.unchanged, ImportBatch.rejected,
    ImportBatch.files, ImportBatch.strict, ImportBatch.state, ImportBatch.pid, ImportBatch.host,
    ImportBatch.heartbeat_at, ImportBatch.indexed_at, ImportBatch.message,
)


def this_host() -> str:
    """The host name batches record, to tell whether their process can be checked here."""
    return socket.gethostname()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def batch_state(row: dict[str, Any], *, host: str | None = None,
                now: dt.datetime | None = None) -> BatchState:
    """The state of a batch row as of ``now``: a running batch whose process is gone (on this
    host) or whose heartbeat is older than ``STALE_AFTER`` is interrupted."""
    state = BatchState(row.get("state") or BatchState.RUNNING)
    if state is not BatchState.RUNNING:
        return state
    pid = row.get("pid")
    if not pid:
        return BatchState.INTERRUPTED  # recorded before batches named their process
    if row.get("host") == (host or this_host()) and not _process_alive(int(pid)):
        return BatchState.INTERRUPTED
    beat = _aware(row.get("heartbeat_at")) or _aware(row.get("started_at"))
    if beat is not None and (now or dt.datetime.now(dt.UTC)) - beat > STALE_AFTER:
        return BatchState.INTERRUPTED
    return BatchState.RUNNING


async def create_batch(
    *, files: list[dict[str, Any]], actor: str, strict: bool, started_at: dt.datetime,
    pid: int | None = None, host: str | None = None,
) -> int:
    """Record the start of an import run by process ``pid`` (this one by default); returns
    the batch id."""
    rows = await ImportBatch.insert(ImportBatch(
        files=dumps(files), checksum=files[0]["sha256"] if len(files) == 1 else "",
        actor=actor, dry_run=False, strict=strict, started_at=started_at,
        state=BatchState.RUNNING.value, pid=os.getpid() if pid is None else pid,
        host=this_host() if host is None else host, heartbeat_at=started_at,
    )).returning(ImportBatch.id)
    return int(rows[0]["id"])


async def beat(batch_id: int) -> None:
    """Refresh a running batch's heartbeat (the import is alive and writing)."""
    await ImportBatch.update({ImportBatch.heartbeat_at: dt.datetime.now(dt.UTC)}).where(
        ImportBatch.id == batch_id)


async def finish_batch(
    batch_id: int, *, files: list[dict[str, Any]], created: int, updated: int, unchanged: int,
    rejected: int, report: dict[str, Any], state: BatchState = BatchState.FINISHED,
    message: str = "",
) -> None:
    """Record the end of an import: ``finished``, or ``failed`` (with why in ``message``);
    the counts say what was written either way."""
    await ImportBatch.update({
        ImportBatch.finished_at: dt.datetime.now(dt.UTC),
        ImportBatch.files: dumps(files),
        ImportBatch.created: created,
        ImportBatch.updated: updated,
        ImportBatch.unchanged: unchanged,
        ImportBatch.rejected: rejected,
        ImportBatch.report: json.dumps(report, ensure_ascii=False, default=str),
        ImportBatch.state: state.value,
        ImportBatch.message: message,
    }).where(ImportBatch.id == batch_id)


def _batch_row(row: dict[str, Any], host: str, now: dt.datetime) -> dict[str, Any]:
    row = dict(row)
    row["files"] = json.loads(row.get("files") or "[]")
    if "report" in row:
        row["report"] = json.loads(row["report"] or "{}")
    row["state"] = batch_state(row, host=host, now=now).value
    return row


async def list_batches(limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Import batches, newest first, without their full reports; ``state`` as of now."""
    rows = await ImportBatch.select(*_LIST_COLUMNS).order_by(
        ImportBatch.id, ascending=False).limit(limit).offset(offset)
    host, now = this_host(), dt.datetime.now(dt.UTC)
    return [_batch_row(r, host, now) for r in rows]


async def get_batch(batch_id: int) -> dict[str, Any]:
    """One batch with its report; ``state`` as of now.

    Raises:
        NotFoundError: no batch has this id.
    """
    rows = await ImportBatch.select().where(ImportBatch.id == batch_id)
    if not rows:
        raise NotFoundError(f"no import batch with id {batch_id}")
    return _batch_row(rows[0], this_host(), dt.datetime.now(dt.UTC))


async def unfinished_batches(limit: int = 20) -> list[dict[str, Any]]:
    """Batches that did not finish (running, failed or interrupted), newest first."""
    rows = await ImportBatch.select(*_LIST_COLUMNS).where(
        ImportBatch.state != BatchState.FINISHED.value).order_by(
        ImportBatch.id, ascending=False).limit(limit)
    host, now = this_host(), dt.datetime.now(dt.UTC)
    return [_batch_row(r, host, now) for r in rows]


async def _kept_counts(batch_id: int, started_at: Any) -> tuple[int, int]:
    """What an interrupted batch wrote: standards created with its start time as their
    creation time, and standards its change-log rows name."""
    engine = Standard._meta.db
    stamp = bound(engine, started_at)
    created = await Standard.raw("SELECT COUNT(*) AS n FROM standard WHERE created_at = {}",
                                 stamp)
    updated = await Standard.raw(
        "SELECT COUNT(DISTINCT standard) AS n FROM change_log WHERE batch = {}", batch_id)
    return int(created[0]["n"]), int(updated[0]["n"])


async def settle_interrupted() -> list[dict[str, Any]]:
    """Record every batch that now reads as interrupted as such, with what it wrote counted
    (created / updated) and a message; returns those rows."""
    rows = await ImportBatch.select(*_LIST_COLUMNS).where(
        ImportBatch.state == BatchState.RUNNING.value)
    host, now = this_host(), dt.datetime.now(dt.UTC)
    settled = []
    for row in rows:
        if batch_state(row, host=host, now=now) is not BatchState.INTERRUPTED:
            continue
        created, updated = await _kept_counts(row["id"], row["started_at"])
        message = (f"中断 / interrupted: its process ({row['host']} pid {row['pid']}) stopped "
                   f"before the end; {created} created and {updated} updated standards were "
                   "kept")
        await ImportBatch.update({
            ImportBatch.state: BatchState.INTERRUPTED.value,
            ImportBatch.created: created,
            ImportBatch.updated: updated,
            ImportBatch.message: message,
        }).where((ImportBatch.id == row["id"]) & (ImportBatch.state == BatchState.RUNNING.value))
        settled.append({**row, "state": BatchState.INTERRUPTED.value, "created": created,
                        "updated": updated, "message": message})
    return settled


async def unindexed_batches(exclude: Sequence[int] = ()) -> list[dict[str, Any]]:
    """Batches whose rows the search index has not taken in and that no running import will
    index any more (finished, failed or interrupted), oldest first."""
    rows = await ImportBatch.select(*_LIST_COLUMNS).where(
        ImportBatch.indexed_at.is_null()).order_by(ImportBatch.id)
    host, now = this_host(), dt.datetime.now(dt.UTC)
    found = []
    for row in rows:
        if row["id"] in exclude:
            continue
        if batch_state(row, host=host, now=now) is BatchState.RUNNING:
            continue
        found.append(_batch_row(row, host, now))
    return found


async def mark_indexed(batch_ids: Sequence[int], when: dt.datetime | None = None) -> None:
    """Record that the search index holds what these batches wrote."""
    ids = list(dict.fromkeys(batch_ids))
    if ids:
        await ImportBatch.update({ImportBatch.indexed_at: when or dt.datetime.now(dt.UTC)}).where(
            ImportBatch.id.is_in(ids))
