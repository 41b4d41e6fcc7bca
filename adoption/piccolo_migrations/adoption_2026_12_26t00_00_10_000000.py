"""The indicator cube of stored past days (``cube_snapshot``): what ``indicator_cube`` holds for
today, for a closed day (a year end of the trend, a month end of a goal's series), under the
token of its ``stored_day`` row. A past day's indicator is then read like today's, from a few
thousand rows, instead of recomputed from the declarations on every host after every start.
Each day is stored twice: every row (``rollup`` 0), and rolled up to cities without sector
and key fields (``rollup`` 1: a few hundred rows, what a province's trend and its cities read).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from standards.piccolo_migrations import table_migration

ID = "2026-12-26T00:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: indicator cube of stored past days"

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "cube_snapshot" ("id" {serial} PRIMARY KEY, '
    '"token" VARCHAR(32) NOT NULL, "day" DATE NOT NULL, '
    '"region_code" VARCHAR(6) NOT NULL DEFAULT \'\', "sector" VARCHAR(100) NOT NULL DEFAULT \'\', '
    '"key_fields" VARCHAR(300) NOT NULL DEFAULT \'\', "main" INTEGER NOT NULL DEFAULT 0, '
    '"covered" INTEGER NOT NULL DEFAULT 0, "reason" VARCHAR(40) NOT NULL DEFAULT \'\', '
    '"mask" INTEGER NOT NULL DEFAULT 0, "products" INTEGER NOT NULL DEFAULT 0, '
    '"rollup" INTEGER NOT NULL DEFAULT 0)',
    'CREATE INDEX IF NOT EXISTS cube_snapshot_token ON "cube_snapshot" ("token", "rollup")',
)


async def forwards() -> MigrationManager:
    return table_migration(ID, "adoption", DESCRIPTION, "cube_snapshot", STATEMENTS)
