"""Blocking work in a worker thread that is never abandoned half-way.

A thread cannot be stopped. ``anyio.to_thread.run_sync`` returns at once when the awaiting
asyncio task is cancelled (``task.cancel()``, as a cancelled job's task is), and the thread
goes on alone: a cancelled index rebuild then removed its half-written generation while the
thread still committed into it, and the thread outlived everything that started it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread

T = TypeVar("T")


async def run_to_end(func: Callable[..., T], *args: object) -> T:
    """``func(*args)`` in a worker thread. When the awaiting task is cancelled meanwhile, the
    call still runs to its end and the cancellation is raised after it (its result or error
    is dropped then), so the caller's clean-up never races the thread."""
    future = asyncio.ensure_future(anyio.to_thread.run_sync(func, *args))
    cancelled: asyncio.CancelledError | None = None
    while not future.done():
        try:
            await asyncio.wait([future])
        except asyncio.CancelledError as exc:
            cancelled = exc
    if cancelled is not None:
        if not future.cancelled():
            future.exception()  # retrieved: the cancellation is what the caller gets
        raise cancelled
    return future.result()
