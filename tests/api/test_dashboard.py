"""Dashboard pages: the public search page, every page stating its roles, the dashboard's
charts and drill-down list drawn from real data for a signed-in leader (sessions, sign-in and
CSRF: tests/api/test_people.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from adoption.goals_repository import install_seed_goals
from standards.settings import Settings
from tests.adoption.helpers import new_uscc, upload_catalogue
from tests.api.session_helpers import PASSWORD, person, sign_in

pytestmark = pytest.mark.anyio

PAGES = ("/", "/not-counted/{name:str}", "/standard", "/compare", "/briefing.pdf")


@pytest.fixture
async def leader(browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> str:
    """A leader's username (password: PASSWORD)."""
    return str((await person(browser, staff_headers, "leader"))["username"])


def test_every_page_states_its_roles(app: Litestar) -> None:
    found = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if route.path in PAGES and handler.http_methods != {"OPTIONS"}:
                found[(route.path, *sorted(handler.http_methods))] = handler.opt.get("roles")
    assert set(found) == {("/", "GET"), ("/not-counted/{name:str}", "GET"),
                          ("/standard", "GET"), ("/compare", "GET"), ("/briefing.pdf", "GET")}
    assert all(roles is not None for roles in found.values()), found


async def test_public_sees_the_search_page(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="search-form"' in page.text and "标准检索" in page.text
    assert 'id="goal-cards"' not in page.text
    assert (await browser.get("/static/dashboard/dashboard.js")).status_code == 200


async def test_enterprises_see_the_search_and_readers_the_dashboard(
        browser: httpx.AsyncClient, staff_headers: dict[str, str], leader: str) -> None:
    enterprise = await person(browser, staff_headers, "enterprise", uscc=new_uscc())
    done = await sign_in(browser, enterprise["username"], PASSWORD)
    assert done.headers["location"] == "/account"
    assert 'id="search-form"' in (await browser.get("/")).text
    refused = await browser.get("/not-counted/coverage")
    assert refused.status_code == 403 and "此账号无权使用这个页面" in refused.text
    browser.cookies.clear()
    await sign_in(browser, leader, PASSWORD)
    assert 'id="goal-cards"' in (await browser.get("/")).text


async def test_signed_out_readers_are_sent_to_sign_in(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/not-counted/coverage", params={"region": "22"})
    assert page.status_code == 303
    assert page.headers["location"] == "/sign-in?next=%2Fnot-counted%2Fcoverage%3Fregion%3D22"


@pytest.mark.usefixtures("adoption_db", "db")
async def test_dashboard_shows_goals_charts_and_the_drill_down(
        browser: httpx.AsyncClient, staff_headers: dict[str, str], leader: str,
        tmp_path: Path, settings: Settings) -> None:
    from api.declaration_imports import import_declarations

    await upload_catalogue(browser, staff_headers, "gb.csv", [
        "标准号,标准名称,发布日期,实施日期",
        "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01"])
    path = tmp_path / "d.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "行政区划代码", "行业", "产品名称",
                         "主要产品", "执行标准", "公开日期"])
        writer.writerow([new_uscc("220102"), "长春测试有限公司", "220102", "汽车零部件", "制动盘",
                         "是", "GB/T 19001-2016", "2019-01-01"])
        writer.writerow([new_uscc("220602"), "白山测试有限公司", "220602", "人参", "红参", "是",
                         "", "2019-01-01"])
    await import_declarations([path], actor="test", archive_dir=settings.archive_dir)
    await install_seed_goals()
    await sign_in(browser, leader, PASSWORD)
    page = await browser.get("/", params={"region": "22", "indicator": "coverage"})
    assert page.status_code == 200, page.text
    html = page.text
    assert 'id="goal-cards"' in html and "吉林省产品标准覆盖率98%以上" in html
    for chart in ("by-city", "by-sector", "trend"):
        assert f'data-chart="{chart}"' in html
    assert html.count("<svg") >= 4
    assert "长春市" in html and "白山市" in html
    assert "50.0% = 1 / 2" in html  # coverage of the two products
    drill = await browser.get("/not-counted/coverage", params={"region": "22"})
    assert drill.status_code == 200
    assert "红参" in drill.text and "制动盘" not in drill.text
    assert "未声明执行标准" in drill.text
