"""The write routes of the staff workbench for the role matrices: ``ROLE_MATRIX`` (API, staff
only) joins tests/api/test_declarations.py; ``PAGE_WRITES`` (pages, staff only) joins
tests/api/people_matrix.py, tested in tests/api/test_people_roles.py."""

from __future__ import annotations

import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

Call = Callable[[httpx.AsyncClient, Any, dict[str, str]], Awaitable[httpx.Response]]
_serial = itertools.count(1)
STAFF = frozenset({"staff"})


def _code() -> str:
    return f"DB22/T {int(time.time() * 1000) % 10**6}{next(_serial)}-2024"


async def _upload(client: httpx.AsyncClient, staff: dict[str, str], name: str,
                  text: str) -> None:
    done = await client.post("/api/imports", headers=staff,
                             files={"files": (name, text.encode(), "text/plain")})
    assert done.status_code == 201, done.text


async def _edit_standard(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                         ) -> httpx.Response:
    listed = (await client.get("/api/standards")).json()["items"][0]
    return await client.patch(f"/api/standards/{listed['id']}", headers=h,
                              json={"title_zh": listed["title_zh"]})


async def _resolve(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    code = _code()
    await _upload(client, w.staff, "m.csv", f"标准号,标准名称\n{code},矩阵甲\n")
    await _upload(client, w.staff, "m.tsv", f"标准号\t标准名称\n{code}\t矩阵乙\n")
    found = (await client.get("/api/conflicts", params={"code": code},
                              headers=w.staff)).json()["items"][0]
    return await client.post(f"/api/conflicts/{found['id']}/resolve", headers=h,
                             json={"keep": "kept"})


async def _prefer(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    return await client.put("/api/source-preferences/scope", headers=h, json={"source": "csv"})


async def _unprefer(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    done = await _prefer(client, w, w.staff)
    assert done.status_code == 200, done.text
    return await client.delete("/api/source-preferences/scope", headers=h)


async def _change_goal(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                       ) -> httpx.Response:
    made = await client.post("/api/goals", headers=w.staff, json={
        "name": f"矩阵目标 {next(_serial)}-{time.time()}", "metric": "coverage",
        "target": 0.9, "deadline": "2027-12-31"})
    assert made.status_code == 201, made.text
    done = await client.patch(f"/api/goals/{made.json()['id']}", headers=h,
                              json={"target": 0.95})
    await client.delete(f"/api/goals/{made.json()['id']}", headers=w.staff)
    return done


ROLE_MATRIX: dict[tuple[str, str], tuple[Call, bool]] = {
    ("PATCH", "/api/standards/{standard_id:int}"): (_edit_standard, False),
    ("POST", "/api/conflicts/{conflict_id:int}/resolve"): (_resolve, False),
    ("PUT", "/api/source-preferences/{field:str}"): (_prefer, False),
    ("DELETE", "/api/source-preferences/{field:str}"): (_unprefer, False),
    ("PATCH", "/api/goals/{goal:str}"): (_change_goal, False),
}

PAGE_WRITES: dict[tuple[str, str], frozenset[str]] = {
    ("POST", path): STAFF for path in (
        "/workbench/conflicts/{conflict_id:int}/resolve",
        "/workbench/source-preferences",
        "/workbench/source-preferences/{field:str}/delete",
        "/workbench/standards/{standard_id:int}",
        "/workbench/drafting/{project_id:int}/stages",
        "/workbench/goals", "/workbench/goals/{goal_id:int}",
        "/workbench/goals/{goal_id:int}/archive", "/workbench/goals/{goal_id:int}/restore",
        "/workbench/domain-rules", "/workbench/domain-rules/{rule_id:int}/toggle",
        "/workbench/domain-rules/{rule_id:int}/delete", "/workbench/domain-rules/refresh",
        "/workbench/foreign-bodies", "/workbench/foreign-bodies/{code:str}/delete")
}
