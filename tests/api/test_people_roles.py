"""The roles of the routes of accounts, sessions and registrations: each states its roles, the
staff pages refuse everybody else, the routes of one's own account need an account, and the
public ones need none."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from litestar import Litestar

from tests.adoption.helpers import account, new_uscc
from tests.api.people_matrix import (
    ACCOUNT_WRITES,
    PAGE_WRITES,
    PUBLIC_WRITES,
    leader_account,
    pending_registration,
)

pytestmark = pytest.mark.anyio

STAFF = frozenset({"staff"})
ANYONE_SIGNED_IN = frozenset({"staff", "leader", "enterprise"})
# every route this work added, with the roles it states ("public": no account needed)
ROUTE_ROLES: dict[tuple[str, str], frozenset[str] | str] = {
    ("GET", "/sign-in"): "public", ("POST", "/sign-in"): "public",
    ("POST", "/sign-out"): "public",
    ("GET", "/register"): "public", ("POST", "/register"): "public",
    ("GET", "/register/submitted"): "public",
    ("GET", "/account"): ANYONE_SIGNED_IN,
    ("POST", "/account/sign-out-everywhere"): ANYONE_SIGNED_IN,
    ("GET", "/account/password"): ANYONE_SIGNED_IN,
    ("POST", "/account/password"): ANYONE_SIGNED_IN,
    ("GET", "/workbench/accounts"): STAFF, ("POST", "/workbench/accounts"): STAFF,
    ("POST", "/workbench/accounts/{account_id:int}/disable"): STAFF,
    ("POST", "/workbench/accounts/{account_id:int}/reset-password"): STAFF,
    ("GET", "/workbench/registrations"): STAFF,
    ("POST", "/workbench/registrations/{registration_id:int}/approve"): STAFF,
    ("POST", "/workbench/registrations/{registration_id:int}/reject"): STAFF,
    ("POST", "/api/session"): "public", ("GET", "/api/session"): ANYONE_SIGNED_IN,
    ("DELETE", "/api/session"): ANYONE_SIGNED_IN,
    ("DELETE", "/api/session/all"): ANYONE_SIGNED_IN,
    ("POST", "/api/accounts/{account_id:int}/reset-password"): STAFF,
    ("POST", "/api/accounts/me/password"): ANYONE_SIGNED_IN,
    ("GET", "/api/accounts/me"): ANYONE_SIGNED_IN,
    ("POST", "/api/registrations"): "public", ("GET", "/api/registrations"): STAFF,
    ("GET", "/api/registrations/{registration_id:int}"): STAFF,
    ("POST", "/api/registrations/{registration_id:int}/approve"): STAFF,
    ("POST", "/api/registrations/{registration_id:int}/reject"): STAFF,
    # implementation feedback on a local standard: anyone, rate-limited per address
    ("POST", "/api/feedback/standards/{standard_id:int}"): "public",
    ("POST", "/standard/feedback"): "public",
}


def stated_roles(app: Litestar) -> dict[tuple[str, str], frozenset[str] | str | None]:
    found: dict[tuple[str, str], frozenset[str] | str | None] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in getattr(handler, "http_methods", ()):
                if method in ("OPTIONS", "HEAD"):
                    continue
                roles = handler.opt.get("roles")
                found[(method, route.path)] = (
                    str(roles) if isinstance(roles, str)
                    else frozenset(str(role) for role in roles) if roles else None)
    return found


def test_every_new_route_states_its_roles(app: Litestar) -> None:
    stated = stated_roles(app)
    assert {key: stated.get(key) for key in ROUTE_ROLES} == ROUTE_ROLES
    assert all(roles is not None for roles in stated.values()), [
        key for key, roles in stated.items() if roles is None]
    assert PUBLIC_WRITES == {key for key, roles in ROUTE_ROLES.items()
                             if roles == "public" and key[0] != "GET"}


async def _page_call(client: httpx.AsyncClient, staff: dict[str, str],
                     route: tuple[str, str], headers: dict[str, str]) -> httpx.Response:
    """Call a page write with ``headers`` (a bearer token, or none) on fresh targets."""
    _method, path = route
    stamp = f"{dt.datetime.now().timestamp():.6f}".replace(".", "")
    if "{account_id:int}" in path:
        path = path.replace("{account_id:int}", str(await leader_account(client, staff)))
    if "{registration_id:int}" in path:
        path = path.replace("{registration_id:int}",
                            str(await pending_registration(client)))
    # the workbench's other targets: an id or a name that may not exist (a 404 page is an
    # answer; the role check comes first)
    path = re.sub(r"\{\w+:int\}", "1", re.sub(r"\{\w+:str\}", "scope", path))
    data = {"reason": "资料不全", "role": "leader", "username": f"page-matrix-{stamp}",
            "current_password": "x", "new_password": "y", "confirm_password": "y"}
    return await client.post(path, headers=headers, data=data)


@pytest.mark.parametrize("route", sorted(PAGE_WRITES), ids=lambda r: f"{r[0]} {r[1]}")
async def test_page_role_matrix(browser: httpx.AsyncClient, staff_headers: dict[str, str],
                                route: tuple[str, str]) -> None:
    allowed = PAGE_WRITES[route]
    nobody = await _page_call(browser, staff_headers, route, {})
    assert nobody.status_code == 303 and nobody.headers["location"].startswith("/sign-in?next=")
    forged = await _page_call(browser, staff_headers, route,
                              {"Authorization": "Bearer stk_forged"})
    assert forged.status_code == 303 and forged.headers["location"].startswith("/sign-in")
    enterprise = await account(browser, staff_headers, "enterprise", new_uscc())
    leader = await account(browser, staff_headers, "leader")
    for role, headers in (("staff", staff_headers), ("leader", leader),
                          ("enterprise", enterprise)):
        answer = await _page_call(browser, staff_headers, route, headers)
        if role in allowed:
            assert answer.status_code != 403 and answer.status_code < 500, (role, answer.text)
        else:
            assert answer.status_code == 403, (role, answer.status_code)
            assert "此账号无权使用这个页面" in answer.text


@pytest.mark.parametrize("route", sorted(ACCOUNT_WRITES), ids=lambda r: f"{r[0]} {r[1]}")
async def test_the_routes_of_ones_own_account_need_an_account(
        browser: httpx.AsyncClient, staff_headers: dict[str, str],
        route: tuple[str, str]) -> None:
    method, path = route
    body = {"current_password": "x" * 10, "new_password": "y-y-y-y-y-2026"}
    kwargs = {"json": body} if method == "POST" else {}
    nobody = await browser.request(method, path, **kwargs)
    assert nobody.status_code == 401
    forged = await browser.request(method, path, headers={"Authorization": "Bearer stk_x"},
                                   **kwargs)
    assert forged.status_code == 401
    for role in ("staff", "leader", "enterprise"):
        headers = await account(browser, staff_headers, role,
                                new_uscc() if role == "enterprise" else None)
        answer = await browser.request(method, path, headers=headers, **kwargs)
        # token accounts have no password to change (400); ending sessions answers 204
        assert answer.status_code in (204, 400), (role, answer.text)


async def test_registration_decisions_stay_with_staff(browser: httpx.AsyncClient,
                                                      staff_headers: dict[str, str]) -> None:
    registration = await pending_registration(browser)
    for role in ("leader", "enterprise"):
        headers = await account(browser, staff_headers, role,
                                new_uscc() if role == "enterprise" else None)
        assert (await browser.get("/api/registrations", headers=headers)).status_code == 403
        assert (await browser.get(f"/api/registrations/{registration}",
                                  headers=headers)).status_code == 403
    got = await browser.get(f"/api/registrations/{registration}", headers=staff_headers)
    assert got.status_code == 200 and got.json()["status"] == "pending"
