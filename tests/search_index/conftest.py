"""Search fixtures: every search test runs on whoosh, and on the PostgreSQL backend too when the
suite runs on PostgreSQL (DATABASE_URL), each time over a real database and a real index."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import pytest

from api import search_service
from importers import read_file
from search_index.schemas import SearchFilters, SearchRequest, SearchResult
from search_index.vocab import SortOrder
from standards import repository
from standards.schemas import StandardInput
from standards.settings import Settings

DATA = Path(__file__).resolve().parent.parent / "data"
BUILDING = DATA / "search" / "building_standards.csv"


def backends() -> list[str]:
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgresql://", "postgres://"))
    return ["whoosh", "postgres"] if postgres else ["whoosh"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("backends")
        wanted = [b for b in backends() if only is None or b in only.args]
        # none here (PostgreSQL's backend in a SQLite run): the test's skipif says why
        wanted = wanted or list(only.args if only else ())
        metafunc.parametrize("backend", wanted, scope="module")


def records_of(*paths: Path) -> list[StandardInput]:
    """Every record the real importers read from ``paths`` (rejections left out)."""
    found: list[StandardInput] = []
    for path in paths:
        found.extend(o.record for o in read_file(path) if o.record is not None)
    return found


class Catalogue:
    """A real catalogue in the test database and its search index on one backend."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def load(self, records: Iterable[StandardInput], *, rebuild: bool = True) -> list[int]:
        outcomes = await repository.upsert_standards(list(records))
        if rebuild:
            await search_service.rebuild_index(self.settings)
        return [o.id for o in outcomes if o.id is not None]

    async def load_files(self, *paths: Path) -> list[int]:
        return await self.load(records_of(*paths))

    async def search(self, q: str = "", *, page: int = 1, page_size: int = 10,
                     sort: SortOrder = SortOrder.RELEVANCE, today: dt.date | None = None,
                     **filters: Any) -> SearchResult:
        request = SearchRequest(q=q, filters=SearchFilters(**filters), page=page,
                                page_size=page_size, sort=sort)
        return await search_service.search(self.settings, request, today)

    async def codes(self, q: str = "", **kwargs: Any) -> list[str]:
        return [hit.normalized_code for hit in (await self.search(q, **kwargs)).hits]


@pytest.fixture
async def catalogue(db: None, settings: Settings, backend: str,
                    tmp_path: Path) -> AsyncIterator[Catalogue]:
    """An empty catalogue whose index (whoosh in a temp dir, or the PostgreSQL tables) is
    built by ``load``."""
    variant = dataclasses.replace(settings, home=tmp_path / "home", search_backend=backend)
    yield Catalogue(variant)
    await search_service.close_search(variant)
