"""Drafting stages only move forward, never before the previous stage's date, 延期 moves the
deadline later, 撤销 is final — refused with the stage and the date named on every path: the
rule itself, HTTP, the CLI (by plan number), plan imports (a rejected row) and the workbench
page; lists as of a day leave out projects that did not exist yet."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from adoption.drafting import check_stage_order, entry
from adoption.errors import StageOrderError
from adoption.vocab import DraftingStage as S
from standards.settings import Settings
from tests.adoption.drafting_helpers import clean_drafting, stdtrack, upload_plan
from tests.api.session_helpers import PASSWORD, page_token, person, sign_in

D = dt.date
HISTORY = [entry(S.INITIATED, D(2026, 3, 1)), entry(S.DRAFTING, D(2026, 4, 1))]


@pytest.mark.parametrize(("stage", "day", "deadline", "named"), [
    (S.REVIEW, D(2014, 6, 1), None, ["审查", "2014-06-01", "立项", "2026-03-01"]),
    (S.REVIEW, D(2026, 3, 15), None, ["审查", "2026-03-15", "起草", "2026-04-01"]),
    (S.INITIATED, D(2026, 5, 1), None, ["立项", "2026-05-01", "起草", "2026-04-01"]),
    (S.DRAFTING, D(2026, 5, 1), None, ["起草", "2026-05-01", "forward"]),
    (S.POSTPONED, D(2026, 5, 1), D(2026, 6, 1), ["延期", "2026-06-01", "2026-12-31"]),
    (S.POSTPONED, D(2026, 5, 1), D(2026, 4, 1), ["延期", "2026-04-01"]),
    (S.CANCELLED, D(2026, 1, 1), None, ["撤销", "2026-01-01", "立项"]),
])
def test_out_of_order_stages_are_refused_naming_stage_and_date(
        stage: S, day: dt.date, deadline: dt.date | None, named: list[str]) -> None:
    with pytest.raises(StageOrderError) as caught:
        check_stage_order(HISTORY, D(2026, 12, 31), stage, day, deadline)
    for word in named:
        assert word in str(caught.value)
    assert caught.value.stage == stage.value and caught.value.stage_on == day


def test_forward_stages_postponements_and_final_cancellation() -> None:
    deadline = D(2026, 12, 31)
    assert check_stage_order(HISTORY, deadline, S.REVIEW, D(2026, 4, 1))  # same day, later
    assert check_stage_order(HISTORY, deadline, S.SUBMITTED, D(2026, 8, 1))  # a skip
    assert check_stage_order(HISTORY, deadline, S.POSTPONED, D(2026, 5, 1), D(2027, 6, 30))
    assert not check_stage_order(HISTORY, deadline, S.DRAFTING, D(2026, 4, 1))  # again
    cancelled = [*HISTORY, entry(S.CANCELLED, D(2026, 5, 1))]
    with pytest.raises(StageOrderError, match="撤销"):
        check_stage_order(cancelled, deadline, S.REVIEW, D(2026, 6, 1))
    with pytest.raises(StageOrderError, match="2026-05-01"):
        check_stage_order(cancelled, deadline, S.CANCELLED, D(2026, 6, 1))
    published = [*HISTORY, entry(S.PUBLISHED, D(2026, 9, 1))]
    with pytest.raises(StageOrderError, match="发布"):
        check_stage_order(published, deadline, S.POSTPONED, D(2026, 10, 1), D(2027, 6, 1))
    # a published standard's project may still be cancelled (the plan item withdrawn)
    assert check_stage_order(published, deadline, S.CANCELLED, D(2026, 10, 1))
    later_deadline = [*HISTORY, entry(S.POSTPONED, D(2026, 5, 1), deadline=D(2027, 6, 30))]
    with pytest.raises(StageOrderError, match="2027-06-30"):
        check_stage_order(later_deadline, deadline, S.POSTPONED, D(2026, 6, 1), D(2027, 3, 1))




async def sign_in_as(client: httpx.AsyncClient, staff: dict[str, str], role: str) -> str:
    """A person of ``role`` signed in through the form; returns the session's CSRF token."""
    made = await person(client, staff, role)
    done = await sign_in(client, made["username"], PASSWORD)
    assert done.status_code == 303, done.text
    return await page_token(client)
PLAN = ("计划编号,计划年度,项目名称,行政区划代码,领域,完成期限,阶段,阶段日期\n"
        "JL2026-001,2026,冰雪旅游服务规范,220000,服务业,2026-12-31,立项,2026-03-01\n"
        "JL2026-002,2026,人参加工技术规程,220000,特色资源,2026-12-31,起草,2026-04-01\n")


@pytest.fixture
async def plan(client: httpx.AsyncClient, staff_headers: dict[str, str]
               ) -> AsyncIterator[dict[str, int]]:
    await clean_drafting()
    done = await upload_plan(client, staff_headers, "plan.csv", PLAN.encode())
    assert done["created"] == 2, done
    listed = (await client.get("/api/drafting-projects", headers=staff_headers)).json()
    yield {p["plan_no"]: p["id"] for p in listed["items"]}
    await clean_drafting()


async def history(client: httpx.AsyncClient, staff: dict[str, str], project: int) -> list:
    done = await client.get(f"/api/drafting-projects/{project}", headers=staff)
    return [(e["stage"], e["stage_on"]) for e in done.json()["history"]]


