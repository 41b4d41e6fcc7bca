"""Stored days: past days whose answers are kept in the database (adoption keeps the indicator
cube of each, ``cube_snapshot``), valid across processes, restarts and hosts.

A write deletes the rows of the days it can change (``data_version.bump``: every day, or the
days from the first one its dates reach), in its own transaction, so a kept day is never
older than the data. A row is written ``ready = 0`` before its answers are computed and made
ready after; a write in between deletes it, and the answers are then not kept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-26T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standards: stored days (answers of closed days kept in the database)"

CREATE = (
    'CREATE TABLE IF NOT EXISTS "stored_day" ("id" {serial} PRIMARY KEY, '
    '"kind" VARCHAR(20) NOT NULL, "day" DATE NOT NULL, "token" VARCHAR(32) NOT NULL, '
    '"nonce" VARCHAR(32) NOT NULL, "ready" INTEGER NOT NULL DEFAULT 0, '
    '"started_at" TIMESTAMP NOT NULL)')
INDEXES = ('CREATE UNIQUE INDEX IF NOT EXISTS stored_day_token ON "stored_day" ("token")',
           'CREATE INDEX IF NOT EXISTS stored_day_day ON "stored_day" ("day", "kind")')


class _Runner(Table, tablename="stored_day"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)

    async def create() -> None:
        engine = engine_finder()
        _Runner._meta.db = engine
        serial = "BIGSERIAL" if engine.engine_type == "postgres" else "INTEGER"
        await _Runner.raw(CREATE.format(serial=serial))
        for sql in INDEXES:
            await _Runner.raw(sql)

    async def drop() -> None:
        _Runner._meta.db = engine_finder()
        await _Runner.raw('DROP TABLE IF EXISTS "stored_day"')

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
