"""Local-standard drafting projects (地方标准制修订计划): stage and kind vocabularies, the
validated row of a plan file, and where a project stands on a day (stage, deadline, overdue),
computed from its stage history. Pure logic; the database side is drafting_repository.py."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from adoption.errors import InvalidFieldError, StageOrderError
from adoption.fields import (
    MAX_CODE_LENGTH,
    NO_CONTROLS,
    check_day,
    check_past_day,
    latest_plan_day,
)
from adoption.vocab import Domain, DraftingStage, ProjectKind

STAGE_ORDER: tuple[DraftingStage, ...] = (
    DraftingStage.INITIATED, DraftingStage.DRAFTING, DraftingStage.CONSULTATION,
    DraftingStage.REVIEW, DraftingStage.SUBMITTED, DraftingStage.PUBLISHED, DraftingStage.FILED)
"""The ordinary stages, in order; postponed and cancelled stand beside them."""

OPEN_STAGES: tuple[DraftingStage, ...] = STAGE_ORDER[:5]
"""Stages of a project still in the pipeline (before 发布)."""

DONE_STAGES = frozenset({DraftingStage.PUBLISHED, DraftingStage.FILED})

STAGE_NAMES_ZH: dict[DraftingStage, str] = {
    DraftingStage.INITIATED: "立项",
    DraftingStage.DRAFTING: "起草",
    DraftingStage.CONSULTATION: "征求意见",
    DraftingStage.REVIEW: "审查",
    DraftingStage.SUBMITTED: "报批",
    DraftingStage.PUBLISHED: "发布",
    DraftingStage.FILED: "备案",
    DraftingStage.POSTPONED: "延期",
    DraftingStage.CANCELLED: "撤销",
}

STAGE_LABELS: dict[str, DraftingStage] = {
    **{zh: stage for stage, zh in STAGE_NAMES_ZH.items()},
    "已立项": DraftingStage.INITIATED,
    "下达计划": DraftingStage.INITIATED,
    "起草中": DraftingStage.DRAFTING,
    "征求意见稿": DraftingStage.CONSULTATION,
    "公开征求意见": DraftingStage.CONSULTATION,
    "技术审查": DraftingStage.REVIEW,
    "专家审查": DraftingStage.REVIEW,
    "送审": DraftingStage.REVIEW,
    "送审稿": DraftingStage.REVIEW,
    "报批稿": DraftingStage.SUBMITTED,
    "已发布": DraftingStage.PUBLISHED,
    "批准发布": DraftingStage.PUBLISHED,
    "已备案": DraftingStage.FILED,
    "延期": DraftingStage.POSTPONED,
    "延期完成": DraftingStage.POSTPONED,
    "撤销": DraftingStage.CANCELLED,
    "取消": DraftingStage.CANCELLED,
    "终止": DraftingStage.CANCELLED,
    "已撤销": DraftingStage.CANCELLED,
    "submitted for approval": DraftingStage.SUBMITTED,
    "approval": DraftingStage.SUBMITTED,
    "comments": DraftingStage.CONSULTATION,
    "canceled": DraftingStage.CANCELLED,
}
"""Labels a plan's 阶段 column uses (English values are accepted as they are)."""

KIND_LABELS: dict[str, ProjectKind] = {
    "制定": ProjectKind.NEW,
    "新制定": ProjectKind.NEW,
    "新建": ProjectKind.NEW,
    "修订": ProjectKind.REVISION,
    "修改": ProjectKind.REVISION,
    "new": ProjectKind.NEW,
    "revision": ProjectKind.REVISION,
    "revised": ProjectKind.REVISION,
    "revise": ProjectKind.REVISION,
}


def _folded(raw: object) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(raw)).split()).casefold()


