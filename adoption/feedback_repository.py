"""Implementation feedback on local standards: the public form's submissions (rate-limited
per address, the address kept only as a day-salted hash), staff moderation, lists."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from pydantic import BaseModel, Field

from adoption.db import select, write, writing
from adoption.errors import InvalidFieldError, RecordNotFound, TooMuchFeedback
from adoption.fields import check_text
from adoption.vocab import FeedbackKind, FeedbackStatus
from standards import data_version

PER_ADDRESS_PER_HOUR = 5
PER_STANDARD_PER_DAY = 50
MAX_TEXT = 2000
MAX_CONTACT = 200

KIND_LABELS: dict[str, FeedbackKind] = {
    "问题": FeedbackKind.PROBLEM, "建议": FeedbackKind.SUGGESTION,
    "与其他标准冲突": FeedbackKind.CONFLICT, "冲突": FeedbackKind.CONFLICT,
    "已过时": FeedbackKind.OUTDATED, "过时": FeedbackKind.OUTDATED,
    **{kind.value: kind for kind in FeedbackKind}}
KIND_NAMES_ZH = {FeedbackKind.PROBLEM: "问题", FeedbackKind.SUGGESTION: "建议",
                 FeedbackKind.CONFLICT: "与其他标准冲突", FeedbackKind.OUTDATED: "已过时"}


class FeedbackInput(BaseModel):
    kind: str = Field(max_length=20, description="问题 problem, 建议 suggestion, 与其他标准冲突 "
                      "conflict, 已过时 outdated")
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    contact: str = Field(default="", max_length=MAX_CONTACT, description="optional")


class FeedbackRead(BaseModel):
    id: int
    standard_id: int
    code: str
    kind: FeedbackKind
    kind_zh: str
    text: str
    contact: str
    status: FeedbackStatus
    submitted_at: dt.datetime
    moderated_by: str


def parse_kind(value: str) -> FeedbackKind:
    found = KIND_LABELS.get("".join(value.split()).casefold())
    if found is None:
        raise InvalidFieldError("kind", value, "反馈类型应为 问题、建议、与其他标准冲突 或 已过时 "
                                "(problem, suggestion, conflict or outdated)")
    return found


def address_hash(address: str, now: dt.datetime) -> str:
    """The sender's address as a hash salted with the day: enough to count a day's sends,
    useless to follow anyone from one day to the next."""
    return hashlib.sha256(f"{now.date().isoformat()}|{address}".encode()).hexdigest()


async def submit_feedback(standard_id: int, data: FeedbackInput, *, address: str,
                          now: dt.datetime) -> int:
    """Store a feedback as pending moderation.

    Raises:
        RecordNotFound: no local standard has this id.
        InvalidFieldError: an unknown kind, control characters, an empty text.
        TooMuchFeedback: the address sent more than 5 within the hour, or the standard got
            more than 50 today.
    """
    kind = parse_kind(data.kind)
    text = check_text(data.text, "text").strip()
    contact = " ".join(check_text(data.contact, "contact").split())
    if not text:
        raise InvalidFieldError("text", data.text, "请填写反馈内容 (the text is required)")
    found = await select("SELECT id FROM standard WHERE id = ? AND level = 'local'",
                         [standard_id])
    if not found:
        raise RecordNotFound(f"no local standard with id {standard_id}")
    hashed = address_hash(address, now)
    async with writing():
        sent = await select("SELECT COUNT(*) AS n FROM standard_feedback WHERE address_hash = ? "
                            "AND submitted_at > ?", [hashed, now - dt.timedelta(hours=1)])
        if int(sent[0]["n"]) >= PER_ADDRESS_PER_HOUR:
            raise TooMuchFeedback(3600)
        today = await select("SELECT COUNT(*) AS n FROM standard_feedback WHERE standard = ? "
                             "AND submitted_at > ?", [standard_id, now - dt.timedelta(days=1)])
        if int(today[0]["n"]) >= PER_STANDARD_PER_DAY:
            raise TooMuchFeedback(3600)
        rows = await write(
            "INSERT INTO standard_feedback (standard, kind, text, contact, status, address_hash, "
            "submitted_at, moderated_by) VALUES (?, ?, ?, ?, 'pending', ?, ?, '') RETURNING id",
            [standard_id, kind.value, text, contact, hashed, now])
    return int(rows[0]["id"])


def _feedback(row: dict[str, Any]) -> FeedbackRead:
    kind = FeedbackKind(row["kind"])
    submitted = row["submitted_at"]
    if isinstance(submitted, str):
        submitted = dt.datetime.fromisoformat(submitted)
    return FeedbackRead(id=row["id"], standard_id=row["standard"], code=row["code"], kind=kind,
                        kind_zh=KIND_NAMES_ZH[kind], text=row["text"] or "",
                        contact=row["contact"] or "", status=FeedbackStatus(row["status"]),
                        submitted_at=submitted, moderated_by=row["moderated_by"] or "")


async def list_feedback(*, status: FeedbackStatus | None = None, standard_id: int | None = None,
                        limit: int = 200) -> list[FeedbackRead]:
    clauses: list[str] = ["1 = 1"]
    args: list[Any] = []
    if status is not None:
        clauses.append("f.status = ?")
        args.append(status.value)
    if standard_id is not None:
        clauses.append("f.standard = ?")
        args.append(standard_id)
    rows = await select(
        "SELECT f.*, s.code FROM standard_feedback f JOIN standard s ON s.id = f.standard "
        f"WHERE {' AND '.join(clauses)} ORDER BY f.submitted_at DESC, f.id DESC LIMIT ?",
        [*args, limit])
    return [_feedback(r) for r in rows]


async def moderate(feedback_id: int, status: FeedbackStatus, *, by: str,
                   now: dt.datetime) -> FeedbackRead:
    """Accept or reject a feedback (accepted ones count in the evaluation).

    Raises:
        RecordNotFound: no feedback has this id.
        InvalidFieldError: ``status`` is pending.
    """
    if status is FeedbackStatus.PENDING:
        raise InvalidFieldError("status", status.value, "应为 accepted 或 rejected")
    async with writing() as engine:
        done = await write("UPDATE standard_feedback SET status = ?, moderated_at = ?, "
                           "moderated_by = ? WHERE id = ? RETURNING id",
                           [status.value, now, by, feedback_id])
        if done:  # accepted feedback counts in the evaluation (thresholds kept under it)
            await data_version.bump(engine)
    if not done:
        raise RecordNotFound(f"no feedback with id {feedback_id}")
    rows = await select("SELECT f.*, s.code FROM standard_feedback f JOIN standard s "
                        "ON s.id = f.standard WHERE f.id = ?", [feedback_id])
    return _feedback(rows[0])


async def count_view(standard_id: int, month: str, *, search: bool = False) -> None:
    """One more view of a standard's page this month (or one more arrival from a search):
    a count, nothing about who."""
    column = "searches" if search else "views"
    async with writing():
        await write(
            f"INSERT INTO standard_view_count (standard, month, views, searches) "
            f"VALUES (?, ?, ?, ?) ON CONFLICT (standard, month) DO UPDATE SET "
            f"{column} = standard_view_count.{column} + 1",
            [standard_id, month, 0 if search else 1, 1 if search else 0])
