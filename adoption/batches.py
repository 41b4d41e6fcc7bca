"""Whole-region computations in Python (due lists, grades, triage) allocate hundreds of
thousands of small objects, none of them cyclic; the cyclic garbage collector, triggered by
those allocations, would walk the whole heap again and again (a third to half of the time at
80,000 standards, bench/bench_reviews.py). ``collector_paused`` holds it off for a
synchronous stretch; ``off_the_loop`` runs such a stretch in a worker thread with the
collector paused, so that the event loop answers other requests meanwhile (a province's
triage is seconds of pure Python)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from standards.threads import run_to_end

T = TypeVar("T")

_lock = threading.Lock()
_paused = 0  # stretches inside collector_paused now, in every thread
_restore = False  # whether the first of them found the collector on


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block (reference counting still frees objects).

    The collector is one for the process: stretches running at once in several threads share
    one pause, taken by the first and given back by the last to end (a stretch ending early
    must not turn it on under another still running); the state found by the first is
    restored, also when a block raises. While paused, the event loop's own allocations are
    not collected cyclically either; the collector's thresholds bring a pass soon after.
    """
    global _paused, _restore
    with _lock:
        if _paused == 0:
            _restore = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _restore:
                gc.enable()


def _paused_call(func: Callable[..., T], *args: object) -> T:
    with collector_paused():
        return func(*args)


async def off_the_loop(func: Callable[..., T], *args: object) -> T:
    """``func(*args)`` in a worker thread with the collector paused, run to its end even when
    the awaiting task is cancelled (standards.threads.run_to_end). ``func`` must not touch
    the database or anything bound to the event loop."""
    return await run_to_end(_paused_call, func, *args)
