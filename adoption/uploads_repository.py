"""Bulk declaration files held between their preview and their commit (``declaration_upload``),
in the database so that any app host can commit what another one previewed."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from adoption.db import select, write, writing
from adoption.errors import RecordNotFound, StateError
from standards.db import insert_rows

PREVIEW_HOURS = 24


@dataclass(frozen=True, slots=True)
class HeldFile:
    name: str
    sha256: str
    content: bytes


@dataclass(frozen=True, slots=True)
class HeldUpload:
    """A previewed upload: who may commit it, whose rows it may hold, and its files."""

    token: str
    account_id: int | None
    uscc: str | None
    created_at: dt.datetime
    files: list[HeldFile]


async def hold(files: Sequence[HeldFile], *, account_id: int | None, uscc: str | None,
               now: dt.datetime) -> str:
    """Keep the files of a preview; returns the preview id. Uncommitted previews older than
    PREVIEW_HOURS are dropped on the way (drafts, not records)."""
    token = secrets.token_urlsafe(18)
    async with writing() as engine:
        await write("DELETE FROM declaration_upload WHERE committed_at IS NULL AND "
                    "created_at < ?", [now - dt.timedelta(hours=PREVIEW_HOURS)])
        await insert_rows(engine, "declaration_upload", [
            "token", "position", "account", "uscc", "name", "sha256", "size", "content",
            "created_at"],
            [(token, position, account_id, uscc, item.name, item.sha256, len(item.content),
              item.content, now) for position, item in enumerate(files)])
    return token


async def held(token: str, now: dt.datetime) -> HeldUpload:
    """The upload of a preview id.

    Raises:
        RecordNotFound: no preview has this id, or it has expired.
        StateError: it was committed already (naming the import).
    """
    rows = await select("SELECT account, uscc, name, sha256, content, created_at, committed_at, "
                        "import_id FROM declaration_upload WHERE token = ? ORDER BY position",
                        [token])
    expired = now - dt.timedelta(hours=PREVIEW_HOURS)
    if not rows or (rows[0]["committed_at"] is None and _moment(rows[0]["created_at"]) < expired):
        raise RecordNotFound(f"no preview {token} (previews are kept {PREVIEW_HOURS} hours)")
    first = rows[0]
    if first["committed_at"] is not None:
        raise StateError(f"preview {token} was committed already (declaration import "
                         f"{first['import_id']})")
    return HeldUpload(token=token, account_id=first["account"], uscc=first["uscc"],
                      created_at=_moment(first["created_at"]),
                      files=[HeldFile(row["name"], row["sha256"], bytes(row["content"]))
                             for row in rows])


async def committed(token: str, import_id: int) -> None:
    """Record the import a claimed preview became; its content is dropped (the import archived
    the files)."""
    async with writing():
        await write("UPDATE declaration_upload SET import_id = ?, content = NULL WHERE token = ?",
                    [import_id, token])


async def release(token: str) -> None:
    """Give a claimed preview back (its import failed before writing anything)."""
    async with writing():
        await write("UPDATE declaration_upload SET committed_at = NULL WHERE token = ? AND "
                    "import_id IS NULL", [token])


async def claim(token: str, now: dt.datetime) -> bool:
    """Take a preview for committing (once): True for the first caller only."""
    async with writing():
        rows = await select("SELECT COUNT(*) AS n FROM declaration_upload WHERE token = ? AND "
                            "committed_at IS NULL", [token])
        if not int(rows[0]["n"]):
            return False
        await write("UPDATE declaration_upload SET committed_at = ? WHERE token = ?",
                    [now, token])
    return True


def _moment(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
