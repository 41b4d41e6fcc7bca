"""Tables of the PostgreSQL search backend (STDTRACK_SEARCH=postgres).

``search_document`` holds one narrow row per standard: filter columns, status dates as day
numbers, code keys and a tsvector of jieba-segmented terms; ``search_display`` the fields shown
for a hit (both written by search_index.postgres_backend, which also rebuilds them aside and
renames them into place); ``search_lexeme`` lists every indexed term with its document count;
``search_meta`` keeps the schema version and build time.

PostgreSQL only: on SQLite search runs on the embedded whoosh index and this migration creates
nothing. The columns must match ``search_index.postgres_backend.STAGE_COLUMNS``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-11-23T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search tables of the PostgreSQL search backend"

STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS search_document (
        id integer PRIMARY KEY,
        level text,
        year integer,
        eff integer,
        wd integer,
        dated integer,
        num integer,
        part integer,
        tnorm real,
        prefix_keys text[],
        code_keys text[],
        family_compact text COLLATE "C",
        number_compact text COLLATE "C",
        region_code text,
        industry_code text,
        ics text[],
        ccs text,
        tsv tsvector
    )""",
    """CREATE TABLE IF NOT EXISTS search_display (
        id integer PRIMARY KEY,
        code text,
        normalized_code text,
        title_zh text,
        title_en text,
        scope text,
        phrase_text text
    )""",
    "CREATE INDEX IF NOT EXISTS search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_document_keys ON search_document USING gin (code_keys)",
    "CREATE INDEX IF NOT EXISTS search_document_family ON search_document (family_compact)",
    "CREATE INDEX IF NOT EXISTS search_document_number ON search_document (number_compact)",
    "CREATE TABLE IF NOT EXISTS search_lexeme (term text PRIMARY KEY, docs integer NOT NULL)",
    "CREATE TABLE IF NOT EXISTS search_meta (key text PRIMARY KEY, value text NOT NULL)",
)


class _Runner(Table, tablename="search_meta"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)

    async def create_tables() -> None:
        # a Table caches its engine on first use: look it up for this run (tests, benches and
        # the CLI may migrate more than one database in one process)
        _Runner._meta.db = engine_finder()
        if _Runner._meta.db.engine_type != "postgres":
            return
        for statement in STATEMENTS:
            await _Runner.raw(statement)

    async def drop_tables() -> None:
        _Runner._meta.db = engine_finder()
        if _Runner._meta.db.engine_type != "postgres":
            return
        for name in ("search_document", "search_display", "search_lexeme", "search_meta"):
            await _Runner.raw(f"DROP TABLE IF EXISTS {name}")

    manager.add_raw(create_tables)
    manager.add_raw_backwards(drop_tables)
    return manager
