"""HTML pages: the leadership dashboard at ``/`` (staff and leaders, signed in with their token
through a session cookie), the public search page, sign in / out and the drill-down list."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect

from adoption.indicators import IndicatorName, IndicatorQuery
from api.auth import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    Identity,
    Role,
    hash_token,
    identify,
    identity_for_hash,
    session_cookie_value,
    session_secret,
)
from api.dashboard import data as board
from api.dashboard.render import render
from api.errors import HANDLED, ApiError, AuthError, ForbiddenError, InputError, classify
from api.params import Page
from api.routes.exports import NOT_COUNTED_COLUMNS, not_counted_page
from standards import repository as standards_repository
from standards.errors import CodeError, NotFoundError
from standards.settings import Settings
from standards.vocab import Status

PUBLIC = {"roles": Role.PUBLIC}
READERS = {"roles": frozenset({Role.STAFF, Role.LEADER})}
DASHBOARD_ROLES = frozenset({Role.STAFF, Role.LEADER})
IndicatorParam = Annotated[str, QueryParameter(pattern=r"^(coverage|adoption|standard-adoption|"
                                                       r"conversion)$")]
RegionParam = Annotated[str, QueryParameter(pattern=r"^(\d{2}(\d{2}(\d{2})?)?)?$")]


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state["settings"]
    return settings


async def _viewer(request: Request[Any, Any, Any]) -> Identity | None:
    """Who is looking at a public page: a session (or bearer) identity, or nobody."""
    try:
        return await identify(request)
    except ApiError:
        return None


def _safe_next(target: str | None) -> str:
    """Only paths on this site: no scheme, no ``//host``, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def page_auth_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A page that needs a session sends the browser to sign in (APIs answer 401/403)."""
    if isinstance(exc, ForbiddenError):
        return render("sign_in.html", None, status_code=403, next=request.url.path,
                      error="此账号无权查看看板 this account may not view the dashboard "
                            "(staff and leaders only)")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/sign-in?{urlencode({'next': target})}", status_code=303)


PAGE_HEADINGS = {400: "请求有误", 404: "未找到", 413: "上传的文件过大", 503: "服务暂不可用",
                 500: "服务器出错"}


def page_problem(request: Request[Any, Any, Any], exc: Exception) -> Response[str]:
    """Any other error on a page is an HTML page with the message (api/errors.py decides the
    status; a filter that breaks a field's rule is a bad request here, 400)."""
    found = classify(exc, request.url.path)
    status = 400 if found.status == 422 else found.status
    heading = PAGE_HEADINGS.get(status, "请求有误" if status < 500 else "服务器出错")
    message = f"筛选条件有误：{found.detail}" if status == 400 else found.detail
    return render("error.html", identity_of_request(request), status_code=status,
                  heading=heading, message=message)


STATUS_LABELS = {Status.CURRENT: "现行 current", Status.UPCOMING: "即将实施 upcoming",
                 Status.WITHDRAWN: "废止 withdrawn"}


