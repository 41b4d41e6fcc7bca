"""Database engines: build one from a URL, bind our tables to it, open and close it.

SQLite keeps one long-lived connection for statements outside transactions: piccolo's engine
would otherwise open a connection (and a thread) for every query, about 2 ms each.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.table import Table

from standards import data_version
from standards.errors import ConfigurationError, DatabaseError

MAX_ID = 2**63 - 1
"""The largest id a BIGINT (PostgreSQL) or INTEGER (SQLite) column holds."""

SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -65536",  # 64 MB page cache: the 2 MB default hurts grouped queries
    "PRAGMA mmap_size = 268435456",
    "PRAGMA temp_store = MEMORY",
)
DEFAULT_LOCK_TIMEOUT = 60.0
# PostgreSQL advisory lock held by each catalogue write transaction: two imports take turns
# chunk by chunk, so neither inserts a code the other has just inserted
CATALOGUE_WRITE_LOCK = 60062


class StdtrackSQLiteEngine(SQLiteEngine):
    """SQLite engine: WAL, a larger cache, one shared connection for autocommit statements.

    ``lock_timeout`` (seconds) is how long a statement waits for another connection's write
    lock (``busy_timeout``) before it fails with "database is locked".
    """

    def __init__(self, path: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
                 **kwargs: Any) -> None:
        super().__init__(path=path, timeout=lock_timeout, check_same_thread=False, **kwargs)
        self.lock_timeout = lock_timeout
        self._shared: aiosqlite.Connection | None = None

    async def _prepare(self, connection: aiosqlite.Connection) -> None:
        for pragma in SQLITE_PRAGMAS:
            await connection.execute(pragma)
        await connection.execute(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")

    async def get_connection(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await self._prepare(connection)
        return connection

    async def shared_connection(self) -> aiosqlite.Connection:
        """The connection used by statements that run outside an explicit transaction."""
        if self._shared is None:
            connection = await self.get_connection()
            await connection.execute("PRAGMA journal_mode = WAL")
            self._shared = connection
        return self._shared

    async def _run_in_new_connection(  # type: ignore[override]
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> list[dict[str, Any]]:
        connection = await self.shared_connection()
        async with connection.execute(query, args or []) as cursor:
            rows: list[dict[str, Any]] = list(await cursor.fetchall())  # type: ignore[arg-type]
            return rows

    async def close(self) -> None:
        """Close the shared connection (its worker thread would otherwise keep the process up)."""
        if self._shared is not None:
            await self._shared.close()
            self._shared = None


def sqlite_path(url: str) -> Path:
    """``sqlite:///relative/path`` or ``sqlite:////absolute/path`` to a path."""
    if not url.startswith("sqlite:///"):
        raise ConfigurationError(f"DATABASE_URL={url!r}: a SQLite URL starts with sqlite:///")
    return Path(url[len("sqlite:///") :])


class StdtrackPostgresEngine(PostgresEngine):
    """PostgreSQL engine that knows how long a write waits for another writer's lock."""

    def __init__(self, config: dict[str, Any], lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
                 **kwargs: Any) -> None:
        super().__init__(config=config, **kwargs)
        self.lock_timeout = lock_timeout


def create_engine(url: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Engine:
    """Build (but do not connect) the engine a ``DATABASE_URL`` names; writes wait up to
    ``lock_timeout`` seconds for another writer (``STDTRACK_DB_LOCK_TIMEOUT``)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return StdtrackSQLiteEngine(path=str(path), lock_timeout=lock_timeout)
    if url.startswith(("postgresql://", "postgres://")):
        return StdtrackPostgresEngine(config={"dsn": url}, lock_timeout=lock_timeout)
    raise ConfigurationError(f"DATABASE_URL={url!r}: unsupported database")


def lock_timeout_of(engine: Engine) -> float:
    """The engine's lock timeout in seconds (the default for a plain piccolo engine)."""
    return float(getattr(engine, "lock_timeout", DEFAULT_LOCK_TIMEOUT))


def busy_error(engine: Engine) -> DatabaseError:
    """The one-line error of a write that waited for the lock in vain."""
    seconds = lock_timeout_of(engine)
    return DatabaseError(
        f"数据库正忙 / the database is busy: another import or writer held the write lock for "
        f"more than {seconds:g} s (STDTRACK_DB_LOCK_TIMEOUT); try again when it has finished")


def is_lock_timeout(exc: BaseException) -> bool:
    """True for a driver error that means "waited for a lock too long" (SQLite's locked /
    busy, PostgreSQL's lock_timeout)."""
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).casefold()
        return "locked" in text or "busy" in text
    return type(exc).__name__ in ("LockNotAvailableError", "DeadlockDetectedError")


