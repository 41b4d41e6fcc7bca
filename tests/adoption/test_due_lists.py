"""A due list near the calendar's end (the API fuzzer asked for one as of 9999-01-20 within
78 months): a limit past year 9999 takes every due date, instead of a server error."""

from __future__ import annotations

import datetime as dt

from adoption.reviews import ClockHistory
from adoption.reviews_repository import ScopedStandard, _due_report


def standard(key: int, effective_on: dt.date) -> ScopedStandard:
    return ScopedStandard(id=key, code=f"DB22/T {key}-2020", title_zh="人参种植技术规程",
                          region_code="220100", domains=(),
                          history=ClockHistory(effective_on=effective_on))


def test_a_limit_past_the_calendar_takes_every_due_date() -> None:
    scoped = [standard(1, dt.date(9994, 3, 1)), standard(2, dt.date(2019, 9, 1))]
    report = _due_report(scoped, dt.date(9999, 1, 20), 78, "22", None, 5)
    assert [item.code for item in report.due_items] == ["DB22/T 1-2020"]
    assert report.due_items[0].due_on == dt.date(9999, 3, 1)
    assert [item.code for item in report.overdue_items] == ["DB22/T 2-2020"]
    assert (report.running, report.due, report.overdue) == (2, 1, 1)
