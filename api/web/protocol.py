"""What every HTTP answer carries whatever route made it: the security headers, HEAD answered
like GET without a body, and the API docs page without inline script.

Headers (set on every response, error pages and static files included, by a ``before_send``
hook; a route that sets one itself keeps its own):

- ``Content-Security-Policy``: pages (``text/html``) load scripts, styles, images and data
  only from this site; no inline script anywhere (the dashboard and the docs page use script
  files); inline *styles* are allowed (``style`` attributes cannot run code; the inline SVG
  charts use presentation attributes); ``data:`` and ``blob:`` images
  for the PNG download drawn on a canvas. Everything else (JSON, CSV, XLSX, SVG) gets
  ``default-src 'none'``, so a document opened directly runs nothing.
- ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``: no page can be framed
  (clickjacking); ``X-Content-Type-Options: nosniff``; ``Referrer-Policy: same-origin`` (a
  search query never leaves the site in a Referer); ``Cross-Origin-Opener-Policy``.
"""

from __future__ import annotations

import codecs
import html
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.datastructures import MutableScopeHeaders
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.types import HTTPRequestEvent, Message, Receive, ReceiveMessage, Scope, Send
from multipart import MultipartError, MultipartSegment, PushMultipartParser

from api.errors import REQUEST_PROBLEM

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


async def security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: add the headers above to the start of every HTTP response."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    is_page = headers.get("content-type", "").startswith("text/html")
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = PAGE_POLICY if is_page else DOCUMENT_POLICY
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in headers:
            headers[name] = value


class FormFieldCheck:
    """Reads a multipart/form-data body alongside Litestar, as it streams in, and finds the
    first plain (non-file) field Litestar could not decode: an unknown charset, or bytes that
    are not text in it. Litestar decodes those fields itself and would raise
    UnicodeDecodeError or LookupError (a 500), leaving the files it had already spooled open;
    cutting the body short before that field instead makes its parser fail cleanly (a 400,
    files closed)."""

    def __init__(self, boundary: str) -> None:
        self._parser = PushMultipartParser(boundary)
        self._segment: MultipartSegment | None = None
        self._decoder: codecs.IncrementalDecoder | None = None

    def problem_in(self, chunk: bytes) -> str | None:
        """The problem the body has once ``chunk`` is read, or None (malformed bodies are
        Litestar's to refuse: they raise nothing here)."""
        if not chunk or self._parser.closed:  # (an empty chunk would mean the end to it)
            return None
        try:
            for part in self._parser.parse(chunk):
                if isinstance(part, MultipartSegment):
                    self._segment, self._decoder = part, None
                    if not part.filename:
                        charset = part.charset or "utf-8"
                        try:
                            self._decoder = codecs.getincrementaldecoder(charset)()
                        except LookupError:
                            return (f"表单字段 {part.name!r} 的字符集 {charset!r} 未知 form "
                                    f"field {part.name!r} names an unknown charset")
                elif self._decoder is not None:  # a field's bytes; None ends the field
                    self._decoder.decode(part or b"", final=part is None)
        except UnicodeDecodeError:
            name = self._segment.name if self._segment else "?"
            return (f"表单字段 {name!r} 不是文本 form field {name!r} is not valid text "
                    "(UTF-8); send files as file parts")
        except MultipartError:  # malformed, or a chunk past the end: Litestar's to refuse
            return None
        return None


def guard_form_fields(scope: Scope, receive: Receive) -> Receive:
    """``receive`` for a multipart request, cut short before a field Litestar cannot decode
    (the reason is kept in the scope for the error answer, api/errors.py)."""
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"").decode("latin-1")
    media_type, _, params = content_type.partition(";")
    if media_type.strip().lower() != "multipart/form-data":
        return receive
    boundary = next((value.strip().strip('"') for key, _, value in
                     (param.strip().partition("=") for param in params.split(";"))
                     if key.lower() == "boundary"), "")
    if not boundary:
        return receive
    check = FormFieldCheck(boundary)
    refused = False

    end: HTTPRequestEvent = {"type": "http.request", "body": b"", "more_body": False}

    async def checked() -> ReceiveMessage:
        nonlocal refused
        if refused:
            return end
        message = await receive()
        if message["type"] == "http.request":
            problem = check.problem_in(message.get("body", b""))
            if problem is not None:
                scope.setdefault("state", {})[REQUEST_PROBLEM] = problem
                refused = True
                return end
        return message

    return checked


class StdtrackApp(Litestar):
    """Litestar answering HEAD for every GET route (RFC 9110: the same status and headers,
    no body): the request is routed as GET and the body dropped on the way out, so pages,
    API reads and downloads all answer HEAD without a handler of their own. Multipart bodies
    pass through :func:`guard_form_fields`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] == "http":
            receive = guard_form_fields(scope, receive)
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await super().__call__(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        scope["method"] = "GET"  # type: ignore[typeddict-unknown-key]
        await super().__call__(scope, receive, send_without_body)


# ---- the API docs page (/docs): Swagger UI 5 from the openapi-ui-bundles package ------------

DOCS_SCRIPT = "/static/docs-init.js"
_DOCS_INIT = """// stdtrack: start Swagger UI on /docs (a file, so that no inline script is needed)
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/schema/openapi.json",
    dom_id: "#swagger-container",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
"""


class SwaggerPage(SwaggerRenderPlugin):
    """Swagger UI whose start-up script is a file (DOCS_SCRIPT) reading the OpenAPI document
    by URL: Litestar's own page inlines both, which the pages' CSP refuses."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        info = openapi_schema.get("info")
        title = html.escape(str(info.get("title", "API")) if isinstance(info, dict) else "API")
        return (
            "<!DOCTYPE html><html><head>"
            f"<title>{title}</title>{self.favicon}<meta charset=\"utf-8\"/>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link href="{self.css_url}" rel="stylesheet">'
            f'<script src="{self.js_url}"></script>'
            f'<script src="{self.standalone_preset_js_url}"></script>'
            f'<script src="{DOCS_SCRIPT}"></script>'
            '</head><body><div id="swagger-container"></div></body></html>').encode()


@get(DOCS_SCRIPT, opt={"roles": "public"}, include_in_schema=False,
     media_type="text/javascript; charset=utf-8")
async def docs_script() -> Response[str]:
    return Response(_DOCS_INIT, media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})
