"""No 500 from numbers: every integer a route takes (path, query, body) has an upper bound, so a
value the database cannot hold is a 400 naming the parameter; and a driver's refusal of a value
that slipped through is a 400 as well, never a 500."""

from __future__ import annotations

import types
import typing
from collections.abc import AsyncIterator
from typing import Any

import annotated_types
import httpx
import pytest
from litestar import Litestar, get
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from pydantic import BaseModel

from adoption.db import select
from api.auth import Role
from api.errors import EXCEPTION_HANDLERS, PROBLEM_JSON
from tests.adoption.drafting_helpers import clean_drafting

pytestmark = pytest.mark.anyio

TOO_BIG = 2**63  # one more than a BIGINT holds
HUGE = "99999999999999999999"


def _handlers(app: Litestar) -> list[tuple[HTTPRoute, HTTPRouteHandler]]:
    return [(route, handler) for route in app.routes if isinstance(route, HTTPRoute)
            for handler in route.route_handlers if "OPTIONS" not in handler.http_methods]


def _int_types(annotation: Any) -> list[Any]:
    """The int parts of an annotation (``int | None``, ``str | Annotated[int, ...]``)."""
    if annotation is int:
        return [annotation]
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *_ = typing.get_args(annotation)
        return [annotation] if inner is int else []
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [part for arg in typing.get_args(annotation) for part in _int_types(arg)]
    return []


def _unbounded_body_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    found = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        bounded = any(isinstance(meta, annotated_types.Le | annotated_types.Lt)
                      for meta in field.metadata)
        for part in _int_types(annotation):
            metadata = typing.get_args(part)[1:] if part is not int else ()
            inner = [meta for item in metadata for meta in getattr(item, "metadata", [item])]
            if not bounded and not any(isinstance(meta, annotated_types.Le | annotated_types.Lt)
                                       for meta in inner):
                found.append(f"{prefix}{name}")
        for arg in typing.get_args(annotation) or (annotation,):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found += _unbounded_body_fields(arg, f"{prefix}{name}.")
    return found


def test_every_integer_parameter_has_an_upper_bound(app: Litestar) -> None:
    unbounded = []
    for route, handler in _handlers(app):
        for name, field in handler.parsed_fn_signature.parameters.items():
            if name == "data" or not _int_types(field.annotation):
                continue
            if getattr(field.kwarg_definition, "le", None) is None and \
                    getattr(field.kwarg_definition, "lt", None) is None:
                unbounded.append(f"{sorted(handler.http_methods)} {route.path} {name}")
    assert unbounded == [], "use api/params.py (RecordId, Page, PageSize, QueryId)"


def test_every_integer_body_field_has_an_upper_bound(app: Litestar) -> None:
    unbounded = []
    for route, handler in _handlers(app):
        data = handler.parsed_fn_signature.parameters.get("data")
        model = data.annotation if data else None
        if isinstance(model, type) and issubclass(model, BaseModel):
            unbounded += [f"{route.path}: {name}" for name in _unbounded_body_fields(model)]
    assert unbounded == [], "use api.params.BodyId or Field(le=...)"


def _path_id_routes(app: Litestar) -> list[tuple[str, str, bool]]:
    """(method, path with every id 2**63, whether the route also takes a body)."""
    found = []
    for route, handler in _handlers(app):
        roles = handler.opt.get("roles")
        if roles != "public" and Role.STAFF not in roles:
            continue  # (an enterprise's own pages: staff are refused before any parameter)
        ids = [name for name, kind in route.path_parameters.items() if kind.type is int]
        for method in sorted(handler.http_methods):
            if ids:
                path = route.path_format
                for name in ids:
                    path = path.replace(f"{{{name}}}", str(TOO_BIG))
                found.append((method, path, "data" in handler.parsed_fn_signature.parameters))
    return found


def _paged_routes(app: Litestar) -> list[str]:
    return sorted({route.path_format for route, handler in _handlers(app)
                   if "page" in handler.parsed_fn_signature.parameters
                   and "{" not in route.path_format and "GET" in handler.http_methods})


