"""Spreadsheet exports (CSV and XLSX, Chinese headers, formula cells neutralised) of what the
dashboard shows: indicator tables, the not-counted drill-down list, alerts, drafting projects
and goal progress. Staff and leaders; the same filters as the JSON routes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.params import FromPath, QueryParameter

from adoption import drafting_repository
from adoption import repository as adoption_repository
from adoption.drafting import STAGE_NAMES_ZH
from adoption.drafting_repository import ProjectFilters
from adoption.goals_repository import goal_progress, list_goals
from adoption.indicators import IndicatorName, IndicatorQuery, compute_indicator, not_counted
from adoption.regions import region_name
from adoption.vocab import AlertKind, AlertState, Domain
from api.auth import Role
from api.dashboard.data import ALERT_LABELS, REASON_LABELS, STAGE_ZH
from api.exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    ExportFormat,
    Table,
    columns,
    export_response,
)
from api.openapi import problems
from api.routes.access import translated

READERS = {"roles": frozenset({Role.STAFF, Role.LEADER}),
           "downloads": (CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE)}
FormatParam = Annotated[ExportFormat, QueryParameter(description="csv or xlsx")]
RegionParam = Annotated[str | None, QueryParameter(pattern=r"^\d{2}(\d{2}(\d{2})?)?$")]
GroupParam = Annotated[str, QueryParameter(
    pattern=r"^(city|county|province|sector|key-field|level|prefix)$")]
ExportLimit = 100_000

INDICATOR_COLUMNS = columns(
    ("key", "分组代码 key"), ("label", "分组 group"), ("numerator", "计入数 numerator"),
    ("denominator", "总数 denominator"), ("rate", "比率 rate"), ("rate_text", "百分比 percent"))
NOT_COUNTED_COLUMNS = columns(
    ("reason_label", "未计入原因 reason"), ("uscc", "统一社会信用代码 USCC"),
    ("enterprise_name", "企业名称 enterprise"), ("region_name", "地区 region"),
    ("product_name", "产品名称 product"), ("product_model", "产品型号 model"),
    ("main_text", "主要产品 main"), ("declared_codes", "声明的标准 declared codes"),
    ("code", "标准号 code"), ("title_zh", "标准名称 title"))
ALERT_COLUMNS = columns(
    ("kind_label", "预警类型 kind"), ("message", "说明 message"),
    ("uscc", "统一社会信用代码 USCC"), ("enterprise_name", "企业名称 enterprise"),
    ("product_name", "产品名称 product"), ("product_model", "产品型号 model"),
    ("declared_code", "声明的标准号 declared code"), ("code", "标准号 code"),
    ("successors", "代替标准 successors"), ("effective_on", "实施日期 effective on"),
    ("raised_at", "预警时间 raised at"), ("cleared_at", "解除时间 cleared at"))
DRAFTING_COLUMNS = columns(
    ("plan_no", "计划编号 plan no."), ("plan_year", "计划年度 plan year"),
    ("title", "项目名称 title"), ("kind", "制修订 kind"), ("revises", "代替标准 revises"),
    ("region", "地区 region"), ("domain", "领域 domain"), ("proposer", "提出单位 proposer"),
    ("drafters", "起草单位 drafters"), ("deadline", "完成期限 deadline"),
    ("stage", "当前阶段 stage"), ("stage_on", "阶段日期 stage on"),
    ("overdue", "是否逾期 overdue"), ("days_overdue", "逾期天数 days overdue"),
    ("code", "标准号 code"))
GOAL_COLUMNS = columns(
    ("goal", "目标 goal"), ("metric", "指标 metric"), ("value", "当前值 value"),
    ("target", "目标值 target"), ("gap", "差距 gap"), ("status", "状态 status"),
    ("time_elapsed", "时间进度 time elapsed"), ("start_on", "起始 start"),
    ("deadline", "期限 deadline"), ("forecast_date", "预计完成 forecast"),
    ("numerator", "分子 numerator"), ("denominator", "分母 denominator"),
    ("overdue", "逾期项目 overdue"), ("pipeline", "在研项目 pipeline"))
KIND_ZH = {"new": "制定", "revision": "修订"}
STATUS_ZH = {"achieved": "已达成", "on_track": "进度正常", "at_risk": "有风险", "behind": "落后"}


def _day(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        from api.errors import InputError

        raise InputError(f"as_of {value!r} 不是日期 is not a date (YYYY-MM-DD)") from exc


def _indicator(name: str) -> IndicatorName:
    try:
        return IndicatorName(name)
    except ValueError as exc:
        from api.errors import InputError

        raise InputError(f"no indicator {name!r}; one of "
                         f"{', '.join(n.value for n in IndicatorName)}") from exc


def _stem(*parts: str | None) -> str:
    return "-".join(part for part in parts if part)


# ---- the drill-down list, shared with the page ---------------------------------------------


@dataclass(slots=True)
class NotCountedListing:
    total: int
    counts: dict[str, int]
    rows: list[dict[str, Any]] = field(default_factory=list)


async def not_counted_page(query: IndicatorQuery, reason: str | None, page: int,
                           page_size: int) -> NotCountedListing:
    """One page of what ``query``'s indicator did not count (all reasons, or one)."""
    with translated():
        report = await compute_indicator(query)
        found = await not_counted(query, reason or None, page, page_size)
    rows = []
    for item in found.items:
        row = item.model_dump()
        row["reason_label"] = REASON_LABELS.get(item.reason, item.reason)
        row["main_text"] = "" if item.main is None else "是" if item.main else "否"
        row["region_name"] = item.region_name or (
            region_name(item.region_code) if item.region_code else None)
        rows.append(row)
    return NotCountedListing(total=found.total, counts=dict(report.not_counted), rows=rows)


