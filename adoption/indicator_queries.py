"""The database side of the indicators: kept per-product facts, their cube, past-date queries,
the drill-down, and the foreign-advanced bodies.

As of today an indicator reads ``indicator_cube`` (in-scope products counted by region,
sector, key fields, main, covered, reason and adoption bits): a few thousand rows. The cube is
the sum of ``product_fact``, one row per product stating its facts from ``valid_from`` until
``valid_until`` (the first day one of its dates changes them). Writes queue the products they
touch in ``product_fact_stale``; the next query as of today recomputes the queued and expired
products (or everything, past a threshold or when asked to) and applies the difference to the
cube. A past day t reads the facts of the products whose facts hold back to t
(``valid_since`` <= t: nothing of theirs changed since) and runs the per-product SQL over
declarations and standards for the others only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any

from piccolo.engine.base import Engine

from adoption.db import adoption_engine, select, writing
from adoption.errors import InvalidFieldError, RecordNotFound
from adoption.metrics import (
    CUBE_COLUMNS,
    PRODUCT_INDICATORS,
    CubeRow,
    Dialect,
    GroupBy,
    IndicatorName,
    IndicatorQuery,
    ProductFilter,
    Scope,
    StandardRow,
    T,
    adopting_bits,
    conversion_sql,
    counted_rows_sql,
    finish_sql,
    product_filter,
    product_not_counted_sql,
    product_report,
    product_rows_sql,
    reason_value,
    rules_echo,
    scope_of,
    standard_adoption_sql,
    standard_count_sql,
    standard_report,
    standing_insert_sql,
)
from adoption.regions import city_of, describe
from adoption.schemas import (
    ForeignBodyRead,
    IndicatorReport,
    NotCountedItem,
    NotCountedPage,
)
from adoption.uscc import normalize_uscc
from standards import data_version
from standards.db import executemany, fetch, in_list, insert_rows

INCREMENTAL_LIMIT = 5000
"""Above this many stale products a refresh recomputes every product (one INSERT ... SELECT);
on PostgreSQL above a tenth of the products, if more (:func:`_incremental_limit`)."""

FACT_COLUMNS = ("product", "enterprise", "region_code", "sector", "key_fields", "main",
                "in_scope", "covered", "reason", "mask", "valid_from", "valid_until",
                "valid_since")
_LOCK_KEY = 60061  # PostgreSQL advisory lock: one facts refresh at a time
WORK_MEM = "128MB"


# ------------------------------------------------------------------------------------------
# Plumbing
# ------------------------------------------------------------------------------------------


SqlOf = Callable[[Dialect], tuple[str, list[Any]]]
"""Builds a statement and its arguments for a dialect (the per-product SQL, which reads the
kept standing of editions when the dialect says so)."""


async def _select_big(sql: str | SqlOf, args: Sequence[Any] = (), hash_joins: bool = False,
                      dialect: Dialect | None = None) -> list[dict[str, Any]]:
    """A read over every declaration (past days): on PostgreSQL in a transaction with room
    to hash 300,000 products in memory (the default work_mem spills the per-product
    aggregate to disk).

    ``sql`` built by a function for ``dialect`` (every product's standing read,
    ``Dialect.every_standard``): on PostgreSQL, in one snapshot, the kept standing's flag is
    read and the statement built to read the kept standing when fresh (else it computes it,
    as SQLite always does).

    ``hash_joins``: no nested loops (a past day of every product: the declared editions are
    a CTE, which PostgreSQL takes for 200 distinct ids, so it looked each of them up in
    ``standard`` three times by index: 800,000 editions of a province, 24 s of a past day's
    SQL against 15 s with hash joins on the same loaded machine, the same rows), and parallel
    workers (see :data:`PARALLEL`)."""
    engine = adoption_engine()
    if engine.engine_type != "postgres" or engine.current_transaction.get() is not None:
        if callable(sql):
            sql, args = sql(dialect or _dialect(engine))
        return await select(sql, args)
    async with engine.transaction():
        if callable(sql):
            # the flag and the rows it vouches for are read in the same snapshot
            await fetch(engine, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", [])
        await fetch(engine, f"SET LOCAL work_mem = '{WORK_MEM}'", [])
        await fetch(engine, "SET LOCAL jit = off", [])  # compiling costs more than it saves
        if hash_joins:
            await fetch(engine, "SET LOCAL enable_nestloop = off", [])
            for setting, value in PARALLEL.items():
                await fetch(engine, f"SET LOCAL {setting} = {value}", [])
        # plan for the scope's own values (a prefix matching every row, or a few): a generic
        # plan of a prepared statement guesses, and a wrong guess means nested loops
        await fetch(engine, "SET LOCAL plan_cache_mode = force_custom_plan", [])
        if callable(sql):
            sql, args = sql(await _kept_standing(dialect or _dialect(engine)))
        return await fetch(engine, sql, list(args))


PARALLEL = {"parallel_setup_cost": 100, "parallel_tuple_cost": 0.01}
"""Planner costs of the reads over every product (PostgreSQL's defaults: 1000 and 0.1). By
the defaults, handing a million declaration rows from workers to the leader looked dearer than
hashing them alone; with the kept standing, parallel workers took a province's worst case
from 3.0 to 2.3 s (coverage) and 1.9 to 1.25 s (adoption) on two cores."""


async def standing_fresh() -> bool:
    """Whether ``edition_standing`` holds every edition's standing (PostgreSQL; no catalogue
    write since it was computed), in the open transaction if any."""
    rows = await select("SELECT fresh FROM edition_standing_state WHERE id = 1")
    return bool(rows and rows[0]["fresh"])


async def _kept_standing(dialect: Dialect) -> Dialect:
    """``dialect`` reading the kept standing when it reads every edition's and the kept one is
    fresh (in the open transaction)."""
    if dialect.every_standard and await standing_fresh():
        return replace(dialect, standing=True)
    return dialect


async def refresh_standing() -> bool:
    """Recompute ``edition_standing`` when a catalogue write made it stale (PostgreSQL; a
    province's 1 M editions: about 2 s); returns whether it did.

    The flag is set first, in the same transaction: a writer's trigger that sets it false
    afterwards waits until this commits, and a writer that set it false before has committed
    before the rows are read (each statement here reads what committed before it)."""
    engine = adoption_engine()
    if engine.engine_type != "postgres" or await standing_fresh():
        return False
    async with engine.transaction():
        await fetch(engine, f"SET LOCAL work_mem = '{WORK_MEM}'", [])
        await fetch(engine, "UPDATE edition_standing_state SET fresh = true WHERE id = 1", [])
        await fetch(engine, "DELETE FROM edition_standing", [])
        await fetch(engine, standing_insert_sql(_dialect(engine)), [])
    await select("ANALYZE edition_standing")
    return True


def _dialect(engine: Engine) -> Dialect:
    return Dialect(postgres=engine.engine_type == "postgres")


_MOSTLY_DECLARED_SECONDS = 60.0
_mostly_declared: dict[int, tuple[float, bool]] = {}


async def _products_dialect(engine: Engine) -> Dialect:
    """The dialect of the per-product SQL over every product: on PostgreSQL it reads every
    edition's standing when the planner's statistics count more declarations than editions
    (``Dialect.every_standard``). Either way the answers are the same; the figure is looked
    up once a minute per database."""
    dialect = _dialect(engine)
    if not dialect.postgres:
        return dialect
    now = time.monotonic()
    cached = _mostly_declared.get(id(engine))
    if cached is None or now - cached[0] > _MOSTLY_DECLARED_SECONDS:
        rows = await select("SELECT (SELECT reltuples FROM pg_class WHERE relname = "
                            "'declaration') AS declarations, (SELECT reltuples FROM pg_class "
                            "WHERE relname = 'standard') AS standards")
        declarations = float(rows[0]["declarations"] or 0)
        standards = float(rows[0]["standards"] or 0)
        cached = (now, standards > 0 and declarations >= standards)
        _mostly_declared[id(engine)] = cached
    return Dialect(postgres=True, every_standard=cached[1])


async def mark_stale(engine: Engine, product_ids: Sequence[int | None],
                     since: dt.date | None = None) -> None:
    """Queue products whose facts a write changed. ``since``: the first day the write can
    change their facts (a declaration's date), when the writer knows it: stored past days
    before it stay (none given: every stored day goes)."""
    ids = list(dict.fromkeys(int(i) for i in product_ids if i is not None))
    if ids:
        await insert_rows(engine, "product_fact_stale", ["product"], [(i,) for i in ids])
        await data_version.bump(engine, since)


async def mark_all_stale(engine: Engine) -> None:
    """Queue every product (after a catalogue change or a change of the body list)."""
    await insert_rows(engine, "product_fact_stale", ["product"], [(None,)])
    await data_version.bump(engine)


async def mark_enterprise_stale(engine: Engine, enterprise_ids: Sequence[int | None]) -> None:
    """Queue the products of enterprises whose region, sector or key fields changed."""
    ids = list(dict.fromkeys(int(i) for i in enterprise_ids if i is not None))
    for start in range(0, len(ids), 5000):
        where, args = in_list(engine, "enterprise", ids[start:start + 5000], "bigint")
        await fetch(engine, "INSERT INTO product_fact_stale (product) SELECT id FROM product "
                    f"WHERE {where}", args)
    if ids:
        await data_version.bump(engine)


async def mark_declarations_stale(engine: Engine, declaration_ids: Sequence[int | None],
                                  since: dt.date | None = None) -> None:
    """Queue the products of declarations that changed (withdrawn, re-dated); ``since`` as
    for :func:`mark_stale` (a withdrawal: its day)."""
    ids = list(dict.fromkeys(int(i) for i in declaration_ids if i is not None))
    for start in range(0, len(ids), 5000):
        where, args = in_list(engine, "id", ids[start:start + 5000], "bigint")
        await fetch(engine, "INSERT INTO product_fact_stale (product) SELECT DISTINCT product "
                    f"FROM declaration WHERE {where}", args)
    if ids:
        await data_version.bump(engine, since)


# ------------------------------------------------------------------------------------------
# Keeping the facts current
# ------------------------------------------------------------------------------------------


async def _staleness(today: dt.date) -> dict[str, int]:
    rows = await select(
        "SELECT (SELECT COUNT(*) FROM product_fact_stale) AS queued, "
        "(SELECT COALESCE(MAX(id), 0) FROM product_fact_stale) AS top, "
        "(SELECT COUNT(*) FROM product_fact_stale WHERE product IS NULL) AS everything, "
        "(SELECT COUNT(*) FROM product_fact WHERE valid_until <= ?) "
        "+ (SELECT COUNT(*) FROM product_fact WHERE valid_from > ?) AS expired, "
        # new products are queued by their writers; this catches any written around them
        # (ids only grow; both are index lookups, not counts of 300,000 rows)
        "(SELECT COALESCE(MAX(product), 0) FROM product_fact) AS facts, "
        "(SELECT COALESCE(MAX(id), 0) FROM product) AS products", [today, today])
    return {key: int(value or 0) for key, value in rows[0].items()}


def _needs_work(state: dict[str, int]) -> bool:
    return bool(state["queued"] or state["expired"] or state["facts"] != state["products"])


def _incremental_limit(engine: Engine, state: dict[str, int]) -> int:
    """How many products a refresh recomputes one by one before it recomputes them all.

    On PostgreSQL a tenth of the products (ids are an array parameter): at a province's size
    (600,000 products) 20,000 products took 6 s and 60,000 took 8 s, every product 35 s.
    SQLite binds each id as its own parameter: 5,000."""
    if engine.engine_type == "postgres":
        return max(INCREMENTAL_LIMIT, state["products"] // 10)
    return INCREMENTAL_LIMIT


def _full(engine: Engine, state: dict[str, int]) -> bool:
    """Whether the facts are recomputed for every product rather than product by product."""
    # products past the last one with facts (written around their writers' queueing, or by
    # an import whose writer queued them) are refreshed with the queued ones
    newer = max(0, state["products"] - state["facts"])
    return (state["everything"] > 0 or state["facts"] == 0
            or state["facts"] > state["products"]
            or state["queued"] + state["expired"] + newer > _incremental_limit(engine, state))


async def ensure_facts(today: dt.date | None = None) -> str:
    """Bring the kept facts to ``today`` (default: today): ``fresh`` (nothing to do),
    ``incremental`` or ``full``."""
    today = today or dt.date.today()
    state = await _staleness(today)
    if not _needs_work(state):
        return "fresh"
    if _full(adoption_engine(), state):
        # a full rebuild reads the kept standing of editions: brought up to date first, in a
        # transaction of its own (catalogue writers wait for it, not for the rebuild)
        await refresh_standing()
    async with writing() as engine:
        if engine.engine_type == "postgres":
            await fetch(engine, f"SELECT pg_advisory_xact_lock({_LOCK_KEY})", [])
        state = await _staleness(today)  # another refresh may have run meanwhile
        if not _needs_work(state):
            return "fresh"
        limit = _incremental_limit(engine, state)
        full = _full(engine, state)
        if not full:
            ids = [int(row["product"]) for row in await fetch(
                engine, "SELECT DISTINCT product FROM product_fact_stale WHERE id <= ? "
                "AND product IS NOT NULL UNION SELECT product FROM product_fact "
                "WHERE valid_until <= ? UNION SELECT product FROM product_fact "
                "WHERE valid_from > ? UNION SELECT id FROM product WHERE id > ?",
                [state["top"], today, today, state["facts"]])]
            full = len(ids) > limit
        if full:
            await _rebuild(engine, today)
        else:
            await _refresh(engine, today, ids)
        await fetch(engine, "DELETE FROM product_fact_stale WHERE id <= ?", [state["top"]])
    return "full" if full else "incremental"


async def rebuild_facts(today: dt.date | None = None) -> None:
    """Recompute every product's facts and the cube as of ``today`` (and first the kept
    standing of editions, when a catalogue write made it stale)."""
    await refresh_standing()
    async with writing() as engine:
        if engine.engine_type == "postgres":
            await fetch(engine, f"SELECT pg_advisory_xact_lock({_LOCK_KEY})", [])
        top = await fetch(engine, "SELECT COALESCE(MAX(id), 0) AS top FROM product_fact_stale",
                          [])
        await _rebuild(engine, today or dt.date.today())
        await fetch(engine, "DELETE FROM product_fact_stale WHERE id <= ?", [top[0]["top"]])
        await data_version.bump(engine)  # a catalogue import ends here: dates, adoptions


def _insert_facts_sql(engine: Engine, ids: list[int] | None, dialect: Dialect | None = None
                      ) -> tuple[str, list[Any]]:
    dialect = dialect or _dialect(engine)
    clause = in_list(engine, "{col}", ids, "bigint") if ids is not None else None
    rows, args = product_rows_sql(dialect, ProductFilter(), with_next=True,
                                  ids_clause=clause)
    picked = ", ".join(f"pr.{column}" if column != "valid_from" else "@T@"
                       for column in FACT_COLUMNS)
    return (f"INSERT INTO product_fact ({', '.join(FACT_COLUMNS)}) SELECT {picked} "
            f"FROM ({rows}) pr"), args


async def _rebuild(engine: Engine, today: dt.date) -> None:
    dialect = _dialect(engine)
    if dialect.postgres:
        # a bulk import may just have filled these tables: without fresh statistics the
        # planner takes them for nearly empty (nested loops over 300,000 products; the
        # dashboard's latest alert of a region joined all 30,000 open ones first: 250 ms,
        # 0.8 ms once analysed)
        await fetch(engine, f"SET LOCAL work_mem = '{WORK_MEM}'", [])
        await fetch(engine, "ANALYZE product, enterprise, declaration, standard, relation, "
                    "alert", [])
    await fetch(engine, "DELETE FROM product_fact", [])
    products = await _kept_standing(await _products_dialect(engine))
    sql, args = _insert_facts_sql(engine, None, products)
    await fetch(engine, *finish_sql(dialect, sql, args, today))
    await fetch(engine, "DELETE FROM indicator_cube", [])
    keys = ", ".join(CUBE_COLUMNS)
    await fetch(engine, f"INSERT INTO indicator_cube ({keys}, products) SELECT {keys}, "
                f"COUNT(*) FROM product_fact WHERE in_scope = 1 GROUP BY {keys}", [])
    if dialect.postgres:
        await fetch(engine, "ANALYZE product_fact, indicator_cube", [])


def _cube_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["region_code"] or "", row["sector"] or "", row["key_fields"] or "",
            int(row["main"]), int(row["covered"]), row["reason"] or "", int(row["mask"]))


async def _in_scope_keys(engine: Engine, ids: list[int]) -> list[tuple[Any, ...]]:
    keys: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 5000):
        where, args = in_list(engine, "product", ids[start:start + 5000], "bigint")
        rows = await fetch(engine, f"SELECT {', '.join(CUBE_COLUMNS)} FROM product_fact "
                           f"WHERE in_scope = 1 AND {where}", args)
        keys += [_cube_key(row) for row in rows]
    return keys


async def _refresh(engine: Engine, today: dt.date, ids: list[int]) -> None:
    """Recompute the facts of ``ids`` and move the cube by the difference."""
    if not ids:
        return
    dialect = _dialect(engine)
    delta: dict[tuple[Any, ...], int] = {}
    for key in await _in_scope_keys(engine, ids):
        delta[key] = delta.get(key, 0) - 1
    where, args = in_list(engine, "product", ids, "bigint")
    await fetch(engine, f"DELETE FROM product_fact WHERE {where}", args)
    sql, sql_args = _insert_facts_sql(engine, ids)
    await fetch(engine, *finish_sql(dialect, sql, sql_args, today))
    for key in await _in_scope_keys(engine, ids):
        delta[key] = delta.get(key, 0) + 1
    changes = {key: n for key, n in delta.items() if n}
    if not changes:
        return
    match = " AND ".join(f"{column} = ?" for column in CUBE_COLUMNS)
    cube: dict[tuple[Any, ...], int] = {}
    for key in changes:  # a few keys, each one lookup of the cube's unique index
        found = await fetch(engine, f"SELECT id FROM indicator_cube WHERE {match}", list(key))
        if found:
            cube[key] = int(found[0]["id"])
    await executemany(engine, "UPDATE indicator_cube SET products = products + ? WHERE id = ?",
                      [(n, cube[key]) for key, n in changes.items() if key in cube])
    await insert_rows(engine, "indicator_cube", [*CUBE_COLUMNS, "products"],
                      [(*key, n) for key, n in changes.items() if key not in cube and n > 0])
    await fetch(engine, "DELETE FROM indicator_cube WHERE products <= 0", [])


# ------------------------------------------------------------------------------------------
# Foreign-advanced bodies
# ------------------------------------------------------------------------------------------


async def foreign_bodies() -> list[ForeignBodyRead]:
    rows = await select("SELECT body, name FROM foreign_body ORDER BY body")
    return [ForeignBodyRead(body=row["body"], name=row["name"]) for row in rows]


def _body_value(raw: str) -> str:
    text = " ".join(str(raw or "").split()).upper()
    if not text or len(text) > 40 or " " in text or "/" in text:
        raise InvalidFieldError("body", raw, "应为标准代号的第一个词 expected the first word of "
                                "the body's codes, e.g. ASTM, DIN, JIS")
    return text


async def add_foreign_body(body: str, name: str = "") -> list[ForeignBodyRead]:
    """Count ``body``'s standards as foreign-advanced from now on (adding twice changes
    nothing); every product's facts are recomputed on the next query."""
    value = _body_value(body)
    async with writing() as engine:
        found = await fetch(engine, "SELECT id FROM foreign_body WHERE body = ?", [value])
        if not found:
            await insert_rows(engine, "foreign_body", ["body", "name", "created_at"],
                              [(value, " ".join(name.split())[:200], dt.datetime.now(dt.UTC))])
            await mark_all_stale(engine)
    return await foreign_bodies()


