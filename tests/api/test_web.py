"""What every answer carries: security headers on pages, API answers, errors and static files;
HEAD on every page; pages without inline script (the Content-Security-Policy forbids it)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from adoption.vocab import AccountRole
from api.auth import create_account
from tests.api.session_helpers import sign_in_with_token

pytestmark = pytest.mark.anyio

PAGES = ["/", "/?q=GB/T 19001", "/sign-in", "/standard?code=GB/T 19001-2016",
         "/not-counted/coverage", "/docs"]
ANSWERS = ["/api/standards", "/api/standards/999999999", "/api/nothing-here", "/health",
           "/static/dashboard/dashboard.js", "/schema/openapi.json"]


@pytest.fixture
async def signed_in(client: httpx.AsyncClient, engine: object
                    ) -> AsyncIterator[httpx.AsyncClient]:
    """The shared client with a leader's session (the dashboard, the drill-down page)."""
    _account, token = await create_account(AccountRole.LEADER, name="看板测试")
    client.cookies.clear()
    signed = await sign_in_with_token(client, token, "/")
    assert signed.status_code == 303
    yield client
    client.cookies.clear()


def _policy(answer: httpx.Response) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
            for part in answer.headers["content-security-policy"].split(";")}


@pytest.mark.parametrize("path", PAGES)
async def test_pages_carry_a_strict_policy(signed_in: httpx.AsyncClient, path: str) -> None:
    answer = await signed_in.get(path)
    assert answer.status_code in (200, 404), answer.text  # (the catalogue may be empty)
    assert answer.headers["content-type"].startswith("text/html")
    policy = _policy(answer)
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
async def test_pages_hold_no_inline_script(signed_in: httpx.AsyncClient, path: str) -> None:
    html = (await signed_in.get(path)).text
    scripts = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
    assert all(" src=" in tag for tag in scripts), scripts  # script files only
    assert not re.search(r"<script\b[^>]*>(?!\s*</script>)", html, flags=re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.IGNORECASE)  # onclick=...
    assert "javascript:" not in html.lower()


@pytest.mark.parametrize("path", ANSWERS)
async def test_every_other_answer_carries_the_headers_too(client: httpx.AsyncClient,
                                                         path: str) -> None:
    answer = await client.get(path)
    assert answer.headers["x-content-type-options"] == "nosniff", path
    assert answer.headers["x-frame-options"] == "DENY"
    if not answer.headers["content-type"].startswith("text/html"):
        assert _policy(answer)["default-src"] == "'none'"  # a JSON or file runs nothing


@pytest.mark.parametrize("path", [*PAGES, "/not-counted/nothing", "/standard?code=xyz",
                                  "/api/standards", "/api/standards/1", "/static/docs-init.js"])
async def test_every_page_answers_head_like_get_without_a_body(signed_in: httpx.AsyncClient,
                                                               path: str) -> None:
    got = await signed_in.get(path)
    head = await signed_in.head(path)
    assert head.status_code == got.status_code, path
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-security-policy"] == got.headers["content-security-policy"]


async def test_head_without_a_session_is_the_public_search_page(client: httpx.AsyncClient
                                                                ) -> None:
    client.cookies.clear()
    head = await client.head("/")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len((await client.get("/")).content)


async def test_the_docs_page_starts_swagger_from_a_file(client: httpx.AsyncClient) -> None:
    page = (await client.get("/docs")).text
    assert '<script src="/static/docs-init.js"></script>' in page
    script = await client.get("/static/docs-init.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert 'url: "/schema/openapi.json"' in script.text
