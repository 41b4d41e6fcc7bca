"""The pages every role shares: sign in (username and password, or an API token), sign out,
the account page with "sign out everywhere", and changing one's password (first sign-in with
a temporary password included)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect

from adoption import accounts_repository
from adoption.accounts import (
    PASSWORD_MIN,
    PasswordRejected,
    check_password,
    hash_password,
)
from adoption.errors import TooManyAttempts
from api.auth import Identity, Role, identity_in
from api.sessions import clear_session_cookie, end_session, start_session
from api.sign_in import (
    Outcome,
    SignInResult,
    check_current_password,
    client_address,
    with_password,
    with_token,
)
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.forms import password_problem
from api.web.i18n import Translate, data_translator, translator
from api.web.render import render_page

PUBLIC = {"roles": Role.PUBLIC}
SIGNED_IN = frozenset({Role.STAFF, Role.LEADER, Role.ENTERPRISE})
# the pages a person signed in with a temporary password may still use
PASSWORD_PAGES = {"roles": SIGNED_IN, "while_password_temporary": True}
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
# where each role lands after signing in when no page asked for it
HOME_BY_ROLE = {Role.STAFF: "/", Role.LEADER: "/", Role.ENTERPRISE: "/account"}

def safe_next(target: str | None) -> str | None:
    """Only paths on this site: no scheme, no ``//host``, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def throttled_message(_: Translate, exc: TooManyAttempts) -> str:
    minutes = max(1, (exc.retry_after + 59) // 60)
    return _("登录失败次数过多，请 %(minutes)s 分钟后再试。", minutes=minutes)


def _sign_in_refusal(_: Translate, result: SignInResult, method: str) -> tuple[int, str]:
    if result.outcome is Outcome.PENDING:
        return 403, _("您的企业注册正在审核中，审核通过后即可登录。")
    if result.outcome is Outcome.REJECTED:
        return 403, _("您的企业注册未通过审核，原因：%(reason)s", reason=result.reason)
    if result.outcome is Outcome.DISABLED:
        return 403, _("此账号已停用，请联系工作人员。")
    if method == "token":
        return 401, _("API 令牌无效，或其账号已停用。")
    return 401, _("用户名或密码不正确。")


class AccountPages(Controller):
    path = "/"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS

    @get("/sign-in", opt=PUBLIC)
    async def sign_in_form(
        self, request: Request[Any, Any, Any],
        next: Annotated[str, QueryParameter(max_length=2000)] = "",
        method: Annotated[str, QueryParameter(pattern=r"^(password|token)$")] = "password",
    ) -> Response[str]:
        """The sign-in form: username and password, or (``?method=token``) an API token."""
        return render_page(request, "web/sign_in.html", next=safe_next(next) or "",
                           method=method, username="", error=None)

    @post("/sign-in", opt=PUBLIC, status_code=303)
    async def sign_in(self, request: Request[Any, Any, Any], data: FormData) -> Response[Any]:
        """Check the credentials; on success open a session and go where the person was going
        (a temporary password first goes to the page that replaces it)."""
        _ = translator(request)
        method = "token" if data.get("method") == "token" else "password"
        target = safe_next(data.get("next"))
        username = (data.get("username") or "").strip()[:64]
        address = client_address(request)
        try:
            if method == "token":
                result = await with_token((data.get("token") or "").strip(), address)
            else:
                result = await with_password(username, data.get("password") or "", address)
        except TooManyAttempts as exc:
            return render_page(request, "web/sign_in.html", status_code=429,
                               headers={"Retry-After": str(exc.retry_after)},
                               next=target or "", method=method, username=username,
                               error=throttled_message(_, exc))
        if result.outcome is not Outcome.SIGNED_IN or result.identity is None:
            status, message = _sign_in_refusal(data_translator(request), result, method)
            return render_page(request, "web/sign_in.html", status_code=status,
                               next=target or "", method=method, username=username,
                               error=message)
        identity = result.identity
        if result.must_change_password:
            destination = "/account/password" + (f"?{urlencode({'next': target})}"
                                                 if target else "")
        else:
            destination = target or HOME_BY_ROLE[identity.role]
        response: Response[Any] = Redirect(destination, status_code=303)
        assert identity.account_id is not None
        await start_session(request, response, identity.account_id, via=method)
        return response

    @post("/sign-out", opt={**PUBLIC, "csrf": "if-signed-in"}, status_code=303)
    async def sign_out(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """End this browser's session (on every app host) and forget the cookie."""
        await end_session(request)
        response: Response[Any] = Redirect("/", status_code=303)
        clear_session_cookie(response)
        return response

    @get("/account", opt={"roles": SIGNED_IN})
    async def account(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Who is signed in, how many sessions the account has, and what they can do."""
        identity = _me(request)
        sessions = await accounts_repository.count_sessions(
            identity.account_id or 0, dt.datetime.now(dt.UTC))
        _ = translator(request)
        message = None
        if request.query_params.get("changed") == "password":
            message = _("新密码已保存。")
        return render_page(request, "web/account.html", sessions=sessions, message=message)

    @post("/account/sign-out-everywhere", opt=PASSWORD_PAGES,
          status_code=303)
    async def sign_out_everywhere(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """End every session of the account, this one included."""
        await accounts_repository.end_sessions(_me(request).account_id or 0)
        response: Response[Any] = Redirect("/sign-in", status_code=303)
        clear_session_cookie(response)
        return response

    @get("/account/password", opt=PASSWORD_PAGES)
    async def password_form(
        self, request: Request[Any, Any, Any],
        next: Annotated[str, QueryParameter(max_length=2000)] = "",
    ) -> Response[str]:
        return render_page(request, "web/password.html", next=safe_next(next) or "",
                           min_length=PASSWORD_MIN, error=None)

    @post("/account/password", opt=PASSWORD_PAGES,
          status_code=303)
    async def change_password(self, request: Request[Any, Any, Any], data: FormData
                              ) -> Response[Any]:
        """Replace one's own password (the current or temporary one is asked again); every
        other session of the account ends, this one stays."""
        _ = translator(request)
        identity = _me(request)
        target = safe_next(data.get("next"))

        def again(status: int, error: str, headers: dict[str, str] | None = None
                  ) -> Response[str]:
            return render_page(request, "web/password.html", status_code=status,
                               headers=headers, next=target or "", min_length=PASSWORD_MIN,
                               error=error)

        if not identity.username:
            return again(400, _("此账号只用 API 令牌，没有密码。"))
        new = data.get("new_password") or ""
        if new != (data.get("confirm_password") or ""):
            return again(400, _("两次输入的新密码不一致。"))
        try:
            check_password(new, username=identity.username)
        except PasswordRejected as exc:
            return again(400, password_problem(_, exc))
        try:
            current_ok = await check_current_password(
                identity, data.get("current_password") or "", client_address(request))
        except TooManyAttempts as exc:
            return again(429, throttled_message(_, exc), {"Retry-After": str(exc.retry_after)})
        if not current_ok:
            return again(400, _("当前密码不正确。"))
        if new == (data.get("current_password") or ""):
            return again(400, _("新密码不能与原密码相同。"))
        hashed = await to_thread.run_sync(hash_password, new)
        await accounts_repository.set_password(
            identity.account_id or 0, hashed, must_change=False, now=dt.datetime.now(dt.UTC),
            keep_session=identity.session_id)
        return Redirect(target or "/account?changed=password", status_code=303)


def _me(request: Request[Any, Any, Any]) -> Identity:
    identity = identity_in(request)
    assert identity is not None  # the role guard let only accounts through
    return identity
