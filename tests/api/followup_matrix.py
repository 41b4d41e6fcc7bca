"""The write routes of background jobs, reviews, evaluation feedback and triage for the role
matrices: ``ROLE_MATRIX`` (API) joins tests/api/test_declarations.py; ``PAGE_WRITES`` (pages)
joins tests/api/people_matrix.py (tested in tests/api/test_people_roles.py); ``PUBLIC_WRITES``
are the feedback forms anyone may send (rate-limited per address)."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from adoption import feedback_repository
from adoption.feedback_repository import FeedbackInput

Call = Callable[[httpx.AsyncClient, Any, dict[str, str]], Awaitable[httpx.Response]]
_serial = itertools.count(1)
STAFF = frozenset({"staff"})


def _code() -> str:
    return f"DB22/T {int(time.time() * 1000) % 10**5}{next(_serial)}-2019"


async def _local_standard(client: httpx.AsyncClient, staff: dict[str, str]) -> tuple[str, int]:
    code = _code()
    done = await client.post("/api/imports", headers=staff, files={"files": (
        "r.csv", f"标准号,标准名称,发布日期,实施日期\n{code},矩阵服务规范,2019-01-02,2019-03-01\n"
        .encode(), "text/csv")})
    assert done.status_code == 201, done.text
    found = (await client.get("/api/standards", params={"code": code})).json()
    return code, int(found["items"][0]["id"])


async def _queue_job(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    return await client.post("/api/jobs", headers=h, json={"kind": "indicator-recompute"})


async def _queue_import(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                        ) -> httpx.Response:
    return await client.post("/api/jobs/imports", headers=h, files={"files": (
        "j.csv", f"标准号,标准名称\n{_code()},矩阵作业\n".encode(), "text/csv")})


async def _cancel_job(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    queued = await _queue_job(client, w, w.staff)
    assert queued.status_code == 202, queued.text
    return await client.post(f"/api/jobs/{queued.json()['id']}/cancel", headers=h)


async def _record_review(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                         ) -> httpx.Response:
    code, _ = await _local_standard(client, w.staff)
    return await client.post("/api/reviews", headers=h, json={
        "code": code, "reviewed_on": "2024-03-01", "conclusion": "继续有效"})


async def _import_reviews(client: httpx.AsyncClient, w: Any, h: dict[str, str]
                          ) -> httpx.Response:
    code, _ = await _local_standard(client, w.staff)
    return await client.post("/api/reviews/imports", headers=h, files={"files": (
        "rv.csv", f"标准号,复审日期,复审结论,备注\n{code},2024-03-01,继续有效,\n".encode(),
        "text/csv")})


async def _decide(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    _, standard = await _local_standard(client, w.staff)
    return await client.post(f"/api/triage/{standard}/decision", headers=h,
                             json={"action": "keep", "note": "矩阵"})


async def _moderate(client: httpx.AsyncClient, w: Any, h: dict[str, str]) -> httpx.Response:
    _, standard = await _local_standard(client, w.staff)
    # sent through the repository from an address of its own: the public form allows an
    # address 5 sends an hour, and the matrix calls this once per role
    sent = await feedback_repository.submit_feedback(
        standard, FeedbackInput(kind="建议", text="建议补充冬季作业要求。"),
        address=f"10.9.{next(_serial)}.1", now=dt.datetime.now(dt.UTC))
    return await client.post(f"/api/feedback/{sent}/moderation", headers=h,
                             json={"status": "accepted"})


ROLE_MATRIX: dict[tuple[str, str], tuple[Call, bool]] = {
    ("POST", "/api/jobs"): (_queue_job, False),
    ("POST", "/api/jobs/imports"): (_queue_import, False),
    ("POST", "/api/jobs/{job_id:int}/cancel"): (_cancel_job, False),
    ("POST", "/api/reviews"): (_record_review, False),
    ("POST", "/api/reviews/imports"): (_import_reviews, False),
    ("POST", "/api/triage/{standard_id:int}/decision"): (_decide, False),
    ("POST", "/api/feedback/{feedback_id:int}/moderation"): (_moderate, False),
}

PAGE_WRITES: dict[tuple[str, str], frozenset[str]] = {
    ("POST", path): STAFF for path in (
        "/workbench/imports", "/workbench/jobs/{job_id:int}/cancel", "/workbench/reviews",
        "/workbench/reviews/feedback/{feedback_id:int}", "/workbench/triage/{standard_id:int}")
}

PUBLIC_WRITES = {("POST", "/api/feedback/standards/{standard_id:int}"),
                 ("POST", "/standard/feedback")}
