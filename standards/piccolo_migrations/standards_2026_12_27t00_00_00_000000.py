"""Relation ids indexed only where they are set.

A relation keeps the codes of both ends and the id of each end once the catalogue holds it;
an import fills the ids of earlier relations naming the standards it has just written
(``repository._resolve_relations``: ``... WHERE object IS NULL AND object_code = ANY(keys)``).
With a full index on the id, and statistics a bulk import had made stale, PostgreSQL fetched
every relation still unresolved through that index and compared each with the chunk's 2,000
keys: per chunk, time grew with the relations stored before it (the catalogue import at
400,000 records spent 16.6 of its 41 s there). Partial indexes ``WHERE ... IS NOT NULL`` serve
every lookup by id (an equality implies it) and cannot serve ``IS NULL``, so the statement is
driven by the codes of the chunk.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-27T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standards: relation ids indexed where set (an import resolving ends stays linear)"

ENDS = ("subject", "object")


class _Runner(Table, tablename="relation"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def _reindex(partial: bool) -> None:
    _Runner._meta.db = engine_finder()
    for end in ENDS:
        await _Runner.raw(f"DROP INDEX IF EXISTS relation_{end}")
        where = f' WHERE "{end}" IS NOT NULL' if partial else ""
        await _Runner.raw(f'CREATE INDEX relation_{end} ON "relation" ("{end}"){where}')


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)

    async def partial() -> None:
        await _reindex(partial=True)

    async def whole() -> None:
        await _reindex(partial=False)

    manager.add_raw(partial)
    manager.add_raw_backwards(whole)
    return manager
