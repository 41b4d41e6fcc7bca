"""A standard shows its official print whatever spelling a source used, keeps the sources'
spellings, edition note and amendment, and every spelling finds it: lookups, the detail page
data, search (both backends), declarations and `stdtrack show`."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from piccolo.engine.base import Engine

from api.app import create_app
from standards.settings import Settings
from tests.adoption.helpers import declare, enterprise, product, upload_catalogue
from tests.search_index.conftest import backends

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

CATALOGUE = [
    "标准号,标准名称,发布日期,实施日期",
    "ＧＢ／Ｔ ９９９９９－２０２４,全角编号的测试标准,2024-03-01,2024-10-01",
    "DB31 890-2015,上海市强制性地方标准样例,2015-06-01,2015-09-01",
    "GB 50016-2014(2018年版),建筑设计防火规范,2014-08-27,2015-05-01",
    "GB/T 30357.2-2013（含第1号修改单2016）,乌龙茶 第2部分：铁观音,2013-12-31,2014-06-22",
]


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


async def test_every_spelling_finds_the_official_print(
        api: tuple[httpx.AsyncClient, Settings], staff_headers: dict[str, str]) -> None:
    client, _settings = api
    report = await upload_catalogue(client, staff_headers, "prints.csv", CATALOGUE)
    assert (report["created"], len(report["rejected"])) == (4, 0)

    for spelling in ("DB31/ 890-2015", "DB31/890-2015", "DB31 890-2015", "db31／890—2015"):
        found = await client.get("/api/standards", params={"code": spelling})
        assert [i["code"] for i in found.json()["items"]] == ["DB31/ 890-2015"], spelling
    listed = await client.get("/api/standards", params={"level": "local"})
    assert [i["code"] for i in listed.json()["items"]] == ["DB31/ 890-2015"]

    full_width = (await client.get("/api/standards", params={"code": "GB/T 99999-2024"})
                  ).json()["items"][0]
    detail = (await client.get(f"/api/standards/{full_width['id']}")).json()
    assert (detail["code"], detail["normalized_code"]) == ("GB/T 99999-2024", "GB/T 99999-2024")
    assert detail["spellings"] == {"csv": "ＧＢ／Ｔ ９９９９９－２０２４"}
    assert (detail["edition_note"], detail["amendment"]) == (None, None)

    fire_id = (await client.get("/api/standards", params={"code": "GB50016-2014"})
               ).json()["items"][0]["id"]
    fire = (await client.get(f"/api/standards/{fire_id}")).json()
    assert (fire["code"], fire["edition_note"], fire["amendment"]) == (
        "GB 50016-2014", "2018年版", None)
    tea_id = (await client.get("/api/standards", params={"code": "GB/T 30357.2-2013"})
              ).json()["items"][0]["id"]
    tea = (await client.get(f"/api/standards/{tea_id}")).json()
    assert (tea["code"], tea["amendment"], tea["amendment_included"]) == (
        "GB/T 30357.2-2013", "XG1-2016", True)

    for query in ("DB31/890-2015", "DB31 890-2015", "DB31/ 890", "db31 890",
                  "ＧＢ／Ｔ ９９９９９", "GBT99999-2024"):
        hits = (await client.get("/api/search", params={"q": query})).json()["hits"]
        assert hits and hits[0]["code"] in ("DB31/ 890-2015", "GB/T 99999-2024"), query
    page = await client.get("/standard", params={"code": "ＧＢ／Ｔ ９９９９９－２０２４"})
    assert page.status_code == 200 and "GB/T 99999-2024" in page.text
    assert "ＧＢ／Ｔ ９９９９９" not in page.text.split("<h1", 1)[1].split("</h1>", 1)[0]


async def test_declarations_resolve_every_spelling_of_a_mandatory_local_code(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "prints.csv", CATALOGUE)
    _uscc, owner = await enterprise(client, staff_headers, region="310101",
                                    name="上海示例制造有限公司")
    item = await product(client, owner)
    body = (await declare(client, owner, item, "DB31 890-2015"))["declaration"]
    assert (body["code"], body["resolved"]) == ("DB31/ 890-2015", True)
    again = await client.post("/api/declarations", headers=owner,
                              json={"product_id": item, "code": "DB31/890-2015"})
    assert again.status_code == 409 and again.json()["existing_id"] == body["id"]
    for spelling in ("DB31/ 890-2015", "db31 890—2015"):
        found = await client.get("/api/declarations", params={"code": spelling})
        assert [d["id"] for d in found.json()["items"]] == [body["id"]], spelling


def stdtrack(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


async def test_show_prints_the_official_print_edition_note_and_amendment(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings) -> None:
    await upload_catalogue(client, staff_headers, "prints.csv", CATALOGUE)
    shown = json.loads(stdtrack(settings, "show", "db31/890-2015", "--json").stdout)
    assert (shown["code"], shown["family_key"]) == ("DB31/ 890-2015", "DB31/ 890")
    assert shown["spellings"] == {"csv": "DB31 890-2015"}
    fire = json.loads(stdtrack(settings, "show", "GB 50016-2014", "--json").stdout)
    assert (fire["edition_note"], fire["amendment"], fire["amendment_included"]) == (
        "2018年版", None, False)
    tea = json.loads(stdtrack(settings, "show", "GB/T 30357.2-2013", "--json").stdout)
    assert (tea["amendment"], tea["amendment_included"]) == ("XG1-2016", True)
    human = stdtrack(settings, "show", "ＧＢ／Ｔ９９９９９－２０２４")
    assert human.returncode == 0 and human.stdout.startswith("GB/T 99999-2024  全角编号的测试标准")
    tea_human = stdtrack(settings, "show", "GB/T 30357.2-2013").stdout
    assert "amendment    XG1-2016 (included)" in tea_human
