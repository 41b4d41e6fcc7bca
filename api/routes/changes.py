"""The change feed (public): what happened to catalogue standards, oldest first, each entry
typed (new, replaced, withdrawn, upcoming, record_changed), filtered by prefix, ICS, region
and level, paged by an opaque cursor for syncing; as JSON (``/api/changes``) and as an Atom
feed of the same entries (``/api/changes.atom``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter
from lxml import etree
from pydantic import BaseModel, Field

from api.errors import InputError
from api.openapi import problems
from standards import feed_queries
from standards.feed_queries import FeedEntry, FeedFilters, FeedPage, FeedPosition
from standards.vocab import ChangeType, Level, Status

PUBLIC = {"roles": "public"}
ATOM = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
TYPE_WORDS = {ChangeType.NEW: "新标准", ChangeType.REPLACED: "被代替",
              ChangeType.WITHDRAWN: "废止", ChangeType.UPCOMING: "即将实施",
              ChangeType.RECORD_CHANGED: "信息变更"}


class FieldChangeRead(BaseModel):
    field: str = Field(description="title_zh, title_en, published_on, implemented_on, "
                       "withdrawn_on, withdrawn_without_date, upcoming_without_date, ics, ccs, "
                       "scope, department, technical_committee, drafters, nature, "
                       "source_status, development_stage, replaces, replaced_by, adopts … "
                       "or source.NAME (a field one source states)")
    old: str | None
    new: str | None


class ChangeEntry(BaseModel):
    id: str = Field(description="the entry's id (stable)")
    type: ChangeType = Field(description="new: entered the catalogue; replaced: withdrawn "
                             "with a successor, or got one (replaced_by names it); withdrawn: "
                             "withdrawn, no successor; upcoming: implementation date set or "
                             "moved, ahead of the change; record_changed: other fields")
    at: dt.datetime = Field(description="when the catalogue recorded it")
    standard_id: int
    code: str
    title_zh: str | None
    title_en: str | None
    level: str
    status: Status = Field(description="the standard's status today")
    published_on: dt.date | None
    implemented_on: dt.date | None
    withdrawn_on: dt.date | None
    region_code: str | None = Field(description="a local standard's GB/T 2260 region")
    ics: list[str]
    replaced_by: list[str] = Field(description="the editions that replace it (successors)")
    replaces: list[str] = Field(description="what a new standard replaces")
    changes: list[FieldChangeRead] = Field(description="the fields this entry changed "
                                           "(empty for new)")


class ChangePage(BaseModel):
    items: list[ChangeEntry]
    next_cursor: str | None = Field(description="pass as ?cursor= to continue after these "
                                                "items (also to poll for new changes later)")
    has_more: bool = Field(description="more changes are waiting after next_cursor")


def parse_since(text: str) -> dt.datetime:
    """``2026-11-01`` (midnight UTC) or an ISO timestamp (UTC when it names no zone).

    Raises:
        InputError: neither.
    """
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"since={text!r}: expected a date (2026-11-01) or an ISO timestamp"
                         ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def parse_cursor(text: str) -> FeedPosition:
    """A cursor this feed gave out: ``c<change id>.<standard id>``, or the former feed's
    ``c<change id>`` (read from that change on, with the standards created before it).

    Raises:
        InputError: anything else.
    """
    body = text[1:] if text.startswith("c") else ""
    changes, dot, standards = body.partition(".")
    if changes.isascii() and changes.isdigit() and len(changes) <= 18:
        if not dot:
            return await feed_queries.position_of_change(int(changes))
        if standards.isascii() and standards.isdigit() and len(standards) <= 18:
            return FeedPosition(int(changes), int(standards))
    raise InputError(f"cursor={text!r} is not a cursor this feed gave out")


def cursor_of(position: FeedPosition) -> str:
    return f"c{position.changes}.{position.standards}"


def region_prefix(region: str) -> str:
    """``220000`` -> ``22``, ``220100`` -> ``2201``: the code prefix a region means."""
    while len(region) > 2 and region.endswith("00"):
        region = region[:-2]
    return region


def entry_read(entry: FeedEntry) -> ChangeEntry:
    return ChangeEntry(
        id=entry.id, type=entry.type, at=entry.at, standard_id=entry.standard_id,
        code=entry.code, title_zh=entry.title_zh, title_en=entry.title_en, level=entry.level,
        status=entry.status, published_on=entry.published_on,
        implemented_on=entry.implemented_on, withdrawn_on=entry.withdrawn_on,
        region_code=entry.region_code, ics=list(entry.ics), replaced_by=list(entry.replaced_by),
        replaces=list(entry.replaces),
        changes=[FieldChangeRead(field=c.field, old=c.old, new=c.new) for c in entry.changes])


SinceParam = Annotated[str | None, QueryParameter(
    max_length=40, description="only entries at or after this date (2026-11-01, midnight UTC) "
    "or ISO timestamp")]
CursorParam = Annotated[str | None, QueryParameter(
    max_length=40, description="next_cursor of a previous page: continue after it (stable "
    "under the same filters)")]
LimitParam = Annotated[int, QueryParameter(ge=1, le=1000, description="entries per page")]
PrefixParam = Annotated[str | None, QueryParameter(
    max_length=60, description="issuer prefix: GB/T, DB22/T, QC/T (GB holds GB, GB/T, GB/Z)")]
IcsParam = Annotated[str | None, QueryParameter(
    pattern=r"^\d{2}(\.\d{3}(\.\d{2})?)?$",
    description="ICS class, group or subgroup: 43, 43.040, 43.040.10 (and every code inside)")]
RegionParam = Annotated[str | None, QueryParameter(
    pattern=r"^\d{2,6}$", description="GB/T 2260 region code or prefix: 22, 2201, 220100; "
    "local standards of that region and the regions inside it")]
LevelParam = Annotated[Level | None, QueryParameter(description="the standards' level")]


async def read_feed(since: str | None, cursor: str | None, limit: int, prefix: str | None,
                    ics: str | None, region: str | None, level: Level | None) -> FeedPage:
    filters = FeedFilters(prefix=prefix.strip() or None if prefix else None, ics=ics,
                          region=region_prefix(region) if region else None, level=level)
    position = await parse_cursor(cursor) if cursor else FeedPosition()
    return await feed_queries.feed_page(filters, position,
                                        since=parse_since(since) if since else None,
                                        limit=limit)


def _text(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def _summary(entry: FeedEntry) -> str:
    lines = [f"{TYPE_WORDS[entry.type]} ({entry.type.value}): {entry.code} {entry.title_zh or ''}"
             .rstrip()]
    for label, value in (("发布 published", entry.published_on),
                         ("实施 implemented", entry.implemented_on),
                         ("废止 withdrawn", entry.withdrawn_on)):
        if value is not None:
            lines.append(f"{label}: {value.isoformat()}")
    if entry.replaced_by:
        lines.append(f"被代替 replaced by: {'、'.join(entry.replaced_by)}")
    if entry.replaces:
        lines.append(f"代替 replaces: {'、'.join(entry.replaces)}")
    for change in entry.changes:
        lines.append(f"{change.field}: {change.old or '-'} → {change.new or '-'}")
    return "\n".join(lines)


def atom_document(page: FeedPage, base_url: str, self_url: str, next_url: str | None) -> bytes:
    """The page as an Atom feed (RFC 4287), every text escaped by lxml."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _text(feed, "id", f"{base_url}/api/changes")
    _text(feed, "title", "stdtrack 标准变化 (change feed)")
    newest = max((entry.at for entry in page.entries), default=dt.datetime(2000, 1, 1,
                                                                           tzinfo=dt.UTC))
    _text(feed, "updated", newest.isoformat())
    etree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": self_url})
    if next_url is not None:
        etree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "next", "href": next_url})
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "stdtrack")
    for entry in page.entries:
        item = etree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "id", f"{base_url}/api/changes#{entry.id}")
        _text(item, "title", f"[{TYPE_WORDS[entry.type]}] {entry.code} {entry.title_zh or ''}"
              .rstrip())
        _text(item, "updated", entry.at.isoformat())
        etree.SubElement(item, f"{{{ATOM}}}link", {
            "rel": "alternate", "href": f"{base_url}/api/standards/{entry.standard_id}"})
        etree.SubElement(item, f"{{{ATOM}}}category", {"term": entry.type.value,
                                                       "label": TYPE_WORDS[entry.type]})
        etree.SubElement(item, f"{{{ATOM}}}category", {"term": f"level:{entry.level}"})
        _text(item, "summary", _summary(entry), type="text")
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))


