"""What the dashboard shows, gathered from the indicators, goals, drafting and alerts
(all computed by their own packages; this module only picks, labels and charts them).

Words are Chinese msgids (``N_``), translated where a page or a chart is drawn; a view is
built for one language (its charts hold words) and kept under the data version
(standards/data_version.py) with its inputs, so a view seen again costs one version read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import anyio

from adoption import repository as adoption_repository
from adoption.drafting import STAGE_NAMES_ZH
from adoption.goals import COUNT_METRICS, LOCAL_STANDARDS, GoalProgress, GoalSeries
from adoption.goals_repository import (
    goal_outcome,
    goal_progress,
    goal_series,
    list_goals,
    prepare_rates,
)
from adoption.indicators import (
    TREND_START,
    GroupBy,
    IndicatorName,
    IndicatorQuery,
    compute_indicator_groups,
    indicator_series,
    year_ends,
)
from adoption.regions import region_name
from adoption.vocab import AlertKind, AlertState
from api.dashboard import charts
from api.dashboard.sectors import OTHER, OTHER_NOTE, sector_label
from api.web.i18n import N_, gettext_for
from standards import data_version

# the API's exports keep their bilingual headers and labels (staff scripts read them)
REASON_LABELS = {
    "no_standard": "未声明标准 no standard",
    "standard_withdrawn": "标准已废止 standard withdrawn",
    "standard_not_yet_implemented": "标准尚未实施 not yet implemented",
    "unresolved_code": "标准号未收录 unresolved code",
    "not_adopting": "未采用国际标准 not adopting",
}
ALERT_LABELS = {
    AlertKind.STANDARD_WITHDRAWN: "声明的标准已废止 standard withdrawn",
    AlertKind.STANDARD_REPLACED: "声明的标准已被代替 standard replaced",
    AlertKind.STANDARD_NOT_YET_IMPLEMENTED: "声明的标准尚未实施 not yet implemented",
    AlertKind.UNRESOLVED_CODE: "标准号未收录 unresolved code",
}
STAGE_ZH: dict[str, str] = {stage.value: zh for stage, zh in STAGE_NAMES_ZH.items()}
STAGE_WORDS = (N_("立项"), N_("起草"), N_("征求意见"), N_("审查"), N_("报批"), N_("发布"),
               N_("备案"), N_("延期"), N_("撤销"))  # STAGE_ZH's names, marked for translation

# the pages' words (msgids)
INDICATOR_LABELS = {
    "coverage": N_("产品标准覆盖率"),
    "adoption": N_("主要产品采标率"),
    "standard-adoption": N_("标准采标率"),
    "conversion": N_("国际标准转化率"),
}
PRODUCT_INDICATORS = ("coverage", "adoption")  # those with city and sector groups
EXPORT_GROUPS = {  # the indicator tables the dashboard offers (each a grouping it accepts)
    "coverage": [("city", N_("按城市")), ("sector", N_("按行业"))],
    "adoption": [("city", N_("按城市")), ("sector", N_("按行业"))],
    "standard-adoption": [("province", N_("按省"))],
    "conversion": [("prefix", N_("按发布机构"))],
}
REGIONLESS_INDICATORS = ("conversion",)  # international standards belong to no region
REGIONLESS_NOTE = N_(
    "国际标准转化率不分地区，按全部国际标准计算；目标、制修订项目和预警仍按所选地区。")
PAGE_REASONS = {  # the reason alone, for the drill-down page and the briefing
    "no_standard": N_("未声明执行标准"),
    "standard_withdrawn": N_("声明的标准已废止"),
    "standard_not_yet_implemented": N_("声明的标准尚未实施"),
    "unresolved_code": N_("声明的标准号未收录"),
    "not_adopting": N_("未采用国际标准或国外先进标准"),
}
STANDARD_REASONS = {  # standard-level indicators: words about standards, not products
    "not_adopting": N_("未等同或修改采用国际标准"),
}


def reason_words(indicator: str) -> dict[str, str]:
    """Not-counted reasons in the words of the indicator's kind (products or standards)."""
    if indicator in PRODUCT_INDICATORS:
        return PAGE_REASONS
    return {**PAGE_REASONS, **STANDARD_REASONS}


