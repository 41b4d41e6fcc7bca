"""Staff curation of the catalogue (the database side): fields edited by hand (the ``manual``
source, which outranks imports), the conflicts imports reported and their resolution, the
sources staff prefer per field, and a record's change history. Every change made here is a
change-log row naming who made it and why."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.engine.base import Engine

from standards.db import bound, fetch, write_transaction
from standards.errors import AlreadyResolved, CurationError, NotFoundError
from standards.lifecycle import effective_from
from standards.merge import LIST_FIELDS, MANUAL_SOURCE, STATED_FIELDS, json_value
from standards.prepare import dumps
from standards.repository import _log_text, _stored_values, conflict_text
from standards.schemas import ConflictPage, ConflictRead, SourcePreferenceRead, StandardChangeRead
from standards.tables import Standard

EDITABLE_FIELDS = ("title_zh", "title_en", "published_on", "implemented_on", "withdrawn_on",
                   "nature", "ccs", "ics", "scope", "department", "technical_committee",
                   "drafters")
"""Fields staff may set by hand (``PATCH /api/standards/{id}``)."""

PREFERABLE_FIELDS = (*EDITABLE_FIELDS, "status_text", "source_url", "withdrawn_undated",
                     "upcoming_undated", "domains", "edition_note", "amendment_note")
"""Fields a conflict may name, and so a source preference."""

DATE_COLUMNS = ("published_on", "implemented_on", "withdrawn_on")


def _engine() -> Engine:
    engine: Engine = Standard._meta.db
    return engine


def _decoded(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _column_value(field: str, value: Any) -> Any:
    """A merge value (as JSON decodes it) in its column's representation."""
    if field in DATE_COLUMNS:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    if field == "ics":
        return " ".join(value or [])
    if field in ("drafters", "domains"):
        return dumps(list(value or []))
    if field in ("withdrawn_undated", "upcoming_undated"):
        return bool(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


async def _row(engine: Engine, standard_id: int) -> dict[str, Any]:
    rows = await fetch(engine, "SELECT * FROM standard WHERE id = ?", [standard_id])
    if not rows:
        raise NotFoundError(f"no standard with id {standard_id}")
    return dict(rows[0])


def _current(row: dict[str, Any], field: str) -> Any:
    stored = _stored_values(row)
    if field in stored:
        return stored[field]
    return row.get(field)


async def _apply(engine: Engine, row: dict[str, Any], values: dict[str, Any], owner: str,
                 *, actor: str, note: str, stamp: Any, log_unchanged: bool = False
                 ) -> list[tuple[str, Any, Any]]:
    """Write ``values`` (merge representation) onto a stored standard as ``owner``'s, with a
    change-log row each (also for an unchanged value when ``log_unchanged``: a decision to
    keep it). Returns the changes ``(field, old, new)``."""
    sources = json.loads(row["field_sources"] or "{}")
    creator = row["source"]
    changes: list[tuple[str, Any, Any]] = []
    update: dict[str, Any] = {}
    logged: list[tuple[str, Any, Any]] = []
    for field, value in values.items():
        if field in DATE_COLUMNS and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        old = _current(row, field)
        same = old == value or (field in LIST_FIELDS and set(old or []) == set(value or []))
        if not same:
            update[field] = _column_value(field, value)
            changes.append((field, old, value))
        if not same or log_unchanged:
            logged.append((field, old, value))
        if owner == creator and field not in STATED_FIELDS:
            sources.pop(field, None)
        else:
            sources[field] = owner
    update["field_sources"] = dumps(sources)
    if changes:
        update["updated_at"] = stamp
        merged = {**_stored_values(row), **{f: new for f, _old, new in changes}}
        update["effective_on"] = effective_from(
            merged.get("implemented_on"), merged.get("published_on"),
            bool(merged.get("upcoming_undated")))
    columns = sorted(update)
    await fetch(engine, f"UPDATE standard SET {', '.join(f'{c} = ?' for c in columns)} "
                "WHERE id = ?", [*(update[c] for c in columns), row["id"]])
    if "ics" in update:
        await fetch(engine, "DELETE FROM standard_ics WHERE standard = ?", [row["id"]])
        for code in dict.fromkeys(values["ics"] or []):
            await fetch(engine, "INSERT INTO standard_ics (standard, ics) VALUES (?, ?)",
                        [row["id"], code])
    for field, old, new in logged:
        await fetch(engine, "INSERT INTO change_log (standard, batch, field, old_value, "
                    "new_value, changed_at, actor, note) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)",
                    [row["id"], field, _log_text(old), _log_text(new), stamp, actor, note])
    row.update(update)
    return changes


# ------------------------------------------------------------------------------------------
# Hand edits
# ------------------------------------------------------------------------------------------


def edit_values(given: dict[str, Any]) -> dict[str, Any]:
    """Edited fields in the merge's representation (lists trimmed, blanks as None / [])."""
    values: dict[str, Any] = {}
    for field, value in given.items():
        if field not in EDITABLE_FIELDS:
            raise CurationError(f"{field}: not a field staff edit by hand")
        if field in LIST_FIELDS:
            values[field] = list(dict.fromkeys(v.strip() for v in value or [] if v.strip()))
        elif isinstance(value, str):
            values[field] = value.strip() or None
        elif hasattr(value, "value"):  # a vocabulary member (nature)
            values[field] = value.value
        else:
            values[field] = value
    return values


async def edit_standard(standard_id: int, given: dict[str, Any], *, actor: str,
                        now: dt.datetime | None = None) -> list[tuple[str, Any, Any]]:
    """Set fields of a standard by hand: they become the ``manual`` source's, which no later
    import overwrites (it reports a conflict instead). Each change is a change-log row.

    Returns:
        the changes ``(field, old, new)`` (empty when every value was already so).

    Raises:
        NotFoundError: no standard has this id.
        CurationError: a field staff do not edit, or dates out of order.
    """
    values = edit_values(given)
    now = now or dt.datetime.now(dt.UTC)
    engine = _engine()
    async with write_transaction(engine):
        row = await _row(engine, standard_id)
        merged = {**_stored_values(row), **values}
        implemented, withdrawn = merged.get("implemented_on"), merged.get("withdrawn_on")
        published = merged.get("published_on")
        if published and implemented and implemented < published:
            raise CurationError(f"实施日期 {implemented} 早于发布日期 {published} "
                                "(implemented before published)")
        if withdrawn and (implemented or published) and withdrawn < (implemented or published):
            raise CurationError(f"废止日期 {withdrawn} 早于实施日期 {implemented or published} "
                                "(withdrawn before it came into force)")
        return await _apply(engine, row, values, MANUAL_SOURCE, actor=actor,
                            note="手工编辑 edited by hand", stamp=bound(engine, now))


async def history(standard_id: int, limit: int = 200) -> list[StandardChangeRead]:
    """A standard's change log, newest first."""
    rows = await Standard.raw(
        "SELECT id, field, old_value, new_value, changed_at, batch AS batch_id, actor, note "
        "FROM change_log WHERE standard = {} ORDER BY id DESC LIMIT {}", standard_id, limit)
    return [StandardChangeRead(**row) for row in rows]


async def manual_fields(standard_id: int) -> list[str]:
    """The fields of a standard set by hand."""
    rows = await Standard.raw("SELECT field_sources FROM standard WHERE id = {}", standard_id)
    if not rows:
        return []
    sources = json.loads(rows[0]["field_sources"] or "{}")
    return sorted(field for field, source in sources.items() if source == MANUAL_SOURCE)


# ------------------------------------------------------------------------------------------
# Conflicts
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConflictFilters:
    state: str = "open"  # open / resolved / all
    field: str | None = None
    source: str | None = None  # the offering or the kept source
    code: str | None = None  # a code prefix (catalogue key)
    batch_id: int | None = None


_CONFLICT_SELECT = (
    "SELECT c.*, s.normalized_code AS code, s.title_zh FROM merge_conflict c "
    "JOIN standard s ON s.id = c.standard")


def _conflict(row: dict[str, Any], current: Any = None) -> ConflictRead:
    return ConflictRead(
        id=row["id"], standard_id=row["standard"], code=row["code"], title_zh=row["title_zh"],
        field=row["field"], kept=_decoded(row["kept_value"]), kept_source=row["kept_source"],
        offered=_decoded(row["offered_value"]), offered_source=row["offered_source"],
        current=current, state=row["state"], resolution=row["resolution"] or "",
        chosen=_decoded(row["chosen_value"]), resolved_by=row["resolved_by"] or "",
        resolved_at=row["resolved_at"], batch_id=row["batch"], times=row["times"],
        first_seen_at=row["first_seen_at"], last_seen_at=row["last_seen_at"])


def _where(filters: ConflictFilters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if filters.state in ("open", "resolved"):
        clauses.append("c.state = {}")
        args.append(filters.state)
    if filters.field:
        clauses.append("c.field = {}")
        args.append(filters.field)
    if filters.source:
        clauses.append("(c.offered_source = {} OR c.kept_source = {})")
        args += [filters.source, filters.source]
    if filters.code:
        prefix = filters.code.strip().upper()
        clauses.append("s.normalized_code >= {} AND s.normalized_code < {}")
        args += [prefix, prefix + "\uffff"]
    if filters.batch_id is not None:
        clauses.append("c.batch = {}")
        args.append(filters.batch_id)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), args


async def list_conflicts(filters: ConflictFilters, page: int = 1, page_size: int = 50
                         ) -> ConflictPage:
    """A page of conflicts (code order, then field), with the value stored now."""
    where, args = _where(filters)
    total = await Standard.raw(
        f"SELECT COUNT(*) AS n FROM merge_conflict c JOIN standard s ON s.id = c.standard "
        f"{where}", *args)
    rows = await Standard.raw(
        f"{_CONFLICT_SELECT} {where} ORDER BY s.normalized_code, c.field, c.id "
        "LIMIT {} OFFSET {}", *args, page_size, (page - 1) * page_size)
    currents = await _currents(rows)
    facets = await Standard.raw("SELECT DISTINCT field, offered_source FROM merge_conflict "
                                "WHERE state = 'open'")
    return ConflictPage(
        total=int(total[0]["n"]), page=page, page_size=page_size,
        items=[_conflict(row, currents.get((row["standard"], row["field"]))) for row in rows],
        fields=sorted({r["field"] for r in facets}),
        sources=sorted({r["offered_source"] for r in facets}))


async def _currents(rows: Sequence[dict[str, Any]]) -> dict[tuple[int, str], Any]:
    ids = sorted({row["standard"] for row in rows})
    if not ids:
        return {}
    marks = ", ".join("{}" for _ in ids)
    stored = {r["id"]: r for r in await Standard.raw(
        f"SELECT * FROM standard WHERE id IN ({marks})", *ids)}
    return {(row["standard"], row["field"]): json_value(_current(stored[row["standard"]],
                                                                 row["field"]))
            for row in rows if row["standard"] in stored}


async def get_conflict(conflict_id: int) -> ConflictRead:
    """Raises: NotFoundError: no conflict has this id."""
    rows = await Standard.raw(f"{_CONFLICT_SELECT} WHERE c.id = {{}}", conflict_id)
    if not rows:
        raise NotFoundError(f"no conflict with id {conflict_id}")
    currents = await _currents(rows)
    return _conflict(rows[0], currents.get((rows[0]["standard"], rows[0]["field"])))


@dataclass(frozen=True, slots=True)
class Resolution:
    conflict: ConflictRead
    also_resolved: int  # other open conflicts a preference settled
    touched: list[int]  # standards whose values changed


async def resolve_conflict(conflict_id: int, keep: str, *, actor: str, prefer: bool = False,
                           now: dt.datetime | None = None) -> Resolution:
    """Decide a conflict: ``keep`` is ``kept`` (the value stored) or ``offered`` (the other
    source's, written to the standard as that source's). With ``prefer`` the chosen side's
    source becomes the preferred source of the field: later imports follow it, and the other
    open conflicts of that field it settles are resolved the same way. Every decision is a
    change-log row.

    Raises:
        NotFoundError: no such conflict.
        CurationError: already resolved, or ``keep`` is neither choice.
    """
    if keep not in ("kept", "offered"):
        raise CurationError(f"keep: {keep!r} — choose kept or offered")
    now = now or dt.datetime.now(dt.UTC)
    engine = _engine()
    settled: list[int] = []
    async with write_transaction(engine):
        stamp = bound(engine, now)
        rows = await fetch(engine, "SELECT * FROM merge_conflict WHERE id = ?", [conflict_id])
        if not rows:
            raise NotFoundError(f"no conflict with id {conflict_id}")
        conflict = rows[0]
        if conflict["state"] != "open":
            raise AlreadyResolved(f"冲突 #{conflict_id} 已于 {conflict['resolved_at']} 解决 "
                                f"(conflict #{conflict_id} is already resolved)")
        source = conflict["offered_source"] if keep == "offered" else conflict["kept_source"]
        resolution = "preference" if prefer else keep
        changed = await _decide(engine, conflict, keep, actor=actor, stamp=stamp,
                                resolution=resolution)
        if prefer and source:
            await _save_preference(engine, conflict["field"], source, actor, stamp)
            settled = await _settle_by_preference(engine, conflict["field"], source, actor,
                                                  stamp, skip=conflict_id)
    touched = ([conflict["standard"]] if changed else []) + settled
    return Resolution(await get_conflict(conflict_id), len(settled),
                      sorted({i for i in touched if i > 0}))


async def _decide(engine: Engine, conflict: dict[str, Any], keep: str, *, actor: str,
                  stamp: Any, resolution: str) -> bool:
    """Resolve one conflict; True when the standard's value changed."""
    field = conflict["field"]
    row = await _row(engine, conflict["standard"])
    kept, offered = _decoded(conflict["kept_value"]), _decoded(conflict["offered_value"])
    number = conflict["id"]
    if keep == "offered":
        chosen = offered
        note = (f"冲突 #{number}：采用 {conflict['offered_source']} 的值，不用 "
                f"{conflict['kept_source'] or '—'} 的值 (conflict #{number}: "
                f"{conflict['offered_source']}'s value chosen)")
        changed = bool(await _apply(engine, row, {field: offered}, conflict["offered_source"],
                                    actor=actor, note=note, stamp=stamp, log_unchanged=True))
    else:
        chosen = json_value(_current(row, field))
        if chosen is None:
            chosen = kept
        note = (f"冲突 #{number}：保留 {conflict['kept_source'] or '—'} 的值，不用 "
                f"{conflict['offered_source']} 的 {_log_text(offered)} (conflict #{number}: "
                f"the stored value kept)")
        await fetch(engine, "INSERT INTO change_log (standard, batch, field, old_value, "
                    "new_value, changed_at, actor, note) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)",
                    [row["id"], field, _log_text(chosen), _log_text(chosen), stamp, actor,
                     note])
        changed = False
    await fetch(engine, "UPDATE merge_conflict SET state = 'resolved', resolution = ?, "
                "chosen_value = ?, kept_value = ?, resolved_by = ?, resolved_at = ? "
                "WHERE id = ?", [resolution, conflict_text(chosen),
                                 conflict_text(kept if keep == "offered" else chosen), actor,
                                 stamp, number])
    return changed


async def _settle_by_preference(engine: Engine, field: str, source: str, actor: str,
                                stamp: Any, *, skip: int) -> list[int]:
    """Resolve the other open conflicts of ``field`` that ``source`` takes part in, the way
    the preference says (never against a hand edit). Returns one entry per conflict settled:
    the standard's id when its value changed, else -1."""
    rows = await fetch(engine, "SELECT * FROM merge_conflict WHERE state = 'open' AND "
                       "field = ? AND (offered_source = ? OR kept_source = ?) AND id <> ?",
                       [field, source, source, skip])
    settled: list[int] = []
    for conflict in rows:
        if conflict["kept_source"] == MANUAL_SOURCE:
            continue
        keep = "offered" if conflict["offered_source"] == source else "kept"
        changed = await _decide(engine, conflict, keep, actor=actor, stamp=stamp,
                                resolution="preference")
        settled.append(conflict["standard"] if changed else -1)
    return settled


# ------------------------------------------------------------------------------------------
# Preferred sources
# ------------------------------------------------------------------------------------------


async def _save_preference(engine: Engine, field: str, source: str, actor: str,
                           stamp: Any) -> None:
    await fetch(engine, "DELETE FROM source_preference WHERE field = ?", [field])
    await fetch(engine, "INSERT INTO source_preference (field, source, actor, created_at) "
                "VALUES (?, ?, ?, ?)", [field, source, actor, stamp])


async def set_preference(field: str, source: str, *, actor: str,
                         now: dt.datetime | None = None) -> list[int]:
    """Prefer ``source`` for ``field`` from now on; the open conflicts it settles are resolved.

    Returns:
        one entry per open conflict it resolved: the standard's id when its value changed,
        else -1.

    Raises:
        CurationError: a field no conflict can name, or a blank source.
    """
    if field not in PREFERABLE_FIELDS:
        raise CurationError(f"field: {field!r} — one of {', '.join(PREFERABLE_FIELDS)}")
    source = source.strip()
    if not source or source == MANUAL_SOURCE:
        raise CurationError(f"source: {source!r} — the name of an import source")
    now = now or dt.datetime.now(dt.UTC)
    engine = _engine()
    async with write_transaction(engine):
        stamp = bound(engine, now)
        await _save_preference(engine, field, source, actor, stamp)
        return await _settle_by_preference(engine, field, source, actor, stamp, skip=0)


async def list_preferences() -> list[SourcePreferenceRead]:
    rows = await Standard.raw("SELECT field, source, actor, created_at FROM source_preference "
                              "ORDER BY field")
    return [SourcePreferenceRead(**row) for row in rows]


async def delete_preference(field: str) -> SourcePreferenceRead:
    """Raises: NotFoundError: no preference for that field."""
    rows = await Standard.raw("SELECT field, source, actor, created_at FROM source_preference "
                              "WHERE field = {}", field)
    if not rows:
        raise NotFoundError(f"no preferred source for {field!r}")
    await Standard.raw("DELETE FROM source_preference WHERE field = {}", field)
    return SourcePreferenceRead(**rows[0])


async def known_sources() -> list[str]:
    """Sources that created standards or own a field, for the preference form."""
    rows = await Standard.raw("SELECT DISTINCT source FROM standard WHERE source IS NOT NULL")
    found = {row["source"] for row in rows}
    rows = await Standard.raw("SELECT DISTINCT offered_source FROM merge_conflict")
    found |= {row["offered_source"] for row in rows}
    return sorted(found - {MANUAL_SOURCE})
