"""Test wiring: one real database per run (SQLite file, or a fresh PostgreSQL database when
DATABASE_URL names a server), migrated by the real migrations; the app built by its factory."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from litestar import Litestar
from piccolo.engine.base import Engine

from api.app import create_app
from api.database import configure_engine, upgrade
from standards.db import close_engine, open_engine
from standards.settings import Settings

DATA = Path(__file__).parent / "data"


def _admin_query(url: str, sql: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run())


@contextmanager
def fresh_database(tmp_path_factory: pytest.TempPathFactory, label: str) -> Iterator[str]:
    """A new SQLite file in a temp dir, or, when DATABASE_URL names a PostgreSQL server, a
    database created there for this run and dropped after."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgresql://", "postgres://")):
        yield f"sqlite:///{tmp_path_factory.mktemp(f'{label}-db') / f'{label}.sqlite3'}"
        return
    name = f"stdtrack_{label}_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    _admin_query(admin, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        _admin_query(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The suite's database (see :func:`fresh_database`)."""
    with fresh_database(tmp_path_factory, "test") as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("home")
    return Settings.from_env({
        "DATABASE_URL": database_url,
        "STDTRACK_HOME": str(home),
        "STDTRACK_UPLOAD_LIMIT_MB": "2",
        # daily tasks would change alerts and facts at an hour tests cannot foresee
        "STDTRACK_SCHEDULES": "off",
        # one in-app job worker per test app would poll the shared tables all through the
        # suite and claim other tests' jobs: tests that want jobs run start a worker
        # (tests/api/test_jobs.py `worker`); the browser tests' server keeps the in-app one
        "STDTRACK_JOBS_IN_APP": "off",
        # webhooks are delivered to local receivers on 127.0.0.1 (tests/checks/test_watches.py);
        # tests/checks/test_webhook_guard.py proves the refusal with the setting off
        "STDTRACK_WEBHOOK_ALLOW_PRIVATE": "on",
    })


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
async def engine(settings: Settings, anyio_backend: str) -> AsyncIterator[Engine]:
    """The engine, opened on the tests' event loop, schema built by the real migrations."""
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        yield engine
    finally:
        await close_engine(engine)


@pytest.fixture(scope="session")
async def app(settings: Settings, engine: Engine) -> Litestar:
    return create_app(settings, engine=engine)


@pytest.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in-process on the tests' own event loop.

    Litestar's AsyncTestClient runs the app through a blocking portal, i.e. on another event
    loop, where an asyncpg pool opened on this loop cannot be used.
    """
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(
        transport=transport, base_url="http://testserver"
    ) as test_client:
        yield test_client


@pytest.fixture
async def browser(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The shared client with an empty cookie jar, emptied again afterwards (other tests must
    never inherit a session, a language choice or a pre-session token), and no failed sign-in
    counted against its address."""
    from adoption.tables import Account

    client.cookies.clear()
    await Account.raw("DELETE FROM sign_in_throttle WHERE key = {}", "address:127.0.0.1")
    yield client
    client.cookies.clear()
    await Account.raw("DELETE FROM sign_in_throttle WHERE key = {}", "address:127.0.0.1")


@pytest.fixture(scope="session")
async def staff_token(engine: Engine) -> str:
    """The token of a staff account created once for the run (accounts are never emptied)."""
    from adoption.vocab import AccountRole
    from api.auth import create_account

    _account, token = await create_account(AccountRole.STAFF, name="test staff")
    return token


@pytest.fixture(scope="session")
def staff_headers(staff_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_token}"}


ADOPTION_CLEAN_ORDER = ("alert", "standard_indicator", "declaration_upload", "declaration",
                        "product", "enterprise", "declaration_import", "product_fact",
                        "indicator_cube", "product_fact_stale", "cube_snapshot",
                        "data_version")


@pytest.fixture
async def adoption_db(client: httpx.AsyncClient) -> AsyncIterator[None]:
    """No enterprises, products, declarations or alerts for one test (accounts are kept)."""
    from adoption.tables import Declaration

    for table in ADOPTION_CLEAN_ORDER:
        await Declaration.raw(f"DELETE FROM {table}")
    yield


CLEAN_ORDER = ("merge_conflict", "source_preference", "change_log", "relation", "standard_ics",
               "standard", "import_batch")


@pytest.fixture
async def db(client: httpx.AsyncClient) -> AsyncIterator[None]:
    """An empty catalogue for one test (the app's engine is open through ``client``)."""
    from standards.tables import Standard

    for table in CLEAN_ORDER:
        await Standard.raw(f"DELETE FROM {table}")
    await Standard.raw("DELETE FROM data_version")  # answers kept for the old catalogue go
    await Standard.raw("DELETE FROM stored_day")
    yield


_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


def pytest_unconfigure(config: pytest.Config) -> None:
    """A run that left a non-daemon thread behind would never exit (CI would wait for its
    timeout): name what was left, then end the process with the suite's own status."""
    import multiprocessing
    import sys
    import threading

    left: list[object] = [
        thread for thread in threading.enumerate()
        if thread is not threading.main_thread() and not thread.daemon and thread.is_alive()]
    left += multiprocessing.active_children()
    if left and _EXIT_STATUS:
        sys.stderr.write("threads or processes left running after the suite (a leak to fix): "
                         + ", ".join(repr(thread) for thread in left) + "\n")
        import traceback

        frames = sys._current_frames()
        for thread in left:  # where each left-over thread waits: what to fix
            frame = frames.get(getattr(thread, "ident", None) or -1)
            if frame is not None:
                sys.stderr.write(f"-- {thread!r} waits in:\n"
                                 + "".join(traceback.format_stack(frame)[-8:]))
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(_EXIT_STATUS[-1])
