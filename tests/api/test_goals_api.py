"""Goals end to end: a small hand-made catalogue and drafting plan (tests/data/drafting), a count
goal's progress as of several days computed by hand, new-only vs new + revised, pipeline,
overdue projects, forecast, burn-up series; roles on every route; the CLI; the seed goals."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from adoption import goals_repository
from adoption.drafting import DraftingProjectRead
from standards import data_version
from standards.settings import Settings
from tests.adoption.drafting_helpers import DRAFTING, clean_drafting, stdtrack, upload_file
from tests.adoption.helpers import account

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

SERVICE_GOAL = {
    "name": "测试服务业地方标准8项", "name_en": "Test: 8 service local standards in 2020",
    "metric": "local-standards", "target": 8, "region": "22", "domain": "service",
    "kinds": ["new", "revision"], "start_on": "2020-01-01", "deadline": "2020-12-31"}


@pytest.fixture
async def world(client: httpx.AsyncClient, staff_headers: dict[str, str]
                ) -> AsyncIterator[dict[str, dict[str, str]]]:
    """Catalogue, then plan v1, then plan v2 (later stages); a leader and an enterprise."""
    await clean_drafting()
    await upload_file(client, staff_headers, DRAFTING / "catalogue.csv", route="/api/imports")
    await upload_file(client, staff_headers, DRAFTING / "plan_v1.csv")
    await upload_file(client, staff_headers, DRAFTING / "plan_v2.csv")
    leader = await account(client, staff_headers, "leader")
    done = await client.post("/api/goals", headers=staff_headers, json=SERVICE_GOAL)
    assert done.status_code == 201, done.text
    yield {"staff": staff_headers, "leader": leader}
    await clean_drafting()


async def progress(client: httpx.AsyncClient, headers: dict[str, str], name: str,
                   as_of: str) -> dict:
    done = await client.get(f"/api/goals/{name}/progress", params={"as_of": as_of},
                            headers=headers)
    assert done.status_code == 200, done.text
    return dict(done.json())


# Hand count (see tests/data/drafting/PROVENANCE.md for the story of each row), service, DB22,
# 2020-01-01..2020-12-31, new + revised:
#   DB22/T 1001-2020 published 2020-01-01 (first day)        new      counts
#   DB22/T 1002-2020 published 2020-03-15 (replaces 2012)    revised  counts
#   JL2020-004 published 2020-04-01, cancelled 2020-05-01    new      counts 04-01..04-30 only
#   JL2020-003 published 2020-09-10 (not in the catalogue)   new      counts
#   DB22/T 1005-2020 published 2020-12-31 (last day)         new      counts
#   not counted: DB22/T 1008-2019 (2019-12-31), DB22/T 1004-2021 (after the deadline),
#   JL2020-007 (published 2021-02-01, after the deadline), DB22/T 1003-2020 (人参: not
#   service), DB32/T 2001-2020 (Jiangsu), DB22/T 1002-2012 (2012).
EXPECTED = {
    "2020-03-31": (2, "on_track", round(91 / 366, 4)),  # 0.25 ≥ 0.2486
    "2020-04-15": (3, "on_track", round(106 / 366, 4)),
    "2020-05-01": (2, "at_risk", round(122 / 366, 4)),  # 0.25 vs 0.3333: < 10 points below
    "2020-06-30": (2, "behind", round(182 / 366, 4)),
    "2020-12-31": (4, "behind", 1.0),
}


async def test_count_goal_progress_by_hand(client: httpx.AsyncClient,
                                           world: dict[str, dict[str, str]]) -> None:
    for day, (value, status, elapsed) in EXPECTED.items():
        found = await progress(client, world["leader"], SERVICE_GOAL["name"], day)
        assert (found["value"], found["status"], found["time_elapsed"]) == (
            value, status, elapsed), day
        assert found["target"] == 8 and found["gap"] == 8 - value
        assert set(found) >= {"goal", "metric", "as_of", "value", "target", "gap", "status",
                              "time_elapsed", "forecast_date", "pipeline", "overdue"}
    after = await progress(client, world["leader"], SERVICE_GOAL["name"], "2021-06-30")
    assert after["value"] == 4 and after["status"] == "behind"


async def test_new_only_leaves_out_the_revision(client: httpx.AsyncClient,
                                                world: dict[str, dict[str, str]]) -> None:
    new_only = {**SERVICE_GOAL, "name": "测试新制定服务业", "kinds": ["new"], "target": 3}
    done = await client.post("/api/goals", headers=world["staff"], json=new_only)
    assert done.status_code == 201, done.text
    found = await progress(client, world["leader"], "测试新制定服务业", "2020-12-31")
    assert found["value"] == 3 and found["status"] == "achieved"  # 1001, JL2020-003, 1005
    assert found["forecast_date"] == "2020-12-31"  # the third one came on the last day
    revised = {**SERVICE_GOAL, "name": "测试修订服务业", "kinds": ["revision"], "target": 1}
    await client.post("/api/goals", headers=world["staff"], json=revised)
    found = await progress(client, world["leader"], "测试修订服务业", "2020-12-31")
    assert found["value"] == 1 and found["forecast_date"] == "2020-03-15"


async def test_pipeline_and_overdue(client: httpx.AsyncClient,
                                    world: dict[str, dict[str, str]]) -> None:
    early = await progress(client, world["leader"], SERVICE_GOAL["name"], "2020-02-15")
    # JL2020-002 at 报批 since 2020-02-01; nothing else started yet
    assert early["pipeline"] == {"initiated": 0, "drafting": 0, "consultation": 0,
                                 "review": 0, "submitted": 1}
    end = await progress(client, world["leader"], SERVICE_GOAL["name"], "2020-12-31")
    # JL2020-005 起草, JL2020-007 征求意见, JL2020-006 审查 (postponed); 002 was published
    # when the catalogue brought DB22/T 1002-2020; 004 cancelled; 008 is not service
    assert end["pipeline"] == {"initiated": 0, "drafting": 1, "consultation": 1,
                               "review": 1, "submitted": 0}
    assert end["overdue"] == 1
    assert [(p["plan_no"], p["days_overdue"]) for p in end["overdue_projects"]] == [
        ("JL2020-005", 184)]
    later = await progress(client, world["leader"], SERVICE_GOAL["name"], "2021-01-15")
    # JL2020-007 is now past 2020-12-31; JL2020-006 was postponed to 2021-06-30
    assert [p["plan_no"] for p in later["overdue_projects"]] == ["JL2020-005", "JL2020-007"]
    assert later["overdue"] == 2


async def test_forecast_steady_then_stalled(client: httpx.AsyncClient,
                                            world: dict[str, dict[str, str]]) -> None:
    end = await progress(client, world["leader"], SERVICE_GOAL["name"], "2020-12-31")
    # last 365 days (2020-01-02..12-31): 3 published (1001 was on 01-01); 4 to go
    # -> ceil(4 * 365 / 3) = 487 days
    assert end["forecast_date"] == (dt.date(2020, 12, 31) + dt.timedelta(days=487)).isoformat()
    stalled = await progress(client, world["leader"], SERVICE_GOAL["name"], "2022-06-30")
    assert stalled["forecast_date"] is None and stalled["pace_per_month"] == 0.0


async def test_burn_up_series(client: httpx.AsyncClient,
                              world: dict[str, dict[str, str]]) -> None:
    done = await client.get(f"/api/goals/{SERVICE_GOAL['name']}/series",
                            params={"as_of": "2021-03-01"}, headers=world["leader"])
    assert done.status_code == 200, done.text
    series = done.json()
    values = {p["date"]: p["value"] for p in series["points"]}
    assert len(series["points"]) == 12 and series["target"] == 8
    assert values["2020-01-31"] == 1 and values["2020-03-31"] == 2
    assert values["2020-04-30"] == 3 and values["2020-05-31"] == 2
    assert values["2020-09-30"] == 3 and values["2020-12-31"] == 4
    assert series["points"][-1]["target_line"] == 8
    quarterly = await client.get(f"/api/goals/{SERVICE_GOAL['name']}/series",
                                 params={"as_of": "2020-12-31", "step": 3},
                                 headers=world["leader"])
    assert [p["date"] for p in quarterly.json()["points"]] == [
        "2020-03-31", "2020-06-30", "2020-09-30", "2020-12-31"]


async def test_a_dashboard_reads_a_scopes_projects_once(
        client: httpx.AsyncClient, world: dict[str, dict[str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Three count goals of one scope (successive plans) on one cold dashboard: the scope's
    projects are loaded once and read by every goal, not loaded, or unpickled from the kept
    answers, once per goal (40 % of a cold dashboard on PostgreSQL, issue 16)."""
    for name, start, deadline in (("测试服务业2021-2025", "2021-01-01", "2025-12-31"),
                                  ("测试服务业2026-2030", "2026-01-01", "2030-12-31")):
        done = await client.post("/api/goals", headers=world["staff"], json={
            **SERVICE_GOAL, "name": name, "start_on": start, "deadline": deadline})
        assert done.status_code == 201, done.text
    materialized: list[str] = []
    real_load = goals_repository.load_projects

    async def counting_load(*args: Any, **kwargs: Any) -> list[DraftingProjectRead]:
        materialized.append("loaded")
        return await real_load(*args, **kwargs)

    def counting_loads(data: bytes) -> Any:
        answer = pickle.loads(data)
        if isinstance(answer, list) and answer and isinstance(answer[0], DraftingProjectRead):
            materialized.append("unpickled")
        return answer

    monkeypatch.setattr(goals_repository, "load_projects", counting_load)
    monkeypatch.setattr(data_version, "pickle", SimpleNamespace(
        dumps=pickle.dumps, loads=counting_loads, HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL))
    page = await client.get("/", params={"region": "22", "indicator": "coverage"},
                            headers=world["leader"])
    assert page.status_code == 200, page.text
    assert all(name in page.text for name in (SERVICE_GOAL["name"], "测试服务业2021-2025",
                                              "测试服务业2026-2030"))
    assert materialized == ["loaded"]


