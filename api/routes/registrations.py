"""Enterprise registrations over HTTP: anyone submits one (``POST /api/registrations``, JSON),
staff list them and approve or reject each with a reason. A refused field names itself and
its value (422), a USCC or username already taken answers 409 naming it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from anyio import to_thread
from litestar import Controller, Request, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel, Field

from adoption import registrations_repository
from adoption.accounts import check_password, hash_password
from adoption.registrations import check_registration
from adoption.schemas import RegistrationPage, RegistrationRead
from adoption.vocab import RegistrationStatus
from api.auth import Identity, Role
from api.openapi import problems
from api.params import Page, PageSize, RecordId
from api.routes.access import STAFF, identity_of, translated
from api.sessions import require_json


class RegistrationCreate(BaseModel):
    uscc: str = Field(max_length=100, description="统一社会信用代码 (check characters verified)")
    name: str = Field(max_length=1000, description="the enterprise's registered name")
    region_code: str = Field(max_length=100, description="GB/T 2260 code, 6 digits")
    contact_name: str = Field(max_length=1000)
    contact_phone: str = Field(max_length=100)
    username: str = Field(max_length=200, description="for signing in once approved")
    password: str = Field(max_length=1000, description="10+ characters, not the username")


class Rejection(BaseModel):
    reason: str = Field(max_length=2000, description="shown to the applicant at sign-in")


async def submit(data: RegistrationCreate) -> RegistrationRead:
    """Check and store a pending registration (shared by the API and the form page).

    Raises:
        InvalidFieldError (PasswordRejected), DuplicateError.
    """
    checked = check_registration(
        uscc=data.uscc, name=data.name, region_code=data.region_code,
        contact_name=data.contact_name, contact_phone=data.contact_phone,
        username=data.username)
    check_password(data.password, username=checked.username)
    hashed = await to_thread.run_sync(hash_password, data.password)
    return await registrations_repository.submit_registration(
        checked, hashed, dt.datetime.now(dt.UTC))


def decided_by(identity: Identity) -> str:
    return identity.username or identity.name


class RegistrationController(Controller):
    path = "/api/registrations"
    tags = ["registrations"]

    @post("/", summary="Register an enterprise: a pending registration for staff to approve "
          "(public, JSON only)", status_code=201, opt={"roles": Role.PUBLIC, "csrf": False},
          responses=problems(409, 422))
    async def create(self, request: Request[Any, Any, Any],
                     data: JSONBody[RegistrationCreate]) -> RegistrationRead:
        require_json(request)
        with translated():
            return await submit(data)

    @get("/", summary="Registrations, pending ones oldest first (staff)", opt=STAFF)
    async def list_registrations(
        self,
        status: Annotated[RegistrationStatus | None, QueryParameter()] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> RegistrationPage:
        return await registrations_repository.list_registrations(
            status, page=page, page_size=page_size)

    @get("/{registration_id:int}", summary="One registration (staff)", opt=STAFF)
    async def get_registration(self, registration_id: RecordId) -> RegistrationRead:
        return await registrations_repository.get_registration(registration_id)

    @post("/{registration_id:int}/approve", summary="Approve: the enterprise (when new) and "
          "its account are created; it can sign in (staff)", status_code=200, opt=STAFF)
    async def approve(self, request: Request[Any, Any, Any], registration_id: RecordId
                      ) -> RegistrationRead:
        with translated():
            return await registrations_repository.approve_registration(
                registration_id, decided_by=decided_by(identity_of(request)),
                now=dt.datetime.now(dt.UTC))

    @post("/{registration_id:int}/reject", summary="Reject with a reason the applicant is "
          "shown (staff)", status_code=200, opt=STAFF,
          responses=problems(409, 422))
    async def reject(self, request: Request[Any, Any, Any], registration_id: RecordId,
                     data: JSONBody[Rejection]) -> RegistrationRead:
        with translated():
            return await registrations_repository.reject_registration(
                registration_id, reason=data.reason, decided_by=decided_by(identity_of(request)),
                now=dt.datetime.now(dt.UTC))
