"""The record of a bulk import of declarations, drafting plans or reviews: one row per run in
its own table (``declaration_import``, ``drafting_import``, ``review_import``), with the files,
who ran it, when it started and finished, its counts and its whole report."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from adoption.db import select, write, writing
from adoption.errors import RecordNotFound

# table -> the words naming one of its rows in an error
TABLES = {"declaration_import": "declaration import", "drafting_import": "drafting import",
          "review_import": "review import"}


def _table(table: str) -> str:
    if table not in TABLES:  # the name goes into SQL text: only the known tables
        raise ValueError(f"not an import record table: {table!r}")
    return table


async def create(table: str, *, files: list[dict[str, Any]], actor: str,
                 started_at: dt.datetime) -> int:
    """Record the start of an import; returns its id."""
    async with writing():
        rows = await write(
            f"INSERT INTO {_table(table)} (files, actor, started_at, created, updated, "
            "unchanged, rejected, report) VALUES (?, ?, ?, 0, 0, 0, 0, '{}') RETURNING id",
            [json.dumps(files, ensure_ascii=False), actor, started_at])
    return int(rows[0]["id"])


async def finish(table: str, import_id: int, *, report: dict[str, Any]) -> None:
    """Record the end of an import with its report (files, counts, rejected rows)."""
    async with writing():
        await write(
            f"UPDATE {_table(table)} SET finished_at = ?, files = ?, created = ?, updated = ?, "
            "unchanged = ?, rejected = ?, report = ? WHERE id = ?",
            [dt.datetime.now(dt.UTC), json.dumps(report["files"], ensure_ascii=False),
             report["created"], report["updated"], report["unchanged"], len(report["rejected"]),
             json.dumps(report, ensure_ascii=False, default=str), import_id])


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["files"] = json.loads(row.get("files") or "[]")
    if "report" in row:
        row["report"] = json.loads(row["report"] or "{}")
    return row


async def listed(table: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Imports newest first, without their full reports."""
    rows = await select(
        "SELECT id, files, actor, started_at, finished_at, created, updated, unchanged, "
        f"rejected FROM {_table(table)} ORDER BY id DESC LIMIT ? OFFSET ?", [limit, offset])
    return [_decoded(row) for row in rows]


async def one(table: str, import_id: int) -> dict[str, Any]:
    """One import with its report.

    Raises:
        RecordNotFound: no import of this kind has this id.
    """
    rows = await select(f"SELECT * FROM {_table(table)} WHERE id = ?", [import_id])
    if not rows:
        raise RecordNotFound(f"no {TABLES[table]} with id {import_id}")
    return _decoded(rows[0])
