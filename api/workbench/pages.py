"""Staff pages for people and enterprises: accounts (invite with a one-time temporary
password, disable, reset a password) and registrations (approve, or reject with a reason)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect

from adoption import accounts_repository, registrations_repository
from adoption.errors import DuplicateError, InvalidFieldError, StateError
from adoption.vocab import AccountRole, RegistrationStatus
from api.auth import Role, identity_in
from api.routes.accounts import AccountCreate, create_person_or_token, reset_password
from api.routes.registrations import decided_by
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.forms import field_problem
from api.web.i18n import N_, data_translator, translator
from api.web.render import ROLE_LABELS, render_page

STAFF = {"roles": frozenset({Role.STAFF})}
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
STATUS_LABELS = {RegistrationStatus.PENDING: N_("待审核"),
                 RegistrationStatus.APPROVED: N_("已通过"),
                 RegistrationStatus.REJECTED: N_("未通过")}
DONE_MESSAGES = {
    "disabled": N_("账号已停用，其所有会话已结束。"),
    "approved": N_("注册已通过：企业账号已开通。"),
    "rejected": N_("注册已退回，申请人登录时会看到原因。"),
}


class WorkbenchPages(Controller):
    path = "/workbench"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = STAFF

    async def _accounts_page(self, request: Request[Any, Any, Any], *, status_code: int = 200,
                             values: dict[str, str] | None = None,
                             problems: dict[str, str] | None = None) -> Response[str]:
        _ = translator(request)
        accounts = await accounts_repository.list_accounts()
        done = request.query_params.get("done")
        return render_page(
            request, "workbench/accounts.html", status_code=status_code,
            accounts=sorted(accounts, key=lambda a: (a.disabled_at is not None, -a.id)),
            role_names={role.value: _(label) for role, label in ROLE_LABELS.items()},
            roles=[role.value for role in AccountRole], values=values or {"role": "staff"},
            problems=problems or {},
            message=_(DONE_MESSAGES[done]) if done in DONE_MESSAGES else None)

    @get("/accounts")
    async def accounts(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await self._accounts_page(request)

    @post("/accounts", status_code=200)
    async def invite(self, request: Request[Any, Any, Any], data: FormData) -> Response[str]:
        """Create a person's account with a temporary password, shown once on the answer."""
        _ = translator(request)
        values = {key: (data.get(key) or "").strip()[:300]
                  for key in ("role", "username", "name", "uscc")}
        if values["role"] not in {role.value for role in AccountRole}:
            return await self._accounts_page(request, status_code=400, values=values,
                                             problems={"role": _("请选择角色。")})
        try:
            created = await create_person_or_token(AccountCreate(
                role=AccountRole(values["role"]), username=values["username"],
                name=values["name"], uscc=values["uscc"] or None))
        except (InvalidFieldError, DuplicateError) as exc:
            problem = field_problem(data_translator(request), exc)
            return await self._accounts_page(
                request, status_code=409 if isinstance(exc, DuplicateError) else 400,
                values=values, problems={problem.field: problem.message})
        return render_page(request, "workbench/secret.html", account=created,
                           secret=created.temporary_password, kind="invited")

    @post("/accounts/{account_id:int}/disable", status_code=303)
    async def disable(self, account_id: FromPath[int]) -> Response[Any]:
        await accounts_repository.disable_account(account_id, dt.datetime.now(dt.UTC))
        return Redirect("/workbench/accounts?done=disabled", status_code=303)

    @post("/accounts/{account_id:int}/reset-password", status_code=200)
    async def reset(self, request: Request[Any, Any, Any], account_id: FromPath[int]
                    ) -> Response[str]:
        """A new temporary password, shown once; the account's sessions end."""
        _ = translator(request)
        try:
            done = await reset_password(account_id, None)
        except InvalidFieldError:
            return render_page(request, "web/error.html", status_code=400,
                               heading=_("无法重置密码"), back="/workbench/accounts",
                               message=_("此账号只用 API 令牌，没有用户名和密码。"))
        return render_page(request, "workbench/secret.html", account=done.account,
                           secret=done.temporary_password, kind="reset")

    @get("/registrations")
    async def registrations(
        self, request: Request[Any, Any, Any],
        status: Annotated[RegistrationStatus, QueryParameter()] = RegistrationStatus.PENDING,
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
    ) -> Response[str]:
        return await self._registrations_page(request, status, page)

    async def _registrations_page(
        self, request: Request[Any, Any, Any], status: RegistrationStatus, page: int = 1,
        *, error: str | None = None, status_code: int = 200,
    ) -> Response[str]:
        _ = translator(request)
        listing = await registrations_repository.list_registrations(status, page=page)
        done = request.query_params.get("done")
        return render_page(
            request, "workbench/registrations.html", status_code=status_code, listing=listing,
            status=status.value,
            tabs=[(value.value, _(label)) for value, label in STATUS_LABELS.items()],
            status_names={value.value: _(label) for value, label in STATUS_LABELS.items()},
            message=_(DONE_MESSAGES[done]) if done in DONE_MESSAGES else None, error=error,
            next_page=page + 1 if page * listing.page_size < listing.total else None)

    @post("/registrations/{registration_id:int}/approve", status_code=303)
    async def approve(self, request: Request[Any, Any, Any], registration_id: FromPath[int]
                      ) -> Response[Any]:
        identity = identity_in(request)
        assert identity is not None
        try:
            await registrations_repository.approve_registration(
                registration_id, decided_by=decided_by(identity), now=dt.datetime.now(dt.UTC))
        except (StateError, DuplicateError) as exc:
            return await self._problem(request, exc)
        return Redirect("/workbench/registrations?done=approved", status_code=303)

    @post("/registrations/{registration_id:int}/reject", status_code=303)
    async def reject(self, request: Request[Any, Any, Any], registration_id: FromPath[int],
                     data: FormData) -> Response[Any]:
        identity = identity_in(request)
        assert identity is not None
        try:
            await registrations_repository.reject_registration(
                registration_id, reason=data.get("reason") or "", decided_by=decided_by(identity),
                now=dt.datetime.now(dt.UTC))
        except (StateError, InvalidFieldError, DuplicateError) as exc:
            return await self._problem(request, exc)
        return Redirect("/workbench/registrations?done=rejected", status_code=303)

    async def _problem(self, request: Request[Any, Any, Any],
                       exc: StateError | InvalidFieldError | DuplicateError) -> Response[str]:
        """The pending list again, saying why the decision was refused."""
        _ = translator(request)
        if isinstance(exc, StateError):
            problem = _("这份注册已经处理过了。")
        else:
            problem = field_problem(data_translator(request), exc).message
        return await self._registrations_page(request, RegistrationStatus.PENDING, error=problem,
                                              status_code=409 if not isinstance(
                                                  exc, InvalidFieldError) else 400)
