"""Whole-region computations in Python (due lists, grades, triage) allocate hundreds of
thousands of small objects, none of them cyclic; the cyclic garbage collector, triggered by
those allocations, would walk the whole heap again and again (a third to half of the time at
80,000 standards, bench/bench_reviews.py). ``collector_paused`` holds it off for a
synchronous stretch (no await inside, so no other task runs meanwhile); re-enabled after,
its own thresholds decide when it next runs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block (reference counting still frees objects);
    the previous state is restored, also when the block raises."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