def parse_stage(raw: object, field: str = "stage") -> DraftingStage:
    """A stage from its Chinese label (立项, 征求意见...) or English value.

    Raises:
        InvalidFieldError: an unknown stage (the message lists the accepted ones).
    """
    text = _folded(raw)
    found = STAGE_LABELS.get(text) or STAGE_LABELS.get(text.replace(" ", ""))
    if found is not None:
        return found
    try:
        return DraftingStage(text)
    except ValueError:
        accepted = ", ".join(f"{zh} {s.value}" for s, zh in STAGE_NAMES_ZH.items())
        raise InvalidFieldError(field, raw, f"未知阶段 unknown stage (accepted: {accepted})"
                                ) from None


def parse_kind(raw: object, field: str = "kind") -> ProjectKind:
    """制定 / 修订 (or new / revision).

    Raises:
        InvalidFieldError: anything else.
    """
    found = KIND_LABELS.get(_folded(raw).replace(" ", ""))
    if found is None:
        raise InvalidFieldError(field, raw, "制修订应为 制定 或 修订 (kind must be new or "
                                "revision)")
    return found


def parse_kinds(raw: str | Sequence[str]) -> list[ProjectKind]:
    """``new,revised`` / ``制定,修订`` -> [new, revision] (in that order, no repeats).

    Raises:
        InvalidFieldError: an unknown kind, or none at all.
    """
    parts = raw.replace("，", ",").split(",") if isinstance(raw, str) else list(raw)
    kinds = {parse_kind(part, "kinds") for part in parts if part.strip()}
    if not kinds:
        raise InvalidFieldError("kinds", raw, "至少一种 (give new, revision or both)")
    return [kind for kind in ProjectKind if kind in kinds]


# ------------------------------------------------------------------------------------------
# Rows and records
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftingRow:
    """A validated row of a drafting plan. ``None`` means the file did not say (the stored
    value is kept); the stage is recorded in the history when it is new there."""

    location: str
    plan_no: str
    title: str | None
    plan_year: int | None
    kind: ProjectKind | None
    revises: str | None
    revises_key: str | None
    region_code: str
    domains: tuple[Domain, ...] | None
    domain_label: str | None
    proposer: str | None
    drafters: str | None
    deadline: dt.date | None
    stage: DraftingStage
    stage_on: dt.date
    code: str | None
    code_key: str | None


class StageEntry(BaseModel):
    stage: DraftingStage
    stage_zh: str
    stage_on: dt.date
    deadline: dt.date | None = Field(default=None, description="the new deadline (延期 only)")
    note: str = ""
    source: str = ""


class ProjectState(BaseModel):
    """Where a project stands at the end of a day."""

    stage: DraftingStage | None = Field(description="null: not initiated yet on that day")
    stage_on: dt.date | None
    deadline: dt.date | None = Field(description="the deadline in force (after postponements)")
    postponed: bool
    cancelled: bool
    published_on: dt.date | None
    open: bool = Field(description="initiated, not published, filed or cancelled")
    overdue: bool = Field(description="open and past its deadline")
    days_overdue: int


class DraftingProjectRead(BaseModel):
    id: int
    plan_no: str
    plan_year: int | None
    title: str
    kind: ProjectKind
    revises: str | None
    revises_standard_id: int | None
    region_code: str
    region_name: str
    domains: list[Domain]
    domain_label: str
    proposer: str
    drafters: str
    deadline: dt.date | None = Field(description="the plan's 完成期限 as imported")
    code: str | None
    standard_id: int | None
    as_of: dt.date
    state: ProjectState
    history: list[StageEntry]


class DraftingProjectPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[DraftingProjectRead]


class StageFunnel(BaseModel):
    """Projects by the stage they stand at on a day (published, filed, cancelled included)."""

    as_of: dt.date
    total: int
    stages: dict[str, int]
    not_started: int = Field(description="projects whose first stage is after the day")
    open_postponed: int = Field(description="open projects with a postponement")
    overdue: int


