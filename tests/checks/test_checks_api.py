"""标准查新 over HTTP: every verdict, dated and undated codes, a chosen date, the public
limits and rate limit, documents for the signed-in, XLSX and PDF reports."""

from __future__ import annotations

import io

import httpx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.adoption.helpers import upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

HEADER = "标准号,标准名称,发布日期,实施日期,废止日期,代替标准"
CATALOGUE = [
    HEADER,
    "GB/T 19001-2008,质量管理体系 要求,2008-10-29,2009-03-01,2017-07-01,",
    "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,,GB/T 19001-2008",
    "GB/T 7714-2015,信息与文献 参考文献著录规则,2015-05-15,2015-12-01,,",
    "GB 4706.1-2005,家用和类似用途电器的安全 第1部分：通用要求,2005-08-26,2006-08-01,,",
    "DB22/T 1234-2020,人参种植技术规程,2020-01-02,2020-03-01,2024-01-01,",
    "GB/T 99998-2027,未来的标准,2026-06-01,2027-01-01,,",
]
TEXT = """本文件按照GB/T 1.1—2020的规则起草。下列文件中的内容通过文中的规范性引用而构成本文件\
必不可少的条款。
GB/T 19001—2008 质量管理体系 要求
GB/T 19001 质量管理体系 要求
ＧＢ／Ｔ７７１４－２０１５ 信息与文献
依据DB22/T 1234-2020和GB/T 99998-2027开展工作，另见GB/T 19O01-2016。
Table 3 和 PDF 2 不是标准。GB/T 7714-2015 再次出现。
"""


async def _catalogue(client: httpx.AsyncClient, staff: dict[str, str]) -> None:
    await upload_catalogue(client, staff, "checks.csv", CATALOGUE)


