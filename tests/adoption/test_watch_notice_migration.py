"""The migration giving watch notices a drafting project, on a database that already holds
notices of standards: they are kept with their unique key (on SQLite the table is rebuilt, on
PostgreSQL altered), and a project's notice can then be stored beside them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import fresh_database

BEFORE_PROJECT_NOTICES = "2026-12-24T00:00:10:000000"

SCRIPT = textwrap.dedent('''
    import asyncio, datetime as dt, json, sys
    from piccolo.apps.migrations.commands.forwards import run_forwards
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
            run = Account.raw
            await run("INSERT INTO account (role, name, token_hash, token_hint, created_at) "
                      "VALUES ('staff', 'old', {}, 'stk', {})", "c" * 64, now)
            await run("INSERT INTO standard (code, normalized_code, family_key, level, prefix, "
                      "created_at, updated_at) VALUES ('GB/T 1-2020', 'GB/T 1-2020', 'GB/T 1', "
                      "'national', 'GB/T', {}, {})", now, now)
            await run("INSERT INTO watch (account, kind, value, created_at) SELECT id, 'prefix', "
                      "'GB/T', {} FROM account", now)
            await run("INSERT INTO watch_notice (watch, standard, code, event, detail, "
                      "occurred_on, created_at) SELECT w.id, s.id, 'GB/T 1-2020', 'new', '', "
                      "{}, {} FROM watch w, standard s", dt.date(2026, 1, 1), now)
            ran = await upgrade()
            from adoption import watches_repository
            from adoption.vocab import WatchEvent
            from adoption.tables import DraftingProject
            await DraftingProject.raw(
                "INSERT INTO drafting_project (plan_no, region_code, created_at, updated_at) "
                "VALUES ('JL2026-001', '220000', {}, {})", now, now)
            ids = await run("SELECT w.id AS watch, p.id AS project, s.id AS standard FROM "
                            "watch w, drafting_project p, standard s")
            watch, project, standard = ids[0]["watch"], ids[0]["project"], ids[0]["standard"]
            N = watches_repository.NewNotice
            added = await watches_repository.add_notices([
                N(watch, standard, "GB/T 1-2020", None, WatchEvent.NEW, "", dt.date(2026, 1, 1)),
                N(watch, None, "JL2026-001", "x", WatchEvent.STAGE, "立项", dt.date(2026, 1, 1),
                  project_id=project),
                N(watch, None, "JL2026-001", "x", WatchEvent.STAGE, "立项", dt.date(2026, 1, 1),
                  project_id=project),
            ], now)
            account = (await run("SELECT id FROM account"))[0]["id"]
            inbox = await watches_repository.notices(account)
            print(json.dumps({"ran": ran, "added": added, "inbox": sorted(
                [n.code, n.standard_id is not None, n.project_id is not None]
                for n in inbox.items)}))
        finally:
            await close_engine(engine)

    asyncio.run(main())
''')


def test_notices_survive_and_projects_get_their_own(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    with fresh_database(tmp_path_factory, "notices") as url:
        done = subprocess.run([sys.executable, "-c", SCRIPT, url, BEFORE_PROJECT_NOTICES],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "STDTRACK_HOME": str(tmp_path_factory.mktemp(
                                  "notices-home"))})
        assert done.returncode == 0, done.stderr[-3000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "2026-12-25T00:00:05:000000" in result["ran"]
    assert result["added"] == 1  # the old notice again: kept once; the project's twice: once
    assert result["inbox"] == [["GB/T 1-2020", True, False], ["JL2026-001", False, True]]