async def remove_foreign_body(body: str) -> list[ForeignBodyRead]:
    """Stop counting ``body``'s standards as foreign-advanced.

    Raises:
        RecordNotFound: the list does not hold it.
    """
    value = _body_value(body)
    async with writing() as engine:
        found = await fetch(engine, "SELECT id FROM foreign_body WHERE body = ?", [value])
        if not found:
            raise RecordNotFound(f"{value} is not in the foreign-advanced body list")
        await fetch(engine, "DELETE FROM foreign_body WHERE body = ?", [value])
        await mark_all_stale(engine)
    return await foreign_bodies()


# ------------------------------------------------------------------------------------------
# Indicators
# ------------------------------------------------------------------------------------------


async def _scope(query: IndicatorQuery, today: dt.date) -> tuple[Scope, int | None]:
    scope = scope_of(query, today, normalize_uscc)
    enterprise_id = None
    if scope.enterprise:
        rows = await select("SELECT id FROM enterprise WHERE uscc = ?", [scope.enterprise])
        if not rows:
            raise RecordNotFound(f"no enterprise with USCC {scope.enterprise}")
        enterprise_id = int(rows[0]["id"])
    return scope, enterprise_id


def _fact_filters(scope: Scope, enterprise_id: int | None, alias: str
                  ) -> tuple[list[str], list[Any]]:
    """The scope's filters on kept rows (facts or cube) of alias ``alias``."""
    dialect = _dialect(adoption_engine())
    where: list[str] = []
    args: list[Any] = []
    for column, prefix in (("region_code", scope.region), ("sector", scope.sector)):
        if prefix:
            condition, condition_args = dialect.starts_with(f"{alias}.{column}", prefix)
            where.append(condition)
            args += condition_args
    if scope.key_field:
        where.append(f"(';' || {alias}.key_fields || ';') LIKE ?")
        args.append(f"%;{scope.key_field};%")
    if enterprise_id is not None:
        where.append(f"{alias}.enterprise = ?")
        args.append(enterprise_id)
    return where, args


