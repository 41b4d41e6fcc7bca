"""Maps every package's errors to HTTP: RFC 9457 problem details, never a stack trace.

HTTP status per error (the only place that decides it):
    CodeError, InputError            -> 400 (WebhookRefused: a webhook URL to a private address)
    AuthError                        -> 401
    ForbiddenError                   -> 403
    NotFoundError                    -> 404
    ConflictError, DuplicateError, StateError
                                     -> 409 (ConfirmationRequired: a declaration to confirm)
    TooManyAttempts                  -> 429 (with Retry-After: failed sign-ins, api/sign_in.py;
                                        RateLimited: public 查新 per address)
    TooManyAttempts                  -> 429 (with Retry-After: failed sign-ins, api/sign_in.py)
    TooMuchFeedback                  -> 429 (the feedback form's rate limit)
    ValidationFailed, InvalidFieldError
                                     -> 422 (a field breaks its rule: USCC, region; names both)
    PayloadTooLarge                  -> 413
    UnsupportedMediaType             -> 415
    ValidationException (litestar)   -> 400
    DatabaseError                    -> 503
    anything else                    -> 500 (logged, message generic)

Safety nets, for input no route checked (every route should bound its values itself, see
api/params.py; these keep a missed one at 400 rather than 500):
    OverflowError (a number or date too large for Python or the SQLite driver),
    asyncpg DataError (a value the PostgreSQL driver or server refuses: out of int64 range,
    a NUL character in text...),
    UnicodeError (request text that is not UTF-8: a form field, a lone surrogate)
                                     -> 400 (logged as a warning: the route should say why)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from adoption.errors import (
    DuplicateError,
    InvalidFieldError,
    RateLimited,
    StateError,
    TooManyAttempts,
    TooMuchFeedback,
    shown_text,
)
from standards.errors import (
    AlreadyResolved,
    CodeError,
    CurationError,
    DatabaseError,
    NotFoundError,
)

log = logging.getLogger("stdtrack.api")

PROBLEM_JSON = "application/problem+json"


class ApiError(Exception):
    """An error raised by a route with its HTTP status."""

    status_code = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InputError(ApiError):
    status_code = 400
    title = "Bad request"


class WebhookRefused(InputError):
    """A webhook URL that may not be used: not http/https, or its host resolves to an address of
    the server's own network (api/webhook_guard.py)."""

    title = "Webhook address refused"


class AuthError(ApiError):
    status_code = 401
    title = "Authentication required"


class ForbiddenError(ApiError):
    status_code = 403
    title = "Forbidden"


class ConflictError(ApiError):
    status_code = 409
    title = "Conflict"


class ConfirmationRequired(ConflictError):
    """Saving would declare a withdrawn, replaced or not-yet-in-force standard: nothing was
    saved; the same request with ``confirm: true`` saves it."""

    title = "需要确认 Confirmation required"


class ValidationFailed(ApiError):
    status_code = 422
    title = "Invalid field value"


class UnsupportedMediaType(ApiError):
    status_code = 415
    title = "Unsupported media type"


class PayloadTooLarge(ApiError):
    status_code = 413
    title = "Payload too large"


@dataclass(frozen=True, slots=True)
class Problem:
    """What an error means over HTTP: status, title, message and extra members."""

    status: int
    title: str
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)


def shown_value(value: object) -> str:
    """A refused value as a problem detail's ``value`` shows it (long ones cut)."""
    return shown_text(str(value))


def _with_errors(exc: ValidationException) -> tuple[str, dict[str, Any]]:
    """The message naming each parameter that failed, and the list as ``errors``."""
    errors = exc.extra if isinstance(exc.extra, list) else []
    parts = [
        f"{e.get('key') or e.get('source', 'value')}: {e.get('message')}"
        for e in errors if isinstance(e, dict)
    ]
    return "; ".join(parts) or exc.detail, {"errors": errors}


