"""Composite and partial indexes of the adoption tables.

Plain CREATE INDEX statements because SQLite cannot ALTER TABLE ... ADD CONSTRAINT, and piccolo
runs raw steps before its table steps, hence a migration of their own. Partial indexes (WHERE)
work the same on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-11-23T20:30:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: unique product and active-declaration keys, one open alert each"

INDEXES = {
    # a product is its enterprise's name + model (and the enterprise's product list)
    "product_unique": "CREATE UNIQUE INDEX product_unique ON product (enterprise, name, model)",
    # one active declaration of a standard per product; withdrawn ones are history
    "declaration_active": (
        "CREATE UNIQUE INDEX declaration_active ON declaration (product, code_key) "
        "WHERE withdrawn_on IS NULL"
    ),
    # what a catalogue import re-resolves: unresolved and undated declarations
    "declaration_unresolved": (
        "CREATE INDEX declaration_unresolved ON declaration (code_key) WHERE standard IS NULL"
    ),
    "declaration_undated": (
        "CREATE INDEX declaration_undated ON declaration (code_key) WHERE undated"
    ),
    "alert_open": (
        "CREATE UNIQUE INDEX alert_open ON alert (declaration) WHERE cleared_at IS NULL"
    ),
    "alert_declaration": "CREATE INDEX alert_declaration ON alert (declaration)",
}


class _Runner(Table, tablename="declaration"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)

    async def create_indexes() -> None:
        # a Table caches its engine on first use: look it up for this run (tests, benches and
        # the CLI may migrate more than one database in one process)
        _Runner._meta.db = engine_finder()
        for statement in INDEXES.values():
            await _Runner.raw(statement)

    async def drop_indexes() -> None:
        _Runner._meta.db = engine_finder()
        for name in INDEXES:
            await _Runner.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
