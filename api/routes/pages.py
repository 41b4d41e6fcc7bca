"""HTML pages: the leadership dashboard at ``/`` (staff and leaders), the public search page and
standard page, and the drill-down list (sign-in and account pages: api/web/account_pages.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

import anyio
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from adoption import feedback_repository
from adoption.indicators import IndicatorName, IndicatorQuery
from api.auth import Role, identity_in
from api.dashboard import data as board
from api.dashboard.briefing import briefing_document
from api.errors import InputError
from api.params import Page
from api.pdf import render_pdf
from api.routes.exports import not_counted_page
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, data_translator, language_of, translator
from api.web.render import render_page
from api.workbench.review_pages import FEEDBACK_KINDS
from standards import data_version
from standards import repository as standards_repository
from standards.errors import CodeError, NotFoundError
from standards.vocab import Level, Status

PUBLIC = {"roles": Role.PUBLIC}
READERS = {"roles": frozenset({Role.STAFF, Role.LEADER})}
DASHBOARD_ROLES = frozenset({Role.STAFF, Role.LEADER})
IndicatorParam = Annotated[str, QueryParameter(pattern=r"^(coverage|adoption|standard-adoption|"
                                                       r"conversion)$")]
RegionParam = Annotated[str, QueryParameter(pattern=r"^(\d{2}(\d{2}(\d{2})?)?)?$")]


PRODUCT_COLUMNS = (  # the drill-down of product indicators (headers are msgids)
    ("reason_label", N_("未计入原因")), ("enterprise_name", N_("企业名称")),
    ("uscc", N_("统一社会信用代码")), ("region_name", N_("地区")),
    ("product_name", N_("产品名称")), ("product_model", N_("产品型号")),
    ("main_text", N_("主要产品")), ("code", N_("执行标准")), ("title_zh", N_("标准名称")))
STANDARD_COLUMNS = (("reason_label", N_("未计入原因")), ("code", N_("标准号")),
                    ("title_zh", N_("标准名称")))
YES_NO = {True: N_("是"), False: N_("否")}


def reason_words(reason: str, products: bool) -> str:
    """A not-counted reason in the page's words (msgid): about products or standards."""
    if not products and reason in board.STANDARD_REASONS:
        return board.STANDARD_REASONS[reason]
    return board.PAGE_REASONS.get(reason, reason)


async def _title_of(code: str) -> str:
    try:
        return (await standards_repository.find_standard(code)).title_zh or ""
    except (CodeError, NotFoundError):
        return ""


async def drill_rows(rows: list[dict[str, Any]], products: bool) -> list[dict[str, Any]]:
    """The drill-down's rows as the page shows them: declared codes one after another with
    their titles (a code the catalogue lacks has none), 是/否, the reason in words."""
    shown = []
    for row in rows:
        item = dict(row)
        item["reason_label"] = reason_words(str(row["reason"]), products)
        if products:
            codes = [str(code) for code in row.get("declared_codes") or []]
            titles = [await _title_of(code) for code in codes]
            item["code"] = "、".join(codes)
            item["title_zh"] = "；".join(title for title in titles if title)
            main = row.get("main")
            item["main_text"] = "" if main is None else YES_NO[bool(main)]
        shown.append(item)
    return shown


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
        language = language_of(request)
        view = await board.build_dashboard(indicator, region, day, language)
        scope_query = board.query_string(region=view.indicator_region, as_of=day.isoformat())
        other = "32" if region.startswith("22") or not region else "22"
        return render_page(
            request, "dashboard/dashboard.html", indicator=indicator, region=region,
            as_of=day.isoformat(), indicator_label=board.INDICATOR_LABELS[indicator],
            indicator_choices=list(board.INDICATOR_LABELS.items()),
            region_choices=board.REGION_CHOICES, goals=view.goals,
            region_label=translator(request)(board.REGIONS[region]) if region in board.REGIONS
            else board.scope_label(region),
            summary_text=view.summary.text if view.summary else "",
            indicator_charts=view.indicator_charts, sector_note=view.sector_note,
            scope_note=view.scope_note,
            drafting_charts=view.drafting_charts, overdue=view.overdue,
            overdue_total=view.overdue_total, alerts=view.alerts,
            alerts_total=view.alerts_total, not_counted_total=view.not_counted_total,
            scope_query=scope_query, region_query=urlencode({"region": region} if region else {}),
            compare_query=board.query_string(indicator=indicator, left=region or "22",
                                             right=other, as_of=day.isoformat()),
            briefing_query=board.query_string(indicator=indicator, region=region,
                                              as_of=day.isoformat()),
            export_groups=board.EXPORT_GROUPS[indicator])

    @get("/compare", opt=READERS)
    async def compare(
        self, request: Request[Any, Any, Any],
        indicator: IndicatorParam = "coverage",
        left: Annotated[str, QueryParameter(pattern=r"^\d{2}(\d{2}(\d{2})?)?$")] = "22",
        right: Annotated[str, QueryParameter(pattern=r"^\d{2}(\d{2}(\d{2})?)?$")] = "32",
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
    ) -> Response[str]:
        """Two regions side by side: the indicator, its cities, trends and goals."""
        day = _as_of(as_of)
        view = await board.build_comparison(indicator, [left, right], day, language_of(request))
        return render_page(
            request, "dashboard/compare.html", indicator=indicator, left=left, right=right,
            as_of=day.isoformat(), indicator_label=board.INDICATOR_LABELS[indicator],
            indicator_choices=list(board.INDICATOR_LABELS.items()),
            region_choices=board.REGION_CHOICES, panels=view.panels,
            reasons=board.reason_words(indicator))

    @get("/briefing.pdf", opt=READERS)
    async def briefing(
        self, request: Request[Any, Any, Any],
        indicator: IndicatorParam = "coverage",
        region: RegionParam = "22",
        as_of: Annotated[str | None, QueryParameter(max_length=10)] = None,
    ) -> Response[bytes]:
        """The one-page briefing (简报) as PDF: goal cards, the indicator by city with its
        target, the trend and overdue projects, drawn on the server with embedded fonts."""
        day = _as_of(as_of)
        language = language_of(request)

        async def draw() -> bytes:
            view = await board.build_dashboard(indicator, region, day, language)
            document = briefing_document(view, translator(request))
            return await anyio.to_thread.run_sync(render_pdf, document)

        pdf = await data_version.kept(("briefing", indicator, region, day.isoformat(),
                                       language, dt.date.today().isoformat()), draw)
        name = f"briefing-{indicator}-{region or 'all'}-{day.isoformat()}.pdf"
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store"})

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
        products = name in board.PRODUCT_INDICATORS
        return render_page(
            request, "dashboard/not_counted.html",
            indicator_label=board.INDICATOR_LABELS[name], as_of=day.isoformat(),
            scope_label=board.scope_label(region), total=listing.total,
            reasons=[(key, reason_words(key, products), count)
                     for key, count in listing.counts.items()],
            current_reason=reason, reason_query=reason_query, page_query=page_query,
            export_url=f"/api/exports/not-counted/{name}?{export}",
            columns=PRODUCT_COLUMNS if products else STANDARD_COLUMNS,
            rows=await drill_rows(listing.rows, products), page=page, page_size=50,
            back_query=urlencode({"indicator": name, **params}))
