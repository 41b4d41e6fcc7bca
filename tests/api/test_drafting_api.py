"""Drafting plans end to end: import (CSV, TSV with BOM, GB18030, XLSX; Chinese or English
headers), idempotency, bad rows, stage history by re-import and by HTTP, postponement and
cancellation, links to published and revised standards in both orders and by plan number,
domain rules; roles on every route; the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import AsyncIterator

import httpx
import openpyxl
import pytest

from standards.settings import Settings
from tests.adoption.drafting_helpers import (
    DRAFTING,
    clean_drafting,
    stdtrack,
    upload_file,
    upload_plan,
)
from tests.adoption.helpers import people as people_of
from tests.adoption.helpers import upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]


@pytest.fixture
async def clean(client: httpx.AsyncClient) -> AsyncIterator[None]:
    await clean_drafting()
    yield
    await clean_drafting()


@pytest.fixture
async def people(client: httpx.AsyncClient, staff_headers: dict[str, str]
                 ) -> dict[str, dict[str, str]]:
    return await people_of(client, staff_headers)


async def projects(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> dict:
    done = await client.get("/api/drafting-projects", params=params, headers=headers)
    assert done.status_code == 200, done.text
    return dict(done.json())


async def by_plan(client: httpx.AsyncClient, headers: dict[str, str], plan_no: str) -> dict:
    found = await projects(client, headers, q=plan_no)
    assert found["total"] == 1, found
    return dict(found["items"][0])


async def test_import_is_idempotent_and_reports_bad_rows(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    staff = people["staff"]
    first = await upload_file(client, staff, DRAFTING / "plan_v1.csv")
    assert (first["created"], first["updated"], first["unchanged"]) == (9, 0, 0)
    assert [(r["file"], r["location"]) for r in first["rejected"]] == [
        ("plan_v1.csv", "plan_v1.csv:row 11"), ("plan_v1.csv", "plan_v1.csv:row 12"),
        ("plan_v1.csv", "plan_v1.csv:row 13")]
    reasons = [r["reason"] for r in first["rejected"]]
    assert "deadline" in reasons[0] and "2020-13-45" in reasons[0]
    assert "stage" in reasons[1] and "暂停" in reasons[1]
    assert "region" in reasons[2] and "229999" in reasons[2]
    assert first["files"][0]["sha256"] and first["files"][0]["archived_as"]
    again = await upload_file(client, staff, DRAFTING / "plan_v1.csv")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 9)
    listed = await projects(client, staff)
    assert listed["total"] == 9
    history_before = (await by_plan(client, staff, "JL2020-003"))["history"]
    later = await upload_file(client, staff, DRAFTING / "plan_v2.csv")
    # JL2020-001 says the same in English; the others reach a later stage
    assert (later["created"], later["updated"], later["unchanged"]) == (0, 4, 1)
    history_after = (await by_plan(client, staff, "JL2020-003"))["history"]
    assert [e["stage"] for e in history_before] == ["review"]
    assert [(e["stage"], e["stage_on"]) for e in history_after] == [
        ("review", "2020-06-01"), ("published", "2020-09-10")]
    third = await upload_file(client, staff, DRAFTING / "plan_v2.csv")
    assert (third["updated"], third["unchanged"]) == (0, 5)
    imports = await client.get("/api/drafting-projects/imports", headers=staff)
    assert [i["created"] for i in imports.json()["items"]] == [0, 0, 0, 9]
    report = await client.get(f"/api/drafting-projects/imports/{first['batch_id']}",
                              headers=staff)
    assert len(report.json()["report"]["rejected"]) == 3


async def test_postponement_cancellation_and_filters(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    staff, leader = people["staff"], people["leader"]
    await upload_file(client, staff, DRAFTING / "plan_v1.csv")
    await upload_file(client, staff, DRAFTING / "plan_v2.csv")
    parking = await by_plan(client, leader, "JL2020-006")
    assert parking["history"][-1] == {
        "stage": "postponed", "stage_zh": "延期", "stage_on": "2020-11-01",
        "deadline": "2021-06-30", "note": "", "source": parking["history"][-1]["source"]}
    assert parking["deadline"] == "2020-12-31"
    assert parking["state"]["deadline"] == "2021-06-30" and parking["state"]["postponed"]
    washing = await by_plan(client, leader, "JL2020-004")
    assert washing["state"]["stage"] == "cancelled" and not washing["state"]["open"]
    overdue = await projects(client, leader, overdue="true", as_of="2021-01-15", region="22")
    # no catalogue here: JL2020-002 is still at 报批; JL2020-006 was postponed to 2021-06-30
    assert [p["plan_no"] for p in overdue["items"]] == ["JL2020-002", "JL2020-005",
                                                        "JL2020-007", "JL2020-008"]
    jiangsu = await projects(client, leader, region="32")
    assert [p["plan_no"] for p in jiangsu["items"]] == ["JS2020-001"]
    changchun = await projects(client, leader, region="2201")
    assert [p["plan_no"] for p in changchun["items"]] == ["JL2020-003"]
    special = await projects(client, leader, domain="special-resource")
    assert [p["plan_no"] for p in special["items"]] == ["JL2020-008"]
    review = await projects(client, leader, stage="review", as_of="2020-06-30")
    assert [p["plan_no"] for p in review["items"]] == ["JL2020-003", "JL2020-006"]
    revisions = await projects(client, leader, kinds="revision")
    assert [p["plan_no"] for p in revisions["items"]] == ["JL2020-002"]
    page = await projects(client, leader, page="2", page_size="4")
    assert page["total"] == 9 and len(page["items"]) == 4
    funnel = await client.get("/api/drafting-projects/funnel", params={"as_of": "2020-12-31"},
                              headers=leader)
    assert funnel.status_code == 200, funnel.text
    assert funnel.json()["stages"] == {
        "initiated": 1, "drafting": 2, "consultation": 1, "review": 1, "submitted": 1,
        "published": 2, "filed": 0, "cancelled": 1}
    assert (funnel.json()["total"], funnel.json()["open_postponed"],
            funnel.json()["overdue"]) == (9, 1, 1)
    early = await client.get("/api/drafting-projects/funnel",
                             params={"as_of": "2020-01-31", "region": "22"}, headers=leader)
    # only JL2020-001 (发布 2020-01-01) had started in Jilin by then
    assert early.json()["not_started"] == 7 and early.json()["stages"]["published"] == 1
    assert (await client.get("/api/drafting-projects/funnel",
                             headers=people["enterprise"])).status_code == 403


async def test_stage_transitions_over_http(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    staff = people["staff"]
    await upload_file(client, staff, DRAFTING / "plan_v1.csv")
    funeral = await by_plan(client, staff, "JL2020-005")
    url = f"/api/drafting-projects/{funeral['id']}/stages"
    step = {"stage": "consultation", "stage_on": "2020-07-10", "note": "公开征求意见"}
    for role, status in (("leader", 403), ("enterprise", 403)):
        assert (await client.post(url, json=step, headers=people[role])).status_code == status
    assert (await client.post(url, json=step)).status_code == 401
    done = await client.post(url, json=step, headers=staff)
    assert done.status_code == 201, done.text
    assert done.json()["state"]["stage"] == "consultation"
    no_deadline = await client.post(url, json={"stage": "postponed", "stage_on": "2020-07-11"},
                                    headers=staff)
    assert no_deadline.status_code == 422 and "deadline" in no_deadline.json()["detail"]
    unknown = await client.post(url, json={"stage": "paused", "stage_on": "2020-07-11"},
                                headers=staff)
    assert unknown.status_code == 400
    postponed = await client.post(url, json={"stage": "postponed", "stage_on": "2020-07-11",
                                             "deadline": "2021-03-31"}, headers=staff)
    assert postponed.json()["state"]["deadline"] == "2021-03-31"
    published = await client.post(url, json={"stage": "published", "stage_on": "2021-03-01",
                                             "code": "DB22/T 1009-2021"}, headers=staff)
    body = published.json()
    assert body["code"] == "DB22/T 1009-2021" and body["state"]["published_on"] == "2021-03-01"
    bad_code = await client.post(url, json={"stage": "filed", "stage_on": "2021-04-01",
                                            "code": "not a code"}, headers=staff)
    assert bad_code.status_code == 422 and "not a code" in bad_code.json()["detail"]
    seventh = await by_plan(client, staff, "JL2020-007")
    cancel_url = f"/api/drafting-projects/{seventh['id']}/stages"
    cancelled = await client.post(cancel_url, json={"stage": "撤销", "stage_on": "2020-09-01"},
                                  headers=staff)
    assert cancelled.status_code == 201 and cancelled.json()["state"]["cancelled"]
    after = await client.post(cancel_url, json={"stage": "review", "stage_on": "2020-10-01"},
                              headers=staff)
    # 撤销 is final: a conflict with the project's state, naming the stage and the day
    assert after.status_code == 409 and "撤销" in after.json()["detail"]
    assert "2020-10-01" in after.json()["detail"] and "2020-09-01" in after.json()["detail"]
    missing = await client.post("/api/drafting-projects/999999/stages", json=step,
                                headers=staff)
    assert missing.status_code == 404
    detail = await client.get(f"/api/drafting-projects/{funeral['id']}",
                              params={"as_of": "2020-07-10"}, headers=people["leader"])
    assert detail.json()["state"]["stage"] == "consultation"
    assert detail.json()["state"]["deadline"] == "2020-06-30"  # postponed only on 07-11


async def test_links_in_both_orders_and_revisions(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    staff = people["staff"]
    await upload_file(client, staff, DRAFTING / "plan_v1.csv")  # the plan first
    elderly = await by_plan(client, staff, "JL2020-002")
    assert elderly["standard_id"] is None and elderly["revises_standard_id"] is None
    assert elderly["state"]["stage"] == "submitted"
    await upload_file(client, staff, DRAFTING / "catalogue.csv", route="/api/imports")
    elderly = await by_plan(client, staff, "JL2020-002")
    new = (await client.get("/api/standards", params={"code": "DB22/T 1002-2020"})).json()
    old = (await client.get("/api/standards", params={"code": "DB22/T 1002-2012"})).json()
    assert elderly["standard_id"] == new["items"][0]["id"]
    assert elderly["revises_standard_id"] == old["items"][0]["id"]
    assert elderly["kind"] == "revision"
    # the catalogue's publication became the project's 发布
    assert elderly["history"][-1]["stage"] == "published"
    assert elderly["history"][-1]["stage_on"] == "2020-03-15"
    assert elderly["history"][-1]["source"] == "catalogue"


async def test_link_by_plan_number(client: httpx.AsyncClient, clean: None,
                                   people: dict[str, dict[str, str]]) -> None:
    staff = people["staff"]
    plan = ("计划编号,项目名称,行政区划代码,领域,阶段,阶段日期\n"
            "JL2021-100,林蛙油质量要求,220000,特色资源,报批,2021-05-01\n").encode()
    await upload_plan(client, staff, "plan.csv", plan)
    catalogue = ["标准号,标准名称,发布日期,计划编号",
                 "DB22/T 3100-2021,林蛙油质量要求,2021-09-01,JL2021-100"]
    body = ("\n".join(catalogue) + "\n").encode()
    done = await client.post("/api/imports", headers=staff,
                             data={"column": "计划编号=extra:plannumber"},
                             files={"files": ("c.csv", body, "text/csv")})
    assert done.status_code == 201, done.text
    frog = await by_plan(client, staff, "JL2021-100")
    assert frog["code"] == "DB22/T 3100-2021" and frog["standard_id"] is not None
    assert frog["state"]["published_on"] == "2021-09-01"


async def test_formats_and_unreadable_files(client: httpx.AsyncClient, clean: None,
                                            people: dict[str, dict[str, str]]) -> None:
    staff = people["staff"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Plan_No", "Title", "Kind", "Region", "Domain", "Deadline", "Stage",
                  "Stage On"])
    sheet.append(["X-1", "动漫产业园区服务规范", "new", 220000, "culture", "2021-12-31",
                  "drafting", "2021-03-01"])
    sheet.append(["X-2", "数字出版服务", "修订", "220000", "文化产业", dt.datetime(2021, 12, 31),
                  "立项", dt.datetime(2021, 1, 5)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = await upload_plan(client, staff, "plan.xlsx", buffer.getvalue())
    assert (xlsx["created"], xlsx["rejected"], xlsx["files"][0]["format"]) == (2, [], "xlsx")
    second = await by_plan(client, staff, "X-2")
    assert second["kind"] == "revision" and second["deadline"] == "2021-12-31"
    assert second["domains"] == ["culture"] and second["history"][0]["stage_on"] == "2021-01-05"
    gbk = ("计划编号,项目名称,行政区划代码,领域,阶段,阶段日期\n"
           "G-1,梅花鹿养殖技术规范,220000,特色资源产业,起草,2021年3月1日\n").encode("gb18030")
    assert (await upload_plan(client, staff, "gbk.csv", gbk))["created"] == 1
    tsv = ("\ufeff计划编号\t项目名称\t行政区划代码\t计划年度\n"
           "T-1\t矿泉水生产规范\t220000\t2021\n").encode("utf-8")
    done = await upload_plan(client, staff, "plan.tsv", tsv)
    assert done["created"] == 1 and done["files"][0]["format"] == "tsv"
    initiated = await by_plan(client, staff, "T-1")
    # 立项 with the plan when no stage is given: the plan year's first day
    assert initiated["history"][0]["stage"] == "initiated"
    assert initiated["history"][0]["stage_on"] == "2021-01-01"
    no_header = await upload_plan(client, staff, "x.csv", b"a,b\n1,2\n", expect=400)
    assert "计划编号" in no_header["detail"]
    empty = await upload_plan(client, staff, "e.csv", b"", expect=400)
    assert "empty" in empty["detail"]
    undated = ("计划编号,项目名称,行政区划代码,阶段\nU-1,某规范,220000,起草\n").encode()
    rejected = await upload_plan(client, staff, "u.csv", undated)
    assert rejected["created"] == 0 and "stage_on" in rejected["rejected"][0]["reason"]


async def test_drafting_routes_need_their_roles(client: httpx.AsyncClient, clean: None,
                                                people: dict[str, dict[str, str]]) -> None:
    reads = ["/api/drafting-projects", "/api/drafting-projects/imports",
             "/api/domain-rules"]
    for url in reads:
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, headers=people["enterprise"])).status_code == 403
        assert (await client.get(url, headers=people["staff"])).status_code == 200
    assert (await client.get(reads[0], headers=people["leader"])).status_code == 200
    assert (await client.get(reads[2], headers=people["leader"])).status_code == 200
    assert (await client.get(reads[1], headers=people["leader"])).status_code == 403
    body = {"files": ("p.csv", b"x", "text/csv")}
    for role in ("leader", "enterprise"):
        done = await client.post("/api/drafting-projects/imports", files=body,
                                 headers=people[role])
        assert done.status_code == 403
        rule = await client.post("/api/domain-rules", headers=people[role],
                                 json={"field": "keyword", "pattern": "x", "domain": "service"})
        assert rule.status_code == 403
        assert (await client.patch("/api/domain-rules/1", json={"enabled": False},
                                   headers=people[role])).status_code == 403
        assert (await client.delete("/api/domain-rules/1",
                                    headers=people[role])).status_code == 403
        assert (await client.post("/api/domain-rules/refresh",
                                  headers=people[role])).status_code == 403
    assert (await client.get("/api/drafting-projects/999999",
                             headers=people["leader"])).status_code == 404
    report = await upload_file(client, people["staff"], DRAFTING / "plan_v2.csv")
    project = (await projects(client, people["staff"]))["items"][0]["id"]
    for url, leader_status in ((f"/api/drafting-projects/{project}", 200),
                               (f"/api/drafting-projects/imports/{report['batch_id']}", 403),
                               ("/api/drafting-projects/funnel", 200)):
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, headers=people["enterprise"])).status_code == 403
        assert (await client.get(url, headers=people["leader"])).status_code == leader_status
        assert (await client.get(url, headers=people["staff"])).status_code == 200


async def test_domain_rules_are_data_staff_change(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    staff = people["staff"]
    await upload_catalogue(client, staff, "c.csv", [
        "标准号,标准名称,发布日期,ICS", "DB22/T 5001-2020,人参种植技术规程,2020-06-30,65.020",
        "DB22/T 5002-2020,钢结构焊接,2020-06-30,"])
    goal = {"name": "领域测试", "metric": "local-standards", "target": 2, "region": "22",
            "domain": "service", "start_on": "2020-01-01", "deadline": "2020-12-31"}
    assert (await client.post("/api/goals", json=goal, headers=staff)).status_code == 201

    async def value() -> int:
        done = await client.get("/api/goals/领域测试/progress",
                                params={"as_of": "2020-12-31"}, headers=staff)
        return int(done.json()["value"])

    assert await value() == 0
    added = await client.post("/api/domain-rules", headers=staff, json={
        "field": "keyword", "pattern": "焊接", "domain": "服务业", "note": "test"})
    assert added.status_code == 201, added.text
    assert added.json()["domain"] == "service" and not added.json()["builtin"]
    assert await value() == 1
    duplicate = await client.post("/api/domain-rules", headers=staff, json={
        "field": "keyword", "pattern": "焊接", "domain": "service"})
    assert duplicate.status_code == 409
    bad = await client.post("/api/domain-rules", headers=staff, json={
        "field": "colour", "pattern": "x", "domain": "service"})
    assert bad.status_code == 422 and "colour" in bad.json()["detail"]
    rule_id = added.json()["id"]
    off = await client.patch(f"/api/domain-rules/{rule_id}", json={"enabled": False},
                             headers=staff)
    assert off.json()["enabled"] is False and await value() == 0
    await client.patch(f"/api/domain-rules/{rule_id}", json={"enabled": True}, headers=staff)
    assert await value() == 1
    assert (await client.delete(f"/api/domain-rules/{rule_id}", headers=staff)).status_code == 200
    assert await value() == 0
    rules = (await client.get("/api/domain-rules", headers=people["leader"])).json()
    assert any(r["pattern"] == "人参" and r["domain"] == "special-resource" for r in rules)


async def test_cli_drafting(client: httpx.AsyncClient, clean: None, settings: Settings,
                            people: dict[str, dict[str, str]]) -> None:
    first = stdtrack(settings, "drafting", "import", DRAFTING / "plan_v1.csv", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["created"], len(report["rejected"])) == (9, 3)
    again = json.loads(stdtrack(settings, "drafting", "import", DRAFTING / "plan_v1.csv",
                                "--json").stdout)
    assert (again["created"], again["unchanged"]) == (0, 9)
    listed = stdtrack(settings, "drafting", "list", "--overdue", "--as-of", "2020-07-01",
                      "--json")
    assert [p["plan_no"] for p in json.loads(listed.stdout)] == ["JL2020-005"]
    project_id = next(p["id"] for p in json.loads(listed.stdout)
                      if p["plan_no"] == "JL2020-005")
    moved = stdtrack(settings, "drafting", "stage", str(project_id), "延期", "--on",
                     "2020-07-02", "--deadline", "2020-10-31", "--json")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["history"][-1]["deadline"] == "2020-10-31"
    bad_stage = stdtrack(settings, "drafting", "stage", str(project_id), "暂停", "--on",
                         "2020-07-02")
    assert bad_stage.returncode == 2 and "暂停" in bad_stage.stderr
    no_header = stdtrack(settings, "drafting", "import", DRAFTING / "catalogue.csv")
    assert no_header.returncode == 2 and "计划编号" in no_header.stderr
    assert "Traceback" not in no_header.stderr
    rules = stdtrack(settings, "domains", "rules", "--json")
    assert any(r["pattern"] == "03.080" for r in json.loads(rules.stdout))
