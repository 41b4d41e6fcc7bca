"""Drafting projects over HTTP (staff and leaders read; staff record stages and import plans),
and the domain rules that give catalogue standards their domains (staff change them)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from adoption import domains_repository, drafting_repository
from adoption.domains_repository import DomainRefresh, DomainRuleRead
from adoption.drafting import (
    DraftingProjectPage,
    DraftingProjectRead,
    StageChange,
    StageFunnel,
    parse_kinds,
)
from adoption.fields import NO_CONTROLS
from adoption.vocab import Domain, DraftingStage
from api.drafting_imports import import_drafting_plans
from api.errors import InputError
from api.openapi import problems
from api.params import Page, PageSize, RecordId
from api.routes.access import STAFF, STAFF_OR_LEADER, identity_of, translated
from api.uploads import saved_uploads
from importers.errors import ImporterError
from standards.settings import Settings


class PlanUpload(BaseModel):
    """Multipart form of ``POST /api/drafting-projects/imports``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    files: list[UploadFile] | UploadFile


class DomainRuleCreate(BaseModel):
    field: str = Field(max_length=20, description="ics, ccs or keyword")
    pattern: Annotated[str, NO_CONTROLS] = Field(
        min_length=1, max_length=200,
        description="ICS prefix 03.080, CCS prefix A16 or B, or a title word")
    domain: str = Field(max_length=40, description="service, agriculture, industry, social, "
                        "culture, special-resource, ecology (or 服务业, 农业...)")
    note: Annotated[str, NO_CONTROLS] = Field(default="", max_length=500)


class DomainRuleChange(BaseModel):
    enabled: bool


class DraftingController(Controller):
    path = "/api/drafting-projects"
    tags = ["drafting"]

    @get("/", summary="Drafting projects (staff, leader): filter by region prefix, domain, kind, "
         "stage or overdue as of a day", opt=STAFF_OR_LEADER,
         responses=problems(422))
    async def list_projects(
        self,
        region: Annotated[str | None, QueryParameter(max_length=6, pattern=r"^\d{2,6}$")] = None,
        domain: Annotated[Domain | None, QueryParameter()] = None,
        kinds: Annotated[str | None, QueryParameter(max_length=40,
                                                    description="new, revision")] = None,
        stage: Annotated[DraftingStage | None, QueryParameter()] = None,
        overdue: Annotated[bool | None, QueryParameter()] = None,
        plan_year: Annotated[int | None, QueryParameter(ge=1980, le=2100)] = None,
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
        as_of: Annotated[dt.date | None, QueryParameter()] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> DraftingProjectPage:
        with translated():
            filters = drafting_repository.ProjectFilters(
                region=region, domain=domain, kinds=parse_kinds(kinds) if kinds else None,
                stage=stage, overdue=overdue, plan_year=plan_year, q=q)
        return await drafting_repository.list_projects(filters, as_of=as_of, page=page,
                                                       page_size=page_size)

    @get("/funnel", summary="Projects by stage as of a day, for a stage funnel (staff, "
         "leader)", opt=STAFF_OR_LEADER,
         responses=problems(422))
    async def funnel(
        self,
        region: Annotated[str | None, QueryParameter(max_length=6, pattern=r"^\d{2,6}$")] = None,
        domain: Annotated[Domain | None, QueryParameter()] = None,
        kinds: Annotated[str | None, QueryParameter(max_length=40)] = None,
        plan_year: Annotated[int | None, QueryParameter(ge=1980, le=2100)] = None,
        as_of: Annotated[dt.date | None, QueryParameter()] = None,
    ) -> StageFunnel:
        with translated():
            filters = drafting_repository.ProjectFilters(
                region=region, domain=domain, kinds=parse_kinds(kinds) if kinds else None,
                plan_year=plan_year)
        return await drafting_repository.stage_funnel(filters, as_of)

    @get("/{project_id:int}", summary="One drafting project with its stage history (staff, "
         "leader)", opt=STAFF_OR_LEADER)
    async def get_project(
        self, project_id: RecordId,
        as_of: Annotated[dt.date | None, QueryParameter()] = None,
    ) -> DraftingProjectRead:
        return await drafting_repository.get_project(project_id, as_of)

    @post("/{project_id:int}/stages", summary="Record a stage transition: a later stage, 延期 "
          "postponed with the new deadline, 撤销 cancelled (staff)", status_code=201, opt=STAFF,
          responses=problems(409, 422))
    async def record_stage(self, request: Request[Any, Any, Any], project_id: RecordId,
                           data: JSONBody[StageChange]) -> DraftingProjectRead:
        with translated():
            return await drafting_repository.record_stage(
                project_id, data, source=f"http:{identity_of(request).name}",
                now=dt.datetime.now(dt.UTC))

    @post("/imports", summary="Import drafting-plan files (staff; columns: docs/formats.md §3)",
          status_code=201, opt=STAFF)
    async def create_import(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[PlanUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict[str, Any]:
        settings: Settings = request.app.state.settings
        async with saved_uploads(data.files, settings) as paths:
            try:
                report = await import_drafting_plans(
                    paths, actor=f"http:{identity_of(request).name}",
                    archive_dir=settings.archive_dir, limits=settings.read_limits)
            except ImporterError as exc:
                raise InputError(str(exc)) from exc
        return report.as_dict()

    @get("/imports", summary="Drafting-plan imports, newest first (staff)", opt=STAFF)
    async def list_imports(
        self,
        page: Page = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        rows = await drafting_repository.list_imports(limit=page_size,
                                                      offset=(page - 1) * page_size)
        return {"page": page, "page_size": page_size, "items": rows}

    @get("/imports/{import_id:int}", summary="One drafting-plan import with its report (staff)",
         opt=STAFF)
    async def get_import(self, import_id: RecordId) -> dict[str, Any]:
        return await drafting_repository.get_import(import_id)


class DomainRuleController(Controller):
    path = "/api/domain-rules"
    tags = ["domains"]

    @get("/", summary="Rules giving catalogue standards a domain (staff, leader)",
         opt=STAFF_OR_LEADER)
    async def list_rules(self) -> list[DomainRuleRead]:
        return await domains_repository.list_rules()

    @post("/", summary="Add a rule; every standard's domains are recomputed (staff)",
          status_code=201, opt=STAFF,
          responses=problems(409, 422))
    async def add_rule(self, data: JSONBody[DomainRuleCreate]) -> DomainRuleRead:
        with translated():
            return await domains_repository.add_rule(data.field, data.pattern, data.domain,
                                                     data.note)

    @patch("/{rule_id:int}", summary="Turn a rule on or off (staff)", opt=STAFF)
    async def change_rule(self, rule_id: RecordId,
                          data: JSONBody[DomainRuleChange]) -> DomainRuleRead:
        return await domains_repository.set_rule_enabled(rule_id, data.enabled)

    @delete("/{rule_id:int}", summary="Remove a rule (staff)", status_code=200, opt=STAFF)
    async def delete_rule(self, rule_id: RecordId) -> DomainRuleRead:
        return await domains_repository.delete_rule(rule_id)

    @post("/refresh", summary="Recompute every standard's domains from the rules (staff)",
          status_code=200, opt=STAFF)
    async def refresh(self) -> DomainRefresh:
        return await domains_repository.refresh_standard_domains()
