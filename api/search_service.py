"""Search wired into the app and the CLI: the configured backend, re-indexing what an import
touched, rebuild, status, and the start-up check.

It spans packages (the database through ``standards.queries``, the index through
``search_index``), so it lives in api/.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
from litestar import Litestar
from piccolo.engine.base import Engine

from search_index import analysis
from search_index.documents import to_document
from search_index.engine import SearchEngine
from search_index.errors import SearchError
from search_index.postgres_backend import PostgresSearchEngine
from search_index.schemas import (
    IndexDocument,
    IndexStatus,
    RebuildReport,
    SearchRequest,
    SearchResult,
)
from search_index.whoosh_backend import COMFORTABLE_DOCUMENTS, WhooshEngine
from standards import batch_repository, queries
from standards.errors import StdtrackError
from standards.queries import IndexSource
from standards.settings import Settings

log = logging.getLogger("stdtrack.search")

# An import touching more than this share of the catalogue (and at least REBUILD_MIN) rebuilds
# the whole index instead: a parallel build is faster than that many single updates.
REBUILD_SHARE = 0.3
REBUILD_MIN = 20_000

_engines: dict[tuple[str, str], SearchEngine] = {}


def _database() -> Engine:
    import api.piccolo_conf

    return api.piccolo_conf.DB


def _engine_key(settings: Settings, database: Engine | None) -> tuple[str, str]:
    if settings.search_backend == "postgres":
        return ("postgres", str(id(database or _database())))
    return ("whoosh", str(settings.index_dir))


def search_engine(settings: Settings, database: Engine | None = None) -> SearchEngine:
    """The process's engine for ``settings`` (one per index location, reused)."""
    key = _engine_key(settings, database)
    if key not in _engines:
        _engines[key] = (PostgresSearchEngine(database or _database())
                         if key[0] == "postgres" else WhooshEngine(settings.index_dir))
    return _engines[key]


async def close_search(settings: Settings, database: Engine | None = None) -> None:
    """Close the engine of ``settings`` and forget it."""
    engine = search_engine(settings, database)
    await engine.close()
    for key, value in list(_engines.items()):
        if value is engine:
            del _engines[key]


def _documents(sources: list[IndexSource]) -> list[IndexDocument]:
    return [to_document(source) for source in sources]


async def _document_batches() -> AsyncIterator[list[IndexDocument]]:
    async for sources in queries.stream_index_sources():
        yield await anyio.to_thread.run_sync(_documents, sources)


async def rebuild_index(settings: Settings, database: Engine | None = None) -> RebuildReport:
    """Build a new index from the whole database aside, then swap it in.

    Raises:
        IndexBuildError: the build failed (the old index is still in place).
    """
    engine = search_engine(settings, database)
    await batch_repository.settle_interrupted()
    # batches that no import will index any more: a rebuild takes in everything they wrote
    done = [batch["id"] for batch in await batch_repository.unindexed_batches()]
    expected = await queries.count_standards()
    report = await engine.rebuild(_document_batches(), expected)
    await batch_repository.mark_indexed(done)
    log.info("search index rebuilt: %s standards in %.1f s (%s)", report.documents,
             report.seconds, engine.name)
    return report


async def reindex_standards(ids: Sequence[int], settings: Settings,
                            database: Engine | None = None) -> dict[str, Any]:
    """Bring the index in step with the standards ``ids`` after an import (or a deletion).

    Standards that no longer exist are dropped from the index. With no index yet, an index of
    another schema version, or when the import touched a large share of the catalogue, the
    whole index is rebuilt instead. An index
    that cannot be written never fails the import: the problem is logged and returned.
    Returns what was done: ``{"mode": "update" | "rebuild" | "none" | "failed",
    "documents": n}`` (plus ``"error"`` when it failed).
    """
    unique = sorted(set(ids))
    if not unique:
        return {"mode": "none", "documents": 0}
    engine = search_engine(settings, database)
    try:
        facts = await engine.describe()
        indexed = int(facts.get("documents") or 0)
        # an index of older code keys or analysis (after an upgrade) cannot take updates
        stale = facts.get("schema_version") != engine.expected_schema_version()
        if not facts.get("exists") or stale or (
            len(unique) >= REBUILD_MIN and len(unique) > REBUILD_SHARE * indexed
        ):
            report = await rebuild_index(settings, database)
            return {"mode": "rebuild", "documents": report.documents}
        sources = await queries.index_sources(unique)
        documents = await anyio.to_thread.run_sync(_documents, sources)
        found = {doc.id for doc in documents}
        await engine.upsert(documents, [i for i in unique if i not in found])
    except SearchError as exc:
        # the import itself is done and kept; the index is derived and `index status` will
        # report it behind until `stdtrack index rebuild`
        log.warning("search index not updated after the import (%s): %s", engine.name, exc)
        return {"mode": "failed", "documents": 0, "error": str(exc)}
    return {"mode": "update", "documents": len(documents)}