class ChangeController(Controller):
    path = "/api/changes"
    tags = ["changes"]

    @get("/", summary="Typed change feed: new, replaced, withdrawn, upcoming, record changed "
         "(public)", opt=PUBLIC, responses=problems(400),
         description="Entries oldest first: a standard entering the catalogue (new), or one "
         "write (an import, a hand edit) of one standard, typed replaced (withdrawn with a "
         "successor, or given one: replaced_by), withdrawn, upcoming (implementation date set "
         "or moved ahead) or record_changed (other fields, in `changes`). Filters combine; a "
         "cursor continues exactly after the last entry under the same filters (poll it for "
         "new entries). The same entries as Atom: `/api/changes.atom`.")
    async def feed(self, since: SinceParam = None, cursor: CursorParam = None,
                   limit: LimitParam = 100, prefix: PrefixParam = None, ics: IcsParam = None,
                   region: RegionParam = None, level: LevelParam = None) -> ChangePage:
        page = await read_feed(since, cursor, limit, prefix, ics, region, level)
        return ChangePage(items=[entry_read(entry) for entry in page.entries],
                          next_cursor=cursor_of(page.position), has_more=page.has_more)



class ChangeAtomController(Controller):
    path = "/api/changes.atom"
    tags = ["changes"]

    @get("/", summary="The typed change feed as Atom (public)", opt=PUBLIC,
         responses=problems(400), media_type=ATOM_MEDIA_TYPE,
         description="The entries of `/api/changes` (same parameters) as an Atom feed: one "
         "<entry> each, typed by <category term=\"new|replaced|withdrawn|upcoming|"
         "record_changed\">; <link rel=\"next\"> continues after them.")
    async def atom(self, request: Request[Any, Any, Any], since: SinceParam = None,
                   cursor: CursorParam = None, limit: LimitParam = 100,
                   prefix: PrefixParam = None, ics: IcsParam = None,
                   region: RegionParam = None, level: LevelParam = None) -> Response[bytes]:
        page = await read_feed(since, cursor, limit, prefix, ics, region, level)
        base = str(request.base_url).rstrip("/")
        next_url = None
        if page.has_more:
            query = {key: value for key, value in request.query_params.items()
                     if key != "cursor"}
            query["cursor"] = cursor_of(page.position)
            next_url = f"{base}/api/changes.atom?{urlencode(query)}"
        body = atom_document(page, base, str(request.url), next_url)
        return Response(body, media_type=ATOM_MEDIA_TYPE)
