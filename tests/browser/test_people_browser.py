"""People in headless Chromium against a real server: an enterprise registers on a phone,
staff approve it, it signs in; staff invite a leader who replaces the temporary password at
first sign-in; the language switch; sign-in by keyboard alone; every page fits a 390 px
screen."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.adoption.helpers import mutated, new_uscc
from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "松花江-雾凇-2026"
_serial = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{int(time.time() * 1000) % 10**9}-{next(_serial)}"


@pytest.fixture
def browse(chromium: Any) -> Iterator[Any]:
    """Open pages in new browser contexts (each its own cookies), phone-sized by default;
    every page collects console errors, uncaught errors and failed resources (a style sheet, a
    script) in ``page.problems``. A page answering 400 or 403 on purpose (a refused form) is
    not a problem: Chromium logs it as a failed load, so those console lines are left to the
    resource check."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] = PHONE) -> Any:
        context = chromium.new_context(viewport=viewport, locale="zh-CN",
                                       has_touch=viewport is PHONE)
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda message: message.type == "error"
                and not message.text.startswith("Failed to load resource")
                and page.problems.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
        page.on("response", lambda response: response.status >= 400
                and response.request.resource_type != "document"
                and page.problems.append(f"{response.status} {response.url}"))
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def fits_the_screen(page: Any) -> None:
    """Nothing wider than the viewport: no sideways scrolling on a phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url}: {width} px wide on a {viewport} px screen"


def sign_in(page: Any, server: LiveServer, username: str, password: str) -> None:
    page.goto(f"{server.url}/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_load_state()


def test_an_enterprise_registers_on_a_phone_is_approved_and_signs_in(
        browse: Any, live_server: LiveServer) -> None:
    clerk = browse()
    clerk.goto(f"{live_server.url}/")
    clerk.click("#nav-register")
    clerk.wait_for_selector("#register-form")
    fits_the_screen(clerk)
    uscc, username = new_uscc("220102"), unique("hongda")
    clerk.fill("#uscc", mutated(uscc))
    clerk.fill("#name", "长春市宏达汽车零部件有限公司")
    clerk.fill("#region_code", "220102")
    clerk.fill("#contact_name", "王丽")
    clerk.fill("#contact_phone", "13912345678")
    clerk.fill("#username", username)
    clerk.fill("#password", PASSWORD)
    clerk.fill("#confirm_password", PASSWORD)
    clerk.click("#register-submit")
    clerk.wait_for_selector("#register-errors")
    assert f"统一社会信用代码 “{mutated(uscc)}” 不正确" in clerk.inner_text("#register-errors")
    assert clerk.get_attribute("#uscc", "aria-invalid") == "true"
    assert clerk.input_value("#name") == "长春市宏达汽车零部件有限公司"  # kept
    fits_the_screen(clerk)
    clerk.fill("#uscc", uscc)
    clerk.fill("#password", PASSWORD)
    clerk.fill("#confirm_password", PASSWORD)
    clerk.click("#register-submit")
    clerk.wait_for_selector("#registration-pending")
    assert uscc in clerk.inner_text("#registration-pending")
    assert "等待工作人员审核" in clerk.inner_text("#registration-pending")

    clerk.click("#to-sign-in")
    clerk.fill("#username", username)
    clerk.fill("#password", PASSWORD)
    clerk.click("#sign-in")
    clerk.wait_for_selector("#sign-in-error")
    assert "正在审核中" in clerk.inner_text("#sign-in-error")

    staff = browse(DESKTOP)
    sign_in(staff, live_server, live_server.staff.username, live_server.staff.password)
    staff.click("#nav-registrations")
    row = staff.locator(f"#registrations-list tr[data-uscc='{uscc}']")
    assert "长春市宏达汽车零部件有限公司" in row.inner_text()
    assert "南关区" in row.inner_text()
    row.locator("button.approve").click()
    staff.wait_for_selector("#registrations-message")
    assert "注册已通过" in staff.inner_text("#registrations-message")
    assert staff.locator(f"#registrations-list tr[data-uscc='{uscc}']").count() == 0
    assert staff.problems == []

    clerk.fill("#username", username)
    clerk.fill("#password", PASSWORD)
    clerk.click("#sign-in")
    clerk.wait_for_selector("#account-facts")
    assert clerk.url.endswith("/account")
    assert uscc in clerk.inner_text("#account-facts")
    assert "长春市宏达汽车零部件有限公司" in clerk.inner_text("#who")
    fits_the_screen(clerk)
    clerk.click("#sign-out")
    clerk.wait_for_selector("#sign-in-link")
    assert all(c["name"] != "stdtrack_session" for c in clerk.context.cookies())
    assert clerk.problems == []


def test_an_invited_leader_replaces_the_temporary_password(browse: Any,
                                                            live_server: LiveServer) -> None:
    staff = browse(DESKTOP)
    sign_in(staff, live_server, live_server.staff.username, live_server.staff.password)
    staff.click("#nav-accounts")
    username = unique("leader")
    staff.select_option("#invite-role", "leader")
    staff.fill("#invite-username", username)
    staff.fill("#invite-name", "李明")
    staff.click("#invite-submit")
    staff.wait_for_selector("#temporary-password")
    temporary = staff.inner_text("#temporary-password").strip()
    assert len(temporary) == 16 and staff.inner_text("#secret-username") == username

    leader = browse()
    sign_in(leader, live_server, username, temporary)
    leader.wait_for_selector("#must-change")
    assert "/account/password" in leader.url
    fits_the_screen(leader)
    leader.goto(f"{live_server.url}/")  # the dashboard waits until the password is replaced
    assert leader.locator("#goal-cards").count() == 0
    assert leader.locator("#search-form").count() == 1
    leader.goto(f"{live_server.url}/account/password")
    leader.fill("#current_password", temporary)
    leader.fill("#new_password", PASSWORD)
    leader.fill("#confirm_password", PASSWORD + "?")
    leader.click("#save-password")
    leader.wait_for_selector("#password-error")
    assert "两次输入的新密码不一致" in leader.inner_text("#password-error")
    leader.fill("#current_password", temporary)
    leader.fill("#new_password", PASSWORD)
    leader.fill("#confirm_password", PASSWORD)
    leader.click("#save-password")
    leader.wait_for_selector("#account-message")
    assert "新密码已保存" in leader.inner_text("#account-message")
    leader.click("#nav-dashboard")
    leader.wait_for_selector("#goal-cards")

    staff.goto(f"{live_server.url}/workbench/accounts")
    row = staff.locator(f"#accounts-list tr[data-username='{username}']")
    assert "正常" in row.inner_text()
    row.locator("button.disable").click()
    staff.wait_for_selector("#accounts-message")
    leader.reload()
    leader.wait_for_selector("#sign-in-link")  # the dashboard is gone: signed out
    assert leader.locator("#goal-cards").count() == 0
    leader.goto(f"{live_server.url}/account")
    leader.wait_for_selector("#username")  # sent to sign in
    assert leader.problems == [] and staff.problems == []


def test_the_language_switch_changes_every_page_and_is_remembered(
        browse: Any, live_server: LiveServer) -> None:
    page = browse()
    page.goto(f"{live_server.url}/sign-in")
    assert page.inner_text("#sign-in-heading") == "登录"
    page.click("#language-switch")
    page.wait_for_selector("html[lang=en]")
    assert page.inner_text("#sign-in-heading") == "Sign in"
    assert page.get_attribute("label[for=username]", "for") == "username"
    assert page.inner_text("label[for=username]") == "Username"
    page.click("#register-link")
    page.wait_for_selector("#register-form")
    assert page.inner_text("#register-heading") == "Register an enterprise"
    assert page.inner_text("#language-switch") == "中文"
    fits_the_screen(page)
    page.click("#language-switch")
    page.wait_for_selector("html[lang=zh-CN]")
    assert page.inner_text("#register-heading") == "企业注册"
    assert page.problems == []


def test_sign_in_by_keyboard_alone_on_a_phone(browse: Any, live_server: LiveServer) -> None:
    page = browse()
    page.goto(f"{live_server.url}/sign-in")
    fits_the_screen(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    assert page.locator("#skip-link").bounding_box()["y"] >= 0  # and on screen
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "username"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.type(live_server.leader.username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(live_server.leader.password)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sign-in"
    page.keyboard.press("Enter")
    page.wait_for_selector("#goal-cards")
    # every control of the layout is reachable by Tab, none is mouse-only
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id"))
    assert {"nav-dashboard", "nav-account", "sign-out", "language-switch"} <= reached
    assert page.problems == []


@pytest.mark.parametrize("path", ["/sign-in", "/sign-in?method=token", "/register", "/account",
                                  "/account/password", "/workbench/accounts",
                                  "/workbench/registrations"])
def test_pages_fit_a_phone_screen(browse: Any, live_server: LiveServer, path: str) -> None:
    page = browse()
    if path.startswith(("/account", "/workbench")):
        sign_in(page, live_server, live_server.staff.username, live_server.staff.password)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("main h1")
    fits_the_screen(page)
    for button in page.locator("main button[type=submit]").all()[:5]:
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["height"] >= 36  # a finger can hit it
    assert page.problems == []
