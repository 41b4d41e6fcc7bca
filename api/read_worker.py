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


Job = tuple[str, str, dict[str, str] | None]  # path, format, column map


def _produce(jobs: list[Job], out: Any) -> None:
    """Worker process: read each file in turn, sending its batches, then an end mark."""
    for index, (path, fmt, column_map) in enumerate(jobs):
        batch: list[ReadOutcome] = []
        try:
            for outcome in read_file(Path(path), fmt, column_map):
                batch.append(outcome)
                if len(batch) >= BATCH:
                    out.put((_BATCH, index, prepare_batch(batch)))
                    batch = []
            if batch:
                out.put((_BATCH, index, prepare_batch(batch)))
            out.put((_DONE, index, None))
        except UnreadableFileError as exc:
            out.put((_ERROR, index, (exc.file_name, exc.problem)))
            return
        except ImporterError as exc:
            out.put((_ERROR, index, (Path(path).name, str(exc))))
            return


class ReaderProcess:
    """One worker process that reads, maps and prepares the large files of an import, in
    order, while this process writes (one interpreter start-up per import, not per file)."""

    def __init__(self, jobs: list[tuple[Path, str, dict[str, str] | None]]) -> None:
        context = multiprocessing.get_context("spawn")
        self._names = [path.name for path, _, _ in jobs]
        self._channel = context.Queue(maxsize=4)
        self._worker = context.Process(
            target=_produce,
            args=([(str(path), fmt, columns) for path, fmt, columns in jobs], self._channel),
            daemon=True,
        )
        self._worker.start()

    def batches(self, index: int) -> Iterator[PreparedBatch]:
        """Prepared batches of job ``index`` (jobs must be consumed in order).

        Raises:
            UnreadableFileError: the worker found the file damaged (rows before it were
                yielded).
        """
        while True:
            try:
                kind, job, payload = self._channel.get(timeout=5)
            except queue.Empty:
                if not self._worker.is_alive():
                    raise UnreadableFileError(
                        self._names[index],
                        f"the reader process stopped (exit code {self._worker.exitcode})",
                    ) from None
                continue
            if job != index:
                raise RuntimeError(f"reader process sent file {job} while {index} was read")
            if kind == _BATCH:
                yield payload
            elif kind == _ERROR:
                name, problem = payload
                raise UnreadableFileError(name, problem)
            else:
                return

    def close(self) -> None:
        if self._worker.is_alive():
            self._worker.terminate()
        self._worker.join(timeout=10)
        self._channel.close()
