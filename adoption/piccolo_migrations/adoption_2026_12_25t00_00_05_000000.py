"""Watch notices of drafting projects (a project of a watched region, organisation or keywords
reaching a stage): ``watch_notice.project`` names the project, and ``watch_notice.standard``
becomes nullable (a project may have no standard yet). One notice per watch, project, event
and day (a unique key beside the standards' one: each leaves the other's column null).

PostgreSQL alters the table; SQLite cannot drop a NOT NULL, so the table is rebuilt the way
SQLite documents (create, copy, drop, rename, indexes again) — nothing references
``watch_notice``. Raw SQL, which piccolo's auto-migration snapshot does not see;
``adoption/tables.py`` states the columns as they now are. Not reversible (notices of projects
would have nowhere to go).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-25T00:00:05:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: watch notices of drafting projects (project, standard nullable)"

COLUMNS = ("id, watch, standard, code, title, event, detail, occurred_on, created_at, read_at, "
           "emailed_at, queued_at")
INDEXES = (
    'CREATE INDEX watch_notice_project ON "watch_notice" ("project")',
    "CREATE UNIQUE INDEX watch_notice_project_key ON watch_notice "
    "(watch, project, event, occurred_on)",
)
SQLITE_REBUILD = (
    'CREATE TABLE "watch_notice_rebuilt" ("id" INTEGER PRIMARY KEY NOT NULL, '
    '"watch" INTEGER NOT NULL REFERENCES "watch" ("id") ON DELETE CASCADE ON UPDATE CASCADE '
    'DEFAULT null, '
    '"standard" INTEGER REFERENCES "standard" ("id") ON DELETE CASCADE ON UPDATE CASCADE '
    'DEFAULT null, '
    '"project" INTEGER REFERENCES "drafting_project" ("id") ON DELETE CASCADE '
    'ON UPDATE CASCADE DEFAULT null, '
    '"code" VARCHAR(200) NOT NULL DEFAULT \'\', "title" TEXT DEFAULT null, '
    '"event" VARCHAR(20) NOT NULL DEFAULT \'\', "detail" TEXT NOT NULL DEFAULT \'\', '
    '"occurred_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
    '"created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
    '"read_at" TIMESTAMPTZ DEFAULT null, "emailed_at" TIMESTAMPTZ DEFAULT null, '
    '"queued_at" TIMESTAMPTZ DEFAULT null)',
    f'INSERT INTO "watch_notice_rebuilt" ({COLUMNS}) SELECT {COLUMNS} FROM "watch_notice"',
    'DROP TABLE "watch_notice"',
    'ALTER TABLE "watch_notice_rebuilt" RENAME TO "watch_notice"',
    'CREATE INDEX watch_notice_watch ON "watch_notice" ("watch")',
    'CREATE INDEX watch_notice_standard ON "watch_notice" ("standard")',
    "CREATE UNIQUE INDEX watch_notice_key ON watch_notice (watch, standard, event, occurred_on)",
    "CREATE INDEX watch_notice_unread ON watch_notice (watch, read_at)",
    *INDEXES,
)
POSTGRES_ALTER = (
    'ALTER TABLE "watch_notice" ALTER COLUMN "standard" DROP NOT NULL',
    'ALTER TABLE "watch_notice" ADD COLUMN "project" INTEGER DEFAULT NULL REFERENCES '
    '"drafting_project" ("id") ON DELETE CASCADE ON UPDATE CASCADE',
    *INDEXES,
)


class _Runner(Table, tablename="watch_notice"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)

    async def project_notices() -> None:
        engine = engine_finder()
        _Runner._meta.db = engine
        statements = SQLITE_REBUILD if engine.engine_type == "sqlite" else POSTGRES_ALTER
        for statement in statements:
            await _Runner.raw(statement)

    manager.add_raw(project_notices)
    return manager
