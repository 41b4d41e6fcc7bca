"""Reading, mapping and preparing large files in a second process, so that it runs on the
other core while this process writes to the database (threads share one interpreter lock).

The reader is a plain ``python -c`` child importing only this module and the readers (a third
of a second), not whatever program imports (a spawned multiprocessing child re-imports the
parent's main module: the whole CLI or server). It gets its jobs pickled on stdin and sends
length-prefixed pickled messages on stdout; a thread here reads them ahead into a queue.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import api
from importers import ReadOutcome, read_file
from importers.errors import ImporterError, UnreadableFileError
from importers.schemas import RowNote
from standards.prepare import PreparedRecord, prepare_records
from standards.schemas import StandardInput
from standards.settings import ReadLimits

BATCH = 2000
# files at least this large (bytes) are read in a worker process; smaller ones in-process,
# where starting an interpreter would cost more than it saves
WORKER_THRESHOLD = 1024 * 1024

CATALOGUE = "catalogue"
DECLARATIONS = "declarations"
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
    # (location, RowNote) of accepted records: dropped values and contradictory dates
    notes: list[tuple[str, RowNote]] = field(default_factory=list)


def prepare_batch(outcomes: list[ReadOutcome]) -> PreparedBatch:
    """Split a batch of outcomes and prepare its accepted records (pure: any process)."""
    accepted: list[StandardInput] = []
    locations: list[str] = []
    rejected: list[tuple[str, str | None]] = []
    notes: list[tuple[str, RowNote]] = []
    for outcome in outcomes:
        if outcome.record is None:
            rejected.append((outcome.location, outcome.reason))
        else:
            accepted.append(outcome.record)
            locations.append(outcome.location)
            notes.extend((outcome.location, note) for note in outcome.notes)
    return PreparedBatch(len(outcomes), prepare_records(accepted), locations, rejected, notes)


Job = tuple[str, str, dict[str, str] | None]  # path, format, column map

# While an import writes, the cyclic collector runs for every 50,000 new container objects
# instead of every 700: a batch makes some 50,000 that reference counting frees, and each
# collection rescanned the batches still in flight (a sixth of the writer's time).
YOUNG_THRESHOLD = 50_000
_writing = 0
_thresholds = gc.get_threshold()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's young-generation threshold for the block (imports may nest or
    overlap: the first to start saves the thresholds, the last to end restores them)."""
    global _writing, _thresholds
    if _writing == 0:
        _thresholds = gc.get_threshold()
        gc.set_threshold(max(_thresholds[0], YOUNG_THRESHOLD), *_thresholds[1:])
    _writing += 1
    try:
        yield
    finally:
        _writing -= 1
        if _writing == 0:
            gc.set_threshold(*_thresholds)


_HEADER = struct.Struct("<Q")
AHEAD = 4  # batches read ahead of the writer


def _produce(jobs: list[Job], limits: ReadLimits, send: Any) -> None:
    """Reader process: read each file in turn, sending its batches, then an end mark; a file
    that fails sends the rows read before the failure, then the error, and the next file is
    read."""
    # The records of a batch are freed by reference counting; the cyclic collector would
    # only rescan them (a quarter of this process's time). Cycles (a rejected record's
    # traceback) are collected once per file.
    gc.disable()
    for index, (path, fmt, column_map) in enumerate(jobs):
        gc.collect()
        batch: list[ReadOutcome] = []
        try:
            for outcome in read_file(Path(path), fmt, column_map, limits):
                batch.append(outcome)
                if len(batch) >= BATCH:
                    send((_BATCH, index, prepare_batch(batch)))
                    batch = []
            if batch:
                send((_BATCH, index, prepare_batch(batch)))
            send((_DONE, index, None))
        except ImporterError as exc:
            if batch:
                send((_BATCH, index, prepare_batch(batch)))
            name = exc.file_name if isinstance(exc, UnreadableFileError) else Path(path).name
            problem = exc.problem if isinstance(exc, UnreadableFileError) else str(exc)
            send((_ERROR, index, (name, problem)))


