"""Composite and partial indexes of the adoption tables.

Plain CREATE INDEX statements because SQLite cannot ALTER TABLE ... ADD CONSTRAINT, and piccolo
runs raw steps before its table steps, hence a migration of their own. Partial indexes (WHERE)
work the same on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from adoption.piccolo_migrations import index_migration

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


async def forwards() -> MigrationManager:
    return index_migration(ID, DESCRIPTION, "declaration", INDEXES)
