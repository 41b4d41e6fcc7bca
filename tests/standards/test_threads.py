"""A worker thread's call is never abandoned by a cancelled task."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from standards.threads import run_to_end

pytestmark = pytest.mark.anyio


async def test_the_call_ends_before_the_cancellation_goes_on() -> None:
    started, ended = threading.Event(), threading.Event()

    def work() -> None:
        started.set()
        time.sleep(0.3)
        ended.set()

    task = asyncio.ensure_future(run_to_end(work))
    while not started.is_set():
        await asyncio.sleep(0.01)
    task.cancel()
    task.get_loop().call_later(0.05, task.cancel)  # a second cancellation is waited out too
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ended.is_set()


async def test_results_and_errors_pass_through() -> None:
    assert await run_to_end(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        await run_to_end(divmod, 1, 0)
