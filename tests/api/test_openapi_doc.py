"""The OpenAPI document lists what each operation can answer: problem details (400 always,
401/403 behind a role, 404 with a path parameter, 413 with a body, 409/422 where declared),
downloads with their media types, numbers a validator can check."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio

PROBLEM = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    answer = await client.get("/schema/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, item[method]) for path, item in document["paths"].items()
            for method in METHODS if method in item]


async def test_every_operation_documents_its_problems(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert len(operations) >= 55
    for method, path, operation in operations:
        responses = operation["responses"]
        where = f"{method} {path}"
        assert PROBLEM in responses["400"]["content"], where
        assert "application/json" not in responses["400"]["content"], where
        if "{" in path:
            assert "404" in responses, where
        if "requestBody" in operation:
            assert "413" in responses, where
        assert "500" not in responses, where
    private = {(m, p): o["responses"] for m, p, o in operations}
    assert {"401", "403"} <= set(private[("POST", "/api/accounts")])
    assert "401" not in private[("GET", "/api/standards")]  # public: no token needed
    assert {"404", "409", "422"} <= set(private[("POST", "/api/declarations")])


async def test_problems_share_one_schema(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert {"title", "status", "detail", "instance"} <= set(problem["required"])
    referenced = {json.dumps(content["schema"]) for _m, _p, operation in _operations(document)
                  for status, answer in operation["responses"].items() if status >= "400"
                  for content in answer.get("content", {}).values()}
    assert referenced == {json.dumps({"$ref": "#/components/schemas/Problem"})}


async def test_downloads_document_their_media_types(document: dict[str, Any]) -> None:
    answer = document["paths"]["/api/exports/indicators/{name}"]["get"]["responses"]["200"]
    assert set(answer["content"]) == {
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    alerts = document["paths"]["/api/alerts/export"]["get"]["responses"]["200"]
    assert "text/csv" in alerts["content"]


async def test_no_number_is_drawn_as_a_one_of_that_whole_numbers_fail(
        document: dict[str, Any]) -> None:
    text = json.dumps(document)
    assert '{"oneOf": [{"type": "integer"}, {"type": "number"}]' not in text
    value = document["components"]["schemas"]["GoalProgress"]["properties"]["value"]
    assert value["type"] == "number"


async def test_id_bounds_are_exact(document: dict[str, Any]) -> None:
    parameter = document["paths"]["/api/standards/{standard_id}"]["get"]["parameters"][0]
    assert parameter["schema"]["maximum"] == 2**63 - 1  # not 2**63, as a float would say


async def test_every_operation_is_described_and_every_parameter_too(
        document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert len(operations) >= 80
    for method, path, operation in operations:
        where = f"{method} {path}"
        assert operation.get("summary"), where
        assert len(operation.get("description") or "") > len(operation["summary"]), where
        assert "Who may call it" in operation["description"], where
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (where, parameter["name"])
    described = {(m, p): o for m, p, o in operations}
    region = next(q for q in described[("GET", "/api/indicators/{name}")]["parameters"]
                  if q["name"] == "region")
    assert "2201" in region["description"]
    status = next(q for q in described[("GET", "/api/registrations")]["parameters"]
                  if q["name"] == "status")
    assert "pending" in status["description"]  # a name whose meaning depends on the path


async def test_a_bearer_scheme_lets_the_docs_authorize(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    described = {(m, p): o for m, p, o in _operations(document)}
    assert described[("POST", "/api/goals")]["security"] == [{"bearer": []}]
    assert "security" not in described[("GET", "/api/standards")]  # public


async def test_the_main_routes_show_examples(document: dict[str, Any]) -> None:
    described = {(m, p): o for m, p, o in _operations(document)}
    for key in (("GET", "/api/standards/{standard_id}"), ("GET", "/api/search"),
                ("GET", "/api/indicators/{name}"), ("GET", "/api/goals/{goal}/progress")):
        content = described[key]["responses"]["200"]["content"]["application/json"]
        assert content["examples"]["example"]["value"], key
    for key in (("POST", "/api/declarations"), ("POST", "/api/goals"),
                ("POST", "/api/session")):
        body = described[key]["requestBody"]["content"]["application/json"]
        schema_name = body["schema"]["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][schema_name]
        example = body["examples"]["example"]["value"]
        assert set(example) <= set(schema["properties"]), key
        assert set(schema.get("required", [])) <= set(example), key
    indicator = described[("GET", "/api/indicators/{name}")]["responses"]["200"]
    example = indicator["content"]["application/json"]["examples"]["example"]["value"]
    assert example["numerator"] <= example["denominator"]