def _produce_declarations(jobs: list[tuple[str, str]], limits: ReadLimits,
                          options: tuple[str | None, Any], send: Any) -> None:
    """Reader process of a bulk declaration import: each file read and its rows mapped
    (``api.declaration_imports``: one mapper for every file, as in-process), batch by batch;
    a file that fails sends the rows read before the failure, then the error."""
    from api.declaration_imports import RowMapper, _batches, read_table

    gc.disable()
    only_uscc, today = options
    mapper = RowMapper(only_uscc, today)
    for index, (path, name) in enumerate(jobs):
        gc.collect()
        try:
            for batch in _batches(name, read_table(Path(path), name, limits), mapper):
                send((_BATCH, index, batch))
            send((_DONE, index, None))
        except ImporterError as exc:  # _batches sent the rows before the damage
            problem = exc.problem if isinstance(exc, UnreadableFileError) else str(exc)
            send((_ERROR, index, (name, problem)))


def serve() -> None:
    """The reader process's entry: jobs from stdin, messages to stdout."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot corrupt a message
    sys.stdout = sys.stderr
    kind, jobs, limits, options = pickle.load(sys.stdin.buffer)

    def send(message: tuple[str, int, Any]) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        channel.write(_HEADER.pack(len(data)))
        channel.write(data)
        channel.flush()

    try:
        if kind == DECLARATIONS:
            _produce_declarations(jobs, limits, options, send)
        else:
            _produce(jobs, limits, send)
    except BrokenPipeError:  # the importing process stopped reading (it failed or was closed)
        os._exit(1)
    channel.close()


def _read_message(stream: IO[bytes]) -> tuple[str, int, Any] | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    message: tuple[str, int, Any] = pickle.loads(data)
    return message


class ReaderProcess:
    """One reader process that reads, maps and prepares the large files of an import, in
    order, while this process writes (one interpreter start-up per import, not per file).

    ``kind`` :data:`CATALOGUE`: jobs ``(path, format, column map)``, batches of
    :class:`PreparedBatch`; :data:`DECLARATIONS`: jobs ``(path, display name)`` and
    ``options`` ``(only_uscc, today)`` of the mapper, batches of
    ``api.declaration_imports._Batch``."""

    def __init__(self, jobs: Sequence[tuple[Any, ...]], limits: ReadLimits | None = None,
                 *, kind: str = CATALOGUE, options: Any = None) -> None:
        self._names = ([str(name) for _, name in jobs] if kind == DECLARATIONS
                       else [Path(job[0]).name for job in jobs])
        env = dict(os.environ)
        # the child imports this package as this process does, installed or not
        root = str(Path(api.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (root, env.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from api.read_worker import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._process.stdin as stdin:
            pickle.dump((kind, [(str(job[0]), *job[1:]) for job in jobs],
                         limits or ReadLimits(), options), stdin)
        self._messages: queue.Queue[tuple[str, int, Any] | None] = queue.Queue(AHEAD)
        self._pump = threading.Thread(target=self._pump_messages, args=(self._process.stdout,),
                                      name="import-reader", daemon=True)
        self._closing = False
        self._pump.start()

    def _pump_messages(self, stream: IO[bytes]) -> None:
        """Thread: messages from the process, unpickled, into the queue; None at the end."""
        with stream:
            while not self._closing:
                message = _read_message(stream)
                self._messages.put(message)
                if message is None:
                    return

    def batches(self, index: int) -> Iterator[Any]:
        """Prepared batches of job ``index`` (jobs must be consumed in order).

        Raises:
            UnreadableFileError: the reader found the file damaged (rows before it were
                yielded), or stopped.
        """
        while True:
            message = self._messages.get()
            if message is None:
                self._messages.put(None)  # later files end here too
                raise UnreadableFileError(
                    self._names[index],
                    f"读取进程已停止 (the reader process stopped, exit code "
                    f"{self._process.wait()})")
            kind, job, payload = message
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
        self._closing = True
        if self._process.poll() is None:
            self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        with contextlib.suppress(queue.Empty):  # let the thread put its last message and end
            while True:
                self._messages.get_nowait()
        self._pump.join(timeout=10)
