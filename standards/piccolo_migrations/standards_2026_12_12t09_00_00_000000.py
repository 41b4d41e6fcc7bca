"""Official prints and the amendment note: stored codes and keys re-normalised.

Mandatory local codes now print as the official platforms list them, ``DB31/ 890-2015``
(stored before as ``DB31 890-2015``), and a standard's ``code`` is its official print (the
catalogue key) rather than the spelling of the source that created it; that spelling moves to
the record's extra fields (``code.<source>``). Every stored key is parsed again and written the
way this version writes it: ``standard.normalized_code``, ``family_key`` and ``code``;
``relation.subject_code`` and ``object_code`` (relation ids are then filled in for ends that
now name a stored standard). A key that no longer parses, or whose new form another row
already holds, is left as it is. New column ``standard.amendment_note``.

Adoption's stored keys are re-normalised by adoption's migration of the same date.
"""

import json
import logging
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder
from piccolo.table import Table

from standards.codes import try_parse_code
from standards.db import executemany, fetch
from standards.prepare import reference_key, renormalised_key, spelling_key

ID = "2026-12-12T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standards: official prints (DB31/ 890-2015), codes re-normalised, amendment note"

log = logging.getLogger(__name__)


class _Runner(Table, tablename="standard"):
    """Only used to reach the migration's engine and transaction."""


async def _standards(engine: Any) -> None:
    rows = await fetch(engine, "SELECT id, code, normalized_code, family_key, extra, source "
                               "FROM standard ORDER BY id", [])
    taken = {row["normalized_code"] for row in rows}
    updates: list[tuple[Any, ...]] = []
    for row in rows:
        key = renormalised_key(row["normalized_code"])
        parsed = try_parse_code(key)
        family = parsed.family_key if parsed is not None else row["family_key"]
        if key != row["normalized_code"]:
            if key in taken:
                log.warning("standard %s: %s is already stored; kept as %s", row["id"], key,
                            row["normalized_code"])
                continue
            taken.add(key)
        extra = json.loads(row["extra"] or "{}")
        printed = (row["code"] or "").strip()
        if printed and printed != key:
            extra.setdefault(spelling_key(row["source"] or "unknown"), printed)
        if (key, family, key) == (row["normalized_code"], row["family_key"], row["code"]):
            continue
        updates.append((key, family, key, json.dumps(extra, ensure_ascii=False), row["id"]))
    # a new key is a fixed point of the parser, so no row moves onto a key another row leaves
    await executemany(engine, "UPDATE standard SET normalized_code = ?, family_key = ?, "
                              "code = ?, extra = ? WHERE id = ?", updates)


async def _relations(engine: Any) -> None:
    rows = await fetch(engine, "SELECT id, subject_code, kind, object_code FROM relation "
                               "ORDER BY id", [])
    kept: set[tuple[str, str, str]] = set()
    moved: list[tuple[str, str, int]] = []
    duplicates: list[tuple[int]] = []
    for row in rows:
        triple = (reference_key(row["subject_code"]), row["kind"], reference_key(row["object_code"]))
        if triple in kept:
            duplicates.append((row["id"],))
            continue
        kept.add(triple)
        if (triple[0], triple[2]) != (row["subject_code"], row["object_code"]):
            moved.append((triple[0], triple[2], row["id"]))
    await executemany(engine, "DELETE FROM relation WHERE id = ?", duplicates)
    await executemany(engine, "UPDATE relation SET subject_code = ?, object_code = ? "
                              "WHERE id = ?", moved)
    for end in ("subject", "object"):
        await fetch(engine, f"UPDATE relation SET {end} = (SELECT id FROM standard s "
                            f"WHERE s.normalized_code = relation.{end}_code) "
                            f"WHERE {end} IS NULL", [])


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)

    async def renormalise() -> None:
        # a Table caches its engine on first use: look it up for this run
        _Runner._meta.db = engine = engine_finder()
        await _standards(engine)
        await _relations(engine)

    manager.add_raw(renormalise)
    manager.add_column(
        table_class_name="Standard",
        tablename="standard",
        column_name="amendment_note",
        db_column_name="amendment_note",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 60,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
