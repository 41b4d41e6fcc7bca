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
import secrets
from dataclasses import dataclass
from enum import StrEnum

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


async def identify(connection: ASGIConnection) -> Identity | None:
    """The identity behind the request's bearer token, or None when there is no token.

    Raises:
        AuthError: a token was given but belongs to no active account.
    """
    token = bearer_token(connection)
    if token is None:
        return None
    digest = hash_token(token)
    credential = await accounts.credential_for(digest)
    if credential is None or not hmac.compare_digest(credential.token_hash, digest):
        raise AuthError("the bearer token is not valid")
    return Identity(role=Role(credential.role.value), name=credential.name,
                    uscc=credential.uscc, account_id=credential.id)


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
