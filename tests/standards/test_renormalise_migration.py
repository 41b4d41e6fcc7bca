"""The migration that re-normalises stored codes (official prints, ``DB31/ 890-2015``): a
database at the schema before it, holding rows written the old way, is migrated by the real
piccolo migrations; every stored key then reads the new way and is still found by any spelling.
Runs on SQLite, and on PostgreSQL when the suite does."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.base import Engine

import api.piccolo_conf
from api.database import APP_TABLES
from standards import repository as repo
from standards.db import bind_tables, close_engine, create_engine, open_engine
from tests.conftest import fresh_database

pytestmark = [pytest.mark.anyio]

# the last migrations before the re-normalisation (each app's)
BEFORE = {"standards": "2026-11-23T20:00:00:000000", "adoption": "2026-12-01T10:00:10:000000"}
NOW = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def old_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own (created and dropped outside the event loop)."""
    with fresh_database(tmp_path_factory, "renormalise") as url:
        yield url


@pytest.fixture
async def old_database(old_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Engine]:
    """That database migrated up to ``BEFORE``; the suite's engine is put back after."""
    monkeypatch.setenv("PICCOLO_CONF", "api.piccolo_conf")
    previous = api.piccolo_conf.DB
    engine = create_engine(old_url)
    api.piccolo_conf.DB = engine
    bind_tables(engine, APP_TABLES)
    await open_engine(engine)
    try:
        for app, migration in BEFORE.items():
            result = await run_forwards(app_name=app, migration_id=migration)
            assert result.success, result.message
        yield engine
    finally:
        await close_engine(engine)
        api.piccolo_conf.DB = previous
        bind_tables(previous, APP_TABLES)


async def sql(engine: Engine, statement: str, *args: Any) -> list[dict[str, Any]]:
    rows = await engine.run_querystring(_Query(statement, args))
    return list(rows or [])


class _Query:
    """A raw statement with ``{}`` placeholders for ``Engine.run_querystring``."""

    def __new__(cls, statement: str, args: tuple[Any, ...]) -> Any:
        from piccolo.querystring import QueryString

        return QueryString(statement, *args)


def standard_row(code: str, key: str, family: str, source: str, **more: Any) -> dict[str, Any]:
    row = {"code": code, "normalized_code": key, "family_key": family, "level": "local",
           "kind": "local-province", "nature": "mandatory", "prefix": key.split(" ")[0],
           "base_prefix": "DB", "number": family.rsplit(" ", 1)[-1], "year": int(key[-4:]),
           "extra": "{}", "field_sources": "{}", "source": source, "ics": "",
           "drafters": "[]", "domains": "[]", "withdrawn_undated": False,
           "created_at": NOW, "updated_at": NOW}
    row.update(more)
    return row