def _adopting(scope: Scope) -> int | None:
    """The bits the past-day SQL needs to decide adoption (none for coverage)."""
    return adopting_bits(scope.rules) if scope.name is IndicatorName.ADOPTION else None


def _cube_row(row: dict[str, Any]) -> CubeRow:
    return CubeRow(region_code=row["region_code"] or "", sector=row["sector"] or "",
                   key_fields=row["key_fields"] or "", main=bool(row["main"]),
                   covered=bool(row["covered"]), reason=row["reason"] or "",
                   mask=int(row["mask"]), products=int(row["products"]))


async def _product_cube(scope: Scope, enterprise_id: int | None, today: dt.date,
                        reuse_facts: bool = True, also: Collection[GroupBy | None] = ()
                        ) -> tuple[list[CubeRow], str]:
    if scope.as_of == today:
        await ensure_facts(today)
        if enterprise_id is None:
            where, args = _fact_filters(scope, None, "x")
            sql = counted_rows_sql(scope, "indicator_cube", "SUM(x.products)", where,
                                   also=also)
        else:
            where, args = _fact_filters(scope, enterprise_id, "x")
            sql = counted_rows_sql(scope, "product_fact", "COUNT(*)", ["x.in_scope = 1", *where],
                                   also=also)
        return [_cube_row(row) for row in await select(sql, args)], "facts"
    if reuse_facts and scope.as_of < today and enterprise_id is None and not scope.enterprise:
        tokens = await closed_day_tokens([scope.as_of], today)
        if scope.as_of in tokens:
            return (await _stored_rows(scope, tokens, also=also))[scope.as_of], "stored"
    dialect = await _products_dialect(adoption_engine())
    filters = product_filter(scope, enterprise_id, dialect)
    found: list[CubeRow] = []
    source = "declarations"
    if reuse_facts and scope.as_of < today:
        # a product whose facts hold back to t (nothing of it changed since) is read from
        # them; only the others are computed from their declarations
        await ensure_facts(today)
        where, args = _fact_filters(scope, enterprise_id, "x")
        kept = counted_rows_sql(scope, "product_fact", "COUNT(*)", [
            "x.in_scope = 1", f"(x.valid_since IS NULL OR x.valid_since <= {T})", *where],
            also=also)
        found += [_cube_row(row) for row in await select(*finish_sql(
            dialect, kept, args, scope.as_of))]
        filters.product.append(
            f"p.id IN (SELECT pf.product FROM product_fact pf WHERE pf.valid_since > {T})")
        source = "facts+declarations"

    def sql_of(dialect: Dialect) -> tuple[str, list[Any]]:
        rows_sql, args = product_rows_sql(dialect, filters, with_next=False,
                                          adopting=_adopting(scope), only_in_scope=True)
        # only in-scope products come out of rows_sql: no filter on its CASE (which
        # PostgreSQL would push down and misjudge as keeping 0.5 % of the products)
        sql = counted_rows_sql(scope, f"({rows_sql})", "COUNT(*)", also=also)
        return finish_sql(dialect, sql, args, scope.as_of)

    # one enterprise's products are a few index lookups: nested loops stay allowed there
    rows = await _select_big(sql_of, hash_joins=enterprise_id is None and not scope.enterprise,
                             dialect=dialect)
    return found + [_cube_row(row) for row in rows], source


