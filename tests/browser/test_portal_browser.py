"""The self-declaration portal in headless Chromium against a real server, as a company clerk
uses it on a 390 px phone: register, staff approval, sign in, add a product, declare by a messy
spelling picked from live suggestions (keyboard alone), the warning before declaring a withdrawn
standard, a bulk file previewed with its errors then committed, an alert after a catalogue
import replaces the declared standard, the one-click re-declare, the public page with its QR
code (decoded), and the declaration search."""

from __future__ import annotations

import io
import itertools
import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.adoption.helpers import new_uscc
from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "长白山-天池-2026"
_serial = itertools.count(1)
HEADER = "标准号,标准名称,发布日期,实施日期,废止日期,代替标准"


def unique(prefix: str) -> str:
    return f"{prefix}{int(time.time() * 1000) % 10**8}{next(_serial)}"


@pytest.fixture
def browse(chromium: Any) -> Iterator[Any]:
    """Pages in their own browser contexts (phone-sized by default) that collect console and
    page errors in ``page.problems``."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] = PHONE) -> Any:
        context = chromium.new_context(viewport=viewport, locale="zh-CN",
                                       has_touch=viewport is PHONE, accept_downloads=True)
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


def fits_the_screen(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width} px wide"


def sign_in(page: Any, server: LiveServer, username: str, password: str) -> None:
    page.goto(f"{server.url}/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_load_state()


def upload_catalogue(server: LiveServer, name: str, lines: list[str]) -> dict[str, Any]:
    """A catalogue import by staff over the API (what replaces a declared standard)."""
    boundary = "portal-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
            + "\n".join(lines) + f"\n\r\n--{boundary}--\r\n").encode("utf-8")
    request = urllib.request.Request(
        f"{server.url}/api/imports", data=body, method="POST", headers={
            "Authorization": f"Bearer {server.staff_token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=300) as answer:
        report: dict[str, Any] = json.loads(answer.read())
    return report


def decode_qr(png: bytes) -> str:
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(found.text)


def keyboard_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus (the way a keyboard user gets there)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} cannot be reached with Tab")


def register_and_approve(browse: Any, server: LiveServer) -> tuple[Any, str, str]:
    """An enterprise registers on a phone, staff approve it; the clerk is signed in."""
    clerk = browse()
    uscc, username = new_uscc("220102"), unique("clerk")
    clerk.goto(f"{server.url}/register")
    clerk.fill("#uscc", uscc)
    clerk.fill("#name", "长春市宏达电动车有限公司")
    clerk.fill("#region_code", "220102")
    clerk.fill("#contact_name", "王丽")
    clerk.fill("#contact_phone", "13912345678")
    clerk.fill("#username", username)
    clerk.fill("#password", PASSWORD)
    clerk.fill("#confirm_password", PASSWORD)
    clerk.click("#register-submit")
    clerk.wait_for_selector("#registration-pending")

    staff = browse(DESKTOP)
    sign_in(staff, server, server.staff.username, server.staff.password)
    staff.goto(f"{server.url}/workbench/registrations")
    staff.locator(f"#registrations-list tr[data-uscc='{uscc}'] button.approve").click()
    staff.wait_for_selector("#registrations-message")
    assert staff.problems == []

    sign_in(clerk, server, username, PASSWORD)
    return clerk, uscc, username


def test_the_whole_journey_of_a_company_clerk(browse: Any, live_server: LiveServer) -> None:
    number = 37000 + int(time.time()) % 900  # a standard number of this run only
    old, new, gone = (f"GB/T {number}-2008", f"GB/T {number}-2019", f"GB/T {number + 1}-2005")
    upload_catalogue(live_server, "before.csv", [
        HEADER, f"{old},电动自行车用控制器 技术条件,2008-05-01,2008-11-01,,",
        f"{gone},电动自行车用充电器,2005-01-01,2005-06-01,2012-01-01,"])
    clerk, uscc, _username = register_and_approve(browse, live_server)

    # the portal's home: the enterprise's profile
    clerk.goto(f"{live_server.url}/portal")
    clerk.wait_for_selector("#profile")
    assert uscc in clerk.inner_text("#profile-uscc")
    fits_the_screen(clerk)

    # add a product by keyboard alone
    clerk.goto(f"{live_server.url}/portal/products")
    keyboard_to(clerk, "#product-name")
    clerk.keyboard.type("电动自行车控制器")
    clerk.keyboard.press("Tab")
    clerk.keyboard.type("KZ-48")
    keyboard_to(clerk, "#add-product-submit")
    clerk.keyboard.press("Enter")
    clerk.wait_for_selector("#declare-form")
    assert "产品已登记" in clerk.inner_text("#done")
    fits_the_screen(clerk)
    product_url = clerk.url.split("?")[0]

    # declare by a messy spelling: suggestions, picked with the arrow keys and Enter
    keyboard_to(clerk, "#declare-code")
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    clerk.keyboard.type(f"ｇｂｔ　{number}".translate(wide))  # full-width, as pasted
    clerk.wait_for_selector("#declare-suggestions li[role=option]")
    options = clerk.inner_text("#declare-suggestions")
    assert old in options and "电动自行车用控制器" in options and "现行" in options
    assert clerk.get_attribute("#declare-code", "aria-expanded") == "true"
    fits_the_screen(clerk)
    clerk.keyboard.press("ArrowDown")
    clerk.keyboard.press("Enter")
    assert clerk.input_value("#declare-code") == old
    keyboard_to(clerk, "#declare-submit")
    clerk.keyboard.press("Enter")
    clerk.wait_for_selector("#declarations")
    assert old in clerk.inner_text("#declarations") and "现行" in clerk.inner_text(
        "#declarations")

    # a withdrawn standard is warned about before saving, and needs the box ticked
    clerk.fill("#declare-code", f"gb/t{number + 1}—2005")
    clerk.locator("#declare-code").blur()
    clerk.wait_for_selector("#declare-check:not([hidden])")
    assert f"{gone} 已废止" in clerk.inner_text("#declare-warning")
    clerk.click("#declare-submit")
    clerk.wait_for_selector("#declare-confirm")
    assert f"{gone} 已于 2012-01-01 废止" in clerk.inner_text("#declare-warning")
    assert gone not in clerk.inner_text("#declarations")
    clerk.check("#declare-confirm")
    clerk.click("#declare-submit")
    clerk.wait_for_selector("#done")
    assert gone in clerk.inner_text("#declarations")
    clerk.locator("#declarations tr", has_text=gone).locator("button.danger").click()
    clerk.wait_for_selector("#withdrawn")
    assert gone in clerk.inner_text("#withdrawn")

    # bulk upload: the template, a preview listing each row's problems, then the commit
    clerk.goto(f"{live_server.url}/portal/upload")
    with clerk.expect_download() as download:
        clerk.click("#template-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    header = "统一社会信用代码,企业名称,行政区划代码,产品名称,产品型号,主要产品,执行标准,公开日期"
    rows = [f"{uscc},,,电动自行车充电器,CD-1,是,{old},2024-05-01",
            f"{uscc},,,电动自行车车架,CJ-2,也许,{old},2024-13-01",
            f"{new_uscc('320102')},别的公司,320102,某产品,X,否,{old},2024-05-01"]
    path = live_server.home / "声明.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    clerk.set_input_files("#upload-file", str(path))
    clerk.click("#upload-submit")
    clerk.wait_for_selector("#preview-summary")
    problems = clerk.inner_text("#problems")
    assert "主要产品" in problems and "也许" in problems and "2024-13-01" in problems
    assert "不是本企业的统一社会信用代码" in problems
    assert "将新登记 1 个产品" in clerk.inner_text("#preview-summary")
    fits_the_screen(clerk)
    clerk.click("#commit")
    clerk.wait_for_selector("#imported-summary")
    assert "新登记 1 个产品" in clerk.inner_text("#imported-summary")

    # a catalogue import replaces the declared standard: an alert, then one click
    upload_catalogue(live_server, "after.csv", [
        HEADER, f"{new},电动自行车用控制器 技术条件,2019-03-01,2019-10-01,,{old}",
        f"{old},电动自行车用控制器 技术条件,2008-05-01,2008-11-01,2019-10-01,"])
    clerk.goto(f"{live_server.url}/portal/alerts")
    clerk.wait_for_selector("article.alert")
    message = clerk.locator("article.alert", has_text="电动自行车控制器").inner_text()
    assert f"{old} 已于 2019-10-01 废止，由 {new} 代替" in message
    fits_the_screen(clerk)
    clerk.locator("article.alert", has_text="电动自行车控制器").locator(
        "button.primary").click()
    clerk.wait_for_selector("#done")
    assert "已改为声明新标准" in clerk.inner_text("#done")
    clerk.goto(product_url)
    assert new in clerk.inner_text("#declarations") and old in clerk.inner_text("#withdrawn")

    # the public page and its QR code, decoded as the browser draws it and as the PNG
    visitor = browse()
    visitor.goto(f"{live_server.url}/enterprises/{uscc}")
    visitor.wait_for_selector("#public-products")
    table = visitor.inner_text("#public-products")
    assert "电动自行车控制器" in table and new in table and "现行" in table
    fits_the_screen(visitor)
    drawn = visitor.locator("#qr").screenshot()
    assert decode_qr(drawn) == f"{live_server.url}/enterprises/{uscc}"
    png = visitor.request.get(f"{live_server.url}/enterprises/{uscc}/qr.png")
    assert decode_qr(png.body()) == f"{live_server.url}/enterprises/{uscc}"

    # the declaration search finds it by product, by enterprise and by a messy code
    visitor.goto(f"{live_server.url}/declarations")
    visitor.fill("#q", f"gbt{number}")
    visitor.select_option("#by", "standard")
    visitor.click("#search-submit")
    visitor.wait_for_selector("#results")
    assert "长春市宏达电动车有限公司" in visitor.inner_text("#results")
    fits_the_screen(visitor)
    assert clerk.problems == [] and visitor.problems == []
