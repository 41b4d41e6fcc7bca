"""Reading, mapping and preparing a large file in a second process, so that it runs on the
other core while this process writes to the database (threads share one interpreter lock)."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from importers import ReadOutcome, read_file
from importers.errors import ImporterError, UnreadableFileError
from standards.repository import PreparedRecord, prepare_records
from standards.schemas import StandardInput

BATCH = 2000
# files at least this large (bytes) are read in a worker process; smaller ones in-process,
# where starting an interpreter would cost more than it saves
WORKER_THRESHOLD = 1024 * 1024

_DONE = "done"
_BATCH = "batch"
_ERROR = "error"


@dataclass(slots=True)
class PreparedBatch:
    """A batch ready to write: prepared records, their locations, and the rejected rows."""

    size: int
    records: list[PreparedRecord]
    locations: list[str]
    rejected: list[tuple[str, str | None]]


def prepare_batch(outcomes: list[ReadOutcome]) -> PreparedBatch:
    """Split a batch of outcomes and prepare its accepted records (pure: any process)."""
    accepted: list[StandardInput] = []
    locations: list[str] = []
    rejected: list[tuple[str, str | None]] = []
    for outcome in outcomes:
        if outcome.record is None:
            rejected.append((outcome.location, outcome.reason))
        else:
            accepted.append(outcome.record)
            locations.append(outcome.location)
    return PreparedBatch(len(outcomes), prepare_records(accepted), locations, rejected)


def _produce(path: str, fmt: str, column_map: dict[str, str] | None, out: Any) -> None:
    """Worker process: read the file and send batches of outcomes, then a final message."""
    batch: list[ReadOutcome] = []
    try:
        for outcome in read_file(Path(path), fmt, column_map):
            batch.append(outcome)
            if len(batch) >= BATCH:
                out.put((_BATCH, prepare_batch(batch)))
                batch = []
        if batch:
            out.put((_BATCH, prepare_batch(batch)))
        out.put((_DONE, None))
    except UnreadableFileError as exc:
        out.put((_ERROR, (exc.file_name, exc.problem)))
    except ImporterError as exc:
        out.put((_ERROR, (Path(path).name, str(exc))))


def read_batches_in_worker(
    path: Path, fmt: str, column_map: dict[str, str] | None
) -> Iterator[PreparedBatch]:
    """Prepared batches produced by a worker process (bounded queue: little memory).

    Raises:
        UnreadableFileError: the worker found the file damaged (rows before it were yielded).
    """
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=4)
    worker = context.Process(target=_produce, args=(str(path), fmt, column_map, channel),
                             daemon=True)
    worker.start()
    try:
        while True:
            try:
                kind, payload = channel.get(timeout=5)
            except queue.Empty:
                if not worker.is_alive():
                    raise UnreadableFileError(
                        path.name, f"the reader process stopped (exit code {worker.exitcode})"
                    ) from None
                continue
            if kind == _BATCH:
                yield payload
            elif kind == _ERROR:
                name, problem = payload
                raise UnreadableFileError(name, problem)
            else:
                return
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=10)
        channel.close()
