"""People sign in: passwords (argon2), invitations with a temporary password, server-side
sessions shared by every app host, CSRF on every unsafe request, login CSRF, the failed
sign-in throttle, and the API's way in to the same."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from adoption.tables import Account
from api.app import create_app
from api.sessions import PRESESSION_COOKIE, SESSION_COOKIE
from standards.settings import Settings
from tests.api.session_helpers import (
    PASSWORD,
    bearer,
    csrf_of,
    new_username,
    page_token,
    person,
    sign_in,
)

pytestmark = pytest.mark.anyio


async def _rows(sql: str, *args: object) -> list[dict]:
    return list(await Account.raw(sql, *args))


@pytest.fixture
async def other_host(settings: Settings, engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    """A second app process over the same database, as a second app host would be."""
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport,
                                                base_url="http://testserver") as client:
        yield client


def client_from(app: Litestar, address: str, scheme: str = "http") -> httpx.AsyncClient:
    """A browser at ``address`` (the throttle counts failures per address)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url=f"{scheme}://testserver")


# ------------------------------------------------------------------------------------------
# Passwords, invitations, first sign-in
# ------------------------------------------------------------------------------------------


async def test_a_person_signs_in_with_a_password_stored_as_argon2(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers, "leader")
    stored = await _rows("SELECT password_hash, token_hash FROM account WHERE id = {}",
                         created["id"])
    assert stored[0]["password_hash"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert stored[0]["token_hash"] is None and created["token"] is None
    assert PASSWORD not in str(await _rows("SELECT * FROM account"))

    done = await sign_in(browser, created["username"].upper(), PASSWORD, "/?region=32")
    assert done.status_code == 303 and done.headers["location"] == "/?region=32"
    header = done.headers["set-cookie"]
    assert header.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in header and "samesite=lax" in header.lower() and "Path=/" in header
    assert "Secure" not in header  # served over http here
    cookie = browser.cookies[SESSION_COOKIE]
    assert len(cookie) == 43
    sessions = await _rows("SELECT id_hash FROM account_session WHERE account = {}",
                           created["id"])
    assert [row["id_hash"] for row in sessions] == [hashlib.sha256(cookie.encode()).hexdigest()]
    assert cookie not in str(await _rows("SELECT * FROM account_session"))
    me = await browser.get("/api/accounts/me")
    assert me.json()["account_id"] == created["id"]

    wrong = await sign_in(browser, created["username"], PASSWORD + "x")
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text


async def test_the_session_cookie_is_secure_over_https(app: Litestar,
                                                       staff_headers: dict[str, str]) -> None:
    async with client_from(app, "198.51.100.7", scheme="https") as secure:
        created = await person(secure, staff_headers)
        done = await sign_in(secure, created["username"], PASSWORD)
        assert done.status_code == 303
        assert "Secure" in done.headers["set-cookie"]


async def test_an_invited_person_must_replace_the_temporary_password(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    invited = await person(browser, staff_headers, "leader", password=None)
    temporary = invited["temporary_password"]
    assert len(temporary) == 16 and invited["must_change_password"] is True

    done = await sign_in(browser, invited["username"], temporary, "/not-counted/coverage")
    assert done.headers["location"] == "/account/password?next=%2Fnot-counted%2Fcoverage"
    # until it is replaced, nothing else opens
    elsewhere = await browser.get("/")
    assert elsewhere.status_code == 200  # public pages stay public, seen as by nobody
    assert 'id="search-form"' in elsewhere.text and 'id="sign-in-link"' in elsewhere.text
    assert (await browser.get("/account")).headers["location"].startswith("/account/password")
    refused = await browser.get("/api/alerts")
    assert refused.status_code == 403 and refused.json()["title"] == "Password change required"

    form = await browser.get("/account/password")
    assert "您正在使用临时密码" in form.text
    token = csrf_of(form.text)
    attempts = {
        "mismatch": ({"current_password": temporary, "new_password": PASSWORD,
                      "confirm_password": PASSWORD + "!"}, "两次输入的新密码不一致"),
        "short": ({"current_password": temporary, "new_password": "abc",
                   "confirm_password": "abc"}, "密码至少 10 个字符"),
        "username": ({"current_password": temporary,
                      "new_password": f"{invited['username']}-2026",
                      "confirm_password": f"{invited['username']}-2026"}, "不能包含用户名"),
        "common": ({"current_password": temporary, "new_password": "1234567890",
                    "confirm_password": "1234567890"}, "最常见的密码"),
        "wrong current": ({"current_password": "not-it-at-all", "new_password": PASSWORD,
                           "confirm_password": PASSWORD}, "当前密码不正确"),
    }
    for name, (fields, says) in attempts.items():
        answer = await browser.post("/account/password", data={**fields, "csrf_token": token})
        assert answer.status_code == 400, name
        assert says in answer.text, name
        assert fields["new_password"] not in answer.text, name  # never echoed
    saved = await browser.post("/account/password", data={
        "current_password": temporary, "new_password": PASSWORD, "confirm_password": PASSWORD,
        "next": "/not-counted/coverage", "csrf_token": token})
    assert saved.status_code == 303 and saved.headers["location"] == "/not-counted/coverage"
    assert (await browser.get("/api/alerts")).status_code == 200  # the same session goes on

    browser.cookies.clear()
    assert (await sign_in(browser, invited["username"], temporary)).status_code == 401
    assert (await sign_in(browser, invited["username"], PASSWORD)).headers["location"] == "/"


async def test_changing_ones_password_ends_the_other_sessions(
        browser: httpx.AsyncClient, other_host: httpx.AsyncClient,
        staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers)
    await sign_in(browser, created["username"], PASSWORD)
    await sign_in(other_host, created["username"], PASSWORD)
    assert (await other_host.get("/api/accounts/me")).status_code == 200
    new = "雾凇岛-冬季-2027"
    done = await browser.post("/api/accounts/me/password", json={
        "current_password": PASSWORD, "new_password": new},
        headers={"X-CSRF-Token": await page_token(browser)})
    assert done.status_code == 200, done.text
    assert (await browser.get("/api/accounts/me")).status_code == 200
    assert (await other_host.get("/api/accounts/me")).status_code == 401


# ------------------------------------------------------------------------------------------
# Sessions shared by every host; sign-out; expiry
# ------------------------------------------------------------------------------------------


async def test_sign_out_ends_the_session_on_every_host(
        browser: httpx.AsyncClient, other_host: httpx.AsyncClient,
        staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers)
    await sign_in(browser, created["username"], PASSWORD)
    cookie = browser.cookies[SESSION_COOKIE]
    other_host.cookies.set(SESSION_COOKIE, cookie)
    assert (await other_host.get("/api/accounts/me")).json()["account_id"] == created["id"]

    token = await page_token(browser)
    done = await browser.post("/sign-out", data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert SESSION_COOKIE not in browser.cookies
    assert (await other_host.get("/api/accounts/me")).status_code == 401
    assert not await _rows("SELECT id FROM account_session WHERE account = {}", created["id"])


async def test_sign_out_everywhere_ends_every_session_of_the_account(
        browser: httpx.AsyncClient, other_host: httpx.AsyncClient,
        staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers, "leader")
    await sign_in(browser, created["username"], PASSWORD)
    await sign_in(other_host, created["username"], PASSWORD)
    account = await browser.get("/account")
    assert "2 个会话" in account.text
    done = await browser.post("/account/sign-out-everywhere",
                              data={"csrf_token": csrf_of(account.text)})
    assert done.status_code == 303 and done.headers["location"] == "/sign-in"
    assert (await other_host.get("/api/accounts/me")).status_code == 401
    assert (await browser.get("/api/accounts/me")).status_code == 401


@pytest.mark.parametrize("ending", ["disable", "reset"])
async def test_disabling_or_resetting_an_account_ends_its_sessions(
        browser: httpx.AsyncClient, staff_headers: dict[str, str], ending: str) -> None:
    created = await person(browser, staff_headers, "leader")
    await sign_in(browser, created["username"], PASSWORD)
    assert (await browser.get("/api/alerts")).status_code == 200
    path = "disable" if ending == "disable" else "reset-password"
    done = await browser.post(f"/api/accounts/{created['id']}/{path}", headers=staff_headers,
                              json={} if ending == "reset" else None)
    assert done.status_code == 200, done.text
    assert (await browser.get("/api/alerts")).status_code == 401
    page = await browser.get("/not-counted/coverage")
    assert page.status_code == 303 and page.headers["location"].startswith("/sign-in?next=")
    if ending == "reset":
        temporary = done.json()["temporary_password"]
        assert (await sign_in(browser, created["username"], PASSWORD)).status_code == 401
        again = await sign_in(browser, created["username"], temporary)
        assert again.headers["location"] == "/account/password"
    else:
        refused = await sign_in(browser, created["username"], PASSWORD)
        assert refused.status_code == 403 and "此账号已停用" in refused.text


@pytest.mark.parametrize(("column", "delta"), [("last_seen_at", dt.timedelta(hours=-3)),
                                              ("expires_at", dt.timedelta(minutes=-1))])
async def test_idle_and_old_sessions_end(browser: httpx.AsyncClient,
                                         staff_headers: dict[str, str], column: str,
                                         delta: dt.timedelta) -> None:
    created = await person(browser, staff_headers)
    await sign_in(browser, created["username"], PASSWORD)
    assert (await browser.get("/api/accounts/me")).status_code == 200
    await Account.raw(f"UPDATE account_session SET {column} = {{}} WHERE account = {{}}",
                      dt.datetime.now(dt.UTC) + delta, created["id"])
    assert (await browser.get("/api/accounts/me")).status_code == 401


@pytest.mark.parametrize("value", [
    "a.%C2%B2.b", "²" * 43, "x" * 43, "", "=" * 5000, "\u0000abc", "stk_" + "A" * 39,
    "../../etc/passwd", '"quoted"', "a" * 42, "a" * 44])
async def test_garbage_cookies_are_nobody_never_an_error(browser: httpx.AsyncClient,
                                                         value: str) -> None:
    # sent as raw bytes, as a browser or an attacker may
    jar = {"Cookie": "; ".join(f"{name}={value}" for name in (
        SESSION_COOKIE, PRESESSION_COOKIE, "stdtrack_lang")).encode("utf-8")}
    for path in ("/", "/sign-in", "/register", "/standard?code=GB/T%201"):
        page = await browser.get(path, headers=jar)
        assert page.status_code in (200, 404), (path, page.status_code)
        assert 'id="sign-in-link"' in page.text
    assert (await browser.get("/account", headers=jar)).status_code == 303
    assert (await browser.get("/api/alerts", headers=jar)).status_code == 401
    refused = await browser.post("/sign-in", headers=jar, data={
        "username": "x", "password": "y", "csrf_token": value})
    # a value of the pre-session token's shape echoed in the form passes the CSRF check and
    # fails on the credentials; anything else fails the CSRF check
    assert refused.status_code in ((401,) if len(value) == 43 and value.isascii()
                                   and value.replace("_", "").isalnum() else (403,))


async def test_pages_accept_bearer_tokens(browser: httpx.AsyncClient,
                                          staff_headers: dict[str, str]) -> None:
    page = await browser.get("/account", headers=staff_headers)
    assert page.status_code == 200 and "工作人员" in page.text
    assert (await browser.get("/workbench/accounts", headers=staff_headers)).status_code == 200


# ------------------------------------------------------------------------------------------
# CSRF
# ------------------------------------------------------------------------------------------


async def test_a_session_changes_nothing_without_its_csrf_token(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers)
    await sign_in(browser, created["username"], PASSWORD)
    token = await page_token(browser)
    # a forged cross-site form: the cookie rides along, the token cannot
    for attempt in (None, "forged-" + token[7:], ""):
        data = {"reason": "x"} if attempt is None else {"csrf_token": attempt}
        answer = await browser.post("/sign-out", data=data)
        assert answer.status_code == 403 and "页面已过期" in answer.text
        api = await browser.post("/api/alerts/refresh",
                                 headers={"X-CSRF-Token": attempt} if attempt else {})
        assert api.status_code == 403 and api.json()["title"] == "CSRF token missing or wrong"
    assert (await browser.get("/api/accounts/me")).status_code == 200  # still signed in
    done = await browser.post("/api/alerts/refresh", headers={"X-CSRF-Token": token})
    assert done.status_code == 200, done.text
    # the token of another session is no good either
    other = await person(browser, staff_headers)
    browser.cookies.clear()
    await sign_in(browser, other["username"], PASSWORD)
    assert (await browser.post("/api/alerts/refresh",
                               headers={"X-CSRF-Token": token})).status_code == 403
    # a bearer token needs none: a browser never sends that header by itself
    assert (await browser.post("/api/alerts/refresh", headers=staff_headers)).status_code == 200


async def test_sign_in_is_protected_against_login_csrf(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers)
    form = {"username": created["username"], "password": PASSWORD}
    # another site posting the victim's browser into the attacker's account: no pre-session
    # cookie (SameSite) and no token
    forged = await browser.post("/sign-in", data=form)
    assert forged.status_code == 403 and SESSION_COOKIE not in browser.cookies
    page = await browser.get("/sign-in")
    presession = browser.cookies[PRESESSION_COOKIE]
    assert csrf_of(page.text) == presession
    wrong = await browser.post("/sign-in", data={**form, "csrf_token": "A" * 43})
    assert wrong.status_code == 403 and SESSION_COOKIE not in browser.cookies
    browser.cookies.delete(PRESESSION_COOKIE)
    stolen = await browser.post("/sign-in", data={**form, "csrf_token": presession})
    assert stolen.status_code == 403
    ok = await sign_in(browser, created["username"], PASSWORD)
    assert ok.status_code == 303 and SESSION_COOKIE in browser.cookies
    # the JSON sign-in takes JSON only: a cross-site form cannot send it
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        plain = await browser.post("/api/session", content=(
            f'{{"username": "{created["username"]}", "password": "{PASSWORD}"}}').encode(),
            headers={"Content-Type": content_type})
        assert plain.status_code in (400, 415), plain.text


async def test_signing_in_replaces_the_browsers_session(browser: httpx.AsyncClient,
                                                        staff_headers: dict[str, str]) -> None:
    first = await person(browser, staff_headers)
    second = await person(browser, staff_headers, "leader")
    await sign_in(browser, first["username"], PASSWORD)
    old_cookie = browser.cookies[SESSION_COOKIE]
    await sign_in(browser, second["username"], PASSWORD)
    assert browser.cookies[SESSION_COOKIE] != old_cookie
    assert (await browser.get("/api/accounts/me")).json()["account_id"] == second["id"]
    assert not await _rows("SELECT id FROM account_session WHERE account = {}", first["id"])


async def test_next_goes_only_to_this_site(browser: httpx.AsyncClient,
                                          staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers, "leader")
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        done = await sign_in(browser, created["username"], PASSWORD, target)
        assert done.headers["location"] == "/", target


# ------------------------------------------------------------------------------------------
# The throttle: 5 failures in 15 minutes, per username and per address, on every host
# ------------------------------------------------------------------------------------------


async def test_five_failures_lock_the_username_for_every_host_and_address(
        app: Litestar, staff_headers: dict[str, str], settings: Settings,
        engine: Engine) -> None:
    async with client_from(app, "198.51.100.1") as first, client_from(
            create_app(settings, engine=engine), "198.51.100.2") as second:
        created = await person(first, staff_headers)
        username = created["username"]
        for attempt in range(5):
            # failures alternate between two hosts and two addresses: all are counted
            client = first if attempt % 2 == 0 else second
            assert (await sign_in(client, username, f"wrong-{attempt}")).status_code == 401
        locked = await sign_in(first, username, PASSWORD)  # even the right password
        assert locked.status_code == 429
        assert 840 <= int(locked.headers["retry-after"]) <= 900
        assert "登录失败次数过多，请 15 分钟后再试" in locked.text
        api = await second.post("/api/session", json={"username": username,
                                                      "password": PASSWORD})
        assert api.status_code == 429 and api.headers["retry-after"]
        # fifteen minutes later (the lock's end moved into the past) it opens again
        await Account.raw("UPDATE sign_in_throttle SET locked_until = {} WHERE key = {}",
                          dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
                          f"username:{username}")
        assert (await sign_in(first, username, PASSWORD)).status_code == 303
        rows = await _rows("SELECT key FROM sign_in_throttle WHERE key = {}",
                           f"username:{username}")
        assert rows == []  # a success forgets the username's failures


async def test_five_failures_from_one_address_lock_that_address(
        app: Litestar, staff_headers: dict[str, str]) -> None:
    async with client_from(app, "198.51.100.3") as attacker, client_from(
            app, "198.51.100.4") as someone_else:
        victim = await person(attacker, staff_headers)
        for attempt in range(5):
            guess = await sign_in(attacker, new_username("guess"), f"pw-{attempt}")
            assert guess.status_code == 401
        assert (await sign_in(attacker, victim["username"], PASSWORD)).status_code == 429
        token = await attacker.post("/api/session", json={"token": "stk_guess"})
        assert token.status_code == 429
        assert (await sign_in(someone_else, victim["username"], PASSWORD)).status_code == 303


# ------------------------------------------------------------------------------------------
# The API's way in
# ------------------------------------------------------------------------------------------


async def test_api_sign_in_opens_a_session_with_its_csrf_token(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers)
    done = await browser.post("/api/session", json={"username": created["username"],
                                                    "password": PASSWORD})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["role"], body["username"], body["must_change_password"]) == (
        "staff", created["username"], False)
    csrf = body["csrf_token"]
    assert (await browser.get("/api/session")).json()["csrf_token"] == csrf
    assert (await browser.post("/api/alerts/refresh",
                               headers={"X-CSRF-Token": csrf})).status_code == 200
    assert (await browser.delete("/api/session")).status_code == 403  # no token
    assert (await browser.delete("/api/session",
                                 headers={"X-CSRF-Token": csrf})).status_code == 204
    assert (await browser.get("/api/session")).status_code == 401

    wrong = await browser.post("/api/session", json={"username": created["username"],
                                                     "password": "nope-nope-nope"})
    assert wrong.status_code == 401 and SESSION_COOKIE not in browser.cookies
    staff_token = staff_headers["Authorization"].split()[1]
    by_token = await browser.post("/api/session", json={"token": staff_token})
    assert by_token.status_code == 200 and by_token.json()["role"] == "staff"
    assert (await browser.post("/api/session", json={})).status_code == 400


async def test_passwords_are_never_logged_or_echoed(
        browser: httpx.AsyncClient, staff_headers: dict[str, str],
        caplog: pytest.LogCaptureFixture) -> None:
    secret = "秘密-绝不外泄-4711"
    with caplog.at_level(logging.DEBUG):
        created = await person(browser, staff_headers, password=secret)
        assert secret not in str(created)
        answers = [
            await sign_in(browser, created["username"], secret + "?"),
            await browser.post("/api/session", json={"username": created["username"],
                                                     "password": secret + "!"}),
            await browser.post("/api/accounts", headers=staff_headers, json={
                "role": "staff", "username": new_username(), "password": "short"}),
        ]
    for answer in answers:
        assert secret not in answer.text
    weak = answers[2].json()
    assert weak["field"] == "password" and weak["rule"] == "too_short" and "value" not in weak
    assert secret not in caplog.text and "short\"" not in caplog.text


async def test_token_accounts_keep_working(browser: httpx.AsyncClient,
                                           staff_headers: dict[str, str]) -> None:
    done = await browser.post("/api/accounts", headers=staff_headers, json={"role": "leader"})
    token = done.json()["token"]
    assert token.startswith("stk_") and done.json()["username"] is None
    assert (await browser.get("/api/alerts", headers=bearer(token))).status_code == 200
    both = await browser.post("/api/accounts", headers=staff_headers, json={
        "role": "staff", "username": new_username(), "password": PASSWORD, "token": True})
    assert both.json()["token"].startswith("stk_") and both.json()["has_password"] is True
    refused = await browser.post(f"/api/accounts/{done.json()['id']}/reset-password",
                                 headers=staff_headers, json={})
    assert refused.status_code == 422 and refused.json()["field"] == "username"


async def test_usernames_are_unique_and_checked(browser: httpx.AsyncClient,
                                                staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers)
    again = await browser.post("/api/accounts", headers=staff_headers, json={
        "role": "leader", "username": created["username"].upper(), "password": PASSWORD})
    assert again.status_code == 409
    assert (again.json()["field"], again.json()["value"]) == ("username", created["username"])
    bad = await browser.post("/api/accounts", headers=staff_headers, json={
        "role": "leader", "username": "a b", "password": PASSWORD})
    assert bad.status_code == 422 and (bad.json()["field"], bad.json()["value"]) == (
        "username", "a b")


# ------------------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------------------


def stdtrack(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120, input=stdin)


async def test_the_cli_adds_people_disables_and_resets(browser: httpx.AsyncClient,
                                                       settings: Settings) -> None:
    username = new_username("cli")
    added = stdtrack(settings, "accounts", "add", "--role", "staff", "--username", username,
                     "--name", "王工", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr  # never echoed
    assert added.stdout == ""  # no secret was made up: nothing to print
    assert (await sign_in(browser, username, PASSWORD)).status_code == 303
    assert (await browser.get("/api/accounts/me")).json()["name"] == "王工"

    invited = stdtrack(settings, "accounts", "add", "--role", "leader", "--username",
                       username + "-2", "--json")
    created = json.loads(invited.stdout)
    assert created["must_change_password"] is True and len(created["temporary_password"]) == 16
    assert created["token"] is None

    reset = stdtrack(settings, "accounts", "reset-password", username)
    assert reset.returncode == 0, reset.stderr
    temporary = reset.stdout.strip()
    assert len(temporary) == 16 and "sessions ended" in reset.stderr
    assert (await browser.get("/api/accounts/me")).status_code == 401  # its session ended
    assert (await sign_in(browser, username, temporary)).headers["location"] == (
        "/account/password")
    chosen = stdtrack(settings, "accounts", "reset-password", username, "--password-stdin",
                      stdin="镜泊湖-瀑布-2028\n")
    assert chosen.returncode == 0 and chosen.stdout == ""
    browser.cookies.clear()
    assert (await sign_in(browser, username, "镜泊湖-瀑布-2028")).headers["location"] == "/"

    off = stdtrack(settings, "accounts", "disable", username)
    assert off.returncode == 0 and "disabled" in off.stdout
    assert (await browser.get("/api/accounts/me")).status_code == 401
    listed = stdtrack(settings, "accounts", "list")
    line = next(row for row in listed.stdout.splitlines() if f" {username} " in row)
    assert "disabled" in line


@pytest.mark.parametrize(("args", "stdin", "says"), [
    (("accounts", "add", "--role", "staff", "--username", "x y", "--password-stdin"),
     PASSWORD, "username"),
    (("accounts", "add", "--role", "staff", "--username", "weak-one", "--password-stdin"),
     "12345", "at least 10"),
    (("accounts", "add", "--role", "staff", "--password-stdin"), PASSWORD, "needs --username"),
    (("accounts", "add", "--role", "staff", "--username", "empty-pw", "--password-stdin"),
     "", "no password"),
    (("accounts", "disable", "nobody-at-all"), "", "nobody-at-all"),
    (("accounts", "reset-password", "nobody-at-all"), "", "nobody-at-all"),
])
def test_the_cli_refuses_in_one_line(settings: Settings, engine: Engine, args: tuple[str, ...],
                                     stdin: str, says: str) -> None:
    done = stdtrack(settings, *args, stdin=stdin)
    assert done.returncode == 2, done.stdout
    assert says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not stdin or stdin not in done.stderr


async def test_signing_out_of_an_ended_session_just_signs_out(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    created = await person(browser, staff_headers)
    await sign_in(browser, created["username"], PASSWORD)
    token = await page_token(browser)
    await Account.raw("DELETE FROM account_session WHERE account = {}", created["id"])
    done = await browser.post("/sign-out", data={"csrf_token": token})
    assert done.status_code == 303 and SESSION_COOKIE not in browser.cookies
