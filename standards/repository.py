"""The only database code of the standards core: upserts, lookups by any spelling, lists."""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from piccolo.engine.base import Engine

from standards.batch_repository import (  # noqa: F401  (the batch functions' former home)
    create_batch,
    finish_batch,
    get_batch,
    list_batches,
)
from standards.codes import parse_code
from standards.db import bound, executemany, fetch, in_list, insert_rows, write_transaction
from standards.errors import NotFoundError
from standards.lifecycle import STATUS_SQL_ARGS, effective_from, status_at, status_sql
from standards.merge import Conflict, MergeResult, json_value, merge
from standards.prepare import (
    NEW_COLUMNS,
    NOTE_COLUMNS,
    PreparedRecord,
    Relation,
    catalogue_key,
    column_values,
    dumps,
    prepare_records,
    spellings,
)
from standards.schemas import (
    AdoptionRead,
    StandardInput,
    StandardPage,
    StandardRead,
    StandardSummary,
)
from standards.tables import Standard
from standards.vocab import Level, Nature, RelationKind, Status

CHUNK = 2000
@dataclass(slots=True)
class UpsertOutcome:
    """What one record did to the catalogue."""

    code: str
    action: str  # created / updated / unchanged / rejected
    key: str | None = None
    id: int | None = None
    reason: str | None = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def _stored_values(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row in the shape :func:`standards.merge.merge` compares."""
    return {
        "title_zh": row["title_zh"],
        "title_en": row["title_en"],
        "status_text": row["status_text"],
        "published_on": row["published_on"],
        "implemented_on": row["implemented_on"],
        "withdrawn_on": row["withdrawn_on"],
        "ccs": row["ccs"],
        "scope": row["scope"],
        "department": row["department"],
        "technical_committee": row["technical_committee"],
        "source_url": row["source_url"],
        "withdrawn_undated": bool(row["withdrawn_undated"]),
        "upcoming_undated": bool(row["upcoming_undated"]),
        "nature": row["nature"],
        "ics": row["ics"].split() if row["ics"] else [],
        "drafters": json.loads(row["drafters"] or "[]"),
        "domains": json.loads(row["domains"] or "[]"),
    }


_INSERT_COLUMNS = [*NEW_COLUMNS, "created_at", "updated_at"]
_insert_values = operator.itemgetter(*_INSERT_COLUMNS)


async def upsert_standards(
    items: Sequence[StandardInput] | Sequence[PreparedRecord],
    *,
    batch_id: int | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> list[UpsertOutcome]:
    """Merge records into the catalogue, keyed on the normalized code.

    A record whose code does not parse is returned as ``rejected`` with the reason; the others
    are written (unless ``dry_run``). Records are processed in chunks, each in one transaction.
    ``items`` may be records already passed through :func:`prepare_records`.
    """
    now = now or dt.datetime.now(dt.UTC)
    prepared: list[PreparedRecord] = [
        item if isinstance(item, PreparedRecord) else prepare_records([item])[0]
        for item in items
    ]
    outcomes: list[UpsertOutcome] = []
    for start in range(0, len(prepared), CHUNK):
        try:
            outcomes.extend(
                await _upsert_chunk(prepared[start : start + CHUNK], batch_id, dry_run, now)
            )
        except _DryRun as rolled_back:
            outcomes.extend(rolled_back.outcomes)
    return outcomes


async def _upsert_chunk(
    records: Sequence[PreparedRecord],
    batch_id: int | None,
    dry_run: bool,
    now: dt.datetime,
) -> list[UpsertOutcome]:
    engine: Engine = Standard._meta.db
    stamp = bound(engine, now)  # adapted once, not on every row
    async with write_transaction(engine):
        outcomes: list[UpsertOutcome] = []
        prepared: list[tuple[int, PreparedRecord]] = []
        for record in records:
            if record.key is None:
                outcomes.append(UpsertOutcome(code=record.code, action="rejected",
                                              reason=record.reason))
                continue
            outcomes.append(UpsertOutcome(code=record.code, action="unchanged",
                                          key=record.key))
            prepared.append((len(outcomes) - 1, record))
        keys = list(dict.fromkeys(record.key for _, record in prepared if record.key))
        preferences = await load_preferences(engine)
        existing: dict[str, dict[str, Any]] = {}
        if keys:
            where, args = in_list(engine, "normalized_code", keys)
            rows = await fetch(engine, f"SELECT * FROM standard WHERE {where}", args)
            existing = {row["normalized_code"]: row for row in rows}

        relation_rows: list[Relation] = []
        ics_rewrites: dict[str, list[str]] = {}
        change_rows: list[tuple[str, str, Any, Any]] = []
        # a new standard's row: its prepared values, or a dict once a second record of the
        # same key in this chunk merges into it
        new_rows: dict[str, tuple[Any, ...] | dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        # a stored standard several records of this chunk name: its row before them
        before: dict[str, dict[str, Any]] = {}
        repeated: dict[str, list[int]] = {}
        for index, record in prepared:
            key = record.key
            assert key is not None
            outcome = outcomes[index]
            relation_rows.extend(record.relations)
            outcome.conflicts = list(record.conflicts)
            row = existing.get(key)
            if row is not None:
                seen = repeated.setdefault(key, [])
                if not seen:
                    before[key] = dict(row)
                seen.append(index)
            if row is None:
                pending = new_rows.get(key)
                if pending is None:  # a new standard: the row was prepared with the record
                    new_rows[key] = record.new_row
                    outcome.action = "created"
                    if record.offered.get("ics"):
                        ics_rewrites[key] = record.offered["ics"]
                    continue
                if isinstance(pending, tuple):
                    pending = new_rows[key] = {**dict(zip(NEW_COLUMNS, pending, strict=True)),
                                               "created_at": stamp, "updated_at": stamp}
                row = pending
            stored = _stored_values(row)
            sources = json.loads(row["field_sources"])
            extra = json.loads(row["extra"])
            result = merge(stored, sources, extra, record, row["source"], record.offered,
                           preferences)
            _merge_notes(row, record, result)
            outcome.conflicts += result.conflicts
            outcome.id = row.get("id")
            if not (result.values or result.changes or result.field_sources != sources
                    or result.extra != extra):
                continue
            if result.changes and outcome.action != "created":
                outcome.action = "updated"
                outcome.changes = result.changes
                change_rows.extend((key, f, old, new) for f, old, new in result.changes)
            update = column_values(result.values)
            update["field_sources"] = dumps(result.field_sources)
            update["extra"] = dumps(result.extra)
            merged_dates = {**stored, **result.values}
            update["effective_on"] = effective_from(
                merged_dates.get("implemented_on"), merged_dates.get("published_on"),
                merged_dates.get("upcoming_undated", False))
            if result.changes:
                update["updated_at"] = stamp
            if "ics" in result.values:
                ics_rewrites[key] = result.values["ics"]
            row.update(update)
            if row.get("id") is not None:
                updates.setdefault(row["id"], {}).update(update)
            elif key in new_rows:  # a second record of the same new standard in this chunk
                outcome.action = "updated" if result.changes else "unchanged"

        for key, indexes in repeated.items():
            if len(indexes) > 1 and _no_net_change(existing[key], before[key], updates):
                # a list naming a standard twice with different values, imported again: the
                # rows undo each other; what is stored does not change, so nothing is reported
                updates.pop(existing[key]["id"], None)
                change_rows = [change for change in change_rows if change[0] != key]
                for index in indexes:
                    outcomes[index].action = "unchanged"
                    outcomes[index].changes = []

        for index, key, field_name, new in await _new_relations(engine, prepared, existing):
            outcome = outcomes[index]
            outcome.action = "updated"
            outcome.changes.append((field_name, None, new))
            change_rows.append((key, field_name, None, new))
            updates.setdefault(existing[key]["id"], {})["updated_at"] = stamp

        if dry_run:
            raise _DryRun(outcomes)

        by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for standard_id, update in updates.items():
            columns = tuple(sorted(update))
            by_columns.setdefault(columns, []).append(
                (*(update[c] for c in columns), standard_id))
        for columns, params in by_columns.items():
            assignments = ", ".join(f"{c} = ?" for c in columns)
            await executemany(engine, f"UPDATE standard SET {assignments} WHERE id = ?", params)
        ids: dict[str, int] = {k: r["id"] for k, r in existing.items()}
        if new_rows:
            last = await _last_id(engine)
            await insert_rows(engine, "standard", _INSERT_COLUMNS, [
                (*row, stamp, stamp) if isinstance(row, tuple) else _insert_values(row)
                for row in new_rows.values()])
            ids.update(await _new_ids(engine, list(new_rows), last))
        for outcome in outcomes:
            if outcome.key and outcome.id is None:
                outcome.id = ids.get(outcome.key)

        old_ics = [ids[key] for key in ics_rewrites if key in existing]
        if old_ics:
            where, args = in_list(engine, "standard", old_ics, "bigint")
            await fetch(engine, f"DELETE FROM standard_ics WHERE {where}", args)
        await _insert_rows(engine, "standard_ics", [
            {"standard": ids[key], "ics": code}
            for key, codes in ics_rewrites.items() for code in dict.fromkeys(codes)])
        # one standard's rows side by side (a relation found last joins its fields): the
        # change feed reads one write of one standard as consecutive rows
        first_seen: dict[str, int] = {}
        for index, (key, *_rest) in enumerate(change_rows):
            first_seen.setdefault(key, index)
        change_rows.sort(key=lambda change: first_seen[change[0]])
        await _insert_rows(engine, "change_log", [
            {"standard": ids[key], "batch": batch_id, "field": f, "old_value": _log_text(old),
             "new_value": _log_text(new), "changed_at": stamp}
            for key, f, old, new in change_rows
        ])
        await _write_relations(engine, relation_rows, ids)
        await _resolve_relations(engine, list(ids))
        await store_conflicts(engine, [(outcome.id, conflict) for outcome in outcomes
                                       if outcome.id is not None
                                       for conflict in outcome.conflicts], batch_id, stamp)
    return outcomes


async def load_preferences(engine: Engine) -> dict[str, str]:
    """``{field: source}``: the sources staff prefer (read in the open transaction)."""
    rows = await fetch(engine, "SELECT field, source FROM source_preference", [])
    return {row["field"]: row["source"] for row in rows}


def conflict_text(value: Any) -> str:
    """A conflict's value as stored: JSON text (dates as ISO strings)."""
    return json.dumps(json_value(value), ensure_ascii=False, sort_keys=True)


async def store_conflicts(engine: Engine, found: Sequence[tuple[int, Conflict]],
                          batch_id: int | None, stamp: Any) -> None:
    """Keep the conflicts an upsert reported (in its transaction) for staff to resolve.

    The same disagreement met again (the same standard, field and offering source) updates
    its open row; a disagreement staff already decided (the same two values, the chosen one
    in place) is not reopened.
    """
    if not found:
        return
    wanted: dict[tuple[int, str, str], tuple[str, str | None, str]] = {}
    for standard_id, conflict in found:
        wanted[(standard_id, conflict.field, conflict.offered_source)] = (
            conflict_text(conflict.kept), conflict.kept_source, conflict_text(conflict.offered))
    ids = sorted({key[0] for key in wanted})
    stored: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        where, args = in_list(engine, "standard", list(chunk), "bigint")
        stored += await fetch(engine, "SELECT id, standard, field, offered_source, state, "
                              "kept_value, offered_value, chosen_value FROM merge_conflict "
                              f"WHERE {where}", args)
    open_rows = {(r["standard"], r["field"], r["offered_source"]): r["id"] for r in stored
                 if r["state"] == "open"}
    decided = {(r["standard"], r["field"], frozenset((r["kept_value"], r["offered_value"])),
                r["chosen_value"]) for r in stored if r["state"] != "open"}
    updates: list[tuple[Any, ...]] = []
    inserts: list[tuple[Any, ...]] = []
    for (standard_id, field_name, offered_source), (kept, kept_source, offered) in \
            wanted.items():
        if (standard_id, field_name, frozenset((kept, offered)), kept) in decided:
            continue
        row_id = open_rows.get((standard_id, field_name, offered_source))
        if row_id is not None:
            updates.append((kept, kept_source, offered, batch_id, stamp, row_id))
        else:
            inserts.append((standard_id, batch_id, field_name, kept, kept_source, offered,
                            offered_source, "open", "", "", 1, stamp, stamp))
    if updates:
        await executemany(engine, "UPDATE merge_conflict SET kept_value = ?, kept_source = ?, "
                          "offered_value = ?, batch = ?, last_seen_at = ?, times = times + 1 "
                          "WHERE id = ?", updates)
    if inserts:
        await executemany(engine, "INSERT INTO merge_conflict (standard, batch, field, "
                          "kept_value, kept_source, offered_value, offered_source, state, "
                          "resolution, resolved_by, times, first_seen_at, last_seen_at) VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts)


def _merge_notes(row: dict[str, Any], record: PreparedRecord, result: MergeResult) -> None:
    """Notes a record's code carries (``2018年版``, ``含第1号修改单``) that the stored edition
    lacks are filled in (a change); a different note is a conflict, the stored one kept."""
    for column, index in NOTE_COLUMNS:
        offered = record.new_row[index] if record.new_row else None
        current = row.get(column)
        if offered is None or offered == current:
            continue
        if current is None:
            result.values[column] = offered
            result.changes.append((column, None, offered))
        else:
            result.conflicts.append(
                Conflict(column, current, row.get("source"), offered, record.source))


MAX_PARAMS = 30000  # both engines accept 32k bound parameters per statement


def _no_net_change(row: dict[str, Any], before: dict[str, Any],
                   updates: dict[int, dict[str, Any]]) -> bool:
    """True when the merges of a chunk left a stored row as it was."""
    update = updates.get(row["id"])
    return update is not None and all(
        row.get(column) == before.get(column) for column in update if column != "updated_at")

# How a relation reads on its object's side (GB/T 1-2020 replaces GB/T 1-2009: on GB/T 1-2009
# it is "replaced_by GB/T 1-2020").
_INVERSE_FIELDS = {RelationKind.REPLACES.value: "replaced_by",
                   RelationKind.PARTIALLY_REPLACES.value: "partially_replaced_by",
                   RelationKind.ADOPTS.value: "adopted_by",
                   RelationKind.AMENDS.value: "amended_by"}


async def _new_relations(
    engine: Engine, prepared: Sequence[tuple[int, PreparedRecord]],
    existing: dict[str, dict[str, Any]],
) -> list[tuple[int, str, str, str]]:
    """Relations that records of already stored standards add: ``(outcome index, key, field,
    other code)`` each. A replacement or adoption that a source adds to a standard is a change
    of that standard like any field's (counted as updated, written to the change log)."""
    offered = [(index, record) for index, record in prepared
               if record.key in existing and record.relations]
    if not offered:
        return []
    keys = list(dict.fromkeys(record.key for _, record in offered if record.key))
    stored: set[tuple[str, str, str]] = set()
    for start in range(0, len(keys), MAX_PARAMS):
        chunk = keys[start : start + MAX_PARAMS]
        for end in ("subject_code", "object_code"):
            where, args = in_list(engine, end, chunk)
            rows = await fetch(
                engine, f"SELECT subject_code, kind, object_code FROM relation WHERE {where}", args)
            stored.update((r["subject_code"], r["kind"], r["object_code"]) for r in rows)
    found: list[tuple[int, str, str, str]] = []
    for index, record in offered:
        key = record.key
        assert key is not None
        for subject, kind, obj, *_ in record.relations:
            if (subject, kind, obj) in stored:
                continue
            stored.add((subject, kind, obj))
            if subject == key:
                found.append((index, key, kind, obj))
            else:
                found.append((index, key, _INVERSE_FIELDS.get(kind, kind), subject))
    return found


async def _insert_rows(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows through the driver's executemany (same keys in every row)."""
    if not rows:
        return
    columns = list(rows[0])
    values = operator.itemgetter(*columns)
    await insert_rows(engine, table, columns, [values(row) for row in rows] if len(columns) > 1
                      else [(values(row),) for row in rows])


async def _last_id(engine: Engine) -> int | None:
    """The largest standard id on SQLite (None on PostgreSQL, whose ids come from a sequence)."""
    if engine.engine_type != "sqlite":
        return None
    rows = await fetch(engine, "SELECT MAX(id) AS last FROM standard", [])
    return int(rows[0]["last"] or 0)


async def _new_ids(engine: Engine, keys: list[str], last: int | None) -> dict[str, int]:
    """Ids of the standards just inserted, in the order of ``keys``. SQLite gives a new row the
    largest id plus one, so in this transaction they are ``last + 1`` on, which the new
    largest id confirms; otherwise (PostgreSQL) they are looked up."""
    if last is not None and await _last_id(engine) == last + len(keys):
        return {key: last + position for position, key in enumerate(keys, start=1)}
    return await _ids_of(engine, keys)


async def _ids_of(engine: Engine, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    per_statement = MAX_PARAMS
    for start in range(0, len(keys), per_statement):
        chunk = keys[start : start + per_statement]
        where, args = in_list(engine, "normalized_code", chunk)
        rows = await fetch(engine, f"SELECT id, normalized_code FROM standard WHERE {where}", args)
        found.update({r["normalized_code"]: r["id"] for r in rows})
    return found


class _DryRun(Exception):
    """Raised inside the transaction to roll back a dry run; carries the outcomes."""

    def __init__(self, outcomes: list[UpsertOutcome]) -> None:
        super().__init__("dry run")
        self.outcomes = outcomes


def _log_text(value: Any) -> str | None:
    value = json_value(value)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return dumps(value)


async def _write_relations(engine: Engine, rows: list[Relation], ids: dict[str, int]) -> None:
    """Store relations with the ids of their ends that are standards: of this chunk (``ids``,
    what :func:`_resolve_relations` would set, without writing each row a second time) and
    stored before (a citation of, or a replacement of, a standard stored long ago)."""
    unique = {(r[0], r[1], r[2]): r for r in rows}
    others = list({code for r in unique.values() for code in (r[0], r[2]) if code not in ids})
    if others:
        ids = {**await _ids_of(engine, others), **ids}
    await executemany(
        engine,
        "INSERT INTO relation (subject_code, kind, object_code, degree, marker, source, "
        "subject, object) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (subject_code, kind, object_code) "
        "DO UPDATE SET degree = COALESCE(relation.degree, excluded.degree), "
        "marker = COALESCE(relation.marker, excluded.marker), "
        "subject = COALESCE(relation.subject, excluded.subject), "
        "object = COALESCE(relation.object, excluded.object)",
        [(*r, ids.get(r[0]), ids.get(r[2])) for r in unique.values()],
    )


async def _resolve_relations(engine: Engine, keys: list[str]) -> None:
    """Fill relation ids for stored relations naming ``keys`` (standards just written)."""
    for start in range(0, len(keys), MAX_PARAMS):
        chunk = keys[start : start + MAX_PARAMS]
        for end in ("subject", "object"):
            where, args = in_list(engine, f"{end}_code", chunk)
            if engine.engine_type == "postgres":
                sql = (f"UPDATE relation SET {end} = s.id FROM standard s "
                       f"WHERE relation.{end} IS NULL AND s.normalized_code = relation.{end}_code "
                       f"AND relation.{where}")
            else:  # SQLite plans the correlated form better
                sql = (f"UPDATE relation SET {end} = (SELECT id FROM standard s "
                       f"WHERE s.normalized_code = relation.{end}_code) "
                       f"WHERE {end} IS NULL AND {where}")
            await fetch(engine, sql, args)


# ------------------------------------------------------------------------------------------
# Reads
# ------------------------------------------------------------------------------------------

_DETAIL_LINKS_SQL = (
    "SELECT 'edition' AS link, normalized_code AS subject_code, '' AS object_code, "
    "NULL AS degree, year AS ord, amendment AS extra FROM standard WHERE family_key = {} "
    "UNION ALL SELECT 'out', subject_code, object_code, degree, 0, kind "
    "FROM relation WHERE subject_code = {} "
    "UNION ALL SELECT 'in', subject_code, object_code, degree, 0, kind "
    "FROM relation WHERE object_code = {} "
    # an undated citation (GB/T 191) names the family: it cites whichever edition is in force
    "UNION ALL SELECT 'in_undated', subject_code, object_code, degree, 0, kind "
    "FROM relation WHERE object_code = {} AND kind = 'references'"
)


def _summary_fields(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    return {
        "id": row["id"],
        "code": row["code"],
        "normalized_code": row["normalized_code"],
        "level": Level(row["level"]),
        "nature": Nature(row["nature"]) if row["nature"] else None,
        "prefix": row["prefix"],
        "region_code": row["region_code"],
        "industry_code": row["industry_code"],
        "year": row["year"],
        "title_zh": row["title_zh"],
        "title_en": row["title_en"],
        "status": status_at(
            today,
            effective_on=row["effective_on"],
            withdrawn_on=row["withdrawn_on"],
            withdrawn_undated=bool(row["withdrawn_undated"]),
            upcoming_undated=bool(row["upcoming_undated"]),
        ),
        "published_on": row["published_on"],
        "implemented_on": row["implemented_on"],
        "withdrawn_on": row["withdrawn_on"],
        "ics": row["ics"].split() if row["ics"] else [],
        "ccs": row["ccs"],
    }


def _detail(row: dict[str, Any], links: list[dict[str, Any]], today: dt.date) -> StandardRead:
    editions: list[tuple[int, str]] = []
    replaces: list[str] = []
    replaced_by: list[str] = []
    adopts: list[AdoptionRead] = []
    adopted_by: list[str] = []
    amendments: list[str] = []
    references: list[str] = []
    referenced_by: list[str] = []
    undated_citers: list[str] = []
    for link in links:
        kind = link["extra"]
        if link["link"] == "edition":
            if not kind:  # amendments share the family but are not editions
                editions.append((link["ord"] or 0, link["subject_code"]))
        elif link["link"] == "out":
            if kind in (RelationKind.REPLACES, RelationKind.PARTIALLY_REPLACES):
                replaces.append(link["object_code"])
            elif kind == RelationKind.ADOPTS:
                adopts.append(AdoptionRead(code=link["object_code"], degree=link["degree"]))
            elif kind == RelationKind.REFERENCES:
                references.append(link["object_code"])
        elif link["link"] == "in_undated":
            undated_citers.append(link["subject_code"])
        else:
            if kind in (RelationKind.REPLACES, RelationKind.PARTIALLY_REPLACES):
                replaced_by.append(link["subject_code"])
            elif kind == RelationKind.ADOPTS:
                adopted_by.append(link["subject_code"])
            elif kind == RelationKind.AMENDS:
                amendments.append(link["subject_code"])
            elif kind == RelationKind.REFERENCES:
                referenced_by.append(link["subject_code"])
    summary = _summary_fields(row, today)
    status = summary["status"]
    if status is Status.CURRENT:
        referenced_by.extend(undated_citers)
    reason = None
    if status is Status.WITHDRAWN:
        reason = f"replaced by {', '.join(sorted(replaced_by))}" if replaced_by else "abolished"
    return StandardRead(
        **summary,
        edition_note=row["edition_note"],
        amendment=row["amendment"] or row.get("amendment_note"),
        amendment_included=row["amendment"] is None and row.get("amendment_note") is not None,
        spellings=spellings(json.loads(row["extra"] or "{}")),
        family_key=row["family_key"],
        org_code=row["org_code"],
        number=row["number"],
        part=row["part"],
        status_reason=reason,
        scope=row["scope"],
        department=row["department"],
        technical_committee=row["technical_committee"],
        drafters=json.loads(row["drafters"] or "[]"),
        domains=json.loads(row["domains"] or "[]"),
        source=row["source"],
        source_url=row["source_url"],
        replaces=sorted(set(replaces)),
        replaced_by=sorted(set(replaced_by)),
        adopts=adopts,
        adopted_by=sorted(set(adopted_by)),
        references=sorted(set(references)),
        referenced_by=sorted(set(referenced_by)),
        editions=[code for _, code in sorted(editions)],
        amendments=sorted(set(amendments)),
        owner_uscc=row.get("owner_uscc"),
    )


async def _detail_for_row(row: dict[str, Any], today: dt.date | None) -> StandardRead:
    key = row["normalized_code"]
    links = await Standard.raw(_DETAIL_LINKS_SQL, row["family_key"], key, key,
                               row["family_key"])
    return _detail(row, links, today or dt.date.today())


async def get_standard(standard_id: int, today: dt.date | None = None) -> StandardRead:
    """One edition with its relations and the editions of its family.

    Raises:
        NotFoundError: no standard has this id.
    """
    rows = await Standard.raw("SELECT * FROM standard WHERE id = {}", standard_id)
    if not rows:
        raise NotFoundError(f"no standard with id {standard_id}")
    return await _detail_for_row(rows[0], today)


async def get_by_key(key: str, today: dt.date | None = None) -> StandardRead | None:
    rows = await Standard.raw("SELECT * FROM standard WHERE normalized_code = {}", key)
    return await _detail_for_row(rows[0], today) if rows else None


async def family_editions(family_key: str) -> list[dict[str, Any]]:
    """Editions of a family (amendments excluded), oldest first."""
    return list(await Standard.raw(
        "SELECT * FROM standard WHERE family_key = {} AND amendment IS NULL "
        "ORDER BY year, normalized_code", family_key))


def current_edition(rows: list[dict[str, Any]], t: dt.date) -> dict[str, Any] | None:
    """The edition in force on ``t``; failing that the newest upcoming, then the newest."""
    by_status: dict[Status, list[dict[str, Any]]] = {s: [] for s in Status}
    for row in rows:
        by_status[status_at(t, effective_on=row["effective_on"], withdrawn_on=row["withdrawn_on"],
                            withdrawn_undated=bool(row["withdrawn_undated"]),
                            upcoming_undated=bool(row.get("upcoming_undated")))].append(row)
    for status in (Status.CURRENT, Status.UPCOMING, Status.WITHDRAWN):
        if by_status[status]:
            return max(by_status[status], key=lambda r: (r["year"] or 0, r["normalized_code"]))
    return None


async def find_standard(code: str, today: dt.date | None = None) -> StandardRead:
    """A standard by any spelling of its code; an undated code gives the current edition.

    Raises:
        CodeError: ``code`` is not a standard code.
        NotFoundError: the catalogue does not hold it.
    """
    parsed = parse_code(code)
    today = today or dt.date.today()
    found = await get_by_key(catalogue_key(parsed), today)
    if found is not None:
        return found
    if parsed.year is None:
        edition = current_edition(await family_editions(parsed.family_key), today)
        if edition is not None:
            return await _detail_for_row(edition, today)
    raise NotFoundError(f"{parsed.normalized} is not in the catalogue (searched for {code!r})")


@dataclass(frozen=True, slots=True)
class StandardFilters:
    level: Level | None = None
    status: Status | None = None
    prefix: str | None = None
    region: str | None = None
    industry: str | None = None
    ics: str | None = None
    ccs: str | None = None
    year_from: int | None = None
    year_to: int | None = None


async def list_standards(
    filters: StandardFilters, page: int = 1, page_size: int = 50, today: dt.date | None = None
) -> StandardPage:
    """A page of standards matching ``filters``, ordered by normalized code."""
    today = today or dt.date.today()
    where: list[str] = []
    args: list[Any] = []
    if filters.level:
        where.append("level = {}")
        args.append(filters.level.value)
    if filters.status:
        where.append(status_sql()[filters.status])
        args.extend([today] * STATUS_SQL_ARGS[filters.status])
    if filters.prefix:
        prefix = filters.prefix.strip().upper().replace(" ", "")
        where.append("(REPLACE(prefix, ' ', '') = {} OR base_prefix = {})")
        args.extend([prefix, prefix])
    if filters.region:
        where.append("(region_code = {} OR region_code LIKE {})")
        args.extend([filters.region, f"{filters.region}%"])
    if filters.industry:
        where.append("industry_code = {}")
        args.append(filters.industry.upper())
    if filters.ccs:
        where.append("ccs = {}")
        args.append(filters.ccs.upper())
    if filters.ics:
        where.append(
            "EXISTS (SELECT 1 FROM standard_ics i WHERE i.standard = standard.id "
            "AND (i.ics = {} OR i.ics LIKE {}))"
        )
        args.extend([filters.ics, f"{filters.ics}.%"])
    if filters.year_from is not None:
        where.append("year >= {}")
        args.append(filters.year_from)
    if filters.year_to is not None:
        where.append("year <= {}")
        args.append(filters.year_to)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total_rows = await Standard.raw(f"SELECT COUNT(*) AS n FROM standard {clause}", *args)
    rows = await Standard.raw(
        f"SELECT * FROM standard {clause} ORDER BY {_bytewise('normalized_code')} "
        "LIMIT {} OFFSET {}",
        *args, page_size, (page - 1) * page_size,
    )
    return StandardPage(
        total=total_rows[0]["n"],
        page=page,
        page_size=page_size,
        items=[StandardSummary(**_summary_fields(row, today)) for row in rows],
    )


def _bytewise(column: str) -> str:
    """ORDER BY term sorting codes the same way on both engines (bytewise, as SQLite does)."""
    if Standard._meta.db.engine_type == "postgres":
        return f'{column} COLLATE "C"'
    return column


async def count_standards() -> int:
    rows = await Standard.raw("SELECT COUNT(*) AS n FROM standard")
    return int(rows[0]["n"])


def summary_of(detail: StandardRead) -> StandardSummary:
    """The list-row view of a detailed standard."""
    fields = set(StandardSummary.model_fields)
    return StandardSummary.model_validate(detail.model_dump(include=fields))


# ------------------------------------------------------------------------------------------
# Lookups for other packages: declared codes, standings behind alerts, the change feed
# ------------------------------------------------------------------------------------------


async def _select(sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
    """A read with ``?`` placeholders: in the open transaction (driver path), else on the
    shared connection."""
    engine: Engine = Standard._meta.db
    if engine.current_transaction.get() is not None:
        return await fetch(engine, sql, list(args))
    return list(await Standard.raw(sql.replace("?", "{}"), *args))


def _chunks(values: Sequence[Any], size: int = MAX_PARAMS) -> list[Sequence[Any]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


async def resolve_keys(
    keys: Sequence[str], families: dict[str, str] | None = None, today: dt.date | None = None
) -> dict[str, int]:
    """Standard ids of catalogue keys (see :func:`catalogue_key`), many at once, the way
    :func:`find_standard` resolves one.

    Args:
        keys: catalogue keys.
        families: for undated keys, ``{key: family_key}``; a key not found as an edition then
            resolves to its family's edition in force on ``today`` (:func:`current_edition`).

    Returns:
        ``{key: standard id}`` for the keys the catalogue holds; the others are absent.
    """
    today = today or dt.date.today()
    found: dict[str, int] = {}
    engine: Engine = Standard._meta.db
    for chunk in _chunks(list(dict.fromkeys(keys))):
        where, args = in_list(engine, "normalized_code", list(chunk))
        rows = await _select(f"SELECT id, normalized_code FROM standard WHERE {where}", args)
        found.update({row["normalized_code"]: row["id"] for row in rows})
    wanted: dict[str, list[str]] = {}
    for key, family in (families or {}).items():
        if key not in found:
            wanted.setdefault(family, []).append(key)
    for chunk in _chunks(list(wanted)):
        where, args = in_list(engine, "family_key", list(chunk))
        rows = await _select(
            "SELECT id, normalized_code, family_key, year, effective_on, withdrawn_on, "
            f"withdrawn_undated, upcoming_undated FROM standard WHERE {where} "
            "AND amendment IS NULL", args)
        by_family: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_family.setdefault(row["family_key"], []).append(row)
        for family, editions in by_family.items():
            edition = current_edition(editions, today)
            if edition is not None:
                for key in wanted[family]:
                    found[key] = edition["id"]
    return found


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an edition stands on a day, and what replaces it: what alerts are made of."""

    standard_id: int
    code: str
    title_zh: str | None
    status: Status
    effective_on: dt.date | None
    withdrawn_on: dt.date | None
    successors: tuple[str, ...]  # codes of the editions that fully replace it (代替)
    successors_in_force: tuple[str, ...]  # those of them in force on the day


async def standings_of(ids: Sequence[int], today: dt.date | None = None) -> dict[int, Standing]:
    """The standing of each of the standards ``ids`` on ``today`` (ids not found are absent).

    Successors are found by code (the relation may predate either edition's row).
    """
    today = today or dt.date.today()
    engine: Engine = Standard._meta.db
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(list(dict.fromkeys(ids))):
        where, args = in_list(engine, "id", list(chunk), "bigint")
        rows.extend(await _select(
            "SELECT id, normalized_code, title_zh, effective_on, withdrawn_on, withdrawn_undated, "
            f"upcoming_undated FROM standard WHERE {where}", args))
    successors: dict[str, list[tuple[str, bool]]] = {}
    for chunk in _chunks([row["normalized_code"] for row in rows]):
        where, args = in_list(engine, "r.object_code", list(chunk))
        links = await _select(
            "SELECT r.object_code, r.subject_code, s.id AS subject_id, s.effective_on, "
            "s.withdrawn_on, s.withdrawn_undated, s.upcoming_undated FROM relation r "
            "LEFT JOIN standard s ON s.normalized_code = r.subject_code "
            f"WHERE r.kind = ? AND {where}", [RelationKind.REPLACES.value, *args])
        for link in links:
            in_force = link["subject_id"] is not None and status_at(
                today, effective_on=link["effective_on"], withdrawn_on=link["withdrawn_on"],
                withdrawn_undated=bool(link["withdrawn_undated"]),
                upcoming_undated=bool(link["upcoming_undated"])) is Status.CURRENT
            successors.setdefault(link["object_code"], []).append((link["subject_code"], in_force))
    standings: dict[int, Standing] = {}
    for row in rows:
        found = sorted(successors.get(row["normalized_code"], []))
        standings[row["id"]] = Standing(
            standard_id=row["id"],
            code=row["normalized_code"],
            title_zh=row["title_zh"],
            status=status_at(today, effective_on=row["effective_on"],
                             withdrawn_on=row["withdrawn_on"],
                             withdrawn_undated=bool(row["withdrawn_undated"]),
                             upcoming_undated=bool(row["upcoming_undated"])),
            effective_on=row["effective_on"],
            withdrawn_on=row["withdrawn_on"],
            successors=tuple(code for code, _ in found),
            successors_in_force=tuple(code for code, in_force in found if in_force),
        )
    return standings


@dataclass(frozen=True, slots=True)
class OwnedStandard:
    """A catalogue edition and the enterprise that owns it (enterprise standards only)."""

    standard_id: int
    code: str
    owner_uscc: str | None


async def owned_standards(keys: Sequence[str] = (), *, owner_uscc: str | None = None,
                          ids: Sequence[int] = ()) -> list[OwnedStandard]:
    """Editions by catalogue key, by id, or all those an enterprise owns, with their owner."""
    engine: Engine = Standard._meta.db
    rows: list[dict[str, Any]] = []
    select = "SELECT id, normalized_code, owner_uscc FROM standard WHERE "
    for chunk in _chunks(list(dict.fromkeys(keys))):
        where, args = in_list(engine, "normalized_code", list(chunk))
        rows.extend(await _select(select + where, args))
    for chunk in _chunks(list(dict.fromkeys(ids))):
        where, args = in_list(engine, "id", list(chunk), "bigint")
        rows.extend(await _select(select + where, args))
    if owner_uscc is not None:
        rows.extend(await _select(select + "owner_uscc = ? ORDER BY "
                                  f"{_bytewise('normalized_code')}", [owner_uscc]))
    unique = {row["id"]: row for row in rows}
    return [OwnedStandard(row["id"], row["normalized_code"], row["owner_uscc"])
            for row in unique.values()]


async def claim_standard(standard_id: int, owner_uscc: str) -> bool:
    """Make an enterprise the owner of an edition nobody owns; returns whether it owns it now
    (an edition another enterprise owns keeps its owner)."""
    await Standard.raw("UPDATE standard SET owner_uscc = {} WHERE id = {} AND owner_uscc IS NULL",
                       owner_uscc, standard_id)
    rows = await _select("SELECT owner_uscc FROM standard WHERE id = ?", [standard_id])
    return bool(rows) and rows[0]["owner_uscc"] == owner_uscc


async def change_feed(
    *, since: dt.datetime | None = None, after_id: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    """Change-log entries in the order they were written (``id``), after ``after_id`` and at or
    after ``since``: ``{id, standard_id, code, title_zh, field, old_value, new_value,
    changed_at, batch_id}``."""
    where = ["c.id > ?"]
    args: list[Any] = [after_id]
    if since is not None:
        where.append("c.changed_at >= ?")
        args.append(since)
    return await _select(
        "SELECT c.id, c.standard AS standard_id, s.normalized_code AS code, s.title_zh, c.field, "
        "c.old_value, c.new_value, c.changed_at, c.batch AS batch_id FROM change_log c "
        f"JOIN standard s ON s.id = c.standard WHERE {' AND '.join(where)} "
        "ORDER BY c.id LIMIT ?", [*args, limit])
