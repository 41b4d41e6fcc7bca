"""Watches follow drafting projects (制修订项目) reaching a stage: plan imports, a stage recorded
over HTTP and the catalogue publishing a project's standard become ``stage`` notices of the
watches naming the project's region, organisation, title words or code — in the app, by mail
and by webhook — once per watch, project and day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import httpx
import pytest
from aiosmtpd.controller import Controller

from adoption.schemas import WatchRead
from adoption.vocab import DraftingStage, WatchKind
from adoption.watches import ProjectStage, matches_project
from api.pipelines.watches import run_watch_digest, stage_detail
from standards.settings import Settings
from tests.adoption.drafting_helpers import DRAFTING, clean_drafting, upload_file
from tests.adoption.helpers import account
from tests.checks.test_watches import Inbox, Receiver, clean_watches, free_port

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db", "adoption_db")]


def project(**given: object) -> ProjectStage:
    values: dict[str, object] = {
        "entry_id": 1, "project_id": 1, "plan_no": "JL2026-001", "title": "人参种子质量分级",
        "region_code": "220100", "proposer": "吉林省农业农村厅",
        "drafters": "吉林农业大学、长春市农科院",
        "code": None, "revises": "DB22/T 1234-2015", "stage": DraftingStage.CONSULTATION,
        "stage_on": dt.date(2026, 3, 1), "deadline": None,
        "recorded_at": dt.datetime(2026, 3, 2, tzinfo=dt.UTC)}
    values.update(given)
    return ProjectStage(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (WatchKind.REGION, "22", True), (WatchKind.REGION, "2201", True),
    (WatchKind.REGION, "2202", False), (WatchKind.ORGANISATION, "农业大学", True),
    (WatchKind.ORGANISATION, "农业农村厅", True), (WatchKind.ORGANISATION, "商务厅", False),
    (WatchKind.QUERY, "人参 种子", True), (WatchKind.QUERY, "人参 种植", False),
    (WatchKind.CODE, "DB22/T 1234", True), (WatchKind.CODE, "DB22/T 1235", False),
    (WatchKind.PREFIX, "DB22/T", True), (WatchKind.PREFIX, "DB22/T 12", True),
    (WatchKind.PREFIX, "DB32/T", False), (WatchKind.ICS, "65", False),
    (WatchKind.CCS, "B", False),
])
def test_what_each_kind_of_watch_follows_of_a_project(kind: WatchKind, value: str,
                                                      expected: bool) -> None:
    watch = WatchRead(id=1, kind=kind, value=value, created_at=dt.datetime.now(dt.UTC))
    assert matches_project(watch, project()) is expected


def test_stage_details() -> None:
    assert stage_detail(project()) == "征求意见 2026-03-01"
    assert stage_detail(project(stage=DraftingStage.POSTPONED, deadline=dt.date(2027, 6, 30))
                        ) == "延期 2026-03-01，完成期限延至 2027-06-30"
    assert stage_detail(project(stage=DraftingStage.PUBLISHED, code="DB22/T 3000-2026")
                        ) == "发布 2026-03-01（DB22/T 3000-2026）"


async def test_projects_reaching_a_stage_notify_in_the_app_by_mail_and_by_webhook(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings) -> None:
    await clean_watches()
    await clean_drafting()
    await upload_file(client, staff_headers, DRAFTING / "plan_v1.csv")  # before any watch
    person = await account(client, staff_headers, "leader")
    receiver = Receiver(failures=0)
    port = free_port()
    made = {}
    try:
        for name, body in [
            ("region", {"kind": "region", "value": "2201"}),
            ("commerce", {"kind": "organisation", "value": "吉林省商务厅",
                          "email_to": "li@example.cn", "webhook_url": receiver.url}),
            ("civil", {"kind": "organisation", "value": "民政厅"}),
            ("code", {"kind": "code", "value": "DB22/T 1007"}),
            ("revises", {"kind": "code", "value": "DB22/T 1002"}),
            ("only_new", {"kind": "organisation", "value": "吉林省商务厅", "events": ["new"]}),
            ("ics", {"kind": "ics", "value": "03"}),
        ]:
            done = await client.post("/api/watches", headers=person, json=body)
            assert done.status_code == 201, done.text
            made[name] = done.json()["id"]
        mail = dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{port}")
        handler = Inbox()
        server = Controller(handler, hostname="127.0.0.1", port=port)
        server.start()
        try:
            first = await run_watch_digest(dt.date(2021, 3, 1), settings=mail)
            assert first.stages_read >= 9 and first.notices_created == 0  # all before watches

            # a plan import moves four projects on; a stage recorded over HTTP moves a fifth
            await upload_file(client, staff_headers, DRAFTING / "plan_v2.csv")
            projects = (await client.get("/api/drafting-projects", headers=staff_headers,
                                         params={"page_size": 100})).json()["items"]
            by_plan = {p["plan_no"]: p["id"] for p in projects}
            moved = await client.post(f"/api/drafting-projects/{by_plan['JL2020-005']}/stages",
                                      headers=staff_headers,
                                      json={"stage": "征求意见", "stage_on": "2020-05-01"})
            assert moved.status_code == 201, moved.text
            second = await run_watch_digest(dt.date(2021, 3, 1), settings=mail)
        finally:
            server.stop()
        inbox = (await client.get("/api/watches/notices", headers=person)).json()
        got = {(n["watch_id"], n["code"], n["event"], n["detail"]) for n in inbox["items"]}
        assert got == {
            (made["region"], "JL2020-003", "stage", "发布 2020-09-10（DB22/T 1006-2020）"),
            (made["commerce"], "JL2020-004", "stage", "撤销 2020-05-01"),
            (made["commerce"], "JL2020-007", "stage", "发布 2021-02-01（DB22/T 1007-2021）"),
            (made["code"], "JL2020-007", "stage", "发布 2021-02-01（DB22/T 1007-2021）"),
            (made["civil"], "JL2020-005", "stage", "征求意见 2020-05-01"),
        }
        assert second.notices_created == 5
        notice = next(n for n in inbox["items"] if n["code"] == "JL2020-003")
        assert (notice["standard_id"], notice["project_id"], notice["title"]) == (
            None, by_plan["JL2020-003"], "家政服务规范")
        assert notice["occurred_on"] == "2020-09-10"

        [message] = handler.messages
        assert message["To"] == "li@example.cn"
        text = message.get_payload(decode=True).decode("utf-8")
        assert "[制修订进展] JL2020-004 洗浴服务规范 撤销 2020-05-01" in text
        assert "[制修订进展] JL2020-007" in text
        [(_headers, body, _status)] = receiver.received
        payload = json.loads(body)
        assert sorted((n["code"], n["event"], n["project_id"] is not None)
                      for n in payload["notices"]) == [
            ("JL2020-004", "stage", True), ("JL2020-007", "stage", True)]

        again = await run_watch_digest(dt.date(2021, 3, 2), settings=settings)
        assert again.notices_created == 0 and again.stages_read == 0

        # the catalogue publishing a revision's standard adds its 发布 entry: the watch on the
        # family it revises hears of it
        await upload_file(client, staff_headers, DRAFTING / "catalogue.csv",
                          route="/api/imports")
        third = await run_watch_digest(dt.date(2021, 3, 2), settings=settings)
        assert third.stages_read >= 1
        inbox = (await client.get("/api/watches/notices", headers=person)).json()
        stages = {(n["watch_id"], n["code"], n["detail"]) for n in inbox["items"]
                  if n["event"] == "stage"}
        assert (made["revises"], "JL2020-002", "发布 2020-03-15（DB22/T 1002-2020）") in stages
        assert not [n for n in inbox["items"] if n["watch_id"] in (made["only_new"], made["ics"])
                    and n["event"] == "stage"]
        page = await client.get("/watches", headers=person)
        assert page.status_code == 200 and "制修订进展" in page.text and "JL2020-002" in page.text
    finally:
        receiver.close()


async def test_deleting_a_project_deletes_its_notices(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings) -> None:
    from adoption.tables import DraftingProject

    await clean_watches()
    await clean_drafting()
    person = await account(client, staff_headers, "staff")
    done = await client.post("/api/watches", headers=person,
                             json={"kind": "region", "value": "32"})
    assert done.status_code == 201
    await upload_file(client, staff_headers, DRAFTING / "plan_v1.csv")
    report = await run_watch_digest(dt.date(2021, 1, 1), settings=settings)
    assert report.notices_created == 1  # JS2020-001 立项
    inbox = (await client.get("/api/watches/notices", headers=person)).json()
    assert [(n["code"], n["detail"]) for n in inbox["items"]] == [
        ("JS2020-001", "立项 2020-01-15")]
    await DraftingProject.raw("DELETE FROM drafting_project WHERE plan_no = {}", "JS2020-001")
    assert (await client.get("/api/watches/notices", headers=person)).json()["total"] == 0