def _standard_rows_sql(scope: Scope) -> tuple[str, list[Any]]:
    dialect = _dialect(adoption_engine())
    if scope.name is IndicatorName.STANDARD_ADOPTION:
        return standard_adoption_sql(dialect, scope)
    return conversion_sql(dialect, scope)


async def compute(query: IndicatorQuery, today: dt.date | None = None,
                  reuse_facts: bool = True) -> IndicatorReport:
    """One indicator (docs/indicators.md) as of ``query.as_of`` (default ``today``).

    Args:
        reuse_facts: on a past day, read the kept facts of products unchanged since then
            (false: compute every product from its declarations, as the tests compare).
            With it, the answer is kept under the data version (standards/data_version.py)
            and given again until a write changes the data.

    Raises:
        InvalidFieldError: a filter that does not apply or is malformed (names it).
        RecordNotFound: no enterprise has the USCC of the enterprise filter.
    """
    today = today or dt.date.today()
    if not reuse_facts:
        return await _compute(query, today, reuse_facts)
    return await data_version.kept(_kept_key(query, today),
                                   lambda: _compute(query, today, reuse_facts))


def _kept_key(query: IndicatorQuery, today: dt.date) -> tuple[str, str, str]:
    return ("indicator", query.model_dump_json(), today.isoformat())


async def _compute(query: IndicatorQuery, today: dt.date, reuse_facts: bool
                   ) -> IndicatorReport:
    scope, enterprise_id = await _scope(query, today)
    bodies = [body.body for body in await foreign_bodies()]
    echo = rules_echo(scope.rules, scope.name, bodies)
    if scope.name in PRODUCT_INDICATORS:
        rows, source = await _product_cube(scope, enterprise_id, today, reuse_facts)
        return product_report(scope, rows, echo, source)
    sql, args = _standard_rows_sql(scope)
    found = await select(*finish_sql(_dialect(adoption_engine()), standard_count_sql(sql), args,
                                      scope.as_of))
    return standard_report(scope, [
        StandardRow(level=row["level"], prefix=row["prefix"] or "",
                    region_code=row["region_code"] or "", reason=row["reason"] or "",
                    standards=int(row["standards"])) for row in found], echo)


async def compute_groups(query: IndicatorQuery, group_bys: Sequence[GroupBy | None],
                         today: dt.date | None = None) -> list[IndicatorReport]:
    """The indicator of ``query`` grouped each way of ``group_bys`` (None: ungrouped), in that
    order: what :func:`compute` gives for each, kept the same way. A product indicator's
    answers not kept yet come from one computation (the total, the cities and the sectors of
    a past day are one pass over the declarations, not three)."""
    today = today or dt.date.today()
    queries = [query.model_copy(update={"group_by": group_by}) for group_by in group_bys]
    version = await data_version.current()
    found: dict[int, IndicatorReport] = {}
    for index, one in enumerate(queries):
        kept, answer = data_version.kept_answer(_kept_key(one, today), version)
        if kept:
            found[index] = answer
    missing = [index for index in range(len(queries)) if index not in found]
    if len(missing) > 1 and IndicatorName(query.name) in PRODUCT_INDICATORS:
        scoped = [await _scope(queries[index], today) for index in missing]
        first, enterprise_id = scoped[0]
        bodies = [body.body for body in await foreign_bodies()]
        rows, source = await _product_cube(first, enterprise_id, today,
                                           also=[scope.group_by for scope, _ in scoped])
        for index, (scope, _) in zip(missing, scoped, strict=True):
            report = product_report(scope, rows, rules_echo(scope.rules, scope.name, bodies),
                                    source)
            data_version.keep(_kept_key(queries[index], today), report, version)
            found[index] = report
    for index in missing:
        if index not in found:
            found[index] = await compute(queries[index], today)
    return [found[index] for index in range(len(queries))]


async def series(query: IndicatorQuery, dates: Sequence[dt.date],
                 today: dt.date | None = None) -> list[IndicatorReport]:
    """The indicator as of each of ``dates``, in the order given (the trend).

    Answers kept under the data version are given again; the past days of a product
    indicator not kept are computed together, in one pass (:func:`_product_series`), and
    kept one by one (the same answers :func:`compute` gives and keeps for each day).
    """
    today = today or dt.date.today()
    version = await data_version.current()
    queries = {day: query.model_copy(update={"as_of": day}) for day in dates}
    found: dict[dt.date, IndicatorReport] = {}
    for day, day_query in queries.items():
        kept, answer = data_version.kept_answer(_kept_key(day_query, today), version)
        if kept:
            found[day] = answer
    past = sorted(day for day in queries if day not in found and day < today)
    if past and IndicatorName(query.name) in PRODUCT_INDICATORS:
        for day, report in (await _stored_series(query, past, today)).items():
            data_version.keep(_kept_key(queries[day], today), report, version)
            found[day] = report
        past = [day for day in past if day not in found]
    if len(past) > 1 and IndicatorName(query.name) in PRODUCT_INDICATORS:
        for start in range(0, len(past), SERIES_DAYS):
            chunk = past[start:start + SERIES_DAYS]
            for day, report in zip(chunk, await _product_series(query, chunk, today),
                                   strict=True):
                data_version.keep(_kept_key(queries[day], today), report, version)
                found[day] = report
    for day, day_query in queries.items():
        if day not in found:
            found[day] = await compute(day_query, today)
    return [found[day].model_copy(deep=True) if dates.count(day) > 1 else found[day]
            for day in dates]


