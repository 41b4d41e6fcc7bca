"""The API fuzzed by schemathesis from its own OpenAPI document: every operation, with a staff
token, valid and invalid inputs, in process (no network). No answer may be a server error, and
every status code, media type and JSON body must be what the document says.

The fuzz runs against an app of its own on a fresh database (its requests disable accounts,
delete rules and goals, import random files), seeded with a little of everything so that ids
1, 2... exist. It is bounded and deterministic (derandomized, a few examples per operation and
mode); ``STDTRACK_FUZZ_EXAMPLES=200`` runs it much longer by hand.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import anyio
import anyio.from_thread
import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from litestar import Litestar
from piccolo.engine.base import Engine
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import api.piccolo_conf
from adoption.tables import Declaration
from adoption.vocab import AccountRole
from api.app import create_app
from api.auth import create_account
from api.database import APP_TABLES, configure_engine, upgrade
from standards.db import bind_tables, close_engine, open_engine
from standards.settings import Settings
from tests.adoption.helpers import account, bearer, declare, new_uscc, product, upload_catalogue
from tests.conftest import fresh_database

pytestmark = pytest.mark.anyio

EXAMPLES = int(os.environ.get("STDTRACK_FUZZ_EXAMPLES", "4"))
BASE = "http://testserver"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@dataclass
class FuzzTarget:
    app: Litestar
    client: httpx.AsyncClient
    headers: dict[str, str]
    account_id: int


@pytest.fixture
def fuzz_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the fuzz's own (created and dropped outside the event loop)."""
    with fresh_database(tmp_path_factory, "fuzz") as url:
        yield url


@pytest.fixture
async def target(tmp_path_factory: pytest.TempPathFactory, engine: Engine, fuzz_database: str
                 ) -> AsyncIterator[FuzzTarget]:
    """An app on its own fresh database and home; the suite's engine is bound again after."""
    own = Settings.from_env({"DATABASE_URL": fuzz_database,
                             "STDTRACK_HOME": str(tmp_path_factory.mktemp("fuzz-home")),
                             "STDTRACK_UPLOAD_LIMIT_MB": "1",
                             # the jobs it queues stay queued: no worker runs them here
                             "STDTRACK_JOBS_IN_APP": "off", "STDTRACK_SCHEDULES": "off"})
    fuzz_engine = configure_engine(own)
    try:
        await open_engine(fuzz_engine)
        await upgrade()
        app = create_app(own, engine=fuzz_engine)
        staff, token = await create_account(AccountRole.STAFF, name="fuzz staff")
        transport = httpx.ASGITransport(app=app)
        async with app.lifespan(), httpx.AsyncClient(transport=transport,
                                                     base_url=BASE) as client:
            headers = bearer(token)
            await _seed(client, headers)
            yield FuzzTarget(app, client, headers, staff.id)
    finally:
        await close_engine(fuzz_engine)
        bind_tables(engine, APP_TABLES)
        api.piccolo_conf.DB = engine


async def _seed(client: httpx.AsyncClient, staff: dict[str, str]) -> None:
    """A catalogue, an enterprise with a declared product, a goal and a drafting plan."""
    await upload_catalogue(client, staff, "c.csv", [
        "标准号,标准名称,发布日期,实施日期,采标情况",
        "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,\"ISO 9001:2015, IDT\"",
        "ISO 9001:2015,Quality management systems,2015-09-15,2015-09-15,",
        "DB22/T 1001-2019,旅游景区服务规范,2019-03-01,2019-04-01,"])
    uscc = new_uscc()
    owner = await account(client, staff, "enterprise", uscc)
    saved = await client.put(f"/api/enterprises/{uscc}", headers=owner, json={
        "name": "长春一汽零部件有限公司", "region_code": "220102", "key_fields": ["automotive"]})
    assert saved.status_code == 200, saved.text
    await declare(client, owner, await product(client, owner), "GB/T 19001-2016")
    goal = await client.post("/api/goals", headers=staff, json={
        "name": "覆盖率", "metric": "coverage", "target": 0.98, "region": "22",
        "start_on": "2024-01-01", "deadline": "2030-12-31"})
    assert goal.status_code == 201, goal.text
    plan = ("计划编号,项目名称,行政区划代码,领域,阶段,阶段日期,完成期限\n"
            "2024-001,旅游景区服务规范,220000,服务业,立项,2024-03-01,2026-12-31\n")
    done = await client.post("/api/drafting-projects/imports", headers=staff,
                             files={"files": ("plan.csv", plan.encode(), "text/csv")})
    assert done.status_code == 201, done.text


