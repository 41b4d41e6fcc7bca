"""The life of an import batch: its state (running / finished / failed; a running batch whose
process is gone reads as interrupted), the process that runs it (pid, host, heartbeat), a
message, and when the search index took in what it wrote.

Batches recorded before this migration: finished ones count as indexed; unfinished ones stay
running with no process, so they read as interrupted.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-10T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "import batch state, process, heartbeat, message and index time"

COLUMNS = (
    ("state", "VARCHAR(20) NOT NULL DEFAULT 'finished'"),
    ("pid", "INTEGER NULL"),
    ("host", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ("heartbeat_at", "TIMESTAMPTZ NULL"),
    ("indexed_at", "TIMESTAMPTZ NULL"),
    ("message", "TEXT NOT NULL DEFAULT ''"),
)


class _Runner(Table, tablename="import_batch"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)

    async def add_columns() -> None:
        # a Table caches its engine on first use: look it up for this run
        _Runner._meta.db = engine_finder()
        for name, definition in COLUMNS:
            await _Runner.raw(f"ALTER TABLE import_batch ADD COLUMN {name} {definition}")
        await _Runner.raw("UPDATE import_batch SET state = 'running' WHERE finished_at IS NULL")
        await _Runner.raw(
            "UPDATE import_batch SET indexed_at = finished_at WHERE finished_at IS NOT NULL")

    async def drop_columns() -> None:
        _Runner._meta.db = engine_finder()
        for name, _definition in COLUMNS:
            await _Runner.raw(f"ALTER TABLE import_batch DROP COLUMN {name}")

    manager.add_raw(add_columns)
    manager.add_raw_backwards(drop_columns)
    return manager
