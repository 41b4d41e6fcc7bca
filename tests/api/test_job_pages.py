"""The import pages as staff use them without JavaScript: upload (CSRF), the job page that
refreshes itself until the report shows, batch history with the original file, rejections
filtered and exported; the daily tasks page; other roles are kept out."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from openpyxl import load_workbook

from tests.api.session_helpers import PASSWORD, page_token, person, sign_in
from tests.api.test_jobs import catalogue_csv, wait_for, worker  # noqa: F401 (fixture)

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db", "worker")]


async def test_upload_watch_report_batch_original_and_rejections(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    staff = await person(browser, staff_headers, "staff")
    assert (await sign_in(browser, staff["username"], PASSWORD)).status_code == 303
    page = await browser.get("/workbench/imports")
    assert page.status_code == 200 and 'id="import-form"' in page.text
    assert 'id="nav-imports"' in page.text and 'id="nav-schedules"' in page.text
    token = await page_token(browser, "/workbench/imports")
    content = catalogue_csv(40) + "=CMD(),坏行,2020-01-01,\n甲,乙,2020-01-01,\n".encode()
    refused = await browser.post("/workbench/imports", data={"kind": "catalogue"},
                                 files={"files": ("目录.csv", content, "text/csv")})
    assert refused.status_code == 403  # no CSRF token
    sent = await browser.post("/workbench/imports", data={"kind": "catalogue",
                                                          "csrf_token": token},
                              files={"files": ("目录.csv", content, "text/csv")})
    assert sent.status_code == 303
    job_id = int(sent.headers["location"].rsplit("/", 1)[1])
    watching = await browser.get(f"/workbench/jobs/{job_id}")
    assert watching.status_code == 200
    job = await wait_for(browser, staff_headers, job_id, {"done", "failed"})
    assert job["state"] == "done", job["error"]
    done = await browser.get(f"/workbench/jobs/{job_id}")
    assert 'data-state="done"' in done.text and 'http-equiv="refresh"' not in done.text
    assert "新建 40，更新 0，未变 0，拒收 2" in done.text
    if "data-state=\"running\"" in watching.text or "data-state=\"queued\"" in watching.text:
        assert 'http-equiv="refresh"' in watching.text

    batch_id = job["batch_id"]
    history = await browser.get("/workbench/batches")
    assert f'data-batch="{batch_id}"' in history.text and "目录.csv" in history.text
    detail = await browser.get(f"/workbench/batches/{batch_id}")
    assert detail.status_code == 200 and "符合条件 2 行" in detail.text
    original = await browser.get(f"/workbench/batches/{batch_id}/files/0")
    assert original.status_code == 200 and original.content == content
    assert "filename*=UTF-8''%E7%9B%AE%E5%BD%95.csv" in original.headers["content-disposition"]
    assert (await browser.get(f"/workbench/batches/{batch_id}/files/5")).status_code == 404

    filtered = await browser.get(f"/workbench/batches/{batch_id}", params={"q": "CMD"})
    assert "符合条件 1 行" in filtered.text
    exported = await browser.get(f"/workbench/batches/{batch_id}/rejections",
                                 params={"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["文件 file", "位置 location", "原因 reason"] and len(rows) == 3
    assert all(not cell.startswith("=") for row in rows for cell in row)
    xlsx = await browser.get(f"/workbench/batches/{batch_id}/rejections",
                             params={"format": "xlsx", "q": "CMD"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == 3  # title, header, one row

    english = await browser.get(f"/workbench/jobs/{job_id}?lang=en")
    assert "Import report" in english.text


async def test_schedules_page_and_roles(browser: httpx.AsyncClient,
                                        staff_headers: dict[str, str]) -> None:
    leader = await person(browser, staff_headers, "leader")
    await sign_in(browser, leader["username"], PASSWORD)
    assert (await browser.get("/workbench/imports")).status_code == 403
    browser.cookies.clear()
    staff = await person(browser, staff_headers, "staff")
    await sign_in(browser, staff["username"], PASSWORD)
    page = await browser.get("/workbench/schedules")
    assert page.status_code == 200
    assert 'data-schedule="alerts-refresh"' in page.text and "预警刷新（按日期）" in page.text
    assert 'id="schedules-off"' in page.text  # the tests run with STDTRACK_SCHEDULES=off
    listing = await browser.get("/workbench/jobs?status=done")
    assert listing.status_code == 200 and 'id="jobs-total"' in listing.text
    assert (await browser.get("/workbench/jobs?status=bogus")).status_code == 400
