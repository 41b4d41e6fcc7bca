"""Shared steps of the drafting and goal tests: an empty drafting/goal state, uploads of plan
and catalogue files, and the CLI run in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from standards.settings import Settings

DRAFTING = Path(__file__).resolve().parent.parent / "data" / "drafting"
DRAFTING_TABLES = ("goal", "drafting_stage", "drafting_project", "drafting_import",
                   "standard_domain")


async def clean_drafting() -> None:
    """No goals, projects, imports or derived domains; shipped domain rules only, enabled."""
    from adoption.domains_repository import reset_default_rules
    from adoption.tables import DraftingProject

    for table in DRAFTING_TABLES:
        await DraftingProject.raw(f"DELETE FROM {table}")
    await DraftingProject.raw("DELETE FROM domain_rule WHERE NOT builtin")
    await DraftingProject.raw("DELETE FROM data_version")  # answers kept for the old rows go
    await reset_default_rules()


async def upload_plan(client: httpx.AsyncClient, staff: dict[str, str], name: str,
                      body: bytes, expect: int = 201) -> dict:
    done = await client.post("/api/drafting-projects/imports", headers=staff,
                             files={"files": (name, body, "application/octet-stream")})
    assert done.status_code == expect, done.text
    return dict(done.json())


async def upload_file(client: httpx.AsyncClient, staff: dict[str, str], path: Path,
                      route: str = "/api/drafting-projects/imports",
                      data: dict[str, str] | None = None) -> dict:
    done = await client.post(route, headers=staff, data=data or {},
                             files={"files": (path.name, path.read_bytes(), "text/csv")})
    assert done.status_code == 201, done.text
    return dict(done.json())


def stdtrack(settings: Settings, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()",
                           *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=120)


# ------------------------------------------------------------------------------------------
# The write routes of drafting, domains and goals for the role matrix of
# tests/api/test_declarations.py: each call works for staff only (``w`` is its World).
# ------------------------------------------------------------------------------------------

_PLAN = ("计划编号,项目名称,行政区划代码,领域,阶段,阶段日期\n"
         "M-{n},矩阵测试服务规范,220000,服务业,起草,2021-03-01\n")


def _unique() -> str:
    return uuid.uuid4().hex[:10]


async def _import_plan(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                       ) -> httpx.Response:
    body = _PLAN.format(n=_unique()).encode()
    return await client.post("/api/drafting-projects/imports", headers=h,
                             files={"files": ("p.csv", body, "text/csv")})


async def _record_stage(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                        ) -> httpx.Response:
    number = _unique()
    body = _PLAN.format(n=number).encode()
    done = await client.post("/api/drafting-projects/imports", headers=w.staff,
                             files={"files": ("p.csv", body, "text/csv")})
    assert done.status_code == 201, done.text
    found = await client.get("/api/drafting-projects", params={"q": f"M-{number}"},
                             headers=w.staff)
    project = found.json()["items"][0]["id"]
    return await client.post(f"/api/drafting-projects/{project}/stages", headers=h,
                             json={"stage": "review", "stage_on": "2021-05-01"})


async def _add_rule(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    return await client.post("/api/domain-rules", headers=h, json={
        "field": "keyword", "pattern": f"矩阵{_unique()}", "domain": "service"})


async def _change_rule(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                       ) -> httpx.Response:
    rules = (await client.get("/api/domain-rules", headers=w.staff)).json()
    return await client.patch(f"/api/domain-rules/{rules[0]['id']}", headers=h,
                              json={"enabled": True})


async def _delete_rule(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                       ) -> httpx.Response:
    added = await _add_rule(client, w, w.staff)
    assert added.status_code == 201, added.text
    return await client.delete(f"/api/domain-rules/{added.json()['id']}", headers=h)


async def _refresh_domains(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                           ) -> httpx.Response:
    return await client.post("/api/domain-rules/refresh", headers=h)


def _goal() -> dict[str, Any]:
    return {"name": f"矩阵目标 {_unique()}", "metric": "local-standards", "target": 5,
            "region": "22", "domain": "service", "start_on": "2021-01-01",
            "deadline": "2021-12-31"}


async def _save_goal(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    done = await client.post("/api/goals", headers=h, json=_goal())
    if done.status_code == 201:  # leave no goal behind for other tests
        await client.delete(f"/api/goals/{done.json()['id']}", headers=w.staff)
    return done


async def _delete_goal(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                       ) -> httpx.Response:
    made = await client.post("/api/goals", headers=w.staff, json=_goal())
    assert made.status_code == 201, made.text
    return await client.delete(f"/api/goals/{made.json()['id']}", headers=h)


ROLE_MATRIX: dict[tuple[str, str], tuple[Callable[..., Awaitable[httpx.Response]], bool]] = {
    ("POST", "/api/drafting-projects/imports"): (_import_plan, False),
    ("POST", "/api/drafting-projects/{project_id:int}/stages"): (_record_stage, False),
    ("POST", "/api/domain-rules"): (_add_rule, False),
    ("PATCH", "/api/domain-rules/{rule_id:int}"): (_change_rule, False),
    ("DELETE", "/api/domain-rules/{rule_id:int}"): (_delete_rule, False),
    ("POST", "/api/domain-rules/refresh"): (_refresh_domains, False),
    ("POST", "/api/goals"): (_save_goal, False),
    ("DELETE", "/api/goals/{goal:str}"): (_delete_goal, False),
}
"""(method, route) -> (call, whether an enterprise may use it): all of them staff only."""