STATUS_LABELS = {"achieved": N_("已达成"), "on_track": N_("进度正常"),
                 "at_risk": N_("有风险"), "behind": N_("落后")}
ENDED_LABELS = {True: N_("已结束 · 已达成"), False: N_("已结束 · 未达成")}
PAGE_ALERTS = {
    AlertKind.STANDARD_WITHDRAWN: N_("声明的标准已废止"),
    AlertKind.STANDARD_REPLACED: N_("声明的标准已被代替"),
    AlertKind.STANDARD_NOT_YET_IMPLEMENTED: N_("声明的标准尚未实施"),
    AlertKind.UNRESOLVED_CODE: N_("声明的标准号未收录"),
}
REGIONS = {"22": N_("吉林省"), "32": N_("江苏省"), "": N_("全部地区")}
REGION_CHOICES = tuple(REGIONS.items())
DEFAULT_TARGETS = {"coverage": 0.98, "adoption": 0.85, "standard-adoption": None,
                   "conversion": None}
MAX_BARS = 14
MAX_LINES = 12
DAYS_A_MONTH = 365.25 / 12


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
    metric: str
    status: str  # achieved, on_track, at_risk, behind; "ended" once past the deadline
    status_label: str  # a msgid
    value_text: str
    target_text: str
    gap_text: str  # "3.2" (percentage points) or "12" (items); "" when none is left
    gap_is_count: bool
    progress: float
    time_elapsed: float
    deadline: str
    forecast_date: str | None
    overdue: int
    ended: bool = False
    achieved: bool = False
    region: str = ""


@dataclass(slots=True)
class OverdueRow:
    plan_no: str
    title: str
    region: str
    stage: str  # a msgid (the stage's Chinese name)
    deadline: str
    months_overdue: int


@dataclass(slots=True)
class Summary:
    rate: float | None
    numerator: int
    denominator: int

    @property
    def text(self) -> str:
        return f"{percent(self.rate)} = {self.numerator} / {self.denominator}"


@dataclass(slots=True)
class Dashboard:
    as_of: dt.date
    indicator: str
    region: str
    language: str = "zh"
    indicator_region: str = ""  # the region the indicator is computed for ("" = all)
    scope_note: str = ""  # a msgid: why the indicator's region differs from the page's
    goals: list[GoalCard] = field(default_factory=list)
    summary: Summary | None = None
    target: float | None = None
    indicator_charts: list[ChartView] = field(default_factory=list)
    sector_note: str = ""  # which codes 其他 holds (already translated)
    drafting_charts: list[ChartView] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)
    overdue_total: int = 0
    alerts: list[tuple[str, int]] = field(default_factory=list)
    alerts_total: int = 0
    not_counted_total: int = 0
    not_counted: list[tuple[str, int]] = field(default_factory=list)
    city_rows: list[tuple[str, Summary]] = field(default_factory=list)
    trend: list[tuple[dt.date, float | None]] = field(default_factory=list)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def value_text(metric: str, value: float | None) -> str:
    if metric in COUNT_METRICS:
        return f"{value or 0:.0f}"
    return percent(value)


