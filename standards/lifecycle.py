"""Status as a function of dates: valid at t when in force on or before t and not withdrawn by t."""

from __future__ import annotations

import datetime as dt

from standards.vocab import Status


def effective_from(
    implemented_on: dt.date | None, published_on: dt.date | None, upcoming_undated: bool = False
) -> dt.date | None:
    """The day validity starts: implementation, or publication where no implementation is
    known, unless a source says the edition is still upcoming: then it is unknown (None)."""
    if implemented_on is not None or upcoming_undated:
        return implemented_on
    return published_on


def status_at(
    t: dt.date,
    *,
    effective_on: dt.date | None,
    withdrawn_on: dt.date | None,
    withdrawn_undated: bool = False,
    upcoming_undated: bool = False,
) -> Status:
    """Status of an edition on day ``t``.

    A source that says "withdrawn" without a date makes the edition withdrawn whatever ``t``;
    one that says "upcoming" (即将实施) while no implementation date is known keeps it upcoming
    until a date arrives; a standard with no dates at all is otherwise taken to be in force
    (no record is never "withdrawn").
    """
    if withdrawn_on is not None:
        if withdrawn_on <= t:
            return Status.WITHDRAWN
    elif withdrawn_undated:
        return Status.WITHDRAWN
    if effective_on is None:
        return Status.UPCOMING if upcoming_undated else Status.CURRENT
    if effective_on > t:
        return Status.UPCOMING
    return Status.CURRENT


def valid_at(
    t: dt.date,
    *,
    effective_on: dt.date | None,
    withdrawn_on: dt.date | None,
    withdrawn_undated: bool = False,
    upcoming_undated: bool = False,
) -> bool:
    """True when the edition is in force on day ``t``."""
    return (
        status_at(
            t,
            effective_on=effective_on,
            withdrawn_on=withdrawn_on,
            withdrawn_undated=withdrawn_undated,
            upcoming_undated=upcoming_undated,
        )
        is Status.CURRENT
    )


def status_sql(t_placeholder: str = "{}") -> dict[Status, str]:
    """SQL predicates over the ``standard`` columns for each status on day ``t``.

    Each predicate uses ``t_placeholder`` (piccolo's ``{}``) once per occurrence; callers pass the
    date as many times as the predicate has placeholders (see ``STATUS_SQL_ARGS``).
    """
    withdrawn = (
        f"((withdrawn_on IS NOT NULL AND withdrawn_on <= {t_placeholder}) "
        "OR (withdrawn_on IS NULL AND withdrawn_undated))"
    )
    return {
        Status.WITHDRAWN: withdrawn,
        Status.UPCOMING: (
            f"(NOT {withdrawn} AND (effective_on > {t_placeholder} "
            "OR (effective_on IS NULL AND upcoming_undated)))"
        ),
        Status.CURRENT: (
            f"(NOT {withdrawn} AND ((effective_on IS NULL AND NOT upcoming_undated) "
            f"OR effective_on <= {t_placeholder}))"
        ),
    }


STATUS_SQL_ARGS = {Status.WITHDRAWN: 1, Status.UPCOMING: 2, Status.CURRENT: 2}
