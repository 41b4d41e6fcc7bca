"""Pages in one language at a time: every string of the pages has an English translation in the
catalog, pages rendered in English hold no Chinese interface text (data marked lang="zh-CN"
excepted), Chinese pages hold no English interface text, and the language switch is on every
page and remembered."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import lxml.html
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from api.web.i18n import LANG_COOKIE, catalog_path
from tests.adoption.helpers import mutated, new_uscc
from tests.api.session_helpers import PASSWORD, csrf_of, new_username, person, sign_in

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
# attributes that are addresses or machine values, never words for people
NOT_WORDS = {"href", "src", "action", "id", "class", "name", "for", "type", "autocomplete",
             "method", "rel", "lang", "hreflang", "content", "charset", "data-account",
             "data-registration", "data-uscc", "data-username", "data-chart", "data-reason"}


def extracted_messages() -> set[str]:
    """Every msgid the sources hold, found the way ``make i18n`` finds them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={"_": None, "N_": None,
                                                          "gettext": None,
                                                          "ngettext": (1, 2)}):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def english_catalog() -> dict[str, object]:
    with catalog_path("en").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}


def test_every_page_string_has_an_english_translation() -> None:
    messages = extracted_messages()
    assert len(messages) > 100 and "登录" in messages and "标准检索" in messages
    catalog = english_catalog()
    missing = sorted(message for message in messages if message not in catalog)
    assert not missing, f"run `make i18n` and translate: {missing}"
    untranslated = sorted(
        key for key in messages
        if not all(catalog[key].string if isinstance(catalog[key].string, tuple)  # type: ignore[attr-defined]
                   else [catalog[key].string])  # type: ignore[attr-defined]
        or catalog[key].fuzzy)  # type: ignore[attr-defined]
    assert not untranslated, f"untranslated or fuzzy in {catalog_path('en')}: {untranslated}"
    with catalog_path("en").open("rb") as handle:
        checked = read_po(handle, locale="en")
    problems = [(message.id, errors) for message, errors in checked.check() if errors]
    assert not problems  # placeholders agree between Chinese and English


def interface_text(html: str) -> list[str]:
    """The words of a page meant for people: text and labelling attributes, minus scripts,
    styles, and elements marked as another language's data."""
    tree = lxml.html.fromstring(html)
    page_lang = tree.get("lang", "")
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    for element in tree.xpath("//body//*[@lang]"):
        if element.get("lang") != page_lang:
            element.drop_tree()  # keeps the text that follows it
    words = [text.strip() for text in tree.xpath("//text()") if text.strip()]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        # what a field holds is what the person typed (data); a button's value is a label
        typed = element.tag in ("input", "textarea") and element.get("type") not in (
            "submit", "button", "reset")
        for attribute, value in element.attrib.items():
            if attribute in NOT_WORDS or (typed and attribute == "value") or not value.strip():
                continue
            words.append(value.strip())
    return words


def chinese_in(html: str) -> list[str]:
    return [text for text in interface_text(html) if CJK.search(text)]