class StageChange(BaseModel):
    """A stage transition staff record (HTTP); the stage in English or Chinese (撤销)."""

    stage: DraftingStage
    stage_on: dt.date = Field(description="the day the stage was reached (not in the future)")
    deadline: dt.date | None = Field(default=None, description="required for postponed: the new "
                                     "deadline")
    note: Annotated[str, NO_CONTROLS] = Field(default="", max_length=500)
    code: Annotated[str, NO_CONTROLS] | None = Field(
        default=None, max_length=MAX_CODE_LENGTH,
        description="the published standard's code (published)")

    @field_validator("stage", mode="before")
    @classmethod
    def _stage_label(cls, value: object) -> DraftingStage:
        return parse_stage(value)

    @field_validator("stage_on")
    @classmethod
    def _reached(cls, value: dt.date) -> dt.date:
        return _plausible(check_past_day, value, "stage_on")

    @field_validator("deadline")
    @classmethod
    def _planned(cls, value: dt.date | None) -> dt.date | None:
        if value is None:
            return None
        return _plausible(lambda day, field, today: check_day(day, field, latest_plan_day(today)),
                          value, "deadline")


def _plausible(rule: Callable[[dt.date, str, dt.date], dt.date], value: dt.date,
               field: str) -> dt.date:
    """A date rule of adoption.fields as a pydantic validator (a ValueError naming field and
    day)."""
    try:
        return rule(value, field, dt.date.today())
    except InvalidFieldError as exc:
        raise ValueError(str(exc)) from None


def entry(stage: DraftingStage, stage_on: dt.date, deadline: dt.date | None = None,
          note: str = "", source: str = "") -> StageEntry:
    return StageEntry(stage=stage, stage_zh=STAGE_NAMES_ZH[stage], stage_on=stage_on,
                      deadline=deadline, note=note, source=source)


def _order(stage: DraftingStage) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1


def state_at(history: Sequence[StageEntry], deadline: dt.date | None, t: dt.date) -> ProjectState:
    """Where a project stands at the end of day ``t``.

    The stage is the latest ordinary entry on or before ``t`` (same day: the later stage); a
    cancellation is final; the deadline is that of the latest postponement, else the plan's;
    published on the first 发布 (or 备案) entry. Overdue: open and ``t`` past the deadline.
    """
    seen = [e for e in history if e.stage_on <= t]
    ordinary = [e for e in seen if e.stage in STAGE_ORDER]
    postponements = sorted((e for e in seen if e.stage is DraftingStage.POSTPONED
                            and e.deadline is not None), key=lambda e: e.stage_on)
    cancellations = [e for e in seen if e.stage is DraftingStage.CANCELLED]
    in_force = postponements[-1].deadline if postponements else deadline
    published = [e.stage_on for e in ordinary if e.stage in DONE_STAGES]
    current = max(ordinary, key=lambda e: (e.stage_on, _order(e.stage)), default=None)
    stage: DraftingStage | None = current.stage if current else None
    stage_on = current.stage_on if current else None
    if cancellations:
        first = min(cancellations, key=lambda e: e.stage_on)
        stage, stage_on = DraftingStage.CANCELLED, first.stage_on
    if stage is None and postponements:
        stage = DraftingStage.INITIATED  # a postponement implies the project exists
        stage_on = postponements[0].stage_on
    is_open = stage is not None and not cancellations and not published
    overdue = is_open and in_force is not None and t > in_force
    return ProjectState(
        stage=stage, stage_on=stage_on, deadline=in_force, postponed=bool(postponements),
        cancelled=bool(cancellations), published_on=min(published) if published else None,
        open=is_open, overdue=overdue,
        days_overdue=(t - in_force).days if overdue and in_force else 0)


# ------------------------------------------------------------------------------------------
# Stage order
# ------------------------------------------------------------------------------------------

STAGE_ORDER_RULE = (
    "stages only move forward (立项 → 起草 → 征求意见 → 审查 → 报批 → 发布 → 备案; a stage may be "
    "skipped, never repeated or gone back to); no stage is dated before the previous one; 延期 "
    "moves the deadline later and only before 发布; 撤销 is final. "
    "阶段只能向前；日期不得早于上一阶段；延期须在发布前并推迟完成期限；撤销后不能再记录任何阶段。"
)


def _named(stage: DraftingStage, day: dt.date) -> str:
    return f"{STAGE_NAMES_ZH[stage]}（{day.isoformat()}）"