async def test_goal_routes_and_roles(client: httpx.AsyncClient, staff_headers: dict[str, str],
                                     world: dict[str, dict[str, str]]) -> None:
    uscc_headers = await account(client, staff_headers, "enterprise", _uscc())
    name = SERVICE_GOAL["name"]
    reads = [("GET", "/api/goals"), ("GET", f"/api/goals/{name}"),
             ("GET", f"/api/goals/{name}/progress"), ("GET", f"/api/goals/{name}/series")]
    for method, url in reads:
        assert (await client.request(method, url)).status_code == 401, url
        assert (await client.request(method, url, headers=uscc_headers)).status_code == 403
        assert (await client.request(method, url, headers=world["leader"])).status_code == 200
        assert (await client.request(method, url, headers=staff_headers)).status_code == 200
    other = {**SERVICE_GOAL, "name": "临时目标"}
    for headers, status in ((None, 401), (uscc_headers, 403), (world["leader"], 403)):
        done = await client.post("/api/goals", json=other, headers=headers)
        assert done.status_code == status
        gone = await client.delete(f"/api/goals/{name}", headers=headers)
        assert gone.status_code == status
    created = await client.post("/api/goals", json=other, headers=staff_headers)
    assert created.status_code == 201
    deleted = await client.delete(f"/api/goals/{created.json()['id']}", headers=staff_headers)
    assert deleted.status_code == 200
    missing = await client.get("/api/goals/没有的目标/progress", headers=world["leader"])
    assert missing.status_code == 404 and "没有的目标" in missing.json()["detail"]
    bad = await client.post("/api/goals", headers=staff_headers,
                            json={**SERVICE_GOAL, "name": "坏目标", "target": 1.5,
                                  "metric": "coverage", "domain": None})
    assert bad.status_code == 422 and "target" in bad.json()["detail"]
    scoped = await client.post("/api/goals", headers=staff_headers,
                               json={**SERVICE_GOAL, "name": "坏目标", "target": 0.9,
                                     "metric": "coverage"})
    assert scoped.status_code == 422 and "domain" in scoped.json()["detail"]
    listed = await client.get("/api/goals", headers=world["leader"])
    assert [g["name"] for g in listed.json()] == [name]


