"""The data version: one row whose counter every write that can change an indicator, a goal's
progress or the drafting figures bumps (declarations, products, enterprises, catalogue imports
through the facts rebuild, drafting plans, goals, domain rules). Answers kept for a past day
(adoption/data_version.py) are keyed by it, so a write makes them stale at once on every host.

``nonce`` is drawn when the row is (re)created, so a table emptied and filled again never
meets answers kept under the same counter.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-22T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standards: data version counter (kept answers of past days)"

CREATE = ('CREATE TABLE IF NOT EXISTS "data_version" ("id" INTEGER PRIMARY KEY NOT NULL, '
          '"nonce" VARCHAR(32) NOT NULL DEFAULT \'\', "version" BIGINT NOT NULL DEFAULT 0)')


class _Runner(Table, tablename="data_version"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)

    async def create() -> None:
        _Runner._meta.db = engine_finder()
        await _Runner.raw(CREATE)

    async def drop() -> None:
        _Runner._meta.db = engine_finder()
        await _Runner.raw('DROP TABLE IF EXISTS "data_version"')

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
