"""What a page answers when the role guard or a handler refuses: the browser is sent to sign
in, to replace a temporary password, or shown a page in its language saying why (never the
JSON problem details the API answers). A page controller sets
``exception_handlers = PAGE_EXCEPTION_HANDLERS``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.response import Redirect

from api.auth import PasswordChangeRequired
from api.errors import ApiError, AuthError, ForbiddenError
from api.sessions import CsrfError
from api.web.i18n import translator
from api.web.render import render_page
from standards.errors import NotFoundError


def here(request: Request[Any, Any, Any]) -> str:
    """The request's path and query, to come back to after signing in."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def page_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The page answer to a refusal (see the module docstring)."""
    _ = translator(request)
    if isinstance(exc, PasswordChangeRequired):
        return Redirect(f"/account/password?{urlencode({'next': here(request)})}",
                        status_code=303)
    if isinstance(exc, AuthError):
        return Redirect(f"/sign-in?{urlencode({'next': here(request)})}", status_code=303)
    if isinstance(exc, CsrfError):
        return render_page(request, "web/error.html", status_code=403,
                           heading=_("页面已过期"), back=request.headers.get("referer"),
                           message=_("此表单已过期或并非来自本站。请返回，刷新页面后重新提交。"))
    if isinstance(exc, ForbiddenError):
        return render_page(request, "web/error.html", status_code=403, heading=_("无权访问"),
                           message=_("此账号无权使用这个页面。"), back="/")
    if isinstance(exc, NotFoundError):
        return render_page(request, "web/error.html", status_code=404, heading=_("未找到"),
                           message=_("没有找到要找的记录。"), back="/")
    status = exc.status_code if isinstance(exc, ApiError) else 400
    return render_page(request, "web/error.html", status_code=status, heading=_("请求有误"),
                       message=str(exc), back=None)


PAGE_EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    AuthError: page_error,
    ForbiddenError: page_error,
    NotFoundError: page_error,
}
