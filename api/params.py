"""Shared, bounded parameter types for every route and request body: ids, pages, page sizes.

A number the database cannot hold (an id of 2**63, ``?page=10**20``) must be refused as a bad
request (400) before it reaches a driver, never answered with a 500. Every route takes its
integers through these types (or states its own ``le=`` bound); ``tests/api/test_params.py``
fails on an integer parameter or body field without an upper bound, so new routes follow.

    from api.params import Page, PageSize, RecordId

    @get("/{thing_id:int}")
    async def one(self, thing_id: RecordId) -> ThingRead: ...

    @get("/")
    async def many(self, page: Page = 1, page_size: PageSize = 50) -> ThingPage: ...

    class ThingCreate(BaseModel):
        product_id: BodyId
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter
from pydantic import Field

from standards.db import MAX_ID

MAX_PAGE = 1_000_000
"""Pages past this are refused: at 500 rows a page it is half a billion rows in."""

MAX_PAGE_SIZE = 500

RecordId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="record id")]
"""An id in the path: ``/api/products/{product_id:int}``."""

QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
"""An optional id filter in the query string: ``?product=12``."""

Page = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="page number, from 1")]
"""``?page=``; default it with ``= 1``."""

PageSize = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE,
                                         description="items per page (at most 500)")]
"""``?page_size=`` of a list (at most 500 items)."""

BodyId = Annotated[int, Field(ge=1, le=MAX_ID, description="record id")]
"""An id in a JSON body (pydantic field)."""
