"""Conflicts to resolve and hand edits: a second source's different values are stored as
conflicts; staff keep one value (recorded in the change log, not reopened by the same import
again) or prefer a source for a field (applied by the next import); a value set by hand
outranks every later import, which reports a conflict instead. Staff only."""

from __future__ import annotations

import httpx
import pytest

from tests.adoption.helpers import account, upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

CSV = ["标准号,标准名称,主管部门,发布日期",
       "DB22/T 2001-2020,人参种植技术规程,吉林省农业农村厅,2020-03-01",
       "DB22/T 2002-2020,冰雪旅游服务规范,吉林省文化和旅游厅,2020-04-01",
       "DB22/T 2003-2020,梅花鹿养殖技术规范,吉林省畜牧局,2020-05-01"]
TSV = ["标准号\t标准名称\t主管部门\t发布日期",
       "DB22/T 2001-2020\t人参栽培技术规程\t吉林省农业农村厅\t2020-03-01",
       "DB22/T 2002-2020\t冰雪旅游服务规范\t吉林省文旅厅\t2020-04-01"]


async def upload_tsv(client: httpx.AsyncClient, staff: dict[str, str], name: str,
                     lines: list[str]) -> dict:
    body = ("\n".join(lines) + "\n").encode()
    done = await client.post("/api/imports", headers=staff,
                             files={"files": (name, body, "text/tab-separated-values")})
    assert done.status_code == 201, done.text
    return dict(done.json())


async def standard(client: httpx.AsyncClient, code: str) -> dict:
    found = await client.get("/api/standards", params={"code": code})
    return dict((await client.get(f"/api/standards/{found.json()['items'][0]['id']}")).json())


async def conflicts(client: httpx.AsyncClient, staff: dict[str, str], **params: str) -> dict:
    done = await client.get("/api/conflicts", params=params, headers=staff)
    assert done.status_code == 200, done.text
    return dict(done.json())


async def test_conflicts_are_stored_resolved_and_logged(client: httpx.AsyncClient,
                                                        staff_headers: dict[str, str]) -> None:
    staff = staff_headers
    await upload_catalogue(client, staff, "a.csv", CSV)
    report = await upload_tsv(client, staff, "b.tsv", TSV)
    assert {(c["code"], c["field"]) for c in report["conflicts"]} == {
        ("DB22/T 2001-2020", "title_zh"), ("DB22/T 2002-2020", "department")}
    listed = await conflicts(client, staff)
    assert listed["total"] == 2 and listed["fields"] == ["department", "title_zh"]
    assert listed["sources"] == ["tsv"]
    title = next(c for c in listed["items"] if c["field"] == "title_zh")
    assert (title["kept"], title["kept_source"], title["offered"], title["offered_source"],
            title["current"]) == ("人参种植技术规程", "csv", "人参栽培技术规程", "tsv",
                                  "人参种植技术规程")
    assert title["batch_id"] == report["batch_id"]
    only = await conflicts(client, staff, field="department")
    assert [c["code"] for c in only["items"]] == ["DB22/T 2002-2020"]
    assert (await conflicts(client, staff, code="DB22/T 2001"))["total"] == 1

    # take the second source's title: the standard changes, the change log says who and why
    done = await client.post(f"/api/conflicts/{title['id']}/resolve",
                             json={"keep": "offered"}, headers=staff)
    assert done.status_code == 200, done.text
    assert done.json()["conflict"]["state"] == "resolved"
    assert done.json()["conflict"]["chosen"] == "人参栽培技术规程"
    ginseng = await standard(client, "DB22/T 2001-2020")
    assert ginseng["title_zh"] == "人参栽培技术规程"
    log = (await client.get(f"/api/standards/{ginseng['id']}/history", headers=staff)).json()
    assert (log[0]["field"], log[0]["old_value"], log[0]["new_value"]) == (
        "title_zh", "人参种植技术规程", "人参栽培技术规程")
    assert log[0]["actor"] == "staff:test staff" and f"#{title['id']}" in log[0]["note"]
    again = await client.post(f"/api/conflicts/{title['id']}/resolve",
                              json={"keep": "kept"}, headers=staff)
    assert again.status_code == 409
    # both files imported again: the decision stands, nothing reopens
    await upload_catalogue(client, staff, "a.csv", CSV)
    await upload_tsv(client, staff, "b.tsv", TSV)
    assert (await conflicts(client, staff))["total"] == 1
    assert (await standard(client, "DB22/T 2001-2020"))["title_zh"] == "人参栽培技术规程"

    # keep the stored department, and prefer its source (csv) for departments from now on
    department = (await conflicts(client, staff))["items"][0]
    kept = await client.post(f"/api/conflicts/{department['id']}/resolve",
                             json={"keep": "kept", "prefer": True}, headers=staff)
    assert kept.status_code == 200, kept.text
    assert kept.json()["conflict"]["resolution"] == "preference"
    ice = await standard(client, "DB22/T 2002-2020")
    assert ice["department"] == "吉林省文化和旅游厅"
    log = (await client.get(f"/api/standards/{ice['id']}/history", headers=staff)).json()
    assert log[0]["field"] == "department" and log[0]["new_value"] == "吉林省文化和旅游厅"
    assert "保留" in log[0]["note"]
    preferences = (await client.get("/api/source-preferences", headers=staff)).json()
    assert [(p["field"], p["source"]) for p in preferences] == [("department", "csv")]
    # the preference applies to the next import: csv's department replaces tsv's at once
    await upload_tsv(client, staff, "c.tsv", ["标准号\t主管部门",
                                              "DB22/T 2003-2020\t吉林省畜牧业管理局"])
    await upload_catalogue(client, staff, "d.csv", ["标准号,主管部门",
                                                    "DB22/T 2003-2020,吉林省畜牧兽医局"])
    deer = await standard(client, "DB22/T 2003-2020")
    assert deer["department"] == "吉林省畜牧兽医局"
    # tsv's offer met the preferred source's value: nobody needs to decide it
    assert (await conflicts(client, staff, status="open"))["total"] == 0
    assert (await conflicts(client, staff, status="resolved"))["total"] == 2


