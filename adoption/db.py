"""The adoption package's database plumbing: its one engine, write transactions and reads with
``?`` placeholders (the repositories' only way to the database)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType

from adoption.tables import Declaration
from standards.db import fetch


def adoption_engine() -> Engine:
    """The engine every adoption table is bound to."""
    engine: Engine = Declaration._meta.db
    return engine


@asynccontextmanager
async def writing() -> AsyncIterator[Engine]:
    """A write transaction, or the one already open. On SQLite it takes the write lock at
    BEGIN (IMMEDIATE): a deferred transaction that reads first fails when another writer
    committed in between."""
    engine = adoption_engine()
    if engine.current_transaction.get() is not None:
        yield engine
        return
    if engine.engine_type == "sqlite":
        async with engine.transaction(transaction_type=TransactionType.immediate):  # type: ignore[call-arg]
            yield engine
    else:
        async with engine.transaction():
            yield engine


async def select(sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """A read with ``?`` placeholders: in the open transaction (driver path), else on the
    shared connection (SQLite's warm page cache)."""
    engine = adoption_engine()
    if engine.current_transaction.get() is not None:
        return await fetch(engine, sql, list(args))
    return list(await Declaration.raw(sql.replace("?", "{}"), *args))


async def write(sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """A statement with ``?`` placeholders; the rows it returns (``RETURNING``), if any."""
    return await fetch(adoption_engine(), sql, list(args))


def is_unique_violation(exc: BaseException) -> bool:
    """Whether a driver error is a unique key refusing a row (both engines): what a check
    made just before the write could not see under concurrency on PostgreSQL."""
    return isinstance(exc, asyncpg.UniqueViolationError) or (
        isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc))
