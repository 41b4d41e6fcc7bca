"""Facet counts and best documents of frequent terms (PostgreSQL search backend).

A word found in a quarter of a province's catalogue (技术: 264,000 of 1 M standards) made every
search for it read all its matches from ``search_document``, to count them by level, status
and year and to pick the best by title norm: 0.5-2.6 s. For each term in at least ``HOT_FROM``
documents (search_index.postgres_backend), ``search_term_facet`` keeps how many documents hold
it per level, year and status dates (dates before the build day folded: see that module), and
``search_term_top`` its documents of best title norm, so such a search reads a few hundred
counts and ranks a few hundred documents.

PostgreSQL only: on SQLite search runs on whoosh and this migration creates nothing. An index
built before it keeps no term (``search_meta`` has no ``facet_day``) and is searched as before
until it is rebuilt (its schema version differs: ``stdtrack index status`` says so).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from standards.piccolo_migrations import raw_migration

ID = "2026-12-28T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search: facet counts and best documents of frequent terms (PostgreSQL backend)"

STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS search_term_facet (
        term text NOT NULL,
        level text NOT NULL,
        year integer NOT NULL,
        eff integer NOT NULL,
        wd integer NOT NULL,
        n integer NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS search_term_facet_key "
    "ON search_term_facet (term, level, year, eff, wd)",
    "CREATE TABLE IF NOT EXISTS search_term_top (term text NOT NULL, tnorm real, "
    "id integer NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_term_top_term ON search_term_top (term, tnorm DESC, id)",
    "CREATE INDEX IF NOT EXISTS search_term_top_id ON search_term_top (id)",
)


async def forwards() -> MigrationManager:
    return raw_migration(ID, "standards", DESCRIPTION, "search_meta", STATEMENTS, (
        "DROP TABLE IF EXISTS search_term_facet, search_term_top",
        "DELETE FROM search_meta WHERE key = 'facet_day'"), postgres_only=True)
