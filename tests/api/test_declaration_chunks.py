"""A bulk declaration import written chunk by chunk: on PostgreSQL the next chunk is decided
while the database writes the one before (``DeclarationImportWriter.decide`` / ``flush``), on
SQLite each chunk is read and written under one lock. Either way the result is the one of a
single chunk, a failed chunk is not counted, and ids drawn in bulk are the sequence's."""

from __future__ import annotations

from pathlib import Path

import pytest

from adoption import repository
from adoption.db import adoption_engine, select, writing
from api import declaration_imports
from api.declaration_imports import import_declarations

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db", "adoption_db")]

HEADER = "统一社会信用代码,企业名称,行政区划代码,产品名称,产品型号,执行标准,公开日期"
FIRM = "91320500000000019N"
OTHER = "91350100M000100Y43"
ROWS = [
    f"{FIRM},示例企业,350102,水泵,P-1,GB/T 1-2020,2024-01-10",
    f"{OTHER},另一企业,350102,阀门,V-1,GB/T 2-2020,2024-02-10",
    f"{FIRM},,,电机,M-1,GB/T 3-2020,2024-03-10",  # the enterprise of chunk 1
    # the product of chunk 1 again: a conflict-free repeat that adds nothing new to it...
    f"{FIRM},,,水泵,P-1,GB/T 1-2020,2024-01-10",
    # ...and a product of chunk 2 repeated in chunk 3 with a later date: the first row's date
    f"{FIRM},,,电机,M-1,GB/T 3-2020,2024-05-10",
    f"{OTHER},,,阀门,V-2,GB/T 4-2020;GB/T 2-2020,2024-06-10",
]


def write_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "chunks.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def stored() -> list[tuple[str, str, str, str]]:
    rows = await select(
        "SELECT e.uscc, p.model, d.code_key, d.declared_on FROM declaration d "
        "JOIN product p ON p.id = d.product JOIN enterprise e ON e.id = p.enterprise "
        "WHERE d.withdrawn_on IS NULL AND d.enterprise = e.id ORDER BY p.model, d.code_key", [])
    return [(r["uscc"], r["model"], r["code_key"], str(r["declared_on"])) for r in rows]


async def test_chunks_of_two_rows_import_what_one_chunk_imports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file(tmp_path, ROWS)
    monkeypatch.setattr(declaration_imports, "CHUNK_ROWS", 2)
    counted: list[int] = []
    report = await import_declarations([path], actor="test", archive_dir=tmp_path / "archive",
                                       progress=counted.append)
    assert counted == [2, 2, 2]
    assert (report.created, report.updated, report.unchanged) == (4, 0, 2)
    assert report.tallies["declarations"]["created"] == 5
    assert await stored() == [
        (FIRM, "M-1", "GB/T 3-2020", "2024-03-10"),
        (FIRM, "P-1", "GB/T 1-2020", "2024-01-10"),
        (OTHER, "V-1", "GB/T 2-2020", "2024-02-10"),
        (OTHER, "V-2", "GB/T 2-2020", "2024-06-10"),
        (OTHER, "V-2", "GB/T 4-2020", "2024-06-10"),
    ]
    single = tmp_path / "one"
    single.mkdir()
    monkeypatch.setattr(declaration_imports, "CHUNK_ROWS", 5000)
    again = await import_declarations([write_file(single, ROWS)], actor="test",
                                      archive_dir=tmp_path / "archive")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


def fail_on_call(monkeypatch: pytest.MonkeyPatch, method: str, call: int,
                 message: str) -> None:
    """The writer's ``method`` raises ``message`` on its ``call``-th call (others run)."""
    real = getattr(repository.DeclarationImportWriter, method)
    calls = 0

    async def failing(self: repository.DeclarationImportWriter, *args: object) -> object:
        nonlocal calls
        calls += 1
        if calls == call:
            raise RuntimeError(message)
        return await real(self, *args)

    monkeypatch.setattr(repository.DeclarationImportWriter, method, failing)


async def import_failing(tmp_path: Path) -> list[int]:
    """Import ROWS in chunks of two; the chunks counted before the import failed."""
    counted: list[int] = []
    with pytest.raises(RuntimeError, match="went away"):
        await import_declarations([write_file(tmp_path, ROWS)], actor="test",
                                  archive_dir=tmp_path / "archive", progress=counted.append)
    return counted


async def test_a_chunk_that_fails_to_write_is_not_counted_and_stops_the_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(declaration_imports, "CHUNK_ROWS", 2)
    fail_on_call(monkeypatch, "_flush", 2, "the database went away")
    assert await import_failing(tmp_path) == [2]  # only the chunk that committed
    assert [row[1] for row in await stored()] == ["P-1", "V-1"]
    imports = await select("SELECT report FROM declaration_import", [])
    assert len(imports) == 1 and '"created": 2' in imports[0]["report"]


async def test_a_failure_while_deciding_keeps_and_counts_the_chunks_written_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL chunk 2 is being written while chunk 3 is decided: it commits, and is
    counted, though deciding chunk 3 fails."""
    monkeypatch.setattr(declaration_imports, "CHUNK_ROWS", 2)
    fail_on_call(monkeypatch, "_decide", 3, "the catalogue went away")
    assert await import_failing(tmp_path) == [2, 2]
    assert [row[1] for row in await stored()] == ["M-1", "P-1", "V-1"]
    imports = await select("SELECT report FROM declaration_import", [])
    assert '"created": 3' in imports[0]["report"]


async def test_ids_drawn_in_bulk_are_free_and_follow_the_engine_s_rule() -> None:
    """PostgreSQL: the sequence's values, as a range or, when another draw came between (the
    sequence stepped by 3 stands for that), one by one. SQLite: after the largest id, under
    the write lock the chunk holds."""
    engine = adoption_engine()
    postgres = engine.engine_type == "postgres"
    async with writing() as tx:
        await select("INSERT INTO enterprise (uscc, name, region_code, sector, key_fields, "
                     "created_at, updated_at) VALUES (?, '企业', '350102', '', '', "
                     "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", [FIRM])
        top = (await select("SELECT MAX(id) AS top FROM enterprise", []))[0]["top"]
        consecutive = await repository._allocate_ids(tx, "enterprise", 5)
    assert consecutive == list(range(consecutive[0], consecutive[0] + 5))
    assert consecutive[0] > top
    if not postgres:
        assert consecutive[0] == top + 1
        return
    async with writing() as tx:
        await select("ALTER SEQUENCE enterprise_id_seq INCREMENT BY 3", [])
        try:
            spaced = await repository._allocate_ids(tx, "enterprise", 4)
        finally:
            await select("ALTER SEQUENCE enterprise_id_seq INCREMENT BY 1", [])
    first = consecutive[-1] + 3
    assert spaced == [first, first + 3, first + 6, first + 9]
