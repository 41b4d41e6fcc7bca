"""Shared steps of the tests of people's accounts: creating a person, signing in through the
form (with its CSRF token), reading a page's form token."""

from __future__ import annotations

import itertools
import re

import httpx

from tests.adoption.helpers import bearer

PASSWORD = "长白山-天池-2026"  # a password that passes the policy
_serial = itertools.count(1)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def new_username(prefix: str = "person") -> str:
    return f"{prefix}-{next(_serial)}-{id(_serial) % 10_000}"


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


async def person(client: httpx.AsyncClient, staff: dict[str, str], role: str = "staff", *,
                 username: str | None = None, password: str | None = PASSWORD,
                 uscc: str | None = None) -> dict:
    """A person's account created by staff over the API (with ``password``, or a temporary
    one when None); returns the API answer (``temporary_password`` included)."""
    body = {"role": role, "username": username or new_username(role), "name": f"测试{role}",
            "uscc": uscc}
    if password is not None:
        body["password"] = password
    done = await client.post("/api/accounts", headers=staff, json=body)
    assert done.status_code == 201, done.text
    return done.json()


async def sign_in(client: httpx.AsyncClient, username: str, password: str, next_page: str = ""
                  ) -> httpx.Response:
    """Sign in through the form as a browser does: load it (pre-session cookie and token),
    then post it."""
    form = await client.get("/sign-in")
    return await client.post("/sign-in", data={
        "username": username, "password": password, "next": next_page,
        "csrf_token": csrf_of(form.text)})


async def page_token(client: httpx.AsyncClient, path: str = "/account") -> str:
    """The session's CSRF token, read from a page's forms."""
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


__all__ = ["PASSWORD", "bearer", "csrf_of", "new_username", "page_token", "person", "sign_in"]
