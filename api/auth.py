"""Who is calling, and may they: bearer tokens and the role rule every route states.

Every route handler declares ``opt={"roles": ...}`` — ``"public"`` or a set of roles. One
app-level guard enforces it and fails closed: a route that states no role answers 403.
Until accounts exist, the only identity is the staff token from settings
(``STDTRACK_STAFF_TOKEN``), compared in constant time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import StrEnum

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.errors import AuthError, ForbiddenError
from standards.settings import Settings


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


def bearer_token(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def identify(connection: ASGIConnection) -> Identity | None:
    """The identity behind the request's bearer token, or None when there is no token.

    Raises:
        AuthError: a token was given but is not valid.
    """
    token = bearer_token(connection)
    if token is None:
        return None
    settings: Settings = connection.app.state.settings
    if settings.staff_token and hmac.compare_digest(
        token.encode("utf-8"), settings.staff_token.encode("utf-8")
    ):
        return Identity(role=Role.STAFF, name="staff-token")
    raise AuthError("the bearer token is not valid")


async def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Let the request through only when its identity has one of the handler's roles."""
    roles = handler.opt.get("roles")
    if roles is None:
        raise ForbiddenError(f"route {connection.url.path} states no role; access denied")
    if roles == Role.PUBLIC:
        return
    identity = identify(connection)
    if identity is None:
        raise AuthError("this route needs a bearer token (Authorization: Bearer <token>)")
    if identity.role not in roles:
        raise ForbiddenError(
            f"role {identity.role.value!r} may not use {connection.scope.get('method', '')} "
            f"{connection.url.path}")
    connection.scope["state"]["identity"] = identity
