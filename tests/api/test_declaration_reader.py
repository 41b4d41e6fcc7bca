"""Large declaration files are read and mapped in a reader process while the importing process
writes: the same batches as reading them in-process, the same import, damage reported with
the rows before it kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from adoption.db import select
from api.declaration_imports import RowMapper, _batches, import_declarations, read_table
from api.read_worker import DECLARATIONS, WORKER_THRESHOLD, ReaderProcess
from importers.errors import UnreadableFileError
from standards.settings import ReadLimits

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db", "adoption_db")]

HEADER = "统一社会信用代码,企业名称,行政区划代码,产品名称,产品型号,执行标准,公开日期"
USCCS = ("91350100M000100Y43", "91320500000000019N")
TODAY = dt.date(2026, 6, 1)


def large_file(tmp_path: Path) -> Path:
    """Rows of two enterprises over the reader process's threshold; row 3 has a malformed
    USCC, row 5 a date in the future."""
    lines = [HEADER]
    number = 0
    while sum(len(line.encode()) + 1 for line in lines) < WORKER_THRESHOLD + 10_000:
        number += 1
        uscc = USCCS[number % 2]
        if number == 2:
            uscc = "9135010"
        day = "2031-01-01" if number == 4 else f"2020-{number % 12 + 1:02d}-15"
        lines.append(f"{uscc},示例企业{number % 2},350102,产品{number},M-{number},"
                     f"GB/T {number % 50 + 1}-2020;Q/JSHL {number:04d}-2021,{day}")
    path = tmp_path / "large.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size >= WORKER_THRESHOLD
    return path


def test_the_reader_process_maps_what_this_process_would(tmp_path: Path) -> None:
    path = large_file(tmp_path)
    expected = list(_batches("上传.csv", read_table(path, "上传.csv"), RowMapper(None, TODAY)))
    reader = ReaderProcess([(path, "上传.csv")], kind=DECLARATIONS, options=(None, TODAY))
    try:
        received = list(reader.batches(0))
    finally:
        reader.close()
    assert received == expected
    assert sum(batch.size for batch in received) > 10_000
    rejected = [row for batch in received for row in batch.rejected]
    assert [row["location"] for row in rejected] == ["上传.csv:row 3", "上传.csv:row 5"]
    first = received[0].rows[0]
    assert first.enterprise.uscc == USCCS[1] and first.product.name == "产品1"
    assert [code.key for code in first.codes] == ["GB/T 2-2020", "Q/JSHL 0001-2021"]


async def test_a_large_declaration_file_imports_through_the_reader_process(
        tmp_path: Path) -> None:
    path = large_file(tmp_path)
    rows = path.read_text(encoding="utf-8").count("\n") - 1
    report = await import_declarations([path], actor="test", archive_dir=tmp_path / "archive")
    assert report.files[0]["records"] == rows
    assert [row["location"] for row in report.rejected] == ["large.csv:row 3", "large.csv:row 5"]
    assert report.created == rows - 2
    stored = await select("SELECT COUNT(*) AS n FROM declaration", [])
    assert stored[0]["n"] == 2 * (rows - 2)
    named = await select("SELECT p.name, p.model, e.uscc FROM product p JOIN enterprise e "
                         "ON e.id = p.enterprise WHERE p.name = ?", ["产品7"])
    assert [(r["model"], r["uscc"]) for r in named] == [("M-7", USCCS[1])]
    again = await import_declarations([path], actor="test", archive_dir=tmp_path / "archive")
    assert (again.created, again.updated, again.unchanged) == (0, 0, rows - 2)


async def test_a_large_file_past_the_row_limit_keeps_the_rows_before(tmp_path: Path) -> None:
    path = large_file(tmp_path)
    with pytest.raises(UnreadableFileError) as stopped:
        await import_declarations([path], actor="test", archive_dir=tmp_path / "archive",
                                  limits=dataclasses.replace(ReadLimits(), max_rows=6))
    message = str(stopped.value)
    assert message.startswith("large.csv: ") and "STDTRACK_IMPORT_MAX_ROWS" in message
    # six rows read, of which rows 3 and 5 rejected: four kept
    assert "the 4 rows before it were kept in import" in message
    stored = await select("SELECT COUNT(*) AS n FROM product", [])
    assert stored[0]["n"] == 4
