"""Declaration and drafting-plan tables are read within the same limits as catalogues: an
over-long cell rejects its row (naming the field, its length and the limit), a file past the
row limit stops with the rows before it kept and counted."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api.declaration_imports import import_declarations
from api.drafting_imports import import_drafting_plans
from importers.errors import UnreadableFileError
from standards.settings import ReadLimits
from tests.importers import hostile

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db", "adoption_db")]

USCC = "91350100M000100Y43"
HEADER = "统一社会信用代码,企业名称,行政区划代码,产品名称,执行标准"


async def test_an_over_long_declaration_cell_rejects_its_row(tmp_path: Path,
                                                             settings_archive: Path) -> None:
    path = tmp_path / "declarations.csv"
    path.write_text(f"{HEADER}\n{USCC},福州示例,350102,产品甲,GB/T 1-2020\n"
                    f"{USCC},{'长' * 12_000},350102,产品乙,GB/T 1-2020\n"
                    f"{USCC},福州示例,350102,产品丙,GB/T 1-2020\n", encoding="utf-8")
    report = await import_declarations([path], actor="test", archive_dir=settings_archive)
    assert report.created == 2
    [bad] = report.rejected
    assert bad["location"] == "declarations.csv:row 3"
    assert "'enterprise' is 12000 characters long, over the limit of 10000" in bad["reason"]


async def test_a_declaration_file_past_the_row_limit_keeps_the_rows_before(
        tmp_path: Path, settings_archive: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "\n" + "".join(
        f"{USCC},福州示例,350102,产品{n},GB/T 1-2020\n" for n in range(6)), encoding="utf-8")
    with pytest.raises(UnreadableFileError) as stopped:
        await import_declarations([path], actor="test", archive_dir=settings_archive,
                                  limits=dataclasses.replace(ReadLimits(), max_rows=4))
    message = str(stopped.value)
    assert message.startswith("many.csv: ") and "STDTRACK_IMPORT_MAX_ROWS" in message
    assert "the 4 rows before it were kept in import" in message


async def test_an_over_long_plan_title_in_a_workbook_rejects_its_row(
        tmp_path: Path, settings_archive: Path) -> None:
    path = hostile.table_workbook(tmp_path / "plans.xlsx", [
        ["计划编号", "计划年度", "项目名称", "行政区划代码"],
        ["2020-001", "2020", "人参种植技术规程", "220000"],
        ["2020-002", "2020", "题" * 11_000, "220000"],
    ])
    report = await import_drafting_plans([path], actor="test", archive_dir=settings_archive)
    assert report.created == 1
    [bad] = report.rejected
    assert bad["location"] == "plans.xlsx:row 3"
    assert "'title' is 11000 characters long" in bad["reason"]


@pytest.fixture
def settings_archive(tmp_path: Path) -> Path:
    return tmp_path / "archive"
