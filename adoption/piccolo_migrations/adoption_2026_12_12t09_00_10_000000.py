"""Declared codes' and drafting projects' catalogue keys re-normalised (official prints).

Mandatory local codes now print ``DB31/ 890-2015`` (stored before as ``DB31 890-2015``; see
the standards migration of the same date): ``declaration.code_key``, ``alert.code`` and the
codes in ``alert.successors``, ``drafting_project.code_key`` and ``revises_key`` are parsed again
and written as this version writes them. A key that no longer parses, or a declaration whose
new key its product already declares (active), is left as it is.
"""

import json
import logging
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

from standards.db import executemany, fetch
from standards.prepare import renormalised_key

ID = "2026-12-12T09:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: declared and drafting catalogue keys re-normalised (DB31/ 890-2015)"

log = logging.getLogger(__name__)


class _Runner(Table, tablename="declaration"):
    """Only used to reach the migration's engine and transaction."""


async def _declarations(engine: Any) -> None:
    rows = await fetch(engine, "SELECT id, product, code_key, withdrawn_on FROM declaration "
                               "ORDER BY id", [])
    active = {(row["product"], row["code_key"]) for row in rows if row["withdrawn_on"] is None}
    updates: list[tuple[str, int]] = []
    for row in rows:
        key = renormalised_key(row["code_key"])
        if key == row["code_key"]:
            continue
        if row["withdrawn_on"] is None:
            if (row["product"], key) in active:
                log.warning("declaration %s: product %s already declares %s; kept as %s",
                            row["id"], row["product"], key, row["code_key"])
                continue
            active.add((row["product"], key))
        updates.append((key, row["id"]))
    await executemany(engine, "UPDATE declaration SET code_key = ? WHERE id = ?", updates)


async def _alerts(engine: Any) -> None:
    rows = await fetch(engine, "SELECT id, code, successors FROM alert", [])
    updates: list[tuple[str, str, int]] = []
    for row in rows:
        successors = json.loads(row["successors"] or "[]")
        key = renormalised_key(row["code"])
        renamed = [renormalised_key(code) for code in successors]
        if key != row["code"] or renamed != successors:
            updates.append((key, json.dumps(renamed, ensure_ascii=False), row["id"]))
    await executemany(engine, "UPDATE alert SET code = ?, successors = ? WHERE id = ?", updates)


async def _drafting(engine: Any) -> None:
    rows = await fetch(engine, "SELECT id, code_key, revises_key FROM drafting_project", [])
    updates: list[tuple[str | None, str | None, int]] = []
    for row in rows:
        code_key = renormalised_key(row["code_key"]) if row["code_key"] else None
        revises_key = renormalised_key(row["revises_key"]) if row["revises_key"] else None
        if (code_key, revises_key) != (row["code_key"], row["revises_key"]):
            updates.append((code_key, revises_key, row["id"]))
    await executemany(engine, "UPDATE drafting_project SET code_key = ?, revises_key = ? "
                              "WHERE id = ?", updates)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)

    async def renormalise() -> None:
        # a Table caches its engine on first use: look it up for this run
        _Runner._meta.db = engine = engine_finder()
        await _declarations(engine)
        await _alerts(engine)
        await _drafting(engine)

    manager.add_raw(renormalise)
    return manager
