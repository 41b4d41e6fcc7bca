"""The dashboard in headless Chromium against a real server holding the demo province: sign
in, every chart drawn, a screenshot, the drill-down list, downloads (XLSX, SVG, PNG)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.browser.conftest import LiveServer

EXPECTED_CHARTS = {"by-city", "by-sector", "trend", "city-trends"}


@pytest.fixture
def page(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1440, "height": 900},
                                   accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(90_000)  # the first dashboard computes facts; CI is shared
    page = context.new_page()
    page.problems = []  # console errors and uncaught page errors, in order
    page.on("console", lambda message: message.type == "error"
            and page.problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    try:
        yield page
    finally:
        context.close()


def sign_in(page: Any, server: LiveServer, token: str) -> None:
    """Sign in with an API token (the way in integrations keep)."""
    page.goto(f"{server.url}/sign-in?method=token")
    page.fill("#token", token)
    page.click("#sign-in")
    page.wait_for_selector("#goal-cards")


def test_public_sees_search_and_finds_a_standard(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    assert page.locator("#search-form").count() == 1
    assert page.locator("#goal-cards").count() == 0
    page.fill("#q", "GB/T 19001-2016")
    page.click("#search-form button")
    page.wait_for_selector("#search-results tbody tr")
    assert "GB/T 19001-2016" in page.inner_text("#search-results")
    assert "质量管理体系" in page.inner_text("#search-results")
    # a result opens the standard's own page
    page.click("#search-results tbody tr a >> text=GB/T 19001-2016")
    page.wait_for_selector("#standard-code")
    assert page.inner_text("#standard-code") == "GB/T 19001-2016"
    assert "GB/T 19001-2008" in page.inner_text("#standard-editions")
    assert page.problems == []


def test_sign_in_every_chart_renders_and_screenshot(page: Any, live_server: LiveServer,
                                                    tmp_path: Path) -> None:
    page.goto(f"{live_server.url}/")
    page.click("#sign-in-link")
    page.fill("#username", live_server.leader.username)
    page.fill("#password", live_server.leader.password)
    page.click("#sign-in")
    page.wait_for_selector("#goal-cards .goal")

    cookie = next(c for c in page.context.cookies() if c["name"] == "stdtrack_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert live_server.leader.password not in cookie["value"]

    assert page.locator("#goal-cards .goal").count() >= 4  # the Jilin seed goals
    assert "吉林省服务业地方标准制修订300项" in page.inner_text("#goal-cards")
    charts = page.locator("figure.chart")
    names = {charts.nth(i).get_attribute("data-chart") for i in range(charts.count())}
    assert EXPECTED_CHARTS <= names
    assert any(name.startswith("burnup-") for name in names)
    assert any(name.startswith("funnel-") for name in names)
    for index in range(charts.count()):
        figure = charts.nth(index)
        svg = figure.locator("svg")
        assert svg.count() == 1, figure.get_attribute("data-chart")
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100
        assert figure.locator("svg text").count() > 3  # labels are text, not paths
    city_text = page.inner_text("figure[data-chart=by-city]")
    assert "长春市" in city_text and "吉林市" in city_text and "白山市" in city_text
    assert "目标 98%" in city_text and "target" not in city_text  # Chinese only
    assert "n=" in city_text  # every bar says its n
    assert page.locator("#overdue-projects tbody tr").count() >= 1
    assert "未处理" in page.inner_text("#alerts-summary")

    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    print(f"dashboard screenshot: {shot}")
    assert page.problems == []


def test_drill_down_link_opens_the_not_counted_list(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, live_server.staff_token)
    page.click("#drill-down")
    page.wait_for_selector("#not-counted-list")
    assert "/not-counted/coverage" in page.url
    assert "未计入清单" in page.inner_text("h1")
    rows = page.locator("#not-counted-list tbody tr")
    assert rows.count() >= 1
    assert "无 none" not in page.inner_text("#not-counted-list tbody")
    reason = page.locator(".reasons a").first
    reason_key = reason.get_attribute("data-reason")
    reason.click()
    page.wait_for_selector("#not-counted-list")
    assert f"reason={reason_key}" in page.url
    assert page.problems == []


def test_export_downloads_a_valid_xlsx(page: Any, live_server: LiveServer,
                                       tmp_path: Path) -> None:
    sign_in(page, live_server, live_server.leader_token)
    with page.expect_download() as waiting:
        page.click("#export-indicator-city-xlsx")
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    sheet = openpyxl.load_workbook(saved).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("分组代码 key", "分组 group", "计入数 numerator", "总数 denominator",
                           "比率 rate")
    labels = [row[1] for row in rows[2:]]
    assert "长春市" in labels and "合计 total" in labels
    total = rows[-1]
    assert total[3] == sum(row[3] for row in rows[2:-1])  # city denominators add up

    with page.expect_download() as waiting:
        page.click("#export-goals-xlsx")
    goals = openpyxl.load_workbook(io.BytesIO(Path(waiting.value.path()).read_bytes())).active
    assert goals is not None
    assert next(goals.iter_rows(min_row=2, max_row=2, values_only=True))[0] == "目标 goal"


def test_each_chart_downloads_as_svg_and_png(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, live_server.staff_token)
    with page.expect_download() as waiting:
        page.click("button.dl-svg[data-chart=by-city]")
    svg = Path(waiting.value.path()).read_text(encoding="utf-8")
    assert waiting.value.suggested_filename == "by-city.svg"
    assert "<svg" in svg and "长春市" in svg
    with page.expect_download() as waiting:
        page.click("button.dl-png[data-chart=trend]")
    png = Path(waiting.value.path()).read_bytes()
    assert waiting.value.suggested_filename == "trend.png"
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert page.problems == []


def test_sign_out_clears_the_session(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, live_server.leader_token)
    page.click("#sign-out")
    page.wait_for_selector("#search-form")
    assert all(c["name"] != "stdtrack_session" for c in page.context.cookies())
    page.goto(f"{live_server.url}/not-counted/coverage")
    page.wait_for_selector("#username")
    assert "/sign-in" in page.url


def test_a_wrong_token_is_refused(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/sign-in?method=token")
    page.fill("#token", "stk_not-a-token")
    page.click("#sign-in")
    page.wait_for_selector(".error")
    assert "用户名或密码不正确" not in page.inner_text(".error")
    assert "令牌" in page.inner_text(".error")
    assert all(c["name"] != "stdtrack_session" for c in page.context.cookies())


def test_the_api_docs_render_under_the_content_security_policy(page: Any,
                                                              live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".opblock-summary-path")  # Swagger UI drew the operations
    paths = page.locator(".opblock-summary-path")
    assert any("/api/standards" in (paths.nth(i).inner_text() or "")
               for i in range(paths.count()))
    assert page.problems == []  # a policy violation is a console error
    assert page.locator(".opblock").count() >= 80  # every operation is listed
    page.click("button.authorize")  # the bearer scheme gives the docs an Authorize dialog
    page.wait_for_selector(".auth-container input")
    assert "bearer" in page.inner_text(".auth-container").lower()


def test_a_bad_filter_is_an_error_page_with_the_message(page: Any,
                                                        live_server: LiveServer) -> None:
    sign_in(page, live_server, live_server.leader_token)
    answer = page.goto(f"{live_server.url}/?as_of=2024-13-45")
    assert answer is not None and answer.status == 400
    assert "as_of" in page.inner_text("#page-error")
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")


def test_the_dashboard_in_chinese_then_in_english(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, live_server.leader_token)
    cards = page.inner_text("#goal-cards")
    assert "已结束" in cards and any(word in cards for word in ("进度正常", "落后", "有风险"))
    assert "Goal progress" not in page.content()
    live = page.locator('#goal-cards .goal:not([data-status="ended"])')
    assert live.count() >= 3  # the 2026–2030 plan's goals are live
    assert "（2026—2030年）" in live.first.inner_text()
    page.click("#language-switch")
    page.wait_for_selector("#goal-cards .goal")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Goal progress" in page.inner_text("main")
    assert "Ended" in page.inner_text("#goal-cards")
    assert "target 98%" in page.inner_text("figure[data-chart=by-city]")
    headings = " ".join(page.locator("main h2").all_inner_texts())
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in headings)
    page.click("#language-switch")  # back to Chinese for the tests that follow
    page.wait_for_selector("#goal-cards .goal")
    assert page.problems == []


def test_jilin_and_jiangsu_side_by_side(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, live_server.leader_token)
    page.click("#compare-link")
    page.wait_for_selector("#comparison section.panel")
    panels = page.locator("#comparison section.panel")
    assert panels.count() == 2
    assert "吉林省" in panels.nth(0).inner_text() and "江苏省" in panels.nth(1).inner_text()
    left, right = panels.nth(0).bounding_box(), panels.nth(1).bounding_box()
    assert left is not None and right is not None and right["x"] > left["x"] + left["width"] / 2
    assert "长春市" in panels.nth(0).inner_text() and "苏州市" in panels.nth(1).inner_text()
    page.fill("input[name=left]", "2201")
    page.fill("input[name=right]", "2205")
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector('#comparison section[data-region="2205"]')
    assert "通化市" in page.inner_text("#comparison")
    assert page.problems == []


def test_the_briefing_pdf_downloads_with_its_text(page: Any, live_server: LiveServer,
                                                   tmp_path: Path) -> None:
    import pypdf

    sign_in(page, live_server, live_server.leader_token)
    with page.expect_download() as waiting:
        page.click("#briefing-pdf")
    assert waiting.value.suggested_filename.endswith(".pdf")
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(str(saved))
    reader = pypdf.PdfReader(str(saved))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for needle in ("标准化工作简报", "吉林省", "目标进度", "长春市", "逾期项目", "已结束",
                   "吉林省服务业地方标准制修订150项"):
        assert needle in text, needle
    assert page.problems == []
