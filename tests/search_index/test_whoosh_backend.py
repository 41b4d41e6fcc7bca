"""What only the embedded backend has: generations on disk, the writers' lock, several
processes (here: engines) reading one index."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from api import search_service
from search_index import whoosh_backend
from search_index.errors import IndexBuildError
from search_index.schemas import SearchRequest
from search_index.whoosh_backend import WhooshEngine, _WriterLock
from standards import repository
from standards.settings import Settings
from tests.search_index.conftest import BUILDING, records_of

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]


@pytest.fixture
def whoosh_settings(settings: Settings, tmp_path: Path) -> Settings:
    return dataclasses.replace(settings, home=tmp_path / "home", search_backend="whoosh")


def test_the_writers_lock_excludes_a_second_writer(tmp_path: Path) -> None:
    first, second = _WriterLock(tmp_path), _WriterLock(tmp_path)
    first.acquire()
    try:
        with pytest.raises(IndexBuildError, match="busy"):
            second.acquire(timeout=0.3)
    finally:
        first.release()
    second.acquire(timeout=0.3)
    second.release()


async def test_a_rebuild_removes_the_old_generations(whoosh_settings: Settings) -> None:
    await repository.upsert_standards(records_of(BUILDING))
    root = whoosh_settings.index_dir
    other = WhooshEngine(root)  # another process, searching the generation being replaced
    await search_service.rebuild_index(whoosh_settings)
    request = SearchRequest(q="抗震")
    before = await other.search(request, dt.date.today())
    for _ in range(3):
        await search_service.rebuild_index(whoosh_settings)
    generations = [p.name for p in root.glob("gen-*")]
    assert generations == [os.readlink(root / "current")]
    # the other process still answers from the generation it holds open, then moves on
    assert (await other.search(request, dt.date.today())).total == before.total > 0
    await other.close()
    await search_service.close_search(whoosh_settings)


async def test_another_reader_sees_an_update_at_its_next_check(
        whoosh_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    await repository.upsert_standards(records_of(BUILDING))
    await search_service.rebuild_index(whoosh_settings)
    other = WhooshEngine(whoosh_settings.index_dir)  # as a second worker process would
    request = SearchRequest(q="韧性")
    assert (await other.search(request, dt.date.today())).total == 0
    newer = records_of(BUILDING)[0].model_copy(update={
        "code": "GB 50011-2025", "title_zh": "建筑抗震韧性设计规范", "replaces": []})
    await repository.upsert_standards([newer])
    target = (await repository.find_standard("GB 50011-2025")).id
    await search_service.reindex_standards([target], whoosh_settings)
    monkeypatch.setattr(whoosh_backend, "REFRESH_SECONDS", 0.0)  # its next check, now
    assert (await other.search(request, dt.date.today())).total == 1
    await other.close()
    await search_service.close_search(whoosh_settings)


@pytest.mark.parametrize("step", ["add", "commit"])
async def test_a_cancelled_rebuild_waits_for_its_thread(
        whoosh_settings: Settings, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """A rebuild cancelled while a thread adds documents drops its generation only after the
    thread is done (the previous index stays); one cancelled while committing puts the finished
    generation in place, then ends cancelled."""
    import asyncio
    import threading
    import time

    await repository.upsert_standards(records_of(BUILDING))
    await search_service.rebuild_index(whoosh_settings)
    root = whoosh_settings.index_dir
    before = os.readlink(root / "current")
    started, ended = threading.Event(), threading.Event()
    original = getattr(whoosh_backend._Build, step)

    def slow(build: whoosh_backend._Build, *args: object) -> None:
        started.set()
        time.sleep(0.5)
        original(build, *args)
        ended.set()

    monkeypatch.setattr(whoosh_backend._Build, step, slow)
    task = asyncio.ensure_future(search_service.rebuild_index(whoosh_settings))
    while not started.is_set():
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ended.is_set()  # the thread ran to its end before the cancellation went on
    generations = sorted(p.name for p in root.glob("gen-*"))
    current = os.readlink(root / "current")
    if step == "add":
        assert current == before and generations == [before]
    else:
        assert current != before and generations == [current]
    assert (await search_service.search(
        whoosh_settings, SearchRequest(q="抗震"), dt.date.today())).total > 0
    await search_service.close_search(whoosh_settings)
