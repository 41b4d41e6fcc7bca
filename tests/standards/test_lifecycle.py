"""Status as a function of dates, at the day boundaries."""

import datetime as dt

import pytest

from standards.lifecycle import effective_from, status_at, valid_at
from standards.vocab import Status

D = dt.date


@pytest.mark.parametrize(
    ("t", "effective", "withdrawn", "undated", "expected"),
    [
        (D(2018, 9, 30), D(2018, 10, 1), None, False, Status.UPCOMING),
        (D(2018, 10, 1), D(2018, 10, 1), None, False, Status.CURRENT),  # in force on the day
        (D(2020, 4, 30), D(2018, 10, 1), D(2020, 5, 1), False, Status.CURRENT),
        (D(2020, 5, 1), D(2018, 10, 1), D(2020, 5, 1), False, Status.WITHDRAWN),  # gone that day
        (D(2000, 1, 1), None, None, False, Status.CURRENT),  # no dates: in force
        (D(2000, 1, 1), None, None, True, Status.WITHDRAWN),  # said withdrawn, no date
        (D(2000, 1, 1), D(2010, 1, 1), D(2020, 1, 1), True, Status.UPCOMING),  # a date wins
    ],
)
def test_status_at(t, effective, withdrawn, undated, expected) -> None:
    assert status_at(t, effective_on=effective, withdrawn_on=withdrawn,
                     withdrawn_undated=undated) is expected
    assert valid_at(t, effective_on=effective, withdrawn_on=withdrawn,
                    withdrawn_undated=undated) is (expected is Status.CURRENT)


def test_validity_starts_at_implementation_else_publication() -> None:
    assert effective_from(D(2018, 10, 1), D(2018, 3, 15)) == D(2018, 10, 1)
    assert effective_from(None, D(2018, 3, 15)) == D(2018, 3, 15)
    assert effective_from(None, None) is None
