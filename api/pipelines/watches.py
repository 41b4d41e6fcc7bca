"""The watch run (关注): catalogue changes since the last run, new standards, editions
coming into force and drafting projects reaching a stage become notices of the watches that
follow them; notices of watches that
mail are sent by e-mail (SMTP, ``STDTRACK_SMTP_URL``).

:func:`run_watch_digest` is a plain function of the day: the daily schedule calls it (and
``stdtrack watches run``); calling it again the same day adds nothing twice (notices are
unique per watch, standard, event and day; cursors remember what was read). A mail that
fails leaves its notices unmailed: the next run sends them. Watches with a webhook get their
new notices POSTed as JSON, signed with HMAC-SHA256 of the watch's secret
(``X-Stdtrack-Signature: sha256=…``), every attempt logged in ``webhook_delivery`` and retried
with exponential backoff (1, 2, 4 … minutes) up to ``MAX_ATTEMPTS``; a webhook URL is checked
against the server's own network right before each POST (:mod:`api.webhook_guard`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio
import httpx

from adoption import drafting_repository, watches_repository
from adoption.drafting import STAGE_NAMES_ZH
from adoption.vocab import DraftingStage, WatchDigest, WatchEvent
from adoption.watches import ProjectStage, matches, matches_project, wants
from adoption.watches_repository import NewNotice, OwnedWatch, Unmailed
from api.errors import WebhookRefused
from api.webhook_guard import post_checked
from standards import repository, watch_queries
from standards.queries import IndexSource, index_sources
from standards.settings import Settings

log = logging.getLogger("stdtrack.watches")
PAGE = 5000
EVENT_WORDS = {WatchEvent.NEW: "新标准", WatchEvent.NEW_EDITION: "新版本",
               WatchEvent.REPLACED: "被代替", WatchEvent.WITHDRAWN: "废止",
               WatchEvent.UPCOMING: "即将实施", WatchEvent.CHANGED: "信息变更",
               WatchEvent.STAGE: "制修订进展"}
WITHDRAWN_FLAGS = {"true", "1", "True"}
MAX_ATTEMPTS = 8
"""Attempts of a webhook delivery (over about two hours of backoff) before it is failed."""


@dataclass(slots=True)
class WatchRunReport:
    as_of: dt.date
    changes_read: int = 0
    standards_read: int = 0
    stages_read: int = 0
    notices_created: int = 0
    emails_sent: int = 0
    mail_failures: list[str] = field(default_factory=list)
    webhooks_delivered: int = 0
    webhook_failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "changes_read": self.changes_read,
                "standards_read": self.standards_read, "stages_read": self.stages_read,
                "notices_created": self.notices_created,
                "emails_sent": self.emails_sent, "mail_failures": self.mail_failures,
                "webhooks_delivered": self.webhooks_delivered,
                "webhook_failures": self.webhook_failures}


@dataclass(frozen=True, slots=True)
class _Event:
    standard_id: int
    event: WatchEvent
    occurred_on: dt.date
    detail: str
    at: dt.datetime | None  # when it happened in the catalogue (None: a date coming up)


def _moment(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _date_or(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value[:10]) if value else default
    except ValueError:
        return default


async def _catalogue_events(as_of: dt.date, start: dict[str, int], horizon: int
                            ) -> tuple[list[_Event], dict[str, int], int, int]:
    """Events since the cursors, plus editions coming into force within ``horizon`` days."""
    events: list[_Event] = []
    changes_after = start.get("changes", 0)
    changed: dict[int, list[dict[str, Any]]] = {}
    read_changes = 0
    while rows := await repository.change_feed(after_id=changes_after, limit=PAGE):
        read_changes += len(rows)
        changes_after = rows[-1]["id"]
        for row in rows:
            changed.setdefault(row["standard_id"], []).append(row)
    for standard_id, rows in changed.items():
        at = max(_moment(row["changed_at"]) for row in rows)
        withdrawn = [row for row in rows if (row["field"] == "withdrawn_on" and row["new_value"])
                     or (row["field"] == "withdrawn_undated"
                         and row["new_value"] in WITHDRAWN_FLAGS)]
        if withdrawn:
            day = _date_or(withdrawn[-1]["new_value"], at.date())
            events.append(_Event(standard_id, WatchEvent.WITHDRAWN, day, "", at))
        others = [row for row in rows if row not in withdrawn]
        if others:
            detail = "; ".join(f"{row['field']}: {row['old_value'] or '-'} → "
                               f"{row['new_value'] or '-'}" for row in others[:10])
            events.append(_Event(standard_id, WatchEvent.CHANGED, at.date(), detail[:1000], at))
    standards_after = start.get("standards", 0)
    read_standards = 0
    while rows := await watch_queries.new_standards(standards_after, PAGE):
        read_standards += len(rows)
        standards_after = rows[-1]["id"]
        for row in rows:
            at = _moment(row["created_at"])
            kind = WatchEvent.NEW_EDITION if row["older_editions"] else WatchEvent.NEW
            events.append(_Event(row["id"], kind, at.date(), "", at))
    for standard_id in await watch_queries.coming_into_force(
            as_of, as_of + dt.timedelta(days=horizon)):
        events.append(_Event(standard_id, WatchEvent.UPCOMING, as_of, "", None))
    positions = {"changes": changes_after, "standards": standards_after}
    return events, positions, read_changes, read_standards


def _notices(watches: Sequence[OwnedWatch], events: Sequence[_Event],
             sources: dict[int, IndexSource], successors: dict[int, tuple[str, ...]],
             as_of: dt.date) -> list[NewNotice]:
    found: list[NewNotice] = []
    for event in events:
        source = sources.get(event.standard_id)
        if source is None:
            continue
        kind, detail, day = event.event, event.detail, event.occurred_on
        if kind is WatchEvent.WITHDRAWN and successors.get(event.standard_id):
            kind = WatchEvent.REPLACED
            detail = f"被 {'、'.join(successors[event.standard_id])} 代替"
        elif kind is WatchEvent.WITHDRAWN:
            detail = f"{day.isoformat()} 废止"
        elif kind is WatchEvent.UPCOMING and source.effective_on is not None:
            day = source.effective_on
            detail = f"{day.isoformat()} 实施"
        for owned in watches:
            watch = owned.watch
            if not wants(watch, kind):
                continue
            if event.at is not None and event.at < watch.created_at:
                continue  # it happened before the watch was saved
            if kind is WatchEvent.UPCOMING and (
                    source.effective_on is None
                    or source.effective_on > as_of + dt.timedelta(days=watch.upcoming_days)):
                continue
            if matches(watch, source):
                found.append(NewNotice(watch.id, source.id, source.normalized_code,
                                       source.title_zh, kind, detail, day))
    return found


async def _stage_entries(after: int) -> tuple[dict[int, list[ProjectStage]], int, int]:
    """Stage entries recorded since the cursor, by project (history order), the new cursor
    and how many were read."""
    by_project: dict[int, list[ProjectStage]] = {}
    read = 0
    while rows := await drafting_repository.stages_after(after, PAGE):
        read += len(rows)
        after = rows[-1].entry_id
        for row in rows:
            by_project.setdefault(row.project_id, []).append(row)
    for entries in by_project.values():
        entries.sort(key=lambda e: (e.stage_on, e.entry_id))
    return by_project, after, read


def stage_detail(entry: ProjectStage) -> str:
    """``征求意见 2026-03-01``; a postponement names the new deadline, 发布 the code."""
    detail = f"{STAGE_NAMES_ZH[entry.stage]} {entry.stage_on.isoformat()}"
    if entry.stage is DraftingStage.POSTPONED and entry.deadline is not None:
        detail += f"，完成期限延至 {entry.deadline.isoformat()}"
    if entry.stage in (DraftingStage.PUBLISHED, DraftingStage.FILED) and entry.code:
        detail += f"（{entry.code}）"
    return detail


def _stage_notices(watches: Sequence[OwnedWatch], by_project: dict[int, list[ProjectStage]]
                   ) -> list[NewNotice]:
    """One notice per watch and project reaching a stage: the latest stage recorded after the
    watch was saved (a plan import may bring several steps of one project at once)."""
    found: list[NewNotice] = []
    for entries in by_project.values():
        facts = entries[-1]
        for owned in watches:
            watch = owned.watch
            if not wants(watch, WatchEvent.STAGE) or not matches_project(watch, facts):
                continue
            seen = [entry for entry in entries if entry.recorded_at >= watch.created_at]
            if seen:
                entry = seen[-1]
                found.append(NewNotice(watch.id, None, facts.plan_no, facts.title or None,
                                       WatchEvent.STAGE, stage_detail(entry), entry.stage_on,
                                       project_id=facts.project_id))
    return found


def mail_messages(pending: Sequence[Unmailed], sender: str, as_of: dt.date
                  ) -> list[tuple[EmailMessage, list[int]]]:
    """One message per address: its notices, newest events first, and their ids."""
    by_address: dict[str, list[Unmailed]] = {}
    for item in pending:
        by_address.setdefault(item.email_to, []).append(item)
    messages = []
    for address, items in by_address.items():
        message = EmailMessage()
        message["From"] = sender
        message["To"] = address
        message["Subject"] = f"标准关注提醒 {as_of.isoformat()}：{len(items)} 条 (stdtrack watches)"
        lines = [f"您关注的标准有 {len(items)} 条变化（截至 {as_of.isoformat()}）：", ""]
        for item in items:
            notice = item.notice
            lines.append(f"[{EVENT_WORDS[notice.event]}] {notice.code} {notice.title or ''}"
                         f" {notice.detail}".rstrip())
            lines.append(f"    关注：{notice.watch_label}")
        lines += ["", "在“关注”页面查看全部提醒。"]
        message.set_content("\n".join(lines))
        messages.append((message, [item.notice.id for item in items]))
    return messages


def send_messages(smtp_url: str, messages: Sequence[EmailMessage], timeout: float = 30.0
                  ) -> None:
    """Send through the SMTP server of ``smtp_url`` (blocking: call it in a thread).

    Raises:
        smtplib.SMTPException, OSError: the server refused or could not be reached.
    """
    parts = urlsplit(smtp_url)
    host = parts.hostname or "localhost"
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
    with client:
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        for message in messages:
            client.send_message(message)


async def run_watch_digest(as_of: dt.date | None = None, *, settings: Settings,
                           digests: Sequence[WatchDigest] = tuple(WatchDigest),
                           now: dt.datetime | None = None) -> WatchRunReport:
    """Turn catalogue changes into notices of the watches that follow them, then mail the
    unmailed notices of watches with one of ``digests`` (the daily run: all of them; a run
    after an import may pass only ``immediate``)."""
    as_of = as_of or dt.date.today()
    now = now or dt.datetime.now(dt.UTC)
    report = WatchRunReport(as_of=as_of)
    watches = await watches_repository.all_watches()
    start = await watches_repository.cursors()
    if not start:  # the first run: read from the start (watches see only what follows them)
        start = {"changes": 0, "standards": 0, "stages": 0}
    horizon = max((owned.watch.upcoming_days for owned in watches), default=0)
    events, positions, report.changes_read, report.standards_read = await _catalogue_events(
        as_of, start, horizon)
    by_project, positions["stages"], report.stages_read = await _stage_entries(
        start.get("stages", 0))
    found: list[NewNotice] = []
    if watches and events:
        ids = list(dict.fromkeys(event.standard_id for event in events))
        sources = {source.id: source for source in await index_sources(ids)}
        withdrawn = [e.standard_id for e in events if e.event is WatchEvent.WITHDRAWN]
        standings = await repository.standings_of(withdrawn, as_of) if withdrawn else {}
        successors = {key: standing.successors for key, standing in standings.items()}
        found = _notices(watches, events, sources, successors, as_of)
    found += _stage_notices(watches, by_project)
    if found:
        report.notices_created = await watches_repository.add_notices(found, now)
    await watches_repository.set_cursors(positions, now)
    if settings.smtp_url:
        pending = await watches_repository.unmailed(list(digests))
        for message, ids in mail_messages(pending, settings.mail_from, as_of):
            try:
                await anyio.to_thread.run_sync(send_messages, settings.smtp_url, [message])
            except (smtplib.SMTPException, OSError) as exc:
                log.warning("watch mail to %s failed: %s", message["To"], exc)
                report.mail_failures.append(f"{message['To']}: {exc}")
                continue
            await watches_repository.mark_emailed(ids, now)
            report.emails_sent += 1
    await watches_repository.queue_webhook_notices(now)
    await deliver_webhooks(report, now, allow_private=settings.webhook_allow_private)
    return report


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: 1, 2, 4 ... minutes,
    at most a day."""
    return min(dt.timedelta(minutes=2 ** (attempts - 1)), dt.timedelta(days=1))


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the body with the watch's secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


