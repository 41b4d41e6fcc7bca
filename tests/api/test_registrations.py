"""Enterprise registration: the public form and API, checks on the spot (USCC check
characters, GB/T 2260 region, duplicates), staff approval or rejection with a reason, and what
sign-in tells an applicant; the staff pages for accounts and registrations."""

from __future__ import annotations

import httpx
import pytest

from adoption.tables import Account
from tests.adoption.helpers import bearer, mutated, new_uscc
from tests.api.session_helpers import PASSWORD, csrf_of, new_username, person, sign_in

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db")]


def application(uscc: str | None = None, **changes: str) -> dict[str, str]:
    return {"uscc": uscc or new_uscc("220102"), "name": "长春市宏达汽车零部件有限公司",
            "region_code": "220102", "contact_name": "王丽", "contact_phone": "0431-88886666",
            "username": new_username("hongda"), "password": PASSWORD, **changes}


async def register(client: httpx.AsyncClient, **changes: str) -> httpx.Response:
    return await client.post("/api/registrations", json=application(**changes))


async def test_a_registration_is_pending_until_staff_approve_it(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    body = application()
    done = await browser.post("/api/registrations", json=body)
    assert done.status_code == 201, done.text
    pending = done.json()
    assert (pending["status"], pending["uscc"], pending["region_name"]) == (
        "pending", body["uscc"], "吉林省 长春市 南关区")
    assert "password" not in pending and "password_hash" not in pending

    # the applicant's password works only to be told the registration is pending
    waiting = await sign_in(browser, body["username"], PASSWORD)
    assert waiting.status_code == 403 and "正在审核中" in waiting.text
    api = await browser.post("/api/session", json={"username": body["username"],
                                                   "password": PASSWORD})
    assert api.status_code == 403 and api.json()["registration"] == "pending"
    assert (await sign_in(browser, body["username"], "wrong-password!")).status_code == 401

    listed = await browser.get("/api/registrations", params={"status": "pending",
                                                             "page_size": 200},
                               headers=staff_headers)
    items = listed.json()["items"]
    assert pending["id"] in [item["id"] for item in items]
    assert all(item["status"] == "pending" for item in items)
    times = [item["submitted_at"] for item in items]
    assert times == sorted(times)  # the queue: oldest first
    approved = await browser.post(f"/api/registrations/{pending['id']}/approve",
                                  headers=staff_headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["account_id"]
    twice = await browser.post(f"/api/registrations/{pending['id']}/approve",
                               headers=staff_headers)
    assert twice.status_code == 409

    signed = await sign_in(browser, body["username"], PASSWORD)
    assert signed.status_code == 303 and signed.headers["location"] == "/account"
    me = (await browser.get("/api/enterprises/me")).json()
    assert (me["uscc"], me["name"], me["region_code"]) == (
        body["uscc"], body["name"], "220102")
    account = await browser.get("/account")
    assert body["uscc"] in account.text and "长春市宏达汽车零部件有限公司" in account.text


async def test_a_known_enterprise_keeps_its_data_when_approved(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    uscc = new_uscc("220102")
    known = await browser.put(f"/api/enterprises/{uscc}", headers=staff_headers, json={
        "name": "一汽富维", "region_code": "220104", "sector": "C36 汽车制造业"})
    assert known.status_code == 200
    pending = (await register(browser, uscc=uscc)).json()
    await browser.post(f"/api/registrations/{pending['id']}/approve", headers=staff_headers)
    kept = (await browser.get(f"/api/enterprises/{uscc}", headers=staff_headers)).json()
    assert (kept["name"], kept["region_code"], kept["sector"]) == (
        "一汽富维", "220104", "C36 汽车制造业")


@pytest.mark.parametrize(("changes", "field", "value"), [
    ({"uscc": "91350100M000100Y44"}, "uscc", "91350100M000100Y44"),
    ({"uscc": "9135010M000100Y43"}, "uscc", "9135010M000100Y43"),
    ({"region_code": "220199"}, "region_code", "220199"),
    ({"region_code": "2201"}, "region_code", "2201"),
    ({"contact_phone": "call me"}, "contact_phone", "call me"),
    ({"username": "王"}, "username", "王"),
    ({"name": "  "}, "name", "  "),
])
async def test_fields_are_checked_on_the_spot(browser: httpx.AsyncClient,
                                              changes: dict[str, str], field: str,
                                              value: str) -> None:
    done = await register(browser, **changes)
    assert done.status_code == 422, done.text
    problem = done.json()
    assert (problem["field"], problem["value"]) == (field, value)
    assert value.strip() == "" or value in problem["detail"]


async def test_a_weak_password_is_refused_without_echoing_it(
        browser: httpx.AsyncClient) -> None:
    done = await register(browser, password="qwertyuiop")
    assert done.status_code == 422
    assert done.json()["field"] == "password" and "qwertyuiop" not in done.text


async def test_a_taken_uscc_or_username_is_409_naming_it(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    first = application()
    assert (await browser.post("/api/registrations", json=first)).status_code == 201
    again = await register(browser, uscc=first["uscc"].lower())
    assert again.status_code == 409
    assert (again.json()["field"], again.json()["value"]) == ("uscc", first["uscc"])
    same_name = await register(browser, username=first["username"])
    assert same_name.status_code == 409
    assert (same_name.json()["field"], same_name.json()["value"]) == (
        "username", first["username"])
    staff = await person(browser, staff_headers)
    taken = await register(browser, username=staff["username"])
    assert taken.status_code == 409 and taken.json()["field"] == "username"
    # an enterprise that already has an account
    uscc = new_uscc()
    await browser.post("/api/accounts", headers=staff_headers,
                       json={"role": "enterprise", "uscc": uscc})
    has_account = await register(browser, uscc=uscc)
    assert has_account.status_code == 409 and has_account.json()["value"] == uscc


async def test_a_rejected_applicant_sees_the_reason_and_may_apply_again(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    body = application()
    pending = (await browser.post("/api/registrations", json=body)).json()
    empty = await browser.post(f"/api/registrations/{pending['id']}/reject",
                               headers=staff_headers, json={"reason": "  "})
    assert empty.status_code == 422 and empty.json()["field"] == "reason"
    rejected = await browser.post(f"/api/registrations/{pending['id']}/reject",
                                  headers=staff_headers,
                                  json={"reason": "营业执照名称与统一社会信用代码不符"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    told = await sign_in(browser, body["username"], PASSWORD)
    assert told.status_code == 403
    assert "未通过审核，原因：营业执照名称与统一社会信用代码不符" in told.text
    english = await browser.post("/api/session", json={"username": body["username"],
                                                       "password": PASSWORD})
    assert english.json()["reason"] == "营业执照名称与统一社会信用代码不符"
    assert (await browser.post(f"/api/registrations/{pending['id']}/approve",
                               headers=staff_headers)).status_code == 409
    again = await browser.post("/api/registrations", json={**body, "name": "宏达汽车零部件"})
    assert again.status_code == 201


async def test_the_registration_api_takes_json_only(browser: httpx.AsyncClient) -> None:
    before = await Account.raw("SELECT COUNT(*) AS n FROM registration")
    form = await browser.post("/api/registrations", data=application())
    assert form.status_code in (400, 415)
    assert await Account.raw("SELECT COUNT(*) AS n FROM registration") == before


async def test_the_registration_form_names_each_refused_field(
        browser: httpx.AsyncClient) -> None:
    page = await browser.get("/register")
    assert page.status_code == 200
    for label in ("统一社会信用代码", "行政区划代码", "联系电话", "用户名", "密码"):
        assert label in page.text
    body = application(uscc=mutated(new_uscc()))
    form = {**body, "confirm_password": PASSWORD, "csrf_token": csrf_of(page.text)}
    bad = await browser.post("/register", data=form)
    assert bad.status_code == 400
    assert f"统一社会信用代码 “{body['uscc']}” 不正确" in bad.text
    assert 'id="uscc" name="uscc"' in bad.text and 'aria-invalid="true"' in bad.text
    assert PASSWORD not in bad.text  # passwords are never put back in the form
    assert f'value="{body["name"]}"' in bad.text  # the rest is kept

    mismatch = await browser.post("/register", data={
        **form, "uscc": new_uscc(), "confirm_password": "something-else"})
    assert mismatch.status_code == 400 and "两次输入的密码不一致" in mismatch.text

    good_uscc = new_uscc()
    done = await browser.post("/register", data={**form, "uscc": good_uscc})
    assert done.status_code == 303
    assert done.headers["location"] == f"/register/submitted?uscc={good_uscc}"
    shown = await browser.get(done.headers["location"])
    assert f"统一社会信用代码为 {good_uscc} 的企业注册申请已提交" in shown.text
    duplicate = await browser.post("/register", data={
        **form, "uscc": good_uscc, "username": new_username()})
    assert duplicate.status_code == 409 and f"“{good_uscc}” 已注册或正在审核" in duplicate.text
    forged = await browser.post("/register", data={**form, "csrf_token": "x"})
    assert forged.status_code == 403


async def test_staff_decide_registrations_on_their_page(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    staff = await person(browser, staff_headers)
    first = (await register(browser)).json()
    second = (await register(browser)).json()
    await sign_in(browser, staff["username"], PASSWORD)
    page = await browser.get("/workbench/registrations")
    assert page.status_code == 200
    assert first["uscc"] in page.text and second["uscc"] in page.text
    token = csrf_of(page.text)
    approved = await browser.post(f"/workbench/registrations/{first['id']}/approve",
                                  data={"csrf_token": token})
    assert approved.status_code == 303
    assert approved.headers["location"] == "/workbench/registrations?done=approved"
    no_reason = await browser.post(f"/workbench/registrations/{second['id']}/reject",
                                   data={"csrf_token": token, "reason": ""})
    assert no_reason.status_code == 400 and "请填写原因" in no_reason.text
    rejected = await browser.post(f"/workbench/registrations/{second['id']}/reject",
                                  data={"csrf_token": token, "reason": "地址不符"})
    assert rejected.status_code == 303
    again = await browser.post(f"/workbench/registrations/{first['id']}/approve",
                               data={"csrf_token": token})
    assert again.status_code == 409 and "已经处理过了" in again.text
    decided = await browser.get("/workbench/registrations", params={"status": "rejected"})
    assert second["uscc"] in decided.text and "地址不符" in decided.text
    assert first["uscc"] not in decided.text


async def test_staff_invite_disable_and_reset_on_the_accounts_page(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    staff = await person(browser, staff_headers)
    await sign_in(browser, staff["username"], PASSWORD)
    page = await browser.get("/workbench/accounts")
    token = csrf_of(page.text)
    username = new_username("clerk")
    uscc = new_uscc()
    invited = await browser.post("/workbench/accounts", data={
        "csrf_token": token, "role": "enterprise", "username": username,
        "name": "测试企业", "uscc": uscc})
    assert invited.status_code == 200 and 'id="temporary-password"' in invited.text
    temporary = invited.text.split('id="temporary-password">')[1].split("<")[0]
    assert len(temporary) == 16
    listing = await browser.get("/workbench/accounts")
    assert username in listing.text and temporary not in listing.text
    bad = await browser.post("/workbench/accounts", data={
        "csrf_token": token, "role": "enterprise", "username": new_username(),
        "uscc": mutated(uscc)})
    assert bad.status_code == 400 and f"“{mutated(uscc)}” 不正确" in bad.text
    taken = await browser.post("/workbench/accounts", data={
        "csrf_token": token, "role": "leader", "username": username})
    assert taken.status_code == 409 and f"用户名 “{username}” 已被使用" in taken.text

    rows = await Account.raw("SELECT id FROM account WHERE username = {}", username)
    account_id = rows[0]["id"]
    reset = await browser.post(f"/workbench/accounts/{account_id}/reset-password",
                               data={"csrf_token": token})
    assert reset.status_code == 200 and "密码已重置" in reset.text
    fresh = reset.text.split('id="temporary-password">')[1].split("<")[0]
    assert fresh != temporary
    disabled = await browser.post(f"/workbench/accounts/{account_id}/disable",
                                  data={"csrf_token": token})
    assert disabled.status_code == 303
    assert "已停用" in (await browser.get("/workbench/accounts")).text
    browser.cookies.clear()
    assert (await sign_in(browser, username, fresh)).status_code == 403


async def test_an_enterprise_account_never_reaches_another_enterprise(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    mine, theirs = application(), application()
    for body in (mine, theirs):
        pending = (await browser.post("/api/registrations", json=body)).json()
        await browser.post(f"/api/registrations/{pending['id']}/approve", headers=staff_headers)
    await sign_in(browser, mine["username"], PASSWORD)
    assert (await browser.get(f"/api/enterprises/{theirs['uscc']}")).status_code == 403
    assert (await browser.get("/api/registrations")).status_code == 403
    assert (await browser.get("/workbench/registrations")).status_code == 403
    token = (await browser.get("/api/session")).json()["csrf_token"]
    created = await browser.post(f"/api/enterprises/{theirs['uscc']}/products",
                                 headers={"X-CSRF-Token": token},
                                 json={"name": "刹车片", "model": "X-1"})
    assert created.status_code == 403
    mine_product = await browser.post("/api/enterprises/me/products",
                                      headers={"X-CSRF-Token": token},
                                      json={"name": "刹车片", "model": "X-1"})
    assert mine_product.status_code == 201, mine_product.text
    assert (await browser.get(f"/api/enterprises/{theirs['uscc']}/products",
                              headers=bearer("stk_forged"))).status_code == 401
