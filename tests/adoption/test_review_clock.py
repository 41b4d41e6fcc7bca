"""The review clock's rules, date by date, on hand-built histories (adoption/reviews.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from adoption.errors import InvalidFieldError
from adoption.reviews import (
    ClockHistory,
    ClockState,
    ReviewEvent,
    add_months,
    clock_at,
    count_on_time,
    cycles_of,
    parse_conclusion,
)
from adoption.vocab import ReviewConclusion

D = dt.date
CONTINUE, REVISE, ABOLISH = (ReviewConclusion.CONTINUE, ReviewConclusion.REVISE,
                             ReviewConclusion.ABOLISH)


def history(effective: dt.date | None = D(2018, 3, 1), **given: object) -> ClockHistory:
    reviews = tuple(ReviewEvent(day, conclusion)
                    for day, conclusion in given.pop("reviews", ()))  # type: ignore[attr-defined]
    return ClockHistory(effective_on=effective, reviews=reviews, **given)  # type: ignore[arg-type]


def test_the_clock_starts_at_the_implementation_date_and_is_due_five_years_later() -> None:
    clock = clock_at(history(), D(2020, 1, 1))
    assert clock.state is ClockState.RUNNING
    assert (clock.start, clock.due_on) == (D(2018, 3, 1), D(2023, 3, 1))
    assert not clock.overdue


@pytest.mark.parametrize(("t", "overdue"), [
    (D(2023, 2, 28), False),
    (D(2023, 3, 1), False),  # the due date itself: due, not yet overdue
    (D(2023, 3, 2), True),  # the first day after it
    (D(2030, 1, 1), True),
])
def test_overdue_starts_the_day_after_the_due_date(t: dt.date, overdue: bool) -> None:
    assert clock_at(history(), t).overdue is overdue


@pytest.mark.parametrize(("t", "months", "due"), [
    (D(2022, 9, 1), 6, True),  # due 2023-03-01 = t + 6 months: the window's last day
    (D(2022, 8, 31), 6, False),  # t + 6 months = 2023-02-28: one day short
    (D(2023, 3, 1), 6, True),  # the due date is t: first day of the window
    (D(2023, 3, 2), 6, False),  # past: overdue, no longer "due within"
    (D(2023, 3, 1), 0, True),
    (D(2022, 3, 1), 12, True),
    (D(2022, 2, 28), 12, False),
])
def test_due_within_n_months_is_a_closed_window(t: dt.date, months: int, due: bool) -> None:
    assert clock_at(history(), t).due_within(months) is due


def test_publication_date_starts_the_clock_when_no_implementation_date_is_known() -> None:
    # the repository passes effective_on = implemented, else published; here published only
    clock = clock_at(history(D(2019, 7, 15)), D(2024, 7, 16))
    assert clock.due_on == D(2024, 7, 15) and clock.overdue


def test_no_start_date_means_no_clock() -> None:
    assert clock_at(history(None), D(2024, 1, 1)).state is ClockState.NO_DATE
    upcoming = history(None, upcoming_undated=True)
    assert clock_at(upcoming, D(2024, 1, 1)).state is ClockState.NOT_STARTED


def test_before_implementation_the_clock_has_not_started() -> None:
    clock = clock_at(history(D(2025, 1, 1)), D(2024, 12, 31))
    assert clock.state is ClockState.NOT_STARTED and not clock.due_within(120)
    assert clock_at(history(D(2025, 1, 1)), D(2025, 1, 1)).state is ClockState.RUNNING


def test_a_continue_review_restarts_the_clock_on_its_day() -> None:
    h = history(reviews=[(D(2022, 6, 10), CONTINUE)])
    before = clock_at(h, D(2022, 6, 9))
    assert before.due_on == D(2023, 3, 1) and not before.restarted
    on = clock_at(h, D(2022, 6, 10))
    assert (on.start, on.due_on, on.restarted) == (D(2022, 6, 10), D(2027, 6, 10), True)
    # the restarted clock can fall overdue again: its own review does not count as done
    assert not clock_at(h, D(2027, 6, 10)).overdue
    assert clock_at(h, D(2027, 6, 11)).overdue


def test_a_late_continue_review_ends_an_overdue_spell() -> None:
    h = history(reviews=[(D(2024, 1, 20), CONTINUE)])
    assert clock_at(h, D(2024, 1, 19)).overdue
    assert not clock_at(h, D(2024, 1, 20)).overdue
    assert clock_at(h, D(2024, 1, 20)).due_on == D(2029, 1, 20)


def test_a_revise_or_abolish_review_counts_as_reviewed_but_does_not_restart() -> None:
    for conclusion in (REVISE, ABOLISH):
        h = history(reviews=[(D(2022, 12, 1), conclusion)])
        clock = clock_at(h, D(2024, 1, 1))
        assert clock.due_on == D(2023, 3, 1) and not clock.restarted
        assert not clock.overdue and clock.reviewed_on == D(2022, 12, 1)
        # before the review is recorded the standard is overdue on that day
        assert clock_at(h, D(2022, 11, 30)).reviewed_on is None


def test_a_review_after_t_is_not_known_on_t() -> None:
    h = history(reviews=[(D(2023, 5, 1), REVISE)])
    assert clock_at(h, D(2023, 4, 30)).overdue
    assert not clock_at(h, D(2023, 5, 1)).overdue


def test_withdrawal_ends_the_clock_on_its_day() -> None:
    h = history(withdrawn_on=D(2023, 6, 1))
    assert clock_at(h, D(2023, 5, 31)).overdue
    ended = clock_at(h, D(2023, 6, 1))
    assert ended.state is ClockState.ENDED and ended.end_reason == "withdrawn"
    assert not ended.overdue and not ended.due_within(120)
    undated = clock_at(history(withdrawn_undated=True), D(2020, 1, 1))
    assert undated.state is ClockState.ENDED


def test_a_replacing_edition_ends_the_clock_at_its_publication() -> None:
    h = history(revised_on=D(2023, 9, 1))
    assert clock_at(h, D(2023, 8, 31)).overdue
    ended = clock_at(h, D(2023, 9, 1))
    assert (ended.state, ended.end_reason, ended.ended_on) == (
        ClockState.ENDED, "revised", D(2023, 9, 1))


def test_a_leap_day_start_is_due_on_28_february() -> None:
    assert clock_at(history(D(2016, 2, 29)), D(2020, 1, 1)).due_on == D(2021, 2, 28)
    assert add_months(D(2022, 8, 31), 6) == D(2023, 2, 28)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)


def test_the_cycle_is_a_setting() -> None:
    assert clock_at(history(), D(2020, 1, 1), cycle_years=3).due_on == D(2021, 3, 1)
    assert clock_at(history(), D(2021, 3, 2), cycle_years=3).overdue


def test_cycles_and_on_time() -> None:
    h = history(reviews=[(D(2023, 2, 1), CONTINUE), (D(2028, 5, 1), REVISE)],
                revised_on=D(2029, 1, 1))
    cycles = cycles_of(h)
    assert [(c.start, c.due_on, c.closed_on, c.closed_by, c.on_time) for c in cycles] == [
        (D(2018, 3, 1), D(2023, 3, 1), D(2023, 2, 1), "continue", True),
        (D(2023, 2, 1), D(2028, 2, 1), D(2028, 5, 1), "revise", False),
    ]
    on_time = history(D(2016, 1, 1), withdrawn_on=D(2020, 12, 31))
    never = history(D(2016, 6, 1))
    late = history(D(2016, 9, 1), reviews=[(D(2021, 9, 2), CONTINUE)])
    exactly = history(D(2016, 10, 1), reviews=[(D(2021, 10, 1), ABOLISH)])
    outside = history(D(2010, 1, 1))
    counted = count_on_time(enumerate([on_time, never, late, exactly, outside]),
                            D(2021, 1, 1), D(2021, 12, 31), D(2022, 6, 30))
    assert (counted.due, counted.on_time) == (4, 2)
    assert sorted(key for key, _ in counted.late) == [1, 2]
    # as of a day inside the window, only the due dates up to that day count
    partly = count_on_time(enumerate([on_time, never, late, exactly]),
                           D(2021, 1, 1), D(2021, 12, 31), D(2021, 6, 30))
    assert (partly.due, partly.on_time) == (2, 1)
    assert count_on_time([], D(2021, 1, 1), D(2021, 12, 31), D(2022, 1, 1)).rate is None
    # a standard counts once, on time only when every due date in the window was met
    twice = history(D(2015, 1, 1), reviews=[(D(2019, 6, 1), CONTINUE)])
    assert [c.due_on for c in cycles_of(twice)] == [D(2020, 1, 1), D(2024, 6, 1)]
    long = count_on_time([(9, twice)], D(2019, 1, 1), D(2024, 12, 31), D(2025, 1, 1))
    assert (long.due, long.on_time, long.late[0][1].due_on) == (1, 0, D(2024, 6, 1))
    short = count_on_time([(9, twice)], D(2019, 1, 1), D(2024, 12, 31), D(2024, 6, 1))
    assert (short.due, short.on_time) == (1, 0)  # the second due date is t itself: not met
    before = count_on_time([(9, twice)], D(2019, 1, 1), D(2024, 12, 31), D(2024, 5, 31))
    assert (before.due, before.on_time) == (1, 1)


@pytest.mark.parametrize(("text", "conclusion"), [
    ("继续有效", CONTINUE), (" 修 订 ", REVISE), ("废止", ABOLISH), ("Continue", CONTINUE)])
def test_conclusions_as_written(text: str, conclusion: ReviewConclusion) -> None:
    assert parse_conclusion(text) is conclusion


def test_an_unknown_conclusion_is_refused_naming_it() -> None:
    with pytest.raises(InvalidFieldError, match="暂缓"):
        parse_conclusion("暂缓")


def test_the_cycle_setting_is_read_at_the_edge() -> None:
    from standards.errors import ConfigurationError
    from standards.settings import Settings

    assert Settings.from_env({}).review_cycle_years == 5
    assert Settings.from_env({"STDTRACK_REVIEW_CYCLE_YEARS": "3"}).review_cycle_years == 3
    for bad in ("0", "11", "five", "2.5"):
        with pytest.raises(ConfigurationError, match="STDTRACK_REVIEW_CYCLE_YEARS"):
            Settings.from_env({"STDTRACK_REVIEW_CYCLE_YEARS": bad})
