"""Errors raised by the search index.

StdtrackError (standards.errors)
└── SearchError
    ├── QueryError              a query that cannot be searched (too long, too many words,
    │                           page too deep, nothing to search for); the message says why
    ├── IndexUnavailableError   no index, or an index this version cannot read (rebuild it)
    └── IndexBuildError         a rebuild failed; the previous index is left in place
"""

from __future__ import annotations

from standards.errors import StdtrackError


class SearchError(StdtrackError):
    """Base of the search index's errors."""


class QueryError(SearchError, ValueError):
    """The query cannot be searched as given."""


class IndexUnavailableError(SearchError):
    """There is no usable index; ``stdtrack index rebuild`` makes one."""


class IndexBuildError(SearchError):
    """Building or swapping in a new index failed."""
