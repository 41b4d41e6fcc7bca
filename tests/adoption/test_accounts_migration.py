"""The accounts migration on a database that already holds token accounts: they keep working
(on SQLite the account table is rebuilt, on PostgreSQL altered), and a person's account without
a token can then be stored beside them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import fresh_database

BEFORE_PEOPLE = "2026-12-01T10:00:10:000000"

SCRIPT = textwrap.dedent('''
    import asyncio, datetime as dt, json, sys
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from adoption.vocab import AccountRole
    from api.database import configure_engine, upgrade
    from standards.db import close_engine, open_engine
    from standards.settings import Settings

    async def main():
        engine = configure_engine(Settings.from_env({"DATABASE_URL": sys.argv[1]}))
        await open_engine(engine)
        try:
            assert (await run_forwards(app_name="standards")).success
            assert (await run_forwards(app_name="adoption", migration_id=sys.argv[2])).success
            from adoption.tables import Account
            now = dt.datetime.now(dt.UTC)
            for role, digest in (("staff", "a" * 64), ("leader", "b" * 64)):
                await Account.raw(
                    "INSERT INTO account (role, name, uscc, token_hash, token_hint, created_at) "
                    "VALUES ({}, {}, NULL, {}, {}, {})",
                    role, f"old {role}", digest, "stk_old", now)
            ran = await upgrade()
            from adoption import accounts_repository
            kept = [await accounts_repository.credential_for(d) for d in ("a" * 64, "b" * 64)]
            person = await accounts_repository.create_account(
                role=AccountRole.LEADER, username="first-person",
                password_hash="$argon2id$placeholder", now=now)
            second = await accounts_repository.create_account(
                role=AccountRole.STAFF, username="second-person",
                password_hash="$argon2id$placeholder", now=now)
            print(json.dumps({"ran": ran, "kept": [k.name if k else None for k in kept],
                              "people": [person.username, second.username, person.token_hint]}))
        finally:
            await close_engine(engine)

    asyncio.run(main())
''')


def test_token_accounts_survive_the_migration(tmp_path_factory: pytest.TempPathFactory) -> None:
    with fresh_database(tmp_path_factory, "migration") as url:
        done = subprocess.run([sys.executable, "-c", SCRIPT, url, BEFORE_PEOPLE],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "STDTRACK_HOME": str(tmp_path_factory.mktemp(
                                  "migration-home"))})
        assert done.returncode == 0, done.stderr[-3000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "2026-12-12T14:00:00:000000" in result["ran"]
    assert result["kept"] == ["old staff", "old leader"]
    # two accounts without a token: the old '' default would have collided on the unique key
    assert result["people"] == ["first-person", "second-person", ""]