def _web_address(url: str | None) -> str | None:
    """A source's page address only when it is http(s): never a ``javascript:`` link."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _as_of(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"as_of {value!r} 不是日期 is not a date (YYYY-MM-DD)") from exc


class PageController(Controller):
    path = "/"
    include_in_schema = False
    # every error type the app maps answers here as a page; signing in as before
    exception_handlers = {**dict.fromkeys(HANDLED, page_problem), AuthError: page_auth_error,
                          ForbiddenError: page_auth_error}

    @get("/", opt=PUBLIC)
    async def home(
        self, request: Request[Any, Any, Any],
        indicator: IndicatorParam = "coverage",
        region: RegionParam = "22",
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
        q: Annotated[str, QueryParameter(max_length=200)] = "",
    ) -> Response[str]:
        """The dashboard for staff and leaders; the standards search for everyone else."""
        viewer = await _viewer(request)
        if viewer is None or viewer.role not in DASHBOARD_ROLES:
            return render("search.html", viewer, q=q)
        day = _as_of(as_of)
        view = await board.build_dashboard(indicator, region, day)
        scope_query = urlencode({k: v for k, v in {"region": view.indicator_region,
                                                   "as_of": day.isoformat()}.items() if v})
        return render(
            "dashboard.html", viewer, indicator=indicator, region=region,
            as_of=day.isoformat(), indicator_label=board.INDICATOR_LABELS[indicator],
            indicator_choices=list(board.INDICATOR_LABELS.items()),
            region_choices=board.REGION_CHOICES, goals=view.goals,
            indicator_summary=view.indicator_summary, indicator_charts=view.indicator_charts,
            scope_note=view.scope_note,
            drafting_charts=view.drafting_charts, overdue=view.overdue,
            overdue_total=view.overdue_total, alerts=view.alerts,
            alerts_total=view.alerts_total, not_counted_total=view.not_counted_total,
            scope_query=scope_query, region_query=urlencode({"region": region} if region else {}),
            export_groups=board.EXPORT_GROUPS[indicator])

    @get("/standard", opt=PUBLIC)
    async def standard_page(
        self, request: Request[Any, Any, Any],
        code: Annotated[str, QueryParameter(min_length=1, max_length=200)],
    ) -> Response[str]:
        """One standard for everyone, by any spelling of its code: titles, status and its
        dates, classification, editions, replacements and adoptions, each code a link."""
        viewer = await _viewer(request)
        try:
            standard = await standards_repository.find_standard(code)
        except CodeError as exc:
            return render("standard.html", viewer, status_code=400, code=code, standard=None,
                          error=f"“{code}” 不是标准号 is not a standard code: {exc}")
        except NotFoundError:
            return render("standard.html", viewer, status_code=404, code=code, standard=None,
                          error=f"标准库中没有 “{code}” (not in the catalogue)")
        return render("standard.html", viewer, code=code, standard=standard,
                      status_label=STATUS_LABELS[standard.status],
                      source_url=_web_address(standard.source_url))

    @get("/sign-in", opt=PUBLIC)
    async def sign_in_form(
        self, request: Request[Any, Any, Any],
        next: Annotated[str, QueryParameter(max_length=2000)] = "/",
    ) -> Response[str]:
        return render("sign_in.html", await _viewer(request), next=_safe_next(next))

    @post("/sign-in", opt=PUBLIC, status_code=303)
    async def sign_in(
        self, request: Request[Any, Any, Any],
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """Check the token; on success set the session cookie and go where the user was."""
        token = (data.get("token") or "").strip()
        target = _safe_next(data.get("next"))
        digest = hash_token(token) if token else ""
        identity = await identity_for_hash(digest) if token else None
        if identity is None:
            return render("sign_in.html", None, status_code=401, next=target,
                          error="令牌无效或账号已停用 the token is not valid")
        if identity.role not in DASHBOARD_ROLES:
            return render("sign_in.html", None, status_code=403, next=target,
                          error="企业账号请使用 API；看板仅供工作人员和领导 enterprise accounts "
                                "use the API; the dashboard is for staff and leaders")
        secret = session_secret(_settings(request).home)
        response: Response[Any] = Redirect(target, status_code=303)
        response.set_cookie(SESSION_COOKIE, session_cookie_value(secret, digest),
                            max_age=SESSION_SECONDS, path="/", httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
        return response

    @post("/sign-out", opt=PUBLIC, status_code=303)
    async def sign_out(self) -> Response[Any]:
        response: Response[Any] = Redirect("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/not-counted/{name:str}", opt=READERS)
    async def not_counted(
        self, request: Request[Any, Any, Any], name: FromPath[str],
        region: RegionParam = "",
        sector: Annotated[str | None, QueryParameter(max_length=100)] = None,
        key_field: Annotated[str | None, QueryParameter(max_length=40)] = None,
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
        reason: Annotated[str | None, QueryParameter(max_length=40)] = None,
        page: Page = 1,
    ) -> Response[str]:
        """What an indicator did not count, and why: one page of the drill-down list."""
        if name not in board.INDICATOR_LABELS:
            raise InputError(f"no indicator {name!r}; one of {', '.join(board.INDICATOR_LABELS)}")
        day = _as_of(as_of)
        query = IndicatorQuery(name=IndicatorName(name), as_of=day, region=region or None,
                               sector=sector, key_field=key_field)
        listing = await not_counted_page(query, reason, page, 50)
        params = {k: v for k, v in {"region": region, "sector": sector, "key_field": key_field,
                                    "as_of": day.isoformat()}.items() if v}

        def reason_query(chosen: str) -> str:
            return urlencode({**params, "reason": chosen})

        def page_query(number: int) -> str:
            return urlencode({**params, **({"reason": reason} if reason else {}),
                              "page": number})

        export = urlencode({**params, **({"reason": reason} if reason else {})})
        return render(
            "not_counted.html", identity_of_request(request),
            indicator_label=board.INDICATOR_LABELS[name], as_of=day.isoformat(),
            scope_label=board.scope_label(region), total=listing.total,
            reasons=[(key, board.REASON_LABELS.get(key, key), count)
                     for key, count in listing.counts.items()],
            current_reason=reason, reason_query=reason_query, page_query=page_query,
            export_url=f"/api/exports/not-counted/{name}?{export}",
            columns=NOT_COUNTED_COLUMNS, rows=listing.rows, page=page, page_size=50,
            back_query=urlencode({"indicator": name, **params}))


def identity_of_request(request: Request[Any, Any, Any]) -> Identity | None:
    identity: Identity | None = request.scope.get("state", {}).get("identity")
    return identity