async def test_an_id_beyond_bigint_in_any_path_is_a_bad_request(
        app: Litestar, client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    routes = _path_id_routes(app)
    assert ("GET", f"/api/standards/{TOO_BIG}", False) in routes and len(routes) >= 15
    for method, path, has_body in routes:
        answer = await client.request(method, path, headers=staff_headers)
        assert answer.status_code == 400, (method, path, answer.text)
        if not path.startswith("/api/"):  # a page answers a page saying so
            assert answer.headers["content-type"].startswith("text/html"), path
            assert "9223372036854775807" in answer.text, answer.text
            continue
        assert answer.headers["content-type"].startswith(PROBLEM_JSON)
        if not has_body:  # (with a body missing, the body is what the answer names)
            assert "<= 9223372036854775807" in answer.json()["detail"], answer.text


async def test_a_page_beyond_any_list_is_a_bad_request(
        app: Litestar, client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    paths = _paged_routes(app)
    assert "/api/standards" in paths and len(paths) >= 8
    for path in paths:
        answer = await client.get(path, params={"page": HUGE}, headers=staff_headers)
        assert answer.status_code == 400, (path, answer.text)
        if not path.startswith("/api/"):  # a page answers a page naming the parameter
            assert answer.headers["content-type"].startswith("text/html"), path
            assert "page:" in answer.text, answer.text
            continue
        assert answer.json()["detail"].startswith("page:"), answer.text


@pytest.mark.parametrize(("params", "named"), [
    ({"product": str(TOO_BIG)}, "product"), ({"standard": HUGE}, "standard"),
    ({"page_size": HUGE}, "page_size")])
async def test_an_id_filter_beyond_bigint_is_a_bad_request(
        client: httpx.AsyncClient, params: dict[str, str], named: str) -> None:
    answer = await client.get("/api/declarations", params=params)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"].startswith(f"{named}:")


async def test_a_product_id_beyond_bigint_in_a_body_is_a_bad_request(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    answer = await client.post("/api/declarations", headers=staff_headers,
                               json={"product_id": TOO_BIG, "code": "GB/T 19001-2016"})
    assert answer.status_code == 400, answer.text
    assert "product_id" in answer.json()["detail"]


@get("/out-of-range", opt={"roles": "public"})
async def out_of_range() -> list[dict[str, Any]]:
    """A route that forgot to bound its number: the driver refuses it."""
    return await select("SELECT id FROM account WHERE id = ?", [TOO_BIG])


async def test_a_value_the_driver_refuses_is_a_bad_request_not_a_server_error(
        engine: object) -> None:
    app = Litestar(route_handlers=[out_of_range], exception_handlers=EXCEPTION_HANDLERS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        answer = await client.get("/out-of-range")
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    assert "超出范围" in answer.json()["detail"] or "cannot take" in answer.json()["detail"]


@pytest.fixture
async def no_goals(client: httpx.AsyncClient) -> AsyncIterator[None]:
    await clean_drafting()
    yield
    await clean_drafting()


@pytest.mark.parametrize("key", ["%20", "%C2%B2", HUGE, "0"])
async def test_a_goal_key_that_names_no_goal_is_not_found(
        client: httpx.AsyncClient, staff_headers: dict[str, str], no_goals: None,
        key: str) -> None:
    """Goals are addressed by id or name: a blank name matched every goal without an English
    name, '²' passed isdigit() and broke int(), 10**20 reached the driver."""
    created = await client.post("/api/goals", headers=staff_headers, json={
        "name": "键测试目标", "metric": "coverage", "target": 0.9, "deadline": "2030-12-31"})
    assert created.status_code == 201, created.text
    for path in (f"/api/goals/{key}", f"/api/goals/{key}/progress"):
        answer = await client.get(path, headers=staff_headers)
        assert answer.status_code == 404, (path, answer.text)
