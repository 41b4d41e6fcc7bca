"""The limit an import is compared with: the same rows written by the driver's own fast path
(COPY on PostgreSQL, ``executemany`` on SQLite) into tables shaped like ours (same columns,
defaults and indexes), measured in the same run.

After an import, each named table's rows are read back chunk by chunk (not timed) and written
into a shadow table ``raw_<table>`` (timed: only the writes, one transaction per chunk, as the
importers commit), then the shadows are dropped. On PostgreSQL the shadows have no foreign keys
unless asked (``foreign_keys=True``: the import's tables check theirs on every row, which COPY
into a bare shadow does not; ``make bench-scale`` gives both figures).
``import seconds / raw seconds`` is then the share of the driver's throughput the import
reaches.
"""

from __future__ import annotations

import re
import time
from typing import Any

from piccolo.engine.base import Engine

from standards import db

CHUNK = 5_000
# the rows each import writes (its own tables, not the search index or facts it builds after)
CATALOGUE_TABLES = ["standard", "standard_ics", "relation"]
DECLARATION_TABLES = ["enterprise", "product", "declaration", "alert"]


async def _shadow(engine: Engine, table: str, foreign_keys: bool = False) -> str:
    shadow = f"raw_{table}"
    async with engine.transaction():
        if engine.engine_type == "postgres":
            await db.fetch(engine, f"DROP TABLE IF EXISTS {shadow}", [])
            await db.fetch(engine, f"CREATE TABLE {shadow} (LIKE {table} INCLUDING DEFAULTS "
                                   "INCLUDING CONSTRAINTS INCLUDING INDEXES)", [])
            if foreign_keys:  # LIKE copies no foreign key: each is checked on every row
                for row in await db.fetch(
                        engine, "SELECT conname, pg_get_constraintdef(oid) AS definition "
                        "FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'f' "
                        "ORDER BY conname", [table]):
                    await db.fetch(engine, f"ALTER TABLE {shadow} ADD CONSTRAINT "
                                   f"raw_{row['conname']} {row['definition']}", [])
            return shadow
        await db.fetch(engine, f"DROP TABLE IF EXISTS {shadow}", [])
        rows = await db.fetch(
            engine, "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                    "ORDER BY type DESC", [table])
        name = re.compile(rf'(?<![\w"]){table}(?![\w"])|"{table}"')
        for row in rows:
            sql = row["sql"]
            if row["type"] == "index":
                sql = re.sub(r"INDEX\s+(IF NOT EXISTS\s+)?\"?(\w+)\"?",
                             lambda m: f"INDEX raw_{m.group(2)}", sql, count=1)
                sql = re.sub(rf'\bON\s+"?{table}"?', f"ON {shadow}", sql, count=1)
            else:
                sql = name.sub(shadow, sql, count=1)
            await db.fetch(engine, sql, [])
    return shadow


async def raw_insert_seconds(engine: Engine, table: str, chunk: int = CHUNK,
                             foreign_keys: bool = False) -> tuple[int, float]:
    """Copy ``table`` into its shadow with the driver's bulk path; (rows, seconds of writing).
    ``foreign_keys``: the shadow has the table's foreign keys too (PostgreSQL; SQLite's
    shadow is created from the table's own statement, foreign keys included)."""
    shadow = await _shadow(engine, table, foreign_keys)
    rows_done = 0
    spent = 0.0
    last_id = -1
    try:
        while True:
            async with engine.transaction():
                rows = await db.fetch(
                    engine, f"SELECT * FROM {table} WHERE id > ? ORDER BY id LIMIT {chunk}",
                    [last_id])
            if not rows:
                break
            columns = list(rows[0].keys())
            values = [tuple(row[column] for column in columns) for row in rows]
            last_id = rows[-1]["id"]
            started = time.perf_counter()
            async with engine.transaction():
                await db.insert_rows(engine, shadow, columns, values)
            spent += time.perf_counter() - started
            rows_done += len(values)
    finally:
        async with engine.transaction():
            await db.fetch(engine, f"DROP TABLE IF EXISTS {shadow}", [])
    return rows_done, spent


async def raw_insert_limit(engine: Engine, tables: list[str],
                           foreign_keys: bool = False) -> dict[str, Any]:
    """The driver's bulk path over every row of ``tables``: rows, seconds, rows/s per table
    and in all. ``foreign_keys``: into shadows that check the tables' foreign keys too, as
    the import's own writes do (PostgreSQL's ``LIKE`` copies none)."""
    figures: dict[str, Any] = {"method": "COPY" if engine.engine_type == "postgres"
                               else "executemany", "tables": {}}
    if foreign_keys:
        figures["foreign_keys"] = True
    total_rows = 0
    total_seconds = 0.0
    for table in tables:
        rows, seconds = await raw_insert_seconds(engine, table, foreign_keys=foreign_keys)
        figures["tables"][table] = {"rows": rows, "seconds": round(seconds, 2)}
        total_rows += rows
        total_seconds += seconds
    figures.update(rows=total_rows, seconds=round(total_seconds, 2),
                   rows_per_s=round(total_rows / total_seconds) if total_seconds else None)
    return figures