# Each entry: the error type and how to read it; the first type the error is an instance of
# decides (so subclasses come before their bases).
_CLASSIFIERS: tuple[tuple[type[BaseException], Callable[[Any], Problem]], ...] = (
    (ApiError, lambda e: Problem(e.status_code, e.title, e.detail, dict(e.extra))),
    (CodeError, lambda e: Problem(400, "Not a standard code", str(e),
                                  {"code": shown_value(e.raw), "reason": e.reason})),
    (NotFoundError, lambda e: Problem(404, "Not found", str(e))),
    (ValidationException, lambda e: Problem(400, "Invalid request", *_with_errors(e))),
    (HTTPException, lambda e: Problem(e.status_code, e.detail or "Error", e.detail)),
    (DatabaseError, lambda e: Problem(503, "Database unavailable",
                                      "the database cannot be reached")),
    (InvalidFieldError, lambda e: Problem(422, ValidationFailed.title, str(e), {
        "field": e.field, "value": shown_value(e.value)})),
    (DuplicateError, lambda e: Problem(409, ConflictError.title, str(e),
                                       {"existing_id": e.existing_id})),
    (StateError, lambda e: Problem(409, ConflictError.title, str(e))),
    (AlreadyResolved, lambda e: Problem(409, ConflictError.title, str(e))),
    (CurationError, lambda e: Problem(422, ValidationFailed.title, str(e))),
    (RateLimited, lambda e: Problem(429, "Too many requests", str(e),
                                    {"retry_after": e.retry_after})),
    (TooManyAttempts, lambda e: Problem(429, "Too many failed sign-ins", str(e),
                                        {"retry_after": e.retry_after})),
    (TooMuchFeedback, lambda e: Problem(429, "Too many submissions", str(e),
                                        {"retry_after": e.retry_after})),
    # the safety nets (module docstring)
    (OverflowError, lambda e: Problem(400, "Value out of range",
                                      "请求中的数值或日期超出范围 a number or date in the "
                                      "request is out of the range this service can store")),
    (asyncpg.exceptions.DataError, lambda e: Problem(400, "Value refused", _REFUSED)),
    # asyncpg's client-side check of a query argument (an int beyond int64) has no public name
    (asyncpg.exceptions._base.DataError, lambda e: Problem(400, "Value refused", _REFUSED)),
    (UnicodeError, lambda e: Problem(400, "Invalid request",
                                     "请求中的文本不是有效的 UTF-8 request text is not valid "
                                     "UTF-8 (a form field, a lone surrogate); send files as "
                                     "file parts")),
)
_REFUSED = ("数据库无法接受请求中的值 the database cannot take a value of the request "
            "(out of range, or a character such as NUL)")
_SAFETY_NETS = (OverflowError, asyncpg.exceptions.DataError, asyncpg.exceptions._base.DataError,
                UnicodeError)
INTERNAL = Problem(HTTP_500_INTERNAL_SERVER_ERROR, "Internal error",
                   "服务器内部错误，已记录 an unexpected error occurred; it has been logged")


def classify(exc: BaseException, path: str) -> Problem:
    """The problem an error is over HTTP; unknown errors are logged and answered generically
    (never a stack trace); a safety net catching input is logged as a warning."""
    for kind, read in _CLASSIFIERS:
        if isinstance(exc, kind):
            if isinstance(exc, _SAFETY_NETS):
                log.warning("input refused late on %s (%s): %s", path, type(exc).__name__, exc)
            elif isinstance(exc, DatabaseError):
                log.error("database error on %s: %s", path, exc)
            return read(exc)
    log.exception("unhandled error on %s", path, exc_info=exc)
    return INTERNAL


def problem(status: int, title: str, detail: str, request: Request, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.url.path, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if status == 429 and "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


REQUEST_PROBLEM = "stdtrack_request_problem"
"""Scope-state key: why the HTTP layer cut a request short before the route saw it (an
undecodable form field, api/web/protocol.py); the 400 that follows says so."""


def problem_response(request: Request, exc: Exception) -> Response:
    """The RFC 9457 answer to any error a route raised."""
    found = classify(exc, request.url.path)
    reason = request.scope.get("state", {}).get(REQUEST_PROBLEM)
    if reason and found.status == 400:
        found = Problem(400, "Invalid request", reason)
    return problem(found.status, found.title, found.detail, request, **found.extra)


HANDLED: tuple[type[Exception], ...] = (
    *(kind for kind, _ in _CLASSIFIERS if issubclass(kind, Exception)), Exception)
"""Every error type the app maps (a layer that answers differently, such as the HTML pages,
registers its handler for each of them: the nearest type in an error's MRO wins)."""

EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = dict.fromkeys(HANDLED, problem_response)

__all__ = ["MediaType"]
