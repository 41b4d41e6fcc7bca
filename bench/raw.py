"""The limit an import is compared with: the same rows written by the driver's own fast path
(COPY on PostgreSQL, ``executemany`` on SQLite) into tables shaped like ours (same columns,
defaults and indexes), measured in the same run.

After an import, each named table's rows are read back chunk by chunk (not timed) and written
into a shadow table ``raw_<table>`` (timed: only the writes, one transaction per chunk, as the
importers commit), then the shadows are dropped. ``import seconds / raw seconds`` is then the
share of the driver's throughput the import reaches.
"""

from __future__ import annotations

import re
import time
from typing import Any

from piccolo.engine.base import Engine

from standards import db

CHUNK = 5_000


async def _shadow(engine: Engine, table: str) -> str:
    shadow = f"raw_{table}"
    async with engine.transaction():
        if engine.engine_type == "postgres":
            await db.fetch(engine, f"DROP TABLE IF EXISTS {shadow}", [])
            await db.fetch(engine, f"CREATE TABLE {shadow} (LIKE {table} INCLUDING DEFAULTS "
                                   "INCLUDING CONSTRAINTS INCLUDING INDEXES)", [])
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


async def raw_insert_seconds(engine: Engine, table: str, chunk: int = CHUNK) -> tuple[int, float]:
    """Copy ``table`` into its shadow with the driver's bulk path; (rows, seconds of writing)."""
    shadow = await _shadow(engine, table)
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


async def raw_insert_limit(engine: Engine, tables: list[str]) -> dict[str, Any]:
    """The driver's bulk path over every row of ``tables``: rows, seconds, rows/s per table
    and in all."""
    figures: dict[str, Any] = {"method": "COPY" if engine.engine_type == "postgres"
                               else "executemany", "tables": {}}
    total_rows = 0
    total_seconds = 0.0
    for table in tables:
        rows, seconds = await raw_insert_seconds(engine, table)
        figures["tables"][table] = {"rows": rows, "seconds": round(seconds, 2)}
        total_rows += rows
        total_seconds += seconds
    figures.update(rows=total_rows, seconds=round(total_seconds, 2),
                   rows_per_s=round(total_rows / total_seconds) if total_seconds else None)
    return figures
