"""The typed change feed (``/api/changes``): standards that entered the catalogue (``new``)
and the change log's writes (one standard's rows of one import or edit: one entry, typed by
:func:`standards.change_types.classify`), oldest first, filtered by prefix, ICS, region and
level, paged by a position in both (the change-log id and the standard id read so far).

Each stream is read in id order by one indexed query per page (the primary keys, the change
log's ``changed_at``); successors and predecessors of a page's standards come from one
relation query each, never per entry. The two streams are merged by time; each is consumed as
a prefix, so a position never skips nor repeats an entry, whatever the filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from standards.change_types import FieldChange, classify
from standards.db import in_list
from standards.lifecycle import status_at
from standards.repository import _chunks, _select
from standards.tables import Standard
from standards.vocab import ChangeType, Level, RelationKind, Status

RARE = 2000
"""Filters matching at most this many standards read the change log through those standards'
rows (the index on ``change_log.standard``); broader ones scan it in id order from the
cursor, where matches are dense enough to fill a page soon. (Left to itself, a planner reading
``ORDER BY id LIMIT`` may walk the whole log for a filter that matches almost nothing.)"""

_STANDARD_COLUMNS = (
    "s.id AS standard_id, s.normalized_code AS code, s.title_zh, s.title_en, s.level, "
    "s.region_code, s.ics, s.published_on, s.implemented_on, s.withdrawn_on, s.effective_on, "
    "s.withdrawn_undated, s.upcoming_undated")


@dataclass(frozen=True, slots=True)
class FeedFilters:
    """Which standards' entries a feed reads (all given must hold).

    Attributes:
        prefix: an issuer prefix as ``/api/standards`` reads it (``GB/T``, ``DB22/T``; ``GB``
            holds GB, GB/T and GB/Z).
        ics: an ICS class, group or subgroup (``43``, ``43.040``): ICS codes equal to it or
            inside it.
        region: a GB/T 2260 code prefix (``22``, ``2201``): local standards of the region and
            the regions inside it.
        level: the standard's level.
    """

    prefix: str | None = None
    ics: str | None = None
    region: str | None = None
    level: Level | None = None


@dataclass(frozen=True, slots=True)
class FeedPosition:
    """How far a reader has read: the last change-log id and standard id delivered."""

    changes: int = 0
    standards: int = 0


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    type: ChangeType
    at: dt.datetime
    standard_id: int
    code: str
    title_zh: str | None
    title_en: str | None
    level: str
    status: Status
    published_on: dt.date | None
    implemented_on: dt.date | None
    withdrawn_on: dt.date | None
    region_code: str | None
    ics: tuple[str, ...]
    replaced_by: tuple[str, ...]
    replaces: tuple[str, ...]
    changes: tuple[FieldChange, ...]


@dataclass(slots=True)
class FeedPage:
    entries: list[FeedEntry]
    position: FeedPosition
    has_more: bool


@dataclass(slots=True)
class _Item:
    """One read item of a stream: an entry, or a write nothing shown changed (hidden)."""

    at: dt.datetime
    position: int
    row: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    entry: FeedEntry | None = None


def _moment(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _day(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def filter_sql(filters: FeedFilters) -> tuple[str, list[Any]]:
    """SQL conditions on the standard ``s`` for the filters (``1 = 1`` when none)."""
    where: list[str] = ["1 = 1"]
    args: list[Any] = []
    if filters.level is not None:
        where.append("s.level = ?")
        args.append(filters.level.value)
    if filters.prefix:
        prefix = "".join(filters.prefix.split()).upper()
        where.append("(REPLACE(s.prefix, ' ', '') = ? OR s.base_prefix = ?)")
        args += [prefix, prefix]
    if filters.region:
        upper = filters.region[:-1] + chr(ord(filters.region[-1]) + 1)
        where.append("s.level = ? AND s.region_code >= ? AND s.region_code < ?")
        args += [Level.LOCAL.value, filters.region, upper]
    if filters.ics:
        # GLOB uses SQLite's index on standard_ics.ics (LIKE would not); values are checked
        # ICS codes (digits and dots), so neither pattern needs escaping
        inside = "GLOB" if Standard._meta.db.engine_type == "sqlite" else "LIKE"
        wildcard = "*" if inside == "GLOB" else "%"
        where.append(f"s.id IN (SELECT i.standard FROM standard_ics i WHERE i.ics = ? "
                     f"OR i.ics {inside} ?)")
        args += [filters.ics, f"{filters.ics}.{wildcard}"]
    return " AND ".join(where), args


async def matching_few(where: str, args: list[Any], rare: int) -> list[int] | None:
    """The ids of the standards a filter matches when they are ``rare`` or fewer, else None."""
    if where == "1 = 1" or rare <= 0:
        return None
    rows = await _select(f"SELECT s.id FROM standard s WHERE {where} LIMIT ?", [*args, rare + 1])
    return None if len(rows) > rare else [int(row["id"]) for row in rows]


async def _relations(codes: Sequence[str], end: str) -> dict[str, list[str]]:
    """Replacements of ``codes``: ``end="object_code"`` gives their successors, ``"subject_code"``
    what they replace (one query per 30,000 codes)."""
    other = "subject_code" if end == "object_code" else "object_code"
    found: dict[str, list[str]] = {}
    engine = Standard._meta.db
    for chunk in _chunks(list(dict.fromkeys(codes))):
        where, args = in_list(engine, end, list(chunk))
        rows = await _select(f"SELECT {end} AS code, {other} AS other FROM relation WHERE "
                             f"kind = ? AND {where}", [RelationKind.REPLACES.value, *args])
        for row in rows:
            found.setdefault(row["code"], []).append(row["other"])
    return {code: sorted(set(others)) for code, others in found.items()}


def _entry(entry_id: str, kind: ChangeType, at: dt.datetime, row: dict[str, Any],
           today: dt.date, replaced_by: Sequence[str], replaces: Sequence[str],
           changes: Sequence[FieldChange]) -> FeedEntry:
    return FeedEntry(
        id=entry_id, type=kind, at=at, standard_id=row["standard_id"], code=row["code"],
        title_zh=row["title_zh"], title_en=row["title_en"], level=row["level"],
        status=status_at(today, effective_on=_day(row["effective_on"]),
                         withdrawn_on=_day(row["withdrawn_on"]),
                         withdrawn_undated=bool(row["withdrawn_undated"]),
                         upcoming_undated=bool(row["upcoming_undated"])),
        published_on=_day(row["published_on"]), implemented_on=_day(row["implemented_on"]),
        withdrawn_on=_day(row["withdrawn_on"]), region_code=row["region_code"],
        ics=tuple((row["ics"] or "").split()), replaced_by=tuple(replaced_by),
        replaces=tuple(replaces), changes=tuple(changes))


async def _change_items(after: int, since: dt.datetime | None, where: str,
                        args: list[Any], want: int, *, few: bool = False
                        ) -> tuple[list[_Item], bool]:
    """At least ``want`` writes after change-log id ``after`` when there are that many (fewer
    when one page of rows holds fewer whole writes), and whether the log ended there.

    ``few``: ``where`` names a few standards' rows; ``ORDER BY c.id + 0`` keeps the planner
    from walking the primary key (it reads those rows through ``change_log.standard`` and
    sorts them)."""
    order = "c.id + 0" if few else "c.id"
    size = max(4 * want, 200)
    if since is not None:
        # the first change at or after ``since`` through the changed_at index: the id scan
        # starts there instead of reading the whole log up to it
        # (MIN(id + 0): a plain MIN(id) makes PostgreSQL walk the primary key from the start)
        first = await _select("SELECT MIN(id + 0) AS n FROM change_log WHERE changed_at >= ?",
                              [since])
        if first and first[0]["n"] is not None:
            after = max(after, int(first[0]["n"]) - 1)
    while True:
        rows = await _select(
            f"SELECT c.id, c.field, c.old_value, c.new_value, c.changed_at, {_STANDARD_COLUMNS} "
            "FROM change_log c JOIN standard s ON s.id = c.standard WHERE c.id > ? "
            f"{'AND c.changed_at >= ? ' if since else ''}AND {where} ORDER BY {order} LIMIT ?",
            [after, *([since] if since else []), *args, size])
        items: list[_Item] = []
        for row in rows:
            last = items[-1] if items else None
            if (last is not None and last.row["standard_id"] == row["standard_id"]
                    and last.row["changed_at"] == row["changed_at"]):
                last.rows.append(row)
                last.position = row["id"]
                continue
            items.append(_Item(_moment(row["changed_at"]), row["id"], row, [row]))
        ended = len(rows) < size
        if ended:
            return items, True
        if len(items) > 1:
            return items[:-1], False  # the last write may go on past this page
        size *= 4  # one write longer than the page: read on


async def feed_page(filters: FeedFilters, position: FeedPosition, *,
                    since: dt.datetime | None = None, limit: int = 100,
                    today: dt.date | None = None, rare: int = RARE) -> FeedPage:
    """Up to ``limit`` entries after ``position``, oldest first (ties: new before changed),
    and the position after them; ``since`` leaves out entries before that moment.

    Statuses are as of ``today``; ``rare`` is the :data:`RARE` threshold (0: always scan).
    """
    today = today or dt.date.today()
    where, args = filter_sql(filters)
    few = await matching_few(where, args, rare)
    change_where, change_args = where, args
    if few is not None:
        if not few:
            return FeedPage([], position, False)
        engine = Standard._meta.db
        change_where, change_args = in_list(engine, "c.standard", few, "bigint")
        where, args = in_list(engine, "s.id", few, "bigint")
    changes, changes_ended = await _change_items(position.changes, since, change_where,
                                                 change_args, limit + 1, few=few is not None)
    new_rows = await _select(
        f"SELECT s.created_at, {_STANDARD_COLUMNS} FROM standard s WHERE s.id > ? "
        f"{'AND s.created_at >= ? ' if since else ''}AND {where} ORDER BY s.id LIMIT ?",
        [position.standards, *([since] if since else []), *args, limit + 1])
    news = [_Item(_moment(row["created_at"]), row["standard_id"], row) for row in new_rows]
    news_ended = len(new_rows) <= limit

    codes = [item.row["code"] for item in [*changes, *news]]
    successors = await _relations(codes, "object_code") if codes else {}
    predecessors = await _relations([item.row["code"] for item in news], "subject_code") \
        if news else {}
    for item in changes:
        code = item.row["code"]
        kind, shown = classify(item.rows, item.at.date(), bool(successors.get(code)))
        if kind is not None:
            item.entry = _entry(f"c{item.rows[0]['id']}", kind, item.at, item.row, today,
                                successors.get(code, ()), (), shown)
    for item in news:
        code = item.row["code"]
        item.entry = _entry(f"s{item.position}", ChangeType.NEW, item.at, item.row, today,
                            successors.get(code, ()), predecessors.get(code, ()), ())

    entries: list[FeedEntry] = []
    read_changes, read_standards = position.changes, position.standards
    i = j = 0
    while True:
        change = changes[i] if i < len(changes) else None
        new = news[j] if j < len(news) else None
        if (change is None and not changes_ended) or (new is None and not news_ended):
            break  # a stream read to its page's end: the rest waits for the next page
        if change is None and new is None:
            break
        take_new = change is None or (new is not None and new.at <= change.at)
        head = new if take_new else change
        assert head is not None
        if head.entry is not None:
            if len(entries) == limit:
                break
            entries.append(head.entry)
        if take_new:
            read_standards, j = head.position, j + 1
        else:
            read_changes, i = head.position, i + 1
    more = (any(rest.entry is not None for rest in changes[i:]) or j < len(news)
            or not changes_ended or not news_ended)
    return FeedPage(entries, FeedPosition(read_changes, read_standards), more)


async def position_of_change(change_id: int) -> FeedPosition:
    """The position a cursor of the former feed (a change-log id alone) stands for: that
    change, and the standards created before it."""
    rows = await _select(
        "SELECT MAX(s.id) AS n FROM standard s WHERE s.created_at <= "
        "(SELECT c.changed_at FROM change_log c WHERE c.id = ?)", [change_id])
    return FeedPosition(change_id, int(rows[0]["n"] or 0) if rows else 0)
