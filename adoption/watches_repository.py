"""Watches (关注) and their notices: a person's watches, the inbox, marking read, and what the
watch run writes (notices, mail receipts, how far it read)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adoption.db import select, write, writing
from adoption.errors import InvalidFieldError, RecordNotFound
from adoption.schemas import (
    WatchCreate,
    WatchNoticePage,
    WatchNoticeRead,
    WatchRead,
    WebhookDeliveryRead,
)
from adoption.vocab import WatchDigest, WatchEvent

MAX_WATCHES = 200
"""Watches one account may keep."""

_WATCH_COLUMNS = ("id, account, kind, value, label, events, upcoming_days, digest, email_to, "
                  "webhook_url, webhook_secret, created_at")


def _moment(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _watch(row: dict[str, Any]) -> WatchRead:
    return WatchRead(id=row["id"], kind=row["kind"], value=row["value"], label=row["label"],
                     events=[e for e in row["events"].split(",") if e],
                     upcoming_days=row["upcoming_days"], digest=row["digest"],
                     email_to=row["email_to"], webhook_url=row["webhook_url"],
                     webhook_secret=row["webhook_secret"],
                     has_webhook_secret=bool(row["webhook_secret"]),
                     created_at=_moment(row["created_at"]))


@dataclass(frozen=True, slots=True)
class OwnedWatch:
    account_id: int
    watch: WatchRead


async def create_watch(account_id: int, data: WatchCreate, now: dt.datetime) -> WatchRead:
    """Save a watch for an account.

    Raises:
        InvalidFieldError: the account already keeps ``MAX_WATCHES`` watches.
    """
    async with writing():
        count = await select("SELECT COUNT(*) AS n FROM watch WHERE account = ?", [account_id])
        if int(count[0]["n"]) >= MAX_WATCHES:
            raise InvalidFieldError("watch", data.value, f"is one more than the {MAX_WATCHES} "
                                    "watches an account may keep")
        label = data.label.strip() or f"{data.kind.value}: {data.value.strip()}"
        rows = await write(
            "INSERT INTO watch (account, kind, value, label, events, upcoming_days, digest, "
            "email_to, webhook_url, webhook_secret, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + _WATCH_COLUMNS,
            [account_id, data.kind.value, " ".join(data.value.split()), label[:200],
             ",".join(dict.fromkeys(e.value for e in data.events)), data.upcoming_days,
             data.digest.value, data.email_to, data.webhook_url, data.webhook_secret, now])
    return _watch(rows[0])


async def list_watches(account_id: int) -> list[WatchRead]:
    rows = await select(f"SELECT {_WATCH_COLUMNS} FROM watch WHERE account = ? ORDER BY id",
                        [account_id])
    return [_watch(row) for row in rows]


async def all_watches() -> list[OwnedWatch]:
    """Every watch of every account (the watch run)."""
    rows = await select(f"SELECT {_WATCH_COLUMNS} FROM watch ORDER BY id")
    return [OwnedWatch(row["account"], _watch(row)) for row in rows]


async def delete_watch(account_id: int, watch_id: int) -> None:
    """Delete an account's watch and its notices.

    Raises:
        RecordNotFound: the account has no such watch (another's is not found either).
    """
    async with writing():
        rows = await write("SELECT id FROM watch WHERE id = ? AND account = ?",
                           [watch_id, account_id])
        if not rows:
            raise RecordNotFound(f"no watch {watch_id}")
        await write("DELETE FROM watch_notice WHERE watch = ?", [watch_id])
        await write("DELETE FROM webhook_delivery WHERE watch = ?", [watch_id])
        await write("DELETE FROM watch WHERE id = ?", [watch_id])


_NOTICE_SELECT = (
    "SELECT n.id, n.watch, w.label, n.standard, n.project, n.code, n.title, n.event, n.detail, "
    "n.occurred_on, n.created_at, n.read_at FROM watch_notice n JOIN watch w ON w.id = n.watch ")


def _notice(row: dict[str, Any]) -> WatchNoticeRead:
    return WatchNoticeRead(
        id=row["id"], watch_id=row["watch"], watch_label=row["label"],
        standard_id=row["standard"], project_id=row["project"], code=row["code"],
        title=row["title"],
        event=WatchEvent(row["event"]), detail=row["detail"],
        occurred_on=_day(row["occurred_on"]), created_at=_moment(row["created_at"]),
        read_at=_moment(row["read_at"]) if row["read_at"] is not None else None)


async def notices(account_id: int, *, unread_only: bool = False, page: int = 1,
                  page_size: int = 50) -> WatchNoticePage:
    """An account's notices, newest first (unread only when asked)."""
    where = "w.account = ?" + (" AND n.read_at IS NULL" if unread_only else "")
    counts = await select(
        "SELECT COUNT(*) AS total, SUM(CASE WHEN n.read_at IS NULL THEN 1 ELSE 0 END) AS unread "
        f"FROM watch_notice n JOIN watch w ON w.id = n.watch WHERE {where}", [account_id])
    rows = await select(f"{_NOTICE_SELECT} WHERE {where} ORDER BY n.id DESC LIMIT ? OFFSET ?",
                        [account_id, page_size, (page - 1) * page_size])
    return WatchNoticePage(total=int(counts[0]["total"] or 0),
                           unread=int(counts[0]["unread"] or 0), page=page,
                           page_size=page_size, items=[_notice(row) for row in rows])


async def mark_read(account_id: int, ids: Sequence[int] | None, now: dt.datetime) -> int:
    """Mark an account's notices read (``ids``, or all when None); returns how many."""
    async with writing():
        sql = ("UPDATE watch_notice SET read_at = ? WHERE read_at IS NULL AND watch IN "
               "(SELECT id FROM watch WHERE account = ?)")
        args: list[Any] = [now, account_id]
        if ids is not None:
            if not ids:
                return 0
            sql += f" AND id IN ({', '.join('?' for _ in ids)})"
            args.extend(ids)
        rows = await write(sql + " RETURNING id", args)
    return len(rows)


@dataclass(frozen=True, slots=True)
class NewNotice:
    """A notice to store: of a standard, or (``standard_id`` None) of a drafting project."""

    watch_id: int
    standard_id: int | None
    code: str
    title: str | None
    event: WatchEvent
    detail: str
    occurred_on: dt.date
    project_id: int | None = None


async def add_notices(found: Sequence[NewNotice], now: dt.datetime) -> int:
    """Store notices; one already stored (same watch, standard or project, event, day) is
    kept as it is. Returns how many are new."""
    created = 0
    async with writing():
        for notice in found:
            rows = await write(
                "INSERT INTO watch_notice (watch, standard, project, code, title, event, detail, "
                "occurred_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING id",
                [notice.watch_id, notice.standard_id, notice.project_id, notice.code,
                 notice.title, notice.event.value, notice.detail, notice.occurred_on, now])
            created += len(rows)
    return created


@dataclass(frozen=True, slots=True)
class Unmailed:
    email_to: str
    notice: WatchNoticeRead


async def unmailed(digests: Sequence[WatchDigest]) -> list[Unmailed]:
    """Notices not mailed yet of watches that mail (with one of ``digests``), oldest first."""
    if not digests:
        return []
    marks = ", ".join("?" for _ in digests)
    rows = await select(
        f"{_NOTICE_SELECT.replace('SELECT ', 'SELECT w.email_to, ', 1)} WHERE n.emailed_at IS "
        f"NULL AND w.email_to IS NOT NULL AND w.digest IN ({marks}) ORDER BY n.id",
        [d.value for d in digests])
    return [Unmailed(row["email_to"], _notice(row)) for row in rows]


async def mark_emailed(ids: Sequence[int], now: dt.datetime) -> None:
    async with writing():
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            await write(f"UPDATE watch_notice SET emailed_at = ? WHERE id IN "
                        f"({', '.join('?' for _ in chunk)})", [now, *chunk])


async def cursors() -> dict[str, int]:
    """How far the watch runs have read (``changes``, ``standards``; absent: never ran)."""
    rows = await select("SELECT name, position FROM watch_cursor")
    return {row["name"]: int(row["position"]) for row in rows}


async def set_cursors(positions: dict[str, int], now: dt.datetime) -> None:
    async with writing():
        for name, position in positions.items():
            await write(
                "INSERT INTO watch_cursor (name, position, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
                "updated_at = excluded.updated_at", [name, position, now])


# ------------------------------------------------------------------------------------------
# Webhook deliveries (the delivery log)
# ------------------------------------------------------------------------------------------


async def queue_webhook_notices(now: dt.datetime) -> int:
    """Put the notices not yet queued of every watch with a webhook into one new delivery per
    watch (its JSON payload); returns how many deliveries were made."""
    made = 0
    async with writing():
        rows = await write(
            f"{_NOTICE_SELECT.replace('SELECT ', 'SELECT w.webhook_url, w.kind, w.value, ', 1)}"
            "WHERE n.queued_at IS NULL AND w.webhook_url IS NOT NULL ORDER BY n.id")
        by_watch: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_watch.setdefault(row["watch"], []).append(row)
        for watch_id, notices_of in by_watch.items():
            first = notices_of[0]
            payload = json.dumps({
                "watch": {"id": watch_id, "label": first["label"], "kind": first["kind"],
                          "value": first["value"]},
                "notices": [_notice(row).model_dump(mode="json") for row in notices_of],
            }, ensure_ascii=False)
            await write("INSERT INTO webhook_delivery (watch, url, payload, status, attempts, "
                        "next_attempt_at, last_error, created_at) "
                        "VALUES (?, ?, ?, 'pending', 0, ?, '', ?)",
                        [watch_id, first["webhook_url"], payload, now, now])
            ids = [row["id"] for row in notices_of]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                await write(f"UPDATE watch_notice SET queued_at = ? WHERE id IN "
                            f"({', '.join('?' for _ in chunk)})", [now, *chunk])
            made += 1
    return made


@dataclass(frozen=True, slots=True)
class DueDelivery:
    id: int
    url: str
    payload: str
    secret: str | None
    attempts: int


async def due_deliveries(now: dt.datetime, limit: int = 500) -> list[DueDelivery]:
    """Pending deliveries whose next attempt is due, oldest first."""
    rows = await select(
        "SELECT d.id, d.url, d.payload, d.attempts, w.webhook_secret FROM webhook_delivery d "
        "JOIN watch w ON w.id = d.watch WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
        "ORDER BY d.id LIMIT ?", [now, limit])
    return [DueDelivery(row["id"], row["url"], row["payload"], row["webhook_secret"],
                        int(row["attempts"])) for row in rows]


async def record_attempt(delivery_id: int, *, now: dt.datetime, status_code: int | None,
                         error: str, delivered: bool, next_attempt_at: dt.datetime | None
                         ) -> None:
    """Log one attempt: delivered, retried at ``next_attempt_at``, or failed for good (None)."""
    status = "delivered" if delivered else "pending" if next_attempt_at else "failed"
    async with writing():
        await write(
            "UPDATE webhook_delivery SET attempts = attempts + 1, status = ?, "
            "last_status_code = ?, last_error = ?, next_attempt_at = ?, delivered_at = ? "
            "WHERE id = ?",
            [status, status_code, error[:1000], next_attempt_at or now,
             now if delivered else None, delivery_id])


async def deliveries(account_id: int, watch_id: int, limit: int = 100
                     ) -> list[WebhookDeliveryRead]:
    """A watch's delivery log, newest first.

    Raises:
        RecordNotFound: the account has no such watch.
    """
    owned = await select("SELECT id FROM watch WHERE id = ? AND account = ?",
                         [watch_id, account_id])
    if not owned:
        raise RecordNotFound(f"no watch {watch_id}")
    rows = await select("SELECT * FROM webhook_delivery WHERE watch = ? ORDER BY id DESC "
                        "LIMIT ?", [watch_id, limit])
    return [WebhookDeliveryRead(
        id=row["id"], watch_id=row["watch"], url=row["url"], status=row["status"],
        attempts=int(row["attempts"]), notices=len(json.loads(row["payload"])["notices"]),
        next_attempt_at=(_moment(row["next_attempt_at"]) if row["status"] == "pending"
                         else None),
        last_status_code=row["last_status_code"], last_error=row["last_error"],
        created_at=_moment(row["created_at"]),
        delivered_at=_moment(row["delivered_at"]) if row["delivered_at"] else None)
        for row in rows]
