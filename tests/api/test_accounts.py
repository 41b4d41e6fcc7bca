"""Accounts and tokens: created by staff or the CLI, shown once, stored hashed, disabled at
once; the old settings staff token is retired."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import httpx
import pytest
from piccolo.engine.base import Engine

from adoption.tables import Account
from api.app import create_app
from standards.settings import Settings
from tests.adoption.helpers import account, bearer, mutated, new_uscc

pytestmark = [pytest.mark.anyio]


def stdtrack(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


async def test_cli_creates_an_account_whose_token_is_stored_hashed(
        client: httpx.AsyncClient, settings: Settings) -> None:
    uscc = new_uscc("220202")
    done = stdtrack(settings, "accounts", "add", "--role", "enterprise", "--uscc", uscc.lower(),
                    "--name", "吉林化纤", "--json")
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    token = created["token"]
    assert (created["role"], created["uscc"], created["name"]) == ("enterprise", uscc, "吉林化纤")
    assert token.startswith("stk_") and len(token) > 40 and created["token_hint"] == token[:8]
    stored = await Account.raw("SELECT token_hash, token_hint FROM account WHERE id = {}",
                               created["id"])
    assert stored[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    everything = json.dumps(await Account.raw("SELECT * FROM account"), default=str)
    assert token not in everything
    me = await client.get("/api/accounts/me", headers=bearer(token))
    assert me.json() == {"role": "enterprise", "name": "吉林化纤", "uscc": uscc,
                         "account_id": created["id"]}

    plain = stdtrack(settings, "accounts", "add", "--role", "staff")
    assert plain.returncode == 0 and plain.stdout.strip().startswith("stk_")
    assert (await client.get("/api/accounts/me",
                             headers=bearer(plain.stdout.strip()))).json()["role"] == "staff"
    listed = json.loads(stdtrack(settings, "accounts", "list", "--json").stdout)
    assert created["id"] in [a["id"] for a in listed]
    assert all("token" not in a and "token_hash" not in a for a in listed)


@pytest.mark.parametrize(("args", "says"), [
    (("--role", "enterprise"), "needs its USCC"),
    (("--role", "enterprise", "--uscc", "91350100M000100Y44"), "91350100M000100Y44"),
    (("--role", "leader", "--uscc", "91350100M000100Y43"), "only enterprise accounts"),
    (("--role", "king"), "king"),
])
def test_cli_refuses_bad_accounts_in_one_line(settings: Settings, args: tuple[str, ...],
                                              says: str, engine: Engine) -> None:
    done = stdtrack(settings, "accounts", "add", *args)
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr


async def test_staff_manage_accounts_over_http(client: httpx.AsyncClient,
                                               staff_headers: dict[str, str]) -> None:
    uscc = new_uscc()
    done = await client.post("/api/accounts", headers=staff_headers,
                             json={"role": "enterprise", "uscc": uscc})
    assert done.status_code == 201
    token = done.json()["token"]
    enterprise = bearer(token)
    assert (await client.get("/api/accounts/me", headers=enterprise)).json()["uscc"] == uscc
    assert (await client.post("/api/accounts", headers=enterprise,
                              json={"role": "staff"})).status_code == 403
    assert (await client.get("/api/accounts", headers=enterprise)).status_code == 403
    listed = (await client.get("/api/accounts", headers=staff_headers,
                               params={"role": "enterprise"})).json()
    assert all(a["role"] == "enterprise" and "token" not in a for a in listed)
    bad = await client.post("/api/accounts", headers=staff_headers,
                            json={"role": "enterprise", "uscc": mutated(uscc)})
    assert bad.status_code == 422 and bad.json()["field"] == "uscc"

    off = await client.post(f"/api/accounts/{done.json()['id']}/disable", headers=staff_headers)
    assert off.status_code == 200 and off.json()["disabled_at"]
    refused = await client.get("/api/accounts/me", headers=enterprise)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert (await client.post("/api/accounts/999999/disable",
                              headers=staff_headers)).status_code == 404


@pytest.mark.parametrize("header", [
    "Bearer stk_not-a-token", "Basic c3RhZmY6c3RhZmY=", "Bearer ", "stk_no_scheme"])
async def test_bad_credentials_are_401(client: httpx.AsyncClient, header: str) -> None:
    done = await client.get("/api/accounts/me", headers={"Authorization": header})
    assert done.status_code == 401
    assert done.json()["status"] == 401


async def test_a_leader_reads_but_never_writes(client: httpx.AsyncClient,
                                               staff_headers: dict[str, str]) -> None:
    leader = await account(client, staff_headers, "leader")
    assert (await client.get("/api/enterprises", headers=leader)).status_code == 200
    assert (await client.get("/api/alerts", headers=leader)).status_code == 200
    assert (await client.put(f"/api/enterprises/{new_uscc()}", headers=leader, json={
        "name": "x", "region_code": "220102"})).status_code == 403


async def test_the_settings_staff_token_is_retired(settings: Settings, engine: Engine) -> None:
    legacy = Settings.from_env({"DATABASE_URL": settings.database_url,
                                "STDTRACK_HOME": str(settings.home),
                                "STDTRACK_STAFF_TOKEN": "old-shared-secret"})
    app = create_app(legacy, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport,
                                                base_url="http://testserver") as legacy_client:
        done = await legacy_client.get("/api/imports", headers=bearer("old-shared-secret"))
    assert done.status_code == 401
