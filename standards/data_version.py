"""The data version, and answers kept under it.

Every write that can change what the indicators, goals or drafting figures answer bumps one
counter (``data_version``, a table of one row), inside its own transaction: every catalogue
write (``standards.db.write_transaction``), declarations, products and enterprises (the
facts queue), the facts rebuild, drafting plans and stages, goals and domain rules. An answer
for a day is a function of the data, that day and today, so it can be kept under
``(nonce, version)`` and reused until the next write — on every host, since each reads the
version from the database (one primary-key read). ``nonce`` is drawn when the row is created:
a table emptied and filled again never meets answers kept under an old counter.

Answers of closed days can also be stored in the database (``stored_day``: a row per day and
kind, its answers in tables of their own under its token), so they outlive the process and
serve every host. A write deletes the stored days it can change, right after bumping the
counter: every day, or only those from ``since`` on when the writer knows its dates (a
declaration made today cannot change last year's figures). See :func:`store_day_rows`.
"""

from __future__ import annotations

import datetime as dt
import pickle
import secrets
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Hashable, Sequence
from typing import Any, TypeVar

from piccolo.engine.base import Engine

from standards.tables import Standard

Answer = TypeVar("Answer")
Version = tuple[str, int]
KEPT_ANSWERS = 2048
SHARED_ANSWERS = 64
BUMP_SQL = "UPDATE data_version SET version = version + 1 WHERE id = 1"
FORGET_STORED_SQL = "DELETE FROM stored_day"
"""Run right after :data:`BUMP_SQL` by a write that can change any day (the catalogue's)."""
STALE_PENDING = dt.timedelta(hours=6)
"""A stored day not made ready within this long was left by a process that stopped."""

_kept: OrderedDict[Hashable, bytes] = OrderedDict()
_shared: OrderedDict[tuple[Version, Hashable], Any] = OrderedDict()
_lock = threading.Lock()


async def bump(engine: Engine | None = None, since: dt.date | None = None) -> None:
    """Mark the data changed, in the writer's open transaction (none open: on its own), and
    delete the stored days it can change: from ``since`` on (the first day the write's dates
    reach), else every one.

    The counter comes first: a process storing days takes the counter's row lock before it
    marks a day pending (:func:`start_stored_days`), so a write either finished before the
    answers were read, or deletes the pending day after it was marked."""
    from standards.db import fetch  # (standards.db imports this module)

    engine = engine or Standard._meta.db
    forget_sql, args = ((FORGET_STORED_SQL + " WHERE day >= ?", [since]) if since is not None
                        else (FORGET_STORED_SQL, []))
    if engine.current_transaction.get() is not None:
        await fetch(engine, BUMP_SQL, [])
        await fetch(engine, forget_sql, args)
    else:
        async with engine.transaction():
            await fetch(engine, BUMP_SQL, [])
            await fetch(engine, forget_sql, args)


async def start_stored_days(engine: Engine, kind: str, days: Sequence[dt.date]
                            ) -> dict[dt.date, str]:
    """Mark ``days`` pending for answers of ``kind`` (in a transaction of their own): a token
    per day, the rows ready only once :func:`finish_stored_days` finds them still there.

    The counter's row is locked first (PostgreSQL): a write that already bumped it has
    committed before the days are marked, so the answers computed after see it; a later
    write deletes the marked rows (and the answers are not kept)."""
    from standards.db import fetch, insert_rows

    if not days:
        return {}
    await current()  # the row exists (a new database)
    tokens = {day: secrets.token_hex(16) for day in days}
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    async with _write_transaction(engine):
        if engine.engine_type == "postgres":
            await fetch(engine, "SELECT version FROM data_version WHERE id = 1 FOR UPDATE", [])
        rows = await fetch(engine, "SELECT nonce FROM data_version WHERE id = 1", [])
        nonce = str(rows[0]["nonce"])
        await insert_rows(engine, "stored_day", ["kind", "day", "token", "nonce", "ready",
                                                 "started_at"],
                          [(kind, day, token, nonce, 0, started) for day, token in tokens.items()])
    return tokens


async def finish_stored_days(engine: Engine, tokens: Sequence[str]) -> list[str]:
    """Of the pending ``tokens``, those no write deleted meanwhile, made ready; called in the
    transaction that writes their answers (which keeps them only for the tokens returned).
    Older rows of the same days and kind are the caller's to delete."""
    from standards.db import fetch, in_list

    if not tokens:
        return []
    where, args = in_list(engine, "token", list(tokens))
    lock = " FOR UPDATE" if engine.engine_type == "postgres" else ""
    alive = [str(row["token"]) for row in await fetch(
        engine, f"SELECT token FROM stored_day WHERE ready = 0 AND {where}{lock}", args)]
    if alive:
        where, args = in_list(engine, "token", alive)
        await fetch(engine, f"UPDATE stored_day SET ready = 1 WHERE {where}", args)
    return alive


async def stored_days(kind: str, days: Sequence[dt.date] | None,
                      engine: Engine | None = None) -> dict[dt.date, str]:
    """The ready token of each of ``days`` (None: every day) stored for ``kind`` under the
    current nonce (the newest when several)."""
    from standards.db import in_list

    if days is not None and not days:
        return {}
    engine = engine or Standard._meta.db
    nonce, _version = await current()
    where, args = in_list(engine, "day", list(days), "date") if days is not None else ("1 = 1",
                                                                                      [])
    sql = ("SELECT day, token FROM stored_day WHERE kind = ? AND ready = 1 "
           f"AND nonce = ? AND {where} ORDER BY id")
    rows = await _read(engine, sql, [kind, nonce, *args])
    return {_as_date(row["day"]): str(row["token"]) for row in rows}


