"""The data version, and answers kept under it.

Every write that can change what the indicators, goals or drafting figures answer bumps one
counter (``data_version``, a table of one row), inside its own transaction: every catalogue
write (``standards.db.write_transaction``), declarations, products and enterprises (the
facts queue), the facts rebuild, drafting plans and stages, goals and domain rules. An answer
for a day is a function of the data, that day and today, so it can be kept under
``(nonce, version)`` and reused until the next write — on every host, since each reads the
version from the database (one primary-key read). ``nonce`` is drawn when the row is created:
a table emptied and filled again never meets answers kept under an old counter.
"""

from __future__ import annotations

import pickle
import secrets
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from piccolo.engine.base import Engine

from standards.tables import Standard

Answer = TypeVar("Answer")
Version = tuple[str, int]
KEPT_ANSWERS = 2048
SHARED_ANSWERS = 64
BUMP_SQL = "UPDATE data_version SET version = version + 1 WHERE id = 1"

_kept: OrderedDict[Hashable, bytes] = OrderedDict()
_shared: OrderedDict[tuple[Version, Hashable], Any] = OrderedDict()
_lock = threading.Lock()


async def bump(engine: Engine | None = None) -> None:
    """Mark the data changed, in the writer's open transaction (none open: on its own)."""
    from standards.db import fetch  # (standards.db imports this module)

    engine = engine or Standard._meta.db
    if engine.current_transaction.get() is not None:
        await fetch(engine, BUMP_SQL, [])
    else:
        await Standard.raw(BUMP_SQL)


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
