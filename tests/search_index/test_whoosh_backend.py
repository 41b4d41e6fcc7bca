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
