"""The 标准查新 page: anyone pastes a short list (CSRF-protected form), the signed-in upload
documents, answers as a page, XLSX or PDF; an enterprise checks its declared standards in one
click; English pages word the verdicts in English."""

from __future__ import annotations

import httpx
import lxml.html
import pytest

from tests.adoption.helpers import declare, enterprise, product, upload_catalogue
from tests.api.session_helpers import PASSWORD, csrf_of, person, sign_in, sign_in_with_token
from tests.checks.documents import LINES_OF_SAMPLE, docx_bytes

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db", "adoption_db")]

CATALOGUE = [
    "标准号,标准名称,发布日期,实施日期,废止日期,代替标准",
    "GB/T 19001-2008,质量管理体系 要求,2008-10-29,2009-03-01,2017-07-01,",
    "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,,GB/T 19001-2008",
    "GB/T 6543-2008,运输包装用单瓦楞纸箱和双瓦楞纸箱,2008-08-19,2009-05-01,,",
]


def _rows(html: str) -> dict[str, str]:
    page = lxml.html.fromstring(html)
    return {row.xpath("string(td[1])").strip(): row.get("data-verdict")
            for row in page.xpath("//table[@id='check-table']/tbody/tr")}


async def test_anyone_checks_a_pasted_list_on_the_page(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    from adoption.tables import Account

    await upload_catalogue(browser, staff_headers, "page.csv", CATALOGUE)
    await Account.raw("DELETE FROM sign_in_throttle WHERE key = {}", "check:127.0.0.1")
    form = await browser.get("/checks")
    assert form.status_code == 200 and "标准查新" in form.text
    assert 'id="check-file"' not in form.text  # documents are for the signed-in
    token = csrf_of(form.text)
    text = "GB/T 19001-2008\nGB/T 19001\n依据GB/T 6543—2008、GB/T 1.1-2020，另见GB/T 19O01-2016"
    answer = await browser.post("/checks", files={"text": (None, text),
                                                  "csrf_token": (None, token),
                                                  "as_of": (None, "2025-06-01")})
    assert answer.status_code == 200, answer.text
    assert _rows(answer.text) == {"GB/T 19001-2008": "replaced", "GB/T 19001": "current",
                                  "GB/T 6543—2008": "current", "GB/T 1.1-2020": "not_found",
                                  "GB/T 19O01-2016": "malformed"}
    assert "被代替为" in answer.text and "2025-06-01" in answer.text
    without_token = await browser.post("/checks", files={"text": (None, text)})
    assert without_token.status_code == 403
    english = await browser.post("/checks?lang=en", files={
        "text": (None, text), "csrf_token": (None, token)})
    assert "Replaced" in english.text and "Not in the catalogue" in english.text
    pdf = await browser.post("/checks", files={"text": (None, text), "output": (None, "pdf"),
                                               "csrf_token": (None, token)})
    assert pdf.headers["content-type"] == "application/pdf"
    refused = await browser.post("/checks", files={
        "file": ("refs.docx", docx_bytes(LINES_OF_SAMPLE)), "csrf_token": (None, token)})
    assert refused.status_code == 401 and 'id="check-error"' in refused.text
    await Account.raw("DELETE FROM sign_in_throttle WHERE key = {}", "check:127.0.0.1")


async def test_the_signed_in_upload_a_document(browser: httpx.AsyncClient,
                                               staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "page.csv", CATALOGUE)
    who = await person(browser, staff_headers, "leader")
    await sign_in(browser, who["username"], PASSWORD)
    page = await browser.get("/checks")
    assert 'id="check-file"' in page.text
    answer = await browser.post("/checks", files={
        "file": ("引用.docx", docx_bytes(LINES_OF_SAMPLE)),
        "csrf_token": (None, csrf_of(page.text))})
    assert answer.status_code == 200, answer.text
    rows = _rows(answer.text)
    assert rows["GB/T 6543-2008"] == "current" and rows["GB/T 191"] == "not_found"
    sheet = await browser.post("/checks", files={
        "file": ("引用.docx", docx_bytes(LINES_OF_SAMPLE)), "output": (None, "xlsx"),
        "csrf_token": (None, csrf_of(page.text))})
    assert sheet.headers["content-type"].startswith("application/vnd.openxmlformats")


async def test_an_enterprise_checks_its_declared_standards_in_one_click(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "page.csv", CATALOGUE)
    _uscc, headers = await enterprise(browser, staff_headers)
    product_id = await product(browser, headers)
    await declare(browser, headers, product_id, "GB/T 19001-2008", confirm=True)
    await declare(browser, headers, product_id, "GB/T 6543-2008")
    await declare(browser, headers, product_id, "Q/ABCDE 0001-2008", confirm=True)
    token = headers["Authorization"].removeprefix("Bearer ")

    await sign_in_with_token(browser, token)
    page = await browser.get("/portal/checks")
    assert page.status_code == 200
    answer = await browser.post("/portal/checks", data={"csrf_token": csrf_of(page.text)})
    assert answer.status_code == 200, answer.text
    rows = _rows(answer.text)
    assert rows["GB/T 19001-2008"] == "replaced" and rows["GB/T 6543-2008"] == "current"
    assert len(rows) == 3
    assert (await browser.get("/portal/checks", headers=staff_headers)).status_code == 403
