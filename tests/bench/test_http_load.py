"""Tests for bench/http_load.py: a real uvicorn server, a real bounded load."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from litestar import Litestar, get
from litestar.exceptions import NotFoundException

from bench.http_load import run_load, serve, wrk_percentile

APP = "tests.bench.test_http_load:make_app"
PATHS = ["/item/1", "/item/2", "/item/0"]


# --- tiny app served by uvicorn in a subprocess --------------------------------


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/item/{n:int}")
async def item(n: int) -> dict[str, int]:
    if n == 0:
        raise NotFoundException(detail="no item 0")
    return {"id": n, "double": 2 * n}


def make_app() -> Litestar:
    return Litestar(route_handlers=[health, item])


# --- helpers ---------------------------------------------------------------------


def _group_members(pgid: int) -> list[tuple[int, str]]:
    """Live (non-zombie) processes whose process group is ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may contain spaces/parens
        fields = stat[stat.rindex(")") + 2 :].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            members.append((int(entry.name), state))
    return members


def _assert_server_gone(pid: int, port: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert _group_members(pid) == []
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(1)
        s.connect(("127.0.0.1", port))


def _check_figures(res: dict, client: str) -> None:
    assert res["client"] == client
    assert res["concurrency"] == 4
    assert res["requests"] > 0
    assert res["requests_per_s"] > 0
    assert res["errors"] == 0, res
    # /item/0 is a 404 and paths rotate, so about a third are non-2xx.
    assert res["non_2xx"] > 0
    assert abs(res["non_2xx"] / res["requests"] - 1 / 3) < 0.05, res
    assert 0 < res["p50_ms"] <= res["p95_ms"] <= res["p99_ms"], res


# --- tests -------------------------------------------------------------------------


def test_serve_and_run_load_then_server_is_gone() -> None:
    with serve(APP, env={}, workers=1) as base:
        assert base.startswith("http://127.0.0.1:")
        pid, port = base.pid, base.port  # type: ignore[attr-defined]
        assert _group_members(pid), "server should be running inside the context"
        res = run_load(base, PATHS, concurrency=4, duration_s=2)
    _assert_server_gone(pid, port)
    _check_figures(res, res["client"])
    assert res["client"] in ("wrk", "python-fallback")
    assert 1.5 <= res["duration_s"] <= 3.5, res


def test_python_fallback_and_cleanup_on_exception() -> None:
    class Boom(Exception):
        pass

    res: dict = {}
    with pytest.raises(Boom), serve(APP, env={}, workers=1) as base:
        pid, port = base.pid, base.port  # type: ignore[attr-defined]
        res = run_load(
            base, PATHS, concurrency=4, duration_s=1, warmup_s=0.2, client="python"
        )
        raise Boom
    _assert_server_gone(pid, port)
    _check_figures(res, "python-fallback")


def test_load_is_loopback_only_and_bounded() -> None:
    for bad in (
        "http://example.com:80",
        "http://localhost:8000",
        "https://127.0.0.1:1",
        "http://10.0.0.1:8000",
        "http://127.0.0.1",
    ):
        with pytest.raises(ValueError):
            run_load(bad, ["/x"], duration_s=1)
    with pytest.raises(ValueError):
        run_load("http://127.0.0.1:9", ["no-slash"], duration_s=1)
    with pytest.raises(ValueError):
        run_load("http://127.0.0.1:9", ["/a\r\nX-Evil: 1"], duration_s=1)


def test_wrk_percentile_definition() -> None:
    data = list(range(1, 101))  # 1..100
    assert wrk_percentile(data, 50) == 51
    assert wrk_percentile(data, 95) == 96
    assert wrk_percentile(data, 99) == 100
    assert wrk_percentile([7], 99) == 7
    assert wrk_percentile([], 50) == 0
