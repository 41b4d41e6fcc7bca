"""Daily tasks: a registry other features add to with one call, and the run of those due.

``register_daily("review-due", remind, at="07:00", label="…")`` adds a task; a worker runs each
task once a day after its time (local time; ``STDTRACK_SCHEDULE_<NAME>=HH:MM`` moves it). The
day's run is a ``schedule_run`` row with a unique (name, day): when several workers on several
hosts find a task due, one inserts the row and runs it, the others' inserts fail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adoption.goals_repository import store_leader_days
from adoption.indicator_queries import ensure_facts
from adoption.repository import refresh_alerts
from api.pipelines.review_reminders import run_review_reminders
from api.pipelines.watches import run_watch_digest
from api.web.i18n import N_
from standards import job_repository
from standards.errors import DatabaseError
from standards.settings import Settings

log = logging.getLogger("stdtrack.schedules")

DailyTask = Callable[[Settings, dt.date], Awaitable[str]]
"""A daily task: given the settings and the day, does its work and says what it did."""


@dataclass(frozen=True, slots=True)
class Schedule:
    name: str
    task: DailyTask
    at: str  # "HH:MM", local time
    label: str  # a Chinese msgid, shown on the schedules page


SCHEDULES: dict[str, Schedule] = {}


def register_daily(name: str, task: DailyTask, *, at: str, label: str) -> Schedule:
    """Run ``task`` once a day after ``at`` (HH:MM, local time; settings may move it)."""
    schedule = Schedule(name=name, task=task, at=at, label=label)
    SCHEDULES[name] = schedule
    return schedule


def time_of(schedule: Schedule, settings: Settings) -> dt.time:
    chosen = dict(settings.schedule_times).get(schedule.name, schedule.at)
    hours, minutes = chosen.split(":")
    return dt.time(int(hours), int(minutes))


def due(settings: Settings, now: dt.datetime) -> list[Schedule]:
    """The tasks whose time of day has come (local ``now``)."""
    return [schedule for schedule in SCHEDULES.values()
            if now.time() >= time_of(schedule, settings)]


async def run_due(settings: Settings, worker: str, now: dt.datetime | None = None
                  ) -> list[dict[str, Any]]:
    """Run the tasks due today that no worker has run today; returns what ran.

    A run whose start or end cannot be written (another writer held the lock past the
    retries) does not stop the others: a task not started is tried on the next pass; an end
    not recorded leaves the run ``running`` until it is failed as stale (item ``recorded``
    False)."""
    now = now or dt.datetime.now()
    ran = []
    try:
        await job_repository.fail_stale_schedule_runs()
    except DatabaseError:
        log.warning("stale daily task runs not marked failed this time", exc_info=True)
    for schedule in due(settings, now):
        try:
            if not await job_repository.start_schedule_run(schedule.name, now.date(), worker):
                continue
        except DatabaseError:
            log.warning("daily task %s not started: its run could not be written",
                        schedule.name, exc_info=True)
            continue
        item: dict[str, Any]
        try:
            outcome = await schedule.task(settings, now.date())
        except Exception as exc:
            log.exception("daily task %s failed", schedule.name)
            outcome = f"{type(exc).__name__}: {exc}"
            item = {"name": schedule.name, "state": "failed"}
        else:
            item = {"name": schedule.name, "state": "done", "outcome": outcome}
        try:
            await job_repository.finish_schedule_run(schedule.name, now.date(), item["state"],
                                                     outcome)
        except DatabaseError:
            log.error("daily task %s ended %s but its end could not be written",
                      schedule.name, item["state"], exc_info=True)
            item["recorded"] = False
        ran.append(item)
    return ran


async def schedule_states(settings: Settings) -> list[dict[str, Any]]:
    """Every registered task with its time and last run (for the page and the API)."""
    last = await job_repository.last_schedule_runs(list(SCHEDULES))
    return [{"name": schedule.name, "label": schedule.label,
             "at": time_of(schedule, settings).strftime("%H:%M"),
             "last_run": last.get(schedule.name)}
            for schedule in SCHEDULES.values()]


async def _alerts_refresh(settings: Settings, day: dt.date) -> str:
    """Date-driven alerts: a standard whose withdrawal or implementation date arrived today."""
    report = await refresh_alerts(today=day)
    return ", ".join(f"{key} {value}" for key, value in report.as_dict().items())


async def _facts_expiry(settings: Settings, day: dt.date) -> str:
    """Indicator facts whose validity span ended are recomputed, and the leader's past days
    (a month that just closed) stored."""
    facts = await ensure_facts(day)
    stored = await store_leader_days(day)
    return f"facts: {facts}, stored days {stored['stored']} of {stored['days']}"


async def _watch_digest(settings: Settings, day: dt.date) -> str:
    """Watchlists: today's catalogue changes become notices; the digests are mailed and posted."""
    report = await run_watch_digest(day, settings=settings)
    return (f"notices {report.notices_created}, mails {report.emails_sent}, "
            f"webhooks {report.webhooks_delivered}, failures "
            f"{len(report.mail_failures) + len(report.webhook_failures)}")


async def _review_reminders(settings: Settings, day: dt.date) -> str:
    """Local standards whose review falls due (or is overdue): reminders raised and cleared."""
    report = await run_review_reminders(day, cycle_years=settings.review_cycle_years)
    return ", ".join(f"{key} {value}" for key, value in report.items()
                     if key not in {"as_of", "within_months", "cycle_years"})


register_daily("alerts-refresh", _alerts_refresh, at="01:00", label=N_("预警刷新（按日期）"))
register_daily("indicator-facts", _facts_expiry, at="01:30", label=N_("指标事实到期重算"))
register_daily("watch-digest", _watch_digest, at="06:30", label=N_("关注变更通知"))
register_daily("review-due", _review_reminders, at="07:00", label=N_("复审到期提醒"))
