"""Shapes of search: what is indexed, what a caller asks, what comes back (docs/json.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from search_index.vocab import MatchKind, SortOrder
from standards.vocab import Level, Status

MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # page * page_size beyond this is refused: nobody reads that deep


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """One standard edition as every backend indexes it (built by ``search_index.documents``).

    A dataclass, not a pydantic model: a rebuild makes 200,000 of them and they never cross
    the HTTP boundary.
    """

    id: int
    code: str
    normalized_code: str
    level: str
    prefix_keys: tuple[str, ...]  # compact prefix and its nature-less variant: gb/t, gb
    code_keys: tuple[str, ...]  # see search_index.codekeys
    family_compact: str  # for code-prefix search: gb/t7714
    number_compact: str  # for number-prefix search: 7714, 5606.1
    number_value: int  # 5606 of GB/T 5606.1: parts and code prefixes list in number order
    part_value: int  # 1 of GB/T 5606.1, else 0
    title_zh: str | None
    title_en: str | None
    body: str  # scope, drafting organizations, committee, department
    scope: str | None
    region_code: str | None
    industry_code: str | None
    ics: tuple[str, ...]
    ccs: str | None
    year: int | None
    effective_on: dt.date | None
    withdrawn_on: dt.date | None
    withdrawn_undated: bool
    dated_on: dt.date | None  # for sorting by date: implemented, else published, else 1 Jan
    extra: dict[str, str] = field(default_factory=dict)


class SearchFilters(BaseModel):
    """Filters applied as filters: they restrict the hits and never change scores."""

    level: Level | None = None
    status: Status | None = None
    prefix: str | None = Field(default=None, description="issuer prefix: GB/T, QC/T, DB22/T, ISO")
    region: str | None = Field(default=None, description="region code or its prefix: 22, 2201")
    industry: str | None = Field(default=None, description="industry code: QC, JB")
    ics: str | None = Field(default=None, description="ICS code or group: 91, 91.120, 91.120.25")
    ccs: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def is_empty(self) -> bool:
        return all(value is None for value in self.model_dump().values())


class SearchRequest(BaseModel):
    """A search as the API and the CLI pose it."""

    q: str = ""
    filters: SearchFilters = Field(default_factory=SearchFilters)
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE)
    sort: SortOrder = SortOrder.RELEVANCE
    facets: bool = True
    highlight: bool = True


class SearchHit(BaseModel):
    """One result (the keys of docs/json.md first)."""

    code: str
    title_zh: str | None
    title_en: str | None
    status: Status
    score: float
    highlights: dict[str, str] = Field(
        default_factory=dict,
        description="field -> HTML-escaped text with matched words in <mark>…</mark>",
    )
    id: int
    normalized_code: str
    level: Level
    year: int | None
    match: MatchKind


class SearchResult(BaseModel):
    """A page of results, best first, with facet counts over every match."""

    total: int
    hits: list[SearchHit]
    page: int
    page_size: int
    sort: SortOrder
    facets: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="level / status / year -> value -> matches"
    )
    relaxed: bool = Field(
        default=False,
        description="no standard had every word: these results have some of them",
    )
    backend: str
    took_ms: float


class IndexStatus(BaseModel):
    """What `stdtrack index status` reports."""

    backend: str
    location: str
    exists: bool
    documents: int | None = None
    database_documents: int | None = None
    schema_version: str | None = None
    expected_schema_version: str
    built_at: str | None = None
    updated_at: str | None = Field(default=None, description="the index's last write (UTC)")
    changed_since_update: int | None = Field(
        default=None, description="standards created or changed after the index's last write")
    unindexed_batches: list[int] = Field(
        default_factory=list,
        description="import batches (failed or interrupted) whose rows the index has not seen")
    stale: bool
    problems: list[str] = Field(default_factory=list)
    advice: list[str] = Field(
        default_factory=list,
        description="not problems: e.g. the catalogue has outgrown the embedded whoosh index")


class RebuildReport(BaseModel):
    """What a rebuild did."""

    backend: str
    documents: int
    seconds: float
    size_bytes: int | None = None
    location: str