SERIES_DAYS = 24
"""Past days computed in one pass (a product's declarations are joined once per day)."""


async def _product_series(query: IndicatorQuery, days: Sequence[dt.date], today: dt.date
                          ) -> list[IndicatorReport]:
    """A product indicator on several past days in one pass: :func:`_product_cube` with the
    day a column (``days`` joined to the kept facts, and to the per-product SQL for the
    products whose facts do not hold back to the day)."""
    scope, enterprise_id = await _scope(query.model_copy(update={"as_of": days[0]}), today)
    bodies = [body.body for body in await foreign_bodies()]
    echo = rules_echo(scope.rules, scope.name, bodies)
    await ensure_facts(today)
    dialect = await _products_dialect(adoption_engine())
    values = ", ".join(f"({dialect.date})" for _ in days)
    where, args = _fact_filters(scope, enterprise_id, "x")
    # SQLite names a VALUES list's columns column1, column2...
    day_table = (f"(VALUES {values}) dd(day)" if dialect.postgres
                 else f"(SELECT column1 AS day FROM (VALUES {values})) dd")
    kept = counted_rows_sql(
        scope, f"{day_table} CROSS JOIN product_fact", "COUNT(*)",
        ["x.in_scope = 1", "(x.valid_since IS NULL OR x.valid_since <= dd.day)", *where],
        day="dd.day")
    filters = product_filter(scope, enterprise_id, dialect)
    # (correlated on the primary key: an IN list per day would be read again for each row)
    filters.product.append("EXISTS (SELECT 1 FROM product_fact pf WHERE pf.product = p.id "
                           f"AND pf.valid_since > {T})")

    def computed(dialect: Dialect) -> tuple[str, list[Any]]:
        rows_sql, rows_args = product_rows_sql(dialect, filters, with_next=False,
                                               adopting=_adopting(scope), only_in_scope=True,
                                               days=days)
        return counted_rows_sql(scope, f"({rows_sql})", "COUNT(*)", day="x.day"), rows_args

    rows = [*await select(kept, [*days, *args]),
            *await _select_big(computed, dialect=dialect)]
    by_day: dict[str, list[CubeRow]] = {str(day): [] for day in days}
    for row in rows:
        by_day[str(row["day"])[:10]].append(_cube_row(row))
    return [product_report(replace(scope, as_of=day), by_day[str(day)], echo,
                           "facts+declarations") for day in days]


# ------------------------------------------------------------------------------------------
# Stored days: the cube of closed days, kept in the database
# ------------------------------------------------------------------------------------------

CUBE_DAYS = "cube"
"""The ``stored_day`` kind of the past days' cubes (rows in ``cube_snapshot``)."""
STORED_CUBE_DAYS = 400
"""At most this many days' cubes are kept (the oldest stored go first): year ends and the
month ends of a few goals need 200; a day anyone asks for is stored too."""


async def stored_cube_days(days: Sequence[dt.date]) -> set[dt.date]:
    """Which of ``days`` have their cube stored now."""
    return set(await data_version.stored_days(CUBE_DAYS, list(days), adoption_engine()))


async def days_being_stored() -> set[dt.date]:
    """Days whose cube some process is computing now (marked pending lately)."""
    return await data_version.pending_days(CUBE_DAYS, adoption_engine())


async def closed_day_tokens(days: Sequence[dt.date], today: dt.date | None = None,
                            store_at_most: int | None = None) -> dict[dt.date, str]:
    """The stored cube of each past day of ``days`` (its token), computed and stored first for
    the days not stored yet (all in one pass) — unless more than ``store_at_most`` are
    missing: those are then left to the caller. A day left out could not be stored (a write
    came while it was computed) or was not: the caller computes it as before."""
    today = today or dt.date.today()
    wanted = sorted({day for day in days if day < today})
    found = await data_version.stored_days(CUBE_DAYS, wanted, adoption_engine())
    missing = [day for day in wanted if day not in found]
    if missing and (store_at_most is None or len(missing) <= store_at_most):
        found.update(await store_cube_days(missing, today))
    return found


async def store_cube_days(days: Sequence[dt.date], today: dt.date | None = None
                          ) -> dict[dt.date, str]:
    """Compute the whole cube of each of ``days`` (past days: every product, every dimension
    and adoption bit, as ``indicator_cube`` holds today's) and store it; returns the tokens of
    the days stored (a write meanwhile leaves its days out: their cubes may predate it).

    Asked for a few days (:data:`DERIVE_DAYS`), a day within :data:`DERIVE_WITHIN` days of a
    stored one is derived from it: that cube, less the products that changed in between as
    they were on it, plus the same products as they are on the day (:func:`_derived_cube`);
    the others are computed over every product (:func:`_whole_cubes`). Asked for more (the
    leader's days), each day is derived from the next one asked (:func:`_chained_cubes`). A failure
    on the way unmarks the days it had marked pending (else others would leave them alone
    for :data:`standards.data_version.STALE_PENDING`)."""
    today = today or dt.date.today()
    days = sorted({day for day in days if day < today})
    if not days:
        return {}
    await ensure_facts(today)
    engine = adoption_engine()
    bases = (await data_version.stored_days(CUBE_DAYS, None, engine)
             if len(days) <= DERIVE_DAYS else {})
    tokens = await data_version.start_stored_days(engine, CUBE_DAYS, days)
    try:
        return await _store_marked(days, tokens, bases)
    except BaseException:
        async with writing() as engine:
            await fetch(engine, "DELETE FROM stored_day WHERE ready = 0 AND token IN "
                        f"({', '.join('?' for _ in tokens)})", list(tokens.values()))
        raise


async def _store_marked(days: list[dt.date], tokens: dict[dt.date, str],
                        bases: dict[dt.date, str]) -> dict[dt.date, str]:
    """:func:`store_cube_days` once its days are marked pending under ``tokens``."""
    cubes: dict[dt.date, dict[tuple[Any, ...], int]] = {}
    used: set[str] = set()  # the stored cubes derived from
    whole: list[dt.date] = []
    for day in days:
        near = _nearest(bases, day)
        found = None
        if near is not None:
            found = await _derived_cube(await _stored_cube(bases[near]), near, day)
        if found is None:
            whole.append(day)
        else:
            cubes[day] = found
            used.add(bases[near])  # type: ignore[index]
    derived = {tokens[day] for day in cubes}
    first = await _first_registered()
    for day in [day for day in whole if first is None or day < first]:
        cubes[day] = {}  # no product registered yet: nothing in scope, nothing to compute
    whole = [day for day in whole if day not in cubes]
    cubes.update(await (_chained_cubes(whole) if len(whole) > DERIVE_DAYS
                        else _computed_cubes(whole)))
    async with writing() as engine:
        # a day derived from a stored cube a write deleted meanwhile is not kept (a day the
        # write cannot change, derived from another it cannot change, is)
        drop = derived if used and not await data_version.still_stored(engine, used) else set()
        alive = set(await data_version.finish_stored_days(
            engine, [token for token in tokens.values() if token not in drop]))
        await data_version.forget_stored(engine, list(drop))
        await insert_rows(
            engine, "cube_snapshot", ["token", "day", *CUBE_COLUMNS, "products", "rollup"], [
                (tokens[day], day, *key, n, rollup) for day, cube in cubes.items()
                if tokens[day] in alive
                for rollup, rows in ((0, cube), (1, _rolled_up(cube)))
                for key, n in rows.items() if n])
        await _tidy_stored(engine, [day for day, token in tokens.items() if token in alive],
                           alive)
    return {day: token for day, token in tokens.items() if token in alive}


