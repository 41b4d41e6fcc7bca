"""Public pages of the self-declaration portal (no sign-in, as the national platform publishes
declarations): one page per enterprise with its QR code, and a search over declarations."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from adoption import public_repository
from adoption.errors import InvalidFieldError, RecordNotFound
from adoption.public_repository import SearchField
from adoption.uscc import normalize_uscc
from api.auth import Role
from api.params import Page
from api.portal import words
from api.routes.public import enterprise_page_url
from api.web.errors import PAGE_EXCEPTION_HANDLERS
from api.web.i18n import translator
from api.web.render import render_page

PUBLIC = {"roles": Role.PUBLIC}
PAGE_SIZE = 50


class PublicPages(Controller):
    path = "/"
    include_in_schema = False
    exception_handlers = PAGE_EXCEPTION_HANDLERS
    opt = PUBLIC

    @get("/enterprises/{uscc:str}")
    async def enterprise(
        self, request: Request[Any, Any, Any], uscc: FromPath[str],
        page: Page = 1,
    ) -> Response[str]:
        """An enterprise's products and the standards they follow, with their status today;
        its enterprise standards with their indicators; the QR code of this page."""
        _ = translator(request)
        try:
            code = normalize_uscc(uscc)
        except InvalidFieldError as exc:
            raise RecordNotFound(f"no enterprise with USCC {uscc}") from exc
        data = await public_repository.public_enterprise(code, page=page, page_size=PAGE_SIZE)
        return render_page(
            request, "portal/enterprise.html", enterprise=data,
            page_url=enterprise_page_url(request, code),
            status_labels={k.value: _(v) for k, v in words.STATUS_LABELS.items()},
            kind_labels={k.value: _(v) for k, v in words.INDICATOR_LABELS.items()},
            pages=(data.products_total + PAGE_SIZE - 1) // PAGE_SIZE)

    @get("/declarations")
    async def declarations(
        self, request: Request[Any, Any, Any],
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        by: Annotated[SearchField, QueryParameter()] = SearchField.ALL,
        page: Page = 1,
    ) -> Response[str]:
        """Search declarations by enterprise, product or standard."""
        _ = translator(request)
        found = await public_repository.search_declarations(q, by=by, page=page,
                                                            page_size=PAGE_SIZE)
        return render_page(
            request, "portal/declarations.html", q=q, by=by.value, found=found,
            status_labels={k.value: _(v) for k, v in words.STATUS_LABELS.items()},
            pages=(found.total + PAGE_SIZE - 1) // PAGE_SIZE, page=page,
            fields=[(SearchField.ALL.value, _("全部")), (SearchField.ENTERPRISE.value, _("企业")),
                    (SearchField.PRODUCT.value, _("产品")),
                    (SearchField.STANDARD.value, _("标准"))])
