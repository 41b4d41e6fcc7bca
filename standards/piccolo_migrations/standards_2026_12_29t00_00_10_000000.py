"""Editions by their withdrawal day (partial: most editions are not withdrawn).

Deriving a past day from a stored one near it lists the products whose declared editions were
withdrawn in between: without this index a scan of every edition (0.2 s at a province's 1 M).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from standards.piccolo_migrations import raw_migration

ID = "2026-12-29T00:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "standards: editions by withdrawal day"


async def forwards() -> MigrationManager:
    return raw_migration(ID, "standards", DESCRIPTION, "standard", (
        "CREATE INDEX IF NOT EXISTS standard_withdrawn_on ON standard (withdrawn_on) "
        "WHERE withdrawn_on IS NOT NULL",), ("DROP INDEX IF EXISTS standard_withdrawn_on",))
