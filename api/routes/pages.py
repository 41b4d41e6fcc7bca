"""HTML pages: the leadership dashboard at ``/`` (staff and leaders), the public search page and
standard page, and the drill-down list (sign-in and account pages: api/web/account_pages.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from adoption import feedback_repository
from adoption.indicators import IndicatorName, IndicatorQuery
from api.auth import Role, identity_in
from api.dashboard import data as board
from api.errors import InputError
from api.params import Page
from api.routes.exports import NOT_COUNTED_COLUMNS, not_counted_page
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, data_translator, translator
from api.web.render import render_page
from api.workbench.review_pages import FEEDBACK_KINDS
from standards import repository as standards_repository
from standards.errors import CodeError, NotFoundError
from standards.vocab import Level, Status

PUBLIC = {"roles": Role.PUBLIC}
READERS = {"roles": frozenset({Role.STAFF, Role.LEADER})}
DASHBOARD_ROLES = frozenset({Role.STAFF, Role.LEADER})
IndicatorParam = Annotated[str, QueryParameter(pattern=r"^(coverage|adoption|standard-adoption|"
                                                       r"conversion)$")]
RegionParam = Annotated[str, QueryParameter(pattern=r"^(\d{2}(\d{2}(\d{2})?)?)?$")]


STATUS_LABELS = {Status.CURRENT: N_("现行"), Status.UPCOMING: N_("即将实施"),
                 Status.WITHDRAWN: N_("废止")}


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
    exception_handlers = PAGE_EXCEPTION_HANDLERS

    @get("/", opt=PUBLIC)
    async def home(
        self, request: Request[Any, Any, Any],
        indicator: IndicatorParam = "coverage",
        region: RegionParam = "22",
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
        q: Annotated[str, QueryParameter(max_length=200)] = "",
    ) -> Response[str]:
        """The dashboard for staff and leaders; the standards search for everyone else."""
        viewer = identity_in(request)
        if viewer is None or viewer.role not in DASHBOARD_ROLES:
            return render_page(request, "dashboard/search.html", q=q)
        day = _as_of(as_of)
        view = await board.build_dashboard(indicator, region, day)
        scope_query = urlencode({k: v for k, v in
                                 {"region": view.indicator_region,
                                                    "as_of": day.isoformat()}.items() if v})
        return render_page(
            request, "dashboard/dashboard.html", indicator=indicator, region=region,
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
        _ = data_translator(request)
        try:
            standard = await standards_repository.find_standard(code)
        except CodeError:
            return render_page(request, "dashboard/standard.html", status_code=400, code=code,
                               standard=None,
                               error=_("“%(code)s” 不是标准号。", code=code))
        except NotFoundError:
            return render_page(request, "dashboard/standard.html", status_code=404, code=code,
                               standard=None, error=_("标准库中没有 “%(code)s”。", code=code))
        local = standard.level is Level.LOCAL
        if local:  # a count for the implementation evaluation, nothing about who
            await feedback_repository.count_view(
                standard.id, dt.date.today().strftime("%Y-%m"),
                search=request.query_params.get("via") == "search")
        return render_page(request, "dashboard/standard.html", code=code, standard=standard,
                           status_label=translator(request)(STATUS_LABELS[standard.status]),
                           source_url=_web_address(standard.source_url), local=local,
                           feedback_kinds=FEEDBACK_KINDS)

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
        return render_page(
            request, "dashboard/not_counted.html",
            indicator_label=board.INDICATOR_LABELS[name], as_of=day.isoformat(),
            scope_label=board.scope_label(region), total=listing.total,
            reasons=[(key, board.REASON_LABELS.get(key, key), count)
                     for key, count in listing.counts.items()],
            current_reason=reason, reason_query=reason_query, page_query=page_query,
            export_url=f"/api/exports/not-counted/{name}?{export}",
            columns=NOT_COUNTED_COLUMNS, rows=listing.rows, page=page, page_size=50,
            back_query=urlencode({"indicator": name, **params}))
