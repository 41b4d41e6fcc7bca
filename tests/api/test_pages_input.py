"""No 500 from what a browser sends the pages: any garbage cookie means "not signed in"; a bad
filter is a 400 page saying which (HTML, Chinese first); chart labels are text, never math; the
conversion indicator (which has no region) shows on a regional dashboard with a note."""

from __future__ import annotations

import csv
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from adoption.vocab import AccountRole
from api.auth import create_account, hash_token
from api.sessions import SESSION_COOKIE
from standards.settings import Settings
from tests.adoption.drafting_helpers import clean_drafting
from tests.adoption.helpers import new_uscc, upload_catalogue
from tests.api.session_helpers import sign_in_with_token

pytestmark = pytest.mark.anyio

PUBLIC_PAGES = ["/", "/?q=GB/T 19001", "/sign-in", "/standard?code=GB/T 19001-2016"]
GARBAGE = [
    "a.%C2%B2.b",  # '²'.isdigit() is True: int() of it raised
    f"{hash_token('x')}.%C2%B2%C2%B2.{'0' * 64}",
    f"{hash_token('x')}.1.{'é' * 64}",  # non-ASCII MAC: compare_digest raised TypeError
    f"{hash_token('x')}.99999999999999999999999.{'0' * 64}",
    "a.b.c", "...", "%ZZ%", "\"quoted\"", "x" * 8000, "=", "%00.%00.%00",
]


@pytest.fixture
async def browser(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    client.cookies.clear()
    yield client
    client.cookies.clear()


@pytest.fixture
async def leader(browser: httpx.AsyncClient, engine: object) -> httpx.AsyncClient:
    _account, token = await create_account(AccountRole.LEADER, name="页面输入测试")
    assert (await sign_in_with_token(browser, token)).status_code == 303
    return browser


@pytest.mark.parametrize("value", GARBAGE)
async def test_a_garbage_session_cookie_means_not_signed_in(browser: httpx.AsyncClient,
                                                            value: str) -> None:
    for path in PUBLIC_PAGES:
        # (a header is bytes: latin-1 carries what a browser may send)
        cookie = f"{SESSION_COOKIE}={value}".encode("latin-1")
        answer = await browser.get(path, headers={"Cookie": cookie})
        assert answer.status_code in (200, 404), (path, answer.text[:300])
        assert answer.headers["content-type"].startswith("text/html")
        assert 'id="sign-out"' not in answer.text  # nobody is signed in
    drill = await browser.get("/not-counted/coverage", headers={"Cookie": cookie})
    assert drill.status_code == 303 and drill.headers["location"].startswith("/sign-in")
    api = await browser.get("/api/alerts", headers={"Cookie": cookie})
    assert api.status_code == 401


def _error_of(answer: httpx.Response) -> str:
    found = re.search(r'id="page-error">([^<]*)<', answer.text)
    assert found, answer.text[:500]
    return found.group(1)


@pytest.mark.parametrize(("path", "named"), [
    ("/?as_of=2024-13-45", "as_of"),
    ("/?region=abc", "region"),
    ("/?indicator=nonsense", "indicator"),
    ("/?as_of=" + "9" * 30, "as_of"),
    ("/not-counted/nonsense", "nonsense"),
    ("/not-counted/coverage?as_of=yesterday", "as_of"),
    ("/not-counted/coverage?region=9", "region"),
    ("/not-counted/coverage?page=99999999999999999999", "page"),
    ("/not-counted/coverage?page=0", "page"),
    ("/not-counted/conversion?region=22", "region"),
    ("/not-counted/coverage?sector=" + "x" * 500, "sector"),
    ("/standard?code=", "code"),
    ("/standard?code=" + "1" * 10_000, "code"),
    ("/sign-in?next=" + "/" * 3000, "next"),
])
async def test_a_bad_filter_is_a_400_page_naming_it(leader: httpx.AsyncClient, path: str,
                                                    named: str) -> None:
    answer = await leader.get(path)
    assert answer.status_code == 400, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/html")
    assert "<h1>请求有误</h1>" in answer.text
    message = _error_of(answer)
    assert message.startswith("筛选条件有误") and named in message, message
    assert len(message) < 1000  # a 10,000-character value is not echoed whole


async def test_a_bad_filter_is_a_400_page_for_the_public_too(browser: httpx.AsyncClient
                                                             ) -> None:
    answer = await browser.get("/standard", params={"code": ""})
    assert answer.status_code == 400 and "code" in _error_of(answer)


@pytest.fixture
async def no_goals(client: httpx.AsyncClient) -> AsyncIterator[None]:
    await clean_drafting()
    yield
    await clean_drafting()


@pytest.mark.usefixtures("adoption_db", "db", "no_goals")
async def test_chart_labels_are_text_never_math(leader: httpx.AsyncClient,
                                                staff_headers: dict[str, str],
                                                tmp_path: Path, settings: Settings) -> None:
    from api.declaration_imports import import_declarations

    await upload_catalogue(leader, staff_headers, "gb.csv", [
        "标准号,标准名称,发布日期,实施日期",
        "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01"])
    path = tmp_path / "d.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "行政区划代码", "行业", "产品名称",
                         "主要产品", "执行标准", "公开日期"])
        for sector in ("$\\undefinedcmd$", "$x^2$ 行业", "50% \\frac{a}{b}"):
            writer.writerow([new_uscc("220102"), "长春测试有限公司", "220102", sector,
                             "制动盘", "是", "GB/T 19001-2016", "2019-01-01"])
    report = await import_declarations([path], actor="test", archive_dir=settings.archive_dir)
    assert report.created == 3, report.rejected
    goal = await leader.post("/api/goals", headers=staff_headers, json={
        "name": "$\\undefinedcmd$ 目标", "metric": "local-standards", "target": 10,
        "region": "22", "start_on": "2020-01-01", "deadline": "2030-12-31"})
    assert goal.status_code == 201, goal.text
    page = await leader.get("/", params={"region": "22", "indicator": "coverage"})
    assert page.status_code == 200, page.text[:500]
    svg = page.text
    # the labels are drawn as they are written (XML-escaped text), not typeset
    assert "$\\undefinedcmd$" in svg and "$x^2$ 行业" in svg and "50% \\frac{a}{b}" in svg


@pytest.mark.usefixtures("adoption_db")
async def test_conversion_on_a_regional_dashboard_shows_with_a_note(
        leader: httpx.AsyncClient) -> None:
    page = await leader.get("/", params={"indicator": "conversion", "region": "22"})
    assert page.status_code == 200, page.text[:500]
    assert 'id="scope-note"' in page.text and "国际标准转化率不分地区" in page.text
    # its drill-down and export links ask for no region (conversion has none)
    links = re.findall(r'href="(/(?:not-counted|api/exports/indicators)/conversion[^"]*)"',
                       page.text)
    assert links and all("region=" not in link for link in links), links
    for link in links:
        followed = await leader.get(link.replace("&amp;", "&"))
        assert followed.status_code == 200, (link, followed.text[:300])
    coverage = await leader.get("/", params={"indicator": "coverage", "region": "22"})
    assert 'id="scope-note"' not in coverage.text
