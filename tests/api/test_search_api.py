"""GET /api/search and `stdtrack search` / `stdtrack index` through the real app and CLI, on
whoosh and (when the suite runs on PostgreSQL) on the PostgreSQL backend."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from api import search_service
from api.app import create_app
from standards import repository
from standards.settings import Settings
from tests.search_index.conftest import BUILDING, backends, records_of

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

DESIGN_HIT_KEYS = {"code", "title_zh", "title_en", "status", "score", "highlights"}


@pytest.fixture(params=backends())
async def api(request: pytest.FixtureRequest, client: httpx.AsyncClient, settings: Settings,
              engine: Engine) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    """A client of an app searching with one backend, and that app's settings."""
    if request.param == "whoosh":
        yield client, settings
        return
    variant = dataclasses.replace(settings, search_backend="postgres")
    app = create_app(variant, engine=engine)
    async with app.lifespan(), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        yield other, variant


async def load(settings: Settings) -> None:
    await repository.upsert_standards(records_of(BUILDING))
    await search_service.rebuild_index(settings)


async def test_search_answers_in_the_design_shape(api: tuple[httpx.AsyncClient, Settings]) -> None:
    client, settings = api
    await load(settings)
    response = await client.get("/api/search", params={"q": "抗震", "page_size": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 10 and len(body["hits"]) == 3
    assert all(DESIGN_HIT_KEYS <= hit.keys() for hit in body["hits"])
    assert all("<mark>抗震</mark>" in hit["highlights"]["title_zh"] for hit in body["hits"])
    assert body["facets"]["status"] == {"current": 9, "withdrawn": 1}
    scores = [hit["score"] for hit in body["hits"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("spelling", ["GB50016", "ＧＢ　５００１６", "50016"])
async def test_codes_in_any_spelling(api: tuple[httpx.AsyncClient, Settings],
                                     spelling: str) -> None:
    client, settings = api
    await load(settings)
    body = (await client.get("/api/search", params={"q": spelling})).json()
    assert [hit["code"] for hit in body["hits"][:2]] == ["GB 50016-2014", "GB 50016-2006"]
    assert body["hits"][0]["status"] == "current" and body["hits"][1]["status"] == "withdrawn"


async def test_filters_pages_and_order(api: tuple[httpx.AsyncClient, Settings]) -> None:
    client, settings = api
    await load(settings)
    body = (await client.get("/api/search", params={
        "q": "规范", "status": "withdrawn", "level": "national"})).json()
    assert {hit["code"] for hit in body["hits"]} == {"GB 50011-2001", "GB 50016-2006",
                                                    "GB 50045-1995", "GB 50017-2003"}
    first = (await client.get("/api/search", params={"q": "抗震", "page_size": 5})).json()
    second = (await client.get("/api/search", params={"q": "抗震", "page_size": 5,
                                                      "page": 2})).json()
    codes = [h["code"] for h in first["hits"] + second["hits"]]
    assert len(set(codes)) == 10
    newest = (await client.get("/api/search", params={"q": "防火", "sort": "date"})).json()
    assert [h["code"] for h in newest["hits"]][:2] == ["GB 55037-2022", "GB 50016-2014"]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"q": "抗" * 201}, "query too long"),
        ({"q": "抗震", "page": 2000}, "page too deep"),
        ({"q": ""}, "give words, a code or a filter"),
        ({"q": "抗震", "status": "valid"}, "status"),
        ({"q": "抗震", "region": "jilin"}, "region"),
        ({"q": "抗震", "page": 0}, "page"),
        ({"q": "抗震", "page_size": 1000}, "page_size"),
        ({"q": "抗震", "sort": "random"}, "sort"),
    ],
)
async def test_bad_requests_are_400_with_a_message(api: tuple[httpx.AsyncClient, Settings],
                                                   params: dict[str, object],
                                                   detail: str) -> None:
    client, settings = api
    await load(settings)
    response = await client.get("/api/search", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert detail in response.json()["detail"]


@pytest.mark.parametrize("q", ["AND", '"', ":", "*", "(", 'title:"抗震', "抗震 AND (x OR y)",
                               "%_\\", "'; DROP TABLE standard; --", "<script>", "＊＊"])
async def test_odd_queries_are_never_errors(api: tuple[httpx.AsyncClient, Settings],
                                            q: str) -> None:
    client, settings = api
    await load(settings)
    response = await client.get("/api/search", params={"q": q})
    assert response.status_code == 200, response.text
    assert "<script>" not in json.dumps(response.json()["hits"])


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def test_a_missing_index_is_503_and_said_at_start_up(
        settings: Settings, engine: Engine, tmp_path: Path) -> None:
    variant = dataclasses.replace(settings, home=tmp_path / "nowhere")
    app = create_app(variant, engine=engine)
    collected = Collected()
    logger = logging.getLogger("stdtrack.search")
    logger.addHandler(collected)  # litestar's logging config keeps caplog from seeing it
    try:
        async with app.lifespan(), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            response = await client.get("/api/search", params={"q": "抗震"})
    finally:
        logger.removeHandler(collected)
    assert response.status_code == 503
    assert "stdtrack index rebuild" in response.json()["detail"]
    assert any("the search index is missing" in message for message in collected.messages)


# ---- the CLI ---------------------------------------------------------------------------------


def stdtrack(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home), "STDTRACK_SEARCH": settings.search_backend}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("backend", backends())
async def test_cli_index_rebuild_status_and_search(settings: Settings, tmp_path: Path,
                                                   backend: str) -> None:
    variant = dataclasses.replace(settings, home=tmp_path / "cli", search_backend=backend)
    await repository.upsert_standards(records_of(BUILDING))
    if backend == "whoosh":
        missing = stdtrack(variant, "index", "status", "--json")
        assert missing.returncode == 1 and json.loads(missing.stdout)["exists"] is False
    built = stdtrack(variant, "index", "rebuild", "--json")
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout)["documents"] == 32
    status = stdtrack(variant, "index", "status")
    assert status.returncode == 0 and "up to date" in status.stdout
    found = stdtrack(variant, "search", "ＧＢ　５００１６", "--json")
    assert found.returncode == 0, found.stderr
    body = json.loads(found.stdout)
    assert body["total"] == 2 and body["hits"][0]["code"] == "GB 50016-2014"
    assert DESIGN_HIT_KEYS <= body["hits"][0].keys()
    text = stdtrack(variant, "search", "抗震", "--status", "withdrawn")
    assert text.returncode == 0 and "GB 50011-2001" in text.stdout and "1 standards" in text.stdout
    bad = stdtrack(variant, "search", "抗" * 300)
    assert bad.returncode == 2 and "query too long" in bad.stderr and "Traceback" not in bad.stderr


async def test_the_route_is_documented(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "q", "level", "status", "region", "page", "sort"}



async def test_a_second_app_that_stops_leaves_the_first_ones_index_open(
        app: Litestar, client: httpx.AsyncClient, settings: Settings, engine: Engine) -> None:
    """Two apps of one process share the engine of one index location; the one that did not
    open it must not close it when it stops: the first app keeps searching with the engine
    the process serves (not a closed one beside a new one)."""
    await load(settings)
    second = create_app(settings, engine=engine)
    async with second.lifespan():
        pass
    assert app.state.search is search_service.search_engine(settings, engine)
    response = await client.get("/api/search", params={"q": "抗震"})
    assert response.status_code == 200 and response.json()["total"] == 10
