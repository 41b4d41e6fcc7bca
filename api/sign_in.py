"""Checking who signs in, the same for the page and the API: a username and password (or an
API token), throttled per username and per client address through the database, so that
every app host counts the same failures.

After ``THROTTLE_FAILURES`` (5) failures of a username, or from an address, within 15 minutes,
that username or address is refused for 15 minutes (:class:`adoption.errors.TooManyAttempts`,
HTTP 429 with ``Retry-After``) before its password is even looked at. A wrong username costs
the same argon2 work as a wrong password. An applicant whose registration is pending or was
rejected is told so once the password matches what they registered with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from anyio import to_thread
from litestar.connection import ASGIConnection

from adoption import accounts_repository, registrations_repository
from adoption.accounts import hash_password, needs_rehash, verify_password
from adoption.vocab import RegistrationStatus
from api.auth import Identity, Role, identity_for_token


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    INVALID = "invalid"  # unknown username, wrong password, token of nobody
    DISABLED = "disabled"  # right password, account disabled
    PENDING = "pending"  # right password, registration awaiting approval
    REJECTED = "rejected"  # right password, registration rejected (reason given)


@dataclass(frozen=True, slots=True)
class SignInResult:
    outcome: Outcome
    identity: Identity | None = None
    reason: str = ""  # why a registration was rejected
    must_change_password: bool = False


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The address failures are counted against (the proxy's client when uvicorn is told to
    trust its forwarded headers)."""
    client = connection.client
    return client.host if client and client.host else "unknown"


def _keys(username: str | None, address: str) -> list[str]:
    keys = [f"address:{address}"[:200]]
    if username is not None:
        keys.insert(0, f"username:{username.strip().lower()}"[:200])
    return keys


async def with_password(username: str, password: str, address: str) -> SignInResult:
    """Check a username and password.

    Raises:
        TooManyAttempts: the username or the address is locked.
    """
    now = dt.datetime.now(dt.UTC)
    keys = _keys(username, address)
    await accounts_repository.check_throttle(keys, now)
    login = await accounts_repository.password_login(username)
    stored = login.password_hash if login else None
    matches = await to_thread.run_sync(verify_password, stored, password)
    if login is None or not matches:
        undecided = (await registrations_repository.undecided_login(username)
                     if login is None else None)
        if undecided is not None and await to_thread.run_sync(
                verify_password, undecided.password_hash, password):
            if undecided.status is RegistrationStatus.PENDING:
                return SignInResult(Outcome.PENDING)
            return SignInResult(Outcome.REJECTED, reason=undecided.reason)
        await accounts_repository.record_failure(keys, now)
        return SignInResult(Outcome.INVALID)
    if login.disabled:
        return SignInResult(Outcome.DISABLED)
    await accounts_repository.clear_failures(keys[0], now)
    if stored and needs_rehash(stored):
        fresh = await to_thread.run_sync(hash_password, password)
        await accounts_repository.rehash_password(login.id, stored, fresh)
    identity = Identity(role=Role(login.role.value), name=login.name, uscc=login.uscc,
                        account_id=login.id, username=login.username,
                        must_change_password=login.must_change_password)
    return SignInResult(Outcome.SIGNED_IN, identity=identity,
                        must_change_password=login.must_change_password)


async def with_token(token: str, address: str) -> SignInResult:
    """Check an API token (for integrations that open a browser session with it).

    Raises:
        TooManyAttempts: the address is locked.
    """
    now = dt.datetime.now(dt.UTC)
    keys = _keys(None, address)
    await accounts_repository.check_throttle(keys, now)
    identity = await identity_for_token(token) if token else None
    if identity is None:
        await accounts_repository.record_failure(keys, now)
        return SignInResult(Outcome.INVALID)
    return SignInResult(Outcome.SIGNED_IN, identity=identity)


async def check_current_password(identity: Identity, password: str, address: str) -> bool:
    """Whether ``password`` is the signed-in account's own (before it is replaced); a wrong
    one counts as a failed sign-in of that username.

    Raises:
        TooManyAttempts: the username or the address is locked.
    """
    username = identity.username or ""
    now = dt.datetime.now(dt.UTC)
    keys = _keys(username, address)
    await accounts_repository.check_throttle(keys, now)
    login = await accounts_repository.password_login(username)
    stored = login.password_hash if login and login.id == identity.account_id else None
    if await to_thread.run_sync(verify_password, stored, password):
        return True
    await accounts_repository.record_failure(keys, now)
    return False
