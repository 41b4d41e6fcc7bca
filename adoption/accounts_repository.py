"""The database side of accounts: people (username and password hash) and API token holders,
their browser sessions, and the failed sign-in throttle shared by every app host.

Passwords arrive here already hashed (``adoption.accounts.hash_password``, run off the event
loop by the caller); tokens and session ids arrive as their SHA-256. Nothing secret is ever
returned, except the password hash to the sign-in check (:class:`PasswordLogin`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from adoption import rate_limits_repository
from adoption.accounts import (
    SESSION_IDLE,
    SESSION_TOUCH,
    THROTTLE_FAILURES,
    THROTTLE_LOCK,
    THROTTLE_WINDOW,
    normalize_username,
)
from adoption.db import is_unique_violation, select, write, writing
from adoption.errors import DuplicateError, InvalidFieldError, RecordNotFound, TooManyAttempts
from adoption.fields import clean_label
from adoption.schemas import AccountCredential, AccountRead, PasswordLogin, SessionAccount
from adoption.uscc import normalize_uscc
from adoption.vocab import AccountRole

_ACCOUNT_COLUMNS = ("id, role, name, uscc, username, token_hint, password_hash, "
                    "must_change_password, created_at, disabled_at")


def _account(row: dict[str, Any]) -> AccountRead:
    return AccountRead(
        id=row["id"], role=AccountRole(row["role"]), name=row["name"], uscc=row["uscc"],
        username=row["username"], token_hint=row["token_hint"] or "",
        has_password=bool(row["password_hash"]),
        must_change_password=bool(row["must_change_password"]), created_at=row["created_at"],
        disabled_at=row["disabled_at"])


def _owner(role: AccountRole, uscc: str | None) -> str | None:
    """The USCC an account of ``role`` is bound to (validated), or None."""
    if role is AccountRole.ENTERPRISE:
        if not uscc:
            raise InvalidFieldError("uscc", uscc, "an enterprise account needs its USCC")
        return normalize_uscc(uscc)
    if uscc:
        raise InvalidFieldError("uscc", uscc, f"only enterprise accounts have a USCC, not {role}")
    return None


async def _username_taken(username: str) -> bool:
    """Whether an account or a pending registration holds ``username``."""
    rows = await select(
        "SELECT 1 AS taken FROM account WHERE username = ? UNION ALL "
        "SELECT 1 FROM registration WHERE username = ? AND status = 'pending'",
        [username, username])
    return bool(rows)


def username_duplicate(username: str) -> DuplicateError:
    return DuplicateError(f"username: {username!r} 已被使用 is already taken",
                          field="username", value=username)


async def create_account(
    *, role: AccountRole, name: str = "", uscc: str | None = None,
    token_hash: str | None = None, token_hint: str = "", username: str | None = None,
    password_hash: str | None = None, must_change_password: bool = False, now: dt.datetime,
) -> AccountRead:
    """Store an account that signs in with a password (``username`` + ``password_hash``),
    calls the API with a token (``token_hash``), or both.

    Raises:
        InvalidFieldError: an enterprise account without a valid USCC, a USCC given for
            another role, a bad username.
        DuplicateError: the username is taken (by an account or a pending registration).
    """
    owner = _owner(role, uscc)
    login = normalize_username(username) if username is not None else None
    if login is None and token_hash is None:
        raise InvalidFieldError("username", username, "an account needs a username or a token")
    name = clean_label(name or login or (owner or role.value), "name", 200)
    async with writing():
        if login is not None and await _username_taken(login):
            raise username_duplicate(login)
        try:
            rows = await write(
                "INSERT INTO account (role, name, uscc, token_hash, token_hint, created_at, "
                "username, password_hash, must_change_password, password_changed_at) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_ACCOUNT_COLUMNS}",
                [role.value, name, owner, token_hash, token_hint, now, login, password_hash,
                 must_change_password, now if password_hash else None])
        except Exception as exc:
            if login is not None and is_unique_violation(exc):
                raise username_duplicate(login) from exc
            raise
    return _account(rows[0])


async def credential_for(token_hash: str) -> AccountCredential | None:
    """The active account whose token hashes to ``token_hash``."""
    rows = await select(
        "SELECT id, role, name, uscc, token_hash, username FROM account "
        "WHERE token_hash = ? AND disabled_at IS NULL", [token_hash])
    if not rows:
        return None
    row = rows[0]
    return AccountCredential(id=row["id"], role=AccountRole(row["role"]), name=row["name"],
                             uscc=row["uscc"], token_hash=row["token_hash"],
                             username=row["username"])


async def password_login(username: str) -> PasswordLogin | None:
    """The account a username signs in to (disabled ones too: the caller says so), or None.

    ``username`` is compared as stored (lower case); anything that is not a valid username
    is simply nobody.
    """
    try:
        login = normalize_username(username)
    except InvalidFieldError:
        return None
    rows = await select(
        "SELECT id, role, name, uscc, username, password_hash, must_change_password, "
        "disabled_at FROM account WHERE username = ?", [login])
    if not rows:
        return None
    row = rows[0]
    return PasswordLogin(
        id=row["id"], role=AccountRole(row["role"]), name=row["name"], uscc=row["uscc"],
        username=row["username"], password_hash=row["password_hash"],
        must_change_password=bool(row["must_change_password"]),
        disabled=row["disabled_at"] is not None)


async def get_account(account_id: int) -> AccountRead:
    """Raises: RecordNotFound: no account has this id."""
    rows = await select(f"SELECT {_ACCOUNT_COLUMNS} FROM account WHERE id = ?", [account_id])
    if not rows:
        raise RecordNotFound(f"no account with id {account_id}")
    return _account(rows[0])


async def find_account(key: str) -> AccountRead:
    """An account by username, or by id given as digits.

    Raises:
        RecordNotFound: nobody has that username or id.
    """
    if key.isdigit() and len(key) < 10:
        return await get_account(int(key))
    rows = await select(f"SELECT {_ACCOUNT_COLUMNS} FROM account WHERE username = ?",
                        [key.strip().lower()])
    if not rows:
        raise RecordNotFound(f"no account with username {key!r}")
    return _account(rows[0])


async def list_accounts(role: AccountRole | None = None) -> list[AccountRead]:
    where, args = ("WHERE role = ?", [role.value]) if role else ("", [])
    rows = await select(f"SELECT {_ACCOUNT_COLUMNS} FROM account {where} ORDER BY id", args)
    return [_account(row) for row in rows]


async def disable_account(account_id: int, now: dt.datetime) -> AccountRead:
    """Disable an account: its token stops working and its sessions end at once; disabling
    twice changes nothing.

    Raises:
        RecordNotFound: no account has this id.
    """
    async with writing():
        await write("UPDATE account SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                    [now, account_id])
        await write("DELETE FROM account_session WHERE account = ?", [account_id])
        rows = await select(f"SELECT {_ACCOUNT_COLUMNS} FROM account WHERE id = ?",
                            [account_id])
    if not rows:
        raise RecordNotFound(f"no account with id {account_id}")
    return _account(rows[0])


async def set_password(
    account_id: int, password_hash: str, *, must_change: bool, now: dt.datetime,
    keep_session: int | None = None,
) -> AccountRead:
    """Replace an account's password and end its sessions (all but ``keep_session``, the
    session of a person changing their own password).

    Raises:
        RecordNotFound: no account has this id.
        InvalidFieldError: the account has no username to sign in with.
    """
    async with writing():
        rows = await select("SELECT username FROM account WHERE id = ?", [account_id])
        if not rows:
            raise RecordNotFound(f"no account with id {account_id}")
        if not rows[0]["username"]:
            raise InvalidFieldError("username", None, "this account signs in with a token only; "
                                    "give it a username first")
        await write("UPDATE account SET password_hash = ?, must_change_password = ?, "
                    "password_changed_at = ? WHERE id = ?",
                    [password_hash, must_change, now, account_id])
        await write("DELETE FROM account_session WHERE account = ? AND id <> ?",
                    [account_id, keep_session if keep_session is not None else -1])
        saved = await select(f"SELECT {_ACCOUNT_COLUMNS} FROM account WHERE id = ?",
                             [account_id])
    return _account(saved[0])


async def rehash_password(account_id: int, old_hash: str, new_hash: str) -> None:
    """Store a stronger hash of the same password (only if it was not changed meanwhile)."""
    async with writing():
        await write("UPDATE account SET password_hash = ? WHERE id = ? AND password_hash = ?",
                    [new_hash, account_id, old_hash])


# ------------------------------------------------------------------------------------------
# Sessions
# ------------------------------------------------------------------------------------------


async def start_session(
    account_id: int, *, id_hash: str, csrf_token: str, via: str, now: dt.datetime,
    expires_at: dt.datetime,
) -> int:
    """Store a new session (and drop everybody's expired ones); returns its row id."""
    async with writing():
        await write("DELETE FROM account_session WHERE expires_at <= ? OR last_seen_at <= ?",
                    [now, now - SESSION_IDLE])
        rows = await write(
            "INSERT INTO account_session (account, id_hash, csrf_token, via, created_at, "
            "last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [account_id, id_hash, csrf_token, via, now, now, expires_at])
    return int(rows[0]["id"])


async def session_account(id_hash: str, now: dt.datetime) -> SessionAccount | None:
    """The live session with this id hash and its active account, or None when there is
    none, it expired (absolute or idle), or its account is disabled. Records the request as
    the session's last one when the previous record is older than ``SESSION_TOUCH``."""
    rows = await select(
        "SELECT s.id AS session_id, s.csrf_token, s.via, s.last_seen_at, s.expires_at, "
        "a.id AS account_id, a.role, a.name, a.uscc, a.username, a.must_change_password "
        "FROM account_session s JOIN account a ON a.id = s.account "
        "WHERE s.id_hash = ? AND a.disabled_at IS NULL", [id_hash])
    if not rows:
        return None
    row = rows[0]
    if row["expires_at"] <= now or row["last_seen_at"] + SESSION_IDLE <= now:
        return None
    if row["last_seen_at"] + SESSION_TOUCH <= now:
        async with writing():
            await write("UPDATE account_session SET last_seen_at = ? WHERE id = ?",
                        [now, row["session_id"]])
    return SessionAccount(
        session_id=row["session_id"], csrf_token=row["csrf_token"], via=row["via"],
        account_id=row["account_id"], role=AccountRole(row["role"]), name=row["name"],
        uscc=row["uscc"], username=row["username"],
        must_change_password=bool(row["must_change_password"]))


async def end_session(id_hash: str) -> None:
    """End one session (sign-out): it stops working on every app host at once."""
    async with writing():
        await write("DELETE FROM account_session WHERE id_hash = ?", [id_hash])


async def end_sessions(account_id: int) -> int:
    """End every session of an account ("sign out everywhere"); returns how many ended."""
    async with writing():
        rows = await write("DELETE FROM account_session WHERE account = ? RETURNING id",
                           [account_id])
    return len(rows)


async def count_sessions(account_id: int, now: dt.datetime) -> int:
    """How many live sessions an account has (what "sign out everywhere" would end)."""
    rows = await select(
        "SELECT COUNT(*) AS n FROM account_session WHERE account = ? AND expires_at > ? "
        "AND last_seen_at > ?", [account_id, now, now - SESSION_IDLE])
    return int(rows[0]["n"])


# ------------------------------------------------------------------------------------------
# The failed sign-in throttle
# ------------------------------------------------------------------------------------------


async def check_throttle(keys: list[str], now: dt.datetime) -> None:
    """Refuse a sign-in while any of ``keys`` ("username:…", "address:…") is locked.

    Raises:
        TooManyAttempts: with the time the latest lock ends.
    """
    rows = await select(
        f"SELECT locked_until FROM sign_in_throttle WHERE key IN "
        f"({', '.join('?' for _ in keys)}) AND locked_until > ?", [*keys, now])
    if rows:
        raise TooManyAttempts(max(row["locked_until"] for row in rows), now)


async def record_failure(keys: list[str], now: dt.datetime) -> dt.datetime | None:
    """Count a failed sign-in against each key; the fifth within the window locks the key.

    One upsert per key, atomic on both engines, so that concurrent app hosts count every
    failure. Returns when the lock this failure set ends, if it set one.
    """
    window_start = now - THROTTLE_WINDOW
    locked: dt.datetime | None = None
    async with writing():
        for key in keys:
            counted = await rate_limits_repository.bump(key, now, window_start)
            if int(counted["failures"]) >= THROTTLE_FAILURES:
                locked = now + THROTTLE_LOCK
                await write("UPDATE sign_in_throttle SET failures = 0, window_started_at = ?, "
                            "locked_until = ? WHERE key = ?", [now, locked, key])
    return locked


async def clear_failures(key: str, now: dt.datetime) -> None:
    """Forget the failures of a key (a username after its owner signed in); a lock in force
    stays."""
    async with writing():
        await write("DELETE FROM sign_in_throttle WHERE key = ? AND (locked_until IS NULL "
                    "OR locked_until <= ?)", [key, now])
