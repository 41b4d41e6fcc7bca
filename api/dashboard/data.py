"""What the dashboard shows, gathered from the indicators, goals, drafting and alerts
(all computed by their own packages; this module only picks, labels and charts them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import anyio

from adoption import repository as adoption_repository
from adoption.drafting import STAGE_NAMES_ZH
from adoption.goals import COUNT_METRICS, LOCAL_STANDARDS, GoalProgress, GoalSeries
from adoption.goals_repository import goal_progress, goal_series, list_goals
from adoption.indicators import (
    IndicatorName,
    IndicatorQuery,
    compute_indicator,
    indicator_series,
)
from adoption.regions import region_name
from adoption.vocab import AlertKind, AlertState
from api.dashboard import charts

INDICATOR_LABELS = {
    "coverage": "产品标准覆盖率 Product standard coverage",
    "adoption": "主要产品采标率 Product adoption",
    "standard-adoption": "标准采标率 Standard adoption",
    "conversion": "国际标准转化率 Conversion",
}
PRODUCT_INDICATORS = ("coverage", "adoption")  # those with city and sector groups
EXPORT_GROUPS = {  # the indicator tables the dashboard offers (each a grouping it accepts)
    "coverage": [("city", "按城市"), ("sector", "按行业")],
    "adoption": [("city", "按城市"), ("sector", "按行业")],
    "standard-adoption": [("province", "按省")],
    "conversion": [("prefix", "按发布机构")],
}
REGIONLESS_INDICATORS = ("conversion",)  # international standards belong to no region
REGIONLESS_NOTE = ("国际标准转化率不分地区，按全部国际标准计算；目标、制修订项目和预警仍按所选地区 "
                   "(conversion has no region: it counts every international standard)")
REASON_LABELS = {
    "no_standard": "未声明标准 no standard",
    "standard_withdrawn": "标准已废止 standard withdrawn",
    "standard_not_yet_implemented": "标准尚未实施 not yet implemented",
    "unresolved_code": "标准号未收录 unresolved code",
    "not_adopting": "未采用国际标准 not adopting",
}
STATUS_LABELS = {"achieved": "已达成 achieved", "on_track": "进度正常 on track",
                 "at_risk": "有风险 at risk", "behind": "落后 behind"}
STAGE_ZH: dict[str, str] = {stage.value: zh for stage, zh in STAGE_NAMES_ZH.items()}
ALERT_LABELS = {
    AlertKind.STANDARD_WITHDRAWN: "声明的标准已废止 standard withdrawn",
    AlertKind.STANDARD_REPLACED: "声明的标准已被代替 standard replaced",
    AlertKind.STANDARD_NOT_YET_IMPLEMENTED: "声明的标准尚未实施 not yet implemented",
    AlertKind.UNRESOLVED_CODE: "标准号未收录 unresolved code",
}
REGION_CHOICES = (("22", "吉林省 Jilin"), ("32", "江苏省 Jiangsu"), ("", "全部 all"))
DEFAULT_TARGETS = {"coverage": 0.98, "adoption": 0.85, "standard-adoption": None,
                   "conversion": None}
TREND_START = dt.date(2011, 1, 1)


@dataclass(slots=True)
class ChartView:
    name: str
    caption: str
    svg: str
    drill_url: str | None = None


@dataclass(slots=True)
class GoalCard:
    goal_id: int
    goal: str
    status: str
    status_label: str
    value_text: str
    target_text: str
    progress: float
    time_elapsed: float
    deadline: str
    forecast_date: str | None
    overdue: int


@dataclass(slots=True)
class Dashboard:
    as_of: dt.date
    indicator: str
    region: str
    indicator_region: str = ""  # the region the indicator is computed for ("" = all)
    scope_note: str = ""  # why the indicator's region differs from the page's
    goals: list[GoalCard] = field(default_factory=list)
    indicator_summary: str = ""
    indicator_charts: list[ChartView] = field(default_factory=list)
    drafting_charts: list[ChartView] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    overdue_total: int = 0
    alerts: list[tuple[str, int]] = field(default_factory=list)
    alerts_total: int = 0
    not_counted_total: int = 0


def year_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """31 December of every year from ``start`` to before ``end``, then ``end`` itself (each
    point of the trend is a full past-date computation, so a point a year keeps the page
    quick on PostgreSQL too)."""
    return [*(dt.date(year, 12, 31) for year in range(start.year, end.year)
              if dt.date(year, 12, 31) >= start), end]


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def value_text(metric: str, value: float | None) -> str:
    if metric in COUNT_METRICS:
        return f"{value or 0:.0f} 项"
    return percent(value)


def goal_card(progress: GoalProgress) -> GoalCard:
    return GoalCard(
        goal_id=progress.goal_id, goal=progress.goal, status=progress.status.value,
        status_label=STATUS_LABELS.get(progress.status.value, progress.status.value),
        value_text=value_text(progress.metric, progress.value),
        target_text=value_text(progress.metric, progress.target),
        progress=max(0.0, min(1.0, progress.progress)),
        time_elapsed=max(0.0, min(1.0, progress.time_elapsed)),
        deadline=progress.deadline.isoformat(),
        forecast_date=progress.forecast_date.isoformat() if progress.forecast_date else None,
        overdue=progress.overdue)


def _in_region(goal_region: str | None, region: str) -> bool:
    if not region:
        return True
    return (goal_region or "").startswith(region) or region.startswith(goal_region or "-")


def indicator_region(indicator: str, region: str) -> str:
    """The region an indicator is computed for: the page's, except for an indicator that has
    no region scope (conversion), which is computed for all."""
    return "" if indicator in REGIONLESS_INDICATORS else region


def scope_label(region: str) -> str:
    if not region:
        return "全部 all regions"
    code = region.ljust(6, "0")
    return region_name(code) or region


async def all_progress(as_of: dt.date, region: str) -> list[GoalProgress]:
    found = []
    for goal in await list_goals():
        if _in_region(goal.region, region):
            found.append(await goal_progress(goal.id, as_of))
    return found


def indicator_target(progress: list[GoalProgress], indicator: str) -> float | None:
    """The target of the broadest goal on this indicator (no sector or key-field scope)."""
    for item in progress:
        scope = item.scope
        if item.metric == indicator and not scope.get("sector") and not scope.get("key_field"):
            return item.target
    return DEFAULT_TARGETS.get(indicator)


MAX_BARS = 14


def _bars(groups: list[Any]) -> list[charts.Bar]:
    """One bar per group; past MAX_BARS groups, the largest (by denominator), in key order."""
    if len(groups) > MAX_BARS:
        largest = sorted(groups, key=lambda group: -group.denominator)[:MAX_BARS]
        groups = sorted(largest, key=lambda group: str(group.key))
    return [charts.Bar(label=group.label or group.key, rate=group.rate,
                       numerator=group.numerator, denominator=group.denominator)
            for group in groups]


async def alerts_summary(region: str) -> list[tuple[str, int]]:
    rows = []
    for kind, label in ALERT_LABELS.items():
        page = await adoption_repository.list_alerts(adoption_repository.AlertFilters(
            kind=kind, state=AlertState.OPEN, region=region or None), page=1, page_size=1)
        rows.append((label, page.total))
    return rows


def _query_string(**params: Any) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _forecast_line(series: GoalSeries) -> list[tuple[dt.date, float]]:
    """From the last point to the forecast completion date, at the target."""
    if not series.points or series.forecast_date is None:
        return []
    last = series.points[-1]
    if last.value is None or last.value >= series.target:
        return []
    return [(last.date, float(last.value)), (series.forecast_date, series.target)]


async def build_dashboard(indicator: str, region: str, as_of: dt.date) -> Dashboard:
    """Everything the dashboard page shows for one indicator, region and day."""
    view = Dashboard(as_of=as_of, indicator=indicator, region=region,
                     indicator_region=indicator_region(indicator, region))
    if view.indicator_region != region:
        view.scope_note = REGIONLESS_NOTE
    progress = await all_progress(as_of, region)
    view.goals = [goal_card(item) for item in progress]
    target = indicator_target(progress, indicator)
    name = IndicatorName(indicator)
    scoped = view.indicator_region or None
    scope = _query_string(region=scoped, as_of=as_of.isoformat())
    report = await compute_indicator(IndicatorQuery(name=name, as_of=as_of, region=scoped))
    view.not_counted_total = sum(report.not_counted.values())
    view.indicator_summary = (f"{percent(report.rate)} = {report.numerator} / "
                              f"{report.denominator} · 截至 {as_of.isoformat()}")
    label = INDICATOR_LABELS[indicator].split(" ")[0]
    drill = f"/not-counted/{indicator}?{scope}"
    rendered: list[ChartView] = []
    if indicator in PRODUCT_INDICATORS:
        by_city = await compute_indicator(IndicatorQuery(
            name=name, as_of=as_of, region=scoped, group_by="city"))
        by_sector = await compute_indicator(IndicatorQuery(
            name=name, as_of=as_of, region=scoped, group_by="sector"))
        city_bars, sector_bars = _bars(by_city.groups), _bars(by_sector.groups)
        rendered.append(ChartView(
            "by-city", f"{label} · 按城市 by city", await anyio.to_thread.run_sync(
                charts.bars_chart, "by-city", f"{label} 按城市", city_bars, target), drill))
        rendered.append(ChartView(
            "by-sector", f"{label} · 按行业 by sector", await anyio.to_thread.run_sync(
                charts.bars_chart, "by-sector", f"{label} 按行业", sector_bars, target), drill))
    series = await indicator_series(IndicatorQuery(name=name, region=scoped),
                                    year_ends(TREND_START, as_of))
    points = [(point.as_of, point.rate) for point in series]
    deadline = next((item.deadline for item in progress if item.metric == indicator), None)
    rendered.append(ChartView(
        "trend", f"{label} · 趋势 trend (年末 year ends)", await anyio.to_thread.run_sync(
            charts.trend_chart, "trend", f"{label} 趋势", points, target, deadline), drill))
    view.indicator_charts = rendered

    count_goals = [item for item in progress if item.metric == LOCAL_STANDARDS]
    overdue: dict[int, dict[str, Any]] = {}
    for item in count_goals:
        series_view = await goal_series(item.goal_id, as_of)
        burn_points = [(p.date, float(p.value or 0)) for p in series_view.points]
        chart_name = f"burnup-{item.goal_id}"
        svg = await anyio.to_thread.run_sync(
            charts.burnup_chart, chart_name, item.goal, burn_points, item.target,
            item.start_on, item.deadline, _forecast_line(series_view))
        view.drafting_charts.append(ChartView(
            chart_name, f"燃起图 burn-up · {value_text(item.metric, item.value)} / "
            f"{value_text(item.metric, item.target)}", svg))
        stages = [(STAGE_ZH.get(stage, stage), count) for stage, count in item.pipeline.items()]
        funnel_name = f"funnel-{item.goal_id}"
        svg = await anyio.to_thread.run_sync(
            charts.funnel_chart, funnel_name, f"{item.goal} · 在研阶段", stages)
        view.drafting_charts.append(ChartView(
            funnel_name, "阶段漏斗 stage funnel (在研项目 open projects)", svg))
        for project in item.overdue_projects:
            overdue[project.id] = {
                "plan_no": project.plan_no, "title": project.title,
                "region": region_name(project.region_code) or project.region_code,
                "stage": STAGE_ZH.get(project.stage.value, "") if project.stage else "",
                "deadline": project.deadline.isoformat() if project.deadline else "",
                "days_overdue": project.days_overdue}
    view.overdue_total = len(overdue)
    view.overdue = sorted(overdue.values(), key=lambda row: -int(row["days_overdue"]))[:15]
    view.alerts = await alerts_summary(region)
    view.alerts_total = sum(count for _, count in view.alerts)
    return view
