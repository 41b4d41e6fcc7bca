"""The one small interface every search backend implements (whoosh embedded, PostgreSQL).

Another embedded engine (tantivy, Xapian...) takes the place of whoosh by implementing these
methods over ``IndexDocument`` and ``SearchRequest``; query reading (``search_index.query``),
code keys, analysis and highlighting are shared and stay as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

from search_index.schemas import IndexDocument, RebuildReport, SearchRequest, SearchResult


class SearchEngine(Protocol):
    """A search backend. Every method may block on I/O but never blocks the event loop."""

    name: str

    @property
    def location(self) -> str:
        """Where the index lives (a directory, a table), for status output."""
        ...

    def expected_schema_version(self) -> str:
        """The schema version an index must carry to be current for this code."""
        ...

    async def search(self, request: SearchRequest, today: dt.date) -> SearchResult:
        """One page of results with total and facets.

        Raises:
            QueryError: the request cannot be searched (the message says why).
            IndexUnavailableError: there is no usable index.
        """
        ...

    async def upsert(self, documents: Sequence[IndexDocument], deleted: Sequence[int] = ()) -> None:
        """Index (or re-index) ``documents`` and drop the standards ``deleted``, at once."""
        ...

    async def rebuild(self, batches: AsyncIterator[list[IndexDocument]],
                      expected: int) -> RebuildReport:
        """Build a complete new index aside from ``batches`` and swap it in atomically.

        Raises:
            IndexBuildError: the build failed; the previous index is untouched.
        """
        ...

    async def describe(self) -> dict[str, Any]:
        """``exists``, ``documents``, ``schema_version``, ``built_at`` (and ``size_bytes``)."""
        ...

    async def close(self) -> None:
        """Release files, caches and connections."""
        ...
