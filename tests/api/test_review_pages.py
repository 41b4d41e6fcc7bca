"""The review pages: the calendar, a review file, the triage list and the public feedback form,
in a browser session (CSRF on every form; staff record, leaders read)."""

from __future__ import annotations

import httpx
import pytest

from tests.adoption.helpers import account, new_uscc, upload_catalogue
from tests.api.session_helpers import PASSWORD, csrf_of, person, sign_in
from tests.api.test_evaluation_triage import CATALOGUE, clean  # noqa: F401  (fixture)

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db", "clean")]


async def signed_in(browser: httpx.AsyncClient, staff: dict[str, str], role: str) -> None:
    who = await person(browser, staff, role)
    done = await sign_in(browser, who["username"], PASSWORD)
    assert done.status_code in (302, 303), done.text


async def test_staff_record_a_review_on_the_calendar(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "c.csv", CATALOGUE)
    await signed_in(browser, staff_headers, "staff")
    page = await browser.get("/workbench/reviews", params={"region": "22",
                                                           "as_of": "2024-06-30"})
    assert page.status_code == 200, page.text
    assert 'data-code="DB22/T 1001-2019"' in page.text  # overdue since 2024-01-01
    assert "逾期未复审" in page.text
    form = {"code": "DB22/T 1001-2019", "reviewed_on": "2024-06-01", "conclusion": "continue",
            "note": "继续有效"}
    refused = await browser.post("/workbench/reviews", data=form)
    assert refused.status_code == 403  # no CSRF token
    done = await browser.post("/workbench/reviews", data={**form,
                                                         "csrf_token": csrf_of(page.text)})
    assert done.status_code == 303 and done.headers["location"].endswith("done=created")
    again = await browser.get("/workbench/reviews", params={"region": "22",
                                                            "as_of": "2024-06-30"})
    overdue = again.text.split('id="reviews-overdue"', 1)[1].split("</table>", 1)[0]
    assert "DB22/T 1001-2019" not in overdue
    bad = await browser.post("/workbench/reviews", data={
        **form, "code": "DB22/T 9999-2020", "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 400 and "DB22/T 9999-2020" in bad.text
    english = await browser.get("/workbench/reviews", params={"lang": "en"})
    assert "Review calendar of local standards" in english.text


async def test_leaders_read_but_do_not_record(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "c.csv", CATALOGUE)
    await signed_in(browser, staff_headers, "leader")
    page = await browser.get("/workbench/reviews")
    assert page.status_code == 200 and 'id="record-review"' not in page.text
    token = csrf_of(page.text)
    refused = await browser.post("/workbench/reviews", data={
        "code": "DB22/T 1001-2019", "reviewed_on": "2024-06-01", "conclusion": "continue",
        "csrf_token": token})
    assert refused.status_code == 403
    triage = await browser.get("/workbench/triage", params={"region": "22"})
    assert triage.status_code == 200 and "DB22/T 3001-2019" in triage.text


async def test_signed_out_and_enterprise_are_kept_out(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    out = await browser.get("/workbench/reviews")
    assert out.status_code in (302, 303) and "/sign-in" in out.headers["location"]
    firm = await account(browser, staff_headers, "enterprise", new_uscc("220102"))
    for path in ("/workbench/reviews", "/workbench/triage"):
        assert (await browser.get(path, headers=firm)).status_code == 403


async def test_the_public_feedback_form_and_the_review_file(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "c.csv", CATALOGUE)
    page = await browser.get("/standard", params={"code": "DB22/T 1001-2019"})
    assert page.status_code == 200 and 'id="feedback-form"' in page.text
    national = await browser.get("/standard", params={"code": "GB/T 20223-2018"})
    assert 'id="feedback-form"' not in national.text
    form = {"code": "DB22/T 1001-2019", "kind": "outdated", "text": "景区分级已调整",
            "contact": ""}
    assert (await browser.post("/standard/feedback", data=form)).status_code == 403
    sent = await browser.post("/standard/feedback",
                              data={**form, "csrf_token": csrf_of(page.text)})
    assert sent.status_code == 200 and 'id="feedback-sent"' in sent.text
    await signed_in(browser, staff_headers, "staff")
    listed = await browser.get("/api/feedback", headers=staff_headers)
    feedback = listed.json()[0]
    review_file = await browser.get(f"/workbench/reviews/standards/{feedback['standard_id']}")
    assert review_file.status_code == 200 and "景区分级已调整" in review_file.text
    done = await browser.post(f"/workbench/reviews/feedback/{feedback['id']}", data={
        "status": "accepted", "csrf_token": csrf_of(review_file.text)})
    assert done.status_code == 303
    after = await browser.get("/api/feedback", headers=staff_headers)
    assert after.json()[0]["status"] == "accepted"


async def test_the_triage_page_asks_for_a_region_first(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "c.csv", CATALOGUE)
    await signed_in(browser, staff_headers, "staff")
    empty = await browser.get("/workbench/triage")
    assert empty.status_code == 200 and 'id="triage-choose"' in empty.text
    assert 'id="triage-list"' not in empty.text
    page = await browser.get("/workbench/triage", params={"region": "22",
                                                          "action": "abolish"})
    rows = page.text.split('id="triage-list"', 1)[1]
    assert 'data-code="DB22/T 3001-2019"' in rows and 'data-suggested="merge"' not in rows
    bad = await browser.get("/workbench/triage", params={"region": "2x"})
    assert bad.status_code == 400
