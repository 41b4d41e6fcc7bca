"""Errors raised by the adoption package (enterprises, products, declarations, alerts).

StdtrackError (standards.errors)
├── NotFoundError (standards.errors)
│   └── RecordNotFound        no enterprise / product / declaration / account with that key
└── AdoptionError             anything adoption refuses on purpose
    ├── InvalidFieldError     a value breaks its rule: USCC check digit, GB/T 2260 region,
    │                         key field, main flag, standard code (names the field and value)
    ├── DuplicateError        the record already exists (a product's name and model, an active
    │                         declaration of the same standard)
    ├── StateError            the record's state forbids it (a cleared alert, a standard with
    │                         no successor to re-declare, a preview already committed)
    └── OwnershipError        another enterprise owns it (an enterprise standard)

api/errors.py decides the HTTP status of each (404, 422, 409, 409, 403).
"""

from __future__ import annotations

from standards.errors import NotFoundError, StdtrackError


class AdoptionError(StdtrackError):
    """Base of every error the adoption package raises on purpose."""


class InvalidFieldError(AdoptionError, ValueError):
    """A value does not satisfy its field's rule; the message names the field and the value."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {value!r} {reason}")


class DuplicateError(AdoptionError):
    """The record already exists; ``existing_id`` names it when known."""

    def __init__(self, message: str, existing_id: int | None = None) -> None:
        self.existing_id = existing_id
        super().__init__(message)


class RecordNotFound(NotFoundError):
    """No enterprise, product, declaration or account has this key."""


class StateError(AdoptionError):
    """The record exists but its state does not allow what was asked."""


class OwnershipError(AdoptionError):
    """Another enterprise owns the record (an enterprise standard): it may not be changed."""
