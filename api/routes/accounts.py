"""Accounts over HTTP: staff create accounts (the token is shown once) and disable them; any
account can see who it is."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel, Field

from adoption import repository
from adoption.schemas import AccountRead
from adoption.vocab import AccountRole
from api.auth import create_account
from api.openapi import problems
from api.params import RecordId
from api.routes.access import ANY_ACCOUNT, STAFF, identity_of, translated


class AccountCreate(BaseModel):
    role: AccountRole
    uscc: str | None = Field(default=None, max_length=40,
                             description="required for enterprise accounts")
    name: str = Field(default="", max_length=200)


class AccountCreated(AccountRead):
    token: str = Field(description="the API token: shown this once, stored only as a hash")


class Whoami(BaseModel):
    role: str
    name: str
    uscc: str | None
    account_id: int | None


class AccountController(Controller):
    path = "/api/accounts"
    tags = ["accounts"]

    @post("/", summary="Create an account and its API token (staff)", status_code=201,
          opt=STAFF,
          responses=problems(422))
    async def create(self, data: JSONBody[AccountCreate]) -> AccountCreated:
        with translated():
            account, token = await create_account(data.role, uscc=data.uscc, name=data.name)
        return AccountCreated(**account.model_dump(), token=token)

    @get("/", summary="Accounts, without tokens (staff)", opt=STAFF)
    async def list_accounts(
        self, role: Annotated[AccountRole | None, QueryParameter()] = None
    ) -> list[AccountRead]:
        return await repository.list_accounts(role)

    @post("/{account_id:int}/disable", summary="Disable an account: its token stops working "
          "(staff)", status_code=200, opt=STAFF)
    async def disable(self, account_id: RecordId) -> AccountRead:
        return await repository.disable_account(account_id, dt.datetime.now(dt.UTC))

    @get("/me", summary="The account behind the token", opt=ANY_ACCOUNT)
    async def whoami(self, request: Request[Any, Any, Any]) -> Whoami:
        identity = identity_of(request)
        return Whoami(role=identity.role.value, name=identity.name, uscc=identity.uscc,
                      account_id=identity.account_id)