async def test_preferring_a_source_settles_open_conflicts(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    staff = staff_headers
    await upload_catalogue(client, staff, "a.csv", CSV)
    await upload_tsv(client, staff, "b.tsv", TSV)
    done = await client.put("/api/source-preferences/title_zh", json={"source": "tsv"},
                            headers=staff)
    assert done.status_code == 200, done.text
    assert done.json()["resolved"] == 1
    assert (await standard(client, "DB22/T 2001-2020"))["title_zh"] == "人参栽培技术规程"
    assert (await conflicts(client, staff, field="title_zh"))["total"] == 0
    bad = await client.put("/api/source-preferences/colour", json={"source": "tsv"},
                           headers=staff)
    assert bad.status_code == 422 and "colour" in bad.json()["detail"]
    removed = await client.delete("/api/source-preferences/title_zh", headers=staff)
    assert removed.status_code == 200
    assert (await client.get("/api/source-preferences", headers=staff)).json() == []


async def test_manual_values_outrank_imports(client: httpx.AsyncClient,
                                             staff_headers: dict[str, str]) -> None:
    staff = staff_headers
    await upload_catalogue(client, staff, "a.csv", CSV)
    deer = await standard(client, "DB22/T 2003-2020")
    url = f"/api/standards/{deer['id']}"
    edited = await client.patch(url, json={"title_zh": "梅花鹿人工养殖技术规范",
                                           "implemented_on": "2020-06-01", "scope": None},
                                headers=staff)
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["standard"]["title_zh"] == "梅花鹿人工养殖技术规范"
    assert body["standard"]["implemented_on"] == "2020-06-01"
    assert set(body["changed"]) == {"title_zh", "implemented_on"}
    assert body["manual_fields"] == ["implemented_on", "scope", "title_zh"]
    # the creating source, and a preferred one, both offer other values: the hand edit stays
    await client.put("/api/source-preferences/title_zh", json={"source": "tsv"}, headers=staff)
    await upload_catalogue(client, staff, "a.csv", CSV)
    await upload_tsv(client, staff, "e.tsv", [
        "标准号\t标准名称\t实施日期\t范围",
        "DB22/T 2003-2020\t梅花鹿养殖规范\t2020-07-01\t本文件规定"])
    after = await standard(client, "DB22/T 2003-2020")
    assert after["title_zh"] == "梅花鹿人工养殖技术规范"
    assert after["implemented_on"] == "2020-06-01" and after.get("scope") in (None, "")
    open_ones = await conflicts(client, staff, code="DB22/T 2003")
    assert {(c["field"], c["kept_source"], c["offered_source"]) for c in open_ones["items"]} == {
        ("title_zh", "manual", "csv"), ("title_zh", "manual", "tsv"),
        ("implemented_on", "manual", "tsv"), ("scope", "manual", "tsv")}
    log = (await client.get(f"{url}/history", headers=staff)).json()
    manual = [row for row in log if row["actor"]]
    assert {row["field"] for row in manual} == {"title_zh", "implemented_on"}
    assert all("手工" in row["note"] for row in manual)
    # refusals: dates out of order, a field not edited by hand, no value at all changes
    backwards = await client.patch(url, json={"implemented_on": "2019-01-01"}, headers=staff)
    assert backwards.status_code == 422 and "2019-01-01" in backwards.json()["detail"]
    unknown = await client.patch(url, json={"code": "DB22/T 9-2020"}, headers=staff)
    assert unknown.status_code == 400
    same = await client.patch(url, json={"title_zh": "梅花鹿人工养殖技术规范"}, headers=staff)
    assert same.status_code == 200 and same.json()["changed"] == []
    missing = await client.patch("/api/standards/999999", json={"title_zh": "x"},
                                 headers=staff)
    assert missing.status_code == 404


async def test_curation_routes_are_staff_only(client: httpx.AsyncClient,
                                              staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "a.csv", CSV)
    deer = await standard(client, "DB22/T 2003-2020")
    leader = await account(client, staff_headers, "leader")
    calls = [("GET", "/api/conflicts", None), ("GET", "/api/source-preferences", None),
             ("GET", f"/api/standards/{deer['id']}/history", None),
             ("PATCH", f"/api/standards/{deer['id']}", {"title_zh": "x"}),
             ("POST", "/api/conflicts/1/resolve", {"keep": "kept"}),
             ("PUT", "/api/source-preferences/title_zh", {"source": "csv"}),
             ("DELETE", "/api/source-preferences/title_zh", None)]
    for method, url, body in calls:
        assert (await client.request(method, url, json=body)).status_code == 401, url
        assert (await client.request(method, url, json=body, headers=leader)
                ).status_code == 403, url
    assert (await standard(client, "DB22/T 2003-2020"))["title_zh"] == "梅花鹿养殖技术规范"
