"""Read-only bulk queries for derived data (the search index): standards streamed in id order
with what an index needs, including the codes each one adopts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from standards.tables import Standard

BATCH = 5000
_COLUMNS = (
    "id, code, normalized_code, family_key, level, prefix, base_prefix, region_code, "
    "industry_code, number, part, year, amendment, title_zh, title_en, published_on, "
    "implemented_on, effective_on, withdrawn_on, withdrawn_undated, upcoming_undated, ics, ccs, "
    "scope, "
    "department, technical_committee, drafters"
)


@dataclass(frozen=True, slots=True)
class IndexSource:
    """A standard edition as a search index needs it.

    A slotted dataclass rather than a pydantic model: a rebuild streams 200,000 of them.
    """

    id: int
    code: str
    normalized_code: str
    family_key: str
    level: str
    prefix: str
    base_prefix: str
    region_code: str | None
    industry_code: str | None
    number: str
    part: str | None
    year: int | None
    amendment: str | None
    title_zh: str | None
    title_en: str | None
    published_on: dt.date | None
    implemented_on: dt.date | None
    effective_on: dt.date | None
    withdrawn_on: dt.date | None
    withdrawn_undated: bool
    upcoming_undated: bool  # upcoming, implementation day unknown (effective_on is None)
    ics: tuple[str, ...]
    ccs: str | None
    scope: str | None
    department: str | None
    technical_committee: str | None
    drafters: tuple[str, ...]
    adopts: tuple[str, ...]  # normalized codes of the documents this edition adopts


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _source(row: dict[str, Any], adopts: list[str]) -> IndexSource:
    return IndexSource(
        id=int(row["id"]),
        code=row["code"],
        normalized_code=row["normalized_code"],
        family_key=row["family_key"],
        level=row["level"],
        prefix=row["prefix"],
        base_prefix=row["base_prefix"] or "",
        region_code=row["region_code"],
        industry_code=row["industry_code"],
        number=row["number"] or "",
        part=row["part"],
        year=row["year"],
        amendment=row["amendment"],
        title_zh=row["title_zh"],
        title_en=row["title_en"],
        published_on=_date(row["published_on"]),
        implemented_on=_date(row["implemented_on"]),
        effective_on=_date(row["effective_on"]),
        withdrawn_on=_date(row["withdrawn_on"]),
        withdrawn_undated=bool(row["withdrawn_undated"]),
        upcoming_undated=bool(row["upcoming_undated"]),
        ics=tuple(row["ics"].split()) if row["ics"] else (),
        ccs=row["ccs"],
        scope=row["scope"],
        department=row["department"],
        technical_committee=row["technical_committee"],
        drafters=tuple(json.loads(row["drafters"] or "[]")),
        adopts=tuple(adopts),
    )


async def _with_adoptions(rows: list[dict[str, Any]]) -> list[IndexSource]:
    if not rows:
        return []
    ids = [int(row["id"]) for row in rows]
    marks = ", ".join("{}" for _ in ids)
    links = await Standard.raw(
        f"SELECT subject, object_code FROM relation WHERE kind = 'adopts' "
        f"AND subject IN ({marks}) ORDER BY id", *ids)
    adopts: dict[int, list[str]] = {}
    for link in links:
        adopts.setdefault(int(link["subject"]), []).append(link["object_code"])
    return [_source(row, adopts.get(int(row["id"]), [])) for row in rows]


async def stream_index_sources(batch_size: int = BATCH) -> AsyncIterator[list[IndexSource]]:
    """Every standard, in id order, ``batch_size`` at a time (keyset pagination)."""
    last = 0
    while True:
        rows = await Standard.raw(
            f"SELECT {_COLUMNS} FROM standard WHERE id > {{}} ORDER BY id LIMIT {{}}",
            last, batch_size)
        if not rows:
            return
        yield await _with_adoptions(list(rows))
        last = int(rows[-1]["id"])


async def index_sources(ids: Sequence[int], batch_size: int = 1000) -> list[IndexSource]:
    """The standards among ``ids`` that exist (a deleted id is simply absent), in id order."""
    found: list[IndexSource] = []
    unique = sorted(set(ids))
    for start in range(0, len(unique), batch_size):
        chunk = unique[start : start + batch_size]
        marks = ", ".join("{}" for _ in chunk)
        rows = await Standard.raw(
            f"SELECT {_COLUMNS} FROM standard WHERE id IN ({marks}) ORDER BY id", *chunk)
        found.extend(await _with_adoptions(list(rows)))
    return found


async def count_standards() -> int:
    rows = await Standard.raw("SELECT COUNT(*) AS n FROM standard")
    return int(rows[0]["n"])


async def ids_changed_since(since: dt.datetime) -> list[int]:
    """Standards created or changed at or after ``since`` (an import stamps what it writes
    with its start time), in id order."""
    rows = await Standard.raw("SELECT id FROM standard WHERE updated_at >= {} ORDER BY id",
                              since)
    return [int(row["id"]) for row in rows]


async def count_changed_after(moment: dt.datetime) -> int:
    """How many standards were created or changed after ``moment``."""
    rows = await Standard.raw("SELECT COUNT(*) AS n FROM standard WHERE updated_at > {}", moment)
    return int(rows[0]["n"])
