"""Plausible data only, by every path (API bodies, bulk declaration import, plan import):
dates within their window, lengths capped, no control characters — each refusal naming the
field and the value (cut when long); the other rows of a file are kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.adoption.drafting_helpers import clean_drafting, upload_plan
from tests.adoption.helpers import enterprise, new_uscc, product, upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

TODAY = dt.date.today()
CODE = "GB/T 19001-2016"
TEN_THOUSAND_DIGITS = "GB/T " + "1" * 10_000
# in a file a cell that long is refused by the reader first (STDTRACK_IMPORT_MAX_FIELD_CHARS);
# a shorter one reaches the code rule
THOUSAND_DIGITS = "GB/T " + "1" * 1_000


@pytest.fixture
async def owner(client: httpx.AsyncClient, staff_headers: dict[str, str]
                ) -> tuple[str, dict[str, str], int]:
    await upload_catalogue(client, staff_headers, "c.csv", [
        "标准号,标准名称,发布日期,实施日期", f"{CODE},质量管理体系 要求,2016-12-30,2017-07-01"])
    uscc, headers = await enterprise(client, staff_headers)
    return uscc, headers, await product(client, headers)


@pytest.fixture
async def clean(client: httpx.AsyncClient) -> AsyncIterator[None]:
    await clean_drafting()
    yield
    await clean_drafting()


@pytest.mark.parametrize("day", ["2099-01-01", "1899-12-31", "1948-06-30",
                                 (TODAY + dt.timedelta(days=3)).isoformat()])
async def test_a_declaration_dated_outside_1949_to_today_is_refused(
        client: httpx.AsyncClient, owner: tuple[str, dict[str, str], int], day: str) -> None:
    _uscc, headers, product_id = owner
    answer = await client.post("/api/declarations", headers=headers, json={
        "product_id": product_id, "code": CODE, "declared_on": day})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert (problem["field"], problem["value"]) == ("declared_on", day)
    kept = await client.get(f"/api/products/{product_id}/declarations")
    assert kept.json()["total"] == 0


async def test_a_declaration_dated_today_or_in_1990_is_kept(
        client: httpx.AsyncClient, owner: tuple[str, dict[str, str], int]) -> None:
    _uscc, headers, product_id = owner
    done = await client.post("/api/declarations", headers=headers, json={
        "product_id": product_id, "code": CODE, "declared_on": "1990-05-01"})
    assert done.status_code == 201, done.text
    assert done.json()["declaration"]["declared_on"] == "1990-05-01"


async def test_a_ten_thousand_digit_code_is_refused_without_echoing_it(
        client: httpx.AsyncClient, owner: tuple[str, dict[str, str], int]) -> None:
    _uscc, headers, product_id = owner
    answer = await client.post("/api/declarations", headers=headers, json={
        "product_id": product_id, "code": TEN_THOUSAND_DIGITS})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["field"] == "code" and "longer than 80" in problem["detail"]
    assert len(answer.text) < 1000


@pytest.mark.parametrize(("field", "value", "codepoint"), [
    ("name", "长春一汽\x00零部件有限公司", "U+0000"),
    ("name", "\x1b[2J长春一汽零部件有限公司", "U+001B"),
    ("sector", "汽车\x85制造", "U+0085"),
    ("name", "长春一汽\u202e司公限有", "U+202E")])
async def test_an_enterprise_with_control_characters_is_refused(
        client: httpx.AsyncClient, owner: tuple[str, dict[str, str], int], field: str,
        value: str, codepoint: str) -> None:
    uscc, headers, _product = owner
    body = {"name": "长春一汽零部件有限公司", "region_code": "220102", field: value}
    answer = await client.put(f"/api/enterprises/{uscc}", headers=headers, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field and codepoint in answer.json()["detail"]


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "制动盘\x00"}, "name"), ({"name": "制动盘", "model": "ZQ\x07-1"}, "model"),
    ({"name": "制动盘", "category": "汽车\x1b零部件"}, "category"),
    ({"name": "制" * 301}, "name"), ({"name": "制动盘", "model": "Z" * 201}, "model")])
async def test_a_product_with_control_characters_or_too_long_is_refused(
        client: httpx.AsyncClient, owner: tuple[str, dict[str, str], int],
        body: dict[str, str], field: str) -> None:
    _uscc, headers, product_id = owner
    for answer in (await client.post("/api/enterprises/me/products", headers=headers,
                                     json=body),
                   await client.put(f"/api/products/{product_id}", headers=headers, json=body)):
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == field
        assert len(answer.json()["value"]) < 200


async def test_the_bulk_import_refuses_the_same_rows_and_keeps_the_others(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", [
        "标准号,标准名称,发布日期,实施日期", f"{CODE},质量管理体系 要求,2016-12-30,2017-07-01"])
    header = "统一社会信用代码,企业名称,行政区划代码,产品名称,产品型号,执行标准,公开日期"
    rows = [
        f"{new_uscc()},长春甲公司,220102,刹车片,A-1,{CODE},2024-01-02",  # kept
        f"{new_uscc()},长春乙公司,220102,刹车片,A-2,{CODE},2099-01-01",
        f"{new_uscc()},长春丙公司,220102,刹车片,A-3,{CODE},1899-12-31",
        # (a NUL byte makes the whole file binary: the reader refuses it before any row)
        f"{new_uscc()},长春丁\u202e公司,220102,刹车片,A-4,{CODE},2024-01-02",
        f"{new_uscc()},长春戊公司,220102,刹\x1b车片,A-5,{CODE},2024-01-02",
        f"{new_uscc()},长春己公司,220102,刹车片,A-6,{THOUSAND_DIGITS},2024-01-02",
    ]
    body = ("\n".join([header, *rows]) + "\n").encode("utf-8")
    done = await client.post("/api/declarations/imports", headers=staff_headers,
                             files={"files": ("d.csv", body, "text/csv")})
    assert done.status_code == 201, done.text
    report = done.json()
    assert report["created"] == 1
    reasons = {item["location"]: item["reason"] for item in report["rejected"]}
    assert len(reasons) == 5, reasons
    text = " | ".join(reasons.values())
    for expected in ("declared_on: '2099-01-01'", "declared_on: '1899-12-31'",
                     "enterprise: ", "U+202E", "product: ", "U+001B", "code: ",
                     "longer than 80"):
        assert expected in text, (expected, text)
    assert max(len(reason) for reason in reasons.values()) < 400


async def test_the_plan_import_refuses_implausible_rows_and_keeps_the_others(
        client: httpx.AsyncClient, staff_headers: dict[str, str], clean: None) -> None:
    next_year = TODAY.year + 1
    plan = "\n".join([
        "计划编号,计划年度,项目名称,行政区划代码,阶段,阶段日期,完成期限",
        f"P-1,{TODAY.year},旅游景区服务规范,220000,立项,{TODAY.year}-01-02,{TODAY.year + 3}-12-31",
        f"P-2,{next_year},冰雪旅游服务规范,220000,立项,{TODAY.year}-01-02,{next_year}-12-31",
        f"P-3,2099,温泉服务规范,220000,立项,{TODAY.year}-01-02,",
        f"P-4,{TODAY.year},民宿服务规范,220000,起草,2099-01-01,",
        f"P-5,{TODAY.year},人参种植规程,220000,立项,1899-01-01,",
        f"P-6,{TODAY.year},鹿茸加工规程,220000,立项,{TODAY.year}-01-02,2080-01-01",
        f"P-7,{TODAY.year},林蛙养殖\x07规程,220000,立项,{TODAY.year}-01-02,",
        f"P-8,{TODAY.year},蓝莓种植规程,220000,发布,{TODAY.year}-01-02,,{THOUSAND_DIGITS}",
    ]).replace("完成期限\n", "完成期限,标准号\n") + "\n"
    report = await upload_plan(client, staff_headers, "plan.csv", plan.encode("utf-8"))
    assert report["created"] == 2, report["rejected"]
    text = " | ".join(item["reason"] for item in report["rejected"])
    assert len(report["rejected"]) == 6, text
    for expected in ("plan_year: '2099'", "stage_on: '2099-01-01'", "stage_on: '1899-01-01'",
                     "deadline: '2080-01-01'", "title: ", "U+0007", "code: "):
        assert expected in text, (expected, text)


@pytest.mark.parametrize(("body", "named"), [
    ({"stage": "审查", "stage_on": "2099-01-01"}, "stage_on"),
    ({"stage": "审查", "stage_on": "1800-01-01"}, "stage_on"),
    ({"stage": "延期", "stage_on": "2020-01-01", "deadline": "2090-01-01"}, "deadline"),
    ({"stage": "审查", "stage_on": "2020-01-01", "note": "\x1b[2J"}, "note")])
async def test_a_stage_change_outside_its_window_is_refused(
        client: httpx.AsyncClient, staff_headers: dict[str, str], clean: None,
        body: dict[str, str], named: str) -> None:
    plan = ("计划编号,项目名称,行政区划代码,阶段,阶段日期\n"
            "S-1,旅游景区服务规范,220000,立项,2019-01-02\n")
    await upload_plan(client, staff_headers, "plan.csv", plan.encode("utf-8"))
    project = (await client.get("/api/drafting-projects", params={"q": "S-1"},
                                headers=staff_headers)).json()["items"][0]
    answer = await client.post(f"/api/drafting-projects/{project['id']}/stages",
                               headers=staff_headers, json=body)
    assert answer.status_code == 400, answer.text
    assert named in answer.json()["detail"]


@pytest.mark.parametrize(("change", "named", "status"), [
    ({"deadline": "2099-12-31"}, "deadline", 422),
    ({"start_on": "1900-01-01"}, "start_on", 422),
    ({"name": "覆盖率\x00"}, "name", 400),
    ({"target": 1e12}, "target", 400)])
async def test_a_goal_outside_its_window_is_refused(
        client: httpx.AsyncClient, staff_headers: dict[str, str], clean: None,
        change: dict[str, object], named: str, status: int) -> None:
    goal = {"name": "覆盖率", "metric": "local-standards", "target": 100, "region": "22",
            "start_on": "2020-01-01", "deadline": "2030-12-31", **change}
    answer = await client.post("/api/goals", headers=staff_headers, json=goal)
    assert answer.status_code == status, answer.text
    assert named in answer.json()["detail"]