DERIVE_DAYS = 3
"""Up to this many days asked at once are derived from stored ones near them (a day someone
asks for); more (the leader's days after a job) are derived from one another."""
DERIVE_WITHIN = 400
"""Days from a stored cube within which a day is derived from it rather than computed whole
(the products changed in between are computed twice instead of every product once)."""
DERIVE_SHARE = 30
"""Derived only when at most one product in this many changed in between: a changed product
is computed twice, through a list of ids, against every product once (most of them read
from their kept facts) — at 300,000 products on SQLite, 2,200 changed products derived a day
in 0.8 s, 40,000 in 8.9 s, where the whole computation took 1.4 s."""


async def _first_registered() -> dt.date | None:
    """The first day any product is in scope (registered, or created when no day is known)."""
    dialect = _dialect(adoption_engine())
    rows = await select("SELECT MIN(COALESCE(registered_on, "
                        f"{dialect.created_day('created_at')})) AS first FROM product")
    value = rows[0]["first"] if rows else None
    return None if value is None else dt.date.fromisoformat(str(value)[:10])


def _rolled_up(cube: dict[tuple[Any, ...], int]) -> dict[tuple[Any, ...], int]:
    """The cube by city (a county's code becomes its city's), without sector and key fields:
    what a region of a province or a city, ungrouped or by province or city, reads."""
    rolled: dict[tuple[Any, ...], int] = {}
    for (region, _sector, _fields, *rest), n in cube.items():
        city = city_of(region) if len(region) == 6 and region.isdigit() else region
        key = (city, "", "", *rest)
        rolled[key] = rolled.get(key, 0) + n
    return rolled


def _reads_rollup(scope: Scope, also: Collection[GroupBy | None]) -> bool:
    """Whether the city roll-up answers ``scope`` (and the other groupings ``also``)."""
    return (not scope.sector and not scope.key_field
            and (not scope.region or len(scope.region) <= 4)
            and {scope.group_by, *also} <= {None, GroupBy.PROVINCE, GroupBy.CITY})


def _nearest(days: Collection[dt.date], day: dt.date) -> dt.date | None:
    near = min(days, key=lambda other: abs((other - day).days), default=None)
    if near is None or abs((near - day).days) > DERIVE_WITHIN:
        return None
    return near


def _count_into(cube: dict[tuple[Any, ...], int], row: dict[str, Any]) -> None:
    """Add a counted row (:data:`CUBE_COLUMNS` and ``products``) to ``cube``."""
    key = _cube_key(row)
    cube[key] = cube.get(key, 0) + int(row["products"])


def _by_day(rows: list[dict[str, Any]]) -> dict[dt.date, dict[tuple[Any, ...], int]]:
    cubes: dict[dt.date, dict[tuple[Any, ...], int]] = {}
    for row in rows:
        _count_into(cubes.setdefault(dt.date.fromisoformat(str(row["day"])[:10]), {}), row)
    return cubes


async def _stored_cube(token: str) -> dict[tuple[Any, ...], int]:
    cube: dict[tuple[Any, ...], int] = {}
    for row in await select(f"SELECT {', '.join(CUBE_COLUMNS)}, products FROM cube_snapshot "
                            "WHERE token = ? AND rollup = 0", [token]):
        _count_into(cube, row)
    return cube


def _change_events_sql(dialect: Dialect) -> tuple[str, int]:
    """SQL of the days in a window (``> first AND <= last``, its two parameters repeated as
    many times as the second value says) on which a product's facts may change, one row
    ``id, day`` (the product, the day) each: a declaration made or withdrawn, registration or
    discontinuation, an edition it declares (dated, or of the family it declares undated)
    coming into force or withdrawn, or replaced by an edition coming into force (the
    withdrawal a source left undated). The dates :func:`product_rows_sql` reads, each."""
    d = dialect.date
    window = f"> {d} AND {{0}} <= {d}"
    registered = f"COALESCE(p.registered_on, {dialect.created_day('p.created_at')})"

    def within(expr: str) -> str:
        return f"({expr} {window.format(expr)})"

    editions = (f"SELECT s.id, s.family_key, s.effective_on AS day FROM standard s "
                f"WHERE {within('s.effective_on')} "
                f"UNION ALL SELECT s.id, s.family_key, s.withdrawn_on FROM standard s "
                f"WHERE {within('s.withdrawn_on')} "
                "UNION ALL SELECT s.id, s.family_key, n.effective_on FROM standard s "
                "JOIN relation r ON r.object_code = s.normalized_code AND r.kind = 'replaces' "
                f"JOIN standard n ON n.id = r.subject WHERE s.withdrawn_undated "
                f"AND {within('n.effective_on')}")
    sql = (f"WITH ev AS ({editions}) "
           f"SELECT d.product AS id, d.declared_on AS day FROM declaration d "
           f"WHERE {within('d.declared_on')} "
           f"UNION SELECT d.product, d.withdrawn_on FROM declaration d "
           f"WHERE {within('d.withdrawn_on')} "
           "UNION SELECT d.product, ev.day FROM declaration d JOIN ev ON d.standard = ev.id "
           "UNION SELECT d.product, ev.day FROM declaration d JOIN ev "
           "ON d.undated AND d.code_key = ev.family_key "
           f"UNION SELECT p.id, {registered} FROM product p WHERE {within(registered)} "
           f"UNION SELECT p.id, p.discontinued_on FROM product p "
           f"WHERE {within('p.discontinued_on')}")
    return sql, 7


async def _changed_between(first: dt.date, last: dt.date) -> list[int]:
    """Products whose facts may differ between ``first`` and ``last`` (first < last): one of
    their dates falls in (first, last] (:func:`_change_events_sql`)."""
    sql, windows = _change_events_sql(_dialect(adoption_engine()))
    rows = await _select_big(f"SELECT DISTINCT e.id FROM ({sql}) e", [first, last] * windows)
    return [int(row["id"]) for row in rows]


async def _changes_by_interval(days: Sequence[dt.date]) -> list[set[int]]:
    """For sorted ``days``, the products whose facts may change between each day and the next
    (``result[k]``: within (days[k], days[k + 1]]), from one read of every change."""
    changes: list[set[int]] = [set() for _ in days[1:]]
    if not changes:
        return changes
    sql, windows = _change_events_sql(_dialect(adoption_engine()))
    for row in await _select_big(sql, [days[0], days[-1]] * windows):
        day = row["day"] if isinstance(row["day"], dt.date) else dt.date.fromisoformat(
            str(row["day"])[:10])
        changes[bisect.bisect_left(days, day) - 1].add(int(row["id"]))
    return changes


async def _derived_cube(base: dict[tuple[Any, ...], int], base_day: dt.date, day: dt.date
                        ) -> dict[tuple[Any, ...], int] | None:
    """The cube of ``day`` from the cube of ``base_day``: the products changed in between
    taken out as they were on ``base_day`` and put back as they are on ``day``; None when
    more than one product in :data:`DERIVE_SHARE` changed (computing every product is then
    as quick), or when the difference does not add up (never expected; computed whole)."""
    if day == base_day:
        return dict(base)
    changed = await _changed_between(min(day, base_day), max(day, base_day))
    if len(changed) * DERIVE_SHARE > await _product_count():
        return None
    return await _moved(base, base_day, day, changed)


async def _product_count() -> int:
    rows = await select("SELECT COUNT(*) AS n FROM product")
    return int(rows[0]["n"] or 0)


async def _moved(base: dict[tuple[Any, ...], int], base_day: dt.date, day: dt.date,
                 changed: list[int]) -> dict[tuple[Any, ...], int] | None:
    """``base`` (the cube of ``base_day``) less ``changed`` products as they were on it, plus
    the same as they are on ``day``; None when a count would go below zero."""
    cube = dict(base)
    both = await _cubes_of(changed, [base_day, day])
    for sign, on in ((-1, base_day), (1, day)):
        for key, n in both[on].items():
            cube[key] = cube.get(key, 0) + sign * n
    if any(n < 0 for n in cube.values()):
        return None
    return {key: n for key, n in cube.items() if n}


