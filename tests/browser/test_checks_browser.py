"""标准查新 in headless Chromium against the demo catalogue, on a phone: paste a messy list
into the page, see a verdict per code (replaced with its successor, current, not in the
catalogue, malformed) without sideways scrolling, download the PDF report; then a signed-in
leader uploads a document and saves a watch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer
from tests.checks.documents import LINES_OF_SAMPLE, docx_bytes

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def browse(chromium: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] = PHONE) -> Any:
        context = chromium.new_context(viewport=viewport, locale="zh-CN",
                                       accept_downloads=True)
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda message: message.type == "error"
                and page.problems.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def test_a_pasted_list_is_checked_on_a_phone(browse: Any, live_server: LiveServer,
                                             tmp_path: Path) -> None:
    page = browse()
    page.goto(f"{live_server.url}/")
    page.click("#nav-checks")
    page.wait_for_selector("#check-form")
    assert page.locator("#check-file").count() == 0
    page.fill("#check-text", "依据ＧＢ／Ｔ１９００１—２００８和GB/T 19001组织生产；\n"
                             "另见GB/T 99999-2020、GB/T 19O01-2016。")
    page.fill("#check-as-of-input", "2025-06-01")
    page.click("#check-submit")
    page.wait_for_selector("#check-table")
    rows = page.locator("#check-table tbody tr")
    verdicts = {rows.nth(i).locator("td").nth(0).inner_text().strip():
                rows.nth(i).get_attribute("data-verdict") for i in range(rows.count())}
    assert verdicts == {"ＧＢ／Ｔ１９００１—２００８": "replaced", "GB/T 19001": "current",
                        "GB/T 99999-2020": "not_found", "GB/T 19O01-2016": "malformed"}
    replaced = rows.nth(0).inner_text()
    assert "被代替为" in replaced and "GB/T 19001-2016" in replaced
    assert page.inner_text("#check-as-of") == "2025-06-01"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{width} px wide on a phone"
    page.select_option("#check-output", "pdf")
    with page.expect_download() as download_info:
        page.click("#check-submit")
    saved = tmp_path / "report.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert page.problems == []


def test_a_leader_uploads_a_document_and_saves_a_watch(browse: Any, live_server: LiveServer,
                                                       tmp_path: Path) -> None:
    page = browse(DESKTOP)
    page.goto(f"{live_server.url}/sign-in")
    page.fill("#username", live_server.leader.username)
    page.fill("#password", live_server.leader.password)
    page.click("#sign-in")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/checks")
    document = tmp_path / "规范性引用文件.docx"
    document.write_bytes(docx_bytes(LINES_OF_SAMPLE))
    page.set_input_files("#check-file", str(document))
    page.click("#check-submit")
    page.wait_for_selector("#check-table")
    assert page.locator("#check-table tbody tr[data-verdict='malformed']").count() == 1
    assert "引用 21 处" in page.inner_text("#check-summary")
    page.click("#nav-watches")
    page.wait_for_selector("#watch-form")
    page.select_option("#watch-kind", "code")
    page.fill("#watch-value", "GB/T 19001")
    page.click("#watch-submit")
    page.wait_for_selector("#watch-done")
    assert "GB/T 19001" in page.inner_text("#watch-list")
    assert page.problems == []
