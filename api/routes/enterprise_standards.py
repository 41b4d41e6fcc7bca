"""Enterprise standards (企业标准, ``Q/...``) over HTTP: an enterprise declares its own with their
functional, performance and safety indicators; they enter the catalogue owned by it. Anyone
reads them (as the national platform publishes them); only the owner, or staff, changes one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, Field

from adoption import enterprise_standards_repository
from adoption.schemas import EnterpriseStandardRead
from api.auth import Role
from api.openapi import problems
from api.params import RecordId
from api.pipelines.enterprise_standards import (
    save_enterprise_standard,
    update_enterprise_standard,
)
from api.routes.access import (
    OWNER_OR_STAFF,
    OWNER_STAFF_OR_LEADER,
    enterprise_uscc,
    identity_of,
    translated,
)
from standards.settings import Settings

PUBLIC = {"roles": "public"}


class IndicatorWrite(BaseModel):
    kind: str = Field(description="functional / performance / safety (功能 / 性能 / 安全)")
    name: str = Field(description="指标名称, e.g. 制动力")
    value: str = Field(default="", description="技术要求: a value or a limit as written, "
                       "e.g. ≥ 95, 0.5～1.2")
    unit: str = Field(default="", description="单位, e.g. N·m")
    test_method: str = Field(default="", description="检验方法, e.g. GB/T 13594-2003 5.2")


class EnterpriseStandardWrite(BaseModel):
    code: str = Field(description="the dated code, any spelling: Q/JLQC 001-2024")
    title_zh: str = Field(description="标准名称")
    published_on: dt.date | None = Field(default=None, description="发布日期; today by default")
    implemented_on: dt.date | None = Field(default=None, description="实施日期; the "
                                           "publication date by default")
    indicators: list[IndicatorWrite] = Field(default_factory=list, description="功能指标、"
                                             "性能指标、安全指标")


class EnterpriseStandardChange(BaseModel):
    """Everything but the code (another code is another standard)."""

    title_zh: str
    published_on: dt.date | None = None
    implemented_on: dt.date | None = None
    indicators: list[IndicatorWrite] = Field(default_factory=list)


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class EnterpriseStandardsOfEnterprise(Controller):
    path = "/api/enterprises"
    tags = ["enterprise standards"]

    @get("/{uscc:str}/standards", summary="An enterprise's own enterprise standards with their "
         "indicators ('me' for your own)", opt=OWNER_STAFF_OR_LEADER,
         responses=problems(422))
    async def list_standards(self, request: Request[Any, Any, Any],
                             uscc: FromPath[str]) -> list[EnterpriseStandardRead]:
        target = enterprise_uscc(identity_of(request), uscc)
        return await enterprise_standards_repository.enterprise_standards(owner_uscc=target)

    @post("/{uscc:str}/standards", summary="Declare an enterprise standard with its indicators "
          "(its enterprise, staff); saving the same code again changes it", status_code=201,
          opt=OWNER_OR_STAFF,
          responses=problems(409, 422))
    async def save_standard(self, request: Request[Any, Any, Any], uscc: FromPath[str],
                            data: JSONBody[EnterpriseStandardWrite]) -> EnterpriseStandardRead:
        target = enterprise_uscc(identity_of(request), uscc)
        with translated():
            return await save_enterprise_standard(
                target, code=data.code, title_zh=data.title_zh,
                indicators=[i.model_dump() for i in data.indicators],
                published_on=data.published_on, implemented_on=data.implemented_on,
                settings=_settings(request))


class EnterpriseStandardController(Controller):
    path = "/api/enterprise-standards"
    tags = ["enterprise standards"]

    @get("/{standard_id:int}", summary="One enterprise standard with its owner and indicators "
         "(public)", opt=PUBLIC)
    async def get_standard(self, standard_id: RecordId) -> EnterpriseStandardRead:
        return await enterprise_standards_repository.enterprise_standard(standard_id)

    @put("/{standard_id:int}", summary="Change an enterprise standard: title, dates, "
         "indicators (its owner, staff; another enterprise answers 403)", opt=OWNER_OR_STAFF)
    async def change_standard(self, request: Request[Any, Any, Any], standard_id: RecordId,
                              data: JSONBody[EnterpriseStandardChange]
                              ) -> EnterpriseStandardRead:
        identity = identity_of(request)
        with translated():
            return await update_enterprise_standard(
                standard_id, identity.uscc if identity.role is Role.ENTERPRISE else None,
                title_zh=data.title_zh, indicators=[i.model_dump() for i in data.indicators],
                published_on=data.published_on, implemented_on=data.implemented_on,
                settings=_settings(request))
