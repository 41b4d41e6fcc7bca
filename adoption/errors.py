"""Errors raised by the adoption package (enterprises, products, declarations, alerts).

StdtrackError (standards.errors)
├── NotFoundError (standards.errors)
│   └── RecordNotFound        no enterprise / product / declaration / account with that key
└── AdoptionError             anything adoption refuses on purpose
    ├── InvalidFieldError     a value breaks its rule: USCC check digit, GB/T 2260 region,
    │   │                     key field, main flag, standard code (names the field and value)
    │   └── PasswordRejected  (adoption.accounts) a password breaks the policy (never shown)
    ├── DuplicateError        the record already exists (a product's name and model, an active
    │                         declaration of the same standard, a username, a registered USCC)
    ├── StateError            the record is not in a state that allows this (approving a
    │   │                     registration already decided, re-declaring from a cleared alert,
    │   │                     committing a preview twice)
    │   └── StageOrderError   a drafting stage out of order (backwards, before the previous
    │                         stage's date, after 撤销)
    ├── OwnershipError        another enterprise owns it (an enterprise standard)
    ├── TooManyAttempts       sign-in is locked for a while after repeated failures
    │   └── RateLimited       an address used up its requests of the window (public 查新)
    └── TooMuchFeedback       the public feedback form's rate limit was reached

api/errors.py decides the HTTP status of each (404, 422, 409, 409, 403, 429).
"""

from __future__ import annotations

import datetime as dt

from standards.errors import NotFoundError, StdtrackError


class AdoptionError(StdtrackError):
    """Base of every error the adoption package raises on purpose."""


class InvalidFieldError(AdoptionError, ValueError):
    """A value does not satisfy its field's rule; the message names the field and the value."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        quoted = repr(value) if not isinstance(value, str) else shown_text(value, quote=True)
        super().__init__(f"{field}: {quoted} {reason}")


SHOWN_LENGTH = 80
"""A refused value is quoted up to this many characters (a 10,000-digit code is not echoed)."""


def shown_text(text: str, *, quote: bool = False) -> str:
    """``text`` as an error message shows it: cut at SHOWN_LENGTH characters, saying how long
    it was; ``quote`` gives its ``repr`` (control characters visible as escapes)."""
    cut = text[:SHOWN_LENGTH]
    shown = repr(cut) if quote else cut
    return shown if len(text) <= SHOWN_LENGTH else f"{shown}…（共 {len(text)} 字 characters)"


class DuplicateError(AdoptionError):
    """The record already exists; ``existing_id`` names it when known, ``field`` and ``value``
    the key that collided when the caller can fix it (a username, a USCC)."""

    def __init__(self, message: str, existing_id: int | None = None, *,
                 field: str | None = None, value: str | None = None) -> None:
        self.existing_id = existing_id
        self.field = field
        self.value = value
        super().__init__(message)


class StateError(AdoptionError):
    """The record's state does not allow the change (e.g. deciding a decided registration)."""


class StageOrderError(StateError):
    """A drafting stage out of order: backwards, dated before the previous stage, after a
    cancellation (final), or a postponement that does not move the deadline later. The
    message names the stage and the date, and the stage and date it collides with."""

    def __init__(self, message: str, *, stage: str, stage_on: dt.date) -> None:
        self.stage = stage
        self.stage_on = stage_on
        super().__init__(message)


class TooManyAttempts(AdoptionError):
    """Too many failed sign-ins for a username or an address: locked until ``until``."""

    def __init__(self, until: dt.datetime, now: dt.datetime) -> None:
        self.until = until
        self.retry_after = max(1, int((until - now).total_seconds() + 0.999))
        super().__init__(f"too many failed sign-ins: try again in {self.retry_after} seconds")


class TooMuchFeedback(AdoptionError):
    """Too many feedback submissions from one address (or on one standard) for now."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("反馈过于频繁, 请稍后再试 (too many feedback submissions: try again "
                         "later)")


class RecordNotFound(NotFoundError):
    """No enterprise, product, declaration or account has this key."""


class OwnershipError(AdoptionError):
    """Another enterprise owns the record (an enterprise standard): it may not be changed."""


class RateLimited(TooManyAttempts):
    """An address made more requests of a rate-limited kind than the window allows."""

    def __init__(self, until: dt.datetime, now: dt.datetime, what: str) -> None:
        super().__init__(until, now)
        self.args = (f"请求过于频繁 too many {what} from this address: try again in "
                     f"{self.retry_after} seconds, or sign in",)
