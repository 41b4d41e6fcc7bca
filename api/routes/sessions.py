"""Signing in over the API: ``POST /api/session`` opens a browser session (the cookie) for a
username and password or a token, answering the CSRF token the session's unsafe requests must
send as ``X-CSRF-Token``; ``GET`` shows it, ``DELETE`` signs out. Throttled like the page
(429 after 5 failures in 15 minutes, per username and per address). Scripts that only call the
API need none of this: they send ``Authorization: Bearer <token>``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import JSONBody
from pydantic import BaseModel, Field

from adoption import accounts_repository
from api.auth import Identity, Role, Via, identity_in
from api.errors import AuthError, ForbiddenError, InputError
from api.openapi import problems
from api.routes.access import ANY_ACCOUNT
from api.sessions import clear_session_cookie, end_session, require_json, start_session
from api.sign_in import Outcome, client_address, with_password, with_token


class SessionCreate(BaseModel):
    """Either ``username`` and ``password``, or ``token``."""

    username: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, max_length=1000)
    token: str | None = Field(default=None, max_length=200)


class SessionRead(BaseModel):
    role: str
    name: str
    uscc: str | None
    username: str | None
    account_id: int | None
    csrf_token: str | None = Field(
        description="send it as X-CSRF-Token with every unsafe request of this session")
    must_change_password: bool = Field(
        description="signed in with a temporary password: only POST /api/accounts/me/password "
                    "is open until it is replaced")


def _read(identity: Identity, csrf: str | None) -> SessionRead:
    return SessionRead(role=identity.role.value, name=identity.name, uscc=identity.uscc,
                       username=identity.username, account_id=identity.account_id,
                       csrf_token=csrf, must_change_password=identity.must_change_password)


class SessionController(Controller):
    path = "/api/session"
    tags = ["sessions"]

    @post("/", summary="Sign in: open a browser session (public, JSON only, throttled)",
          status_code=200, opt={"roles": Role.PUBLIC, "csrf": False},
          responses=problems(401, 403, 415, 429))
    async def sign_in(self, request: Request[Any, Any, Any], data: JSONBody[SessionCreate]
                      ) -> Response[SessionRead]:
        require_json(request)
        address = client_address(request)
        if data.token:
            result = await with_token(data.token.strip(), address)
        elif data.username and data.password is not None:
            result = await with_password(data.username, data.password, address)
        else:
            raise InputError("give username and password, or token")
        if result.outcome is Outcome.PENDING:
            raise ForbiddenError("the enterprise registration is awaiting approval",
                                 registration="pending")
        if result.outcome is Outcome.REJECTED:
            raise ForbiddenError(f"the enterprise registration was rejected: {result.reason}",
                                 registration="rejected", reason=result.reason)
        if result.outcome is Outcome.DISABLED:
            raise ForbiddenError("this account is disabled")
        if result.identity is None:
            raise AuthError("wrong username or password" if not data.token
                            else "the token is not valid")
        response: Response[SessionRead] = Response(_read(result.identity, None))
        csrf = await start_session(request, response, result.identity.account_id or 0,
                                   via="token" if data.token else "password")
        response.content = _read(result.identity, csrf)
        return response

    @get("/", summary="The signed-in session and its CSRF token", opt={
        **ANY_ACCOUNT, "while_password_temporary": True})
    async def current(self, request: Request[Any, Any, Any]) -> SessionRead:
        identity = identity_in(request)
        assert identity is not None
        return _read(identity, identity.csrf_token if identity.via is Via.SESSION else None)

    @delete("/", summary="Sign out: end this session on every app host", opt={
        **ANY_ACCOUNT, "while_password_temporary": True}, status_code=204)
    async def sign_out(self, request: Request[Any, Any, Any]) -> Response[None]:
        await end_session(request)
        response: Response[None] = Response(None, status_code=204)
        clear_session_cookie(response)
        return response

    @delete("/all", summary="Sign out everywhere: end every session of this account",
            opt={**ANY_ACCOUNT, "while_password_temporary": True}, status_code=204)
    async def sign_out_everywhere(self, request: Request[Any, Any, Any]) -> Response[None]:
        identity = identity_in(request)
        assert identity is not None
        await accounts_repository.end_sessions(identity.account_id or 0)
        response: Response[None] = Response(None, status_code=204)
        clear_session_cookie(response)
        return response
