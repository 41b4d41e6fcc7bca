"""Enterprise registration in a browser (企业注册): a public form whose fields are checked on
the spot (USCC check characters, GB/T 2260 region, a USCC or username already taken), then a
confirmation that the registration awaits approval."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect

from adoption.accounts import PASSWORD_MIN
from adoption.errors import DuplicateError, InvalidFieldError
from api.auth import Role
from api.routes.registrations import RegistrationCreate, submit
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.forms import field_problem
from api.web.i18n import data_translator, translator
from api.web.render import render_page

PUBLIC = {"roles": Role.PUBLIC}
FIELDS = ("uscc", "name", "region_code", "contact_name", "contact_phone", "username")
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class RegistrationPages(Controller):
    path = "/register"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS

    @get("/", opt=PUBLIC)
    async def form(self, request: Request[Any, Any, Any]) -> Response[str]:
        return render_page(request, "portal/register.html", values={}, problems={},
                           min_length=PASSWORD_MIN)

    @post("/", opt=PUBLIC, status_code=303)
    async def register(self, request: Request[Any, Any, Any], data: FormData) -> Response[Any]:
        """Store a pending registration, or show the form again naming each refused field."""
        _ = translator(request)
        values = {field: (data.get(field) or "").strip()[:300] for field in FIELDS}
        problems: dict[str, str] = {}
        status = 400
        password = data.get("password") or ""
        if password != (data.get("confirm_password") or ""):
            problems["confirm_password"] = _("两次输入的密码不一致。")
        else:
            try:
                saved = await submit(RegistrationCreate(**values, password=password[:1000]))
            except (InvalidFieldError, DuplicateError) as exc:
                status = 409 if isinstance(exc, DuplicateError) else 400
                problem = field_problem(data_translator(request), exc)
                problems[problem.field if problem.field in {*FIELDS, "password"}
                         else "form"] = problem.message
            else:
                return Redirect(f"/register/submitted?uscc={saved.uscc}", status_code=303)
        return render_page(request, "portal/register.html", status_code=status, values=values,
                           problems=problems, min_length=PASSWORD_MIN)

    @get("/submitted", opt=PUBLIC)
    async def submitted(
        self, request: Request[Any, Any, Any],
        uscc: Annotated[str, QueryParameter(max_length=18, pattern=r"^[0-9A-Z]*$")] = "",
    ) -> Response[str]:
        return render_page(request, "portal/register_submitted.html", uscc=uscc)
