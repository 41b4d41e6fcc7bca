"""Goal arithmetic: time elapsed, the status rule at its edges, counting windows, the forecast
on a steady and on a stalled pace, month ends, goal validation. Every number by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from adoption.errors import InvalidFieldError
from adoption.goals import (
    CountItem,
    GoalInput,
    check_goal,
    count_forecast,
    counted,
    month_ends,
    progress_of,
    rate_forecast,
    status_of,
    target_line,
    time_elapsed,
)
from adoption.vocab import Domain, GoalStatus

D = dt.date
START, DEADLINE = D(2020, 1, 1), D(2020, 12, 31)  # 366 days (leap year)


def test_time_elapsed_counts_whole_days() -> None:
    assert time_elapsed(START, DEADLINE, D(2019, 12, 31)) == 0.0
    assert time_elapsed(START, DEADLINE, START) == round(1 / 366, 4)
    assert time_elapsed(START, DEADLINE, D(2020, 6, 30)) == round(182 / 366, 4)
    assert time_elapsed(START, DEADLINE, DEADLINE) == 1.0
    assert time_elapsed(START, DEADLINE, D(2021, 5, 1)) == 1.0


@pytest.mark.parametrize(("value", "elapsed", "t", "expected"), [
    (8, 0.5, D(2020, 7, 1), GoalStatus.ACHIEVED),
    (9, 1.0, D(2021, 7, 1), GoalStatus.ACHIEVED),  # achieved stays achieved after the deadline
    (4, 0.5, D(2020, 7, 1), GoalStatus.ON_TRACK),  # progress 0.5 = elapsed 0.5
    (4, 0.6, D(2020, 7, 1), GoalStatus.AT_RISK),  # exactly 10 points below
    (4, 0.61, D(2020, 7, 1), GoalStatus.BEHIND),
    (7, 1.0, D(2021, 1, 1), GoalStatus.BEHIND),  # past the deadline, not reached
])
def test_status_rule(value: int, elapsed: float, t: dt.date, expected: GoalStatus) -> None:
    assert status_of(value, 8, 0.0, elapsed, t, DEADLINE) is expected


def test_indicator_progress_starts_from_the_baseline() -> None:
    # rate 0.90 at the start, 0.94 now, target 0.98: half way
    assert progress_of(0.94, 0.98, 0.90) == 0.5
    assert status_of(0.94, 0.98, 0.90, 0.5, D(2020, 7, 1), DEADLINE) is GoalStatus.ON_TRACK
    assert status_of(0.94, 0.98, 0.90, 0.65, D(2020, 7, 1), DEADLINE) is GoalStatus.BEHIND
    assert target_line(START, DEADLINE, 0.98, 0.90, DEADLINE) == 0.98


ITEMS = [
    CountItem("a", D(2020, 1, 1)),  # on the window's first day: counts
    CountItem("b", D(2020, 3, 15)),
    CountItem("c", D(2020, 4, 1), cancelled_on=D(2020, 5, 1)),
    CountItem("d", D(2020, 12, 31)),  # on the last day: counts
    CountItem("e", D(2021, 1, 1)),  # after the deadline: never counts
    CountItem("f", D(2019, 12, 31)),  # before the start: never counts
]


def test_counting_window_and_cancellation() -> None:
    assert counted(ITEMS, START, DEADLINE, D(2019, 12, 31)) == 0
    assert counted(ITEMS, START, DEADLINE, D(2020, 1, 1)) == 1
    assert counted(ITEMS, START, DEADLINE, D(2020, 4, 30)) == 3
    assert counted(ITEMS, START, DEADLINE, D(2020, 5, 1)) == 2  # cancelled that day
    assert counted(ITEMS, START, DEADLINE, D(2020, 12, 31)) == 3
    assert counted(ITEMS, START, DEADLINE, D(2022, 1, 1)) == 3


def test_forecast_on_a_steady_pace() -> None:
    # one standard on the 10th of every month from 2021-01 to 2021-12; target 36 by 2023-12-31
    items = [CountItem(str(m), D(2021, m, 10)) for m in range(1, 13)]
    forecast, pace = count_forecast(items, D(2021, 1, 1), D(2023, 12, 31), 36,
                                    D(2021, 12, 31))
    # 12 in the last 365 days: 24 to go at 12/365 a day -> 730 days
    assert forecast == D(2021, 12, 31) + dt.timedelta(days=730)
    assert pace == round(12 / 365 * 30, 3)
    # half a year into the goal: the window is the 181 days since the start
    forecast, _ = count_forecast(items, D(2021, 1, 1), D(2023, 12, 31), 36, D(2021, 6, 30))
    # 6 in 181 days; 30 to go -> ceil(30 * 181 / 6) = 905 days
    assert forecast == D(2021, 6, 30) + dt.timedelta(days=905)


def test_forecast_on_a_stalled_pace_is_null() -> None:
    items = [CountItem("a", D(2020, 2, 1)), CountItem("b", D(2020, 3, 1))]
    forecast, pace = count_forecast(items, START, D(2022, 12, 31), 10, D(2021, 6, 30))
    assert forecast is None and pace == 0.0
    nothing, _ = count_forecast([], START, DEADLINE, 10, D(2020, 6, 30))
    assert nothing is None


def test_forecast_of_an_achieved_goal_is_the_day_it_was_reached() -> None:
    forecast, _ = count_forecast(ITEMS, START, DEADLINE, 2, D(2020, 12, 31))
    assert forecast == D(2020, 3, 15)


def test_rate_forecast() -> None:
    # 0.90 a year ago, 0.93 now: 0.03 per 365 days; 0.05 to go -> ceil(0.05 / (0.03/365)) = 609
    forecast, _ = rate_forecast(0.93, 0.90, 365, 0.98, D(2020, 12, 31))
    assert forecast == D(2020, 12, 31) + dt.timedelta(days=609)
    assert rate_forecast(0.90, 0.92, 365, 0.98, D(2020, 12, 31)) == (None, 0.0)
    assert rate_forecast(None, None, 365, 0.98, D(2020, 12, 31)) == (None, None)


def test_month_ends() -> None:
    assert month_ends(D(2020, 1, 15), D(2020, 3, 31)) == [
        D(2020, 1, 31), D(2020, 2, 29), D(2020, 3, 31)]
    assert month_ends(D(2020, 11, 1), D(2021, 1, 10)) == [
        D(2020, 11, 30), D(2020, 12, 31), D(2021, 1, 10)]


def test_goal_validation() -> None:
    today = D(2026, 12, 1)
    good = check_goal(GoalInput(name=" 服务业300 ", metric="local-standards", target=300,
                                region="220000", deadline=D(2030, 1, 1)), today)
    assert good.region == "22" and good.start_on == today and good.name == "服务业300"
    keyed = check_goal(GoalInput(name="x", metric="adoption", target=0.9, key_field="汽车",
                                 deadline=D(2030, 1, 1)), today)
    assert keyed.key_field == "automotive"
    bad = [
        GoalInput(name="x", metric="speed", target=1, deadline=D(2030, 1, 1)),
        GoalInput(name="x", metric="coverage", target=98, deadline=D(2030, 1, 1)),
        GoalInput(name="x", metric="local-standards", target=2.5, deadline=D(2030, 1, 1)),
        GoalInput(name="x", metric="local-standards", target=3, region="2x",
                  deadline=D(2030, 1, 1)),
        GoalInput(name="x", metric="local-standards", target=3, start_on=D(2030, 1, 2),
                  deadline=D(2030, 1, 1)),
        GoalInput(name="x", metric="adoption", target=0.9, key_field="space",
                  deadline=D(2030, 1, 1)),
        GoalInput(name="x", metric="local-standards", target=3, key_field="automotive",
                  deadline=D(2030, 1, 1)),
        GoalInput(name="x", metric="coverage", target=0.9, domain=Domain.SERVICE,
                  deadline=D(2030, 1, 1)),
    ]
    for goal in bad:
        with pytest.raises(InvalidFieldError):
            check_goal(goal, today)
