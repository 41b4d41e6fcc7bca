"""The staff workbench pages and goal editing: conflicts resolved through the page's form,
a standard edited by hand with its history, goals created, edited, archived and restored (in
the browser and over the API), domain rules and foreign-advanced bodies; CSRF on every form,
staff only, English beside Chinese."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.adoption.drafting_helpers import clean_drafting
from tests.adoption.helpers import account, upload_catalogue
from tests.api.session_helpers import PASSWORD, page_token, person, sign_in
from tests.api.test_curation import CSV, TSV, upload_tsv

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]


@pytest.fixture
async def staff_page(browser: httpx.AsyncClient, staff_headers: dict[str, str]
                     ) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A staff person signed in through the form, and the session's CSRF token."""
    await clean_drafting()
    made = await person(browser, staff_headers, "staff")
    done = await sign_in(browser, made["username"], PASSWORD)
    assert done.status_code == 303, done.text
    yield browser, await page_token(browser)
    await clean_drafting()


async def test_conflict_resolved_through_the_page(staff_page: tuple[httpx.AsyncClient, str],
                                                  staff_headers: dict[str, str]) -> None:
    browser, csrf = staff_page
    await upload_catalogue(browser, staff_headers, "a.csv", CSV)
    await upload_tsv(browser, staff_headers, "b.tsv", TSV)
    page = await browser.get("/workbench/conflicts")
    assert page.status_code == 200
    assert "人参栽培技术规程" in page.text and 'id="nav-conflicts"' in page.text
    title = re.search(r'data-conflict="(\d+)" data-code="DB22/T 2001-2020"', page.text)
    assert title
    number = title.group(1)
    filtered = await browser.get("/workbench/conflicts", params={"field": "department"})
    assert "DB22/T 2002-2020" in filtered.text and "DB22/T 2001-2020" not in filtered.text
    refused = await browser.post(f"/workbench/conflicts/{number}/resolve",
                                 data={"keep": "offered"})
    assert refused.status_code == 403  # no CSRF token
    done = await browser.post(f"/workbench/conflicts/{number}/resolve",
                              data={"keep": "offered", "csrf_token": csrf,
                                    "back": "/workbench/conflicts?field=title_zh"})
    assert done.status_code == 303
    assert done.headers["location"] == "/workbench/conflicts?field=title_zh&done=resolved"
    found = await browser.get("/api/standards", params={"code": "DB22/T 2001-2020"})
    standard_id = found.json()["items"][0]["id"]
    detail = await browser.get(f"/workbench/standards/{standard_id}")
    assert detail.status_code == 200
    assert f"#{number}" in detail.text and "人参栽培技术规程" in detail.text
    again = await browser.post(f"/workbench/conflicts/{number}/resolve",
                               data={"keep": "kept", "csrf_token": csrf})
    assert again.status_code == 409 and "已" in again.text
    english = await browser.get("/workbench/conflicts?lang=en")
    assert "Conflicts" in english.text