async def test_every_verdict_with_successors_and_the_edition_in_force(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await _catalogue(client, staff_headers)
    answer = await client.post("/api/checks", json={"text": TEXT, "as_of": "2025-06-01"},
                               headers=staff_headers)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    items = {item["written"]: item for item in report["items"]}
    assert list(items) == ["GB/T 1.1—2020", "GB/T 19001—2008", "GB/T 19001",
                           "ＧＢ／Ｔ７７１４－２０１５", "DB22/T 1234-2020", "GB/T 99998-2027",
                           "GB/T 19O01-2016"]
    assert items["GB/T 1.1—2020"]["verdict"] == "not_found"
    assert items["GB/T 1.1—2020"]["verdict_zh"] == "未收录"
    replaced = items["GB/T 19001—2008"]
    assert (replaced["verdict"], replaced["verdict_zh"]) == ("replaced", "已被代替")
    assert replaced["successors"] == ["GB/T 19001-2016"]
    assert replaced["edition_in_force"] == "GB/T 19001-2016"
    assert replaced["withdrawn_on"] == "2017-07-01"
    undated = items["GB/T 19001"]
    assert undated["undated"] is True and undated["verdict"] == "current"
    assert undated["resolved_code"] == "GB/T 19001-2016"
    full_width = items["ＧＢ／Ｔ７７１４－２０１５"]
    assert full_width["code"] == "GB/T 7714-2015" and full_width["verdict_zh"] == "现行"
    assert full_width["occurrences"] == 2 and full_width["locations"] == ["第4行", "第6行"]
    assert items["DB22/T 1234-2020"]["verdict"] == "withdrawn"
    assert items["DB22/T 1234-2020"]["verdict_zh"] == "已废止"
    upcoming = items["GB/T 99998-2027"]
    assert upcoming["verdict"] == "upcoming" and upcoming["effective_on"] == "2027-01-01"
    malformed = items["GB/T 19O01-2016"]
    assert malformed["verdict"] == "malformed" and malformed["verdict_zh"] == "编号有误"
    assert malformed["code"] is None and malformed["problem"]
    assert report["counts"] == {"current": 2, "replaced": 1, "withdrawn": 1, "upcoming": 1,
                                "not_found": 1, "malformed": 1}
    assert report["found"] == 8 and report["distinct"] == 7
    assert report["as_of"] == "2025-06-01"
    assert report["catalogue"]["standards"] == 6
    assert report["catalogue"]["last_batch_id"] is not None


async def test_a_chosen_date_changes_the_verdicts(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await _catalogue(client, staff_headers)
    text = "GB/T 19001-2008; GB/T 19001; DB22/T 1234-2020; GB/T 99998-2027"
    report = (await client.post("/api/checks", json={"text": text, "as_of": "2012-01-01"},
                                headers=staff_headers)).json()
    verdicts = {item["written"]: (item["verdict"], item["resolved_code"])
                for item in report["items"]}
    assert verdicts == {
        "GB/T 19001-2008": ("current", "GB/T 19001-2008"),
        "GB/T 19001": ("current", "GB/T 19001-2008"),  # the edition in force that day
        "DB22/T 1234-2020": ("upcoming", "DB22/T 1234-2020"),
        "GB/T 99998-2027": ("upcoming", "GB/T 99998-2027"),
    }
    later = (await client.post("/api/checks", json={"text": text, "as_of": "2028-01-01"},
                               headers=staff_headers)).json()
    assert {i["written"]: i["verdict"] for i in later["items"]}["GB/T 99998-2027"] == "current"
    refused = await client.post("/api/checks", json={"text": text, "as_of": "1800-01-01"},
                                headers=staff_headers)
    assert refused.status_code == 400


async def test_the_public_checks_short_lists_only_and_is_rate_limited(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    from adoption.tables import Account

    await _catalogue(browser, staff_headers)
    await Account.raw("DELETE FROM sign_in_throttle WHERE key = {}", "check:127.0.0.1")
    app_settings = browser._transport.app.state.settings  # type: ignore[attr-defined]
    limit = app_settings.check_rate_per_hour
    try:
        first = await browser.post("/api/checks", json={"text": "GB/T 7714-2015"})
        assert first.status_code == 200 and first.json()["items"][0]["verdict"] == "current"
        long_list = "\n".join(f"GB/T {n}-2015" for n in range(1000, 1101))
        too_many = await browser.post("/api/checks", json={"text": long_list})
        assert too_many.status_code == 401 and "101" in too_many.json()["detail"]
        too_long = await browser.post("/api/checks", json={"text": "x" * 20_001})
        assert too_long.status_code == 401
        signed_in = await browser.post("/api/checks", json={"text": long_list},
                                       headers=staff_headers)
        assert signed_in.status_code == 200 and signed_in.json()["distinct"] == 101
        for _ in range(limit - 2):
            assert (await browser.post("/api/checks", json={"text": "GB 1"})).status_code == 200
        refused = await browser.post("/api/checks", json={"text": "GB 1"})
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 3000
        assert "sign in" in refused.json()["detail"]
        # a form post is refused: a public JSON route without CSRF takes JSON only
        form = await browser.post("/api/checks", data={"text": "GB 1"},
                                  headers=staff_headers)
        assert form.status_code in (400, 415)
    finally:
        await Account.raw("DELETE FROM sign_in_throttle WHERE key = {}", "check:127.0.0.1")


async def test_reports_as_xlsx_and_pdf(client: httpx.AsyncClient,
                                       staff_headers: dict[str, str]) -> None:
    await _catalogue(client, staff_headers)
    body = {"text": "=GB/T 19001-2008 引用\nGB/T 7714-2015", "as_of": "2025-06-01"}
    sheet = await client.post("/api/checks/report", params={"format": "xlsx"}, json=body,
                              headers=staff_headers)
    assert sheet.status_code == 200
    assert "filename*=UTF-8''" in sheet.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert "状态日期 2025-06-01" in rows[0][0] and "目录版本" in rows[0][0]
    assert rows[1][:4] == ("序号 no.", "引用编号 as cited", "规范编号 code", "结论 verdict")
    assert rows[2][1:4] == ("GB/T 19001-2008", "GB/T 19001-2008", "已被代替")
    assert rows[2][9] == "GB/T 19001-2016"
    pdf = await client.post("/api/checks/report", params={"format": "pdf"}, json=body,
                            headers=staff_headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().replace(
        "\x00", "").split())
    assert "标准查新报告" in text and "状态判定日期：2025-06-01" in text
    assert "GB/T19001-2008" in text and "已被代替" in text and "GB/T19001-2016" in text
    assert (await client.post("/api/checks/report", params={"format": "doc"}, json=body,
                              headers=staff_headers)).status_code == 400


async def test_documents_are_checked_for_the_signed_in_only(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    from tests.adoption.helpers import account
    from tests.checks.documents import LINES_OF_SAMPLE, docx_bytes, pdf_bytes

    await _catalogue(browser, staff_headers)
    docx = docx_bytes(LINES_OF_SAMPLE)
    anonymous = await browser.post("/api/checks/files", files={"file": ("refs.docx", docx)})
    assert anonymous.status_code == 401
    for role in ("enterprise", "leader", "staff"):
        uscc = None
        if role == "enterprise":
            from tests.adoption.helpers import new_uscc
            uscc = new_uscc()
        headers = await account(browser, staff_headers, role, uscc)
        answer = await browser.post("/api/checks/files", headers=headers,
                                    files={"file": ("规范性引用.docx", docx)},
                                    data={"as_of": "2025-06-01"})
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert report["source"] == "规范性引用.docx" and report["as_of"] == "2025-06-01"
        assert report["found"] == 21 and report["counts"]["malformed"] == 1
    pdf = await browser.post("/api/checks/files/report", params={"format": "pdf"},
                             headers=staff_headers,
                             files={"file": ("refs.pdf", pdf_bytes(LINES_OF_SAMPLE))})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    damaged = await browser.post("/api/checks/files", headers=staff_headers,
                                 files={"file": ("refs.docx", docx[:-40])})
    assert damaged.status_code == 400 and "cannot be read" in damaged.json()["detail"]
