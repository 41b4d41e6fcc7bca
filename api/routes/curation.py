"""Staff curation over HTTP: a standard's fields edited by hand (the ``manual`` source, which
outranks imports) and its history; the conflicts imports reported, resolved one by one or by
a preferred source per field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, Field

from api.openapi import problems
from api.params import Page, PageSize, QueryId, RecordId
from api.pipelines.curation import after_curation
from api.routes.access import STAFF, identity_of
from standards import curation_repository
from standards.curation_repository import ConflictFilters
from standards.schemas import (
    ConflictPage,
    ConflictRead,
    SourcePreferenceRead,
    StandardRead,
)
from standards.settings import Settings


class StandardEdited(BaseModel):
    standard: StandardRead
    changed: list[str] = Field(description="fields whose value changed")
    manual_fields: list[str] = Field(description="fields now set by hand (outrank imports)")


class ConflictDecision(BaseModel):
    keep: Literal["kept", "offered"] = Field(
        description="kept: the value stored stays; offered: the other source's value is taken")
    prefer: bool = Field(default=False, description="also prefer the chosen side's source for "
                         "this field from now on (later imports follow it; other open "
                         "conflicts of the field it takes part in are resolved the same way)")


class ConflictResolved(BaseModel):
    conflict: ConflictRead
    also_resolved: int = Field(description="other open conflicts the preference resolved")


class PreferenceSet(BaseModel):
    source: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$",
                        description="an import source, e.g. iso.org, std.samr.gov.cn, csv")


class PreferenceSaved(BaseModel):
    preference: SourcePreferenceRead
    resolved: int = Field(description="open conflicts the preference resolved")


def actor_of(request: Request[Any, Any, Any]) -> str:
    identity = identity_of(request)
    return f"{identity.role.value}:{identity.name}"




class CurationController(Controller):
    path = "/api"
    tags = ["curation"]
    opt = STAFF

    @get("/conflicts", summary="Conflicts imports reported (staff)",
         description="Another source offered a different value for a field someone else "
         "owns. Filter by status (open by default), field, source (offering or kept), code "
         "prefix or import batch.", responses=problems(422))
    async def list_conflicts(
        self,
        status: Annotated[Literal["open", "resolved", "all"], QueryParameter()] = "open",
        field: Annotated[str | None, QueryParameter(max_length=60, pattern=r"^[a-z_]+$")] = None,
        source: Annotated[str | None, QueryParameter(max_length=100)] = None,
        code: Annotated[str | None, QueryParameter(max_length=200)] = None,
        batch_id: QueryId = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> ConflictPage:
        return await curation_repository.list_conflicts(
            ConflictFilters(state=status, field=field, source=source, code=code,
                            batch_id=batch_id), page=page, page_size=page_size)

    @get("/conflicts/{conflict_id:int}", summary="One conflict (staff)",
         description="With the value stored now beside the two values in dispute.")
    async def get_conflict(self, conflict_id: RecordId) -> ConflictRead:
        return await curation_repository.get_conflict(conflict_id)

    @post("/conflicts/{conflict_id:int}/resolve", summary="Resolve a conflict (staff)",
          description="Keep the stored value or take the offered one; optionally prefer the "
          "chosen side's source for the field from now on. Recorded in the change log.",
          status_code=200, responses=problems(409, 422))
    async def resolve(self, request: Request[Any, Any, Any], conflict_id: RecordId,
                      data: JSONBody[ConflictDecision]) -> ConflictResolved:
        done = await curation_repository.resolve_conflict(
            conflict_id, data.keep, actor=actor_of(request), prefer=data.prefer,
            now=dt.datetime.now(dt.UTC))
        settings: Settings = request.app.state.settings
        await after_curation(settings, done.touched, [done.conflict.field])
        return ConflictResolved(conflict=done.conflict, also_resolved=done.also_resolved)

    @get("/source-preferences", summary="Preferred sources per field (staff)",
         description="\"Always prefer source X for field Y\": later imports follow them.")
    async def list_preferences(self) -> list[SourcePreferenceRead]:
        return await curation_repository.list_preferences()

    @put("/source-preferences/{field:str}", summary="Prefer a source for a field (staff)",
         description="Later imports take this source's value for the field over another "
         "source's (never over a hand edit); open conflicts it settles are resolved now.",
         responses=problems(422))
    async def set_preference(self, request: Request[Any, Any, Any], field: FromPath[str],
                             data: JSONBody[PreferenceSet]) -> PreferenceSaved:
        touched = await curation_repository.set_preference(
            field, data.source, actor=actor_of(request))
        settings: Settings = request.app.state.settings
        await after_curation(settings, [i for i in touched if i > 0], [field])
        found = [p for p in await curation_repository.list_preferences() if p.field == field]
        return PreferenceSaved(preference=found[0], resolved=len(touched))

    @delete("/source-preferences/{field:str}", summary="Stop preferring a source (staff)",
            description="Later conflicts of the field are reported again.", status_code=200)
    async def delete_preference(self, field: FromPath[str]) -> SourcePreferenceRead:
        return await curation_repository.delete_preference(field)
