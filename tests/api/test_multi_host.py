"""Two app hosts on one PostgreSQL: two `stdtrack serve` processes, each with its own
STDTRACK_HOME, sharing the database and the PostgreSQL search index (STDTRACK_SEARCH=postgres).

What one host writes the other serves within a second: a session opened on one is valid on
the other and ends on both at sign-out; a catalogue imported through one is found by the
other's search; an index rebuilt by the CLI (a new generation swapped in) is what both serve.
PostgreSQL only: on SQLite the embedded default is one host by design.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.http_load import free_port
from tests.conftest import fresh_database

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgresql://", "postgres://")),
    reason="several app hosts share a PostgreSQL database (DATABASE_URL names none)")

PASSWORD = "长白山-天池-2026"
SEEN_WITHIN = 1.0  # seconds: what one host wrote, the other serves by then


def _env(database_url: str, home: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "STDTRACK_HOME": str(home),
            "STDTRACK_SEARCH": "postgres"}


def _stdtrack(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                          env=env, input=stdin, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], ...]]:
    """Two serving hosts (base URL, env of each) on one fresh database."""
    with fresh_database(tmp_path_factory, "hosts") as database_url:
        homes = [tmp_path_factory.mktemp(f"host-{name}") for name in "ab"]
        first = _env(database_url, homes[0])
        _stdtrack(first, "db", "upgrade")
        _stdtrack(first, "index", "rebuild")
        processes = []
        started = []
        try:
            for home in homes:
                port = free_port()
                env = _env(database_url, home)
                processes.append(subprocess.Popen(
                    [sys.executable, "-c", "from api.cli import main; main()", "serve",
                     "--host", "127.0.0.1", "--port", str(port)],
                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                started.append({"url": f"http://127.0.0.1:{port}", "home": str(home),
                                "database_url": database_url})
            deadline = time.monotonic() + 90
            for host in started:
                while True:
                    try:
                        if httpx.get(host["url"] + "/health", timeout=2).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    assert time.monotonic() < deadline, "an app host did not start"
                    time.sleep(0.2)
            yield tuple(started)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _staff_person(host: dict[str, str], username: str) -> None:
    env = _env(host["database_url"], Path(host["home"]))
    _stdtrack(env, "accounts", "add", "--role", "staff", "--username", username,
              "--password-stdin", "--json", stdin=PASSWORD + "\n")


def _eventually(check: object, within: float = SEEN_WITHIN) -> float:
    """Seconds until ``check()`` is true (fails after ``within``)."""
    started = time.monotonic()
    while not check():  # type: ignore[operator]
        assert time.monotonic() - started < within, "the other host did not see the write"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_session_opened_on_one_host_is_served_and_ended_on_the_other(hosts: tuple) -> None:
    a, b = hosts
    _staff_person(a, "staff-two-hosts")
    opened = httpx.post(a["url"] + "/api/session", json={"username": "staff-two-hosts",
                                                         "password": PASSWORD})
    assert opened.status_code == 200, opened.text
    cookie = {"Cookie": f"stdtrack_session={opened.cookies['stdtrack_session']}"}
    csrf = opened.json()["csrf_token"]

    def session_on(host: dict[str, str]) -> httpx.Response:
        return httpx.get(host["url"] + "/api/session", headers=cookie)

    _eventually(lambda: session_on(b).status_code == 200)
    assert session_on(b).json()["username"] == "staff-two-hosts"
    # a write resting on the session needs the session's CSRF token on host B as well
    refused = httpx.delete(b["url"] + "/api/session", headers=cookie)
    assert refused.status_code == 403
    assert session_on(a).status_code == 200
    ended = httpx.delete(b["url"] + "/api/session", headers={**cookie, "X-CSRF-Token": csrf})
    assert ended.status_code == 204
    _eventually(lambda: session_on(a).status_code == 401)


def _search_codes(client: httpx.Client, query: str) -> list[str]:
    answer = client.get("/api/search", params={"q": query})
    assert answer.status_code == 200, answer.text
    return [hit["code"] for hit in answer.json()["hits"]]


def test_an_import_on_one_host_is_found_by_the_others_search(hosts: tuple,
                                                              tmp_path: Path) -> None:
    a, b = hosts
    env = _env(a["database_url"], Path(a["home"]))
    token = json.loads(_stdtrack(env, "accounts", "add", "--role", "staff", "--json"))["token"]
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text("标准号,标准名称,实施日期\n"
                         "DB32/T 4999-2025,梅花鹿养殖场多主机检索规范,2025-06-01\n",
                         encoding="utf-8")
    with httpx.Client(base_url=a["url"], timeout=60) as on_a, \
            httpx.Client(base_url=b["url"], timeout=60) as on_b:
        assert _search_codes(on_b, "DB32/T 4999-2025") == []
        done = on_a.post("/api/imports", headers={"Authorization": f"Bearer {token}"},
                         files={"files": ("catalogue.csv", catalogue.read_bytes(), "text/csv")})
        assert done.status_code == 201, done.text
        assert done.json()["created"] == 1
        _eventually(lambda: _search_codes(on_b, "DB32/T 4999-2025") == ["DB32/T 4999-2025"])
        assert "DB32/T 4999-2025" in _search_codes(on_b, "梅花鹿养殖场")
        # a new index generation built aside by the CLI (a third process) and swapped in:
        # both hosts serve it at once, neither holds a private copy
        _stdtrack(env, "index", "rebuild")
        for client in (on_a, on_b):
            assert _search_codes(client, "DB32/T 4999-2025") == ["DB32/T 4999-2025"]
        status = [json.loads(_stdtrack(_env(host["database_url"], Path(host["home"])),
                                       "index", "status", "--json")) for host in (a, b)]
        assert status[0] == status[1]