async def insert(engine: Engine, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(row)
    marks = ", ".join("{}" for _ in row)
    done = await sql(engine, f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id",
                     *row.values())
    return int(done[0]["id"])


async def test_old_keys_are_renormalised_and_found_by_every_spelling(
        old_database: Engine) -> None:
    engine = old_database
    # rows as the previous version wrote them: mandatory local codes without their slash, the
    # creating source's spelling as the code, a relation end kept as cleaned text because it
    # did not parse then
    new = await insert(engine, "standard", standard_row(
        "DB31/890-2015", "DB31 890-2015", "DB31 890", "sh.csv", title_zh="住宅设计标准",
        implemented_on=dt.date(2015, 9, 1), effective_on=dt.date(2015, 9, 1)))
    old = await insert(engine, "standard", standard_row(
        "DB31 890—2010", "DB31 890-2010", "DB31 890", "sh.csv", withdrawn_on=dt.date(2015, 9, 1),
        implemented_on=dt.date(2010, 9, 1), effective_on=dt.date(2010, 9, 1)))
    tea = await insert(engine, "standard", standard_row(
        "GB/T 30357.2-2013", "GB/T 30357.2-2013", "GB/T 30357.2", "openstd", level="national",
        kind="national", nature="recommended", prefix="GB/T", base_prefix="GB"))
    await insert(engine, "relation", {"subject_code": "DB31 890-2015", "kind": "replaces",
                                      "object_code": "DB31 890-2010", "subject": new,
                                      "object": old, "source": "sh.csv"})
    await insert(engine, "relation", {"subject_code": "DB31 890-2015", "kind": "replaces",
                                      "object_code": "DB22 123-2005", "subject": new,
                                      "source": "sh.csv"})
    await insert(engine, "relation", {"subject_code": "DB31 890-2015", "kind": "replaces",
                                      "object_code": "GB/T 30357.2-2013（含第1号修改单2016）",
                                      "subject": new, "source": "sh.csv"})
    company = await insert(engine, "enterprise", {
        "uscc": "91310000MA1FL0000X", "name": "上海示例制造有限公司", "region_code": "310101",
        "created_at": NOW, "updated_at": NOW})
    item = await insert(engine, "product", {"enterprise": company, "name": "门窗", "model": "A",
                                            "created_at": NOW, "updated_at": NOW})
    dated = await insert(engine, "declaration", {
        "product": item, "enterprise": company, "declared_code": "DB31/890-2015",
        "code_key": "DB31 890-2015", "standard": new, "declared_on": dt.date(2025, 1, 1),
        "undated": False, "created_at": NOW, "updated_at": NOW})
    undated = await insert(engine, "declaration", {
        "product": item, "enterprise": company, "declared_code": "DB31 890",
        "code_key": "DB31 890", "undated": True, "declared_on": dt.date(2025, 1, 1),
        "created_at": NOW, "updated_at": NOW})
    alert = await insert(engine, "alert", {
        "declaration": dated, "enterprise": company, "product": item, "kind": "withdrawn",
        "standard": old, "code": "DB31 890-2010", "successors": '["DB31 890-2015"]',
        "raised_at": NOW})
    project = await insert(engine, "drafting_project", {
        "plan_no": "2024-31-001", "region_code": "31", "kind": "revision",
        "revises": "DB31 890-2015", "revises_key": "DB31 890-2015", "code": "DB31/890-2024",
        "code_key": "DB31 890-2024", "created_at": NOW, "updated_at": NOW})

    result = await run_forwards(app_name="all")
    assert result.success, result.message

    rows = {r["id"]: r for r in await sql(engine, "SELECT * FROM standard")}
    assert (rows[new]["normalized_code"], rows[new]["family_key"], rows[new]["code"]) == (
        "DB31/ 890-2015", "DB31/ 890", "DB31/ 890-2015")
    assert json.loads(rows[new]["extra"]) == {"code.sh.csv": "DB31/890-2015"}
    assert (rows[old]["normalized_code"], rows[old]["code"]) == ("DB31/ 890-2010",
                                                                 "DB31/ 890-2010")
    assert json.loads(rows[old]["extra"]) == {"code.sh.csv": "DB31 890—2010"}
    assert rows[tea]["code"] == "GB/T 30357.2-2013" and rows[tea]["amendment_note"] is None
    relations = sorted((r["subject_code"], r["object_code"], r["subject"], r["object"])
                       for r in await sql(engine, "SELECT * FROM relation"))
    assert relations == [
        ("DB31/ 890-2015", "DB22/ 123-2005", new, None),
        ("DB31/ 890-2015", "DB31/ 890-2010", new, old),
        ("DB31/ 890-2015", "GB/T 30357.2-2013", new, tea),  # resolved once it reads right
    ]
    declared = {r["id"]: r["code_key"] for r in await sql(engine, "SELECT * FROM declaration")}
    assert declared == {dated: "DB31/ 890-2015", undated: "DB31/ 890"}
    (alerted,) = await sql(engine, "SELECT * FROM alert WHERE id = {}", alert)
    assert (alerted["code"], json.loads(alerted["successors"])) == (
        "DB31/ 890-2010", ["DB31/ 890-2015"])
    (drafted,) = await sql(engine, "SELECT * FROM drafting_project WHERE id = {}", project)
    assert (drafted["code_key"], drafted["revises_key"], drafted["code"]) == (
        "DB31/ 890-2024", "DB31/ 890-2015", "DB31/890-2024")  # the plan's text stays as written

    # every spelling finds the migrated rows, the replacement chain reads as before
    for spelling in ("DB31/ 890-2015", "DB31/890-2015", "DB31 890-2015"):
        assert (await repo.find_standard(spelling)).id == new
    assert (await repo.find_standard("DB31 890")).id == new  # undated: the edition in force
    found = await repo.find_standard("DB31 890-2010")
    assert (found.replaced_by, found.status_reason) == (["DB31/ 890-2015"],
                                                        "replaced by DB31/ 890-2015")
    assert await repo.resolve_keys(["DB31/ 890"], {"DB31/ 890": "DB31/ 890"}) == {
        "DB31/ 890": new}
