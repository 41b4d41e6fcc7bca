"""Read API of the standards library (public)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, patch
from litestar.params import JSONBody, QueryParameter

from api.openapi import problems
from api.params import Page, PageSize, RecordId
from api.pipelines.curation import after_curation
from api.routes.access import STAFF
from api.routes.curation import StandardEdited, actor_of
from standards import curation_repository, repository
from standards.repository import StandardFilters
from standards.schemas import StandardChangeRead, StandardEdit, StandardPage, StandardRead
from standards.settings import Settings
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

    @patch("/{standard_id:int}", summary="Edit a standard's fields by hand (staff)",
           description="Only the fields given change (null clears one). A value set by hand "
           "belongs to the `manual` source, which outranks every import: a later import "
           "offering another value reports a conflict instead of overwriting it. Each change is "
           "a change-log row with who made it.", responses=problems(422), opt=STAFF)
    async def edit_standard(self, request: Request[Any, Any, Any], standard_id: RecordId,
                            data: JSONBody[StandardEdit]) -> StandardEdited:
        given = {name: getattr(data, name) for name in data.model_fields_set}
        changes = await curation_repository.edit_standard(standard_id, given,
                                                          actor=actor_of(request))
        changed = [name for name, _old, _new in changes]
        settings: Settings = request.app.state.settings
        await after_curation(settings, [standard_id], changed)
        return StandardEdited(standard=await repository.get_standard(standard_id),
                              changed=changed,
                              manual_fields=await curation_repository.manual_fields(standard_id))

    @get("/{standard_id:int}/history", summary="A standard's change log (staff)",
         description="Newest first: imports (with their batch), hand edits and conflict "
         "decisions (with who made them and a note).", opt=STAFF)
    async def standard_history(self, standard_id: RecordId) -> list[StandardChangeRead]:
        await repository.get_standard(standard_id)
        return await curation_repository.history(standard_id)
