"""Browser sessions and CSRF: server-side sessions any number of app hosts share.

- The ``stdtrack_session`` cookie holds only a random 256-bit id; the database keeps its
  SHA-256 (``account_session``), so a copy of the table opens no session. HttpOnly,
  SameSite=Lax, Path=/, Secure when the request came over https; it ends at sign-out (on
  every host at once: the row is gone), after 2 h idle or 12 h in all
  (``adoption.accounts.SESSION_IDLE`` / ``SESSION_LIFETIME``), and when the account is
  disabled or its password reset. A cookie that is not exactly such an id is nobody, never an
  error.
- Every unsafe request (POST, PUT, PATCH, DELETE) that rests on a cookie must carry a CSRF
  token: the form field ``csrf_token`` or the header ``X-CSRF-Token``. Signed in, it is the
  session's synchronizer token (kept in its row, rotated with the session at sign-in).
  Not signed in (the sign-in and registration forms), it is the pre-session token: a random
  value in the ``stdtrack_presession`` cookie that the form must echo, so that another site
  cannot sign a browser in to the attacker's account (login CSRF). Requests with a bearer
  token need none (a browser never adds that header by itself); JSON-only public routes say
  ``opt={"csrf": False}`` and refuse other media types.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile

from adoption import accounts_repository
from adoption.accounts import SESSION_LIFETIME
from adoption.schemas import SessionAccount
from api.errors import ForbiddenError, UnsupportedMediaType

SESSION_COOKIE = "stdtrack_session"
PRESESSION_COOKIE = "stdtrack_presession"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_RANDOM_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_NEW_PRESESSION = "stdtrack_new_presession"


class CsrfError(ForbiddenError):
    """An unsafe request resting on a cookie without the matching CSRF token."""

    title = "CSRF token missing or wrong"


def new_secret() -> str:
    """A random 256-bit value, URL-safe (session ids, CSRF tokens, pre-session tokens)."""
    return secrets.token_urlsafe(32)


def hash_session_id(value: str | None) -> str | None:
    """The stored form of a session id, or None when ``value`` cannot be one."""
    if not value or not _RANDOM_ID.fullmatch(value):
        return None
    return hashlib.sha256(value.encode("ascii")).hexdigest()


def cookie_options(connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
    """HttpOnly, SameSite=Lax, Path=/, and Secure when the request came over https."""
    return {"path": "/", "httponly": True, "samesite": "lax",
            "secure": connection.url.scheme == "https"}


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def start_session(request: Request[Any, Any, Any], response: Response[Any],
                        account_id: int, *, via: str) -> str:
    """Open a session for ``account_id``, set its cookie on ``response``; returns the new
    session's CSRF token. Any session the browser had is ended first (no fixation)."""
    await end_session(request)
    session_id, csrf = new_secret(), new_secret()
    now = now_utc()
    digest = hash_session_id(session_id)
    assert digest is not None  # a fresh id always has the shape
    await accounts_repository.start_session(
        account_id, id_hash=digest, csrf_token=csrf, via=via, now=now,
        expires_at=now + SESSION_LIFETIME)
    response.set_cookie(SESSION_COOKIE, session_id,
                        max_age=int(SESSION_LIFETIME.total_seconds()),
                        **cookie_options(request))
    return csrf


async def end_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """End the session of the request's cookie, if any (on every host: the row is deleted)."""
    digest = hash_session_id(connection.cookies.get(SESSION_COOKIE))
    if digest is not None:
        await accounts_repository.end_session(digest)


def clear_session_cookie(response: Response[Any]) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


async def session_of(connection: ASGIConnection[Any, Any, Any, Any]
                     ) -> SessionAccount | None:
    """The live session behind the request's cookie, or None (no cookie, garbage, expired,
    signed out, account disabled)."""
    digest = hash_session_id(connection.cookies.get(SESSION_COOKIE))
    if digest is None:
        return None
    return await accounts_repository.session_account(digest, now_utc())


# ---- CSRF -----------------------------------------------------------------------------------


def presession_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The pre-session token of a browser that is not signed in: its cookie's value, or a new
    one that :func:`remember_presession` will set on the response."""
    state = connection.scope.setdefault("state", {})
    if state.get(_NEW_PRESESSION):
        return str(state[_NEW_PRESESSION])
    current = connection.cookies.get(PRESESSION_COOKIE)
    if current and _RANDOM_ID.fullmatch(current):
        return current
    state[_NEW_PRESESSION] = new_secret()
    return str(state[_NEW_PRESESSION])


def remember_presession(connection: ASGIConnection[Any, Any, Any, Any],
                        response: Response[Any]) -> None:
    """Set the pre-session cookie when this request made a new pre-session token."""
    fresh = connection.scope.get("state", {}).get(_NEW_PRESESSION)
    if fresh:
        response.set_cookie(PRESESSION_COOKIE, fresh, **cookie_options(connection))


async def presented_csrf(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The CSRF token the request carries: its header, else its form field."""
    header = connection.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = connection.headers.get("content-type", "")
    if isinstance(connection, Request) and content_type.startswith(_FORM_TYPES):
        form = await connection.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def check_csrf(connection: ASGIConnection[Any, Any, Any, Any],
                     session_csrf: str | None, *, bearer: bool, exempt: bool = False) -> None:
    """Refuse an unsafe request resting on a cookie that lacks its CSRF token.

    Args:
        session_csrf: the token of the request's session, None when it has none.
        bearer: the request authenticated with a bearer token (needs no CSRF token).
        exempt: a public JSON-only route (``opt={"csrf": False}``).

    Raises:
        CsrfError: 403, the form or header token is missing or does not match.
    """
    method = connection.scope.get("method", "GET")
    if method in SAFE_METHODS or bearer or exempt:
        return
    expected = session_csrf
    if expected is None:
        current = connection.cookies.get(PRESESSION_COOKIE) or ""
        expected = current if _RANDOM_ID.fullmatch(current) else None
    presented = await presented_csrf(connection)
    if expected is None or not presented or not hmac.compare_digest(
            presented.encode("utf-8", "replace"), expected.encode("ascii")):
        await _close_uploads(connection)
        raise CsrfError("this form has expired or did not come from this site: reload the page "
                        "and submit it again (CSRF token missing or wrong)")


async def _close_uploads(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Close the files a refused multipart form spooled (no handler will)."""
    if not isinstance(connection, Request) or not connection.headers.get(
            "content-type", "").startswith("multipart/form-data"):
        return
    form = await connection.form()
    for _key, value in form.multi_items():
        if isinstance(value, UploadFile):
            await value.close()


def require_json(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """A CSRF-exempt public route takes JSON only: a cross-site form cannot send
    ``application/json`` without the browser asking this site first (CORS preflight).

    Raises:
        UnsupportedMediaType: 415 for any other body type.
    """
    media = connection.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise UnsupportedMediaType(
            f"send this as application/json, not {media or 'a body without a type'}")
