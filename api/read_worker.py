"""Reading and mapping a large file in a second process, so that it runs on the other core
while this process writes to the database (Python threads share one interpreter lock)."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from importers import ReadOutcome, read_file
from importers.errors import ImporterError, UnreadableFileError
from standards.codes import ParsedCode, try_parse_code

BATCH = 2000
# files at least this large (bytes) are read in a worker process; smaller ones in-process,
# where starting an interpreter would cost more than it saves
WORKER_THRESHOLD = 1024 * 1024

# a batch of outcomes with each accepted record's parsed code (None: parse it again)
ParsedBatch = tuple[list[ReadOutcome], list[ParsedCode | None]]

_DONE = "done"
_BATCH = "batch"
_ERROR = "error"


def _with_codes(batch: list[ReadOutcome]) -> ParsedBatch:
    """Parse each accepted record's code here, on this core: the writer reuses the result."""
    return batch, [try_parse_code(o.record.code) if o.record is not None else None
                   for o in batch]


def _produce(path: str, fmt: str, column_map: dict[str, str] | None, out: Any) -> None:
    """Worker process: read the file and send batches of outcomes, then a final message."""
    batch: list[ReadOutcome] = []
    try:
        for outcome in read_file(Path(path), fmt, column_map):
            batch.append(outcome)
            if len(batch) >= BATCH:
                out.put((_BATCH, _with_codes(batch)))
                batch = []
        if batch:
            out.put((_BATCH, _with_codes(batch)))
        out.put((_DONE, None))
    except UnreadableFileError as exc:
        out.put((_ERROR, (exc.file_name, exc.problem)))
    except ImporterError as exc:
        out.put((_ERROR, (Path(path).name, str(exc))))


def read_batches_in_worker(
    path: Path, fmt: str, column_map: dict[str, str] | None
) -> Iterator[ParsedBatch]:
    """Batches of outcomes produced by a worker process (bounded queue: little memory).

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
