"""The database side of enterprise registrations: submit (pending), list, approve (the
enterprise when new, and its account), reject with a reason; and what sign-in tells an
applicant whose registration is not approved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from adoption.accounts_repository import username_duplicate
from adoption.db import is_unique_violation, select, write, writing
from adoption.errors import DuplicateError, RecordNotFound, StateError
from adoption.fields import clean_label
from adoption.regions import describe
from adoption.repository import check_enterprise, save_enterprise
from adoption.schemas import (
    RegistrationInput,
    RegistrationLogin,
    RegistrationPage,
    RegistrationRead,
)
from adoption.vocab import AccountRole, RegistrationStatus

_COLUMNS = ("id, uscc, name, region_code, contact_name, contact_phone, username, status, "
            "reason, submitted_at, decided_at, decided_by, account")


def _registration(row: dict[str, Any]) -> RegistrationRead:
    return RegistrationRead(
        id=row["id"], uscc=row["uscc"], name=row["name"], region_code=row["region_code"],
        region_name=describe(row["region_code"]), contact_name=row["contact_name"],
        contact_phone=row["contact_phone"], username=row["username"],
        status=RegistrationStatus(row["status"]), reason=row["reason"],
        submitted_at=row["submitted_at"], decided_at=row["decided_at"],
        decided_by=row["decided_by"], account_id=row["account"])


def uscc_duplicate(uscc: str) -> DuplicateError:
    return DuplicateError(f"uscc: {uscc!r} 已注册或正在审核 is already registered or awaiting "
                          "approval", field="uscc", value=uscc)


async def _check_free(data: RegistrationInput) -> None:
    """Refuse a USCC that has an active enterprise account or a pending registration, and a
    username an account or a pending registration holds."""
    taken = await select(
        "SELECT 1 AS taken FROM account WHERE uscc = ? AND role = ? AND disabled_at IS NULL "
        "UNION ALL SELECT 1 FROM registration WHERE uscc = ? AND status = ?",
        [data.uscc, AccountRole.ENTERPRISE.value, data.uscc, RegistrationStatus.PENDING.value])
    if taken:
        raise uscc_duplicate(data.uscc)
    used = await select(
        "SELECT 1 AS taken FROM account WHERE username = ? UNION ALL "
        "SELECT 1 FROM registration WHERE username = ? AND status = ?",
        [data.username, data.username, RegistrationStatus.PENDING.value])
    if used:
        raise username_duplicate(data.username)


async def submit_registration(data: RegistrationInput, password_hash: str, now: dt.datetime
                              ) -> RegistrationRead:
    """Store a pending registration.

    Raises:
        DuplicateError: the USCC or the username is taken (names the field and value).
    """
    async with writing():
        await _check_free(data)
        try:
            rows = await write(
                "INSERT INTO registration (uscc, name, region_code, contact_name, "
                "contact_phone, username, password_hash, status, reason, submitted_at, "
                f"decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, '') RETURNING {_COLUMNS}",
                [data.uscc, data.name, data.region_code, data.contact_name, data.contact_phone,
                 data.username, password_hash, RegistrationStatus.PENDING.value, now])
        except Exception as exc:
            if is_unique_violation(exc):  # another pending registration of this USCC
                raise uscc_duplicate(data.uscc) from exc
            raise
    return _registration(rows[0])


async def get_registration(registration_id: int) -> RegistrationRead:
    """Raises: RecordNotFound: no registration has this id."""
    rows = await select(f"SELECT {_COLUMNS} FROM registration WHERE id = ?", [registration_id])
    if not rows:
        raise RecordNotFound(f"no registration with id {registration_id}")
    return _registration(rows[0])


async def list_registrations(
    status: RegistrationStatus | None = None, *, page: int = 1, page_size: int = 50,
) -> RegistrationPage:
    """Registrations, oldest pending first (the queue staff work through), else newest."""
    where, args = ("WHERE status = ?", [status.value]) if status else ("", [])
    order = "submitted_at, id" if status is RegistrationStatus.PENDING else "id DESC"
    total = await select(f"SELECT COUNT(*) AS n FROM registration {where}", args)
    rows = await select(f"SELECT {_COLUMNS} FROM registration {where} ORDER BY {order} "
                        "LIMIT ? OFFSET ?", [*args, page_size, (page - 1) * page_size])
    return RegistrationPage(total=int(total[0]["n"]), page=page, page_size=page_size,
                            items=[_registration(row) for row in rows])


async def _pending(registration_id: int) -> dict[str, Any]:
    rows = await select(f"SELECT {_COLUMNS}, password_hash FROM registration WHERE id = ?",
                        [registration_id])
    if not rows:
        raise RecordNotFound(f"no registration with id {registration_id}")
    if rows[0]["status"] != RegistrationStatus.PENDING.value:
        raise StateError(f"registration {registration_id} was already {rows[0]['status']}")
    return rows[0]


async def approve_registration(registration_id: int, *, decided_by: str, now: dt.datetime
                               ) -> RegistrationRead:
    """Approve a pending registration: the enterprise is created when new (an enterprise
    already known, e.g. from a bulk import, keeps its data) and its account activated with the
    username and password the applicant chose.

    Raises:
        RecordNotFound: no registration has this id.
        StateError: it was already approved or rejected.
        DuplicateError: meanwhile the USCC got an active account or the username was taken.
    """
    async with writing():
        row = await _pending(registration_id)
        if await select("SELECT 1 AS taken FROM account WHERE uscc = ? AND role = ? "
                        "AND disabled_at IS NULL", [row["uscc"], AccountRole.ENTERPRISE.value]):
            raise uscc_duplicate(row["uscc"])
        if await select("SELECT 1 AS taken FROM account WHERE username = ?", [row["username"]]):
            raise username_duplicate(row["username"])
        if not await select("SELECT 1 AS known FROM enterprise WHERE uscc = ?", [row["uscc"]]):
            await save_enterprise(check_enterprise(uscc=row["uscc"], name=row["name"],
                                                   region_code=row["region_code"]), now)
        try:
            created = await write(
                "INSERT INTO account (role, name, uscc, token_hint, created_at, username, "
                "password_hash, must_change_password, password_changed_at) "
                "VALUES (?, ?, ?, '', ?, ?, ?, ?, ?) RETURNING id",
                [AccountRole.ENTERPRISE.value, clean_label(row["name"], "name", 200),
                 row["uscc"], now, row["username"], row["password_hash"], False, now])
        except Exception as exc:
            if is_unique_violation(exc):
                raise username_duplicate(row["username"]) from exc
            raise
        await write("UPDATE registration SET status = ?, decided_at = ?, decided_by = ?, "
                    "account = ? WHERE id = ?",
                    [RegistrationStatus.APPROVED.value, now, decided_by, created[0]["id"],
                     registration_id])
        saved = await select(f"SELECT {_COLUMNS} FROM registration WHERE id = ?",
                             [registration_id])
    return _registration(saved[0])


async def reject_registration(registration_id: int, *, reason: str, decided_by: str,
                              now: dt.datetime) -> RegistrationRead:
    """Reject a pending registration with the reason the applicant will be shown.

    Raises:
        InvalidFieldError: an empty or overlong reason.
        RecordNotFound: no registration has this id.
        StateError: it was already approved or rejected.
    """
    text = clean_label(reason, "reason", 500, required=True)
    async with writing():
        await _pending(registration_id)
        await write("UPDATE registration SET status = ?, reason = ?, decided_at = ?, "
                    "decided_by = ? WHERE id = ?",
                    [RegistrationStatus.REJECTED.value, text, now, decided_by,
                     registration_id])
        saved = await select(f"SELECT {_COLUMNS} FROM registration WHERE id = ?",
                             [registration_id])
    return _registration(saved[0])


async def undecided_login(username: str) -> RegistrationLogin | None:
    """The latest registration of ``username`` that has no account behind it (pending or
    rejected), for sign-in to tell the applicant where it stands."""
    rows = await select(
        "SELECT id, status, reason, password_hash FROM registration WHERE username = ? "
        "AND status <> ? ORDER BY id DESC LIMIT 1",
        [username.strip().lower(), RegistrationStatus.APPROVED.value])
    if not rows:
        return None
    row = rows[0]
    return RegistrationLogin(id=row["id"], status=RegistrationStatus(row["status"]),
                             reason=row["reason"], password_hash=row["password_hash"])