@asynccontextmanager
async def write_transaction(engine: Engine) -> AsyncIterator[None]:
    """A catalogue write transaction that takes the write lock at its start: SQLite's
    (``BEGIN IMMEDIATE``: a deferred transaction that reads first fails at once when another
    writer committed in between) or a PostgreSQL advisory lock; both wait up to the lock
    timeout.

    Raises:
        DatabaseError: the lock was not had in time (the message names the setting).
    """
    try:
        if isinstance(engine, SQLiteEngine):
            async with engine.transaction(  # type: ignore[call-arg]
                    transaction_type=TransactionType.immediate):
                yield
                await fetch(engine, data_version.BUMP_SQL, [])
                await fetch(engine, data_version.FORGET_STORED_SQL, [])
            return
        async with engine.transaction():
            timeout_ms = int(lock_timeout_of(engine) * 1000)
            await fetch(engine, f"SET LOCAL lock_timeout = {timeout_ms}", [])
            await fetch(engine, f"SELECT pg_advisory_xact_lock({CATALOGUE_WRITE_LOCK})", [])
            yield
            await fetch(engine, data_version.BUMP_SQL, [])  # answers kept for days go stale
            await fetch(engine, data_version.FORGET_STORED_SQL, [])
    except Exception as exc:
        if is_lock_timeout(exc):
            raise busy_error(engine) from exc
        raise


def bind_tables(engine: Engine, tables: Iterable[type[Table]]) -> None:
    """Make ``tables`` run their queries on ``engine``."""
    for table in tables:
        table._meta.db = engine


async def open_engine(engine: Engine, pool_size: int = 10) -> None:
    """Connect: a pool on PostgreSQL, the shared connection on SQLite.

    Raises:
        DatabaseError: the server cannot be reached (the message says which).
    """
    try:
        if isinstance(engine, PostgresEngine):
            await engine.start_connection_pool(min_size=1, max_size=pool_size)
        elif isinstance(engine, StdtrackSQLiteEngine):
            await engine.shared_connection()
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(f"cannot open the database: {exc}") from exc
    except Exception as exc:  # asyncpg raises its own hierarchy for auth/db-missing errors
        if type(exc).__module__.startswith("asyncpg"):
            raise DatabaseError(f"cannot open the database: {exc}") from exc
        raise


async def close_engine(engine: Engine) -> None:
    """Release what :func:`open_engine` opened."""
    if isinstance(engine, PostgresEngine):
        if engine.pool is not None:
            await engine.close_connection_pool()
    elif isinstance(engine, StdtrackSQLiteEngine):
        await engine.close()


def describe_engine(engine: Engine) -> str:
    if isinstance(engine, PostgresEngine):
        dsn = str(engine.config.get("dsn", ""))
        return f"postgresql ({dsn.rsplit('@', 1)[-1]})"
    if isinstance(engine, SQLiteEngine):
        return f"sqlite ({engine.path})"
    return engine.engine_type


async def executemany(engine: Engine, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Run one statement for many rows on the driver's own fast path, in the open transaction.

    ``sql`` uses ``?`` placeholders; they become ``$n`` on PostgreSQL. Piccolo's query strings
    cost more than the database itself for bulk writes (see STACK-NOTES).

    Raises:
        DatabaseError: called outside a transaction.
    """
    if not rows:
        return
    transaction = engine.current_transaction.get()
    if transaction is None:
        raise DatabaseError("executemany needs an open transaction")
    if engine.engine_type == "sqlite":
        await transaction.connection.executemany(sql, rows)
        return
    parts = sql.split("?")
    numbered = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
    await transaction.connection.executemany(numbered, rows)


async def fetch(engine: Engine, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    """Run a query on the driver directly, in the open transaction (``?`` placeholders)."""
    transaction = engine.current_transaction.get()
    if transaction is None:
        raise DatabaseError("fetch needs an open transaction")
    if engine.engine_type == "sqlite":
        async with transaction.connection.execute(sql, args) as cursor:
            return list(await cursor.fetchall())
    parts = sql.split("?")
    numbered = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
    return [dict(record) for record in await transaction.connection.fetch(numbered, *args)]


async def insert_rows(
    engine: Engine, table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Bulk INSERT in the open transaction: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if engine.engine_type == "postgres":
        transaction = engine.current_transaction.get()
        if transaction is None:
            raise DatabaseError("insert_rows needs an open transaction")
        await transaction.connection.copy_records_to_table(table, records=rows, columns=columns)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    await executemany(engine, sql, rows)


def bound(engine: Engine, value: Any) -> Any:
    """``value`` as the driver will bind it: on SQLite the registered adapter (piccolo's, for
    dates and datetimes) applied once, for a value bound on thousands of rows; else itself."""
    if engine.engine_type == "sqlite":
        adapter = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
        if adapter is not None:
            return adapter(value)
    return value


def in_list(
    engine: Engine, column: str, values: list[Any], sql_type: str = "text"
) -> tuple[str, list[Any]]:
    """``column IN (...)`` for many values: one array parameter on PostgreSQL (planning a
    statement with thousands of parameters is slow there), plain placeholders on SQLite."""
    if engine.engine_type == "postgres":
        return f"{column} = ANY(?::{sql_type}[])", [list(values)]
    return f"{column} IN ({', '.join('?' for _ in values)})", list(values)
