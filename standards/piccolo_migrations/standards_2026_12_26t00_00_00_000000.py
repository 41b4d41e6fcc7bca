"""Stored days: past days whose answers are kept in the database (adoption keeps the indicator
cube of each, ``cube_snapshot``), valid across processes, restarts and hosts.

A write deletes the rows of the days it can change (``data_version.bump``: every day, or the
days from the first one its dates reach), in its own transaction, so a kept day is never
older than the data. A row is written ``ready = 0`` before its answers are computed and made
ready after; a write in between deletes it, and the answers are then not kept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from standards.piccolo_migrations import table_migration

ID = "2026-12-26T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standards: stored days (answers of closed days kept in the database)"

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "stored_day" ("id" {serial} PRIMARY KEY, '
    '"kind" VARCHAR(20) NOT NULL, "day" DATE NOT NULL, "token" VARCHAR(32) NOT NULL, '
    '"nonce" VARCHAR(32) NOT NULL, "ready" INTEGER NOT NULL DEFAULT 0, '
    '"started_at" TIMESTAMP NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS stored_day_token ON "stored_day" ("token")',
    'CREATE INDEX IF NOT EXISTS stored_day_day ON "stored_day" ("day", "kind")',
)


async def forwards() -> MigrationManager:
    return table_migration(ID, "standards", DESCRIPTION, "stored_day", STATEMENTS)