def outgrown_advice(backend: str, standards: int, postgres: bool,
                    comfortable: int = COMFORTABLE_DOCUMENTS) -> list[str]:
    """What `index status` advises when the catalogue has outgrown the embedded whoosh index."""
    if backend != "whoosh" or standards <= comfortable:
        return []
    how = ("set STDTRACK_SEARCH=postgres and run `stdtrack index rebuild`" if postgres else
           "move the database to PostgreSQL (DATABASE_URL), then set STDTRACK_SEARCH=postgres "
           "and run `stdtrack index rebuild`")
    return [f"目录已有 {standards} 条标准, 超出 whoosh 的适用规模 ({comfortable}) / the catalogue "
            f"({standards} standards) has outgrown the embedded whoosh index (comfortable up to "
            f"{comfortable}): {how}"]


async def index_status(settings: Settings, database: Engine | None = None,
                       comfortable: int = COMFORTABLE_DOCUMENTS) -> IndexStatus:
    """The index compared with the database: document counts and schema version, and advice
    when the catalogue holds more than ``comfortable`` standards for whoosh."""
    engine = search_engine(settings, database)
    facts = await engine.describe()
    in_database = await queries.count_standards()
    expected = engine.expected_schema_version()
    problems: list[str] = []
    changed: int | None = None
    unindexed: list[dict[str, Any]] = []
    if not facts.get("exists"):
        problems.append(
            "检索索引不存在 / the search index is missing: run `stdtrack index rebuild`")
    else:
        version = facts.get("schema_version")
        if version != expected:
            problems.append(
                f"索引版本过旧 / index schema {version or 'unknown'} differs from {expected}: "
                "run `stdtrack index rebuild`")
        if facts.get("documents") != in_database:
            problems.append(
                f"索引与数据库不一致 / the index holds {facts.get('documents')} standards, "
                f"the database {in_database}: run `stdtrack index rebuild`")
        updated = facts.get("updated_at") or facts.get("built_at")
        if updated:
            changed = await queries.count_changed_after(dt.datetime.fromisoformat(updated))
            if changed:
                problems.append(
                    f"{changed} 条标准在索引最近一次更新 ({updated}) 之后有改动 / {changed} "
                    f"standards changed after the index was last written ({updated}): run "
                    "`stdtrack index rebuild`")
        unindexed = await batch_repository.unindexed_batches()
        for batch in unindexed:
            problems.append(
                f"导入批次 {batch['id']} ({batch['state']}) 写入的标准未进入索引 / import batch "
                f"{batch['id']} ({batch['state']}) wrote standards the index has not taken in: "
                "run `stdtrack index rebuild`")
    return IndexStatus(
        backend=engine.name, location=engine.location, exists=bool(facts.get("exists")),
        documents=facts.get("documents"), database_documents=in_database,
        schema_version=facts.get("schema_version"), expected_schema_version=expected,
        built_at=facts.get("built_at"), updated_at=facts.get("updated_at"),
        changed_since_update=changed, unindexed_batches=[batch["id"] for batch in unindexed],
        stale=bool(problems), problems=problems,
        advice=outgrown_advice(engine.name, in_database, settings.database_url.startswith(
            ("postgresql://", "postgres://")), comfortable),
    )


async def search(settings: Settings, request: SearchRequest, today: dt.date | None = None,
                 database: Engine | None = None) -> SearchResult:
    """One search on the configured backend.

    Raises:
        QueryError: the request cannot be searched (400).
        IndexUnavailableError: no usable index (503).
    """
    engine = search_engine(settings, database)
    return await engine.search(request, today or dt.date.today())


def search_lifespan(database: Engine) -> Callable[[Litestar], Any]:
    """Litestar lifespan: load jieba and open the index at start-up, say clearly when the
    index is missing or stale, close it at shutdown. Runs after the database is opened."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        # another app of this process (a test's second app) may share the engine: only the
        # lifespan that opened it closes it
        opened_here = _engine_key(settings, database) not in _engines
        engine = search_engine(settings, database)
        app.state.search = engine
        await anyio.to_thread.run_sync(analysis.warm_up)
        try:
            status = await index_status(settings, database)
        except (StdtrackError, OSError) as exc:  # the app still starts; the log says why
            log.warning("search index check failed: %s", exc)
        else:
            for problem in status.problems:
                log.warning("search index (%s, %s): %s", status.backend, status.location,
                            problem)
            if not status.problems:
                log.info("search index ready: %s standards (%s)", status.documents,
                         status.backend)
        try:
            yield
        finally:
            if opened_here:
                await close_search(settings, database)

    return lifespan
