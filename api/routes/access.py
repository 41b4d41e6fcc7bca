"""Who may touch what in the adoption routes: role sets, the caller's enterprise, ownership,
and adoption's errors raised again as the API errors api/errors.py maps to HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from litestar import Request

from adoption.accounts import PasswordRejected
from adoption.errors import DuplicateError, InvalidFieldError, OwnershipError, RecordNotFound
from adoption.uscc import normalize_uscc
from api.auth import Identity, Role
from api.errors import (
    ConflictError,
    ForbiddenError,
    InputError,
    ValidationFailed,
    shown_value,
)

STAFF = {"roles": frozenset({Role.STAFF})}
OWNER_OR_STAFF = {"roles": frozenset({Role.ENTERPRISE, Role.STAFF})}
OWNER_STAFF_OR_LEADER = {"roles": frozenset({Role.ENTERPRISE, Role.STAFF, Role.LEADER})}
STAFF_OR_LEADER = {"roles": frozenset({Role.STAFF, Role.LEADER})}
ANY_ACCOUNT = OWNER_STAFF_OR_LEADER


def identity_of(request: Request[Any, Any, Any]) -> Identity:
    """The identity the role guard found (only on routes that need a token)."""
    identity: Identity = request.scope["state"]["identity"]
    return identity


@contextmanager
def translated() -> Iterator[None]:
    """Raise adoption's refusals as API errors: 422 naming field and value, 409, 403."""
    try:
        yield
    except PasswordRejected as exc:  # never echo a password
        raise ValidationFailed(str(exc), field="password", rule=exc.rule.value) from exc
    except InvalidFieldError as exc:
        raise ValidationFailed(str(exc), field=exc.field, value=shown_value(exc.value)
                               ) from exc
    except DuplicateError as exc:
        named = {"field": exc.field, "value": exc.value} if exc.field else {}
        raise ConflictError(str(exc), existing_id=exc.existing_id, **named) from exc
    except OwnershipError as exc:
        raise ForbiddenError(str(exc)) from exc


def enterprise_uscc(identity: Identity, uscc: str) -> str:
    """The USCC a route addressed by ``/enterprises/{uscc}`` works on.

    ``me`` is the caller's own enterprise. An enterprise may only address its own; staff and
    leaders may address any (the USCC is validated: 422 naming it).

    Raises:
        ForbiddenError: an enterprise addressing another enterprise.
        InputError: ``me`` from an account that has no enterprise.
    """
    if identity.role is Role.ENTERPRISE:
        own = identity.uscc or ""
        if uscc.lower() == "me":
            return own
        with translated():
            wanted = normalize_uscc(uscc)
        if wanted != own:
            raise ForbiddenError("an enterprise account may only manage its own enterprise "
                                 f"({own})")
        return own
    if uscc.lower() == "me":
        raise InputError(f"a {identity.role.value} account has no enterprise: give its USCC "
                         "instead of 'me'")
    with translated():
        return normalize_uscc(uscc)


def check_owner(identity: Identity, owner_uscc: str, missing: str) -> None:
    """Let an enterprise see only what it owns; to it, another's record does not exist.

    Raises:
        RecordNotFound: with ``missing`` (the same message as for an id nobody has).
    """
    if identity.role is Role.ENTERPRISE and owner_uscc != identity.uscc:
        raise RecordNotFound(missing)
