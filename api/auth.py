"""Who is calling, and may they: bearer tokens, browser sessions, and the role rule every
route states.

Every route handler declares ``opt={"roles": ...}`` — ``"public"`` or a set of roles. One
app-level guard (:func:`role_guard`) enforces it and fails closed: a route that states no role
answers 403. It also puts the caller's :class:`Identity` (or None) in
``request.scope["state"]["identity"]`` on every route, public ones included, and refuses an
unsafe request resting on a session cookie without its CSRF token (``api/sessions.py``).

Two ways in, for every role: an API token (``Authorization: Bearer stk_…``; shown once when
issued, stored only as its SHA-256, looked up by that hash and compared in constant time),
or a browser session opened by signing in with a username and password (or a token) on
``/sign-in`` or ``POST /api/session``. A bearer token wins when a request has both.

Public routes may relax the CSRF check with ``opt["csrf"]``: ``False`` for JSON-only routes
(they must call ``api.sessions.require_json``), ``"if-signed-in"`` where a request without a
session has nothing to protect (signing out).

A person signed in with a temporary password (invited, or reset by staff) may only change it:
any other route that needs an account answers :class:`PasswordChangeRequired` (403; pages
send the browser to ``/account/password``) unless the handler says
``opt={"while_password_temporary": True}``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from adoption import accounts_repository
from adoption.schemas import AccountRead
from adoption.vocab import AccountRole
from api.errors import AuthError, ForbiddenError
from api.sessions import check_csrf, session_of


class Role(StrEnum):
    PUBLIC = "public"
    ENTERPRISE = "enterprise"
    STAFF = "staff"
    LEADER = "leader"


PUBLIC = {"roles": Role.PUBLIC}
STAFF_ONLY = {"roles": frozenset({Role.STAFF})}


class Via(StrEnum):
    """How a request proved who it is."""

    TOKEN = "token"  # Authorization: Bearer
    SESSION = "session"  # the browser's session cookie


@dataclass(frozen=True, slots=True)
class Identity:
    """The caller of a request, as the role guard found it."""

    role: Role
    name: str
    uscc: str | None = None
    account_id: int | None = None
    username: str | None = None
    via: Via = Via.TOKEN
    session_id: int | None = None
    csrf_token: str | None = None  # the session's synchronizer token (sessions only)
    must_change_password: bool = False


class PasswordChangeRequired(ForbiddenError):
    """A session opened with a temporary password asks for anything but replacing it."""

    title = "Password change required"


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


def new_token() -> str:
    """A new API token: ``stk_`` and 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


async def create_account(
    role: AccountRole, *, uscc: str | None = None, name: str = ""
) -> tuple[AccountRead, str]:
    """Create a token-only account and its token; the token is returned once, never stored.

    Raises:
        adoption.errors.InvalidFieldError: an enterprise role without a valid USCC.
    """
    token = new_token()
    account = await accounts_repository.create_account(
        role=role, name=name, uscc=uscc, token_hash=hash_token(token),
        token_hint=token[: len(TOKEN_PREFIX) + 4], now=dt.datetime.now(dt.UTC))
    return account, token


async def identity_for_token(token: str) -> Identity | None:
    """The identity of an active account's API token, or None."""
    digest = hash_token(token)
    credential = await accounts_repository.credential_for(digest)
    if credential is None or not hmac.compare_digest(credential.token_hash, digest):
        return None
    return Identity(role=Role(credential.role.value), name=credential.name,
                    uscc=credential.uscc, account_id=credential.id,
                    username=credential.username)


async def session_identity(connection: ASGIConnection) -> Identity | None:
    """The identity of the request's session cookie, or None."""
    session = await session_of(connection)
    if session is None:
        return None
    return Identity(role=Role(session.role.value), name=session.name, uscc=session.uscc,
                    account_id=session.account_id, username=session.username,
                    via=Via.SESSION, session_id=session.session_id,
                    csrf_token=session.csrf_token,
                    must_change_password=session.must_change_password)


async def identify(connection: ASGIConnection) -> Identity | None:
    """The identity behind the request's bearer token — or, without one, its session cookie —
    or None when there is neither.

    Raises:
        AuthError: a token was given but belongs to no active account.
    """
    token = bearer_token(connection)
    if token is None:
        return await session_identity(connection)
    identity = await identity_for_token(token)
    if identity is None:
        raise AuthError("the bearer token is not valid")
    return identity


def identity_in(connection: ASGIConnection) -> Identity | None:
    """The identity the role guard found for this request (None: nobody signed in)."""
    identity: Identity | None = connection.scope.get("state", {}).get("identity")
    return identity


async def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Let the request through only when its identity has one of the handler's roles, and its
    CSRF token matches when it is an unsafe request resting on a cookie."""
    roles = handler.opt.get("roles")
    if roles is None:
        raise ForbiddenError(f"route {connection.url.path} states no role; access denied")
    bearer = bearer_token(connection) is not None
    state = connection.scope.setdefault("state", {})
    if roles == Role.PUBLIC:
        try:
            identity = await identify(connection)
        except AuthError:  # a public route ignores a bad token, as if none were given
            identity, bearer = None, False
        if identity is not None and identity.must_change_password and not handler.opt.get(
                "while_password_temporary"):
            identity = None  # half signed in: public pages see nobody until it is replaced
        state["identity"] = identity
    else:
        identity = await identify(connection)
        state["identity"] = identity  # also for the page that says why it is refused
        if identity is None:
            raise AuthError("this route needs a bearer token (Authorization: Bearer <token>) "
                            "or a signed-in session")
        if identity.role not in roles:
            raise ForbiddenError(
                f"role {identity.role.value!r} may not use {connection.scope.get('method', '')} "
                f"{connection.url.path}")
        if identity.must_change_password and not handler.opt.get("while_password_temporary"):
            raise PasswordChangeRequired(
                "this account signed in with a temporary password: change it first "
                "(/account/password or POST /api/accounts/me/password)")
    session = identity is not None and identity.via is Via.SESSION
    csrf = handler.opt.get("csrf", True) if roles == Role.PUBLIC else True
    if csrf == "if-signed-in" and not session:
        return  # e.g. signing out without a session: there is nothing to protect
    await check_csrf(connection, identity.csrf_token if identity and session else None,
                     bearer=bearer, exempt=csrf is False)
