"""The embedded backend: a whoosh index on disk, analyzed with jieba, searched by our evaluator.

Storage is plain whoosh (segments, term dictionary, postings, columns, stored fields), written
by whoosh's writers: ``procs=2, multisegment=True`` for a rebuild, one writer per import.

Searching does not use whoosh's matchers: scoring every match one posting at a time in Python
costs 44 ms (one frequent word) to 140 ms (two) at 200,000 standards, and the exact total and
the facet counts need every match anyway. Instead each term's postings are decoded block by
block into a dict (document -> BM25 score, status factor of the day included), cached per
index generation, and a query is set operations on those dicts (C speed): AND is an
intersection, filters are cached document sets, facets are counts over per-document columns
read in one go when a generation is opened (0.1 s at 200,000). whoosh's own pieces still do
the rest: term dictionary, prefix expansion, stored fields, writers, segment merging.

Layout on disk: ``<index_dir>/current`` is a symlink to ``gen-<stamp>``; a rebuild writes a new
generation beside it and swaps the link atomically (``os.replace``), so readers never see a
half-built index. Each generation has ``stdtrack-index.json`` (schema version, build time).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import heapq
import json
import logging
import math
import os
import secrets
import shutil
import sys
import threading
import time
from array import array
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import anyio
from whoosh import fields, index
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import NumericColumn
from whoosh.index import LockError
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from search_index import analysis, codekeys
from search_index.codekeys import CodeQuery, CodeTier, compact
from search_index.documents import SCOPE_STORED_CHARS
from search_index.errors import IndexBuildError, IndexUnavailableError, QueryError
from search_index.query import QueryPlan, parse_query
from search_index.results import CODE_TIER_BONUS, make_hit
from search_index.schemas import (
    MAX_RESULT_WINDOW,
    IndexDocument,
    RebuildReport,
    SearchFilters,
    SearchHit,
    SearchRequest,
    SearchResult,
)
from search_index.vocab import MatchKind, SortOrder
from standards.threads import run_to_end
from standards.vocab import Level, Status

log = logging.getLogger("stdtrack.search")

# Up to this many standards whoosh is the embedded default; above it the PostgreSQL backend
# (bench/bench_search.py, bench/scale.py: whoosh's p95 for two common words passes 100 ms
# near 200,000 documents on a 2-core machine, and its build takes minutes per 100,000)
COMFORTABLE_DOCUMENTS = 300_000
BACKEND = "whoosh"
SCHEMA_NAME = "whoosh-2"  # bump whenever the fields below change
META_FILE = "stdtrack-index.json"
CURRENT = "current"
REFRESH_SECONDS = 1.0
WRITER_WAIT_SECONDS = 900.0  # an update waits this long for a running rebuild
PARALLEL_BUILD_FROM = 5000  # documents; below this one writer is faster than forking two

TEXT_FIELDS = ("title_zh", "title_en", "body")
FIELD_WEIGHTS = {"title_zh": 1.0, "title_en": 1.0, "body": 0.3}
K1 = 1.2
B = 0.5  # titles are short: length matters, but 第1部分 should not sink a new edition
PARTS_FACTOR = 0.8  # a long word found only through its parts scores a little lower
STATUS_FACTOR = (1.0, 0.9, 0.5)  # current, upcoming, withdrawn: old editions sink
STATUS_CODES = (Status.CURRENT, Status.UPCOMING, Status.WITHDRAWN)
LISTED_KINDS = frozenset({MatchKind.PART, MatchKind.CODE_PREFIX})
YEAR_BASE = 1850  # years are counted as one byte above this
LEVEL_CODES: dict[str, int] = {level.value: i + 1 for i, level in enumerate(Level)}
LEVEL_NAMES: dict[int, str] = {code: name for name, code in LEVEL_CODES.items()}
CHAR_EXPANSION_LIMIT = 300  # terms a single-character query word may stand for
PREFIX_EXPANSION_LIMIT = 5000  # code keys a code prefix may expand to
CACHE_ENTRIES = 1_500_000  # postings kept decoded per process (about 150 MB at most)


def expected_schema_version() -> str:
    """The version string a usable index of this code must carry."""
    return f"{SCHEMA_NAME}/{codekeys.VERSION}/{analysis.analyzer_fingerprint()}"


# --------------------------------------------------------------------------------------------
# Schema and documents
# --------------------------------------------------------------------------------------------


class JiebaTokenizer(Tokenizer):
    """whoosh tokenizer over ``search_index.analysis`` (the whole analyzer: no filters)."""

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False,
        keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
        start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any,
    ) -> Iterable[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term in analysis.index_terms(value):
            token.text = term.text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar = start_char + term.start
                token.endchar = start_char + term.end
            yield token


def _schema() -> fields.Schema:
    def text() -> fields.TEXT:
        return fields.TEXT(analyzer=JiebaTokenizer(), phrase=False)

    def column(typecode: str) -> fields.COLUMN:
        return fields.COLUMN(NumericColumn(typecode))

    # No unique id field: 200,000 one-posting terms cost a third of the build time. Updates
    # find a standard's document through the ``sid`` column instead (``_docnums_of``).
    return fields.Schema(
        keys=fields.KEYWORD(lowercase=False),
        title_zh=text(),
        title_en=text(),
        body=text(),
        prefix=fields.KEYWORD(lowercase=False),
        ics=fields.KEYWORD(lowercase=False),
        ccs=fields.ID(),
        region=fields.ID(),
        industry=fields.ID(),
        sid=column("i"),
        level=column("B"),
        year=column("H"),
        eff=column("i"),
        wd=column("i"),
        dated=column("i"),
        num=column("i"),
        part=column("H"),
        display=fields.STORED(),
    )


def _ordinal(day: dt.date | None) -> int:
    return day.toordinal() if day else 0


def _fields(doc: IndexDocument) -> dict[str, Any]:
    """The whoosh fields of a document (None values left out)."""
    withdrawn = _ordinal(doc.withdrawn_on) or (1 if doc.withdrawn_undated else 0)
    values: dict[str, Any] = {
        "keys": " ".join(doc.code_keys),
        "prefix": " ".join(doc.prefix_keys),
        "sid": doc.id,
        "level": LEVEL_CODES.get(doc.level, 0),
        "year": doc.year or 0,
        "eff": _ordinal(doc.effective_on),
        "wd": withdrawn,
        "dated": _ordinal(doc.dated_on),
        "num": doc.number_value,
        "part": doc.part_value,
        "display": (doc.code, doc.normalized_code, doc.title_zh, doc.title_en,
                    doc.scope[:SCOPE_STORED_CHARS] if doc.scope else None),
    }
    for name, value in (("title_zh", doc.title_zh), ("title_en", doc.title_en),
                        ("body", doc.body), ("ccs", doc.ccs), ("region", doc.region_code),
                        ("industry", doc.industry_code)):
        if value:
            values[name] = value
    if doc.ics:
        values["ics"] = " ".join(doc.ics)
    return values


# --------------------------------------------------------------------------------------------
# Reading: one snapshot per index generation
# --------------------------------------------------------------------------------------------


def _load_numeric(reader: Any, doccount: int, typecode: str) -> array:
    """A whole fixed-width numeric column as an array, in one read (whoosh reads one value per
    call). ``reader`` is a ``NumericColumn.Reader`` or an ``EmptyColumnReader``."""
    values = array(typecode)
    raw_count = getattr(reader, "_count", 0)
    if raw_count:
        values.frombytes(reader._dbfile.get(reader._basepos, raw_count * reader._fixedlen))
        if sys.byteorder == "little" and values.itemsize > 1:
            values.byteswap()
    default = getattr(reader, "_default", 0) or 0
    if len(values) < doccount:
        values.extend([default] * (doccount - len(values)))
    return values


def _leaves(reader: Any) -> list[tuple[Any, int]]:
    return [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())


def _docnums_of(reader: Any, standard_ids: set[int]) -> list[int]:
    """Live document numbers (in ``reader``'s numbering) of the given standard ids."""
    found: list[int] = []
    for leaf, offset in _leaves(reader):
        count = leaf.doc_count_all()
        if count == 0:  # an empty index's reader has no columns
            continue
        sids = _load_numeric(leaf.column_reader("sid", translate=False), count, "i")
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
        found.extend(offset + local for local, sid in enumerate(sids)
                     if sid in standard_ids and local not in deleted)
    return found


class _LRU:
    """A size-bounded mapping, sized by the entries of the dicts and sets it holds."""

    def __init__(self, capacity: int) -> None:
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._size = 0
        self._capacity = capacity

    def get(self, key: Any) -> Any:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self._data[key] = value
        self._size += len(value) + 1
        while self._size > self._capacity and len(self._data) > 1:
            _, dropped = self._data.popitem(last=False)
            self._size -= len(dropped) + 1


class _Snapshot:
    """An opened index generation: the whoosh searcher, per-document columns, caches.

    whoosh readers move a file pointer while decoding, so one snapshot serves one search at a
    time (``lock``); that costs nothing under the GIL and each worker process has its own.
    """

    def __init__(self, path: Path, generation_dir: str) -> None:
        self.path = path
        self.generation_dir = generation_dir
        self.ix = index.open_dir(str(path))
        self.generation = self.ix.latest_generation()
        self.searcher = self.ix.searcher()
        self.reader = self.searcher.reader()
        self.lock = threading.Lock()
        self.closed = False
        self.leaves: list[tuple[Any, int]] = _leaves(self.reader)
        self.size = self.reader.doc_count_all()
        self.doc_count = self.reader.doc_count()
        self.deleted: set[int] = set()
        columns: dict[str, array] = {name: array(code) for name, code in (
            ("sid", "i"), ("level", "B"), ("year", "H"), ("eff", "i"), ("wd", "i"),
            ("dated", "i"), ("num", "i"), ("part", "H"))}
        lengths: dict[str, bytearray] = {name: bytearray() for name in TEXT_FIELDS}
        for leaf, offset in self.leaves:
            count = leaf.doc_count_all()
            if count == 0:  # an empty index (an empty catalogue) has a reader with no columns
                continue
            if leaf.has_deletions():
                self.deleted.update(offset + d for d in leaf.deleted_docs_set)
            for name, values in columns.items():
                column_reader = leaf.column_reader(name, translate=False)
                values.extend(_load_numeric(column_reader, count, values.typecode))
            for name, buffer in lengths.items():
                length_reader = leaf._perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
                buffer.extend(_load_numeric(length_reader, count, "B").tobytes()
                              if length_reader else bytes(count))
        self.sid = columns["sid"]
        self.level = bytes(columns["level"])
        self.year = columns["year"]
        self.year_code = bytes(year - YEAR_BASE if YEAR_BASE < year < YEAR_BASE + 256 else 0
                               for year in self.year)
        self._level_status: bytes = b""
        self.eff = columns["eff"]
        self.wd = columns["wd"]
        self.dated = columns["dated"]
        self.num = columns["num"]
        self.part = columns["part"]
        self.lengths = {name: bytes(buffer) for name, buffer in lengths.items()}
        self.k_table: dict[str, list[float]] = {}
        for name in TEXT_FIELDS:
            # average over the documents that have the field: most ISO records have no Chinese
            # title, and dividing by all of them would make every Chinese title look very long
            having = self.size - self.lengths[name].count(0)
            average = (self.reader.field_length(name) / having) if having else 1.0
            average = average or 1.0
            self.k_table[name] = [
                K1 * (1 - B + B * byte_to_length(byte) / average) for byte in range(256)]
        self._status_day: int | None = None
        self._level_status_day: int | None = None
        self._status: bytes = b""
        self._status_sets: dict[int, set[int]] = {}
        self.cache = _LRU(CACHE_ENTRIES)
        self.filter_cache = _LRU(CACHE_ENTRIES // 2)
        meta_path = path / META_FILE
        self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8")) \
            if meta_path.exists() else {}

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.searcher.close()
            self.ix.close()

    # ---- per-document facts -------------------------------------------------------------

    def status(self, today: dt.date) -> bytes:
        """Status code of every document on ``today`` (0 current, 1 upcoming, 2 withdrawn,
        3 deleted), computed once per day from the date columns."""
        day = today.toordinal()
        if self._status_day != day:
            codes = bytearray(self.size)
            eff, wd = self.eff, self.wd
            for doc in range(self.size):
                withdrawn = wd[doc]
                if withdrawn and withdrawn <= day:
                    codes[doc] = 2
                elif eff[doc] > day:
                    codes[doc] = 1
            for doc in self.deleted:
                codes[doc] = 3
            self._status = bytes(codes)
            self._status_day = day
            self._status_sets = {}
            self.cache = _LRU(CACHE_ENTRIES)  # cached scores carry the status factor of a day
        return self._status

    def level_status(self, today: dt.date) -> bytes:
        """``level * 4 + status`` of every document on ``today``: one pass counts both facets."""
        status = self.status(today)
        if len(self._level_status) != self.size or self._level_status_day != self._status_day:
            self._level_status = bytes(
                level * 4 + code for level, code in zip(self.level, status, strict=True))
            self._level_status_day = self._status_day
        return self._level_status

    def status_set(self, today: dt.date, code: int) -> set[int]:
        status = self.status(today)
        found = self._status_sets.get(code)
        if found is None:
            found = {doc for doc, value in enumerate(status) if value == code}
            self._status_sets[code] = found
        return found

    # ---- postings ------------------------------------------------------------------------

    def postings(self, field: str, term: str) -> tuple[array, array]:
        """Global document numbers and weights of a term, deleted documents left out."""
        ids = array("i")
        weights = array("f")
        for leaf, offset in self.leaves:
            try:
                matcher = leaf.postings(field, term)
            except TermNotFound:
                continue
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child
            while True:
                matcher._read_ids()
                matcher._read_weights()
                block_ids = matcher._ids
                if offset:
                    ids.extend(doc + offset for doc in block_ids)
                else:
                    ids.extend(block_ids)
                weights.extend(matcher._weights)
                if matcher._lastblock:
                    break
                matcher._goto(matcher._nextoffset)
        if self.deleted and ids:
            deleted = self.deleted
            keep = [i for i, doc in enumerate(ids) if doc not in deleted]
            ids = array("i", (ids[i] for i in keep))
            weights = array("f", (weights[i] for i in keep))
        return ids, weights

    def docs(self, field: str, term: str) -> set[int]:
        key = ("docs", field, term)
        found = self.cache.get(key)
        if found is None:
            found = set(self.postings(field, term)[0])
            self.cache.put(key, found)
        return found

    def _field_scores(self, field: str, term: str, status: bytes) -> dict[int, float]:
        """BM25 contribution of ``term`` in ``field`` per document, field weight and status
        factor applied (the factor is linear, so sums and maxima of these rank the same)."""
        ids, weights = self.postings(field, term)
        if not ids:
            return {}
        frequency = len(ids)
        idf = math.log(1 + (self.doc_count - frequency + 0.5) / (frequency + 0.5))
        factor = idf * (K1 + 1) * FIELD_WEIGHTS[field]
        k_table = self.k_table[field]
        lengths = self.lengths[field]
        by_status = [factor * value for value in STATUS_FACTOR] + [0.0]
        return {doc: by_status[status[doc]] * tf / (tf + k_table[lengths[doc]])
                for doc, tf in zip(ids, weights, strict=True)}

    def word_scores(self, term: str, today: dt.date) -> dict[int, float]:
        """Score of one index term over every text field (cached for the day)."""
        status = self.status(today)
        key = ("word", term)
        found = self.cache.get(key)
        if found is not None:
            return found
        found = {}
        for field in TEXT_FIELDS:
            scores = self._field_scores(field, term, status)
            if not found:
                found = scores
            elif scores:
                get = found.get
                found.update({doc: get(doc, 0.0) + value for doc, value in scores.items()})
        self.cache.put(key, found)
        return found

    def query_word_scores(self, word: analysis.QueryWord, today: dt.date) -> dict[int, float]:
        """Scores of a query word: the term itself, or all its dictionary parts (a little
        lower), or for a single Chinese character any term containing it (cached)."""
        if not word.parts and not _is_single_char(word.text):
            return self.word_scores(word.text, today)
        self.status(today)
        key = ("query-word", word.text, word.parts)
        found = self.cache.get(key)
        if found is not None:
            return found
        scores = self.word_scores(word.text, today)
        if word.parts:
            pieces = [self.word_scores(part, today) for part in word.parts]
            pieces.sort(key=len)
            common = set(pieces[0])
            for piece in pieces[1:]:
                common.intersection_update(piece)
            if common:
                via_parts = {doc: PARTS_FACTOR * sum(p[doc] for p in pieces) for doc in common}
                if scores:
                    get = via_parts.get
                    via_parts.update({doc: max(value, get(doc, 0.0))
                                      for doc, value in scores.items()})
                scores = via_parts
        else:
            merged = dict(scores)
            for term in self.terms_containing(word.text):
                for doc, value in self.word_scores(term, today).items():
                    if value > merged.get(doc, 0.0):
                        merged[doc] = value
            scores = merged
        self.cache.put(key, scores)
        return scores

    def ranked(self, word: analysis.QueryWord, today: dt.date) -> list[int]:
        """Documents of one query word, best score first (ties in any order), cached."""
        scores = self.query_word_scores(word, today)
        key = ("ranked", word.text, word.parts)
        found = self.cache.get(key)
        if found is None:
            found = sorted(scores, key=scores.__getitem__, reverse=True)
            self.cache.put(key, found)
        return found

    def expand_prefix(self, field: str, prefix: str, limit: int) -> list[str]:
        terms: list[str] = []
        for raw in self.reader.expand_prefix(field, prefix):
            terms.append(raw.decode("utf-8"))
            if len(terms) >= limit:
                break
        return terms

    def terms_containing(self, char: str) -> list[str]:
        """Title and body terms containing one Chinese character, most frequent first."""
        key = ("char", char)
        found = self.cache.get(key)
        if found is None:
            counts: Counter[str] = Counter()
            for field in TEXT_FIELDS:
                for raw in self.reader.lexicon(field):
                    term = raw.decode("utf-8")
                    if char in term:
                        counts[term] = max(counts[term], self.reader.doc_frequency(field, term))
            found = [term for term, _ in counts.most_common(CHAR_EXPANSION_LIMIT)]
            self.cache.put(key, found)
        return list(found)

    def stored(self, doc: int) -> tuple[Any, ...]:
        return tuple(self.searcher.stored_fields(doc)["display"])


# --------------------------------------------------------------------------------------------
# Evaluating a query on a snapshot
# --------------------------------------------------------------------------------------------


class _Evaluation:
    """One search on one snapshot: matches, scores, ranking, facets, hits."""

    def __init__(self, snapshot: _Snapshot, request: SearchRequest, plan: QueryPlan,
                 today: dt.date) -> None:
        self.snap = snapshot
        self.request = request
        self.plan = plan
        self.today = today
        self.status = snapshot.status(today)
        self.tier_of: dict[int, int] = {}
        self.tiers: list[CodeTier] = []
        self.listed_tiers: set[int] = set()
        self.text: dict[int, float] = {}
        self.relaxed = False

    # ---- filters -------------------------------------------------------------------------

    def _filter_key_docs(self, field: str, values: Iterable[str]) -> set[int]:
        found: set[int] = set()
        for value in values:
            found |= self.snap.docs(field, value)
        return found

    def _filter_set(self, filters: SearchFilters) -> set[int] | None:
        """Documents passing every filter (None: no filter), each filter cached."""
        snap = self.snap
        parts: list[set[int]] = []

        def cached(key: tuple[Any, ...], build: Callable[[], set[int]]) -> set[int]:
            found = snap.filter_cache.get(key)
            if found is None:
                found = build()
                snap.filter_cache.put(key, found)
            return found

        if filters.level is not None:
            code = LEVEL_CODES[filters.level.value]
            parts.append(cached(("level", code), lambda: {
                doc for doc, value in enumerate(snap.level) if value == code}))
        if filters.status is not None:
            parts.append(snap.status_set(self.today, STATUS_CODES.index(filters.status)))
        if filters.prefix:
            parts.append(snap.docs("prefix", compact(filters.prefix)))
        if filters.industry:
            parts.append(snap.docs("industry", filters.industry.strip().upper()))
        if filters.ccs:
            parts.append(snap.docs("ccs", filters.ccs.strip().upper()))
        if filters.region:
            region = filters.region.strip()
            parts.append(cached(("region", region), lambda: self._filter_key_docs(
                "region", snap.expand_prefix("region", region, 100000))))
        if filters.ics:
            ics = filters.ics.strip()
            parts.append(cached(("ics", ics), lambda: self._filter_key_docs("ics", [
                term for term in snap.expand_prefix("ics", ics, 100000)
                if term == ics or term.startswith(ics + ".")])))
        if filters.year_from is not None or filters.year_to is not None:
            low = filters.year_from or 1
            high = filters.year_to or 9999
            parts.append(cached(("year", low, high), lambda: {
                doc for doc, year in enumerate(snap.year) if low <= year <= high}))
        if not parts:
            return None
        parts.sort(key=len)
        result = set(parts[0])
        for part in parts[1:]:
            result &= part
        return result

    # ---- matching ------------------------------------------------------------------------

    def _word(self, word: analysis.QueryWord) -> dict[int, float]:
        return self.snap.query_word_scores(word, self.today)

    def _text_matches(self) -> dict[int, float]:
        words = [self._word(word) for word in self.plan.words]
        if not words:
            return {}
        order = sorted(range(len(words)), key=lambda i: len(words[i]))
        common = set(words[order[0]])
        for i in order[1:]:
            common.intersection_update(words[i])
            if not common:
                break
        if common:
            if len(words) == 1:
                scores = words[0]
            else:
                scores = {doc: sum(w[doc] for w in words) for doc in common}
        elif len(words) > 1 and not self.plan.codes:
            self.relaxed = True
            scores = {}
            for w in words:
                get = scores.get
                scores.update({doc: get(doc, 0.0) + value for doc, value in w.items()})
        else:
            return {}
        if self.plan.optional:
            scores = dict(scores)
            for word in self.plan.optional:  # the character itself, not every word holding it
                extra = self.snap.word_scores(word.text, self.today)
                for doc in scores.keys() & extra.keys():
                    scores[doc] += extra[doc]
        return scores

    def _code_matches(self) -> None:
        snap = self.snap
        tiers: list[CodeTier] = []
        for code in self.plan.codes:
            tiers.extend(code.tiers())
        self.tiers = tiers
        self.listed_tiers = {i for i, tier in enumerate(tiers) if tier.kind in LISTED_KINDS}
        tier_of = self.tier_of
        for index_, tier in enumerate(tiers):
            keys = list(tier.keys)
            if tier.prefix:
                keys = snap.expand_prefix("keys", tier.prefix, PREFIX_EXPANSION_LIMIT)
            for key in keys:
                for doc in snap.docs("keys", key):
                    if tier.year is not None and snap.year[doc] != tier.year:
                        continue
                    if doc not in tier_of:
                        tier_of[doc] = index_

    def _phrase_filter(self, docs: Iterable[int]) -> set[int]:
        kept = set()
        phrases = self.plan.phrases
        for doc in docs:
            _, _, title_zh, title_en, scope = self.snap.stored(doc)
            text = analysis.normalize(" ".join(t for t in (title_zh, title_en, scope) if t))
            text = " ".join(text.split())
            if all(phrase in text for phrase in phrases):
                kept.add(doc)
        return kept

    def run(self) -> SearchResult:
        started = time.perf_counter()
        request = self.request
        plan = self.plan
        window = request.page * request.page_size
        if window > MAX_RESULT_WINDOW:
            raise QueryError(
                f"翻页过深 / page too deep: page × page_size must stay within {MAX_RESULT_WINDOW}")
        allowed = self._filter_set(request.filters)
        if plan.codes:
            self._code_matches()
        if plan.words:
            self.text = self._text_matches()
        matched: Collection[int]
        if plan.is_empty:
            if plan.text:  # only stop words or punctuation: nothing can match
                matched = set()
            elif allowed is None:
                raise QueryError("请输入检索词或筛选条件 / give words, a code or a filter")
            else:
                status = self.status
                matched = {doc for doc in allowed if status[doc] != 3}
        elif not self.tier_of and allowed is None and not plan.phrases:
            matched = self.text.keys()  # the common case: no copy of a possibly large dict
        else:
            matched = set(self.text)
            matched.update(self.tier_of)
            if allowed is not None:
                matched &= allowed
            if plan.phrases and matched:
                matched = self._phrase_filter(matched)
        ranked = self._top(matched, window)
        hits = [self._hit(doc) for doc in ranked[(request.page - 1) * request.page_size :]]
        facets = self._facets(matched) if request.facets else {}
        return SearchResult(
            total=len(matched), hits=hits, page=request.page, page_size=request.page_size,
            sort=request.sort, facets=facets, relaxed=self.relaxed, backend=BACKEND,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    # ---- ranking -------------------------------------------------------------------------

    def _full_key(self, doc: int) -> tuple[Any, ...]:
        """The complete order: tier, score, status, newest year, standard id (never the
        document number, which differs between rebuilds)."""
        snap = self.snap
        value = self.text.get(doc, 0.0)
        if self.request.sort is SortOrder.DATE:
            return (-snap.dated[doc], -value, snap.sid[doc])
        tier = self.tier_of.get(doc, 99)
        if tier in self.listed_tiers:  # parts and code prefixes read best in number order
            return (tier, snap.num[doc], snap.part[doc], -value, self.status[doc],
                    -snap.year[doc], snap.sid[doc])
        return (tier, -value, self.status[doc], -snap.year[doc], snap.sid[doc])

    def _top(self, matched: Collection[int], count: int) -> list[int]:
        """The first ``count`` documents in order. Candidates are cut by the first key only,
        keeping every document tied at the cut, then sorted by the full key."""
        if not matched:
            return []
        if len(matched) <= max(count * 4, 64):
            return sorted(matched, key=self._full_key)[:count]
        snap = self.snap
        text = self.text
        candidates: list[int]
        if self.request.sort is SortOrder.DATE:
            candidates = _best(matched, count, snap.dated.__getitem__)
        elif self.tier_of:
            tier_of = self.tier_of
            coded = [doc for doc in matched if doc in tier_of]
            if len(coded) >= count:
                candidates = _best(coded, count, lambda doc: -tier_of[doc])
            else:
                rest = [doc for doc in matched if doc not in tier_of]
                candidates = coded + _best(rest, count - len(coded), text.__getitem__)
        elif len(self.plan.words) == 1 and not self.relaxed and not self.plan.optional:
            candidates = self._walk_ranked(matched, count)
        else:
            candidates = _best(matched, count, text.__getitem__)
        return sorted(candidates, key=self._full_key)[:count]

    def _walk_ranked(self, matched: Collection[int], count: int) -> list[int]:
        """Best documents of a one-word query from that word's cached order."""
        text = self.text
        order = self.snap.ranked(self.plan.words[0], self.today)
        everything = matched is text.keys()
        taken: list[int] = []
        floor = None
        for doc in order:
            if not everything and doc not in matched:
                continue
            value = text[doc]
            if floor is not None and value < floor:
                break
            taken.append(doc)
            if len(taken) == count:
                floor = value
        return taken

    # ---- output --------------------------------------------------------------------------

    def _facets(self, matched: Collection[int]) -> dict[str, dict[str, int]]:
        snap = self.snap
        combined = snap.level_status(self.today)
        codes = Counter(bytes(map(combined.__getitem__, matched)))
        years = Counter(bytes(map(snap.year_code.__getitem__, matched)))
        levels: Counter[str] = Counter()
        statuses: Counter[str] = Counter()
        for code, n in codes.items():
            level, status = divmod(code, 4)
            if status < 3:
                levels[LEVEL_NAMES.get(level, Level.OTHER.value)] += n
                statuses[STATUS_CODES[status].value] += n
        return {
            "level": dict(sorted(levels.items(), key=lambda item: (-item[1], item[0]))),
            "status": {s.value: statuses[s.value] for s in STATUS_CODES if statuses[s.value]},
            "year": {str(YEAR_BASE + code): n for code, n in sorted(years.items(), reverse=True)
                     if code},
        }

    def _hit(self, doc: int) -> SearchHit:
        snap = self.snap
        code, normalized, title_zh, title_en, scope = snap.stored(doc)
        tier = self.tier_of.get(doc)
        kind = self.tiers[tier].kind if tier is not None else MatchKind.TEXT
        return make_hit(
            plan=self.plan, highlight=self.request.highlight, standard_id=snap.sid[doc],
            code=code, normalized_code=normalized, title_zh=title_zh, title_en=title_en,
            scope=scope, level=LEVEL_NAMES.get(snap.level[doc], Level.OTHER.value),
            year=snap.year[doc], status=STATUS_CODES[self.status[doc]], kind=kind,
            text_score=self.text.get(doc, 0.0),
            tier_bonus=CODE_TIER_BONUS * (len(self.tiers) - tier) if tier is not None else 0.0,
        )


def _is_single_char(text: str) -> bool:
    return len(text) == 1 and analysis.CJK_RUN.match(text) is not None


def _best(docs: Iterable[int], count: int, key: Callable[[int], Any]) -> list[int]:
    """The ``count`` documents with the largest ``key`` plus every one tied with the last."""
    docs = list(docs)
    if len(docs) <= count:
        return docs
    cut = heapq.nlargest(count, docs, key=key)
    floor = key(cut[-1])
    return [doc for doc in docs if key(doc) >= floor]


# --------------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------------


class _WriterLock:
    """An inter-process lock over the index root (``flock``). A rebuild holds it from its start
    to the swap and an update while it writes, so no update lands in a generation that is
    about to be replaced: an import during a rebuild waits, then writes into the new one."""

    def __init__(self, root: Path) -> None:
        self.path = root / ".writers.lock"
        self._handle: Any = None

    def acquire(self, timeout: float = WRITER_WAIT_SECONDS) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a")  # held until release()
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() > deadline:
                    handle.close()
                    raise IndexBuildError(
                        f"the search index is busy: another rebuild or import has been "
                        f"writing it for {timeout:.0f} s") from exc
                time.sleep(0.1)
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def _write_meta(generation: Path, meta: dict[str, Any]) -> None:
    """Replace a generation's meta file atomically (a reader never sees half of it)."""
    partial = generation / f".{META_FILE}.{secrets.token_hex(4)}"
    partial.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(partial, generation / META_FILE)


class _Build:
    """An index being written aside (one thread drives it; children do the analysis)."""

    def __init__(self, path: Path, procs: int) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.ix = index.create_in(str(path), _schema())
        if procs > 1:
            analysis.warm_up()  # forked writers inherit the loaded dictionary
            self.writer = self.ix.writer(procs=procs, multisegment=True, limitmb=1024)
        else:
            self.writer = self.ix.writer(limitmb=256)
        self.count = 0
        self.finished = False

    def add(self, documents: Sequence[IndexDocument]) -> None:
        add = self.writer.add_document
        for doc in documents:
            add(**_fields(doc))
        self.count += len(documents)

    def commit(self) -> None:
        self.writer.commit()
        now = dt.datetime.now(dt.UTC)
        meta = {
            "backend": BACKEND,
            "schema_version": expected_schema_version(),
            "built_at": now.isoformat(timespec="seconds"),
            "updated_at": now.isoformat(),
            "documents": self.count,
        }
        _write_meta(self.path, meta)
        self.ix.close()
        self.finished = True

    def cancel(self) -> None:
        """Drop the generation being written. The parallel writer's own cancel only flags
        its children; they are stopped here before their files are removed under them."""
        try:
            children = getattr(self.writer, "tasks", ())
            for child in children:
                if child.is_alive():
                    child.terminate()
            for child in children:
                child.join(10)
            self.writer.cancel()
        except Exception as exc:  # the generation goes anyway; the error of the write stands
            log.warning("dropping an unfinished index generation: %s", exc)
        finally:
            self.ix.close()
            shutil.rmtree(self.path, ignore_errors=True)


class WhooshEngine:
    """The embedded search engine over ``root`` (``STDTRACK_HOME/index``)."""

    name = BACKEND

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._snapshot: _Snapshot | None = None
        self._checked = 0.0
        self._open_lock = threading.Lock()

    @property
    def location(self) -> str:
        return str(self.root)

    def expected_schema_version(self) -> str:
        return expected_schema_version()

    # ---- generations ---------------------------------------------------------------------

    def _current_target(self) -> str | None:
        try:
            return os.readlink(self.root / CURRENT)
        except (FileNotFoundError, NotADirectoryError, OSError):
            return None

    def _snapshot_now(self, force: bool = False) -> _Snapshot:
        """The snapshot of the newest generation, reopened when the index changed (checked at
        most every ``REFRESH_SECONDS`` unless ``force``).

        Raises:
            IndexUnavailableError: there is no index, or it cannot be opened.
        """
        now = time.monotonic()
        snap = self._snapshot
        if snap is not None and not force and now - self._checked < REFRESH_SECONDS:
            return snap
        with self._open_lock:
            snap = self._snapshot
            target = self._current_target()
            if target is None:
                raise IndexUnavailableError(
                    f"检索索引不存在 / the search index is missing ({self.root}): "
                    "run `stdtrack index rebuild`")
            self._checked = now
            if snap is not None and snap.generation_dir == target:
                try:
                    if snap.ix.latest_generation() == snap.generation:
                        return snap
                except OSError:
                    pass
            try:
                fresh = _Snapshot(self.root / CURRENT, target)
            except Exception as exc:  # whoosh raises bare Exceptions for damaged indexes
                raise IndexUnavailableError(
                    f"检索索引无法打开 / the search index cannot be opened ({exc}): "
                    "run `stdtrack index rebuild`") from exc
            self._snapshot = fresh
            if snap is not None:
                snap.close()
            return fresh

    # ---- searching -----------------------------------------------------------------------

    def search_sync(self, request: SearchRequest, today: dt.date) -> SearchResult:
        """Run one search (blocking; call it off the event loop).

        Raises:
            QueryError: the query cannot be searched (message says why).
            IndexUnavailableError: no usable index.
        """
        plan = parse_query(request.q)
        while True:
            snap = self._snapshot_now()
            with snap.lock:
                if not snap.closed:  # else a newer generation replaced it meanwhile
                    return _Evaluation(snap, request, plan, today).run()

    async def search(self, request: SearchRequest, today: dt.date) -> SearchResult:
        return await anyio.to_thread.run_sync(self.search_sync, request, today)

    # ---- writing -------------------------------------------------------------------------

    def exists(self) -> bool:
        return self._current_target() is not None

    def upsert_sync(self, documents: Sequence[IndexDocument], deleted: Sequence[int] = ()) -> None:
        """Replace (or add) ``documents`` and drop ``deleted`` ids, in one commit."""
        if not documents and not deleted:
            return
        if not self.exists():
            raise IndexUnavailableError(
                f"检索索引不存在 / the search index is missing ({self.root}): "
                "run `stdtrack index rebuild`")
        lock = _WriterLock(self.root)
        lock.acquire()
        try:
            ix = index.open_dir(str(self.root / CURRENT))
            try:
                try:
                    writer = ix.writer(timeout=120.0, delay=0.05)
                except LockError as exc:
                    raise IndexBuildError(
                        "the search index is locked by another writer (an import or a "
                        "rebuild still running?)") from exc
                try:
                    replaced = {doc.id for doc in documents} | set(deleted)
                    with writer.reader() as reader:
                        stale = _docnums_of(reader, replaced)
                    for docnum in stale:
                        writer.delete_document(docnum)
                    for doc in documents:
                        writer.add_document(**_fields(doc))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
            finally:
                ix.close()
            # when the index last took in a change: `index status` compares the catalogue's
            # own change times with it
            generation = self.root / CURRENT
            meta_path = generation / META_FILE
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() \
                else {}
            _write_meta(generation, {**meta, "updated_at": dt.datetime.now(dt.UTC).isoformat()})
        finally:
            lock.release()
        self._snapshot_now(force=True)

    async def upsert(self, documents: Sequence[IndexDocument], deleted: Sequence[int] = ()) -> None:
        await run_to_end(self.upsert_sync, documents, deleted)

    async def rebuild(self, batches: AsyncIterator[list[IndexDocument]],
                      expected: int) -> RebuildReport:
        """Build a new generation aside from ``batches``, then swap it in atomically.

        Raises:
            IndexBuildError: writing failed; the previous index stays in place.
        """
        started = time.perf_counter()
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        path = self.root / f"gen-{stamp}-{secrets.token_hex(3)}"
        procs = 2 if expected >= PARALLEL_BUILD_FROM and (os.cpu_count() or 1) > 1 else 1
        lock = _WriterLock(self.root)
        try:
            # every step runs to its end even when the task is cancelled (a cancelled job):
            # the clean-up below must not remove the generation under a thread still in it
            await run_to_end(lock.acquire)
            build = await run_to_end(_Build, path, procs)
            try:
                async for batch in batches:
                    await run_to_end(build.add, batch)
                # once every batch is in, the generation is finished and put in place even
                # when a cancellation arrives meanwhile (raised after it): the index then
                # holds every row the cancelled import had already written
                await run_to_end(self._finish, build, path)
            except BaseException as exc:
                if not build.finished:
                    await run_to_end(build.cancel)
                if isinstance(exc, Exception):
                    raise IndexBuildError(f"index rebuild failed: {exc}") from exc
                raise
        finally:
            lock.release()
        size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        return RebuildReport(backend=BACKEND, documents=build.count,
                             seconds=round(time.perf_counter() - started, 2), size_bytes=size,
                             location=str(path))

    def _finish(self, build: _Build, path: Path) -> None:
        build.commit()
        self._swap(path)

    def _swap(self, path: Path) -> None:
        link = self.root / f".current-{secrets.token_hex(4)}"
        os.symlink(path.name, link)
        os.replace(link, self.root / CURRENT)
        self._snapshot_now(force=True)  # this process lets go of the old generation first
        # Older generations go: a process still searching one keeps its open files (POSIX
        # keeps an unlinked file's data while it is open) and moves to the new generation
        # at its next check.
        for old in self.root.glob("gen-*"):
            if old.name != path.name:
                shutil.rmtree(old, ignore_errors=True)

    # ---- facts ---------------------------------------------------------------------------

    def describe_sync(self) -> dict[str, Any]:
        """Documents, schema version and build time of the current generation."""
        if not self.exists():
            return {"exists": False}
        snap = self._snapshot_now(force=True)
        return {
            "exists": True,
            "documents": snap.doc_count,
            "schema_version": snap.meta.get("schema_version"),
            "built_at": snap.meta.get("built_at"),
            "updated_at": snap.meta.get("updated_at"),
            "size_bytes": sum(f.stat().st_size for f in (self.root / CURRENT).iterdir()
                              if f.is_file()),
        }

    async def describe(self) -> dict[str, Any]:
        return await anyio.to_thread.run_sync(self.describe_sync)

    def close_sync(self) -> None:
        with self._open_lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None

    async def close(self) -> None:
        await anyio.to_thread.run_sync(self.close_sync)


__all__ = ["BACKEND", "CodeQuery", "WhooshEngine", "expected_schema_version"]
