"""Goals (docs/indicators.md §4): a metric over a scope with a target and a window, and the pure
arithmetic of progress as of a day: value, gap, share of time elapsed, status, forecast at the
recent pace, and the burn-up series. Data comes from goals_repository.py.

Status rule (stated in every answer as ``rule``): *achieved* when value ≥ target; otherwise
progress = (value − baseline) / (target − baseline) — baseline 0 for counts, the indicator's
rate on the start day for indicator goals — is compared with the share of the window elapsed:
*on_track* when progress ≥ time_elapsed, *at_risk* when it is less than 10 percentage points
below, *behind* when further below or once the deadline has passed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from adoption.domains import parse_domain
from adoption.drafting import OPEN_STAGES, DraftingProjectRead, parse_kinds
from adoption.errors import InvalidFieldError
from adoption.fields import NO_CONTROLS, check_day, latest_plan_day
from adoption.vocab import (
    KEY_FIELD_LABELS,
    Domain,
    DraftingStage,
    GoalStatus,
    KeyField,
    ProjectKind,
)

LOCAL_STANDARDS = "local-standards"
"""The count metric: local standards published in the window."""

COUNT_METRICS = ("local-standards", "local-stock")
"""Metrics whose value and target are whole counts."""

INDICATOR_METRICS = ("coverage", "adoption", "standard-adoption", "conversion")
"""Indicator names a goal may target (docs/indicators.md §3)."""

LOCAL_STOCK = "local-stock"
"""The count of local standards in force on a day, with an "at most" target: cutting the stock
(a 40 % cut of 5,000 is a target of 3,000). Status and progress are those of the reduction
from the start day's stock (docs/reviews.md)."""

REVIEWED_ON_TIME = "reviewed-on-time"
"""The rate metric of the review clock (docs/reviews.md): local standards whose due date fell
in the goal's window that were reviewed, revised or withdrawn on or before it."""

MAX_TARGET = 1_000_000
"""A count target above a million local standards is a typing error (rates are at most 1)."""

AT_RISK_MARGIN = 0.10
PACE_DAYS = 365

STATUS_RULE = (
    "achieved: value ≥ target; otherwise progress = (value − baseline) / (target − baseline) "
    "(baseline 0 for counts, the rate on the start day for indicators) against the share of "
    "time elapsed: on_track when progress ≥ time_elapsed, at_risk when less than 10 points "
    "below, behind when further below or once the deadline has passed. "
    "达成: 值 ≥ 目标; 否则进度 ≥ 时间进度为正常, 落后不足 10 个百分点为有风险, "
    "其余或已过期限为落后."
)
FORECAST_RULE = (
    "forecast_date: at the pace of the last 12 months (or since the start when shorter), the "
    "day the gap closes; null when that pace is zero (stalled); for an achieved count goal, "
    "the day the target was reached."
)


class GoalInput(BaseModel):
    """A goal as staff define it (validated by :func:`check_goal`)."""

    name: Annotated[str, NO_CONTROLS] = Field(min_length=1, max_length=300,
                                              description="中文名称 (English beside)")
    name_en: Annotated[str, NO_CONTROLS] = Field(default="", max_length=300)
    metric: str = Field(max_length=40, description=f"{LOCAL_STANDARDS} (a count), "
                        f"{LOCAL_STOCK} (at most a count), "
                        f"{REVIEWED_ON_TIME} (a rate) or an indicator name: "
                        + ", ".join(INDICATOR_METRICS))
    target: float = Field(gt=0, le=MAX_TARGET,
                          description="a count (300) or a rate in (0, 1] (0.98)")
    region: str | None = Field(default=None, max_length=6,
                               description="region code prefix: 22, 2201")
    domain: Domain | None = None
    kinds: list[ProjectKind] = Field(default_factory=lambda: [ProjectKind.NEW,
                                                              ProjectKind.REVISION],
                                     max_length=2)
    sector: Annotated[str, NO_CONTROLS] | None = Field(default=None, max_length=100)
    key_field: str | None = Field(default=None, max_length=40, description="a key field: "
                                  "automotive, petrochemical... (汽车, 石化)")
    start_on: dt.date | None = Field(default=None, description="window start; today if absent")
    deadline: dt.date
    note: Annotated[str, NO_CONTROLS] = Field(default="", max_length=2000)

    @field_validator("domain", mode="before")
    @classmethod
    def _domain_label(cls, value: object) -> object:
        return parse_domain(str(value)) if isinstance(value, str) and value else value

    @field_validator("kinds", mode="before")
    @classmethod
    def _kind_labels(cls, value: object) -> object:
        return parse_kinds(value) if isinstance(value, str | list) else value


