"""Composite unique keys and date indexes of the standards core.

Plain CREATE INDEX statements because SQLite cannot ALTER TABLE ... ADD CONSTRAINT, and piccolo
runs raw steps before its table steps, hence a migration of their own.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-11-23T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique keys of relation and standard_ics; index on the validity start"

STATEMENTS = (
    "CREATE UNIQUE INDEX relation_unique ON relation (subject_code, kind, object_code)",
    "CREATE UNIQUE INDEX standard_ics_unique ON standard_ics (standard, ics)",
    "CREATE INDEX standard_effective_on ON standard (effective_on)",
)


class _Runner(Table, tablename="standard"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)

    async def create_indexes() -> None:
        # a Table caches its engine on first use: look it up for this run (tests, benches and
        # the CLI may migrate more than one database in one process)
        _Runner._meta.db = engine_finder()
        for statement in STATEMENTS:
            await _Runner.raw(statement)

    async def drop_indexes() -> None:
        _Runner._meta.db = engine_finder()
        for name in ("relation_unique", "standard_ics_unique", "standard_effective_on"):
            await _Runner.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
