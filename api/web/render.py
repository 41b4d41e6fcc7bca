"""Rendering a page: one Jinja environment per language over every face's templates, the
shared layout's context (who is signed in, navigation, language switch, CSRF field), and the
HTML response (never cached: pages show a session's data).

Templates are named by face: ``web/…`` (this folder: the layout, sign-in, account pages),
``dashboard/…``, ``portal/…``, ``workbench/…`` — each face keeps its templates in
``api/<face>/templates``. A page extends ``web/layout.html`` and fills ``title``, ``main``
(and optionally ``head`` and ``scripts``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, PrefixLoader, select_autoescape
from litestar import Request, Response
from markupsafe import Markup

from api.auth import Identity, Role, Via, identity_in
from api.sessions import CSRF_FIELD, cookie_options, presession_token, remember_presession
from api.web.i18n import (
    HTML_LANG,
    LANG_COOKIE,
    LANG_PARAM,
    LANGUAGES,
    N_,
    SWITCH_LABEL,
    chosen_language,
    gettext_for,
    language_of,
    mark_data,
    translations,
)

API_DIR = Path(__file__).resolve().parent.parent
FACES = ("web", "dashboard", "portal", "workbench")
HTML = "text/html; charset=utf-8"
LANG_COOKIE_SECONDS = 365 * 24 * 3600

ROLE_LABELS = {Role.LEADER: N_("领导"), Role.STAFF: N_("工作人员"),
               Role.ENTERPRISE: N_("企业"), Role.PUBLIC: N_("公众")}


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link of the layout's navigation, shown to the roles named (``None``: signed out)."""

    href: str
    label: str  # a Chinese msgid, marked with N_
    roles: frozenset[Role | None]
    id: str


SIGNED_IN = frozenset({Role.STAFF, Role.LEADER, Role.ENTERPRISE})
# Faces add their own entries here (in the order they should appear).
NAV: list[NavItem] = [
    NavItem("/", N_("标准检索"), frozenset({None, Role.ENTERPRISE}), "nav-search"),
    NavItem("/", N_("看板"), frozenset({Role.STAFF, Role.LEADER}), "nav-dashboard"),
    NavItem("/portal", N_("我的企业"), frozenset({Role.ENTERPRISE}), "nav-portal"),
    NavItem("/portal/products", N_("产品与声明"), frozenset({Role.ENTERPRISE}), "nav-products"),
    NavItem("/portal/alerts", N_("提醒"), frozenset({Role.ENTERPRISE}), "nav-alerts"),
    NavItem("/declarations", N_("声明查询"), frozenset({None, *SIGNED_IN}), "nav-declarations"),
    NavItem("/checks", N_("标准查新"), frozenset({None, *SIGNED_IN}), "nav-checks"),
    NavItem("/portal/checks", N_("声明标准查新"), frozenset({Role.ENTERPRISE}),
            "nav-declared-checks"),
    NavItem("/watches", N_("关注"), SIGNED_IN, "nav-watches"),
    NavItem("/register", N_("企业注册"), frozenset({None}), "nav-register"),
    NavItem("/workbench/conflicts", N_("冲突处理"), frozenset({Role.STAFF}), "nav-conflicts"),
    NavItem("/workbench/drafting", N_("制修订项目"), frozenset({Role.STAFF}), "nav-drafting"),
    NavItem("/workbench/goals", N_("目标"), frozenset({Role.STAFF}), "nav-goals"),
    NavItem("/workbench/domain-rules", N_("领域规则"), frozenset({Role.STAFF}), "nav-domain-rules"),
    NavItem("/workbench/foreign-bodies", N_("国外先进标准机构"), frozenset({Role.STAFF}),
            "nav-foreign-bodies"),
    NavItem("/workbench/registrations", N_("注册审核"), frozenset({Role.STAFF}),
            "nav-registrations"),
    NavItem("/workbench/accounts", N_("账号管理"), frozenset({Role.STAFF}), "nav-accounts"),
    NavItem("/workbench/imports", N_("导入"), frozenset({Role.STAFF}), "nav-imports"),
    NavItem("/workbench/schedules", N_("定时任务"), frozenset({Role.STAFF}), "nav-schedules"),
    NavItem("/workbench/reviews", N_("复审"), frozenset({Role.STAFF, Role.LEADER}), "nav-reviews"),
    NavItem("/account", N_("我的账号"), SIGNED_IN, "nav-account"),
]


@cache
def environment(language: str) -> Environment:
    """The templates of every face, autoescaped, with gettext in ``language``."""
    loader = PrefixLoader({face: FileSystemLoader(str(API_DIR / face / "templates"))
                           for face in FACES})
    env = Environment(loader=loader, autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["data"] = partial(mark_data, language)
    return env


def page_csrf_token(request: Request[Any, Any, Any]) -> str:
    """The CSRF token this page's forms must carry: the session's, or the pre-session one."""
    identity = identity_in(request)
    if identity is not None and identity.via is Via.SESSION and identity.csrf_token:
        return identity.csrf_token
    return presession_token(request)


def _switch_url(request: Request[Any, Any, Any], language: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != LANG_PARAM]
    if request.method != "GET":
        params = []  # the form's answer: switch on the form itself
    return f"{request.url.path}?{urlencode([*params, (LANG_PARAM, language)])}"


def _nav(identity: Identity | None, path: str) -> list[dict[str, Any]]:
    role = identity.role if identity else None
    return [{"href": item.href, "label": item.label, "id": item.id,
             "current": item.href == path}
            for item in NAV if role in item.roles]


def render_page(request: Request[Any, Any, Any], template: str, *, status_code: int = 200,
                headers: dict[str, str] | None = None, **context: Any) -> Response[str]:
    """A page as an HTML response in the request's language.

    The template sees ``_``/``ngettext``, ``identity`` (None when signed out), ``language``,
    ``csrf_field()`` (the hidden input every POST form must contain), ``csrf_token``, and
    ``context``. Sets the language cookie when ``?lang=`` chose one and the pre-session cookie
    when the page's forms need a new one.
    """
    language = language_of(request)
    identity = identity_in(request)
    other = next(code for code in LANGUAGES if code != language)
    token = page_csrf_token(request)
    _ = gettext_for(language)
    html = environment(language).get_template(template).render(
        identity=identity, language=language, html_lang=HTML_LANG[language],
        role_label=_(ROLE_LABELS[identity.role]) if identity else "",
        nav=_nav(identity, request.url.path), request_path=request.url.path,
        switch_url=_switch_url(request, other), switch_label=SWITCH_LABEL[other],
        switch_lang=HTML_LANG[other], csrf_token=token,
        csrf_field=lambda: Markup('<input type="hidden" name="{}" value="{}">').format(
            CSRF_FIELD, token),
        today=dt.date.today().isoformat(), **context)
    response: Response[str] = Response(
        html, media_type=HTML, status_code=status_code,
        headers={"Cache-Control": "no-store", "Content-Language": HTML_LANG[language],
                 **(headers or {})})
    chosen = chosen_language(request)
    if chosen is not None:
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_COOKIE_SECONDS,
                            **cookie_options(request))
    remember_presession(request, response)
    return response
