"""Read API of the standards library (public)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from api.openapi import problems
from api.params import Page, PageSize, RecordId
from standards import repository
from standards.repository import StandardFilters
from standards.schemas import StandardPage, StandardRead
from standards.vocab import Level, Status


class StandardController(Controller):
    path = "/api/standards"
    tags = ["standards"]
    opt = {"roles": "public"}

    @get("/", summary="List standards, or look one up by any spelling of its code",
         responses=problems(404))
    async def list_standards(
        self,
        code: Annotated[str | None, QueryParameter(
            max_length=200,
            description="any spelling: 'ＧＢ／Ｔ７７１４－２０１５', 'gb/t 7714'")] = None,
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
        page_size: PageSize = 50,
    ) -> StandardPage:
        if code:
            found = await repository.find_standard(code)
            summary = repository.summary_of(found)
            return StandardPage(total=1, page=1, page_size=page_size, items=[summary])
        filters = StandardFilters(
            level=level, status=status, prefix=prefix, region=region, industry=industry,
            ics=ics, ccs=ccs, year_from=year_from, year_to=year_to,
        )
        return await repository.list_standards(filters, page=page, page_size=page_size)

    @get("/{standard_id:int}", summary="One standard with its editions and relations")
    async def get_standard(self, standard_id: RecordId) -> StandardRead:
        return await repository.get_standard(standard_id)
