"""How the API documents what it answers, for every route at once (the OpenAPI at /docs).

Errors are RFC 9457 problem details (``application/problem+json``, api/errors.py). Which ones
a route can answer follows from what it is, so :func:`document_answers` adds them to every
route when the app is built:

- 400 (a parameter or body breaks its type or bound) and 503 (the database or the search
  index is unavailable): every route;
- 401 and 403: every route that needs a role (``opt["roles"]`` not public);
- 404: every route with a path parameter (no such record, or a path that is not an id);
- 413: every route that takes a body (the upload cap).

A route states the others it can answer with ``responses=problems(409, 422)`` in its
decorator (a conflict; a field breaking its rule, naming field and value). A route answering a
file states its media types with ``opt={"downloads": (CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE)}``.
``tests/api/test_api_fuzz.py`` runs schemathesis over every operation and fails on any status
or media type the document does not list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import (
    Components,
    Example,
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Schema,
    SecurityScheme,
)
from litestar.routes import HTTPRoute
from pydantic import BaseModel, ConfigDict, Field

from api import openapi_text
from api.errors import PROBLEM_JSON
from standards.db import MAX_ID


class Problem(BaseModel):
    """An error (RFC 9457); some carry more members: ``errors`` (the parameters that failed),
    ``field`` and ``value`` (422), ``code`` and ``reason`` (not a standard code),
    ``existing_id`` (409)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank")
    title: str
    status: int
    detail: str = Field(description="what went wrong, naming the value (Chinese first)")
    instance: str = Field(description="the path asked for")


DESCRIPTIONS = {
    400: "请求有误 Bad request: a parameter or body field breaks its type or bound",
    401: "需要令牌 Authentication required: no bearer token, or one that is not valid",
    403: "无权限 Forbidden: this account's role may not use the route",
    404: "未找到 Not found: no record with that key",
    409: "冲突 Conflict: the record already exists or cannot change that way",
    413: "过大 Payload too large: the upload exceeds STDTRACK_UPLOAD_LIMIT_MB",
    415: "类型不支持 Unsupported media type: send the body as the route documents it",
    422: "字段无效 Invalid field value: names the field and the value",
    429: "请求过多 Too many requests: wait for Retry-After seconds, or sign in",
    503: "暂不可用 Unavailable: the database or the search index cannot be reached",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """The problem-detail responses of ``statuses``, for a route decorator's ``responses=``."""
    return {status: ResponseSpec(data_container=Problem, media_type=PROBLEM_JSON,
                                 description=DESCRIPTIONS[status], generate_examples=False)
            for status in statuses}


def implied_problems(handler: HTTPRouteHandler, has_path_parameters: bool) -> set[int]:
    """The problems a route can answer because of what it is (module docstring)."""
    statuses = {400, 503}
    if handler.opt.get("roles") != "public":
        statuses |= {401, 403}
    if has_path_parameters:
        statuses.add(404)
    if "data" in handler.parsed_fn_signature.parameters:
        statuses.add(413)
    return statuses


def document_answers(app: Litestar) -> None:
    """Add the implied problems to every route's responses (a route's own ``responses=`` keep
    theirs), then give each download its media types. Call once, before the document is
    first served."""
    downloads: list[tuple[HTTPRoute, HTTPRouteHandler, tuple[str, ...]]] = []
    roles: dict[str, object] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for verb in handler.http_methods:
                roles[f"{verb} {route.path_format}"] = handler.opt.get("roles")
            declared = dict(handler.responses or {})
            handler.responses = {
                **problems(*sorted(implied_problems(handler, bool(route.path_parameters)))),
                **declared}
            if "downloads" in handler.opt:
                downloads.append((route, handler, tuple(handler.opt["downloads"])))
    document = app.openapi_schema
    for schema in _schemas(document):
        _number_not_one_of(schema)
        if schema.type == OpenAPIType.INTEGER and schema.maximum == float(MAX_ID):
            schema.maximum = MAX_ID  # (Litestar writes bounds as floats: 2**63 - 1 became 2**63)
    for path_item in (document.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(path_item, method, None)
            answer = (operation.responses or {}).get("204") if operation else None
            if isinstance(answer, OpenAPIResponse):
                answer.content = None  # "No Content": whatever the handler's type says
    describe(document, roles)
    for route, handler, media_types in downloads:
        item = (document.paths or {}).get(route.path_format)
        for method in handler.http_methods:
            operation = getattr(item, method.lower(), None) if item else None
            if operation is None or operation.responses is None:
                continue
            operation.responses[str(handler.status_code)] = OpenAPIResponse(
                description="文件下载 a file download (Content-Disposition names it)",
                content={media_type.split(";")[0]: OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY))
                    for media_type in media_types})


