"""Exports over HTTP: every table opens in openpyxl (and as CSV) with its Chinese headers and
the rows a person would count by hand, and a cell ``=1+1`` in the data comes out inert."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import httpx
import openpyxl
import pytest

from adoption.goals import GoalInput
from adoption.goals_repository import save_goal
from api.drafting_imports import import_drafting_plans
from api.exports import XLSX_MEDIA_TYPE
from tests.adoption.helpers import new_uscc, upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db", "drafting_db")]

CATALOGUE = [
    "标准号,标准名称,发布日期,实施日期,废止日期,代替标准",
    "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,,GB/T 19001-2008",
    "GB/T 19001-2008,质量管理体系 要求,2008-10-29,2009-03-01,2017-07-01,",
]
DECLARATION_HEADER = ["统一社会信用代码", "企业名称", "行政区划代码", "行业", "重点领域",
                      "产品名称", "产品型号", "产品分类", "主要产品", "执行标准", "公开日期"]


@pytest.fixture
async def drafting_db(client: httpx.AsyncClient) -> None:
    """No drafting projects or goals for one test."""
    from adoption.tables import Declaration

    for table in ("drafting_stage", "drafting_project", "drafting_import", "goal"):
        await Declaration.raw(f"DELETE FROM {table}")


async def province(client: httpx.AsyncClient, staff: dict[str, str], tmp_path: Path,
                   settings_archive: Path) -> dict[str, str]:
    """Five products in two cities of Jilin, declared 2020-06-01: two follow a current
    standard, one an unresolved code (product ``=1+1``), one nothing, one a withdrawn edition.
    Coverage as of today: 长春市 1/3, 吉林市 1/2, Jilin 2/5."""
    from api.declaration_imports import import_declarations

    await upload_catalogue(client, staff, "gb19001.csv", CATALOGUE)
    a, b, c = new_uscc("220102"), new_uscc("220104"), new_uscc("220202")
    rows = [
        [a, "长春甲汽车零部件有限公司", "220102", "汽车零部件", "汽车", "制动盘", "ZD-1", "制动",
         "是", "GB/T 19001-2016", "2020-06-01"],
        [a, "长春甲汽车零部件有限公司", "220102", "汽车零部件", "汽车", "=1+1", "X-1", "制动",
         "是", "QC/T 999-2014", "2020-06-01"],
        [b, "长春乙座椅有限公司", "220104", "汽车零部件", "汽车", "座椅骨架", "ZY-1", "车身",
         "是", "", "2020-06-01"],
        [c, "吉林丙化工有限公司", "220202", "石油化工", "石化", "聚丙烯树脂", "PP-1", "树脂",
         "是", "GB/T 19001-2008", "2020-06-01"],
        [c, "吉林丙化工有限公司", "220202", "石油化工", "石化", "乙二醇", "EG-1", "化工原料",
         "是", "GB/T 19001-2016", "2020-06-01"],
    ]
    path = tmp_path / "declarations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(DECLARATION_HEADER)
        writer.writerows(rows)
    report = await import_declarations([path], actor="test", archive_dir=settings_archive)
    assert report.created == 5 and not report.rejected
    return {"a": a, "b": b, "c": c}


def sheet_rows(response: httpx.Response) -> list[tuple]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return list(sheet.iter_rows(values_only=True))


def csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_indicator_table_by_city(client: httpx.AsyncClient, staff_headers: dict[str, str],
                                       tmp_path: Path, settings) -> None:
    await province(client, staff_headers, tmp_path, settings.archive_dir)
    params = {"format": "xlsx", "group_by": "city", "region": "22"}
    rows = sheet_rows(await client.get("/api/exports/indicators/coverage", params=params,
                                       headers=staff_headers))
    assert rows[1] == ("分组代码 key", "分组 group", "计入数 numerator", "总数 denominator",
                       "比率 rate", "百分比 percent")
    table = {row[1]: row[2:5] for row in rows[2:]}
    assert table["长春市"] == (1, 3, pytest.approx(1 / 3))
    assert table["吉林市"] == (1, 2, 0.5)
    assert table["合计 total"] == (2, 5, 0.4)
    text = csv_rows(await client.get("/api/exports/indicators/coverage",
                                     params={**params, "format": "csv"}, headers=staff_headers))
    assert text[0][1] == "分组 group"
    assert ["2", "5", "0.4", "40.0%"] == text[-1][2:]


async def test_not_counted_list_neutralises_formulas(
        client: httpx.AsyncClient, staff_headers: dict[str, str], tmp_path: Path,
        settings) -> None:
    await province(client, staff_headers, tmp_path, settings.archive_dir)
    rows = sheet_rows(await client.get("/api/exports/not-counted/coverage",
                                       params={"format": "xlsx", "region": "22"},
                                       headers=staff_headers))
    assert rows[1][:3] == ("未计入原因 reason", "统一社会信用代码 USCC", "企业名称 enterprise")
    products = {row[4]: row[0] for row in rows[2:]}
    assert set(products) == {"'=1+1", "座椅骨架", "聚丙烯树脂"}
    assert products["'=1+1"].startswith("标准号未收录")
    assert products["座椅骨架"].startswith("未声明标准")
    assert products["聚丙烯树脂"].startswith("标准已废止")
    one = csv_rows(await client.get("/api/exports/not-counted/coverage", params={
        "format": "csv", "region": "22", "reason": "no_standard"}, headers=staff_headers))
    assert [row[4] for row in one[1:]] == ["座椅骨架"]


async def test_alerts_export(client: httpx.AsyncClient, staff_headers: dict[str, str],
                             tmp_path: Path, settings) -> None:
    ids = await province(client, staff_headers, tmp_path, settings.archive_dir)
    rows = sheet_rows(await client.get("/api/exports/alerts", params={"format": "xlsx"},
                                       headers=staff_headers))
    assert rows[1][:4] == ("预警类型 kind", "说明 message", "统一社会信用代码 USCC",
                           "企业名称 enterprise")
    by_product = {row[4]: row for row in rows[2:]}
    assert set(by_product) == {"'=1+1", "聚丙烯树脂"}
    assert by_product["'=1+1"][0] == "标准号未收录 unresolved code"
    assert by_product["'=1+1"][2] == ids["a"]
    assert by_product["聚丙烯树脂"][0] == "声明的标准已废止 standard withdrawn"
    assert by_product["聚丙烯树脂"][8] == "GB/T 19001-2016"
    text = csv_rows(await client.get("/api/exports/alerts", params={"format": "csv"},
                                     headers=staff_headers))
    assert sorted(row[4] for row in text[1:]) == sorted(["'=1+1", "聚丙烯树脂"])


async def test_drafting_projects_and_goal_progress(client: httpx.AsyncClient,
                                                   staff_headers: dict[str, str],
                                                   tmp_path: Path, settings) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "计划编号,计划年度,项目名称,制修订,行政区划代码,领域,完成期限,阶段,阶段日期,标准号\n"
        "T-1,2013,=1+1 旅游景区服务规范,制定,220000,service,2014-12-31,立项,2013-03-01,\n"
        "T-1,2013,=1+1 旅游景区服务规范,制定,220000,service,2014-12-31,发布,2014-10-01,"
        "DB22/T 9001-2014\n"
        "T-2,2013,滑雪场服务规范,制定,220000,service,2014-12-31,立项,2013-03-01,\n"
        "T-2,2013,滑雪场服务规范,制定,220000,service,2014-12-31,起草,2013-09-01,\n",
        encoding="utf-8")
    report = await import_drafting_plans([plan], actor="test", archive_dir=settings.archive_dir)
    assert not report.rejected
    rows = sheet_rows(await client.get("/api/exports/drafting-projects", params={
        "format": "xlsx", "region": "22", "as_of": "2015-06-30"}, headers=staff_headers))
    assert rows[1][:3] == ("计划编号 plan no.", "计划年度 plan year", "项目名称 title")
    projects = {row[0]: row for row in rows[2:]}
    assert set(projects) == {"T-1", "T-2"}
    assert projects["T-1"][2] == "'=1+1 旅游景区服务规范"
    assert projects["T-1"][10] == "发布" and projects["T-1"][14] == "DB22/T 9001-2014"
    assert projects["T-2"][10] == "起草"
    assert projects["T-2"][12] == "是" and projects["T-2"][13] == (
        dt.date(2015, 6, 30) - dt.date(2014, 12, 31)).days

    await save_goal(GoalInput(name="=1+1 服务业标准2项", metric="local-standards", target=2,
                              region="22", domain="service", start_on=dt.date(2013, 1, 1),
                              deadline=dt.date(2015, 12, 31)))
    rows = sheet_rows(await client.get("/api/exports/goals", params={
        "format": "xlsx", "as_of": "2015-06-30"}, headers=staff_headers))
    assert rows[1][:5] == ("目标 goal", "指标 metric", "当前值 value", "目标值 target",
                           "差距 gap")
    goal = rows[2]
    assert goal[0] == "'=1+1 服务业标准2项"
    assert (goal[2], goal[3], goal[4]) == (1, 2, 1)
    assert goal[12] == 1  # T-2 is overdue
    text = csv_rows(await client.get("/api/exports/goals", params={
        "format": "csv", "as_of": "2015-06-30"}, headers=staff_headers))
    assert text[1][0] == "'=1+1 服务业标准2项"


async def test_exports_need_staff_or_leader(client: httpx.AsyncClient) -> None:
    for path in ("/api/exports/alerts", "/api/exports/goals", "/api/exports/drafting-projects",
                 "/api/exports/indicators/coverage", "/api/exports/not-counted/coverage"):
        assert (await client.get(path)).status_code == 401, path
