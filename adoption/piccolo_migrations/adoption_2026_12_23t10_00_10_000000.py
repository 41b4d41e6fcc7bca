"""The unique key of watch notices (watch, standard, event, day: a run may repeat) and the
inbox's index (a migration of its own: piccolo runs raw steps before its table steps)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-23T10:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: one notice per watch, standard, event and day"

INDEXES = {
    "watch_notice_key": (
        "CREATE UNIQUE INDEX watch_notice_key ON watch_notice "
        "(watch, standard, event, occurred_on)"),
    "watch_notice_unread": "CREATE INDEX watch_notice_unread ON watch_notice (watch, read_at)",
}


class _Runner(Table, tablename="watch"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)

    async def create() -> None:
        _Runner._meta.db = engine_finder()
        for statement in INDEXES.values():
            await _Runner.raw(statement)

    async def drop() -> None:
        _Runner._meta.db = engine_finder()
        for name in INDEXES:
            await _Runner.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