class GoalRead(GoalInput):
    id: int
    kind: str = Field(description="count or indicator")
    start_on: dt.date  # type: ignore[assignment]
    source: str = ""
    archived_at: dt.datetime | None = Field(default=None, description="archived goals are "
                                            "kept but left off the dashboard")


class GoalChange(BaseModel):
    """A partial change of a goal (``PATCH /api/goals/{goal}``): only the fields given change;
    ``archived`` archives it (true) or brings it back (false)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, NO_CONTROLS] | None = Field(default=None, min_length=1,
                                                     max_length=300)
    name_en: Annotated[str, NO_CONTROLS] | None = Field(default=None, max_length=300)
    metric: str | None = Field(default=None, max_length=40)
    target: float | None = Field(default=None, gt=0, le=MAX_TARGET)
    region: str | None = Field(default=None, max_length=6)
    domain: Domain | None = None
    kinds: list[ProjectKind] | None = Field(default=None, max_length=2)
    sector: Annotated[str, NO_CONTROLS] | None = Field(default=None, max_length=100)
    key_field: str | None = Field(default=None, max_length=40)
    start_on: dt.date | None = None
    deadline: dt.date | None = None
    note: Annotated[str, NO_CONTROLS] | None = Field(default=None, max_length=2000)
    archived: bool | None = None

    @field_validator("domain", mode="before")
    @classmethod
    def _domain_label(cls, value: object) -> object:
        return parse_domain(str(value)) if isinstance(value, str) and value else value

    @field_validator("kinds", mode="before")
    @classmethod
    def _kind_labels(cls, value: object) -> object:
        return parse_kinds(value) if isinstance(value, str | list) else value


_REGION = re.compile(r"^\d{2}(\d{2}(\d{2})?)?$")


def check_goal(data: GoalInput, today: dt.date) -> GoalInput:
    """The goal with its region as a code prefix and its start filled in.

    Raises:
        InvalidFieldError: unknown metric, a rate target above 1, a count target that is not
            whole, a region that is not 2/4/6 digits, a deadline before the start.
    """
    metric = data.metric.strip().casefold()
    if metric not in (LOCAL_STANDARDS, LOCAL_STOCK, REVIEWED_ON_TIME, *INDICATOR_METRICS):
        raise InvalidFieldError("metric", data.metric, "未知指标 unknown metric (use "
                                f"{LOCAL_STANDARDS}, {LOCAL_STOCK}, {REVIEWED_ON_TIME} or "
                                f"{', '.join(INDICATOR_METRICS)})")
    if metric in COUNT_METRICS and data.target != int(data.target):
        raise InvalidFieldError("target", data.target, "数量目标应为整数 a count target is whole")
    if metric in (*COUNT_METRICS, REVIEWED_ON_TIME) and (data.sector or data.key_field):
        raise InvalidFieldError("sector" if data.sector else "key_field",
                                data.sector or data.key_field, "数量目标按领域而非行业 (a count "
                                "goal is scoped by region and domain, not sector or key field)")
    if metric in INDICATOR_METRICS and data.domain is not None:
        raise InvalidFieldError("domain", data.domain.value, "指标目标不按领域 (an indicator "
                                "goal is scoped by region, sector or key field, not domain)")
    if metric not in COUNT_METRICS and data.target > 1:
        raise InvalidFieldError("target", data.target, "比率目标应在 0–1 之间 (0.98 for 98 %)")
    key_field = (data.key_field or "").strip().casefold() or None
    if key_field is not None:
        try:
            key_field = KeyField(KEY_FIELD_LABELS.get(key_field, key_field)).value
        except ValueError:
            raise InvalidFieldError("key_field", data.key_field, "未知重点领域 unknown key field "
                                    f"(use one of {', '.join(KeyField)})") from None
    region = (data.region or "").strip() or None
    if region is not None:
        if not _REGION.match(region):
            raise InvalidFieldError("region", data.region, "行政区划代码前缀应为 2、4 或 6 位数字 "
                                    "(a region code prefix: 22, 2201, 220102)")
        while len(region) > 2 and region.endswith("00"):
            region = region[:-2]
    start = check_day(data.start_on or today, "start_on", latest_plan_day(today))
    check_day(data.deadline, "deadline", latest_plan_day(today))
    if data.deadline < start:
        raise InvalidFieldError("deadline", data.deadline.isoformat(),
                                f"完成期限早于开始日期 {start} (the deadline is before the start)")
    return data.model_copy(update={"metric": metric, "region": region, "start_on": start,
                                   "key_field": key_field,
                                   "name": data.name.strip()})


def goal_kind(metric: str) -> str:
    return "count" if metric in COUNT_METRICS else "indicator"


# ------------------------------------------------------------------------------------------
# Progress
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountItem:
    """A local standard that counts for a goal once published (and while not cancelled)."""

    key: str
    published_on: dt.date
    cancelled_on: dt.date | None = None
    code: str | None = None


class OverdueProject(BaseModel):
    id: int
    plan_no: str
    title: str
    region_code: str
    stage: DraftingStage | None
    deadline: dt.date | None
    days_overdue: int


class GoalProgress(BaseModel):
    """Goal progress (docs/json.md), with the rule and the parts it is made of beside it."""

    goal: str
    goal_id: int
    name_en: str
    metric: str
    kind: str
    as_of: dt.date
    value: int | float = Field(description="a count (whole) or a rate in [0, 1]")
    target: int | float
    gap: int | float
    status: GoalStatus
    time_elapsed: float
    forecast_date: dt.date | None
    pipeline: dict[str, int]
    overdue: int
    overdue_projects: list[OverdueProject]
    progress: float = Field(description="(value − baseline) / (target − baseline), capped at 1")
    baseline: float
    start_on: dt.date
    deadline: dt.date
    pace_per_month: float | None = Field(description="recent pace (per 30 days)")
    numerator: int | None = None
    denominator: int | None = None
    scope: dict[str, str | list[str] | None]
    rule: str = STATUS_RULE
    forecast_rule: str = FORECAST_RULE


class SeriesPoint(BaseModel):
    date: dt.date
    value: int | float | None
    target_line: float = Field(description="where the value would be on a straight path "
                               "from the baseline at the start to the target at the deadline")


class GoalSeries(BaseModel):
    goal: str
    goal_id: int
    metric: str
    target: int | float
    start_on: dt.date
    deadline: dt.date
    as_of: dt.date
    forecast_date: dt.date | None
    points: list[SeriesPoint]


def time_elapsed(start: dt.date, deadline: dt.date, t: dt.date) -> float:
    """Share of the window [start, deadline] gone by the end of day ``t``, in [0, 1]."""
    total = (deadline - start).days + 1
    gone = (t - start).days + 1
    return round(min(max(gone / total, 0.0), 1.0), 4)


def status_of(value: float, target: float, baseline: float, elapsed: float, t: dt.date,
              deadline: dt.date) -> GoalStatus:
    """See the module docstring (``STATUS_RULE``)."""
    if value >= target:
        return GoalStatus.ACHIEVED
    if t > deadline:
        return GoalStatus.BEHIND
    progress = progress_of(value, target, baseline)
    if progress >= elapsed:
        return GoalStatus.ON_TRACK
    if progress >= elapsed - AT_RISK_MARGIN - 1e-9:
        return GoalStatus.AT_RISK
    return GoalStatus.BEHIND


def progress_of(value: float, target: float, baseline: float) -> float:
    if target <= baseline:
        return 1.0 if value >= target else 0.0
    return round(min(max((value - baseline) / (target - baseline), 0.0), 1.0), 4)


def counted(items: Sequence[CountItem], start: dt.date, end: dt.date, t: dt.date) -> int:
    """Items published in [start, end] by ``t`` and not cancelled by ``t``."""
    last = min(end, t)
    return sum(1 for item in items if start <= item.published_on <= last
               and (item.cancelled_on is None or item.cancelled_on > t))


def pace_window(start: dt.date, t: dt.date) -> tuple[dt.date, int]:
    """The day before the recent-pace window and its length in days (≤ 365)."""
    first = max(start, t - dt.timedelta(days=PACE_DAYS - 1))
    return first - dt.timedelta(days=1), (t - first).days + 1


def count_forecast(items: Sequence[CountItem], start: dt.date, deadline: dt.date,
                   target: float, t: dt.date) -> tuple[dt.date | None, float | None]:
    """(forecast date, pace per 30 days) of a count goal as of ``t``."""
    value = counted(items, start, deadline, t)
    if t < start:
        return None, None
    if value >= target:
        dates = sorted(item.published_on for item in items
                       if start <= item.published_on <= min(deadline, t)
                       and (item.cancelled_on is None or item.cancelled_on > t))
        return dates[int(target) - 1], None
    before, days = pace_window(start, t)
    recent = value - counted(items, start, deadline, before) if before >= start else value
    if recent <= 0:
        return None, 0.0
    gap = math.ceil(target) - value
    # whole days, in integers: ceil(gap / (recent / days)) without float error
    return t + dt.timedelta(days=-(-gap * days // recent)), round(recent / days * 30, 3)


def rate_forecast(value: float | None, then: float | None, days: int, target: float,
                  t: dt.date) -> tuple[dt.date | None, float | None]:
    """(forecast date, pace per 30 days) of an indicator goal from its rate ``days`` ago."""
    if value is None:
        return None, None
    if value >= target:
        return t, None
    if then is None or days <= 0:
        return None, None
    pace = (value - then) / days
    if pace <= 0:
        return None, 0.0
    return t + dt.timedelta(days=math.ceil((target - value) / pace)), round(pace * 30, 5)


def pipeline_of(projects: Sequence[DraftingProjectRead]) -> dict[str, int]:
    """Open projects by stage (every open stage present, zero when empty)."""
    pipeline = {stage.value: 0 for stage in OPEN_STAGES}
    for project in projects:
        if project.state.open and project.state.stage is not None:
            pipeline[project.state.stage.value] += 1
    return pipeline


def overdue_of(projects: Sequence[DraftingProjectRead]) -> list[OverdueProject]:
    """Open projects past their deadline, most overdue first."""
    late = [p for p in projects if p.state.overdue]
    late.sort(key=lambda p: (-p.state.days_overdue, p.plan_no))
    return [OverdueProject(id=p.id, plan_no=p.plan_no, title=p.title, region_code=p.region_code,
                           stage=p.state.stage, deadline=p.state.deadline,
                           days_overdue=p.state.days_overdue) for p in late]


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month end from the start's month through ``end``, and ``end`` itself."""
    days: list[dt.date] = []
    year, month = start.year, start.month
    while True:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last >= end:
            break
        days.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    days.append(end)
    return days


def target_line(start: dt.date, deadline: dt.date, target: float, baseline: float,
                t: dt.date) -> float:
    return round(baseline + (target - baseline) * time_elapsed(start, deadline, t), 4)
