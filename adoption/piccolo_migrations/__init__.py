"""Piccolo migrations of the adoption app, and what several of them share."""

from __future__ import annotations

from collections.abc import Mapping

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table


def index_migration(migration_id: str, description: str, table: str,
                    indexes: Mapping[str, str]) -> MigrationManager:
    """A migration creating ``indexes`` (name -> CREATE statement) forwards and dropping them
    backwards, as raw SQL through the migration's engine and transaction (``table``: any
    table of the app; its class only carries the raw statements)."""
    runner = type("_Runner", (Table,), {"__doc__": "raw SQL of an index migration"},
                  tablename=table)
    manager = MigrationManager(migration_id=migration_id, app_name="adoption",
                               description=description)

    async def create() -> None:
        # a Table caches its engine on first use: look it up for this run (tests, benches and
        # the CLI may migrate more than one database in one process)
        runner._meta.db = engine_finder()
        for statement in indexes.values():
            await runner.raw(statement)

    async def drop() -> None:
        runner._meta.db = engine_finder()
        for name in indexes:
            await runner.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
