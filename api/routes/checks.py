"""标准查新 over HTTP: check pasted text (public for short lists, rate-limited per address) or
an uploaded document (signed in), answered as JSON, XLSX or the PDF 查新报告."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from litestar import Controller, Request, Response, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from adoption.rate_limits_repository import count_request
from api.auth import Identity, Role, identity_in
from api.checks import (
    MAX_CITATIONS,
    PUBLIC_MAX_CHARS,
    PUBLIC_MAX_CODES,
    SIGNED_IN_MAX_CHARS,
    check_file,
    check_text,
    report_table,
)
from api.checks_pdf import PDF_MEDIA_TYPE, report_pdf
from api.errors import AuthError, InputError
from api.exports import XLSX_MEDIA_TYPE, content_disposition, to_xlsx
from api.openapi import problems
from api.sessions import require_json
from api.sign_in import client_address
from api.uploads import saved_uploads
from importers.errors import UnreadableFileError
from standards.schemas import CheckReport
from standards.settings import Settings

SIGNED_IN = frozenset({Role.STAFF, Role.LEADER, Role.ENTERPRISE})
RATE_WINDOW = dt.timedelta(hours=1)
EARLIEST = dt.date(1949, 1, 1)


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"


FormatParam = Annotated[ReportFormat, QueryParameter(description="xlsx or pdf (查新报告)")]


class CheckRequest(BaseModel):
    """Text to check: a list of codes or any prose citing standards."""

    text: str = Field(min_length=1, max_length=SIGNED_IN_MAX_CHARS, description=(
        f"at most {PUBLIC_MAX_CHARS} characters and {PUBLIC_MAX_CODES} codes without signing "
        "in"))
    as_of: dt.date | None = Field(default=None, description="the day statuses are judged on "
                                  "(default: today)")


class CheckUpload(BaseModel):
    """Multipart form of ``POST /api/checks/files``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    file: UploadFile
    as_of: dt.date | None = None


def checked_day(as_of: dt.date | None) -> dt.date:
    """The check date: ``as_of`` within 1949 .. 50 years ahead, else today.

    Raises:
        InputError: a date outside that range.
    """
    today = dt.date.today()
    if as_of is None:
        return today
    if not EARLIEST <= as_of <= today.replace(year=today.year + 50):
        raise InputError(f"as_of={as_of.isoformat()}: expected a day from 1949 to 50 years ahead")
    return as_of


async def text_report(request: Request[Any, Any, Any], data: JSONBody[CheckRequest]) -> CheckReport:
    """Check a request's text with the limits of its caller: anyone may check a short list
    (counted against their address), the signed-in a long text."""
    identity: Identity | None = identity_in(request)
    settings: Settings = request.app.state.settings
    as_of = checked_day(data.as_of)
    if identity is not None:
        return await check_text(data.text, as_of)
    if len(data.text) > PUBLIC_MAX_CHARS:
        raise AuthError(f"texts over {PUBLIC_MAX_CHARS} characters are checked for signed-in "
                        "accounts only 超过长度的文本请登录后查新")
    await count_request(f"check:{client_address(request)}", dt.datetime.now(dt.UTC),
                        window=RATE_WINDOW, limit=settings.check_rate_per_hour,
                        what="标准查新 checks")
    report = await check_text(data.text, as_of, limit=PUBLIC_MAX_CODES * 20)
    if report.distinct > PUBLIC_MAX_CODES:
        raise AuthError(f"the text cites {report.distinct} standards; lists of more than "
                        f"{PUBLIC_MAX_CODES} are checked for signed-in accounts only "
                        "超过条数的清单请登录后查新")
    return report


async def file_report(request: Request[Any, Any, Any], data: CheckUpload) -> CheckReport:
    settings: Settings = request.app.state.settings
    as_of = checked_day(data.as_of)
    async with saved_uploads(data.file, settings) as paths:
        try:
            # the document is read and searched in a thread (api.checks), never here
            return await check_file(paths[0], as_of, settings.read_limits,
                                    source=paths[0].name, limit=MAX_CITATIONS)
        except UnreadableFileError as exc:
            raise InputError(f"文件无法读取 the document cannot be read: {exc.problem}") from exc


def report_download(report: CheckReport, fmt: ReportFormat) -> Response[bytes]:
    """The XLSX sheet or the PDF 查新报告 as a download."""
    stem = f"标准查新-{report.as_of.isoformat()}"
    if fmt is ReportFormat.PDF:
        return Response(report_pdf(report), media_type=PDF_MEDIA_TYPE, headers={
            "Content-Disposition": content_disposition(f"{stem}.pdf")})
    return Response(to_xlsx(report_table(report)), media_type=XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": content_disposition(f"{stem}.xlsx")})


PUBLIC_JSON = {"roles": Role.PUBLIC, "csrf": False}
DESCRIPTION = (
    "Every standard code in the text is found (any spelling, inside Chinese prose, in "
    "规范性引用文件 lists, dated or undated, double numbers such as GB/T 19001-2016/ISO "
    "9001:2015) and answered once per distinct code with its verdict on `as_of`: current "
    "现行, replaced 已被代替 (with successors), withdrawn 已废止, upcoming 即将实施, not_found "
    "未收录, malformed 编号有误. An undated code is answered with the edition in force. "
    f"Without signing in: at most {PUBLIC_MAX_CHARS} characters and {PUBLIC_MAX_CODES} codes, "
    "and a number of checks per hour per address (429 with Retry-After past it); longer "
    "texts answer 401.")


class CheckController(Controller):
    path = "/api/checks"
    tags = ["checks"]

    @post("/", summary="Check the standards a text cites (标准查新; public for short lists)",
          description=DESCRIPTION, status_code=200, opt=PUBLIC_JSON,
          responses=problems(401, 415, 429))
    async def check(self, request: Request[Any, Any, Any],
                    data: JSONBody[CheckRequest]) -> CheckReport:
        require_json(request)
        return await text_report(request, data)

    @post("/report", summary="The same check as an XLSX sheet or a PDF 查新报告",
          description=DESCRIPTION, status_code=200,
          opt={**PUBLIC_JSON, "downloads": (XLSX_MEDIA_TYPE, PDF_MEDIA_TYPE)},
          responses=problems(401, 415, 429))
    async def report(self, request: Request[Any, Any, Any], data: JSONBody[CheckRequest],
                     format: FormatParam) -> Response[bytes]:
        require_json(request)
        return report_download(await text_report(request, data), format)

    @post("/files", summary="Check a document: TXT, CSV, XLSX, DOCX or PDF (signed in)",
          description="The document's text (a PDF's text layer; no OCR) is read within the "
          "import read limits and searched as `POST /api/checks` does. 400 when it cannot be "
          "read (damaged, encrypted, unsafe, over a limit: the message says which).",
          status_code=200, opt={"roles": SIGNED_IN})
    async def check_file(
        self, request: Request[Any, Any, Any],
        data: Annotated[CheckUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> CheckReport:
        return await file_report(request, data)

    @post("/files/report", summary="A document's check as an XLSX sheet or a PDF 查新报告",
          status_code=200, description="As `POST /api/checks/files`, answered as a download.",
          opt={"roles": SIGNED_IN, "downloads": (XLSX_MEDIA_TYPE, PDF_MEDIA_TYPE)})
    async def file_report_download(
        self, request: Request[Any, Any, Any],
        data: Annotated[CheckUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        format: FormatParam,
    ) -> Response[bytes]:
        return report_download(await file_report(request, data), format)
