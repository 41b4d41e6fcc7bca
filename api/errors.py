"""Maps every package's errors to HTTP: RFC 9457 problem details, never a stack trace.

HTTP status per error (the only place that decides it):
    CodeError, InputError            -> 400
    AuthError                        -> 401
    ForbiddenError                   -> 403
    NotFoundError                    -> 404
    ConflictError, StateError        -> 409 (ConfirmationRequired: a declaration to confirm)
    TooManyAttempts                  -> 429 (with Retry-After: failed sign-ins, api/sign_in.py)
    ValidationFailed                 -> 422 (a field breaks its rule: USCC, region; names both)
    PayloadTooLarge                  -> 413
    UnsupportedMediaType             -> 415
    ValidationException (litestar)   -> 400
    DatabaseError                    -> 503
    anything else                    -> 500 (logged, message generic)
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from adoption.errors import StateError, TooManyAttempts
from standards.errors import CodeError, DatabaseError, NotFoundError

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


def problem(status: int, title: str, detail: str, request: Request, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.url.path, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _api_error(request: Request, exc: ApiError) -> Response:
    return problem(exc.status_code, exc.title, exc.detail, request, **exc.extra)


def _code_error(request: Request, exc: CodeError) -> Response:
    return problem(400, "Not a standard code", str(exc), request, code=exc.raw, reason=exc.reason)


def _not_found(request: Request, exc: NotFoundError) -> Response:
    return problem(404, "Not found", str(exc), request)


def _validation(request: Request, exc: ValidationException) -> Response:
    errors = exc.extra if isinstance(exc.extra, list) else []
    parts = [
        f"{e.get('key') or e.get('source', 'value')}: {e.get('message')}"
        for e in errors if isinstance(e, dict)
    ]
    detail = "; ".join(parts) or exc.detail
    return problem(400, "Invalid request", detail, request, errors=errors)


def _state(request: Request, exc: StateError) -> Response:
    return problem(409, "Conflict", str(exc), request)


def _too_many(request: Request, exc: TooManyAttempts) -> Response:
    response = problem(429, "Too many failed sign-ins", str(exc), request,
                       retry_after=exc.retry_after)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _http(request: Request, exc: HTTPException) -> Response:
    return problem(exc.status_code, exc.detail or "Error", exc.detail, request)


def _database(request: Request, exc: DatabaseError) -> Response:
    log.error("database error on %s: %s", request.url.path, exc)
    return problem(503, "Database unavailable", "the database cannot be reached", request)


def _internal(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "Internal error",
                   "an unexpected error occurred; it has been logged", request)


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    ApiError: _api_error,
    CodeError: _code_error,
    NotFoundError: _not_found,
    StateError: _state,
    TooManyAttempts: _too_many,
    ValidationException: _validation,
    HTTPException: _http,
    DatabaseError: _database,
    Exception: _internal,
}

__all__ = ["MediaType"]