def _schemas(node: object) -> Iterator[Schema]:
    """Every Schema object in the document, however deeply nested."""
    if isinstance(node, Schema):
        yield node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for item in dataclasses.fields(node):
            yield from _schemas(getattr(node, item.name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from _schemas(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _schemas(value)


def _number_not_one_of(schema: Schema) -> None:
    """``int | float`` is drawn as ``oneOf: [integer, number]``, which no whole number can
    satisfy (it matches both); it means a JSON number (null too, when optional)."""
    kinds = [part.type for part in schema.one_of or [] if isinstance(part, Schema)]
    if not kinds or len(kinds) != len(schema.one_of or []):
        return
    if {OpenAPIType.INTEGER, OpenAPIType.NUMBER} <= set(kinds) <= {
            OpenAPIType.INTEGER, OpenAPIType.NUMBER, OpenAPIType.NULL}:
        schema.one_of = None
        schema.type = ([OpenAPIType.NUMBER, OpenAPIType.NULL] if OpenAPIType.NULL in kinds
                       else OpenAPIType.NUMBER)


BEARER = "bearer"
BEARER_SCHEME = SecurityScheme(
    type="http", scheme="bearer", bearer_format="stk_…",
    description="An account's API token (`stdtrack accounts add`, or staff's account page): "
                "`Authorization: Bearer stk_…`. Browsers may use the session cookie of "
                "/sign-in instead (unsafe requests then send X-CSRF-Token).")
ROLE_WORDS = {"public": "anyone, no token", "enterprise": "enterprise accounts (their own "
              "records only)", "staff": "staff", "leader": "leaders"}


def _who(roles: object) -> str:
    if roles is None:
        return "nobody (no role stated: the guard refuses)"
    if isinstance(roles, str):
        return ROLE_WORDS.get(roles, roles)
    names = sorted(str(role) for role in roles)  # type: ignore[attr-defined]
    return ", ".join(ROLE_WORDS.get(name, name) for name in names)


def describe(document: object, roles: dict[str, object]) -> None:
    """Descriptions, parameter descriptions, examples and the bearer scheme (module
    api/openapi_text.py holds the words)."""
    components = getattr(document, "components", None) or Components()
    components.security_schemes = {**(components.security_schemes or {}), BEARER: BEARER_SCHEME}
    document.components = components  # type: ignore[attr-defined]
    for path, item in (getattr(document, "paths", None) or {}).items():
        for method in ("get", "post", "put", "patch", "delete"):
            operation: Operation | None = getattr(item, method, None)
            if operation is None:
                continue
            key = f"{method.upper()} {path}"
            who = roles.get(key)
            # the words of openapi_text.py, else those the handler wrote itself
            text = openapi_text.OPERATIONS.get(key, "") or (
                operation.description or "").split("Who may call it:", 1)[0].strip()
            facts = f"Who may call it: {_who(who)}."
            operation.description = f"{text}\n\n{facts}" if text else (
                f"{operation.summary}.\n\n{facts}" if operation.summary else facts)
            if who != "public":
                operation.security = [{BEARER: []}]
            for parameter in operation.parameters or []:
                if isinstance(parameter, Parameter) and not parameter.description:
                    parameter.description = _parameter_text(path, parameter.name)
            _examples(key, operation)


def _parameter_text(path: str, name: str) -> str | None:
    for (prefix, known), text in openapi_text.PARAMETER_OVERRIDES.items():
        if known == name and path.startswith(prefix):
            return text
    return openapi_text.PARAMETERS.get(name)


def _examples(key: str, operation: Operation) -> None:
    answer = (operation.responses or {}).get("200") or (operation.responses or {}).get("201")
    if key in openapi_text.RESPONSE_EXAMPLES and isinstance(answer, OpenAPIResponse):
        media = (answer.content or {}).get("application/json")
        if media is not None:
            media.examples = {"example": Example(summary="an answer",
                                                 value=openapi_text.RESPONSE_EXAMPLES[key])}
    body = operation.request_body
    if key in openapi_text.REQUEST_EXAMPLES and body is not None and not isinstance(
            body, dict) and hasattr(body, "content"):
        media = (body.content or {}).get("application/json")
        if media is not None:
            media.examples = {"example": Example(summary="a request",
                                                 value=openapi_text.REQUEST_EXAMPLES[key])}
