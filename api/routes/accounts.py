"""Accounts over HTTP: staff create accounts for people (a username with a one-time temporary
password, or a password they set) or for scripts (an API token shown once), reset passwords
and disable accounts; anyone signed in sees who they are and changes their own password."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from anyio import to_thread
from litestar import Controller, Request, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel, Field

from adoption import accounts_repository
from adoption.accounts import check_password, hash_password, temporary_password
from adoption.schemas import AccountRead
from adoption.vocab import AccountRole
from api.auth import TOKEN_PREFIX, hash_token, new_token
from api.errors import AuthError, InputError
from api.openapi import problems
from api.params import RecordId
from api.routes.access import ANY_ACCOUNT, STAFF, identity_of, translated
from api.sign_in import check_current_password, client_address


class AccountCreate(BaseModel):
    role: AccountRole
    uscc: str | None = Field(default=None, max_length=40,
                             description="required for enterprise accounts")
    name: str = Field(default="", max_length=200)
    username: str | None = Field(
        default=None, description="a person's account: signs in on /sign-in; without a "
        "password a one-time temporary password is answered, to be changed at first sign-in")
    password: str | None = Field(default=None, max_length=1000,
                                 description="the person's password (policy: 10+ characters)")
    token: bool | None = Field(
        default=None, description="issue an API token (default: only when no username)")


class AccountCreated(AccountRead):
    token: str | None = Field(default=None, description="the API token: shown this once, "
                              "stored only as a hash")
    temporary_password: str | None = Field(
        default=None, description="shown this once; it must be changed at first sign-in")


class PasswordReset(BaseModel):
    password: str | None = Field(
        default=None, max_length=1000,
        description="the new password; without it a temporary password is answered")


class PasswordResetDone(BaseModel):
    account: AccountRead
    temporary_password: str | None = Field(
        default=None, description="shown this once; it must be changed at first sign-in")
    sessions_ended: bool = True


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


class Whoami(BaseModel):
    role: str
    name: str
    uscc: str | None
    account_id: int | None


async def create_person_or_token(data: AccountCreate) -> AccountCreated:
    """Create the account ``data`` describes (shared by the API and the staff page).

    Raises:
        adoption.errors.InvalidFieldError, PasswordRejected, DuplicateError.
    """
    temporary = None
    password_hash = None
    if data.username is not None:
        if data.password is not None:
            check_password(data.password, username=data.username.strip().lower())
            password_hash = await to_thread.run_sync(hash_password, data.password)
        else:
            temporary = temporary_password()
            password_hash = await to_thread.run_sync(hash_password, temporary)
    issue_token = data.token if data.token is not None else data.username is None
    token = new_token() if issue_token else None
    account = await accounts_repository.create_account(
        role=data.role, name=data.name, uscc=data.uscc,
        token_hash=hash_token(token) if token else None,
        token_hint=token[: len(TOKEN_PREFIX) + 4] if token else "",
        username=data.username, password_hash=password_hash,
        must_change_password=temporary is not None, now=dt.datetime.now(dt.UTC))
    return AccountCreated(**account.model_dump(), token=token, temporary_password=temporary)


async def reset_password(account_id: int, password: str | None) -> PasswordResetDone:
    """Give an account a new password (a temporary one when ``password`` is None); every
    session of the account ends."""
    account = await accounts_repository.get_account(account_id)
    temporary = None
    if password is None:
        temporary = temporary_password()
    else:
        check_password(password, username=account.username)
    hashed = await to_thread.run_sync(hash_password, temporary or password or "")
    saved = await accounts_repository.set_password(
        account_id, hashed, must_change=temporary is not None, now=dt.datetime.now(dt.UTC))
    return PasswordResetDone(account=saved, temporary_password=temporary)


class AccountController(Controller):
    path = "/api/accounts"
    tags = ["accounts"]

    @post("/", summary="Create an account: a person's (username) or a script's (token) (staff)",
          status_code=201, opt=STAFF, responses=problems(409, 422))
    async def create(self, data: JSONBody[AccountCreate]) -> AccountCreated:
        with translated():
            return await create_person_or_token(data)

    @get("/", summary="Accounts, without tokens or passwords (staff)", opt=STAFF)
    async def list_accounts(
        self, role: Annotated[AccountRole | None, QueryParameter()] = None
    ) -> list[AccountRead]:
        return await accounts_repository.list_accounts(role)

    @post("/{account_id:int}/disable", summary="Disable an account: its token stops working "
          "and its sessions end (staff)", status_code=200, opt=STAFF)
    async def disable(self, account_id: RecordId) -> AccountRead:
        return await accounts_repository.disable_account(account_id, dt.datetime.now(dt.UTC))

    @post("/{account_id:int}/reset-password", summary="Reset a person's password: a temporary "
          "one (answered once) or the one given; its sessions end (staff)", status_code=200,
          opt=STAFF,
          responses=problems(422))
    async def reset(self, account_id: RecordId, data: JSONBody[PasswordReset]
                    ) -> PasswordResetDone:
        with translated():
            return await reset_password(account_id, data.password)

    @get("/me", summary="The account behind the token or session", opt={
        **ANY_ACCOUNT, "while_password_temporary": True})
    async def whoami(self, request: Request[Any, Any, Any]) -> Whoami:
        identity = identity_of(request)
        return Whoami(role=identity.role.value, name=identity.name, uscc=identity.uscc,
                      account_id=identity.account_id)

    @post("/me/password", summary="Change one's own password (the current one is asked; "
          "other sessions end)", status_code=200, opt={
              **ANY_ACCOUNT, "while_password_temporary": True})
    async def change_password(self, request: Request[Any, Any, Any],
                              data: JSONBody[PasswordChange]) -> AccountRead:
        identity = identity_of(request)
        if not identity.username:
            raise InputError("this account has no username: it signs in with its token only")
        with translated():
            check_password(data.new_password, username=identity.username)
        if not await check_current_password(identity, data.current_password,
                                            client_address(request)):
            raise AuthError("the current password is wrong")
        hashed = await to_thread.run_sync(hash_password, data.new_password)
        return await accounts_repository.set_password(
            identity.account_id or 0, hashed, must_change=False, now=dt.datetime.now(dt.UTC),
            keep_session=identity.session_id)
