"""The change feed: what catalogue imports changed on standards, paged by cursor."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from tests.adoption.helpers import upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

HEADER = "标准号,标准名称,发布日期,实施日期,废止日期"


async def test_changes_made_by_imports_are_listed_with_old_and_new(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await upload_catalogue(client, staff_headers, "one.csv", [
        HEADER,
        "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,",
        "DB22/T 1234-2020,人参种植技术规程,2020-01-02,2020-03-01,",
    ])
    empty = (await client.get("/api/changes")).json()
    assert empty["items"] == [] and empty["has_more"] is False  # creations are not changes
    second = await upload_catalogue(client, staff_headers, "two.csv", [
        HEADER,
        "GB/T 30001-2008,电动自行车通用技术条件,2008-05-01,2008-11-01,2019-10-01",
        "DB22/T 1234-2020,人参种植技术规程,2020-01-02,2020-03-01,",
    ])
    feed = (await client.get("/api/changes", params={"since": before.isoformat()})).json()
    changes = {(c["code"], c["field"]): (c["old"], c["new"]) for c in feed["items"]}
    assert changes == {
        ("GB/T 30001-2008", "title_zh"): ("电动自行车 通用技术条件", "电动自行车通用技术条件"),
        ("GB/T 30001-2008", "withdrawn_on"): (None, "2019-10-01"),
    }
    assert {c["batch_id"] for c in feed["items"]} == {second["batch_id"]}
    assert all(c["changed_at"] and c["standard_id"] for c in feed["items"])

    # one at a time by cursor, then nothing more; the cursor keeps its place for polling
    first_page = (await client.get("/api/changes", params={"limit": 1})).json()
    assert len(first_page["items"]) == 1 and first_page["has_more"] is True
    rest = (await client.get("/api/changes", params={"limit": 1,
                                                     "cursor": first_page["next_cursor"]})).json()
    assert len(rest["items"]) == 1 and rest["has_more"] is False
    assert rest["items"][0]["id"] > first_page["items"][0]["id"]
    done = (await client.get("/api/changes", params={"cursor": rest["next_cursor"]})).json()
    assert done == {"items": [], "next_cursor": rest["next_cursor"], "has_more": False}
    later = (await client.get("/api/changes", params={"since": "2999-01-01"})).json()
    assert later["items"] == []
    assert (await client.get("/api/changes", params={"since": "yesterday"})).status_code == 400
    assert (await client.get("/api/changes", params={"cursor": "42"})).status_code == 400
