"""Dashboard pages and their session: sign in with a token, a signed HttpOnly cookie that
never holds the token and is honoured for reading only, sign out; the public search page; the
dashboard's charts and drill-down list drawn from real data."""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from adoption import repository
from adoption.goals_repository import install_seed_goals
from adoption.vocab import AccountRole
from api.auth import (
    SESSION_COOKIE,
    create_account,
    hash_token,
    session_cookie_value,
    session_secret,
    session_token_hash,
)
from standards.settings import Settings
from tests.adoption.helpers import new_uscc, upload_catalogue

pytestmark = pytest.mark.anyio

PAGES = ("/", "/sign-in", "/sign-out", "/not-counted/{name:str}", "/standard")


@pytest.fixture
async def browser(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The shared client with an empty cookie jar, emptied again afterwards (other tests
    must never inherit a session)."""
    client.cookies.clear()
    yield client
    client.cookies.clear()


async def sign_in(client: httpx.AsyncClient, token: str, next_page: str = "/"
                  ) -> httpx.Response:
    return await client.post("/sign-in", data={"token": token, "next": next_page})


@pytest.fixture(scope="module")
async def leader(engine: object) -> tuple[str, int]:
    account, token = await create_account(AccountRole.LEADER, name="看板测试领导")
    return token, account.id


def test_every_page_states_its_roles(app: Litestar) -> None:
    found = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if route.path in PAGES and handler.http_methods != {"OPTIONS"}:
                found[(route.path, *sorted(handler.http_methods))] = handler.opt.get("roles")
    assert set(found) == {("/", "GET"), ("/sign-in", "GET"), ("/sign-in", "POST"),
                          ("/sign-out", "POST"), ("/not-counted/{name:str}", "GET"),
                          ("/standard", "GET")}
    assert all(roles is not None for roles in found.values()), found


async def test_public_sees_the_search_page(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="search-form"' in page.text and "标准检索" in page.text
    assert 'id="goal-cards"' not in page.text
    assert (await browser.get("/static/dashboard/dashboard.js")).status_code == 200


async def test_sign_in_sets_a_signed_http_only_cookie(browser: httpx.AsyncClient,
                                                      leader: tuple[str, int],
                                                      settings: Settings) -> None:
    token, _ = leader
    done = await sign_in(browser, token, "/?region=32")
    assert done.status_code == 303
    assert done.headers["location"] == "/?region=32"
    header = done.headers["set-cookie"]
    assert header.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in header and "samesite=lax" in header.lower() and "Path=/" in header
    assert token not in header
    value = browser.cookies[SESSION_COOKIE]
    assert session_token_hash(session_secret(settings.home), value) == hash_token(token)
    assert (settings.home / "session-secret").stat().st_mode & 0o777 == 0o600


async def test_a_session_reads_but_never_writes(browser: httpx.AsyncClient,
                                                leader: tuple[str, int]) -> None:
    token, _ = leader
    await sign_in(browser, token)
    assert (await browser.get("/api/alerts")).status_code == 200  # a GET from the page
    # writing needs the bearer token: a cookie alone (e.g. a forged cross-site form) is no one
    refused = await browser.post("/api/alerts/refresh")
    assert refused.status_code == 401


@pytest.mark.parametrize("damage", ["mac", "hash", "expired", "shape"])
async def test_damaged_or_old_cookies_are_nobody(browser: httpx.AsyncClient,
                                                 leader: tuple[str, int], settings: Settings,
                                                 damage: str) -> None:
    token, _ = leader
    secret = session_secret(settings.home)
    value = session_cookie_value(secret, hash_token(token))
    digest, expires, mac = value.split(".")
    value = {
        "mac": f"{digest}.{expires}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
        "hash": f"{hash_token('stk_other')}.{expires}.{mac}",
        "expired": session_cookie_value(secret, hash_token(token), now=time.time() - 13 * 3600),
        "shape": token,
    }[damage]
    browser.cookies.set(SESSION_COOKIE, value)
    assert (await browser.get("/api/alerts")).status_code == 401
    page = await browser.get("/not-counted/coverage")
    assert page.status_code == 303
    assert page.headers["location"] == "/sign-in?next=%2Fnot-counted%2Fcoverage"


async def test_disabling_an_account_ends_its_sessions(browser: httpx.AsyncClient) -> None:
    account, token = await create_account(AccountRole.STAFF, name="停用测试")
    await sign_in(browser, token)
    assert (await browser.get("/api/alerts")).status_code == 200
    await repository.disable_account(account.id, dt.datetime.now(dt.UTC))
    assert (await browser.get("/api/alerts")).status_code == 401


async def test_bad_tokens_enterprises_and_foreign_redirects(browser: httpx.AsyncClient,
                                                            leader: tuple[str, int]) -> None:
    wrong = await sign_in(browser, "stk_wrong")
    assert wrong.status_code == 401 and "令牌无效" in wrong.text
    assert SESSION_COOKIE not in browser.cookies
    uscc = new_uscc()
    _, enterprise_token = await create_account(AccountRole.ENTERPRISE, uscc=uscc)
    refused = await sign_in(browser, enterprise_token)
    assert refused.status_code == 403 and SESSION_COOKIE not in browser.cookies
    token, _ = leader
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        done = await sign_in(browser, token, target)
        assert done.headers["location"] == "/", target


async def test_sign_out_clears_the_cookie(browser: httpx.AsyncClient,
                                          leader: tuple[str, int]) -> None:
    token, _ = leader
    await sign_in(browser, token)
    done = await browser.post("/sign-out")
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert re.search(rf"{SESSION_COOKIE}=\"?\"?;", done.headers["set-cookie"])
    assert SESSION_COOKIE not in browser.cookies
    assert 'id="search-form"' in (await browser.get("/")).text


@pytest.mark.usefixtures("adoption_db", "db")
async def test_dashboard_shows_goals_charts_and_the_drill_down(
        browser: httpx.AsyncClient, staff_headers: dict[str, str], leader: tuple[str, int],
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
    token, _ = leader
    await sign_in(browser, token)
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
    assert "未声明标准 no standard" in drill.text
