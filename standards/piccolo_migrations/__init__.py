"""Piccolo migrations of the standards app, and what migrations of several apps share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table


def table_migration(migration_id: str, app_name: str, description: str, table: str,
                    statements: Sequence[str]) -> MigrationManager:
    """A migration creating ``table`` forwards (``statements``: its CREATE TABLE and indexes,
    raw SQL where ``{serial}`` is the engine's auto-increment key type) and dropping it
    backwards, through the migration's engine and transaction."""
    runner = type("_Runner", (Table,), {"__doc__": "raw SQL of a table migration"},
                  tablename=table)
    manager = MigrationManager(migration_id=migration_id, app_name=app_name,
                               description=description)

    async def create() -> None:
        # a Table caches its engine on first use: look it up for this run (tests, benches and
        # the CLI may migrate more than one database in one process)
        engine = engine_finder()
        runner._meta.db = engine
        serial = "BIGSERIAL" if engine.engine_type == "postgres" else "INTEGER"
        for statement in statements:
            await runner.raw(statement.replace("{serial}", serial))

    async def drop() -> None:
        runner._meta.db = engine_finder()
        await runner.raw(f'DROP TABLE IF EXISTS "{table}"')

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager


def raw_migration(migration_id: str, app_name: str, description: str, table: str,
                  forwards_sql: Sequence[str], backwards_sql: Sequence[str],
                  postgres_only: bool = False) -> MigrationManager:
    """A migration running ``forwards_sql`` forwards and ``backwards_sql`` backwards, as raw SQL
    through the migration's engine and transaction (``table``: any table of the app; its class
    only carries the statements). ``postgres_only``: on SQLite it does nothing (what only the
    PostgreSQL search backend reads)."""
    runner = type("_Runner", (Table,), {"__doc__": "raw SQL of a migration"}, tablename=table)
    manager = MigrationManager(migration_id=migration_id, app_name=app_name,
                               description=description)

    def run(statements: Sequence[str]) -> Callable[[], Awaitable[None]]:
        async def step() -> None:
            # looked up for each run (tests, benches and the CLI may migrate several databases)
            runner._meta.db = engine_finder()
            if postgres_only and runner._meta.db.engine_type != "postgres":
                return
            for statement in statements:
                await runner.raw(statement)
        return step

    manager.add_raw(run(forwards_sql))
    manager.add_raw_backwards(run(backwards_sql))
    return manager
