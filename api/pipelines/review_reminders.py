"""The daily review reminder: local standards coming due for review, or overdue, become
reminders on the staff's review calendar (one per standard, kind and due date).

``run_review_reminders(as_of)`` is the job a daily schedule runs; ``stdtrack reviews remind``
runs it by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from adoption import reviews_repository
from adoption.reviews import DEFAULT_CYCLE_YEARS

REMINDER_MONTHS = 6
"""A standard is reminded of once its due date is at most this many months away."""


async def run_review_reminders(as_of: dt.date | None = None, *,
                               cycle_years: int = DEFAULT_CYCLE_YEARS,
                               within: int = REMINDER_MONTHS) -> dict[str, Any]:
    """Raise the reminders of the day (every region) and clear those no longer due.

    Running it twice on one day changes nothing the second time.
    """
    t = as_of or dt.date.today()
    report = await reviews_repository.due_report(None, as_of=t, within=within,
                                                 cycle_years=cycle_years)
    counts = await reviews_repository.raise_reminders(report, t)
    return {"as_of": t.isoformat(), "within_months": within, "cycle_years": cycle_years,
            "due": report.due, "overdue": report.overdue, **counts}
