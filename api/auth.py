"""Who is calling, and may they: bearer tokens and the role rule every route states.

Every route handler declares ``opt={"roles": ...}`` — ``"public"`` or a set of roles. One
app-level guard enforces it and fails closed: a route that states no role answers 403.
Tokens belong to accounts (staff, leader, or an enterprise bound to its USCC): shown once when
issued, stored only as their SHA-256, looked up by that hash and compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from adoption import repository as accounts
from adoption.schemas import AccountRead
from adoption.vocab import AccountRole
from api.errors import AuthError, ForbiddenError


class Role(StrEnum):
    PUBLIC = "public"
    ENTERPRISE = "enterprise"
    STAFF = "staff"
    LEADER = "leader"


PUBLIC = {"roles": Role.PUBLIC}
STAFF_ONLY = {"roles": frozenset({Role.STAFF})}


@dataclass(frozen=True, slots=True)
class Identity:
    role: Role
    name: str
    uscc: str | None = None
    account_id: int | None = None


def bearer_token(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


TOKEN_PREFIX = "stk_"


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256 hex (tokens are 256-bit random, so no salt)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_account(
    role: AccountRole, *, uscc: str | None = None, name: str = ""
) -> tuple[AccountRead, str]:
    """Create an account and its token; the token is returned once and never stored.

    Raises:
        adoption.errors.InvalidFieldError: an enterprise role without a valid USCC.
    """
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    account = await accounts.create_account(
        role=role, name=name, uscc=uscc, token_hash=hash_token(token),
        token_hint=token[: len(TOKEN_PREFIX) + 4], now=dt.datetime.now(dt.UTC))
    return account, token


# ---- browser sessions (the dashboard) -------------------------------------------------------
# A signed cookie, not a server-side table: ``<token hash>.<expiry>.<HMAC-SHA256>`` keyed by a
# secret kept in $STDTRACK_HOME. It never holds the token; each request still looks the
# account up by the hash, so a disabled account loses its sessions at once. Cookies are
# accepted for reading only (GET/HEAD), so a forged cross-site form can change nothing.

SESSION_COOKIE = "stdtrack_session"
SESSION_SECONDS = 12 * 3600
SESSION_SECRET_FILE = "session-secret"
SAFE_METHODS = frozenset({"GET", "HEAD"})


_SECRETS: dict[Path, bytes] = {}


def session_secret(home: Path) -> bytes:
    """The key that signs session cookies, created (mode 0600) on first use."""
    path = home / SESSION_SECRET_FILE
    if path in _SECRETS:
        return _SECRETS[path]
    try:
        _SECRETS[path] = path.read_bytes()
        return _SECRETS[path]
    except FileNotFoundError:
        pass
    home.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()  # another process wrote it first
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
    _SECRETS[path] = secret
    return secret


def _session_mac(secret: bytes, token_hash: str, expires: int) -> str:
    return hmac.new(secret, f"{token_hash}.{expires}".encode(), hashlib.sha256).hexdigest()


def session_cookie_value(secret: bytes, token_hash: str, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + SESSION_SECONDS)
    return f"{token_hash}.{expires}.{_session_mac(secret, token_hash, expires)}"


# <sha256 hex>.<unix seconds>.<hmac-sha256 hex>, ASCII only: "²".isdigit() is True, and
# hmac.compare_digest refuses non-ASCII text, so a loose split would let garbage raise.
_SESSION_VALUE = re.compile(r"([0-9a-f]{64})\.([0-9]{1,12})\.([0-9a-f]{64})")


def session_token_hash(secret: bytes, value: str, now: float | None = None) -> str | None:
    """The token hash a session cookie carries, or None when it is forged, damaged or old
    (any garbage means "not signed in", never an error)."""
    match = _SESSION_VALUE.fullmatch(value)
    if match is None:
        return None
    token_hash, expires_text, mac = match.groups()
    expires = int(expires_text)
    if not hmac.compare_digest(_session_mac(secret, token_hash, expires), mac):
        return None
    if expires < (now if now is not None else time.time()):
        return None
    return token_hash


def _settings_home(connection: ASGIConnection) -> Path | None:
    settings = connection.app.state.get("settings")
    return getattr(settings, "home", None)


async def identity_for_hash(digest: str) -> Identity | None:
    credential = await accounts.credential_for(digest)
    if credential is None or not hmac.compare_digest(credential.token_hash, digest):
        return None
    return Identity(role=Role(credential.role.value), name=credential.name,
                    uscc=credential.uscc, account_id=credential.id)


async def session_identity(connection: ASGIConnection) -> Identity | None:
    """The identity of the request's session cookie (reading requests only), else None."""
    value = connection.cookies.get(SESSION_COOKIE)
    home = _settings_home(connection)
    if not value or home is None or connection.scope.get("method", "GET") not in SAFE_METHODS:
        return None
    digest = session_token_hash(session_secret(home), value)
    return await identity_for_hash(digest) if digest else None


async def identify(connection: ASGIConnection) -> Identity | None:
    """The identity behind the request's bearer token — or, for GET and HEAD without one, its
    dashboard session cookie — or None when there is neither.

    Raises:
        AuthError: a token was given but belongs to no active account.
    """
    token = bearer_token(connection)
    if token is None:
        return await session_identity(connection)
    identity = await identity_for_hash(hash_token(token))
    if identity is None:
        raise AuthError("the bearer token is not valid")
    return identity


async def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Let the request through only when its identity has one of the handler's roles."""
    roles = handler.opt.get("roles")
    if roles is None:
        raise ForbiddenError(f"route {connection.url.path} states no role; access denied")
    if roles == Role.PUBLIC:
        return
    identity = await identify(connection)
    if identity is None:
        raise AuthError("this route needs a bearer token (Authorization: Bearer <token>)")
    if identity.role not in roles:
        raise ForbiddenError(
            f"role {identity.role.value!r} may not use {connection.scope.get('method', '')} "
            f"{connection.url.path}")
    connection.scope["state"]["identity"] = identity
