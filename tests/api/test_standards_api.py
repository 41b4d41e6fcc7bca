"""GET /api/standards and /api/standards/{id} through the real app."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from standards import repository as repo
from standards.schemas import StandardInput
from standards.vocab import Status

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]
D = dt.date
Client = httpx.AsyncClient

DESIGN_KEYS = {"id", "code", "normalized_code", "level", "nature", "prefix", "region_code",
               "industry_code", "title_zh", "title_en", "status", "published_on",
               "implemented_on", "withdrawn_on", "ics", "ccs", "replaces", "replaced_by",
               "adopts", "editions"}


async def seed() -> None:
    await repo.upsert_standards([
        StandardInput(code="GB/T 20223-2018", source="std.samr.gov.cn", title_zh="棉短绒",
                      title_en="Cotton linters", published_on=D(2018, 5, 14),
                      implemented_on=D(2018, 12, 1), replaces=["GB/T 20223-2006"],
                      ics=["59.060.10"], ccs="W10"),
        StandardInput(code="GB/T 20223-2006", source="std.samr.gov.cn", title_zh="棉短绒",
                      status=Status.WITHDRAWN, ccs="B32"),
        StandardInput(code="DB22/T 1234-2020", source="csv", title_zh="人参种植技术规程"),
    ])


async def test_detail_has_the_design_shape(client: Client) -> None:
    await seed()
    std = await repo.find_standard("GB/T 20223-2018")
    response = await client.get(f"/api/standards/{std.id}")
    assert response.status_code == 200
    body = response.json()
    assert DESIGN_KEYS <= body.keys()
    assert body["normalized_code"] == "GB/T 20223-2018"
    assert body["status"] == "current"
    assert body["published_on"] == "2018-05-14"
    assert body["replaces"] == ["GB/T 20223-2006"]
    assert body["editions"] == ["GB/T 20223-2006", "GB/T 20223-2018"]
    assert body["ics"] == ["59.060.10"] and body["ccs"] == "W10"


@pytest.mark.parametrize("spelling", ["ＧＢ／Ｔ　２０２２３－２０１８", "GBT20223-2018",
                                      "gb/t 20223—2018", "GB/T 20223"])
async def test_lookup_by_any_spelling(client: Client, spelling: str) -> None:
    await seed()
    response = await client.get("/api/standards", params={"code": spelling})
    assert response.status_code == 200
    assert [i["normalized_code"] for i in response.json()["items"]] == ["GB/T 20223-2018"]


async def test_filters_and_pagination(client: Client) -> None:
    await seed()
    response = await client.get("/api/standards", params={"status": "withdrawn"})
    assert [i["normalized_code"] for i in response.json()["items"]] == ["GB/T 20223-2006"]
    response = await client.get("/api/standards", params={"level": "local", "region": "22"})
    assert [i["normalized_code"] for i in response.json()["items"]] == ["DB22/T 1234-2020"]
    response = await client.get("/api/standards", params={"page": 2, "page_size": 2})
    body = response.json()
    assert (body["total"], body["page"], len(body["items"])) == (3, 2, 1)


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/api/standards/999999", 404, "no standard with id 999999"),
        ("/api/standards?code=XYZ%2012", 400, "unknown prefix 'XYZ'"),
        ("/api/standards?code=GB/T%209999-2001", 404, "GB/T 9999-2001 is not in the catalogue"),
        ("/api/standards?page=0", 400, "page"),
        ("/api/standards?status=valid", 400, "status"),
        ("/api/standards?region=abc", 400, "region"),
    ],
)
async def test_errors_are_problem_details(client: Client, url: str, status: int,
                                          detail: str) -> None:
    await seed()
    response = await client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and detail in body["detail"]
    assert "Traceback" not in response.text


async def test_openapi_docs_are_served(client: Client) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "http" not in docs.text  # every asset is served by the app itself: nothing fetched
    schema = await client.get("/schema/openapi.json")
    assert "/api/standards/{standard_id}" in schema.json()["paths"]
    asset = await client.get("/static/swagger/swagger-ui-bundle.js")
    assert asset.status_code == 200
