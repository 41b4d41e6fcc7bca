"""Kept answers of searches that count many matches (PostgreSQL search backend).

A search for two frequent words (技术 要求: 89,000 of a province's 1 M standards) reads every
match to count it by level, status and year: 100-500 ms however often it is asked. Kept
frequent terms (``search_term_facet``) serve one word, not a pair. ``search_answer`` keeps
the rows such a search returned (its page and counts), under the index's generation
(``search_meta``), which every write of the index bumps, emptying the table; an answer of an
older generation is never read (see search_index.postgres_backend).

PostgreSQL only: on SQLite search runs on whoosh and this migration creates nothing.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from standards.piccolo_migrations import raw_migration

ID = "2026-12-29T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search: kept answers of searches that count many matches (PostgreSQL backend)"

STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS search_answer (
        key text PRIMARY KEY,
        generation bigint NOT NULL,
        rows text NOT NULL,
        relaxed boolean NOT NULL,
        kept_at timestamptz NOT NULL DEFAULT now()
    )""",
    "CREATE INDEX IF NOT EXISTS search_answer_kept_at ON search_answer (kept_at)",
)


async def forwards() -> MigrationManager:
    return raw_migration(ID, "standards", DESCRIPTION, "search_meta", STATEMENTS, (
        "DROP TABLE IF EXISTS search_answer",
        "DELETE FROM search_meta WHERE key = 'generation'"), postgres_only=True)
