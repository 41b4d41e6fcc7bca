"""Reads the watch runs need (``api/pipelines/watches.py``): standards new to the catalogue
after an id, the other editions of their families, and editions coming into force in a window.
Changes of stored standards come from :func:`standards.repository.change_feed`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from standards.db import in_list
from standards.repository import _chunks, _select
from standards.tables import Standard


async def new_standards(after_id: int, limit: int = 10_000) -> list[dict[str, Any]]:
    """Standards with an id above ``after_id`` (new to the catalogue), oldest first:
    ``{id, family_key, created_at, older_editions}`` (editions of the family stored before)."""
    rows = await _select(
        "SELECT s.id, s.family_key, s.created_at, (SELECT COUNT(*) FROM standard o WHERE "
        "o.family_key = s.family_key AND o.id < s.id AND o.amendment IS NULL) AS older_editions "
        "FROM standard s WHERE s.id > ? ORDER BY s.id LIMIT ?", [after_id, limit])
    return rows


async def coming_into_force(after: dt.date, until: dt.date) -> list[int]:
    """Ids of editions whose implementation day is after ``after`` and on or before
    ``until`` (and that are not withdrawn first)."""
    rows = await _select(
        "SELECT id FROM standard WHERE effective_on > ? AND effective_on <= ? "
        "AND NOT withdrawn_undated AND (withdrawn_on IS NULL OR withdrawn_on > effective_on)",
        [after, until])
    return [row["id"] for row in rows]


async def last_ids() -> tuple[int, int]:
    """The newest change-log id and standard id (0 when none)."""
    changes = await _select("SELECT MAX(id) AS n FROM change_log", [])
    standards = await _select("SELECT MAX(id) AS n FROM standard", [])
    return int(changes[0]["n"] or 0), int(standards[0]["n"] or 0)


async def family_members(ids: Sequence[int]) -> dict[int, str]:
    """``{id: family_key}`` of standards."""
    engine = Standard._meta.db
    found: dict[int, str] = {}
    for chunk in _chunks(list(dict.fromkeys(ids))):
        where, args = in_list(engine, "id", list(chunk), "bigint")
        rows = await _select(f"SELECT id, family_key FROM standard WHERE {where}", args)
        found.update({row["id"]: row["family_key"] for row in rows})
    return found