@pytest.mark.anyio
@pytest.mark.usefixtures("adoption_db", "db")
async def test_http_refuses_out_of_order_stages(client: httpx.AsyncClient,
                                                staff_headers: dict[str, str],
                                                plan: dict[str, int]) -> None:
    url = f"/api/drafting-projects/{plan['JL2026-001']}/stages"
    early = await client.post(url, json={"stage": "审查", "stage_on": "2014-06-01"},
                              headers=staff_headers)
    assert early.status_code == 409, early.text
    detail = early.json()["detail"]
    assert "审查" in detail and "2014-06-01" in detail and "2026-03-01" in detail
    ok = await client.post(url, json={"stage": "起草", "stage_on": "2026-05-01"},
                           headers=staff_headers)
    assert ok.status_code == 201, ok.text
    back = await client.post(url, json={"stage": "立项", "stage_on": "2026-06-01"},
                             headers=staff_headers)
    assert back.status_code == 409 and "立项" in back.json()["detail"]
    shorter = await client.post(url, json={"stage": "延期", "stage_on": "2026-06-01",
                                           "deadline": "2026-10-01"}, headers=staff_headers)
    assert shorter.status_code == 409 and "2026-12-31" in shorter.json()["detail"]
    assert await history(client, staff_headers, plan["JL2026-001"]) == [
        ("initiated", "2026-03-01"), ("drafting", "2026-05-01")]
    # a 2014 list does not show the 2026 project
    past = await client.get("/api/drafting-projects", params={"as_of": "2014-12-31"},
                            headers=staff_headers)
    assert past.json()["total"] == 0


@pytest.mark.anyio
@pytest.mark.usefixtures("adoption_db", "db")
async def test_plan_import_rejects_out_of_order_rows(client: httpx.AsyncClient,
                                                     staff_headers: dict[str, str],
                                                     plan: dict[str, int]) -> None:
    later = ("计划编号,项目名称,行政区划代码,阶段,阶段日期\n"
             "JL2026-001,冰雪旅游服务规范（修改名称）,220000,审查,2014-06-01\n"
             "JL2026-002,人参加工技术规程,220000,立项,2026-05-01\n"
             "JL2026-002,人参加工技术规程,220000,征求意见,2026-06-01\n")
    done = await upload_plan(client, staff_headers, "later.csv", later.encode())
    assert (done["updated"], len(done["rejected"])) == (1, 2), done
    first, second = (r["reason"] for r in done["rejected"])
    assert "JL2026-001" in first and "审查" in first and "2014-06-01" in first
    assert "立项" in second and "2026-05-01" in second and "起草" in second
    assert [r["location"] for r in done["rejected"]] == ["later.csv:row 2", "later.csv:row 3"]
    project = (await client.get(f"/api/drafting-projects/{plan['JL2026-001']}",
                                headers=staff_headers)).json()
    assert project["title"] == "冰雪旅游服务规范"  # a rejected row changes nothing
    assert await history(client, staff_headers, plan["JL2026-002"]) == [
        ("drafting", "2026-04-01"), ("consultation", "2026-06-01")]


@pytest.mark.anyio
@pytest.mark.usefixtures("adoption_db", "db")
async def test_cli_takes_the_plan_number_and_refuses_out_of_order(
        settings: Settings, plan: dict[str, int]) -> None:
    refused = stdtrack(settings, "drafting", "stage", "JL2026-001", "审查", "--on", "2014-06-01")
    assert refused.returncode == 2
    assert "审查" in refused.stderr and "2014-06-01" in refused.stderr
    assert "Traceback" not in refused.stderr
    done = stdtrack(settings, "drafting", "stage", "jl2026-001", "起草", "--on", "2026-05-01",
                    "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"]["stage"] == "drafting"
    by_id = stdtrack(settings, "drafting", "stage", str(plan["JL2026-002"]), "征求意见",
                     "--on", "2026-05-02")
    assert by_id.returncode == 0 and "JL2026-002" in by_id.stdout
    missing = stdtrack(settings, "drafting", "stage", "JL1999-404", "起草", "--on", "2026-05-01")
    assert missing.returncode == 2 and "JL1999-404" in missing.stderr
    listed = stdtrack(settings, "drafting", "list")
    assert str(plan["JL2026-001"]) in listed.stdout and "JL2026-001" in listed.stdout
    past = stdtrack(settings, "drafting", "list", "--as-of", "2014-12-31", "--json")
    assert json.loads(past.stdout) == []
    spring = stdtrack(settings, "drafting", "list", "--as-of", "2026-03-15", "--json")
    assert [p["plan_no"] for p in json.loads(spring.stdout)] == ["JL2026-001"]


@pytest.mark.anyio
@pytest.mark.usefixtures("adoption_db", "db")
async def test_workbench_page_refuses_out_of_order(browser: httpx.AsyncClient,
                                                   staff_headers: dict[str, str],
                                                   plan: dict[str, int]) -> None:
    csrf = await sign_in_as(browser, staff_headers, "staff")
    page = f"/workbench/drafting/{plan['JL2026-001']}"
    shown = await browser.get(page)
    assert shown.status_code == 200 and "JL2026-001" in shown.text
    refused = await browser.post(f"{page}/stages", data={
        "stage": "review", "stage_on": "2014-06-01", "csrf_token": csrf})
    assert refused.status_code == 409
    assert "审查" in refused.text and "2014-06-01" in refused.text
    no_token = await browser.post(f"{page}/stages", data={"stage": "drafting",
                                                          "stage_on": "2026-05-01"})
    assert no_token.status_code == 403
    done = await browser.post(f"{page}/stages", data={
        "stage": "drafting", "stage_on": "2026-05-01", "csrf_token": csrf})
    assert done.status_code == 303
    assert await history(browser, staff_headers, plan["JL2026-001"]) == [
        ("initiated", "2026-03-01"), ("drafting", "2026-05-01")]