async def deliver_webhooks(report: WatchRunReport, now: dt.datetime, *,
                           allow_private: bool = False) -> None:
    """Attempt every due delivery; log each attempt; retry later with backoff. Each URL is
    checked again right before its POST, which goes to the address checked
    (:mod:`api.webhook_guard`): one that now resolves into the server's own network is a
    failed attempt naming why."""
    for due in await watches_repository.due_deliveries(now):
        body = due.payload.encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": "stdtrack-watches", "X-Stdtrack-Delivery": str(due.id)}
        if due.secret:
            headers["X-Stdtrack-Signature"] = signature(due.secret, body)
        status: int | None = None
        error = ""
        try:
            status = await anyio.to_thread.run_sync(functools.partial(
                post_checked, due.url, body, headers, allow_private=allow_private))
        except WebhookRefused as exc:
            error = f"refused: {exc.detail}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        delivered = status is not None and 200 <= status < 300
        if not delivered and not error:
            error = f"HTTP {status}"
        attempts = due.attempts + 1
        retry = None if delivered or attempts >= MAX_ATTEMPTS else now + backoff(attempts)
        await watches_repository.record_attempt(due.id, now=now, status_code=status,
                                                error=error, delivered=delivered,
                                                next_attempt_at=retry)
        if delivered:
            report.webhooks_delivered += 1
        else:
            report.webhook_failures.append(f"{due.url}: {error}")
