"""The review clock of local standards (复审, docs/reviews.md): pure rules over one edition's
dates and recorded reviews, as of a day. Data comes from reviews_repository.py.

Rules (stated in every answer as ``rules``):

- the clock of a local standard starts on its implementation date (its publication date when
  no implementation date is known); a standard with neither has no clock;
- a recorded review concluding 继续有效 (continue) restarts it on the review day;
- it ends when the standard is withdrawn (its withdrawal date) or revised: the first edition
  that replaces it (代替) is published (its publication date, else its implementation date);
- due date = start + cycle (5 years by default, ``STDTRACK_REVIEW_CYCLE_YEARS``);
  29 February plus whole years falls on 28 February;
- *overdue on t*: the standard is valid on t, its clock has not ended by t, the due date is
  before t, and no review has been recorded on or before t since the start (a 修订 or 废止
  review counts; the 继续有效 review that started the clock does not);
- *due within N months of t*: the clock runs on t (started on or before t, not ended by t)
  and the due date is in [t, t + N months]; a standard already reviewed since the start still
  counts (its review is shown) but gets no reminder;
- *reviewed on time* over a window [a, b] as of t: a standard counts when one of its cycles
  (start → due date) falls due in [a, min(b, t)]; it is on time when every such cycle closed
  on or before its due date — by a review after its start, by the revision (publication of the
  replacing edition) or by the withdrawal. A standard withdrawn without a date is not counted.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, Field

from adoption.errors import InvalidFieldError
from adoption.vocab import ReviewConclusion

DEFAULT_CYCLE_YEARS = 5
MAX_WITHIN_MONTHS = 120

CLOCK_RULES = {
    "start": "implementation date, else publication date; 继续有效 restarts it on the review "
             "day (实施日期起算, 无实施日期按发布日期; 复审结论继续有效的, 自复审日期重新起算)",
    "end": "withdrawal date, or publication of the first edition that replaces it "
           "(废止或被新版本代替时终止)",
    "due": "start + cycle years (起算日 + 复审周期)",
    "overdue": "valid on t, clock not ended, due date before t, no review on or before t "
               "since the start (t 日有效, 到期日早于 t, 起算后至 t 日无复审记录)",
    "due_within": "clock running on t and due date in [t, t + N months] "
                  "(到期日在 t 至 t + N 个月之间)",
    "on_time": "a standard with a due date in the window is on time when a review, the "
               "revision or the withdrawal came on or before each such due date "
               "(窗口内到期的标准, 在到期日前完成复审、修订或废止的比例)",
}

CONCLUSION_LABELS: dict[str, ReviewConclusion] = {
    "继续有效": ReviewConclusion.CONTINUE,
    "有效": ReviewConclusion.CONTINUE,
    "确认": ReviewConclusion.CONTINUE,
    "continue": ReviewConclusion.CONTINUE,
    "修订": ReviewConclusion.REVISE,
    "修改": ReviewConclusion.REVISE,
    "revise": ReviewConclusion.REVISE,
    "废止": ReviewConclusion.ABOLISH,
    "abolish": ReviewConclusion.ABOLISH,
}
CONCLUSION_NAMES_ZH = {ReviewConclusion.CONTINUE: "继续有效", ReviewConclusion.REVISE: "修订",
                       ReviewConclusion.ABOLISH: "废止"}


def parse_conclusion(value: object) -> ReviewConclusion:
    """复审结论 as written (继续有效, 修订, 废止, or the English value).

    Raises:
        InvalidFieldError: anything else, naming the value.
    """
    text = "".join(str(value).split()).casefold()
    found = CONCLUSION_LABELS.get(text)
    if found is None:
        raise InvalidFieldError("conclusion", str(value), "复审结论应为 继续有效、修订 或 废止 "
                                "(continue, revise or abolish)")
    return found


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; a day past the target month's end falls on its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if day.day <= 28:  # every month has it
        return dt.date(year, month, day.day)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_after(start: dt.date, cycle_years: int) -> dt.date:
    return add_months(start, 12 * cycle_years)


@dataclass(slots=True)
class ReviewEvent:
    reviewed_on: dt.date
    conclusion: ReviewConclusion


@dataclass(slots=True)
class ClockHistory:
    """What the clock of one edition is computed from."""

    effective_on: dt.date | None  # implementation, else publication
    withdrawn_on: dt.date | None = None
    withdrawn_undated: bool = False
    upcoming_undated: bool = False
    revised_on: dt.date | None = None  # publication of the first edition replacing it
    reviews: tuple[ReviewEvent, ...] = ()

    def ordered_reviews(self) -> list[ReviewEvent]:
        """Reviews by day; on one day a 继续有效 comes last (it has the final word)."""
        return sorted(self.reviews, key=lambda r: (
            r.reviewed_on, r.conclusion is ReviewConclusion.CONTINUE))

    def ended_on(self) -> dt.date | None:
        """The day the clock ends (withdrawal or revision), when known."""
        withdrawn, revised = self.withdrawn_on, self.revised_on
        if withdrawn is None:
            return revised
        return withdrawn if revised is None or withdrawn <= revised else revised


class ClockState(StrEnum):
    NO_DATE = "no_date"  # neither implementation nor publication date
    NOT_STARTED = "not_started"
    RUNNING = "running"
    ENDED = "ended"


@dataclass(slots=True)
class Clock:
    """The clock of one edition on day ``as_of``."""

    as_of: dt.date
    state: ClockState
    start: dt.date | None = None
    due_on: dt.date | None = None
    restarted: bool = False
    reviewed_on: dt.date | None = None  # a review since the start, on or before as_of
    reviewed_as: ReviewConclusion | None = None
    ended_on: dt.date | None = None
    end_reason: str | None = None  # withdrawn / revised
    overdue: bool = False

    def due_within(self, months: int) -> bool:
        return (self.state is ClockState.RUNNING and self.due_on is not None
                and self.as_of <= self.due_on <= add_months(self.as_of, months))


def clock_at(history: ClockHistory, t: dt.date,
             cycle_years: int = DEFAULT_CYCLE_YEARS) -> Clock:
    """The clock of an edition on day ``t`` (see the module's rules)."""
    if history.effective_on is None:
        state = ClockState.NOT_STARTED if history.upcoming_undated else ClockState.NO_DATE
        return Clock(as_of=t, state=state)
    if history.effective_on > t:
        return Clock(as_of=t, state=ClockState.NOT_STARTED, start=history.effective_on,
                     due_on=due_after(history.effective_on, cycle_years))
    start = history.effective_on
    restarted = False
    reviewed: ReviewEvent | None = None
    end = history.ended_on()
    for review in history.ordered_reviews() if history.reviews else ():
        if review.reviewed_on > t or review.reviewed_on < history.effective_on:
            continue
        if end is not None and review.reviewed_on > end:
            continue
        if review.conclusion is ReviewConclusion.CONTINUE:
            start, restarted, reviewed = review.reviewed_on, True, None
        elif reviewed is None:
            reviewed = review
    due = due_after(start, cycle_years)
    reviewed_on = reviewed.reviewed_on if reviewed else None
    reviewed_as = reviewed.conclusion if reviewed else None
    if history.withdrawn_undated and history.withdrawn_on is None:
        return Clock(as_of=t, state=ClockState.ENDED, start=start, due_on=due,
                     restarted=restarted, reviewed_on=reviewed_on, reviewed_as=reviewed_as,
                     end_reason="withdrawn")
    if end is not None and end <= t:
        return Clock(as_of=t, state=ClockState.ENDED, start=start, due_on=due,
                     restarted=restarted, reviewed_on=reviewed_on, reviewed_as=reviewed_as,
                     ended_on=end,
                     end_reason="withdrawn" if end == history.withdrawn_on else "revised")
    # not withdrawn by t (checked above) and started on or before t: valid on t
    overdue = due < t and reviewed is None
    return Clock(as_of=t, state=ClockState.RUNNING, start=start, due_on=due,
                 restarted=restarted, reviewed_on=reviewed_on, reviewed_as=reviewed_as,
                 overdue=overdue)


@dataclass(frozen=True, slots=True)
class Cycle:
    """One turn of the clock: from its start to the event that closed it (if any yet)."""

    start: dt.date
    due_on: dt.date
    closed_on: dt.date | None
    closed_by: str | None  # continue / revise / abolish (reviews), revised, withdrawn

    @property
    def on_time(self) -> bool:
        return self.closed_on is not None and self.closed_on <= self.due_on


def cycles_of(history: ClockHistory, cycle_years: int = DEFAULT_CYCLE_YEARS) -> list[Cycle]:
    """Every cycle of an edition from its start, each closed by the first review after its
    start, the revision or the withdrawal; only a 继续有效 review opens the next one.
    None for a standard with no start date or withdrawn without a date."""
    if history.effective_on is None or (history.withdrawn_undated
                                        and history.withdrawn_on is None):
        return []
    end = history.ended_on()
    end_reason = None
    if end is not None:
        end_reason = "withdrawn" if end == history.withdrawn_on else "revised"
    reviews = [r for r in history.ordered_reviews()
               if r.reviewed_on >= history.effective_on and (end is None or r.reviewed_on <= end)]
    found: list[Cycle] = []
    start = history.effective_on
    index = 0
    while True:
        due = due_after(start, cycle_years)
        if index < len(reviews):
            review = reviews[index]
            found.append(Cycle(start, due, review.reviewed_on, review.conclusion.value))
            # the next cycle starts at the next 继续有效 review (this one included)
            while index < len(reviews) and reviews[index].conclusion is not \
                    ReviewConclusion.CONTINUE:
                index += 1
            if index >= len(reviews):
                break
            start = reviews[index].reviewed_on
            index += 1
            continue
        found.append(Cycle(start, due, end, end_reason))
        break
    return found


@dataclass(slots=True)
class OnTimeCount:
    """Reviewed on time over a window: standards with a due date in it, and those whose every
    such due date was met."""

    due: int = 0
    on_time: int = 0
    late: list[tuple[int, Cycle]] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def count_on_time(histories: Iterable[tuple[int, ClockHistory]], start: dt.date,
                  end: dt.date, t: dt.date, cycle_years: int = DEFAULT_CYCLE_YEARS
                  ) -> OnTimeCount:
    """Standards with a cycle due in ``[start, min(end, t)]``, and how many closed every such
    cycle on or before its due date (an event after t is not known on t)."""
    last = min(end, t)
    count = OnTimeCount()
    for key, history in histories:
        due = [c for c in cycles_of(history, cycle_years) if start <= c.due_on <= last]
        if not due:
            continue
        count.due += 1
        late = [c for c in due if not (c.on_time and c.closed_on is not None
                                       and c.closed_on <= t)]
        if late:
            count.late.append((key, late[0]))
        else:
            count.on_time += 1
    return count


# ------------------------------------------------------------------------------------------
# Shapes that cross boundaries
# ------------------------------------------------------------------------------------------


class ReviewInput(BaseModel):
    """One review as staff record it (web form, API)."""

    code: str = Field(min_length=1, max_length=80, description="标准号, any spelling")
    reviewed_on: dt.date = Field(description="复审日期")
    conclusion: str = Field(max_length=20, description="继续有效 | 修订 | 废止 (or continue, "
                            "revise, abolish)")
    note: str = Field(default="", max_length=2000, description="备注")


class ReviewRead(BaseModel):
    id: int
    standard_id: int
    code: str
    reviewed_on: dt.date
    conclusion: ReviewConclusion
    conclusion_zh: str
    note: str
    source: str
    recorded_by: str


class ReviewRow(BaseModel):
    """A validated row of a review file (or a form), resolved to its standard."""

    location: str
    code: str
    standard_id: int
    reviewed_on: dt.date
    conclusion: ReviewConclusion
    note: str = ""


class ClockRead(BaseModel):
    """A standard's clock on a day, for answers."""

    as_of: dt.date
    state: str
    start: dt.date | None
    due_on: dt.date | None
    restarted: bool
    reviewed_on: dt.date | None
    reviewed_as: str | None
    ended_on: dt.date | None
    end_reason: str | None
    overdue: bool
    days_to_due: int | None = Field(description="negative once past the due date")


def clock_read(clock: Clock) -> ClockRead:
    return ClockRead(
        as_of=clock.as_of, state=clock.state.value, start=clock.start, due_on=clock.due_on,
        restarted=clock.restarted, reviewed_on=clock.reviewed_on,
        reviewed_as=clock.reviewed_as.value if clock.reviewed_as else None,
        ended_on=clock.ended_on, end_reason=clock.end_reason, overdue=clock.overdue,
        days_to_due=(clock.due_on - clock.as_of).days if clock.due_on else None)


class DueItem(BaseModel):
    standard_id: int
    code: str
    title_zh: str | None
    region_code: str | None
    city: str
    city_name: str
    domains: list[str]
    start: dt.date
    restarted: bool
    due_on: dt.date
    days_to_due: int
    reviewed_on: dt.date | None
    reviewed_as: str | None


class DueGroup(BaseModel):
    key: str
    label: str
    due: int
    overdue: int


class DueReport(BaseModel):
    """``stdtrack reviews due`` and ``GET /api/reviews/due`` (docs/reviews.md)."""

    as_of: dt.date
    region: str | None
    domain: str | None
    within_months: int
    cycle_years: int
    rules: dict[str, str]
    standards: int = Field(description="local standards in scope (every status)")
    running: int = Field(description="whose clock runs on as_of")
    due: int
    overdue: int
    not_counted: dict[str, int]
    by_city: list[DueGroup]
    by_domain: list[DueGroup]
    due_items: list[DueItem]
    overdue_items: list[DueItem]


class OnTimeReport(BaseModel):
    metric: str = "reviewed-on-time"
    as_of: dt.date
    start: dt.date
    end: dt.date
    region: str | None
    cycle_years: int
    rules: dict[str, str]
    numerator: int
    denominator: int
    rate: float | None
    late: list[dict[str, str | None]]


def check_within(months: int) -> int:
    if not 0 <= months <= MAX_WITHIN_MONTHS:
        raise InvalidFieldError("within", months, f"应在 0–{MAX_WITHIN_MONTHS} 个月之间 "
                                f"(months from 0 to {MAX_WITHIN_MONTHS})")
    return months