def check_stage_order(history: Sequence[StageEntry], deadline: dt.date | None,
                      stage: DraftingStage, stage_on: dt.date,
                      new_deadline: dt.date | None = None) -> bool:
    """Whether ``stage`` on ``stage_on`` may join a project's ``history`` (the plan's
    ``deadline`` beside, for postponements). Returns False when the very entry is already
    there (nothing to add: a plan imported again), True when it may be added.

    Raises:
        StageOrderError: the entry breaks :data:`STAGE_ORDER_RULE`; the message names the
            stage and date refused and the stage and date they collide with.
    """
    if any(e.stage is stage and e.stage_on == stage_on for e in history):
        return False
    zh, day, en = STAGE_NAMES_ZH[stage], stage_on.isoformat(), stage.value

    def refuse(message: str) -> StageOrderError:
        return StageOrderError(message, stage=stage.value, stage_on=stage_on)

    cancelled = [e for e in history if e.stage is DraftingStage.CANCELLED]
    if cancelled:
        first = min(cancelled, key=lambda e: e.stage_on)
        raise refuse(f"{zh}（{day}）被拒绝：项目已于 {first.stage_on.isoformat()} 撤销，撤销后不能"
                     f"再记录阶段 ({en} on {day} refused: the project was cancelled on "
                     f"{first.stage_on.isoformat()}, which is final)")
    if history:
        last = max(history, key=lambda e: (e.stage_on, _order(e.stage)))
        if stage_on < last.stage_on:
            first = min(history, key=lambda e: (e.stage_on, _order(e.stage)))
            if stage_on < first.stage_on and first.stage is DraftingStage.INITIATED:
                raise refuse(f"{zh} 的日期 {day} 早于立项日期 {first.stage_on.isoformat()} "
                             f"({en} on {day} is before the project was initiated on "
                             f"{first.stage_on.isoformat()})")
            raise refuse(f"{zh} 的日期 {day} 早于上一阶段 {_named(last.stage, last.stage_on)} "
                         f"({en} on {day} is before the previous stage, {last.stage.value} on "
                         f"{last.stage_on.isoformat()})")
    ordinary = [e for e in history if e.stage in STAGE_ORDER]
    current = max(ordinary, key=lambda e: (_order(e.stage), e.stage_on), default=None)
    done = [e for e in ordinary if e.stage in DONE_STAGES]
    if stage in STAGE_ORDER:
        if current is not None and _order(stage) <= _order(current.stage):
            raise refuse(f"{zh}（{day}）被拒绝：阶段只能向前，项目已处于 "
                         f"{_named(current.stage, current.stage_on)} ({en} on {day} refused: "
                         f"stages only move forward and the project is at "
                         f"{current.stage.value} since {current.stage_on.isoformat()})")
        return True
    if done and stage is DraftingStage.POSTPONED:
        published = min(done, key=lambda e: e.stage_on)
        raise refuse(f"{zh}（{day}）被拒绝：项目已于 {published.stage_on.isoformat()} "
                     f"{STAGE_NAMES_ZH[published.stage]} ({en} on {day} refused: the project was "
                     f"{published.stage.value} on {published.stage_on.isoformat()})")
    if stage is DraftingStage.POSTPONED:
        postponements = sorted((e for e in history if e.stage is DraftingStage.POSTPONED
                                and e.deadline is not None), key=lambda e: e.stage_on)
        in_force = postponements[-1].deadline if postponements else deadline
        if new_deadline is not None and new_deadline <= stage_on:
            raise refuse(f"延期（{day}）的新完成期限 {new_deadline.isoformat()} 不晚于延期日期 "
                         f"(the new deadline of a postponement on {day} must be after it)")
        if new_deadline is not None and in_force is not None and new_deadline <= in_force:
            raise refuse(f"延期（{day}）的新完成期限 {new_deadline.isoformat()} 不晚于现行完成期限 "
                         f"{in_force.isoformat()} (a postponement on {day} must move the "
                         f"deadline {in_force.isoformat()} later)")
    return True