async def test_standard_edited_by_hand_on_its_page(staff_page: tuple[httpx.AsyncClient, str],
                                                   staff_headers: dict[str, str]) -> None:
    browser, csrf = staff_page
    await upload_catalogue(browser, staff_headers, "a.csv", CSV)
    opened = await browser.get("/workbench/standards", params={"code": "db22/t 2003-2020"})
    assert opened.status_code == 303
    url = opened.headers["location"]
    form = await browser.get(url)
    was = dict(re.findall(r'name="was_(\w+)" value="([^"]*)"', form.text))
    assert was["title_zh"] == "梅花鹿养殖技术规范"
    fields = {"csrf_token": csrf, **{f"was_{k}": v for k, v in was.items()}, **was}
    saved = await browser.post(url, data={**fields, "title_zh": "梅花鹿养殖技术规范（2020）",
                                          "ics": "65.020.30 65.020"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=saved")
    shown = await browser.get(saved.headers["location"])
    assert 'id="manual-fields"' in shown.text and "梅花鹿养殖技术规范（2020）" in shown.text
    history = re.findall(r'data-field="(\w+)"', shown.text)
    assert {"title_zh", "ics"} <= set(history)
    bad = await browser.post(url, data={**fields, "implemented_on": "2019-01-01"})
    assert bad.status_code == 400 and "2019-01-01" in bad.text
    leader = await account(browser, staff_headers, "leader")
    assert (await browser.get(url, headers=leader)).status_code == 403


async def test_goals_created_edited_archived_in_the_browser(
        staff_page: tuple[httpx.AsyncClient, str]) -> None:
    browser, csrf = staff_page
    form = {"csrf_token": csrf, "name": "服务业地方标准 300 项", "name_en": "300 service",
            "metric": "local-standards", "target": "300", "region": "22",
            "domain": "service", "kind_new": "1", "kind_revision": "1",
            "start_on": "2021-01-01", "deadline": "2025-12-31", "note": ""}
    created = await browser.post("/workbench/goals", data=form)
    assert created.status_code == 303, created.text
    url = created.headers["location"].split("?")[0]
    page = await browser.get(url)
    assert page.status_code == 200 and 'id="progress-status"' in page.text
    duplicate = await browser.post("/workbench/goals", data=form)
    assert duplicate.status_code == 409
    bad = await browser.post("/workbench/goals", data={**form, "name": "x",
                                                       "deadline": "2020-01-01"})
    assert bad.status_code == 400 and "2020-01-01" in bad.text
    edited = await browser.post(url, data={**form, "target": "320"})
    assert edited.status_code == 303
    goal_id = int(url.rsplit("/", 1)[1])
    listing = await browser.get("/workbench/goals")
    assert f'data-goal="{goal_id}"' in listing.text
    archived = await browser.post(f"{url}/archive", data={"csrf_token": csrf})
    assert archived.status_code == 303
    listing = await browser.get("/workbench/goals")
    assert f'data-goal="{goal_id}"' not in listing.text
    assert f'data-goal="{goal_id}"' in (await browser.get("/workbench/goals?archived=1")).text
    dashboard = await browser.get("/")
    assert "服务业地方标准 300 项" not in dashboard.text
    restored = await browser.post(f"{url}/restore", data={"csrf_token": csrf})
    assert restored.status_code == 303
    goal = (await browser.get(f"/api/goals/{goal_id}")).json()
    assert goal["target"] == 320 and goal["archived_at"] is None


async def test_goal_api_patch_and_archive(client: httpx.AsyncClient,
                                          staff_headers: dict[str, str]) -> None:
    await clean_drafting()
    staff = staff_headers
    made = await client.post("/api/goals", headers=staff, json={
        "name": "覆盖率 98%", "metric": "coverage", "target": 0.98, "region": "22",
        "deadline": "2027-12-31"})
    assert made.status_code == 201, made.text
    goal_id = made.json()["id"]
    changed = await client.patch(f"/api/goals/{goal_id}", headers=staff,
                                 json={"target": 0.95, "name": "覆盖率 95%"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["target"], changed.json()["name"]) == (0.95, "覆盖率 95%")
    assert changed.json()["region"] == "22" and changed.json()["metric"] == "coverage"
    too_high = await client.patch(f"/api/goals/{goal_id}", headers=staff, json={"target": 2})
    assert too_high.status_code == 422 and "target" in too_high.json()["detail"]
    archived = await client.patch(f"/api/goals/{goal_id}", headers=staff,
                                  json={"archived": True})
    assert archived.json()["archived_at"] is not None
    assert [g["id"] for g in (await client.get("/api/goals", headers=staff)).json()] == []
    listed = await client.get("/api/goals", params={"archived": "true"}, headers=staff)
    assert [g["id"] for g in listed.json()] == [goal_id]
    other = await client.post("/api/goals", headers=staff, json={
        "name": "另一个", "metric": "coverage", "target": 0.9, "deadline": "2027-12-31"})
    clash = await client.patch(f"/api/goals/{other.json()['id']}", headers=staff,
                               json={"name": "覆盖率 95%"})
    assert clash.status_code == 409
    leader = await account(client, staff, "leader")
    assert (await client.patch(f"/api/goals/{goal_id}", headers=leader,
                               json={"archived": False})).status_code == 403
    await clean_drafting()


async def test_domain_rules_and_foreign_bodies_pages(
        staff_page: tuple[httpx.AsyncClient, str], staff_headers: dict[str, str]) -> None:
    browser, csrf = staff_page
    page = await browser.get("/workbench/domain-rules")
    assert page.status_code == 200 and 'id="rules-list"' in page.text
    added = await browser.post("/workbench/domain-rules", data={
        "csrf_token": csrf, "field": "keyword", "pattern": "冰雪", "domain": "culture",
        "note": "页面测试"})
    assert added.status_code == 303
    rules = (await browser.get("/api/domain-rules", headers=staff_headers)).json()
    rule = next(r for r in rules if r["pattern"] == "冰雪")
    off = await browser.post(f"/workbench/domain-rules/{rule['id']}/toggle",
                             data={"csrf_token": csrf, "enabled": "0"})
    assert off.status_code == 303
    rules = (await browser.get("/api/domain-rules", headers=staff_headers)).json()
    assert next(r for r in rules if r["id"] == rule["id"])["enabled"] is False
    bad = await browser.post("/workbench/domain-rules", data={
        "csrf_token": csrf, "field": "colour", "pattern": "x", "domain": "culture"})
    assert bad.status_code == 400 and "colour" in bad.text
    gone = await browser.post(f"/workbench/domain-rules/{rule['id']}/delete",
                              data={"csrf_token": csrf})
    assert gone.status_code == 303
    bodies = await browser.post("/workbench/foreign-bodies", data={
        "csrf_token": csrf, "body": "GOST", "name": "Euro-Asian Council"})
    assert bodies.status_code == 303
    listed = await browser.get("/workbench/foreign-bodies")
    assert 'data-body="GOST"' in listed.text
    removed = await browser.post("/workbench/foreign-bodies/GOST/delete",
                                 data={"csrf_token": csrf})
    assert removed.status_code == 303
    assert 'data-body="GOST"' not in (await browser.get("/workbench/foreign-bodies")).text


async def test_workbench_pages_need_staff(browser: httpx.AsyncClient,
                                          staff_headers: dict[str, str]) -> None:
    pages = ["/workbench/conflicts", "/workbench/drafting", "/workbench/goals",
             "/workbench/domain-rules", "/workbench/foreign-bodies"]
    for url in pages:
        signed_out = await browser.get(url)
        assert signed_out.status_code == 303 and "/sign-in" in signed_out.headers["location"]
    made = await person(browser, staff_headers, "leader")
    await sign_in(browser, made["username"], PASSWORD)
    for url in pages:
        assert (await browser.get(url)).status_code == 403, url
    home = await browser.get("/")
    assert 'id="nav-conflicts"' not in home.text