async def _chained_cubes(days: list[dt.date]) -> dict[dt.date, dict[tuple[Any, ...], int]]:
    """The cubes of many sorted ``days`` (the leader's month ends after an import): the last
    one, and any day after which more than one product in :data:`DERIVE_SHARE` changed,
    computed whole (:func:`_whole_cubes`, together); every other day derived from the day after
    it (:func:`_moved`), back to the first. A product is then computed about twice per day on
    which it changed, instead of once per day stored: at 60,000 products storing 191 month
    ends took 77 s whole."""
    changes = await _changes_by_interval(days)
    total = await _product_count()
    whole = [day for day, changed in zip(days, [*changes, None], strict=True)
             if changed is None or len(changed) * DERIVE_SHARE > total]
    cubes = await _computed_cubes(whole)
    for k in range(len(days) - 2, -1, -1):
        day = days[k]
        if day in cubes:
            continue
        moved = await _moved(cubes[days[k + 1]], days[k + 1], day, sorted(changes[k]))
        # (None never expected: that day is then computed whole)
        cubes[day] = moved if moved is not None else (await _computed_cubes([day]))[day]
    return cubes


async def _computed_cubes(days: Sequence[dt.date]) -> dict[dt.date, dict[tuple[Any, ...], int]]:
    """The cubes of ``days`` computed over every product (:func:`_whole_cubes`,
    :data:`SERIES_DAYS` days a pass); a day with nothing in scope has an empty cube."""
    cubes: dict[dt.date, dict[tuple[Any, ...], int]] = {day: {} for day in days}
    for start in range(0, len(days), SERIES_DAYS):
        cubes.update(_by_day(await _whole_cubes(days[start:start + SERIES_DAYS])))
    return cubes


async def _cubes_of(ids: list[int], days: Sequence[dt.date]
                    ) -> dict[dt.date, dict[tuple[Any, ...], int]]:
    """The cube of products ``ids`` alone on each of ``days`` (every adoption bit), in one
    pass: the editions they declare are read once for all the days."""
    engine = adoption_engine()
    dialect = _dialect(engine)
    keys = ", ".join(f"x.{column}" for column in CUBE_COLUMNS)
    cubes: dict[dt.date, dict[tuple[Any, ...], int]] = {day: {} for day in days}
    step = len(ids) if dialect.postgres else 5000  # (SQLite: a parameter per id)
    for start in range(0, len(ids), max(step, 1)):
        clause = in_list(engine, "{col}", ids[start:start + step], "bigint")
        rows_sql, args = product_rows_sql(dialect, ProductFilter(), with_next=False,
                                          ids_clause=clause, only_in_scope=True,
                                          days=days, all_bits=True)
        sql = (f"SELECT x.day AS day, {keys}, COUNT(*) AS products FROM ({rows_sql}) x "
               f"GROUP BY x.day, {keys}")
        for row in await _select_big(sql, args):
            _count_into(cubes[dt.date.fromisoformat(str(row["day"])[:10])], row)
    return cubes


async def _whole_cubes(days: Sequence[dt.date]) -> list[dict[str, Any]]:
    """Rows ``day`` + :data:`CUBE_COLUMNS` + ``products`` of past ``days``, in one pass: the
    kept facts of products unchanged since the day, the per-product SQL for the others (as
    :func:`_product_series`, with every adoption bit)."""
    dialect = await _products_dialect(adoption_engine())
    values = ", ".join(f"({dialect.date})" for _ in days)
    day_table = (f"(VALUES {values}) dd(day)" if dialect.postgres
                 else f"(SELECT column1 AS day FROM (VALUES {values})) dd")
    keys = ", ".join(f"x.{column}" for column in CUBE_COLUMNS)
    kept = (f"SELECT dd.day AS day, {keys}, COUNT(*) AS products FROM {day_table} "
            "CROSS JOIN product_fact x WHERE x.in_scope = 1 AND (x.valid_since IS NULL OR "
            f"x.valid_since <= dd.day) GROUP BY dd.day, {keys}")
    filters = ProductFilter()
    filters.product.append("EXISTS (SELECT 1 FROM product_fact pf WHERE pf.product = p.id "
                           f"AND pf.valid_since > {T})")

    def computed(dialect: Dialect) -> tuple[str, list[Any]]:
        rows_sql, rows_args = product_rows_sql(dialect, filters, with_next=False,
                                               only_in_scope=True, days=days, all_bits=True)
        return (f"SELECT x.day AS day, {keys}, COUNT(*) AS products FROM ({rows_sql}) x "
                f"GROUP BY x.day, {keys}"), rows_args

    return [*await select(kept, list(days)), *await _select_big(computed, dialect=dialect)]


async def _tidy_stored(engine: Engine, days: Sequence[dt.date], alive: Collection[str]) -> None:
    """In the storing transaction: older cubes of the days just stored, days left pending by a
    stopped process, the oldest days past :data:`STORED_CUBE_DAYS`, and cube rows whose day
    is gone (deleted by a write)."""
    if days:
        where, args = in_list(engine, "day", list(days), "date")
        kept, kept_args = in_list(engine, "token", list(alive))
        await fetch(engine, f"DELETE FROM stored_day WHERE kind = ? AND {where} "
                    f"AND NOT ({kept})", [CUBE_DAYS, *args, *kept_args])
    stale = (dt.datetime.now(dt.UTC) - data_version.STALE_PENDING).replace(tzinfo=None)
    await fetch(engine, "DELETE FROM stored_day WHERE kind = ? AND ready = 0 AND started_at < ?",
                [CUBE_DAYS, stale])
    await fetch(engine, "DELETE FROM stored_day WHERE kind = ? AND id NOT IN (SELECT id FROM "
                "stored_day WHERE kind = ? ORDER BY id DESC LIMIT ?)",
                [CUBE_DAYS, CUBE_DAYS, STORED_CUBE_DAYS])
    # the tokens of the cube rows are found by skipping through their index, one probe per
    # stored day: testing every row took 0.6 s of a day derived at a province (191 days)
    orphans = [row["token"] for row in await fetch(
        engine, "WITH RECURSIVE t(token) AS (SELECT MIN(token) FROM cube_snapshot UNION ALL "
        "SELECT (SELECT MIN(c.token) FROM cube_snapshot c WHERE c.token > t.token) FROM t "
        "WHERE t.token IS NOT NULL) SELECT t.token FROM t WHERE t.token IS NOT NULL AND NOT "
        "EXISTS (SELECT 1 FROM stored_day sd WHERE sd.token = t.token)", [])]
    for start in range(0, len(orphans), 500):
        where, args = in_list(engine, "token", orphans[start:start + 500])
        await fetch(engine, f"DELETE FROM cube_snapshot WHERE {where}", args)


async def _stored_rows(scope: Scope, tokens: dict[dt.date, str],
                       also: Collection[GroupBy | None] = ()) -> dict[dt.date, list[CubeRow]]:
    """The scope's rows of each stored day (one read for all of them)."""
    engine = adoption_engine()
    where, args = _fact_filters(scope, None, "x")
    token_clause, token_args = in_list(engine, "x.token", list(tokens.values()))
    sql = counted_rows_sql(scope, "cube_snapshot", "SUM(x.products)",
                           [token_clause, "x.rollup = ?", *where], day="x.day", also=also)
    rollup = 1 if _reads_rollup(scope, also) else 0
    by_day: dict[str, list[CubeRow]] = {str(day): [] for day in tokens}
    for row in await select(sql, [*token_args, rollup, *args]):
        by_day[str(row["day"])[:10]].append(_cube_row(row))
    return {day: by_day[str(day)] for day in tokens}