def _uscc() -> str:
    from tests.adoption.helpers import new_uscc

    return new_uscc("220102")


async def test_cli_goals(client: httpx.AsyncClient, settings: Settings,
                         world: dict[str, dict[str, str]]) -> None:
    args = ["goals", "add", "--name", "命令行目标", "--name-en", "CLI goal", "--metric",
            "local-standards", "--target", "4", "--region", "22", "--domain", "服务业",
            "--kinds", "new,revised", "--start", "2020-01-01", "--deadline", "2020-12-31",
            "--json"]
    first = stdtrack(settings, *args)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["action"] == "created"
    again = stdtrack(settings, *args)
    assert json.loads(again.stdout)["action"] == "unchanged"
    shown = stdtrack(settings, "goals", "progress", "CLI goal", "--as-of", "2020-12-31",
                     "--json")
    assert shown.returncode == 0, shown.stderr
    body = json.loads(shown.stdout)
    assert (body["goal"], body["value"], body["status"]) == ("命令行目标", 4, "achieved")
    listed = stdtrack(settings, "goals", "list", "--json")
    assert {g["name"] for g in json.loads(listed.stdout)} == {"命令行目标",
                                                              SERVICE_GOAL["name"]}
    missing = stdtrack(settings, "goals", "progress", "nobody")
    assert missing.returncode == 2 and "nobody" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad_metric = stdtrack(settings, "goals", "add", "--name", "x", "--metric", "speed",
                          "--target", "1", "--deadline", "2020-12-31")
    assert bad_metric.returncode == 2 and "speed" in bad_metric.stderr
    bad_date = stdtrack(settings, "goals", "progress", "CLI goal", "--as-of", "2020-13-01")
    assert bad_date.returncode == 2
    bad_domain = stdtrack(settings, "goals", "add", "--name", "x", "--metric",
                          "local-standards", "--target", "1", "--domain", "航天",
                          "--deadline", "2020-12-31")
    assert bad_domain.returncode == 2 and "航天" in bad_domain.stderr


