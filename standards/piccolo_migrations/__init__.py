"""Piccolo migrations of the standards app, and what migrations of several apps share."""

from __future__ import annotations

from collections.abc import Sequence

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
