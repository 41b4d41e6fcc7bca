"""The PostgreSQL backend (``STDTRACK_SEARCH=postgres``): every app host shares one index.

Text is analyzed in Python exactly as for whoosh (jieba words, dictionary parts, English stems)
and stored as a ``tsvector`` built from those terms (titles weight A, scope and drafters C), so
PostgreSQL never segments Chinese itself; a GIN index serves ``@@``. Codes are keys in a
``text[]`` with a GIN index (the same keys as whoosh, ``search_index.codekeys``), and code
prefixes are ranges on ``COLLATE "C"`` b-tree columns. One statement returns the page of hits
and the facet counts. ``search_lexeme`` (every indexed term with its document count) lets a
single Chinese character stand for the words containing it, as in whoosh. A search that counts
many matches keeps its answer in ``search_answer`` until the index is next written (see
``ANSWER_FROM``).

A rebuild copies everything into ``search_document_build`` (binary COPY through a staging
table), indexes it, and renames it into place in one transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import secrets
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from search_index import analysis, codekeys
from search_index.codekeys import CodeTier
from search_index.errors import IndexBuildError, IndexUnavailableError, QueryError
from search_index.query import QueryPlan, parse_query
from search_index.results import CODE_TIER_BONUS, make_hit
from search_index.schemas import (
    MAX_RESULT_WINDOW,
    IndexDocument,
    RebuildReport,
    SearchFilters,
    SearchRequest,
    SearchResult,
)
from search_index.vocab import MatchKind, SortOrder
from standards.vocab import Status

BACKEND = "postgres"
SCHEMA_NAME = "postgres-4"  # bump whenever the table below changes
TABLE = "search_document"
LEXEME_TABLE = "search_lexeme"
FACET_TABLE = "search_term_facet"
TOP_TABLE = "search_term_top"
META_TABLE = "search_meta"
RANK_WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"  # D, C, B, A: titles are A, scope and drafters C
STATUS_CODES = (Status.CURRENT, Status.UPCOMING, Status.WITHDRAWN)
LISTED_KINDS = frozenset({MatchKind.PART, MatchKind.CODE_PREFIX})  # listed in number order
CHAR_EXPANSION_LIMIT = 300
WRITER_LOCK = 0x53_54_44_53_45_41_52  # advisory lock key ("STDSEAR") of writers of the index
CANDIDATES = 400  # matches ranked exactly (by ts_rank) per search: see _statement
CHAR_CACHE_SECONDS = 60.0
MAX_POSITION = 16383
# A term in at least HOT_FROM documents is "kept": its facet counts (FACET_TABLE) and its
# KEPT_TOP documents of best title norm (TOP_TABLE), so a search for it alone reads a few
# hundred counts and ranks the best CANDIDATES of those documents, instead of visiting every
# match (技术, in 264,000 of a province's 1 M standards: 0.5-2.6 s counting, 14 ms kept).
# Walking an index on the title norm instead is only cheap for terms spread evenly over
# titles: one frequent in long titles (测定) walked 200 ms before meeting enough matches.
HOT_FROM = 5_000
KEPT_TOP = 3 * CANDIDATES
# A search (other than of one kept term) that counts at least ANSWER_FROM matches keeps its
# answer (its rows: the page and the counts) in ANSWER_TABLE under the index's generation
# (META_TABLE), which every write of the index bumps, emptying the table: asked again, by any
# host, it is read back (技术 要求, 89,000 of a province's 1 M standards: 250 ms counted under
# load, 2 ms kept). At most ANSWERS_KEPT answers stay, the latest.
ANSWER_TABLE = "search_answer"
ANSWER_FROM = HOT_FROM
ANSWERS_KEPT = 1_000
# A rebuild of at least this many documents analyzes them (jieba) in worker processes, one per
# core, while this one copies the previous batches: analysis is most of a rebuild's time.
PARALLEL_FROM = 50_000

# The staging table has every column (``tsv`` as text); a rebuild splits it into the narrow
# table that queries scan (filters, facets, status dates as day numbers, codes, tsvector) and the
# display table read only for the page of hits. Narrow rows halve the pages a frequent word visits.
STAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "integer"),
    ("level", "text"),
    ("year", "integer"),
    ("eff", "integer"),  # effective day (date ordinal) or 0
    ("wd", "integer"),  # withdrawn day, 1 when withdrawn without a date, else 0
    ("dated", "integer"),  # for sorting by date
    ("num", "integer"),  # number and part as integers: parts and code prefixes list in order
    ("part", "integer"),
    ("tnorm", "real"),  # 1 / (1 + ln(1 + terms in the title)): shorter titles rank higher
    ("prefix_keys", "text[]"),
    ("code_keys", "text[]"),
    ("family_compact", 'text COLLATE "C"'),
    ("number_compact", 'text COLLATE "C"'),
    ("region_code", "text"),
    ("industry_code", "text"),
    ("ics", "text[]"),
    ("ccs", "text"),
    ("tsv", "text"),
    ("code", "text"),
    ("normalized_code", "text"),
    ("title_zh", "text"),
    ("title_en", "text"),
    ("scope", "text"),
    ("phrase_text", "text"),
)
STAGE_NAMES = tuple(name for name, _ in STAGE_COLUMNS)
SEARCH_COLUMNS = STAGE_NAMES[: STAGE_NAMES.index("tsv") + 1]
DISPLAY_COLUMNS = ("id", *STAGE_NAMES[STAGE_NAMES.index("tsv") + 1 :])
DISPLAY_TABLE = "search_display"
INDEXES = (
    ("tsv", "USING gin (tsv)"),
    ("keys", "USING gin (code_keys)"),
    ("family", "(family_compact)"),
    ("number", "(number_compact)"),
)
# JIT compiles for 20 ms to save less; a parallel scan ships every match through a queue.
SEARCH_SETTINGS = ("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; "
                   "SET LOCAL max_parallel_workers_per_gather = 0")


def expected_schema_version() -> str:
    return f"{SCHEMA_NAME}/{codekeys.VERSION}/{analysis.analyzer_fingerprint()}"


# --------------------------------------------------------------------------------------------
# Documents as rows
# --------------------------------------------------------------------------------------------


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_text(doc: IndexDocument) -> tuple[str, set[str], float]:
    """The tsvector literal of a document (titles weight A, body C), its distinct terms, and
    its title-length norm (over the mean length of its titles: ts_rank cannot tell which title
    matched, and whoosh scores each title on its own length)."""
    positions: dict[str, list[str]] = {}
    base = 1
    title_lengths: list[int] = []
    for value, weight in ((doc.title_zh, "A"), (doc.title_en, "A"), (doc.body, "C")):
        last = 0
        terms = analysis.index_terms(value)
        if weight == "A" and terms:
            title_lengths.append(len({term.pos for term in terms}))
        for term in terms:
            position = min(base + term.pos, MAX_POSITION)
            last = max(last, term.pos)
            entry = positions.setdefault(term.text, [])
            mark = f"{position}{weight}"
            if mark not in entry:
                entry.append(mark)
        base = min(base + last + 2, MAX_POSITION)
    text = " ".join(f"{_lexeme(term)}:{','.join(marks[:256])}" for term, marks in positions.items())
    mean = sum(title_lengths) / len(title_lengths) if title_lengths else 0.0
    return text, set(positions), 1.0 / (1.0 + math.log1p(mean))


def _phrase_text(doc: IndexDocument) -> str:
    joined = " ".join(part for part in (doc.title_zh, doc.title_en, doc.scope) if part)
    return " ".join(analysis.normalize(joined).split())


def _status_sql(day: str) -> str:
    """A document's status on day number ``day``: 0 current, 1 upcoming, 2 withdrawn (an index
    into ``STATUS_CODES``), from its ``eff`` and ``wd`` (or a facet row's)."""
    return f"CASE WHEN wd <> 0 AND wd <= {day} THEN 2 WHEN eff > {day} THEN 1 ELSE 0 END"


def _facet_rows_sql(table: str, documents: str, terms: str, built: str, sign: str = "") -> str:
    """The kept facet rows (term, level, year, eff, wd, n) of the documents of ``table`` that
    meet ``documents`` (alias ``s``), for the terms that meet ``terms`` (alias ``t``).

    Dates up to the build day ``built`` are folded (an edition in force by then: ``eff`` 0;
    withdrawn by then: ``wd`` 1), so a term has a few hundred rows, not one per date. Any day
    from ``built`` on reads the same statuses from folded rows as from the documents' dates
    (``_status_sql``); an earlier day is searched without them."""
    return (f"SELECT t.term, COALESCE(s.level, ''), COALESCE(s.year, 0), "
            f"CASE WHEN s.eff <= {built} THEN 0 ELSE s.eff END AS feff, "
            f"CASE WHEN s.wd <> 0 AND s.wd <= {built} THEN 1 ELSE s.wd END AS fwd, "
            f"{sign}count(*) FROM {table} s "
            "CROSS JOIN LATERAL unnest(tsvector_to_array(s.tsv)) AS t(term) "
            f"WHERE {documents} AND {terms} GROUP BY 1, 2, 3, 4, 5")


def _top_rows_sql(table: str, documents: str, terms: str) -> str:
    """(term, tnorm, id) of the documents of ``table`` meeting ``documents`` (alias ``s``) for
    the terms meeting ``terms`` (alias ``t``)."""
    return (f"SELECT t.term, s.tnorm, s.id FROM {table} s "
            "CROSS JOIN LATERAL unnest(tsvector_to_array(s.tsv)) AS t(term) "
            f"WHERE {documents} AND {terms}")


KEPT_TERM = f"EXISTS (SELECT 1 FROM {FACET_TABLE} f WHERE f.term = t.term)"


def _facet_delta_sql(sign: str) -> str:
    """Add (``sign`` "") or take away ("-") the kept counts of the documents whose ids are $1,
    as they are in ``TABLE`` now, for the terms already kept (built on day number $2)."""
    rows = _facet_rows_sql(TABLE, "s.id = ANY($1::int[])", KEPT_TERM, "$2", sign)
    return (f"INSERT INTO {FACET_TABLE} AS k (term, level, year, eff, wd, n) {rows} "
            "ON CONFLICT (term, level, year, eff, wd) DO UPDATE SET n = k.n + excluded.n")


def _ordinal(day: dt.date | None) -> int:
    return day.toordinal() if day else 0


def document_rows(batch: Sequence[IndexDocument]) -> tuple[list[tuple[Any, ...]], Counter[str]]:
    """The staging rows of a batch and how many of its documents hold each term (run in a
    worker process by large rebuilds)."""
    rows = []
    terms: Counter[str] = Counter()
    for doc in batch:
        row, doc_terms = document_row(doc)
        rows.append(row)
        terms.update(doc_terms)
    return rows, terms


def document_row(doc: IndexDocument) -> tuple[tuple[Any, ...], set[str]]:
    """The staging row of a document (``STAGE_COLUMNS``) and its distinct terms."""
    tsv, terms, norm = tsvector_text(doc)
    withdrawn = _ordinal(doc.withdrawn_on) or (1 if doc.withdrawn_undated else 0)
    row = (
        doc.id, doc.level, doc.year, _ordinal(doc.effective_on), withdrawn,
        _ordinal(doc.dated_on), doc.number_value, doc.part_value, norm, list(doc.prefix_keys),
        list(doc.code_keys), doc.family_compact, doc.number_compact, doc.region_code,
        doc.industry_code, list(doc.ics), doc.ccs, tsv,
        doc.code, doc.normalized_code, doc.title_zh, doc.title_en, doc.scope, _phrase_text(doc),
    )
    return row, terms


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


class _Params:
    """Positional parameters ($1, $2...) collected while a statement is written."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def _prefix_range(column: str, prefix: str, p: _Params) -> str:
    """``column`` starts with ``prefix``, as a b-tree range on a C-collated column."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return f"({column} >= {p(prefix)} AND {column} < {p(upper)})"


def _tier_condition(tier: CodeTier, p: _Params) -> str:
    if tier.prefix:
        kind, _, value = tier.prefix.partition(":")
        column = "number_compact" if kind == "n" else "family_compact"
        return _prefix_range(column, value, p)
    condition = f"code_keys && {p(list(tier.keys))}::text[]"
    if tier.year is not None:
        condition = f"({condition} AND year = {p(tier.year)})"
    return condition


def _word_query(word: analysis.QueryWord, expansions: dict[str, list[str]]) -> str:
    alternatives = [_lexeme(word.text)]
    if word.parts:
        alternatives.append("(" + " & ".join(_lexeme(part) for part in word.parts) + ")")
    alternatives.extend(_lexeme(term) for term in expansions.get(word.text, ())
                        if term != word.text)
    return alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"


def _total(rows: list[Any]) -> int:
    """Matches counted by the statement: the sum of one facet, or the plain total."""
    level_rows = [row for row in rows if row["kind"] == "facet" and not row["g_level"]]
    if level_rows:
        return sum(int(row["n"]) for row in level_rows)
    return sum(int(row["n"]) for row in rows if row["kind"] == "total")


def _filters_sql(filters: SearchFilters, p: _Params) -> list[str]:
    where: list[str] = []
    if filters.level is not None:
        where.append(f"level = {p(filters.level.value)}")
    if filters.prefix:
        where.append(f"prefix_keys @> ARRAY[{p(filters.prefix.replace(' ', '').lower())}]")
    if filters.industry:
        where.append(f"industry_code = {p(filters.industry.strip().upper())}")
    if filters.ccs:
        where.append(f"ccs = {p(filters.ccs.strip().upper())}")
    if filters.region:
        where.append(f"starts_with(region_code, {p(filters.region.strip())})")
    if filters.ics:
        ics = filters.ics.strip()
        where.append(f"EXISTS (SELECT 1 FROM unnest(ics) AS i(code) WHERE i.code = {p(ics)} "
                     f"OR starts_with(i.code, {p(ics + '.')}))")
    if filters.year_from is not None:
        where.append(f"year >= {p(filters.year_from)}")
    if filters.year_to is not None:
        where.append(f"year <= {p(filters.year_to)}")
    return where


def _answer_key(sql: str, args: Sequence[Any]) -> str:
    """The key of a search's kept answer: its statement and arguments (the day included)."""
    text = json.dumps([sql, list(args)], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def _next_generation(connection: Any) -> None:
    """In a transaction writing the index: the kept answers are of the index before it."""
    await connection.execute(
        f"INSERT INTO {META_TABLE} (key, value) VALUES ('generation', '1') ON CONFLICT (key) "
        f"DO UPDATE SET value = ({META_TABLE}.value::bigint + 1)::text")
    await connection.execute(f"DELETE FROM {ANSWER_TABLE}")


@asynccontextmanager
async def _advisory_lock(connection: Any) -> AsyncIterator[None]:
    """Held by a rebuild from its start to the swap: updates wait for it (see ``upsert``)."""
    await connection.execute("SELECT pg_advisory_lock($1)", WRITER_LOCK)
    try:
        yield
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", WRITER_LOCK)


class PostgresSearchEngine:
    """Full-text search in the application's PostgreSQL database.

    ``database`` is the piccolo ``PostgresEngine`` the app opened (its asyncpg pool is used).
    """

    name = BACKEND

    def __init__(self, database: Any, parallel_from: int = PARALLEL_FROM,
                 hot_from: int = HOT_FROM, answer_from: int = ANSWER_FROM) -> None:
        self.database = database
        self.parallel_from = parallel_from
        self.hot_from = hot_from
        self.answer_from = answer_from
        self._char_cache: dict[str, tuple[float, list[str]]] = {}

    @property
    def location(self) -> str:
        dsn = str(getattr(self.database, "config", {}).get("dsn", ""))
        return f"postgresql ({dsn.rsplit('@', 1)[-1]}) table {TABLE}"

    def expected_schema_version(self) -> str:
        return expected_schema_version()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        pool = getattr(self.database, "pool", None)
        if pool is not None:
            async with pool.acquire() as connection:
                yield connection
            return
        connection = await self.database.get_new_connection()
        try:
            yield connection
        finally:
            await connection.close()

    async def _table_exists(self, connection: Any) -> bool:
        return bool(await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", TABLE))

    # ---- searching -----------------------------------------------------------------------

    async def _expansions(self, connection: Any, plan: QueryPlan) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        now = time.monotonic()
        for word in plan.words:
            if len(word.text) != 1 or not analysis.CJK_RUN.match(word.text):
                continue
            cached = self._char_cache.get(word.text)
            if cached and now - cached[0] < CHAR_CACHE_SECONDS:
                found[word.text] = cached[1]
                continue
            rows = await connection.fetch(
                f"SELECT term FROM {LEXEME_TABLE} WHERE strpos(term, $1) > 0 "
                "ORDER BY docs DESC, term LIMIT $2", word.text, CHAR_EXPANSION_LIMIT)
            terms = [row["term"] for row in rows]
            self._char_cache[word.text] = (now, terms)
            found[word.text] = terms
        return found

    async def _hot_term(self, connection: Any, request: SearchRequest, plan: QueryPlan,
                        tiers: list[CodeTier], words: list[str], today: dt.date) -> str | None:
        """The query's one term when its facet counts are kept and serve ``today`` (a
        relevance search for that term alone: no code, phrase or filter), else None."""
        if (tiers or plan.phrases or len(plan.words) != 1 or request.sort is not SortOrder.RELEVANCE
                or not request.filters.is_empty()
                or 4 * request.page * request.page_size > CANDIDATES):  # deeper than kept
            return None
        term = plan.words[0].text
        if words != [_lexeme(term)]:  # parts or a character's words: an OR of several terms
            return None
        kept = await connection.fetchval(
            f"SELECT (SELECT value::integer FROM {META_TABLE} WHERE key = 'facet_day') <= $1 "
            f"AND EXISTS (SELECT 1 FROM {FACET_TABLE} WHERE term = $2)", today.toordinal(), term)
        return term if kept else None

    def _statement(self, request: SearchRequest, plan: QueryPlan, tiers: list[CodeTier],
                   tsquery: str | None, optional: str | None,
                   today: dt.date, hot: str | None = None) -> tuple[str, list[Any]]:
        """One statement for the page of hits and the facet counts (or the total).

        ``hot``: the query is this one term, which is kept (see ``HOT_FROM``): the counts are
        read from ``FACET_TABLE``, and the candidates are the best by the proxy among its
        documents in ``TOP_TABLE``, not among every match."""
        p = _Params()
        day = p(today.toordinal())
        match: list[str] = []
        query_ref = None
        if tsquery is not None:
            query_ref = f"{p(tsquery)}::text::tsquery"
            match.append(f"tsv @@ {query_ref}")
        tier_conditions = [_tier_condition(tier, p) for tier in tiers]
        match.extend(tier_conditions)
        where = _filters_sql(request.filters, p)
        if match:
            where.insert(0, "(" + " OR ".join(match) + ")")
        for phrase in plan.phrases:
            where.append(f"EXISTS (SELECT 1 FROM {DISPLAY_TABLE} x WHERE x.id = s.id "
                         f"AND strpos(x.phrase_text, {p(phrase)}) > 0)")
        where_sql = " AND ".join(where) if where else "TRUE"
        tier_sql = "99"
        if tier_conditions:
            tier_sql = ("CASE " + " ".join(f"WHEN {c} THEN {i}" for i, c in
                                           enumerate(tier_conditions)) + " ELSE 99 END")
        score_sql = "0.0"
        if query_ref is not None:
            rank = f"ts_rank('{RANK_WEIGHTS}', s.tsv, {query_ref}, 0) * s.tnorm"
            score_sql = rank if not tier_conditions else (
                f"CASE WHEN s.tsv @@ {query_ref} THEN {rank} ELSE 0 END")
            if optional is not None:
                score_sql += (f" + 0.3 * s.tnorm * ts_rank('{RANK_WEIGHTS}', s.tsv, "
                              f"{p(optional)}::text::tsquery, 0)")
        status_filter = ""
        if request.filters.status is not None:
            status_filter = f"WHERE st = {p(STATUS_CODES.index(request.filters.status))}"
        listed = [i for i, tier in enumerate(tiers) if tier.kind in LISTED_KINDS]
        listed_sql = (f"CASE WHEN tier IN ({', '.join(map(str, listed))}) THEN num ELSE 0 END, "
                      f"CASE WHEN tier IN ({', '.join(map(str, listed))}) THEN part ELSE 0 END, "
                      if listed else "")
        # Ranking every match is what makes a frequent word slow (ts_rank reads each tsvector):
        # the matches are first ordered by a proxy read from narrow columns (title-length norm
        # times status factor; 0 without words), and only the best CANDIDATES are ranked.
        proxy = "proxy DESC, " if query_ref is not None else ""
        if request.sort is SortOrder.DATE:
            order = "dated DESC, score DESC, id"
            candidate_order = f"dated DESC, {proxy}id"
        else:
            order = f"tier, {listed_sql}score DESC, st, year DESC NULLS LAST, id"
            candidate_order = f"tier, {listed_sql}{proxy}id"
        # the materialized matches carry only the columns this order needs: every byte of
        # them is written and read again for each of up to 50,000 matches
        needed = [name for name, wanted in (("dated", request.sort is SortOrder.DATE),
                                            ("num", bool(listed)), ("part", bool(listed)))
                  if wanted]
        extra = "".join(f"{name}, " for name in needed)
        hit_extra = "".join(f"{'h.' + name if name in needed else '0'} AS {name}, "
                            for name in ("dated", "num", "part"))
        window = request.page * request.page_size
        candidates = p(max(CANDIDATES, 4 * window))
        limit = p(request.page_size)
        offset = p((request.page - 1) * request.page_size)
        source, count, having, pool = "m", "count(*)", "", ""
        if hot is not None:
            source = (f"(SELECT NULLIF(level, '') AS level, NULLIF(year, 0) AS year, n, "
                      f"{_status_sql(day)} AS st FROM {FACET_TABLE} WHERE term = {p(hot)}) k")
            count, having = "COALESCE(sum(n), 0)::bigint", " HAVING sum(n) > 0"
            pool = (f" AND s.id IN (SELECT k.id FROM {TOP_TABLE} k WHERE k.term = {p(hot)} "
                    f"ORDER BY k.tnorm DESC, k.id LIMIT {KEPT_TOP})")
        if request.facets:
            counts = ("SELECT 'facet', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, level, "
                      "st, year, "
                      "GROUPING(level), GROUPING(st), GROUPING(year), NULL, NULL, NULL, NULL, "
                      f"NULL, {count} FROM {source} GROUP BY GROUPING SETS ((level, st), (year))"
                      f"{having}")
        else:
            counts = ("SELECT 'total', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                      "NULL, "
                      f"NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, {count} FROM {source}")
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT id, level, year, {extra}st, tier, tnorm * factor AS proxy
                FROM (
                SELECT id, level, year, {extra}tnorm, st, tier,
                       (CASE st WHEN 2 THEN 0.5 WHEN 1 THEN 0.9 ELSE 1.0 END) AS factor
                FROM (
                    SELECT id, level, year, {extra}tnorm, {_status_sql(day)} AS st,
                           {tier_sql} AS tier
                    FROM {TABLE} s WHERE {where_sql}{pool}
                ) b {status_filter}) f
            ), c AS (
                SELECT * FROM m ORDER BY {candidate_order} LIMIT {candidates}
            ), r AS (
                SELECT c.*, (({score_sql}) * (CASE c.st WHEN 2 THEN 0.5 WHEN 1 THEN 0.9
                                              ELSE 1.0 END))::float8 AS score
                FROM c JOIN {TABLE} s ON s.id = c.id
            )
            SELECT 'hit' AS kind, h.id, h.tier, h.score, h.st, h.year, {hit_extra}
                   h.level,
                   NULL::int AS f_st, NULL::int AS f_year, NULL::int AS g_level,
                   NULL::int AS g_st, NULL::int AS g_year, d.code, d.normalized_code,
                   d.title_zh, d.title_en, d.scope, 0::bigint AS n
            FROM (SELECT * FROM r ORDER BY {order} LIMIT {limit} OFFSET {offset}) h
            JOIN {DISPLAY_TABLE} d ON d.id = h.id
            UNION ALL {counts}
        """
        return sql, p.values

    async def search(self, request: SearchRequest, today: dt.date) -> SearchResult:
        started = time.perf_counter()
        plan = parse_query(request.q)
        if request.page * request.page_size > MAX_RESULT_WINDOW:
            raise QueryError(
                f"翻页过深 / page too deep: page × page_size must stay within {MAX_RESULT_WINDOW}")
        if plan.is_empty and not plan.text and request.filters.is_empty():
            raise QueryError("请输入检索词或筛选条件 / give words, a code or a filter")
        tiers: list[CodeTier] = [tier for code in plan.codes for tier in code.tiers()]
        rows: list[Any] = []
        relaxed = False
        async with self._connection() as connection:
            if not await self._table_exists(connection):
                raise IndexUnavailableError(
                    f"检索索引不存在 / the search table {TABLE} is missing: run "
                    "`stdtrack db upgrade` then `stdtrack index rebuild`")
            if not (plan.is_empty and plan.text):
                expansions = await self._expansions(connection, plan)
                words = [_word_query(word, expansions) for word in plan.words]
                optional = " | ".join(_word_query(w, expansions) for w in plan.optional) or None
                tsquery = " & ".join(words) if words else None
                hot = await self._hot_term(connection, request, plan, tiers, words, today)
                sql, args = self._statement(request, plan, tiers, tsquery, optional, today, hot)
                # one kept term reads kept counts already: no answer of it is kept
                key = _answer_key(sql, args) if hot is None else None
                found = None
                # one snapshot: the generation read is the one the answer is computed on
                async with connection.transaction(isolation="repeatable_read", readonly=True):
                    if key is not None:
                        found = await connection.fetchrow(
                            f"SELECT g.generation, a.rows, a.relaxed FROM (SELECT COALESCE(("
                            f"SELECT value::bigint FROM {META_TABLE} WHERE key = 'generation'), "
                            f"0) AS generation) g LEFT JOIN {ANSWER_TABLE} a ON a.key = $1 "
                            "AND a.generation = g.generation", key)
                    if found is not None and found["rows"] is not None:
                        rows, relaxed = json.loads(found["rows"]), found["relaxed"]
                    else:
                        await connection.execute(SEARCH_SETTINGS)
                        rows = await connection.fetch(sql, *args)
                        if _total(rows) == 0 and len(words) > 1 and not plan.codes:
                            relaxed_sql, relaxed_args = self._statement(
                                request, plan, tiers, " | ".join(words), optional, today)
                            rows = await connection.fetch(relaxed_sql, *relaxed_args)
                            relaxed = _total(rows) > 0
                if (key is not None and found is not None and found["rows"] is None
                        and _total(rows) >= self.answer_from):
                    await self._keep_answer(connection, key, found["generation"], rows, relaxed)
        return self._result(request, plan, tiers, rows, relaxed, started)

    async def _keep_answer(self, connection: Any, key: str, generation: int, rows: list[Any],
                           relaxed: bool) -> None:
        """Keep a search's answer under the generation it was computed on (an older one than
        a write made meanwhile is kept but never read, and goes at the next clearing)."""
        await connection.execute(
            f"INSERT INTO {ANSWER_TABLE} AS k (key, generation, rows, relaxed) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET generation = "
            "excluded.generation, rows = excluded.rows, relaxed = excluded.relaxed, "
            "kept_at = now() WHERE k.generation <= excluded.generation",
            key, generation, json.dumps([dict(row) for row in rows], ensure_ascii=False),
            relaxed)
        async with connection.transaction():
            # one clearer at a time, never beside a writer (which empties the table)
            if await connection.fetchval("SELECT pg_try_advisory_xact_lock($1)", WRITER_LOCK):
                await connection.execute(
                    f"DELETE FROM {ANSWER_TABLE} WHERE generation < $1 OR kept_at < (SELECT "
                    f"kept_at FROM {ANSWER_TABLE} ORDER BY kept_at DESC OFFSET $2 LIMIT 1)",
                    generation, ANSWERS_KEPT)

    def _result(self, request: SearchRequest, plan: QueryPlan, tiers: list[CodeTier],
                rows: list[Any], relaxed: bool, started: float) -> SearchResult:
        levels: dict[str, int] = {}
        statuses: dict[str, int] = {}
        years: dict[str, int] = {}
        hit_rows = [row for row in rows if row["kind"] == "hit"]
        if request.sort is SortOrder.DATE:
            hit_rows.sort(key=lambda r: (-r["dated"], -r["score"], r["id"]))
        else:
            listed = {i for i, tier in enumerate(tiers) if tier.kind in LISTED_KINDS}
            hit_rows.sort(key=lambda r: (
                r["tier"], r["num"] if r["tier"] in listed else 0,
                r["part"] if r["tier"] in listed else 0, -r["score"], r["st"],
                -(r["year"] or 0), r["id"]))
        hits = []
        for row in hit_rows:
            tier = row["tier"]
            coded = tier < len(tiers)
            hits.append(make_hit(
                plan=plan, highlight=request.highlight, standard_id=row["id"], code=row["code"],
                normalized_code=row["normalized_code"], title_zh=row["title_zh"],
                title_en=row["title_en"], scope=row["scope"], level=row["level"],
                year=row["year"], status=STATUS_CODES[row["st"]],
                kind=tiers[tier].kind if coded else MatchKind.TEXT,
                text_score=float(row["score"]),
                tier_bonus=CODE_TIER_BONUS * (len(tiers) - tier) if coded else 0.0,
            ))
        for row in rows:
            if row["kind"] != "facet":
                continue
            if not row["g_level"]:  # a (level, status) group
                levels[row["level"]] = levels.get(row["level"], 0) + int(row["n"])
                status = STATUS_CODES[row["f_st"]].value
                statuses[status] = statuses.get(status, 0) + int(row["n"])
            elif row["f_year"]:
                years[str(row["f_year"])] = int(row["n"])
        facets: dict[str, dict[str, int]] = {}
        if request.facets:
            facets = {
                "level": dict(sorted(levels.items(), key=lambda item: (-item[1], item[0]))),
                "status": {s.value: statuses[s.value] for s in STATUS_CODES if s.value in statuses},
                "year": dict(sorted(years.items(), reverse=True)),
            }
        return SearchResult(
            total=_total(rows), hits=hits, page=request.page, page_size=request.page_size,
            sort=request.sort, facets=facets, relaxed=relaxed, backend=BACKEND,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    # ---- writing -------------------------------------------------------------------------

    async def upsert(self, documents: Sequence[IndexDocument], deleted: Sequence[int] = ()) -> None:
        if not documents and not deleted:
            return
        rows = []
        terms: Counter[str] = Counter()
        for doc in documents:
            row, doc_terms = document_row(doc)
            rows.append(row)
            terms.update(doc_terms)
        split = len(SEARCH_COLUMNS)
        search_rows = [row[:split] for row in rows]
        display_rows = [(row[0], *row[split:]) for row in rows]
        search_marks = ", ".join(
            f"${i}::text::tsvector" if name == "tsv" else f"${i}"
            for i, name in enumerate(SEARCH_COLUMNS, start=1))
        display_marks = ", ".join(f"${i}" for i in range(1, len(DISPLAY_COLUMNS) + 1))
        async with self._connection() as connection:
            if not await self._table_exists(connection):
                raise IndexUnavailableError(
                    f"检索索引不存在 / the search table {TABLE} is missing: run "
                    "`stdtrack db upgrade`")
            async with connection.transaction():
                # waits for a running rebuild, whose swap would otherwise drop this update
                await connection.execute("SELECT pg_advisory_xact_lock($1)", WRITER_LOCK)
                ids = [doc.id for doc in documents] + list(deleted)
                built = await connection.fetchval(
                    f"SELECT value::integer FROM {META_TABLE} WHERE key = 'facet_day'")
                if built is not None:  # the old rows' counts go, the new rows' come below
                    await connection.execute(_facet_delta_sql("-"), ids, built)
                    await connection.execute(
                        f"DELETE FROM {TOP_TABLE} WHERE id = ANY($1::int[])", ids)
                for table in (TABLE, DISPLAY_TABLE):
                    await connection.execute(f"DELETE FROM {table} WHERE id = ANY($1::int[])", ids)
                if rows:
                    await connection.executemany(
                        f"INSERT INTO {TABLE} ({', '.join(SEARCH_COLUMNS)}) "
                        f"VALUES ({search_marks})", search_rows)
                    await connection.executemany(
                        f"INSERT INTO {DISPLAY_TABLE} ({', '.join(DISPLAY_COLUMNS)}) "
                        f"VALUES ({display_marks})", display_rows)
                    if built is not None:
                        written = [doc.id for doc in documents]
                        await connection.execute(_facet_delta_sql(""), written, built)
                        # every new document of a kept term joins its list (beyond KEPT_TOP:
                        # a search takes the best of the list)
                        await connection.execute(
                            f"INSERT INTO {TOP_TABLE} (term, tnorm, id) " + _top_rows_sql(
                                TABLE, "s.id = ANY($1::int[])", KEPT_TERM), written)
                if terms:
                    await connection.executemany(
                        f"INSERT INTO {LEXEME_TABLE} (term, docs) VALUES ($1, $2) "
                        f"ON CONFLICT (term) DO UPDATE SET docs = {LEXEME_TABLE}.docs + "
                        "excluded.docs", sorted(terms.items()))
                await connection.execute(
                    f"INSERT INTO {META_TABLE} (key, value) VALUES ('updated_at', $1) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    dt.datetime.now(dt.UTC).isoformat())
                await _next_generation(connection)

    async def rebuild(self, batches: AsyncIterator[list[IndexDocument]],
                      expected: int) -> RebuildReport:
        started = time.perf_counter()
        stage_columns = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
        count = 0
        terms: Counter[str] = Counter()
        token = secrets.token_hex(4)
        try:
            async with self._connection() as connection, _advisory_lock(connection):
                await connection.execute(
                    "DROP TABLE IF EXISTS search_document_stage, search_document_build, "
                    "search_display_build, search_lexeme_build, search_term_facet_build, "
                    "search_term_top_build")
                await connection.execute(
                    f"CREATE UNLOGGED TABLE search_document_stage ({stage_columns})")
                workers = min(os.cpu_count() or 1, 4) if expected >= self.parallel_from else 1
                pool = (ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(
                    "spawn")) if workers > 1 else None)
                pending: deque[Awaitable[tuple[list[tuple[Any, ...]], Counter[str]]]] = deque()

                async def copy_next() -> None:
                    nonlocal count
                    rows, batch_terms = await pending.popleft()
                    terms.update(batch_terms)
                    await connection.copy_records_to_table(
                        "search_document_stage", records=rows, columns=list(STAGE_NAMES))
                    count += len(rows)

                try:
                    async for batch in batches:
                        if pool is None:
                            done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                            done.set_result(document_rows(batch))
                            pending.append(done)
                        else:
                            pending.append(asyncio.get_running_loop().run_in_executor(
                                pool, document_rows, list(batch)))
                        while len(pending) > workers:
                            await copy_next()
                    while pending:
                        await copy_next()
                finally:
                    if pool is not None:
                        pool.shutdown(cancel_futures=True)
                select = ", ".join(
                    "tsv::tsvector AS tsv" if name == "tsv" else name for name in SEARCH_COLUMNS)
                await connection.execute(
                    f"CREATE TABLE search_document_build AS SELECT {select} "
                    "FROM search_document_stage ORDER BY id")
                await connection.execute(
                    f"CREATE TABLE search_display_build AS SELECT {', '.join(DISPLAY_COLUMNS)} "
                    "FROM search_document_stage ORDER BY id")
                await connection.execute("DROP TABLE search_document_stage")
                for table, name in (("search_document_build", "search_document"),
                                    ("search_display_build", "search_display")):
                    await connection.execute(
                        f"ALTER TABLE {table} ADD CONSTRAINT {name}_pk_{token} PRIMARY KEY (id)")
                for suffix, definition in INDEXES:
                    await connection.execute(
                        f"CREATE INDEX search_document_{suffix}_{token} "
                        f"ON search_document_build {definition}")
                await connection.execute("CREATE TABLE search_lexeme_build "
                                         "(term text PRIMARY KEY, docs integer NOT NULL)")
                await connection.copy_records_to_table(
                    "search_lexeme_build", records=sorted(terms.items()), columns=["term", "docs"])
                built = dt.date.today().toordinal()
                await connection.execute(
                    "CREATE TABLE search_term_facet_build (term text NOT NULL, level text NOT "
                    "NULL, year integer NOT NULL, eff integer NOT NULL, wd integer NOT NULL, "
                    "n integer NOT NULL)")
                async with connection.transaction():
                    await connection.execute("SET LOCAL work_mem = '256MB'")
                    await connection.execute(
                        "INSERT INTO search_term_facet_build " + _facet_rows_sql(
                            "search_document_build", "TRUE", "t.term IN (SELECT term FROM "
                            "search_lexeme_build WHERE docs >= $2)", "$1"),
                        built, self.hot_from)
                    await connection.execute(
                        "CREATE TABLE search_term_top_build AS SELECT term, tnorm, id FROM ("
                        "SELECT x.*, row_number() OVER (PARTITION BY term ORDER BY tnorm DESC, "
                        "id) AS rank FROM (" + _top_rows_sql(
                            "search_document_build", "TRUE",
                            "t.term IN (SELECT term FROM search_term_facet_build)") +
                        f") x) r WHERE rank <= {KEPT_TOP}")
                await connection.execute(
                    f"CREATE UNIQUE INDEX search_term_facet_key_{token} "
                    "ON search_term_facet_build (term, level, year, eff, wd)")
                await connection.execute(
                    f"CREATE INDEX search_term_top_term_{token} "
                    "ON search_term_top_build (term, tnorm DESC, id)")
                await connection.execute(
                    f"CREATE INDEX search_term_top_id_{token} ON search_term_top_build (id)")
                for table in ("search_document_build", "search_display_build",
                              "search_lexeme_build", "search_term_facet_build",
                              "search_term_top_build"):
                    await connection.execute(f"VACUUM ANALYZE {table}")
                async with connection.transaction():
                    await connection.execute(
                        f"DROP TABLE IF EXISTS {TABLE}, {DISPLAY_TABLE}, {LEXEME_TABLE}, "
                        f"{FACET_TABLE}, {TOP_TABLE}")
                    await connection.execute(f"ALTER TABLE search_document_build RENAME TO {TABLE}")
                    await connection.execute(
                        f"ALTER TABLE search_display_build RENAME TO {DISPLAY_TABLE}")
                    await connection.execute(
                        f"ALTER TABLE search_lexeme_build RENAME TO {LEXEME_TABLE}")
                    await connection.execute(
                        f"ALTER TABLE search_term_facet_build RENAME TO {FACET_TABLE}")
                    await connection.execute(
                        f"ALTER TABLE search_term_top_build RENAME TO {TOP_TABLE}")
                    await connection.execute(
                        f"INSERT INTO {META_TABLE} (key, value) VALUES "
                        "('schema_version', $1), ('built_at', $2), ('updated_at', $3), "
                        "('facet_day', $4) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        expected_schema_version(),
                        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        dt.datetime.now(dt.UTC).isoformat(), str(built))
                    await _next_generation(connection)
        except IndexUnavailableError:
            raise
        except Exception as exc:  # asyncpg's errors have no common base of ours
            raise IndexBuildError(f"index rebuild failed: {exc}") from exc
        self._char_cache.clear()
        return RebuildReport(backend=BACKEND, documents=count,
                             seconds=round(time.perf_counter() - started, 2),
                             size_bytes=await self._size(), location=self.location)

    async def _size(self) -> int | None:
        async with self._connection() as connection:
            if not await self._table_exists(connection):
                return None
            return int(await connection.fetchval(
                f"SELECT pg_total_relation_size('{TABLE}') + pg_total_relation_size("
                f"'{DISPLAY_TABLE}') + pg_total_relation_size('{LEXEME_TABLE}') "
                f"+ COALESCE(pg_total_relation_size(to_regclass('{FACET_TABLE}')), 0) "
                f"+ COALESCE(pg_total_relation_size(to_regclass('{TOP_TABLE}')), 0)"))

    # ---- facts ---------------------------------------------------------------------------

    async def describe(self) -> dict[str, Any]:
        async with self._connection() as connection:
            if not await self._table_exists(connection):
                return {"exists": False}
            meta = {row["key"]: row["value"] for row in await connection.fetch(
                f"SELECT key, value FROM {META_TABLE}")}
            documents = await connection.fetchval(f"SELECT count(*) FROM {TABLE}")
        return {
            "exists": "schema_version" in meta or bool(documents),
            "documents": int(documents),
            "schema_version": meta.get("schema_version"),
            "built_at": meta.get("built_at"),
            "updated_at": meta.get("updated_at"),
            "size_bytes": await self._size(),
        }

    async def close(self) -> None:
        self._char_cache.clear()
