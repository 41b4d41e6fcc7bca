"""A real server for the browser tests: its own database (SQLite file, or a fresh PostgreSQL
database when DATABASE_URL names a server), migrated and loaded with ``stdtrack demo`` in a
temp STDTRACK_HOME, served by uvicorn on a free loopback port; Debian's Chromium drives it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import fresh_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
BIN = Path(sys.executable).parent


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    password: str
    token: str


@dataclass(frozen=True, slots=True)
class LiveServer:
    url: str
    leader: Person
    staff: Person
    home: Path
    env: dict[str, str]

    @property
    def leader_token(self) -> str:
        return self.leader.token

    @property
    def staff_token(self) -> str:
        return self.staff.token


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


@pytest.fixture(scope="session")
def browser_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The served app's own database, apart from the suite's."""
    with fresh_database(tmp_path_factory, "browser") as url:
        yield url


@pytest.fixture(scope="session")
def live_server(browser_database: str, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LiveServer]:
    home = tmp_path_factory.mktemp("browser-home")
    env = {**os.environ, "DATABASE_URL": browser_database, "STDTRACK_HOME": str(home),
           "STDTRACK_SEARCH": "whoosh"}
    stdtrack = str(BIN / "stdtrack")
    _run([stdtrack, "db", "upgrade"], env)
    loaded = json.loads(_run([stdtrack, "demo", "--json"], env))
    people = {account["role"]: Person(account["username"], account["password"], account["token"])
              for account in loaded["province"]["accounts"]}
    port = _free_port()
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start: "
                            + (home / "server.log").read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield LiveServer(url=url, leader=people["leader"], staff=people["staff"], home=home,
                         env=env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium, driven by playwright's client (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: run `make browser` (apt-get "
                    "install chromium fonts-noto-cjk); `make test` does it for you")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