async def pending_days(kind: str, engine: Engine | None = None) -> set[dt.date]:
    """Days of ``kind`` another process marked pending lately (it is storing them now)."""

    engine = engine or Standard._meta.db
    since = (dt.datetime.now(dt.UTC) - STALE_PENDING).replace(tzinfo=None)
    sql = "SELECT DISTINCT day FROM stored_day WHERE kind = ? AND ready = 0 AND started_at > ?"
    rows = await _read(engine, sql, [kind, since])
    return {_as_date(row["day"]) for row in rows}


async def still_stored(engine: Engine, tokens: Collection[str]) -> bool:
    """Whether every one of the ready ``tokens`` is still stored (no write deleted it), in the
    open transaction; on PostgreSQL their rows are locked until it ends, so a write deleting
    them waits for it (and finds them after)."""
    from standards.db import fetch, in_list

    if not tokens:
        return True
    where, args = in_list(engine, "token", list(tokens))
    lock = " FOR UPDATE" if engine.engine_type == "postgres" else ""
    rows = await fetch(engine, f"SELECT token FROM stored_day WHERE ready = 1 AND {where}{lock}",
                       args)
    return len(rows) == len(set(tokens))


async def forget_stored(engine: Engine, tokens: Collection[str]) -> None:
    """Delete the stored days of ``tokens`` (in the open transaction)."""
    from standards.db import fetch, in_list

    if tokens:
        where, args = in_list(engine, "token", list(tokens))
        await fetch(engine, f"DELETE FROM stored_day WHERE {where}", args)


async def _read(engine: Engine, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    """A read (``?`` placeholders) in the open transaction, else on the shared connection
    (no transaction to open for a read)."""
    from standards.db import fetch

    if engine.current_transaction.get() is not None:
        return await fetch(engine, sql, args)
    return list(await Standard.raw(sql.replace("?", "{}"), *args))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _write_transaction(engine: Engine) -> Any:
    """A transaction taking SQLite's write lock at its start (as the app's writers do)."""
    if engine.engine_type == "sqlite":
        from piccolo.engine.sqlite import TransactionType

        return engine.transaction(transaction_type=TransactionType.immediate)  # type: ignore[call-arg]
    return engine.transaction()


async def current() -> Version:
    """(nonce, version) of the data now; creates the row when the table is empty."""
    rows = await Standard.raw("SELECT nonce, version FROM data_version WHERE id = 1")
    if not rows:
        await Standard.raw("INSERT INTO data_version (id, nonce, version) VALUES (1, {}, 0) "
                           "ON CONFLICT (id) DO NOTHING", secrets.token_hex(8))
        rows = await Standard.raw("SELECT nonce, version FROM data_version WHERE id = 1")
    return str(rows[0]["nonce"]), int(rows[0]["version"])


def forget() -> None:
    """Drop every kept answer."""
    with _lock:
        _kept.clear()
        _shared.clear()


async def kept(key: Hashable, compute: Callable[[], Awaitable[Answer]],
               version: Version | None = None) -> Answer:
    """The answer kept for ``key`` at the data version (default: now), else ``compute()``'s,
    then kept. Callers get their own copy: changing an answer never changes the kept one.
    """
    stamp = version or await current()
    full_key = (stamp, key)
    with _lock:
        frozen = _kept.get(full_key)
        if frozen is not None:
            _kept.move_to_end(full_key)
    if frozen is not None:
        return pickle.loads(frozen)  # type: ignore[no-any-return]
    answer = await compute()
    keep(key, answer, stamp)
    return answer


async def shared(key: Hashable, compute: Callable[[], Awaitable[Answer]],
                 version: Version | None = None) -> Answer:
    """The answer kept for ``key`` at the data version (default: now), else ``compute()``'s,
    then kept: the same object for every caller, which must only read it.

    For a large answer many callers read (a scope's thousands of drafting projects, read by
    every goal of the scope): a copy per caller, as :func:`kept` gives, cost 40 % of a cold
    dashboard in unpickling. Held live, so only the current version's answers stay.
    """
    stamp = version or await current()
    full_key = (stamp, key)
    with _lock:
        if full_key in _shared:
            _shared.move_to_end(full_key)
            return _shared[full_key]  # type: ignore[no-any-return]
    answer = await compute()
    with _lock:
        for old in [k for k in _shared if k[0] != stamp]:
            del _shared[old]  # live objects are large: those of one version are enough
        _shared[full_key] = answer
        while len(_shared) > SHARED_ANSWERS:
            _shared.popitem(last=False)
    return answer


def keep(key: Hashable, answer: Any, version: Version) -> None:
    """Keep ``answer`` for ``key`` at ``version`` (as :func:`kept` does after computing it)."""
    # kept as pickled bytes: a snapshot no caller can change, and unpickling a reader's own
    # copy costs a tenth of copy.deepcopy of pydantic models (a goal's thousands of projects)
    frozen = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    with _lock:
        _kept[(version, key)] = frozen
        while len(_kept) > KEPT_ANSWERS:
            _kept.popitem(last=False)


def kept_answer(key: Hashable, version: Version) -> tuple[bool, Any]:
    """``(True, answer)`` when an answer is kept for ``key`` at ``version``, else
    ``(False, None)`` (a reader's own copy, as from :func:`kept`)."""
    with _lock:
        frozen = _kept.get((version, key))
        if frozen is not None:
            _kept.move_to_end((version, key))
    if frozen is None:
        return False, None
    return True, pickle.loads(frozen)
