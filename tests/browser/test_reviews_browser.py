"""The review calendar in headless Chromium against a real server: staff open it from the
navigation, see an overdue local standard, record a 继续有效 review through the form, and the
standard leaves the overdue list; the page fits a phone's screen; the English page."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer
from tests.browser.test_people_browser import fits_the_screen, sign_in

PHONE = {"width": 390, "height": 844}
CATALOGUE = ("标准号,标准名称,发布日期,实施日期\n"
             "DB22/T 8801-2015,雾凇观赏服务规范,2015-01-10,2015-03-01\n"
             "DB22/T 8802-2023,查干湖冬捕服务规范,2023-01-10,2023-03-01\n")


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    context.set_default_timeout(60_000)
    opened = context.new_page()
    opened.problems = []
    opened.on("pageerror", lambda error: opened.problems.append(str(error)))
    try:
        yield opened
    finally:
        context.close()


def load_catalogue(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "db22-reviews.csv"
    path.write_text(CATALOGUE, encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "stdtrack"), "import", str(path)],
                          env=server.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_staff_record_a_review_on_the_calendar(page: Any, live_server: LiveServer,
                                               tmp_path: Path) -> None:
    load_catalogue(live_server, tmp_path)
    sign_in(page, live_server, live_server.staff.username, live_server.staff.password)
    page.click("#nav-reviews")
    page.wait_for_selector("#reviews-months")
    fits_the_screen(page)
    # the demo holds hundreds of overdue local standards: the list is filtered by code
    page.fill("#review-filter-code", "db22/t 8801")
    page.click("#review-filter button")
    page.wait_for_selector("#reviews-overdue")
    overdue = page.locator("#reviews-overdue tr[data-code='DB22/T 8801-2015']")
    assert overdue.count() == 1  # due 2020-03-01, never reviewed
    assert page.locator("#reviews-heading").inner_text() == "地方标准复审日历"
    page.fill("#review-code", "DB22/T 8801-2015")
    page.fill("#review-date", "2024-05-20")
    page.select_option("#review-conclusion", "continue")
    page.fill("#review-note", "继续有效，下次复审 2029 年")
    page.click("#record-submit")
    page.wait_for_selector("#reviews-message")
    page.fill("#review-filter-code", "DB22/T 8801")
    page.click("#review-filter button")
    page.wait_for_selector("#reviews-overdue")
    assert page.locator("#review-filter-code").input_value() == "DB22/T 8801"
    assert page.locator("#reviews-overdue tr[data-code='DB22/T 8801-2015']").count() == 0
    page.click("#language-switch")
    page.wait_for_selector("#reviews-heading")
    assert page.locator("#reviews-heading").inner_text() == \
        "Review calendar of local standards"
    assert not page.problems
