"""Progress of long CLI work on stderr: a rich bar on a terminal, plain lines otherwise (a log,
a pipe, cron), so that a long import is never silent."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import (
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

LINE_SECONDS = 5.0
"""Without a terminal, a progress line is printed at most this often."""


@contextmanager
def progress_reporter(label: str, unit: str = "records", *, total: int | None = None,
                      console: Console | None = None, every: float = LINE_SECONDS
                      ) -> Iterator[Callable[[int], None]]:
    """A callback counting work done (``advance(n)``); shown as a bar on a terminal, else as
    ``<label>: <n> <unit> (<s> s)`` lines on stderr, and a last line when the work ends."""
    console = console or Console(stderr=True)
    if console.is_terminal:
        with Progress(SpinnerColumn(), TextColumn("[progress.description]{task.description}"),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                      transient=True) as bar:
            task = bar.add_task(label, total=total)
            yield lambda n: bar.advance(task, n)
        return
    started = time.monotonic()
    state = {"done": 0, "said": started}

    def line() -> str:
        of = f" of {total}" if total else ""
        return (f"{label}: {state['done']}{of} {unit} "
                f"({time.monotonic() - started:.0f} s)")

    def advance(n: int) -> None:
        state["done"] += n
        now = time.monotonic()
        if now - state["said"] >= every:
            state["said"] = now
            click.echo(line(), err=True)

    yield advance
    click.echo(line(), err=True)
