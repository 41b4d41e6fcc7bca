"""The unique key of watch notices (watch, standard, event, day: a run may repeat) and the
inbox's index (a migration of its own: piccolo runs raw steps before its table steps)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from adoption.piccolo_migrations import index_migration

ID = "2026-12-23T10:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: one notice per watch, standard, event and day"

INDEXES = {
    "watch_notice_key": (
        "CREATE UNIQUE INDEX watch_notice_key ON watch_notice "
        "(watch, standard, event, occurred_on)"),
    "watch_notice_unread": "CREATE INDEX watch_notice_unread ON watch_notice (watch, read_at)",
}


async def forwards() -> MigrationManager:
    return index_migration(ID, DESCRIPTION, "watch", INDEXES)
