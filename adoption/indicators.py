"""Indicators (docs/indicators.md): coverage (产品标准覆盖率), product adoption (采标率), standard
adoption and conversion (国际标准转化率), as of any day, over a scope, grouped, with what was not
counted and why. The rules live in adoption/metrics.py, the database side in
adoption/indicator_queries.py; this module is the interface other parts code against.
"""

from __future__ import annotations

import datetime as dt

from adoption import indicator_queries
from adoption.metrics import (
    TREND_START,
    GroupBy,
    IndicatorName,
    IndicatorQuery,
    IndicatorRules,
    Reason,
    month_ends,
    year_ends,
)
from adoption.schemas import IndicatorReport, NotCountedPage

__all__ = [
    "TREND_START", "GroupBy", "IndicatorName", "IndicatorQuery", "IndicatorReport",
    "IndicatorRules", "NotCountedPage", "Reason", "compute_indicator",
    "compute_indicator_groups", "indicator_series", "month_ends", "not_counted", "store_days",
    "year_ends",
]


async def compute_indicator(query: IndicatorQuery, today: dt.date | None = None
                            ) -> IndicatorReport:
    """The indicator as of ``query.as_of`` (default today): numerator, denominator, rate,
    groups, reasons not counted, rules.

    As of today it reads the kept facts (brought current first); any other day is computed
    from declarations and the catalogue.

    Raises:
        adoption.errors.InvalidFieldError: a filter that does not apply or is malformed.
        adoption.errors.RecordNotFound: no enterprise has the enterprise filter's USCC.
    """
    return await indicator_queries.compute(query, today)


async def compute_indicator_groups(query: IndicatorQuery, group_bys: list[GroupBy | None],
                                   today: dt.date | None = None) -> list[IndicatorReport]:
    """The indicator grouped each way of ``group_bys`` (None: ungrouped), as
    :func:`compute_indicator` gives each; a product indicator's from one computation."""
    return await indicator_queries.compute_groups(query, group_bys, today)


async def indicator_series(query: IndicatorQuery, dates: list[dt.date],
                           today: dt.date | None = None) -> list[IndicatorReport]:
    """The trend: the indicator as of each day of ``dates`` (see :func:`month_ends`)."""
    return await indicator_queries.series(query, dates, today)


async def not_counted(query: IndicatorQuery, reason: str | None = None, page: int = 1,
                      page_size: int = 50, today: dt.date | None = None) -> NotCountedPage:
    """The drill-down: products (enterprise, product, region, declared codes) or standards
    not counted, with the reason, one page at a time; ``reason`` narrows it to one reason."""
    return await indicator_queries.not_counted(query, reason, page, page_size, today)


async def store_days(days: list[dt.date], today: dt.date | None = None) -> list[dt.date]:
    """Store the product indicators' cube of each past day of ``days`` not stored yet (one
    pass), so any region, grouping or rule on those days is read, not computed, on every
    host; returns the days stored now. A day a write came in while it was computed is left
    out (computed when asked, as before)."""
    today = today or dt.date.today()
    before = await indicator_queries.stored_cube_days(days)
    # days another process is storing now (the nightly task beside an import's end) are
    # left to it: computed twice they would cost twice, on one SQLite connection in turn
    busy = await indicator_queries.days_being_stored()
    stored = await indicator_queries.closed_day_tokens(
        [day for day in days if day in before or day not in busy], today)
    return sorted(day for day in stored if day not in before)
