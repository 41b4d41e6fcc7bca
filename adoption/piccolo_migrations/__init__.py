"""Piccolo migrations of the adoption app, and what several of them share."""

from __future__ import annotations

from collections.abc import Mapping

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from standards.piccolo_migrations import raw_migration


def index_migration(migration_id: str, description: str, table: str,
                    indexes: Mapping[str, str]) -> MigrationManager:
    """A migration creating ``indexes`` (name -> CREATE statement) forwards and dropping them
    backwards, as raw SQL through the migration's engine and transaction (``table``: any
    table of the app; its class only carries the raw statements)."""
    return raw_migration(migration_id, "adoption", description, table, list(indexes.values()),
                         [f"DROP INDEX IF EXISTS {name}" for name in indexes])
