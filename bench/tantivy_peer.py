"""tantivy (its Python bindings) as the peer a search figure is compared with, measured in the
same run over the same documents and the same queries. Bench-only: ``pip install -e .[bench]``;
never imported by the application.

The documents are the PostgreSQL backend's own: each one's indexed terms (the jieba words and
English stems of its tsvector, so no second segmentation and the same vocabulary), its code keys
and its family and number keys for prefixes. A query is read by the project's own
``search_index.query.parse_query``: every word required (the word itself, or all its dictionary
parts), code keys as terms, code prefixes as a regex on the key. tantivy returns the best 10 and
the exact count; our figure also builds highlights and facets, which is the point of the ratio.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from typing import Any

BATCH = 20_000


def available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=False)
    builder.add_text_field("terms", tokenizer_name="whitespace")
    builder.add_text_field("codes", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("family", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("number", tokenizer_name="raw", index_option="basic")
    return builder.build()


async def build(settings: Any, path: str) -> tuple[Any, Any, dict[str, Any]]:
    """Index every document of the PostgreSQL backend's table into a tantivy index at path."""
    import asyncpg
    import tantivy

    schema = _schema()
    index = tantivy.Index(schema, path=path)
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    started = time.perf_counter()
    count = 0
    connection = await asyncpg.connect(settings.database_url)
    try:
        async with connection.transaction():
            cursor = connection.cursor(
                "SELECT id, array_to_string(tsvector_to_array(tsv), ' ') AS terms, code_keys, "
                "family_compact, number_compact FROM search_document", prefetch=BATCH)
            async for row in cursor:
                writer.add_document(tantivy.Document(
                    id=row["id"], terms=row["terms"] or "", codes=list(row["code_keys"] or []),
                    family=row["family_compact"] or "", number=row["number_compact"] or ""))
                count += 1
    finally:
        await connection.close()
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, schema, {"documents": count,
                           "build_s": round(time.perf_counter() - started, 1)}


def to_query(schema: Any, text: str) -> Any | None:
    """The tantivy query of what a user typed, read as our backends read it."""
    import tantivy

    from search_index.query import parse_query

    plan = parse_query(text)
    musts = []
    for word in plan.words:
        options = [tantivy.Query.term_query(schema, "terms", word.text)]
        if word.parts:
            options.append(tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "terms", part))
                 for part in word.parts]))
        musts.append(options[0] if len(options) == 1 else tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, option) for option in options]))
    code_options = []
    for code in plan.codes:
        for tier in code.tiers():
            if tier.prefix:
                kind, _, value = tier.prefix.partition(":")
                field = "number" if kind == "n" else "family"
                code_options.append(tantivy.Query.regex_query(
                    schema, field, re.escape(value) + ".*"))
            for key in tier.keys:
                code_options.append(tantivy.Query.term_query(schema, "codes", key))
    clauses = [(tantivy.Occur.Must, query) for query in musts]
    if code_options and not musts:
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, query) for query in code_options])
    if code_options:
        clauses.append((tantivy.Occur.Should, tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, query) for query in code_options])))
    return tantivy.Query.boolean_query(clauses) if clauses else None


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    rank = min(len(ordered), max(1, int(p / 100 * len(ordered) + 0.5)))
    return round(ordered[rank - 1], 3)


async def measure(queries: dict[str, list[str]], settings: Any,
                  repeat: int = 5) -> dict[str, Any]:
    """Build tantivy over the same documents and time the same queries (p50 / p95 per kind and
    over all, warm: the first pass is not counted, as for our figures)."""
    if not available():
        return {"error": "tantivy is not installed (pip install -e .[bench])"}
    with tempfile.TemporaryDirectory(prefix="bench-tantivy-") as path:
        index, schema, figures = await build(settings, path)
        searcher = index.searcher()
        kinds: dict[str, Any] = {}
        every: list[float] = []
        for kind, texts in queries.items():
            prepared = [(text, to_query(schema, text)) for text in texts]
            samples = []
            counts = []
            for round_ in range(1 + repeat):
                for _text, query in prepared:
                    if query is None:
                        continue
                    started = time.perf_counter()
                    found = searcher.search(query, 10, count=True)
                    _ids = [searcher.doc(address)["id"][0] for _score, address in found.hits]
                    if round_ > 0:
                        samples.append((time.perf_counter() - started) * 1000)
                    else:
                        counts.append(found.count)
            if samples:
                every.extend(samples)
                # beside our median_hits: the same reading of the query finds as many
                kinds[kind] = {"p50_ms": _percentile(samples, 50),
                               "p95_ms": _percentile(samples, 95),
                               "median_hits": int(statistics.median(counts))}
        figures.update(kinds=kinds, p95_ms=_percentile(every, 95) if every else None)
        return figures