async def _stored_series(query: IndicatorQuery, days: Sequence[dt.date], today: dt.date
                         ) -> dict[dt.date, IndicatorReport]:
    """A product indicator on past ``days`` from their stored cubes (stored first where
    missing); days that could not be stored, and an enterprise's figures, are left out."""
    scope, enterprise_id = await _scope(query.model_copy(update={"as_of": days[0]}), today)
    if scope.enterprise or enterprise_id is not None:
        return {}
    # many days not stored (a series from a start nobody asked before): computed for the
    # scope alone in one pass, as cheaper than every product's whole cube, and not stored
    tokens = await closed_day_tokens(days, today, store_at_most=DERIVE_DAYS)
    if not tokens:
        return {}
    bodies = [body.body for body in await foreign_bodies()]
    echo = rules_echo(scope.rules, scope.name, bodies)
    rows = await _stored_rows(scope, tokens)
    return {day: product_report(replace(scope, as_of=day), rows[day], echo, "stored")
            for day in tokens}


async def not_counted(query: IndicatorQuery, reason: str | None = None, page: int = 1,
                      page_size: int = 50, today: dt.date | None = None,
                      reuse_facts: bool = True) -> NotCountedPage:
    """What the indicator did not count, and why, a page at a time (products by id;
    standards by code).

    Raises:
        InvalidFieldError: a filter or ``reason`` that does not apply.
        RecordNotFound: no enterprise has the USCC of the enterprise filter.
    """
    today = today or dt.date.today()
    scope, enterprise_id = await _scope(query, today)
    wanted = reason_value(scope.name, reason)
    bodies = [body.body for body in await foreign_bodies()]
    echo = rules_echo(scope.rules, scope.name, bodies)
    limit, offset = page_size, (page - 1) * page_size
    if scope.name in PRODUCT_INDICATORS:
        total, items = await _products_not_counted(scope, enterprise_id, wanted, today,
                                                   limit, offset, reuse_facts)
    else:
        total, items = await _standards_not_counted(scope, wanted, limit, offset)
    return NotCountedPage(indicator=scope.name.value, as_of=scope.as_of, reason=wanted,
                          rules=echo, total=total, page=page, page_size=page_size, items=items)


async def export_not_counted(query: IndicatorQuery, reason: str | None = None,
                             limit: int = 1_000_000, today: dt.date | None = None
                             ) -> NotCountedPage:
    """Every item of the drill-down (up to ``limit``), for CSV export."""
    return await not_counted(query, reason, 1, limit, today)


async def _products_not_counted(scope: Scope, enterprise_id: int | None, reason: str | None,
                                today: dt.date, limit: int, offset: int,
                                reuse_facts: bool = True) -> tuple[int, list[NotCountedItem]]:
    engine = adoption_engine()
    dialect = await _products_dialect(engine)
    condition, condition_args = product_not_counted_sql(scope.name, scope.rules, reason)
    if scope.as_of == today:
        await ensure_facts(today)
        where, where_args = _fact_filters(scope, enterprise_id, "pf")

        def source_of(dialect: Dialect) -> tuple[str, list[Any]]:
            return "product_fact", []
    else:
        filters = product_filter(scope, enterprise_id, dialect)
        parts: list[str] = []
        fact_args: list[Any] = []
        picked = "product, region_code, main, in_scope, covered, reason, mask"
        if reuse_facts and scope.as_of < today:
            # as for the indicator: facts of the products unchanged since t, the rest computed
            await ensure_facts(today)
            fact_where, fact_args = _fact_filters(scope, enterprise_id, "f")
            conditions = [f"(f.valid_since IS NULL OR f.valid_since <= {T})", *fact_where]
            parts.append(f"SELECT {picked} FROM product_fact f WHERE {' AND '.join(conditions)}")
            filters.product.append(
                f"p.id IN (SELECT pf2.product FROM product_fact pf2 WHERE pf2.valid_since > {T})")
        where, where_args = [], []

        def source_of(dialect: Dialect) -> tuple[str, list[Any]]:
            rows_sql, rows_args = product_rows_sql(dialect, filters, with_next=False,
                                                   adopting=_adopting(scope),
                                                   only_in_scope=True)
            return (f"({' UNION ALL '.join([*parts, f'SELECT {picked} FROM ({rows_sql}) r'])})",
                    [*fact_args, *rows_args])
    clause = " AND ".join([condition, *where])

    def count_of(dialect: Dialect) -> tuple[str, list[Any]]:
        source, source_args = source_of(dialect)
        return finish_sql(dialect, f"SELECT COUNT(*) AS n FROM {source} pf WHERE {clause}",
                          [*source_args, *condition_args, *where_args], scope.as_of)

    def page_of(dialect: Dialect) -> tuple[str, list[Any]]:
        source, source_args = source_of(dialect)
        return finish_sql(dialect, (
            f"SELECT pf.product, pf.region_code, pf.main, pf.covered, pf.reason, "
            f"p.name AS product_name, p.model AS product_model, e.uscc, "
            f"e.name AS enterprise_name FROM {source} pf "
            f"JOIN product p ON p.id = pf.product JOIN enterprise e ON e.id = p.enterprise "
            f"WHERE {clause} ORDER BY pf.product LIMIT ? OFFSET ?"),
            [*source_args, *condition_args, *where_args, limit, offset], scope.as_of)

    total = await _select_big(count_of, dialect=dialect)
    rows = await _select_big(page_of, dialect=dialect)
    codes: dict[int, list[str]] = {}
    ids = [int(row["product"]) for row in rows]
    for start in range(0, len(ids), 5000):
        where_ids, id_args = in_list(engine, "product", ids[start:start + 5000], "bigint")
        found = await select(*finish_sql(dialect, (
            "SELECT product, declared_code FROM declaration WHERE declared_on <= @T@ AND "
            f"(withdrawn_on IS NULL OR withdrawn_on > @T@) AND {where_ids} ORDER BY id"),
            id_args, scope.as_of))
        for row in found:
            codes.setdefault(int(row["product"]), []).append(row["declared_code"])
    items = [NotCountedItem(
        reason="not_adopting" if row["covered"] else row["reason"], uscc=row["uscc"],
        enterprise_name=row["enterprise_name"], product_id=int(row["product"]),
        product_name=row["product_name"], product_model=row["product_model"],
        main=bool(row["main"]), region_code=row["region_code"],
        region_name=describe(row["region_code"]), declared_codes=codes.get(int(row["product"]),
                                                                          []))
        for row in rows]
    return int(total[0]["n"]), items


async def _standards_not_counted(scope: Scope, reason: str | None, limit: int, offset: int
                                 ) -> tuple[int, list[NotCountedItem]]:
    dialect = _dialect(adoption_engine())
    rows_sql, args = _standard_rows_sql(scope)
    condition = "sr.reason <> ''" + (" AND sr.reason = ?" if reason else "")
    condition_args = [reason] if reason else []
    total = await select(*finish_sql(dialect, f"SELECT COUNT(*) AS n FROM ({rows_sql}) sr "
                                      f"WHERE {condition}", [*args, *condition_args],
                                      scope.as_of))
    rows = await select(*finish_sql(dialect, (
        f"SELECT sr.id, sr.code, sr.reason, s.title_zh FROM ({rows_sql}) sr "
        f"JOIN standard s ON s.id = sr.id WHERE {condition} ORDER BY sr.code LIMIT ? OFFSET ?"),
        [*args, *condition_args, limit, offset], scope.as_of))
    return int(total[0]["n"]), [
        NotCountedItem(reason=row["reason"], standard_id=int(row["id"]), code=row["code"],
                       title_zh=row["title_zh"]) for row in rows]