def months_overdue(days: int) -> int:
    """Whole months past a deadline (a project 1 day late is 0 months and shows as late)."""
    return int(days // DAYS_A_MONTH)


def goal_card(progress: GoalProgress, at_deadline: GoalProgress | None = None) -> GoalCard:
    """A goal's card as of a day; past the deadline, ``at_deadline`` gives the value it ended
    with (achieved or not) and the card shows no forecast."""
    ended = at_deadline is not None
    shown = at_deadline or progress
    achieved = shown.value >= shown.target
    gap = max(float(shown.target) - float(shown.value), 0.0)
    count = shown.metric == LOCAL_STANDARDS
    gap_text = "" if gap <= 0 else f"{gap:.0f}" if count else f"{gap * 100:.1f}"
    return GoalCard(
        goal_id=progress.goal_id, goal=progress.goal, metric=progress.metric,
        status="ended" if ended else progress.status.value,
        status_label=ENDED_LABELS[achieved] if ended else STATUS_LABELS.get(
            progress.status.value, progress.status.value),
        value_text=value_text(shown.metric, shown.value),
        target_text=value_text(shown.metric, shown.target),
        gap_text=gap_text, gap_is_count=count,
        progress=max(0.0, min(1.0, shown.progress)),
        time_elapsed=max(0.0, min(1.0, progress.time_elapsed)),
        deadline=progress.deadline.isoformat(),
        forecast_date=None if ended or progress.forecast_date is None
        else progress.forecast_date.isoformat(),
        overdue=progress.overdue, ended=ended, achieved=achieved,
        region=str(progress.scope.get("region") or ""))


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
        return ""
    code = region.ljust(6, "0")
    return region_name(code) or region


async def all_progress(as_of: dt.date, region: str
                       ) -> list[tuple[GoalProgress, GoalProgress | None]]:
    """Each goal of the region as of the day, with its progress at the deadline when the
    deadline has passed (what it ended with)."""
    found: list[tuple[GoalProgress, GoalProgress | None]] = []
    goals = [goal for goal in await list_goals() if _in_region(goal.region, region)]
    await prepare_rates(goals, as_of)  # the rates of all of them, one pass per scope
    for goal in goals:
        if as_of <= goal.deadline:
            found.append((await goal_progress(goal.id, as_of), None))
        elif goal.metric == LOCAL_STANDARDS:  # its overdue projects are today's
            found.append((await goal_progress(goal.id, as_of), await goal_outcome(goal.id)))
        else:  # an ended indicator goal: only its value on the deadline is shown
            outcome = await goal_outcome(goal.id)
            found.append((outcome, outcome))
    # live goals first, then the ended ones, latest deadline first within each
    found.sort(key=lambda pair: (pair[1] is not None, -pair[0].deadline.toordinal()))
    return found


def indicator_target(progress: Sequence[GoalProgress], indicator: str,
                     as_of: dt.date | None = None) -> float | None:
    """The target of the broadest goal on this indicator (no sector or key-field scope),
    a live one before an ended one."""
    broad = [item for item in progress if item.metric == indicator
             and not item.scope.get("sector") and not item.scope.get("key_field")]
    broad.sort(key=lambda item: (as_of is not None and item.deadline < as_of,
                                 -item.deadline.toordinal()))
    return broad[0].target if broad else DEFAULT_TARGETS.get(indicator)


def _bar(label: str, numerator: int, denominator: int) -> charts.Bar:
    return charts.Bar(label=label, rate=numerator / denominator if denominator else None,
                      numerator=numerator, denominator=denominator)


def city_bars(groups: Sequence[Any]) -> list[charts.Bar]:
    """One bar per city; past MAX_BARS, the largest (by denominator), in code order."""
    if len(groups) > MAX_BARS:
        largest = sorted(groups, key=lambda group: -group.denominator)[:MAX_BARS]
        groups = sorted(largest, key=lambda group: str(group.key))
    return [_bar(group.label or group.key, group.numerator, group.denominator)
            for group in groups]


def sector_bars(groups: Sequence[Any]) -> tuple[list[charts.Bar], list[str]]:
    """Bars by sector name (GB/T 4754), codes it does not have grouped under 其他; and those
    codes. Past MAX_BARS, the largest sectors, the rest in 其他 too."""
    merged: dict[str, list[int]] = {}
    unknown: list[str] = []
    for group in groups:
        label = sector_label(str(group.key or ""))
        if not label.known:
            unknown.append(str(group.key))
        counts = merged.setdefault(label.label, [0, 0])
        counts[0] += group.numerator
        counts[1] += group.denominator
    named = sorted(((label, n, d) for label, (n, d) in merged.items() if label != OTHER),
                   key=lambda item: -item[2])
    other = merged.get(OTHER, [0, 0])
    for _label, n, d in named[MAX_BARS - 1:]:
        other[0] += n
        other[1] += d
    bars = [_bar(label, n, d) for label, n, d in named[:MAX_BARS - 1]]
    if other[1]:
        bars.append(_bar(OTHER, other[0], other[1]))
    return bars, sorted(set(unknown))


async def alerts_summary(region: str) -> list[tuple[str, int]]:
    rows = []
    for kind, label in PAGE_ALERTS.items():
        page = await adoption_repository.list_alerts(adoption_repository.AlertFilters(
            kind=kind, state=AlertState.OPEN, region=region or None), page=1, page_size=1)
        rows.append((label, page.total))
    return rows


def query_string(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _forecast_line(series: GoalSeries) -> list[tuple[dt.date, float]]:
    """From the last point to the forecast completion date, at the target."""
    if not series.points or series.forecast_date is None:
        return []
    last = series.points[-1]
    if last.value is None or last.value >= series.target:
        return []
    return [(last.date, float(last.value)), (series.forecast_date, series.target)]


@dataclass(slots=True)
class Trends:
    total: list[tuple[dt.date, float | None]]
    cities: list[tuple[str, list[tuple[dt.date, float | None]]]]


async def trends(indicator: str, region: str | None, days: list[dt.date]) -> Trends:
    """The indicator at each day, and per city for product indicators: one grouped
    computation a day gives both (the total is the sum of the cities, every product being in
    exactly one city)."""
    name = IndicatorName(indicator)
    if indicator not in PRODUCT_INDICATORS:
        series = await indicator_series(IndicatorQuery(name=name, region=region), days)
        return Trends([(point.as_of, point.rate) for point in series], [])
    reports = await indicator_series(IndicatorQuery(name=name, region=region,
                                                    group_by="city"), days)
    total: list[tuple[dt.date, float | None]] = []
    by_city: dict[str, dict[dt.date, float | None]] = {}
    labels: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for day, report in zip(days, reports, strict=True):
        total.append((day, report.rate))
        for group in report.groups:
            key = str(group.key)
            labels[key] = group.label or key
            by_city.setdefault(key, {})[day] = group.rate
            sizes[key] = group.denominator
    biggest = sorted(sizes, key=lambda key: -sizes[key])[:MAX_LINES]
    cities = [(labels[key], [(day, by_city[key].get(day)) for day in days])
              for key in sorted(biggest)]
    return Trends(total, cities)


async def build_dashboard(indicator: str, region: str, as_of: dt.date,
                          language: str = "zh") -> Dashboard:
    """Everything the dashboard page shows for one indicator, region, day and language (kept
    under the data version: a view seen again is not computed again)."""
    key = ("dashboard", indicator, region, as_of.isoformat(), language,
           dt.date.today().isoformat())
    return await data_version.kept(key, lambda: _build_dashboard(indicator, region, as_of,
                                                                  language))


async def _build_dashboard(indicator: str, region: str, as_of: dt.date,
                           language: str) -> Dashboard:
    _ = gettext_for(language)
    view = Dashboard(as_of=as_of, indicator=indicator, region=region, language=language,
                     indicator_region=indicator_region(indicator, region))
    if view.indicator_region != region:
        view.scope_note = REGIONLESS_NOTE
    progress = await all_progress(as_of, region)
    view.goals = [goal_card(now, ended) for now, ended in progress]
    target = indicator_target([now for now, _ended in progress], indicator, as_of)
    view.target = target
    name = IndicatorName(indicator)
    scoped = view.indicator_region or None
    scope = query_string(region=scoped, as_of=as_of.isoformat())
    # the total, the cities and the sectors of the day: one computation for a product
    # indicator (on a past day, one pass over the declarations instead of three)
    groupings: list[GroupBy | None] = [None, GroupBy.CITY, GroupBy.SECTOR] \
        if indicator in PRODUCT_INDICATORS else [None]
    report, *grouped = await compute_indicator_groups(
        IndicatorQuery(name=name, as_of=as_of, region=scoped), groupings)
    view.summary = Summary(report.rate, report.numerator, report.denominator)
    view.not_counted_total = sum(report.not_counted.values())
    view.not_counted = sorted(((reason, count) for reason, count in report.not_counted.items()
                               if count), key=lambda item: -item[1])
    label = _(INDICATOR_LABELS[indicator])
    drill = f"/not-counted/{indicator}?{scope}"
    rendered: list[ChartView] = []
    if indicator in PRODUCT_INDICATORS:
        by_city, by_sector = grouped
        view.city_rows = [(group.label or group.key, Summary(
            group.rate, group.numerator, group.denominator)) for group in by_city.groups]
        sectors, unknown = sector_bars(by_sector.groups)
        if unknown:
            view.sector_note = _(OTHER_NOTE, codes="、".join(unknown[:20]))
        rendered.append(await _chart(
            "by-city", _("%(indicator)s · 按城市", indicator=label), charts.bars_chart,
            "by-city", _("%(indicator)s · 按城市", indicator=label), city_bars(by_city.groups),
            target, drill=drill, language=language))
        rendered.append(await _chart(
            "by-sector", _("%(indicator)s · 按行业", indicator=label), charts.bars_chart,
            "by-sector", _("%(indicator)s · 按行业", indicator=label), sectors, target,
            drill=drill, language=language))
    days = year_ends(TREND_START, as_of)
    trend = await trends(indicator, scoped, days)
    view.trend = trend.total
    deadline = next((item.deadline for item, _ended in progress if item.metric == indicator),
                    None)
    rendered.append(await _chart(
        "trend", _("%(indicator)s · 趋势（年末）", indicator=label), charts.trend_chart,
        "trend", _("%(indicator)s · 趋势", indicator=label), trend.total, target, deadline,
        drill=drill, language=language))
    if trend.cities:
        rendered.append(await _chart(
            "city-trends", _("%(indicator)s · 各城市趋势（年末）", indicator=label),
            charts.lines_chart, "city-trends", _("%(indicator)s · 各城市趋势", indicator=label),
            trend.cities, target, drill=drill, language=language))
    view.indicator_charts = rendered

    count_goals = [(item, ended) for item, ended in progress if item.metric == LOCAL_STANDARDS]
    # burn-ups and funnels of the live count goals (an ended goal's card says how it ended
    # and its late projects stay in the overdue list); with none live, the latest ended one
    live = [item.goal_id for item, ended in count_goals if ended is None]
    charted = set(live or [item.goal_id for item, _ended in count_goals[:1]])
    overdue: dict[int, OverdueRow] = {}
    for item, _ended in count_goals:
        for project in item.overdue_projects:
            overdue[project.id] = OverdueRow(
                plan_no=project.plan_no, title=project.title,
                region=region_name(project.region_code) or project.region_code,
                stage=STAGE_ZH.get(project.stage.value, "") if project.stage else "",
                deadline=project.deadline.isoformat() if project.deadline else "",
                months_overdue=months_overdue(project.days_overdue))
        if item.goal_id not in charted:
            continue
        series_view = await goal_series(item.goal_id, as_of)
        burn_points = [(p.date, float(p.value or 0)) for p in series_view.points]
        chart_name = f"burnup-{item.goal_id}"
        view.drafting_charts.append(await _chart(
            chart_name, _("燃起图 · %(value)s / %(target)s 项",
                          value=value_text(item.metric, item.value),
                          target=value_text(item.metric, item.target)),
            charts.burnup_chart, chart_name, item.goal, burn_points, item.target,
            item.start_on, item.deadline,
            [] if as_of > item.deadline else _forecast_line(series_view), language=language))
        stages = [(_(STAGE_ZH.get(stage, stage)), count)
                  for stage, count in item.pipeline.items()]
        funnel_name = f"funnel-{item.goal_id}"
        view.drafting_charts.append(await _chart(
            funnel_name, _("阶段漏斗（在研项目）"), charts.funnel_chart, funnel_name,
            _("%(goal)s · 在研阶段", goal=item.goal), stages))
    view.overdue_total = len(overdue)
    view.overdue = sorted(overdue.values(), key=lambda row: -row.months_overdue)[:15]
    view.alerts = await alerts_summary(region)
    view.alerts_total = sum(count for _label, count in view.alerts)
    return view


async def _chart(name: str, caption: str, draw: Any, *args: Any, drill: str | None = None,
                 **kwargs: Any) -> ChartView:
    svg = await anyio.to_thread.run_sync(lambda: draw(*args, **kwargs))
    return ChartView(name, caption, svg, drill)


# ------------------------------------------------------------------------------------------
# Two regions side by side
# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class RegionPanel:
    region: str
    label: str
    summary: Summary
    goals: list[GoalCard]
    charts: list[ChartView]
    not_counted: list[tuple[str, int]]


@dataclass(slots=True)
class Comparison:
    indicator: str
    as_of: dt.date
    panels: list[RegionPanel]
    target: float | None


async def build_comparison(indicator: str, regions: Sequence[str], as_of: dt.date,
                           language: str = "zh") -> Comparison:
    """The indicator for each region side by side: rate, cities, trend, goals (kept under
    the data version like the dashboard)."""
    key = ("comparison", indicator, tuple(regions), as_of.isoformat(), language,
           dt.date.today().isoformat())
    return await data_version.kept(key, lambda: _build_comparison(indicator, regions, as_of,
                                                                   language))


async def _build_comparison(indicator: str, regions: Sequence[str], as_of: dt.date,
                            language: str) -> Comparison:
    _ = gettext_for(language)
    name = IndicatorName(indicator)
    label = _(INDICATOR_LABELS[indicator])
    panels: list[RegionPanel] = []
    targets: list[float] = []
    for index, region in enumerate(regions):
        scoped = indicator_region(indicator, region) or None
        progress = await all_progress(as_of, region)
        target = indicator_target([now for now, _ended in progress], indicator, as_of)
        if target is not None:
            targets.append(target)
        product = indicator in PRODUCT_INDICATORS
        report, *grouped = await compute_indicator_groups(
            IndicatorQuery(name=name, as_of=as_of, region=scoped),
            [None, GroupBy.CITY] if product else [None])
        region_words = _(REGIONS[region]) if region in REGIONS else scope_label(region)
        drawn: list[ChartView] = []
        drill = f"/not-counted/{indicator}?{query_string(region=scoped, as_of=as_of)}"
        suffix = f"-{index + 1}"
        if product:
            by_city = grouped[0]
            drawn.append(await _chart(
                "by-city" + suffix, _("%(region)s · 按城市", region=region_words),
                charts.bars_chart, "by-city" + suffix,
                _("%(indicator)s · 按城市", indicator=label), city_bars(by_city.groups),
                target, drill=drill, language=language))
        trend = await trends(indicator, scoped, year_ends(TREND_START, as_of))
        drawn.append(await _chart(
            "trend" + suffix, _("%(region)s · 趋势（年末）", region=region_words),
            charts.trend_chart, "trend" + suffix, _("%(indicator)s · 趋势", indicator=label),
            trend.total, target, drill=drill, language=language))
        if trend.cities:
            drawn.append(await _chart(
                "city-trends" + suffix, _("%(region)s · 各城市趋势（年末）", region=region_words),
                charts.lines_chart, "city-trends" + suffix,
                _("%(indicator)s · 各城市趋势", indicator=label), trend.cities, target,
                drill=drill, language=language))
        panels.append(RegionPanel(
            region=region, label=region_words,
            summary=Summary(report.rate, report.numerator, report.denominator),
            goals=[goal_card(now, ended) for now, ended in progress
                   if now.metric == indicator],
            charts=drawn,
            not_counted=sorted(((reason, n) for reason, n in report.not_counted.items() if n),
                               key=lambda item: -item[1])))
    return Comparison(indicator=indicator, as_of=as_of, panels=panels,
                      target=targets[0] if targets else DEFAULT_TARGETS.get(indicator))
