"""What anyone may use without signing in, for the self-declaration portal: live suggestions of
standards as a code or words are typed, an enterprise's public data, and the QR code of its
public page (``/enterprises/{uscc}``), encoding the page's absolute address."""

from __future__ import annotations

import io
from typing import Annotated, Any

import segno
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter
from pydantic import BaseModel, Field

from adoption import public_repository, repository
from adoption.schemas import PublicEnterprise
from adoption.uscc import normalize_uscc
from api import search_service
from api.openapi import problems
from api.params import Page, PageSize
from api.routes.access import translated
from search_index.errors import IndexUnavailableError, QueryError
from search_index.schemas import SearchRequest
from standards import repository as standards_repository
from standards.codes import try_parse_code
from standards.errors import NotFoundError
from standards.settings import Settings
from standards.vocab import Level, Status

PUBLIC = {"roles": "public"}
QR_SCALE = 8  # pixels per module in the PNG: about 300 px for a short address, easy to scan


class StandardSuggestion(BaseModel):
    id: int
    code: str
    title_zh: str | None
    title_en: str | None
    status: Status
    level: Level


class Suggestions(BaseModel):
    """Standards matching what was typed so far, best first (code prefixes and words)."""

    query: str
    code: str | None = Field(description="what the text means as a code, when it is one")
    items: list[StandardSuggestion]


def _public_url(request: Request[Any, Any, Any]) -> str:
    """The site's address as the public sees it: STDTRACK_PUBLIC_URL, else this request's."""
    settings: Settings = request.app.state.settings
    return settings.public_url or str(request.base_url).rstrip("/")


def enterprise_page_url(request: Request[Any, Any, Any], uscc: str) -> str:
    return f"{_public_url(request)}/enterprises/{uscc}"


async def _registered_uscc(uscc: str) -> str:
    with translated():
        code = normalize_uscc(uscc)
    await repository.get_enterprise(code)  # 404 for an enterprise nobody registered
    return code


class SuggestionController(Controller):
    path = "/api/standards/suggest"
    tags = ["standards"]

    @get("/", summary="Live suggestions while a standard code or title is typed (public): "
         "code, title and status; any spelling ('gbt 19001', 'ＧＢ／Ｔ１９００１', '质量管理')",
         opt=PUBLIC)
    async def suggest(
        self,
        request: Request[Any, Any, Any],
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        limit: Annotated[int, QueryParameter(ge=1, le=20)] = 8,
    ) -> Suggestions:
        text = " ".join(q.split())
        parsed = try_parse_code(text) if text else None
        items: list[StandardSuggestion] = []
        if parsed is not None:
            try:
                found = await standards_repository.find_standard(text)
            except NotFoundError:
                pass
            else:
                items.append(StandardSuggestion(
                    id=found.id, code=found.code, title_zh=found.title_zh,
                    title_en=found.title_en, status=found.status, level=found.level))
        if text:
            try:
                result = await search_service.search(
                    request.app.state.settings,
                    SearchRequest(q=text, page_size=limit, facets=False, highlight=False))
            except (QueryError, IndexUnavailableError):
                result = None  # suggestions stay quiet; the exact code still answers
            seen = {item.id for item in items}
            for hit in result.hits if result else []:
                if hit.id not in seen:
                    seen.add(hit.id)
                    items.append(StandardSuggestion(
                        id=hit.id, code=hit.code, title_zh=hit.title_zh,
                        title_en=hit.title_en, status=hit.status, level=hit.level))
        return Suggestions(query=q, code=parsed.normalized if parsed else None,
                           items=items[:limit])


class PublicEnterpriseController(Controller):
    path = "/api/enterprises"
    tags = ["enterprises"]

    @get("/{uscc:str}/public", summary="What anyone may see of an enterprise: its products "
         "and the standards they follow with their status today, its enterprise standards "
         "with their indicators (public, like the national platform)", opt=PUBLIC,
         responses=problems(422))
    async def public_enterprise(
        self,
        uscc: FromPath[str],
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> PublicEnterprise:
        code = await _registered_uscc(uscc)
        return await public_repository.public_enterprise(code, page=page, page_size=page_size)


class QrCodeController(Controller):
    """QR codes of public enterprise pages: what a product label or a brochure carries."""

    path = "/enterprises"
    tags = ["enterprises"]

    @get("/{uscc:str}/qr.svg", summary="QR code of an enterprise's public page (SVG)",
         opt=PUBLIC, media_type="image/svg+xml",
         responses=problems(422))
    async def qr_svg(self, request: Request[Any, Any, Any], uscc: FromPath[str]) -> Response[bytes]:
        url = enterprise_page_url(request, await _registered_uscc(uscc))
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=QR_SCALE // 2, border=4,
                                         title=url, xmldecl=False)
        return Response(buffer.getvalue(), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=3600"})

    @get("/{uscc:str}/qr.png", summary="QR code of an enterprise's public page (PNG)",
         opt=PUBLIC, media_type="image/png",
         responses=problems(422))
    async def qr_png(self, request: Request[Any, Any, Any], uscc: FromPath[str]) -> Response[bytes]:
        code = await _registered_uscc(uscc)
        url = enterprise_page_url(request, code)
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="png", scale=QR_SCALE, border=4)
        return Response(buffer.getvalue(), media_type="image/png",
                        headers={"Cache-Control": "public, max-age=3600",
                                 "Content-Disposition": f'inline; filename="qr-{code}.png"'})
