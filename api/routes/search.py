"""Full-text search of standards (public): ``GET /api/search``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import QueryParameter

from api.errors import ApiError, InputError
from api.params import Page
from search_index.errors import IndexUnavailableError, QueryError
from search_index.schemas import MAX_PAGE_SIZE, SearchFilters, SearchRequest, SearchResult
from search_index.vocab import SortOrder
from standards.vocab import Level, Status


class SearchUnavailable(ApiError):
    status_code = 503
    title = "Search unavailable"


class SearchController(Controller):
    path = "/api/search"
    tags = ["search"]
    opt = {"roles": "public"}

    @get("/", summary="Search standards by code (any spelling), Chinese or English words")
    async def search(
        self,
        request: Request,
        q: Annotated[str, QueryParameter(
            description="code (ＧＢ／Ｔ ７７１４, GB50016, 50016), words (抗震, 服务规范 旅游, "
                        "seismic), or both; \"quotes\" for a phrase")] = "",
        level: Annotated[Level | None, QueryParameter()] = None,
        status: Annotated[Status | None, QueryParameter()] = None,
        prefix: Annotated[str | None, QueryParameter(max_length=60)] = None,
        region: Annotated[str | None, QueryParameter(
            pattern=r"^\d{2,6}$", description="region code prefix: 22, 2201")] = None,
        industry: Annotated[str | None, QueryParameter(max_length=10)] = None,
        ics: Annotated[str | None, QueryParameter(pattern=r"^\d{2}(\.\d{3}(\.\d{2})?)?$")] = None,
        ccs: Annotated[str | None, QueryParameter(max_length=10)] = None,
        year_from: Annotated[int | None, QueryParameter(ge=1900, le=2100)] = None,
        year_to: Annotated[int | None, QueryParameter(ge=1900, le=2100)] = None,
        page: Page = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE)] = 10,
        sort: Annotated[SortOrder, QueryParameter()] = SortOrder.RELEVANCE,
        facets: Annotated[bool, QueryParameter(
            description="facet counts by level, status, year")] = True,
        highlight: Annotated[bool, QueryParameter()] = True,
    ) -> SearchResult:
        query = SearchRequest(
            q=q,
            filters=SearchFilters(level=level, status=status, prefix=prefix, region=region,
                                  industry=industry, ics=ics, ccs=ccs, year_from=year_from,
                                  year_to=year_to),
            page=page, page_size=page_size, sort=sort, facets=facets, highlight=highlight,
        )
        engine = request.app.state.search
        try:
            return await engine.search(query, dt.date.today())
        except QueryError as exc:
            raise InputError(str(exc)) from exc
        except IndexUnavailableError as exc:
            raise SearchUnavailable(str(exc)) from exc