async def test_seed_goals_install_idempotently(client: httpx.AsyncClient,
                                               world: dict[str, dict[str, str]]) -> None:
    first = await goals_repository.install_seed_goals()
    assert len(first) == 9 and set(first.values()) == {"created"}
    again = await goals_repository.install_seed_goals()
    assert set(again.values()) == {"unchanged"}
    goals = {g.name: g for g in await goals_repository.list_goals()}
    jilin = goals["吉林省服务业地方标准制修订300项"]
    assert (jilin.target, jilin.region, jilin.domain, jilin.start_on, jilin.deadline) == (
        300, "22", "service", dt.date(2011, 1, 1), dt.date(2015, 12, 31))
    assert [k.value for k in goals["吉林省特色资源产业新制定地方标准50项"].kinds] == ["new"]
    assert goals["江苏省新制定地方服务标准200项"].region == "32"
    assert goals["吉林省产品标准覆盖率98%以上"].target == 0.98


async def test_seed_count_goals_progress_json_from_the_cli(
        client: httpx.AsyncClient, settings: Settings,
        world: dict[str, dict[str, str]]) -> None:
    await goals_repository.install_seed_goals()
    for goal in await goals_repository.list_goals():
        if goal.kind != "count" or goal.source != "seed":
            continue
        done = stdtrack(settings, "goals", "progress", goal.name, "--as-of", "2015-12-31",
                        "--json")
        assert done.returncode == 0, done.stderr
        body = json.loads(done.stdout)
        assert body["goal"] == goal.name and body["metric"] == "local-standards"
        assert body["as_of"] == "2015-12-31" and body["time_elapsed"] == 1.0
        # only DB22/T 1002-2012 (养老机构服务质量, 2012-05-01) falls in a seed goal's window
        value = 1 if goal.name == "吉林省服务业地方标准制修订300项" else 0
        assert body["target"] == int(goal.target) and body["value"] == value
        assert body["gap"] == body["target"] - value and body["status"] == "behind"
        assert body["forecast_date"] is None and body["overdue"] == 0
        assert set(body["pipeline"]) == {"initiated", "drafting", "consultation", "review",
                                         "submitted"}
