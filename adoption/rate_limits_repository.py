"""Requests counted per key (a client address) in fixed windows, in the database so that
every app host counts them together: the public 查新 (``POST /api/checks``) uses it.

The counts share the ``sign_in_throttle`` table (a key, a count, the window's start), under
keys of their own kind (``check:203.0.113.9``); the sign-in throttle never reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from adoption.db import write, writing
from adoption.errors import RateLimited


async def bump(key: str, now: dt.datetime, window_start: dt.datetime) -> dict[str, Any]:
    """Count one event against ``key`` in its window (a window that began at or before
    ``window_start`` is over: the count starts again at 1 from ``now``); one atomic upsert, so
    concurrent hosts count every event. Call it inside ``writing()``. Returns the row's
    ``failures`` (the count) and ``window_started_at``."""
    rows = await write(
        "INSERT INTO sign_in_throttle (key, failures, window_started_at) "
        "VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET "
        "failures = CASE WHEN sign_in_throttle.window_started_at <= ? THEN 1 "
        "ELSE sign_in_throttle.failures + 1 END, "
        "window_started_at = CASE WHEN sign_in_throttle.window_started_at <= ? "
        "THEN excluded.window_started_at ELSE sign_in_throttle.window_started_at END "
        "RETURNING failures, window_started_at", [key, now, window_start, window_start])
    return dict(rows[0])


async def count_request(key: str, now: dt.datetime, *, window: dt.timedelta, limit: int,
                        what: str) -> int:
    """Count one request against ``key``; refuse it when the window already holds ``limit``.

    One atomic upsert, so concurrent hosts count every request. Returns the count so far.

    Raises:
        RateLimited: the ``limit + 1``-th request of a window (with when the window ends).
    """
    async with writing():
        row = await bump(key[:200], now, now - window)
    count = int(row["failures"])
    if count > limit:
        started = row["window_started_at"]
        if isinstance(started, str):
            started = dt.datetime.fromisoformat(started)
        if started.tzinfo is None:
            started = started.replace(tzinfo=dt.UTC)
        raise RateLimited(started + window, now, what)
    return count
