"""Indicators over HTTP (docs/indicators.md, docs/json.md): coverage, adoption, standard
adoption and conversion as of any day, filtered, grouped, as a trend, with the drill-down of
what was not counted and its CSV export; the foreign-advanced body list (staff change it).
Leaders and staff."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Response, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, Field

from adoption import indicator_queries
from adoption.fields import NO_CONTROLS
from adoption.indicators import (
    IndicatorName,
    IndicatorQuery,
    IndicatorRules,
    compute_indicator,
    indicator_series,
    month_ends,
    not_counted,
)
from adoption.metrics import REASON_LABELS, Reason
from adoption.schemas import ForeignBodyRead, IndicatorReport, NotCountedPage
from api.errors import InputError
from api.exports import Table, columns, export_response
from api.openapi import problems
from api.params import Page, PageSize
from api.routes.access import STAFF, STAFF_OR_LEADER, translated

EXPORT_LIMIT = 1_000_000
MAX_SERIES = 120

NOT_COUNTED_COLUMNS = columns(
    ("reason", "未计入原因代码 reason code"), ("reason_label", "未计入原因 reason"),
    ("uscc", "统一社会信用代码 USCC"), ("enterprise_name", "企业名称 enterprise"),
    ("product_id", "产品编号 product id"), ("product_name", "产品名称 product"),
    ("product_model", "产品型号 model"), ("main", "主要产品 main"),
    ("region_code", "行政区划代码 region code"), ("region_name", "地区 region"),
    ("declared_codes", "声明的标准 declared codes"), ("code", "标准号 code"),
    ("title_zh", "标准名称 title"))

Text = Annotated[str | None, QueryParameter(max_length=100)]
Flag = Annotated[bool, QueryParameter()]


class BodyCreate(BaseModel):
    body: Annotated[str, NO_CONTROLS] = Field(
        min_length=1, max_length=20, description="first word of the body's codes: ASTM, DIN, JIS")
    name: Annotated[str, NO_CONTROLS] = Field(default="", max_length=200,
                                              description="the body's name")


def _query(name: IndicatorName, as_of: dt.date | None, region: str | None, sector: str | None,
           key_field: str | None, enterprise: str | None, level: str | None,
           prefix: str | None, ics: str | None, group_by: str | None, count_neq: bool,
           count_eqv: bool, count_foreign: bool) -> IndicatorQuery:
    return IndicatorQuery(
        name=name, as_of=as_of, region=region, sector=sector, key_field=key_field,
        enterprise=enterprise, level=level, prefix=prefix, ics=ics, group_by=group_by,
        rules=IndicatorRules(count_neq=count_neq, count_eqv=count_eqv,
                             count_foreign=count_foreign))


def _days(dates: str | None, start: dt.date | None, end: dt.date | None) -> list[dt.date]:
    if dates:
        found = []
        for text in dates.split(","):
            try:
                found.append(dt.date.fromisoformat(text.strip()))
            except ValueError as exc:
                raise InputError(f"dates: {text.strip()!r} 不是日期 is not a date (YYYY-MM-DD)"
                                 ) from exc
    elif start:
        found = month_ends(start, end or dt.date.today())
    else:
        raise InputError("give dates=YYYY-MM-DD,... or start (and end) for month ends")
    if not found or len(found) > MAX_SERIES:
        raise InputError(f"a series has 1 to {MAX_SERIES} dates, not {len(found)}")
    return found


class IndicatorController(Controller):
    path = "/api/indicators"
    tags = ["indicators"]

    @get("/foreign-bodies", summary="Bodies whose standards count as foreign-advanced",
         opt=STAFF_OR_LEADER)
    async def bodies(self) -> list[ForeignBodyRead]:
        return await indicator_queries.foreign_bodies()

    @post("/foreign-bodies", summary="Count a body's standards as foreign-advanced (staff)",
          opt=STAFF, status_code=200,
          responses=problems(409, 422))
    async def add_body(self, data: JSONBody[BodyCreate]) -> list[ForeignBodyRead]:
        with translated():
            return await indicator_queries.add_foreign_body(data.body, data.name)

    @delete("/foreign-bodies/{code:str}", summary="Stop counting a body as foreign-advanced "
            "(staff)", opt=STAFF, status_code=200,
            responses=problems(422))
    async def remove_body(self, code: FromPath[str]) -> list[ForeignBodyRead]:
        with translated():
            return await indicator_queries.remove_foreign_body(code)

    @get("/{name:str}", summary="An indicator as of a day: numerator, denominator, rate, "
         "groups, what was not counted and why (docs/json.md)", opt=STAFF_OR_LEADER,
         responses=problems(422))
    async def indicator(
        self,
        name: FromPath[IndicatorName],
        as_of: Annotated[dt.date | None, QueryParameter(description="default today")] = None,
        region: Annotated[str | None, QueryParameter(
            description="code prefix: 22, 2201, 220102 (220000, 220100 too)")] = None,
        sector: Text = None, key_field: Text = None,
        enterprise: Annotated[str | None, QueryParameter(max_length=40)] = None,
        level: Text = None, prefix: Text = None, ics: Text = None,
        group_by: Annotated[str | None, QueryParameter(
            description="province, city, county, sector, key-field (level, prefix for "
                        "standard-level indicators)")] = None,
        count_neq: Flag = False, count_eqv: Flag = False, count_foreign: Flag = True,
    ) -> IndicatorReport:
        with translated():
            return await compute_indicator(_query(
                name, as_of, region, sector, key_field, enterprise, level, prefix, ics,
                group_by, count_neq, count_eqv, count_foreign))

    @get("/{name:str}/series", summary="The trend: the indicator as of each date (or each "
         "month end from start to end)", opt=STAFF_OR_LEADER,
         responses=problems(422))
    async def series(
        self,
        name: FromPath[IndicatorName],
        dates: Annotated[str | None, QueryParameter(
            description="comma-separated days: 2024-01-31,2024-02-29")] = None,
        start: Annotated[dt.date | None, QueryParameter()] = None,
        end: Annotated[dt.date | None, QueryParameter(description="default today")] = None,
        region: Text = None, sector: Text = None, key_field: Text = None,
        enterprise: Annotated[str | None, QueryParameter(max_length=40)] = None,
        level: Text = None, prefix: Text = None, ics: Text = None, group_by: Text = None,
        count_neq: Flag = False, count_eqv: Flag = False, count_foreign: Flag = True,
    ) -> list[IndicatorReport]:
        days = _days(dates, start, end)
        with translated():
            return await indicator_series(_query(
                name, None, region, sector, key_field, enterprise, level, prefix, ics,
                group_by, count_neq, count_eqv, count_foreign), days)

    @get("/{name:str}/not-counted", summary="Drill-down: what was not counted and why, a page "
         "at a time", opt=STAFF_OR_LEADER,
         responses=problems(422))
    async def drill_down(
        self,
        name: FromPath[IndicatorName],
        reason: Annotated[Reason | None, QueryParameter()] = None,
        page: Page = 1,
        page_size: PageSize = 50,
        as_of: Annotated[dt.date | None, QueryParameter()] = None,
        region: Text = None, sector: Text = None, key_field: Text = None,
        enterprise: Annotated[str | None, QueryParameter(max_length=40)] = None,
        level: Text = None, prefix: Text = None, ics: Text = None,
        count_neq: Flag = False, count_eqv: Flag = False, count_foreign: Flag = True,
    ) -> NotCountedPage:
        with translated():
            return await not_counted(_query(
                name, as_of, region, sector, key_field, enterprise, level, prefix, ics, None,
                count_neq, count_eqv, count_foreign), reason.value if reason else None, page,
                page_size)

    @get("/{name:str}/not-counted/export", summary="The drill-down as CSV (formula cells "
         "neutralised)", opt=STAFF_OR_LEADER, media_type="text/csv",
         responses=problems(422))
    async def export(
        self,
        name: FromPath[IndicatorName],
        reason: Annotated[Reason | None, QueryParameter()] = None,
        as_of: Annotated[dt.date | None, QueryParameter()] = None,
        region: Text = None, sector: Text = None, key_field: Text = None,
        enterprise: Annotated[str | None, QueryParameter(max_length=40)] = None,
        level: Text = None, prefix: Text = None, ics: Text = None,
        count_neq: Flag = False, count_eqv: Flag = False, count_foreign: Flag = True,
    ) -> Response[bytes]:
        with translated():
            found = await not_counted(_query(
                name, as_of, region, sector, key_field, enterprise, level, prefix, ics, None,
                count_neq, count_eqv, count_foreign), reason.value if reason else None, 1,
                EXPORT_LIMIT)
        rows = []
        for item in found.items:
            row = item.model_dump()
            row["reason_label"] = REASON_LABELS[Reason(item.reason)]
            row["main"] = "" if item.main is None else "是" if item.main else "否"
            rows.append(row)
        stem = "-".join(part for part in (
            "not-counted", name.value, reason.value if reason else None,
            found.as_of.isoformat()) if part)
        return export_response(Table(name=f"{name.value}-not-counted",
                                     columns=NOT_COUNTED_COLUMNS, rows=rows), "csv", stem)