class ExportController(Controller):
    path = "/api/exports"
    tags = ["exports"]

    @get("/indicators/{name:str}", summary="An indicator table by group (CSV or XLSX)",
         opt=READERS,
         responses=problems(422))
    async def indicator_table(
        self, name: FromPath[str], format: FormatParam = ExportFormat.XLSX,
        group_by: GroupParam = "city", region: RegionParam = None,
        sector: Annotated[str | None, QueryParameter(max_length=100)] = None,
        key_field: Annotated[str | None, QueryParameter(max_length=40)] = None,
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
    ) -> Response[bytes]:
        with translated():
            query = IndicatorQuery(name=_indicator(name), as_of=_day(as_of), region=region,
                                   sector=sector, key_field=key_field, group_by=group_by)
            report = await compute_indicator(query)
        rows = [{"key": g.key, "label": g.label, "numerator": g.numerator,
                 "denominator": g.denominator, "rate": g.rate,
                 "rate_text": "" if g.rate is None else f"{g.rate * 100:.1f}%"}
                for g in report.groups]
        rows.append({"key": "", "label": "合计 total", "numerator": report.numerator,
                     "denominator": report.denominator, "rate": report.rate,
                     "rate_text": "" if report.rate is None else f"{report.rate * 100:.1f}%"})
        title = f"{name} 截至 as of {query.as_of} · 按 {group_by}" + (
            f" · 地区 {region}" if region else "")
        return export_response(Table(name=f"{name}-{group_by}", columns=INDICATOR_COLUMNS,
                                     rows=rows, title=title), format,
                               _stem("indicator", name, group_by, region, str(query.as_of)))

    @get("/not-counted/{name:str}", summary="What an indicator did not count, and why",
         opt=READERS,
         responses=problems(422))
    async def not_counted_list(
        self, name: FromPath[str], format: FormatParam = ExportFormat.XLSX,
        region: RegionParam = None,
        sector: Annotated[str | None, QueryParameter(max_length=100)] = None,
        key_field: Annotated[str | None, QueryParameter(max_length=40)] = None,
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
        reason: Annotated[str | None, QueryParameter(max_length=40)] = None,
    ) -> Response[bytes]:
        with translated():
            query = IndicatorQuery(name=_indicator(name), as_of=_day(as_of), region=region,
                                   sector=sector, key_field=key_field)
        listing = await not_counted_page(query, reason, 1, ExportLimit)
        title = f"{name} 未计入 not counted · 截至 as of {query.as_of}"
        return export_response(Table(name=f"{name}-not-counted", columns=NOT_COUNTED_COLUMNS,
                                     rows=listing.rows, title=title), format,
                               _stem("not-counted", name, reason, region, str(query.as_of)))

    @get("/alerts", summary="Alerts (CSV or XLSX; formula cells neutralised)", opt=READERS)
    async def alerts(
        self, format: FormatParam = ExportFormat.XLSX,
        kind: Annotated[AlertKind | None, QueryParameter()] = None,
        status: Annotated[AlertState, QueryParameter()] = AlertState.OPEN,
        region: RegionParam = None,
    ) -> Response[bytes]:
        found = await adoption_repository.export_alerts(adoption_repository.AlertFilters(
            kind=kind, state=status, region=region), limit=ExportLimit)
        rows = []
        for alert in found:
            row = alert.model_dump()
            row["kind_label"] = ALERT_LABELS.get(alert.kind, alert.kind.value)
            rows.append(row)
        return export_response(Table(name="alerts", columns=ALERT_COLUMNS, rows=rows,
                                     title=f"预警 alerts · {status.value}"), format,
                               _stem("alerts", status.value, region, dt.date.today().isoformat()))

    @get("/drafting-projects", summary="Drafting projects as of a day (CSV or XLSX)",
         opt=READERS)
    async def drafting_projects(
        self, format: FormatParam = ExportFormat.XLSX,
        region: RegionParam = None,
        domain: Annotated[Domain | None, QueryParameter()] = None,
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
    ) -> Response[bytes]:
        day = _day(as_of)
        projects = await drafting_repository.load_projects(
            ProjectFilters(region=region, domain=domain), day, existing_only=True)
        rows = [{
            "plan_no": p.plan_no, "plan_year": p.plan_year, "title": p.title,
            "kind": KIND_ZH.get(p.kind.value, p.kind.value), "revises": p.revises,
            "region": p.region_name or p.region_code, "domain": p.domain_label or
            ", ".join(d.value for d in p.domains), "proposer": p.proposer,
            "drafters": p.drafters, "deadline": p.state.deadline or p.deadline,
            "stage": STAGE_NAMES_ZH.get(p.state.stage, "") if p.state.stage else "",
            "stage_on": p.state.stage_on, "overdue": "是" if p.state.overdue else "否",
            "days_overdue": p.state.days_overdue, "code": p.code} for p in projects]
        return export_response(Table(name="drafting-projects", columns=DRAFTING_COLUMNS,
                                     rows=rows, title=f"地方标准制修订项目 截至 as of {day}"),
                               format, _stem("drafting-projects", region, day.isoformat()))

    @get("/goals", summary="Goal progress as of a day (CSV or XLSX)", opt=READERS)
    async def goals(
        self, format: FormatParam = ExportFormat.XLSX,
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
    ) -> Response[bytes]:
        day = _day(as_of)
        rows = []
        for goal in await list_goals():
            progress = await goal_progress(goal.id, day)
            row = progress.model_dump()
            row["status"] = STATUS_ZH.get(progress.status.value, progress.status.value)
            row["pipeline"] = "; ".join(
                f"{STAGE_ZH.get(stage, stage)} {count}"
                for stage, count in progress.pipeline.items())
            rows.append(row)
        return export_response(Table(name="goals", columns=GOAL_COLUMNS, rows=rows,
                                     title=f"目标进度 goal progress 截至 as of {day}"), format,
                               _stem("goals", day.isoformat()))