@pytest.fixture
async def english_pages(browser: httpx.AsyncClient, staff_headers: dict[str, str]
                        ) -> dict[str, httpx.Response]:
    """Every page of accounts, sessions and registrations, in English, in each state a person
    can meet it (errors included), with Chinese data on them."""
    pages: dict[str, httpx.Response] = {}
    browser.cookies.set(LANG_COOKIE, "en")

    async def get(name: str, path: str) -> None:
        pages[name] = await browser.get(path)

    await get("search", "/")
    await get("standard missing", "/standard?code=GB/T%2099999-2020")
    await get("standard bad", "/standard?code=%E6%A0%87%E5%87%86")
    await get("sign-in", "/sign-in")
    await get("sign-in by token", "/sign-in?method=token")
    await get("register", "/register")
    form = {"uscc": mutated(new_uscc()), "name": "长春市宏达汽车零部件有限公司",
            "region_code": "220199", "contact_name": "王丽", "contact_phone": "0431-88886666",
            "username": new_username(), "password": PASSWORD, "confirm_password": PASSWORD,
            "csrf_token": csrf_of(pages["register"].text)}
    pages["register refused"] = await browser.post("/register", data=form)
    pending_form = {**form, "uscc": new_uscc(), "region_code": "220102"}
    submitted = await browser.post("/register", data=pending_form)
    await get("register submitted", submitted.headers["location"])
    pages["register duplicate"] = await browser.post("/register", data={
        **pending_form, "username": new_username()})
    pages["sign-in pending"] = await sign_in(browser, pending_form["username"], PASSWORD)
    pages["sign-in wrong"] = await sign_in(browser, "nobody-here", "wrong password")
    pages["expired form"] = await browser.post("/sign-in", data={"username": "x"})

    staff = await person(browser, staff_headers)
    rejected_form = {**form, "uscc": new_uscc(), "region_code": "220102",
                     "username": new_username()}
    await browser.post("/register", data=rejected_form)
    await sign_in(browser, staff["username"], PASSWORD)
    await get("registrations", "/workbench/registrations")
    token = csrf_of(pages["registrations"].text)
    listed = pages["registrations"].text
    rejected_id = listed.split(f'data-uscc="{rejected_form["uscc"]}"')[0].rsplit(
        'data-registration="', 1)[1].split('"')[0]
    await browser.post(f"/workbench/registrations/{rejected_id}/reject",
                       data={"csrf_token": token, "reason": "营业执照名称不符"})
    await get("registrations rejected", "/workbench/registrations?status=rejected")
    await get("accounts", "/workbench/accounts")
    pages["invited"] = await browser.post("/workbench/accounts", data={
        "csrf_token": token, "role": "leader", "username": new_username(), "name": "李明"})
    pages["invite refused"] = await browser.post("/workbench/accounts", data={
        "csrf_token": token, "role": "enterprise", "username": "a", "uscc": "91"})
    await get("account", "/account")
    await get("password", "/account/password")
    pages["password refused"] = await browser.post("/account/password", data={
        "csrf_token": token, "current_password": "x", "new_password": "short",
        "confirm_password": "short"})
    browser.cookies.clear()
    browser.cookies.set(LANG_COOKIE, "en")
    pages["sign-in rejected"] = await sign_in(browser, rejected_form["username"], PASSWORD)
    invited = await person(browser, staff_headers, "leader", password=None)
    await sign_in(browser, invited["username"], invited["temporary_password"])
    await get("first password", "/account/password")
    return pages


async def test_english_pages_hold_no_chinese_interface_text(
        english_pages: dict[str, httpx.Response]) -> None:
    for name, page in english_pages.items():
        assert page.headers["content-type"].startswith("text/html"), name
        assert '<html lang="en">' in page.text, name
        assert not chinese_in(page.text), (name, chinese_in(page.text))
    assert "Reason:" in english_pages["sign-in rejected"].text
    assert '<span lang="zh-CN">营业执照名称不符</span>' in english_pages["sign-in rejected"].text
    assert "is not valid" in english_pages["register refused"].text
    assert "Too many" not in english_pages["sign-in wrong"].text


async def test_chinese_pages_hold_no_english_interface_text(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    english = {str(m.string) for m in english_catalog().values()
               if isinstance(m.string, str) and len(m.string) > 3}  # type: ignore[attr-defined]
    staff = await person(browser, staff_headers)
    pages = [await browser.get(path) for path in ("/", "/sign-in", "/sign-in?method=token",
                                                   "/register")]
    await sign_in(browser, staff["username"], PASSWORD)
    pages += [await browser.get(path) for path in (
        "/account", "/account/password", "/workbench/accounts", "/workbench/registrations")]
    for page in pages:
        assert '<html lang="zh-CN">' in page.text
        leaked = [text for text in interface_text(page.text) if text in english]
        assert not leaked, (page.url, leaked)


async def test_the_language_switch_is_on_every_page_and_remembered(
        browser: httpx.AsyncClient) -> None:
    chinese = await browser.get("/register")
    switch = lxml.html.fromstring(chinese.text).get_element_by_id("language-switch")
    assert (switch.text, switch.get("href"), switch.get("lang")) == (
        "English", "/register?lang=en", "en")
    english = await browser.get("/register?lang=en")
    assert "Register an enterprise" in english.text and "企业注册" not in chinese_in(english.text)
    assert "max-age=31536000" in english.headers["set-cookie"].lower()
    remembered = await browser.get("/sign-in")
    assert '<html lang="en">' in remembered.text and "Sign in" in remembered.text
    assert remembered.headers["content-language"] == "en"
    back = lxml.html.fromstring(remembered.text).get_element_by_id("language-switch")
    assert (back.text, back.get("href")) == ("中文", "/sign-in?lang=zh")
    assert '<html lang="zh-CN">' in (await browser.get(back.get("href"))).text
    assert '<html lang="zh-CN">' in (await browser.get("/sign-in")).text
    kept = await browser.get("/standard?code=GB/T%201&lang=en")
    href = lxml.html.fromstring(kept.text).get_element_by_id("language-switch").get("href")
    assert href == "/standard?code=GB%2FT+1&lang=zh"
    odd = await browser.get("/sign-in?lang=fr")  # not a language: the remembered one holds
    assert '<html lang="en">' in odd.text and "set-cookie" not in odd.headers
