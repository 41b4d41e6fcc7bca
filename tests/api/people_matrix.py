"""The write routes of accounts, sessions and registrations, for the role matrices:
``ROLE_MATRIX`` joins the API matrix of tests/api/test_declarations.py (staff only);
``ACCOUNT_WRITES`` are API routes any signed-in account may use; ``PAGE_WRITES`` are pages
(staff only, or any account), tested in tests/api/test_people_roles.py; ``PUBLIC_WRITES`` need
no account by design."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.adoption.helpers import new_uscc
from tests.api.followup_matrix import PAGE_WRITES as FOLLOWUP_PAGE_WRITES
from tests.api.followup_matrix import PUBLIC_WRITES as FOLLOWUP_PUBLIC_WRITES
from tests.api.workbench_matrix import PAGE_WRITES as WORKBENCH_PAGE_WRITES

Call = Callable[[httpx.AsyncClient, Any, dict[str, str]], Awaitable[httpx.Response]]
_serial = itertools.count(1)


async def pending_registration(client: httpx.AsyncClient) -> int:
    """A new pending registration's id."""
    done = await client.post("/api/registrations", json={
        "uscc": new_uscc(), "name": "矩阵测试企业", "region_code": "220102",
        "contact_name": "张三", "contact_phone": "13912345678",
        "username": f"matrix-{next(_serial)}-{dt.datetime.now().timestamp():.0f}",
        "password": "矩阵-测试-密码-2026"})
    assert done.status_code == 201, done.text
    return int(done.json()["id"])


async def leader_account(client: httpx.AsyncClient, staff: dict[str, str]) -> int:
    """A new leader with a username (so that a password can be reset)."""
    done = await client.post("/api/accounts", headers=staff, json={
        "role": "leader", "username": f"matrix-leader-{next(_serial)}-"
        f"{dt.datetime.now().timestamp():.0f}", "password": "矩阵-测试-密码-2026"})
    assert done.status_code == 201, done.text
    return int(done.json()["id"])


async def _reset_password(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                          ) -> httpx.Response:
    account_id = await leader_account(client, w.staff)
    return await client.post(f"/api/accounts/{account_id}/reset-password", headers=h, json={})


async def _approve(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    return await client.post(
        f"/api/registrations/{await pending_registration(client)}/approve", headers=h)


async def _reject(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    return await client.post(
        f"/api/registrations/{await pending_registration(client)}/reject", headers=h,
        json={"reason": "资料不全"})


ROLE_MATRIX: dict[tuple[str, str], tuple[Call, bool]] = {
    ("POST", "/api/accounts/{account_id:int}/reset-password"): (_reset_password, False),
    ("POST", "/api/registrations/{registration_id:int}/approve"): (_approve, False),
    ("POST", "/api/registrations/{registration_id:int}/reject"): (_reject, False),
}

# API routes every signed-in account may use (its own password and sessions)
ACCOUNT_WRITES = {
    ("POST", "/api/accounts/me/password"),
    ("DELETE", "/api/session"),
    ("DELETE", "/api/session/all"),
}

# pages: staff only, or any signed-in account
PAGE_WRITES: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/workbench/accounts"): frozenset({"staff"}),
    ("POST", "/workbench/accounts/{account_id:int}/disable"): frozenset({"staff"}),
    ("POST", "/workbench/accounts/{account_id:int}/reset-password"): frozenset({"staff"}),
    ("POST", "/workbench/registrations/{registration_id:int}/approve"): frozenset({"staff"}),
    ("POST", "/workbench/registrations/{registration_id:int}/reject"): frozenset({"staff"}),
    ("POST", "/account/password"): frozenset({"staff", "leader", "enterprise"}),
    ("POST", "/account/sign-out-everywhere"): frozenset({"staff", "leader", "enterprise"}),
}
PAGE_WRITES.update(WORKBENCH_PAGE_WRITES)  # the staff workbench's pages
PAGE_WRITES.update(FOLLOWUP_PAGE_WRITES)  # imports as jobs, reviews, feedback, triage

# no account needed, by design: signing in and out, registering an enterprise
PUBLIC_WRITES = {
    ("POST", "/sign-in"), ("POST", "/sign-out"), ("POST", "/register"),
    ("POST", "/api/session"), ("POST", "/api/registrations"),
} | FOLLOWUP_PUBLIC_WRITES
