"""The 标准查新 page (``/checks``): paste a list or any text (anyone, short lists, counted per
address), upload a document (signed in), choose the day; the answer as a page, an XLSX sheet
or the PDF 查新报告. Enterprises also get ``/portal/checks``: every standard they declare,
checked in one click."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from pydantic import BaseModel, ConfigDict

from adoption.declarations_repository import declared_codes
from adoption.errors import RateLimited
from api.auth import Role, identity_in
from api.checks import PUBLIC_MAX_CHARS, PUBLIC_MAX_CODES, SIGNED_IN_MAX_CHARS
from api.errors import ApiError, AuthError, InputError, PayloadTooLarge
from api.routes.checks import (
    CheckRequest,
    CheckUpload,
    ReportFormat,
    file_report,
    report_download,
    text_report,
)
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import N_, translator
from api.web.render import render_page
from standards.citation_checks import check_report
from standards.citations import Citation, TextChunk, extract_citations
from standards.schemas import CheckReport

VERDICT_WORDS = {"current": N_("现行"), "replaced": N_("已被代替"), "withdrawn": N_("已废止"),
                 "upcoming": N_("即将实施"), "not_found": N_("未收录"),
                 "malformed": N_("编号有误")}
OUTPUTS = ("page", "xlsx", "pdf")


class CheckForm(BaseModel):
    """The page's form (multipart: the file is optional)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    text: str = ""
    file: UploadFile | None = None
    as_of: str = ""
    output: str = "page"


def _day(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"as_of={text[:20]!r}: expected YYYY-MM-DD") from exc


def _answer(request: Request[Any, Any, Any], report: CheckReport, output: str,
            **context: Any) -> Response[Any]:
    if output in (ReportFormat.XLSX, ReportFormat.PDF):
        return report_download(report, ReportFormat(output))
    return render_page(request, "web/checks.html", report=report, verdicts=VERDICT_WORDS,
                       limits=_limits(), **context)


def _limits() -> dict[str, int]:
    return {"chars": PUBLIC_MAX_CHARS, "codes": PUBLIC_MAX_CODES,
            "signed_in_chars": SIGNED_IN_MAX_CHARS}


class CheckPages(Controller):
    path = "/checks"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = {"roles": Role.PUBLIC}

    @get("/")
    async def form(self, request: Request[Any, Any, Any]) -> Response[str]:
        return render_page(request, "web/checks.html", report=None, verdicts=VERDICT_WORDS,
                           limits=_limits(), problem=None, text="", as_of="")

    @post("/", status_code=200)
    async def check(
        self, request: Request[Any, Any, Any],
        data: Annotated[CheckForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[Any]:
        _ = translator(request)
        output = data.output if data.output in OUTPUTS else "page"
        keep: dict[str, Any] = {"text": data.text[:PUBLIC_MAX_CHARS], "as_of": data.as_of[:10]}
        uploaded = data.file is not None and bool(data.file.filename)

        def refused(status: int, problem: str) -> Response[str]:
            return render_page(request, "web/checks.html", status_code=status, report=None,
                               verdicts=VERDICT_WORDS, limits=_limits(), problem=problem, **keep)

        try:
            as_of = _day(data.as_of)
            if uploaded:
                if identity_in(request) is None:
                    return refused(401, _("检查文件须先登录；未登录时可粘贴不超过 %(n)s 条的清单。",
                                          n=PUBLIC_MAX_CODES))
                assert data.file is not None
                report = await file_report(request, CheckUpload(file=data.file, as_of=as_of))
            else:
                if not data.text.strip():
                    return refused(400, _("请粘贴标准清单或文本，或选择一个文件。"))
                if len(data.text) > SIGNED_IN_MAX_CHARS:
                    raise InputError("text too long")
                report = await text_report(request, CheckRequest(text=data.text, as_of=as_of))
        except RateLimited as exc:
            return refused(429, _("查新过于频繁，请 %(n)s 秒后再试，或登录后使用。",
                                  n=exc.retry_after))
        except AuthError:
            return refused(401, _(
                "未登录时每次最多查 %(n)s 条、%(chars)s 字；更长的清单请登录后查新。",
                n=PUBLIC_MAX_CODES, chars=PUBLIC_MAX_CHARS))
        except PayloadTooLarge:
            return refused(413, _("文件太大。"))
        except ApiError as exc:
            return refused(400, _("无法查新：%(problem)s", problem=str(exc)))
        return _answer(request, report, output, problem=None, **keep)


class PortalCheckPages(Controller):
    """An enterprise's declared standards checked in one click."""

    path = "/portal/checks"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = {"roles": frozenset({Role.ENTERPRISE})}

    @get("/")
    async def declared(self, request: Request[Any, Any, Any]) -> Response[str]:
        return render_page(request, "web/checks_declared.html", report=None,
                           verdicts=VERDICT_WORDS)

    @post("/", status_code=200)
    async def check_declared(
        self, request: Request[Any, Any, Any],
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        identity = identity_in(request)
        assert identity is not None and identity.uscc  # the role guard let an enterprise in
        declared = await declared_codes(identity.uscc)
        citations: list[Citation] = []
        for code, product in declared:
            found = extract_citations([TextChunk(product, code)], limit=1)
            citations.extend(found or [Citation(code, product, None, "not a standard code")])
        _ = translator(request)
        report = await check_report(citations, as_of=dt.date.today(),
                                    source=_("本企业声明的标准"), truncated=False)
        output = data.get("output", "page")
        if output in (ReportFormat.XLSX, ReportFormat.PDF):
            return report_download(report, ReportFormat(output))
        return render_page(request, "web/checks_declared.html", report=report,
                           verdicts=VERDICT_WORDS)