def _fuzz(target: FuzzTarget, examples: int) -> list[str]:
    """Every operation, positive and negative inputs (runs in a worker thread; each request
    is sent on the test's event loop)."""
    schema = schemathesis.openapi.from_dict(target.app.openapi_schema.to_schema())
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:
            try:
                answered = _answers(target, operation.as_strategy(generation_mode=mode),
                                    examples)
            except Unsatisfiable:  # no invalid input exists (e.g. nothing to vary)
                continue
            for case, sent, response in answered:
                try:
                    case.validate_response(response, checks=CHECKS)
                except (AssertionError, FailureGroup) as exc:
                    failures.append(_failure(operation.label, mode, sent, response, exc))
    return failures


def _failure(label: str, mode: schemathesis.GenerationMode, sent: requests.PreparedRequest,
             response: httpx.Response, exc: BaseException) -> str:
    """One line saying what failed, then the request and the answer to reproduce it."""
    found = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
    titles = "; ".join(getattr(item, "title", type(item).__name__) for item in found)
    why = "; ".join(str(getattr(item, "message", item))[:400] for item in found)
    body = sent.body[:300] if isinstance(sent.body, bytes | str) else sent.body
    return (f"{label} [{mode.value}] -> {response.status_code}: {titles}\n"
            f"    {sent.method} {sent.url}\n    body: {body!r}\n    why: {why}\n"
            f"    answer: {response.headers.get('content-type')} {response.text[:300]!r}")


def _answers(target: FuzzTarget, strategy: SearchStrategy[schemathesis.Case], examples: int
             ) -> list[tuple[schemathesis.Case, requests.PreparedRequest, httpx.Response]]:
    """``examples`` cases drawn from ``strategy`` (the same ones every run), each sent; the
    checks run afterwards, outside hypothesis, so that every failure is reported."""
    answered = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        answered.append((case, *_send(target, case)))

    run()
    return answered


def _send(target: FuzzTarget, case: schemathesis.Case
          ) -> tuple[requests.PreparedRequest, httpx.Response]:
    """The case as exact bytes (requests prepares them as schemathesis would send them)."""
    kwargs = case.as_transport_kwargs(base_url=BASE, headers=target.headers)
    prepared = requests.Request(**{key: kwargs[key] for key in (
        "method", "url", "headers", "params", "data", "json", "files") if key in kwargs}
    ).prepare()

    async def send() -> httpx.Response:
        response = await target.client.request(
            prepared.method or "GET", prepared.url or BASE, headers=dict(prepared.headers),
            content=prepared.body)
        if "/disable" in (prepared.url or ""):
            # the fuzzer may disable its own account: enable it again for the next cases
            await Declaration.raw("UPDATE account SET disabled_at = NULL WHERE id = {}",
                                  target.account_id)
        return response

    return prepared, anyio.from_thread.run(send)


async def test_no_operation_answers_a_server_error_or_an_undocumented_answer(
        target: FuzzTarget) -> None:
    failures = await anyio.to_thread.run_sync(_fuzz, target, EXAMPLES)
    summary = sorted({failure.split("\n")[0] for failure in failures})
    assert not failures, (f"{len(failures)} failures:\n" + "\n".join(summary) + "\n\n"
                          + "\n\n".join(failures[:10]))
