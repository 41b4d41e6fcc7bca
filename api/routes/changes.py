"""The change feed (public): what catalogue imports changed on standards, oldest first, paged
by an opaque cursor."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter
from pydantic import BaseModel, Field

from api.errors import InputError
from standards import repository

PUBLIC = {"roles": "public"}


class ChangeRead(BaseModel):
    id: int
    standard_id: int
    code: str
    title_zh: str | None
    field: str
    old: str | None
    new: str | None
    changed_at: dt.datetime
    batch_id: int | None


class ChangePage(BaseModel):
    items: list[ChangeRead]
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


def parse_cursor(text: str) -> int:
    if not text.startswith("c") or not text[1:].isdigit():
        raise InputError(f"cursor={text!r} is not a cursor this feed gave out")
    return int(text[1:])


class ChangeController(Controller):
    path = "/api/changes"
    tags = ["changes"]

    @get("/", summary="Standards changed by imports: field, old, new, when (public)",
         opt=PUBLIC)
    async def feed(
        self,
        since: Annotated[str | None, QueryParameter(
            description="only changes at or after this date or timestamp")] = None,
        cursor: Annotated[str | None, QueryParameter(max_length=24)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> ChangePage:
        rows = await repository.change_feed(
            since=parse_since(since) if since else None,
            after_id=parse_cursor(cursor) if cursor else 0, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        items = [ChangeRead(id=r["id"], standard_id=r["standard_id"], code=r["code"],
                            title_zh=r["title_zh"], field=r["field"], old=r["old_value"],
                            new=r["new_value"], changed_at=r["changed_at"],
                            batch_id=r["batch_id"]) for r in rows]
        next_cursor = f"c{rows[-1]['id']}" if rows else cursor
        return ChangePage(items=items, next_cursor=next_cursor, has_more=more)
