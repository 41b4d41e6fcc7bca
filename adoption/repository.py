"""The database code of enterprises, products, declarations, alerts and the bulk declaration
import (accounts: ``accounts_repository``; registrations: ``registrations_repository``).

Standards are read only through ``standards.repository`` (resolving codes, standings); the
tables here never leave this module: callers get the models of ``adoption.schemas``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from piccolo.engine.base import Engine

from adoption import import_records, indicator_queries
from adoption.alerts import AlertSpec, alert_for, alert_message
from adoption.db import adoption_engine, select, write, writing
from adoption.errors import DuplicateError, RecordNotFound
from adoption.fields import DeclaredCode, check_past_day, clean_label, parse_key_fields
from adoption.regions import describe, normalize_region
from adoption.schemas import (
    AlertPage,
    AlertRead,
    DeclarationOutcome,
    DeclarationPage,
    DeclarationRead,
    DeclarationRow,
    DeclaredStandard,
    EnterpriseInput,
    EnterprisePage,
    EnterpriseRead,
    ProductFacts,
    ProductInput,
    ProductPage,
    ProductRead,
)
from adoption.uscc import normalize_uscc
from adoption.vocab import AlertKind, AlertState, DeclarationState, KeyField
from standards import repository as standards_repository
from standards.codes import try_parse_code
from standards.db import executemany, fetch, in_list, insert_rows
from standards.repository import Standing

MAX_PARAMS = 30000  # both engines accept 32k bound parameters per statement


# ------------------------------------------------------------------------------------------
# Plumbing
# ------------------------------------------------------------------------------------------


def _chunks(values: Sequence[Any], size: int = MAX_PARAMS) -> list[Sequence[Any]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


async def _allocate_ids(engine: Engine, table: str, count: int) -> list[int]:
    """``count`` fresh ids for ``table``, so that bulk inserts need no RETURNING.

    SQLite: after the largest id, inside the write transaction that holds the lock.
    PostgreSQL: drawn from the serial's sequence (safe under concurrency).
    """
    if count == 0:
        return []
    if engine.engine_type == "sqlite":
        rows = await fetch(engine, f"SELECT COALESCE(MAX(id), 0) AS top FROM {table}", [])
        top = int(rows[0]["top"])
        return list(range(top + 1, top + count + 1))
    # the sequence looked up once (per row it cost more than drawing), and the ids sent back
    # as their range when no other session drew between them (one row, not ``count``)
    rows = await fetch(
        engine, "SELECT MIN(v) AS first, MAX(v) AS last, CASE WHEN MAX(v) - MIN(v) + 1 = "
        "COUNT(*) THEN NULL ELSE array_agg(v ORDER BY v) END AS ids FROM (SELECT nextval(("
        f"SELECT pg_get_serial_sequence('{table}', 'id'))::regclass) AS v "
        "FROM generate_series(1, ?::int)) drawn", [count])
    if rows[0]["ids"] is not None:
        return [int(value) for value in rows[0]["ids"]]
    return list(range(int(rows[0]["first"]), int(rows[0]["last"]) + 1))


def _key_fields_text(fields: Iterable[KeyField]) -> str:
    return ";".join(sorted(f.value for f in fields))


def _key_fields_list(text: str | None) -> list[KeyField]:
    return [KeyField(value) for value in (text or "").split(";") if value]


def _page(page: int, page_size: int) -> tuple[int, int]:
    return page_size, (page - 1) * page_size


# ------------------------------------------------------------------------------------------
# Enterprises
# ------------------------------------------------------------------------------------------

_ENTERPRISE_COLUMNS = (
    "id, uscc, name, region_code, sector, key_fields, created_at, updated_at")


def check_enterprise(
    *, uscc: str, name: str, region_code: str | int, sector: str = "",
    key_fields: Iterable[str] | str = (),
) -> EnterpriseInput:
    """Validate an enterprise's fields.

    Raises:
        InvalidFieldError: naming ``uscc``, ``name``, ``region_code``, ``sector`` or
            ``key_fields`` and the offending value.
    """
    return EnterpriseInput(
        uscc=normalize_uscc(uscc),
        name=clean_label(name, "name", 300, required=True),
        region_code=normalize_region(region_code),
        sector=clean_label(sector, "sector", 100),
        key_fields=list(parse_key_fields(key_fields)),
    )


def _enterprise(row: dict[str, Any]) -> EnterpriseRead:
    return EnterpriseRead(
        id=row["id"], uscc=row["uscc"], name=row["name"], region_code=row["region_code"],
        region_name=describe(row["region_code"]), sector=row["sector"],
        key_fields=_key_fields_list(row["key_fields"]), created_at=row["created_at"],
        updated_at=row["updated_at"])


async def save_enterprise(data: EnterpriseInput, now: dt.datetime) -> tuple[EnterpriseRead, bool]:
    """Create the enterprise, or update it in place; returns it and whether it was created."""
    async with writing() as engine:
        rows = await fetch(engine, "SELECT id FROM enterprise WHERE uscc = ?", [data.uscc])
        values = [data.name, data.region_code, data.sector, _key_fields_text(data.key_fields)]
        if rows:
            await write("UPDATE enterprise SET name = ?, region_code = ?, sector = ?, "
                         "key_fields = ?, updated_at = ? WHERE id = ?",
                         [*values, now, rows[0]["id"]])
            await indicator_queries.mark_enterprise_stale(engine, [rows[0]["id"]])
        else:
            await insert_rows(engine, "enterprise", [
                "uscc", "name", "region_code", "sector", "key_fields", "created_at",
                "updated_at"], [(data.uscc, *values, now, now)])
        saved = await fetch(engine, f"SELECT {_ENTERPRISE_COLUMNS} FROM enterprise "
                            "WHERE uscc = ?", [data.uscc])
    return _enterprise(saved[0]), not rows


async def get_enterprise(uscc: str) -> EnterpriseRead:
    """Raises: RecordNotFound: no enterprise has this USCC."""
    rows = await select(f"SELECT {_ENTERPRISE_COLUMNS} FROM enterprise WHERE uscc = ?", [uscc])
    if not rows:
        raise RecordNotFound(f"no enterprise with USCC {uscc} (register it first)")
    return _enterprise(rows[0])


async def list_enterprises(
    *, region: str | None = None, key_field: KeyField | None = None, page: int = 1,
    page_size: int = 50,
) -> EnterprisePage:
    """Enterprises by USCC; ``region`` is a code prefix (22, 2201, 220102)."""
    where: list[str] = []
    args: list[Any] = []
    if region:
        where.append("region_code LIKE ?")
        args.append(f"{region.rstrip('0') if len(region) == 6 else region}%")
    if key_field:
        where.append("(';' || key_fields || ';') LIKE ?")
        args.append(f"%;{key_field.value};%")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = await select(f"SELECT COUNT(*) AS n FROM enterprise {clause}", args)
    limit, offset = _page(page, page_size)
    rows = await select(f"SELECT {_ENTERPRISE_COLUMNS} FROM enterprise {clause} "
                         "ORDER BY uscc LIMIT ? OFFSET ?", [*args, limit, offset])
    return EnterprisePage(total=int(total[0]["n"]), page=page, page_size=page_size,
                          items=[_enterprise(row) for row in rows])


async def _enterprise_id(uscc: str) -> int:
    rows = await select("SELECT id FROM enterprise WHERE uscc = ?", [uscc])
    if not rows:
        raise RecordNotFound(f"no enterprise with USCC {uscc} (register it first)")
    return int(rows[0]["id"])


# ------------------------------------------------------------------------------------------
# Products
# ------------------------------------------------------------------------------------------

_PRODUCT_SELECT = (
    "SELECT p.id, e.uscc, e.name AS enterprise_name, p.name, p.model, p.category, p.main, "
    "p.sector, p.registered_on, p.discontinued_on, p.created_at, p.updated_at, "
    "(SELECT COUNT(*) FROM declaration d WHERE d.product = p.id AND d.withdrawn_on IS NULL) "
    "AS active_declarations FROM product p JOIN enterprise e ON e.id = p.enterprise")


def check_product(
    *, name: str, model: str = "", category: str = "", main: bool = False, sector: str = "",
) -> ProductInput:
    """Validate a product's fields.

    Raises:
        InvalidFieldError: an empty name or a value too long (naming the field).
    """
    return ProductInput(
        name=clean_label(name, "name", 300, required=True),
        model=clean_label(model, "model", 200),
        category=clean_label(category, "category", 200),
        main=main,
        sector=clean_label(sector, "sector", 100),
    )


def _product(row: dict[str, Any]) -> ProductRead:
    return ProductRead(
        id=row["id"], uscc=row["uscc"], enterprise_name=row["enterprise_name"], name=row["name"],
        model=row["model"], category=row["category"], main=bool(row["main"]),
        sector=row["sector"], registered_on=row["registered_on"],
        discontinued_on=row["discontinued_on"],
        active_declarations=int(row["active_declarations"]), created_at=row["created_at"],
        updated_at=row["updated_at"])


async def get_product(product_id: int) -> ProductRead:
    """Raises: RecordNotFound: no product has this id."""
    rows = await select(f"{_PRODUCT_SELECT} WHERE p.id = ?", [product_id])
    if not rows:
        raise RecordNotFound(f"no product with id {product_id}")
    return _product(rows[0])


async def _duplicate_product(enterprise_id: int, data: ProductInput,
                             except_id: int | None = None) -> None:
    rows = await select("SELECT id FROM product WHERE enterprise = ? AND name = ? AND model = ?",
                         [enterprise_id, data.name, data.model])
    if rows and rows[0]["id"] != except_id:
        raise DuplicateError(
            f"the enterprise already has a product {data.name!r} model {data.model!r} "
            f"(product {rows[0]['id']})", rows[0]["id"])


async def create_product(uscc: str, data: ProductInput, now: dt.datetime) -> ProductRead:
    """Register a product of the enterprise ``uscc``.

    Raises:
        RecordNotFound: the enterprise is not registered.
        DuplicateError: it already has a product of this name and model.
    """
    async with writing() as engine:
        enterprise_id = await _enterprise_id(uscc)
        await _duplicate_product(enterprise_id, data)
        ids = await _allocate_ids(engine, "product", 1)
        await insert_rows(engine, "product", [
            "id", "enterprise", "name", "model", "category", "main", "sector", "created_at",
            "updated_at"], [(ids[0], enterprise_id, data.name, data.model, data.category,
                             data.main, data.sector, now, now)])
        # counted from the day it was created (UTC here; a day earlier covers any local day)
        await indicator_queries.mark_stale(engine, ids, since=now.date() - dt.timedelta(days=1))
        return await get_product(ids[0])


async def update_product(product_id: int, data: ProductInput, now: dt.datetime) -> ProductRead:
    """Raises: RecordNotFound, DuplicateError (another product has this name and model)."""
    async with writing():
        rows = await select("SELECT enterprise FROM product WHERE id = ?", [product_id])
        if not rows:
            raise RecordNotFound(f"no product with id {product_id}")
        await _duplicate_product(rows[0]["enterprise"], data, except_id=product_id)
        await write("UPDATE product SET name = ?, model = ?, category = ?, main = ?, sector = ?, "
                     "updated_at = ? WHERE id = ?",
                     [data.name, data.model, data.category, data.main, data.sector, now,
                      product_id])
        await indicator_queries.mark_stale(adoption_engine(), [product_id])
        return await get_product(product_id)


async def discontinue_product(product_id: int, on: dt.date, now: dt.datetime) -> ProductRead:
    """Mark a product discontinued on ``on`` and withdraw its active declarations (kept as
    history); discontinuing twice changes nothing.

    Raises:
        RecordNotFound: no product has this id.
    """
    async with writing():
        product = await get_product(product_id)
        if product.discontinued_on is None:
            await write("UPDATE product SET discontinued_on = ?, updated_at = ? WHERE id = ?",
                         [on, now, product_id])
            await indicator_queries.mark_stale(adoption_engine(), [product_id], since=on)
            active = await select("SELECT id FROM declaration WHERE product = ? "
                                   "AND withdrawn_on IS NULL", [product_id])
            await _withdraw([row["id"] for row in active], on, "产品停产 product discontinued",
                            now)
        return await get_product(product_id)


async def list_products(
    uscc: str, *, include_discontinued: bool = False, page: int = 1, page_size: int = 50,
) -> ProductPage:
    """The products of one enterprise, by id.

    Raises:
        RecordNotFound: the enterprise is not registered.
    """
    enterprise_id = await _enterprise_id(uscc)
    where = "p.enterprise = ?" + ("" if include_discontinued else " AND p.discontinued_on IS NULL")
    total = await select(f"SELECT COUNT(*) AS n FROM product p WHERE {where}", [enterprise_id])
    limit, offset = _page(page, page_size)
    rows = await select(f"{_PRODUCT_SELECT} WHERE {where} ORDER BY p.id LIMIT ? OFFSET ?",
                         [enterprise_id, limit, offset])
    return ProductPage(total=int(total[0]["n"]), page=page, page_size=page_size,
                       items=[_product(row) for row in rows])


# ------------------------------------------------------------------------------------------
# Declarations
# ------------------------------------------------------------------------------------------

_DECLARATION_SELECT = (
    "SELECT d.id, d.product AS product_id, p.name AS product_name, p.model AS product_model, "
    "e.uscc, e.name AS enterprise_name, d.declared_code, d.code_key, d.undated, "
    "d.standard AS standard_id, d.declared_on, d.withdrawn_on, d.withdrawn_reason, "
    "a.kind AS alert_kind FROM declaration d JOIN product p ON p.id = d.product "
    "JOIN enterprise e ON e.id = d.enterprise "
    "LEFT JOIN alert a ON a.declaration = d.id AND a.cleared_at IS NULL")


async def _declarations(rows: list[dict[str, Any]]) -> list[DeclarationRead]:
    ids = [row["standard_id"] for row in rows if row["standard_id"] is not None]
    standings = await standards_repository.standings_of(ids) if ids else {}
    items = []
    for row in rows:
        standing = standings.get(row["standard_id"]) if row["standard_id"] else None
        items.append(DeclarationRead(
            id=row["id"], product_id=row["product_id"], product_name=row["product_name"],
            product_model=row["product_model"], uscc=row["uscc"],
            enterprise_name=row["enterprise_name"], declared_code=row["declared_code"],
            code=row["code_key"], undated=bool(row["undated"]), resolved=standing is not None,
            standard=DeclaredStandard(id=standing.standard_id, code=standing.code,
                                      title_zh=standing.title_zh, status=standing.status)
            if standing else None,
            declared_on=row["declared_on"], withdrawn_on=row["withdrawn_on"],
            withdrawn_reason=row["withdrawn_reason"], active=row["withdrawn_on"] is None,
            alert=AlertKind(row["alert_kind"]) if row["alert_kind"] else None))
    return items


async def get_declaration(declaration_id: int) -> DeclarationRead:
    """Raises: RecordNotFound: no declaration has this id."""
    rows = await select(f"{_DECLARATION_SELECT} WHERE d.id = ?", [declaration_id])
    if not rows:
        raise RecordNotFound(f"no declaration with id {declaration_id}")
    return (await _declarations(rows))[0]


async def declaration_owner(declaration_id: int) -> str:
    """The USCC of the enterprise that made a declaration.

    Raises:
        RecordNotFound: no declaration has this id.
    """
    rows = await select("SELECT e.uscc FROM declaration d JOIN enterprise e "
                         "ON e.id = d.enterprise WHERE d.id = ?", [declaration_id])
    if not rows:
        raise RecordNotFound(f"no declaration with id {declaration_id}")
    return str(rows[0]["uscc"])


@dataclass(frozen=True, slots=True)
class DeclarationFilters:
    uscc: str | None = None
    product_id: int | None = None
    standard_id: int | None = None
    code_key: str | None = None
    state: DeclarationState = DeclarationState.ACTIVE
    unresolved: bool | None = None


async def list_declarations(
    filters: DeclarationFilters, *, page: int = 1, page_size: int = 50
) -> DeclarationPage:
    """Declarations by id (a product's history: ``product_id`` with state ``all``)."""
    where: list[str] = []
    args: list[Any] = []
    if filters.uscc:
        where.append("d.enterprise = (SELECT id FROM enterprise WHERE uscc = ?)")
        args.append(filters.uscc)
    if filters.product_id is not None:
        where.append("d.product = ?")
        args.append(filters.product_id)
    if filters.standard_id is not None:
        where.append("d.standard = ?")
        args.append(filters.standard_id)
    if filters.code_key:
        where.append("d.code_key = ?")
        args.append(filters.code_key)
    if filters.state is DeclarationState.ACTIVE:
        where.append("d.withdrawn_on IS NULL")
    elif filters.state is DeclarationState.WITHDRAWN:
        where.append("d.withdrawn_on IS NOT NULL")
    if filters.unresolved is not None:
        where.append("d.standard IS NULL" if filters.unresolved else "d.standard IS NOT NULL")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = await select(f"SELECT COUNT(*) AS n FROM declaration d {clause}", args)
    limit, offset = _page(page, page_size)
    rows = await select(f"{_DECLARATION_SELECT} {clause} ORDER BY d.id LIMIT ? OFFSET ?",
                         [*args, limit, offset])
    return DeclarationPage(total=int(total[0]["n"]), page=page, page_size=page_size,
                           items=await _declarations(rows))


def _family_of(code_key: str) -> str | None:
    parsed = try_parse_code(code_key)
    return parsed.family_key if parsed else None


async def _resolve_one(code: DeclaredCode, today: dt.date) -> int | None:
    families = {code.key: code.family_key} if code.undated else None
    found = await standards_repository.resolve_keys([code.key], families, today)
    return found.get(code.key)


async def declare(
    product_id: int, code: DeclaredCode, *, declared_on: dt.date | None = None,
    now: dt.datetime, source: str = "api",
) -> DeclarationOutcome:
    """Declare that a product follows the standard ``code`` (resolved now, or kept unresolved).

    Declaring another edition of a standard the product already declares (same family, or an
    edition that replaces it) supersedes the older declaration: it is withdrawn and its alert
    cleared. The new declaration's own alert (unresolved, withdrawn...) is raised at once.

    Raises:
        RecordNotFound: no product has this id.
        DuplicateError: the product already actively declares this standard, or is
            discontinued.
        InvalidFieldError: ``declared_on`` before 1949 or after today (adoption.fields).
    """
    today = now.date()
    async with writing() as engine:
        product_rows = await select(
            "SELECT id, enterprise, discontinued_on, registered_on FROM product WHERE id = ?",
            [product_id])
        if not product_rows:
            raise RecordNotFound(f"no product with id {product_id}")
        product = product_rows[0]
        if product["discontinued_on"] is not None:
            raise DuplicateError(f"product {product_id} was discontinued on "
                                 f"{product['discontinued_on']}; register it again to declare")
        active = await select("SELECT id, code_key, standard FROM declaration "
                               "WHERE product = ? AND withdrawn_on IS NULL", [product_id])
        for row in active:
            if row["code_key"] == code.key:
                raise DuplicateError(f"product {product_id} already declares {code.key} "
                                     f"(declaration {row['id']})", row["id"])
        standard_id = await _resolve_one(code, today)
        ids = [standard_id] if standard_id else []
        ids += [row["standard"] for row in active if row["standard"]]
        standings = await standards_repository.standings_of(ids, today) if ids else {}
        superseded = [
            row["id"] for row in active
            if _family_of(row["code_key"]) == code.family_key
            or (row["standard"] in standings
                and code.key in standings[row["standard"]].successors)]
        declared_on = (check_past_day(declared_on, "declared_on", today) if declared_on
                       else today)
        new_id = (await _allocate_ids(engine, "declaration", 1))[0]
        await insert_rows(engine, "declaration", _DECLARATION_COLUMNS, [(
            new_id, product_id, product["enterprise"], code.declared, code.key, code.undated,
            standard_id, declared_on, source, now, now)])
        if product["registered_on"] is None or product["registered_on"] > declared_on:
            await write("UPDATE product SET registered_on = ? WHERE id = ?",
                         [declared_on, product_id])
        # nothing before the declaration's day changes (registration moves to it at most)
        await indicator_queries.mark_stale(engine, [product_id], since=declared_on)
        await supersede(superseded, new_id, code.key, today, now)
        spec = alert_for(code.key, standings.get(standard_id) if standard_id else None)
        if spec is not None:
            await _insert_alerts(engine, [(new_id, product["enterprise"], product_id, spec)], now)
        rows = await select(f"{_DECLARATION_SELECT} WHERE d.id = ?", [new_id])
        old = await select(f"{_DECLARATION_SELECT} WHERE d.id IN "
                            f"({', '.join('?' for _ in superseded)})", superseded
                            ) if superseded else []
        return DeclarationOutcome(declaration=(await _declarations(rows))[0],
                                  superseded=await _declarations(old))


_DECLARATION_COLUMNS = [
    "id", "product", "enterprise", "declared_code", "code_key", "undated", "standard",
    "declared_on", "source", "created_at", "updated_at"]


async def _withdraw(ids: Sequence[int], on: dt.date, reason: str, now: dt.datetime) -> None:
    """Withdraw declarations (in the open transaction) and clear their open alerts."""
    if not ids:
        return
    engine = adoption_engine()
    await executemany(engine, "UPDATE declaration SET withdrawn_on = ?, withdrawn_reason = ?, "
                      "updated_at = ? WHERE id = ? AND withdrawn_on IS NULL",
                      [(on, reason, now, declaration_id) for declaration_id in ids])
    await executemany(engine, "UPDATE alert SET cleared_at = ? WHERE declaration = ? "
                      "AND cleared_at IS NULL", [(now, declaration_id) for declaration_id in ids])
    # only declarations still in force are withdrawn: nothing before ``on`` changes
    await indicator_queries.mark_declarations_stale(engine, ids, since=on)


async def supersede(ids: Sequence[int], new_id: int, new_code: str, on: dt.date,
                    now: dt.datetime) -> None:
    """Withdraw declarations (in the open transaction) that declaration ``new_id`` takes the
    place of, and remember which one did."""
    if not ids:
        return
    await _withdraw(ids, on, f"由声明 {new_id} ({new_code}) 替代 superseded by declaration "
                    f"{new_id}", now)
    await executemany(adoption_engine(), "UPDATE declaration SET superseded_by = ? WHERE id = ? "
                      "AND superseded_by IS NULL", [(new_id, old) for old in ids])


async def withdraw_declaration(
    declaration_id: int, *, reason: str, now: dt.datetime
) -> DeclarationRead:
    """Withdraw a declaration today (it stays readable as history); its alert is cleared.
    Withdrawing twice changes nothing.

    Raises:
        RecordNotFound: no declaration has this id.
    """
    async with writing():
        await get_declaration(declaration_id)
        await _withdraw([declaration_id], now.date(), reason, now)
        return await get_declaration(declaration_id)


# ------------------------------------------------------------------------------------------
# Alerts
# ------------------------------------------------------------------------------------------

_ALERT_SELECT = (
    "SELECT a.id, a.kind, a.declaration AS declaration_id, a.product AS product_id, "
    "p.name AS product_name, p.model AS product_model, e.uscc, e.name AS enterprise_name, "
    "d.declared_code, a.code, a.standard AS standard_id, a.successors, a.effective_on, "
    "a.raised_at, a.cleared_at FROM alert a JOIN declaration d ON d.id = a.declaration "
    "JOIN product p ON p.id = a.product JOIN enterprise e ON e.id = a.enterprise")

_ALERT_COLUMNS = [
    "declaration", "enterprise", "product", "kind", "standard", "code", "successors",
    "effective_on", "raised_at"]


def _alert_row(declaration_id: int, enterprise_id: int, product_id: int, spec: AlertSpec,
               now: dt.datetime) -> tuple[Any, ...]:
    return (declaration_id, enterprise_id, product_id, spec.kind.value, spec.standard_id,
            spec.code, json.dumps(list(spec.successors), ensure_ascii=False), spec.effective_on,
            now)


async def _insert_alerts(engine: Engine, alerts: list[tuple[int, int, int, AlertSpec]],
                         now: dt.datetime) -> None:
    await insert_rows(engine, "alert", _ALERT_COLUMNS,
                      [_alert_row(d, e, p, spec, now) for d, e, p, spec in alerts])


def _alert(row: dict[str, Any]) -> AlertRead:
    kind = AlertKind(row["kind"])
    successors = json.loads(row["successors"] or "[]")
    return AlertRead(
        id=row["id"], kind=kind,
        message=alert_message(kind, row["code"], successors, row["effective_on"]),
        declaration_id=row["declaration_id"], product_id=row["product_id"],
        product_name=row["product_name"], product_model=row["product_model"], uscc=row["uscc"],
        enterprise_name=row["enterprise_name"], declared_code=row["declared_code"],
        code=row["code"], standard_id=row["standard_id"], successors=successors,
        effective_on=row["effective_on"], raised_at=row["raised_at"],
        cleared_at=row["cleared_at"])


@dataclass(frozen=True, slots=True)
class AlertFilters:
    uscc: str | None = None
    kind: AlertKind | None = None
    state: AlertState = AlertState.OPEN
    region: str | None = None


def _alert_where(filters: AlertFilters) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if filters.uscc:
        where.append("a.enterprise = (SELECT id FROM enterprise WHERE uscc = ?)")
        args.append(filters.uscc)
    if filters.kind:
        where.append("a.kind = ?")
        args.append(filters.kind.value)
    if filters.state is AlertState.OPEN:
        where.append("a.cleared_at IS NULL")
    elif filters.state is AlertState.CLEARED:
        where.append("a.cleared_at IS NOT NULL")
    if filters.region:
        where.append("e.region_code LIKE ?")
        args.append(f"{filters.region}%")
    return (f"WHERE {' AND '.join(where)}" if where else ""), args


async def list_alerts(filters: AlertFilters, *, page: int = 1, page_size: int = 50) -> AlertPage:
    """Alerts, newest first."""
    clause, args = _alert_where(filters)
    total = await select("SELECT COUNT(*) AS n FROM alert a JOIN enterprise e "
                          f"ON e.id = a.enterprise {clause}", args)
    limit, offset = _page(page, page_size)
    rows = await select(f"{_ALERT_SELECT} {clause} ORDER BY a.id DESC LIMIT ? OFFSET ?",
                         [*args, limit, offset])
    return AlertPage(total=int(total[0]["n"]), page=page, page_size=page_size,
                     items=[_alert(row) for row in rows])


async def export_alerts(filters: AlertFilters, limit: int = 1_000_000) -> list[AlertRead]:
    """Every alert matching ``filters`` (up to ``limit``), oldest first, for CSV export."""
    clause, args = _alert_where(filters)
    rows = await select(f"{_ALERT_SELECT} {clause} ORDER BY a.id LIMIT ?", [*args, limit])
    return [_alert(row) for row in rows]


@dataclass(slots=True)
class RefreshReport:
    """What a refresh changed: declarations newly resolved or following a new edition,
    alerts raised, cleared and updated."""

    resolved: int = 0
    followed: int = 0
    raised: int = 0
    cleared: int = 0
    updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"resolved": self.resolved, "followed": self.followed, "raised": self.raised,
                "cleared": self.cleared, "updated": self.updated}


async def refresh_alerts(today: dt.date | None = None,
                         now: dt.datetime | None = None) -> RefreshReport:
    """Bring declarations and alerts in line with the catalogue as of ``today``.

    Re-resolves unresolved codes and undated codes (which follow the edition in force), then
    recomputes the alert every active declaration deserves and raises, updates or clears the
    stored ones. Runs after every catalogue import, in one write transaction.
    """
    now = now or dt.datetime.now(dt.UTC)
    today = today or now.date()
    report = RefreshReport()
    async with writing() as engine:
        report.resolved = await _re_resolve(engine, today, now, undated=False)
        report.followed = await _re_resolve(engine, today, now, undated=True)

        declared = await select("SELECT DISTINCT standard FROM declaration "
                                 "WHERE withdrawn_on IS NULL AND standard IS NOT NULL")
        standings = await standards_repository.standings_of(
            [row["standard"] for row in declared], today)
        specs: dict[int, AlertSpec] = {}
        for standard_id, standing in standings.items():
            spec = alert_for(standing.code, standing)
            if spec is not None:
                specs[standard_id] = spec
        wanted: dict[int, tuple[int, int, AlertSpec]] = {}
        for row in await select("SELECT id, enterprise, product, code_key FROM declaration "
                                 "WHERE standard IS NULL AND withdrawn_on IS NULL"):
            wanted[row["id"]] = (row["enterprise"], row["product"],
                                 AlertSpec(AlertKind.UNRESOLVED_CODE, row["code_key"], None))
        for chunk in _chunks(list(specs)):
            where, args = in_list(engine, "standard", list(chunk), "bigint")
            for row in await select("SELECT id, enterprise, product, standard FROM declaration "
                                     f"WHERE withdrawn_on IS NULL AND {where}", args):
                wanted[row["id"]] = (row["enterprise"], row["product"], specs[row["standard"]])

        stored = await select("SELECT id, declaration, kind, standard, code, successors, "
                               "effective_on FROM alert WHERE cleared_at IS NULL")
        clear: list[tuple[Any, ...]] = []
        update: list[tuple[Any, ...]] = []
        for row in stored:
            target = wanted.pop(row["declaration"], None)
            if target is None or target[2].kind.value != row["kind"]:
                clear.append((now, row["id"]))
                if target is not None:
                    wanted[row["declaration"]] = target  # a new episode of another kind
                continue
            spec = target[2]
            successors = json.dumps(list(spec.successors), ensure_ascii=False)
            if (row["code"], row["standard"], row["successors"], row["effective_on"]) != (
                    spec.code, spec.standard_id, successors, spec.effective_on):
                update.append((spec.code, spec.standard_id, successors, spec.effective_on,
                               row["id"]))
        await executemany(engine, "UPDATE alert SET cleared_at = ? WHERE id = ?", clear)
        await executemany(engine, "UPDATE alert SET code = ?, standard = ?, successors = ?, "
                          "effective_on = ? WHERE id = ?", update)
        await _insert_alerts(engine, [(d, e, p, spec) for d, (e, p, spec) in wanted.items()],
                             now)
        report.cleared, report.updated, report.raised = len(clear), len(update), len(wanted)
        if report.resolved:
            await indicator_queries.mark_all_stale(engine)  # facts read the resolved editions
    return report


async def _re_resolve(engine: Engine, today: dt.date, now: dt.datetime, *, undated: bool) -> int:
    """Point unresolved (or undated) declarations at the edition their code resolves to now;
    returns how many declarations changed."""
    condition = "undated AND withdrawn_on IS NULL" if undated else "standard IS NULL"
    rows = await select("SELECT code_key, standard, COUNT(*) AS n FROM declaration "
                         f"WHERE {condition} GROUP BY code_key, standard")
    if not rows:
        return 0
    keys = list(dict.fromkeys(row["code_key"] for row in rows))
    families = {key: family for key in keys if (family := _family_of(key)) is not None}
    found = await standards_repository.resolve_keys(keys, families, today)
    moved = [row for row in rows
             if row["code_key"] in found and found[row["code_key"]] != row["standard"]]
    targets = {row["code_key"]: found[row["code_key"]] for row in moved}
    await executemany(
        engine, f"UPDATE declaration SET standard = ?, updated_at = ? WHERE {condition} "
        "AND code_key = ? AND (standard IS NULL OR standard <> ?)",
        [(target, now, key, target) for key, target in targets.items()])
    return sum(int(row["n"]) for row in moved)


# ------------------------------------------------------------------------------------------
# Bulk declaration import
# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _EnterpriseState:
    uscc: str
    name: str
    region_code: str
    sector: str
    key_fields: str
    id: int | None = None


@dataclass(slots=True)
class _DeclarationState:
    declared_on: dt.date
    id: int | None = None
    stored: bool = False  # read from the database (not made by this import)


@dataclass(slots=True)
class _ProductState:
    enterprise: _EnterpriseState
    name: str
    model: str
    category: str
    main: bool
    sector: str
    registered_on: dt.date | None
    declared: dict[str, _DeclarationState]  # active declarations by catalogue key
    existed: bool  # stored before this import
    id: int | None = None
    listed: set[str] | None = None  # keys this import lists, for products that existed
    seen: bool = False
    unchanged_row: bool = False  # a row of it was reported unchanged


@dataclass(slots=True)
class _NewDeclaration:
    product: _ProductState
    state: _DeclarationState
    code: DeclaredCode
    standard_id: int | None
    alert: AlertSpec | None


@dataclass(slots=True)
class RowOutcome:
    """What one row did: ``created`` (new product), ``updated``, ``unchanged`` or
    ``rejected`` (with the reason); facts that disagree with an earlier row are conflicts."""

    action: str
    reason: str | None = None
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    fields: tuple[str, ...] = ()  # the import fields a rejection is about


def _tally() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


@dataclass(slots=True)
class ImportTallies:
    enterprises: dict[str, int] = field(default_factory=_tally)
    products: dict[str, int] = field(default_factory=_tally)
    declarations: dict[str, int] = field(
        default_factory=lambda: {**_tally(), "withdrawn": 0, "unresolved": 0})
    alerts: dict[str, int] = field(default_factory=lambda: {"raised": 0, "cleared": 0})

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"enterprises": self.enterprises, "products": self.products,
                "declarations": self.declarations, "alerts": self.alerts}


def _differences(kept: dict[str, Any], offered: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Fields an import row states (not None) that differ from what is kept."""
    return [(name, kept[name], value) for name, value in offered.items()
            if value is not None and value != kept[name]]


class DeclarationImportWriter:
    """Writes validated rows of one bulk import, chunk by chunk, one transaction per chunk.

    Enterprises, products and their active declarations are kept in memory by natural key
    (USCC; USCC + product name + model; catalogue key) for the whole import, loaded from the
    database once per enterprise; codes are resolved once per distinct key; ids are allocated
    in bulk so that every insert goes through the driver's fast path (COPY on PostgreSQL).

    A row states the product's standards in full: when the import is finished, active
    declarations of a listed product that no row listed are withdrawn (kept as history).
    The first row that mentions an enterprise or product sets its facts; later rows that
    disagree are reported as conflicts. Re-importing the same file changes nothing.
    """

    def __init__(self, *, import_id: int | None, now: dt.datetime) -> None:
        self.import_id = import_id
        self.now = now
        self.today = now.date()
        self.source = f"import {import_id}" if import_id is not None else "import"
        self.tallies = ImportTallies()
        self._enterprises: dict[str, _EnterpriseState] = {}
        self._seen_enterprises: set[str] = set()
        self._loaded: set[int] = set()
        self._products: dict[tuple[str, str, str], _ProductState] = {}
        self._listed_products: list[_ProductState] = []
        self._resolved: dict[str, int | None] = {}
        self._standings: dict[int, Standing] = {}
        self._alerts: dict[int, AlertSpec | None] = {}  # by standard id

    async def write(self, rows: Sequence[DeclarationRow]) -> list[RowOutcome]:
        """Write one chunk of rows; returns one outcome per row, in order."""
        async with writing() as engine:
            pending, outcomes = await self._decide(engine, rows)
            await self._flush(engine, pending)
        return outcomes

    def overlaps(self) -> bool:
        """Whether chunks may be written as :meth:`decide` then :meth:`flush`, the next chunk
        decided while the database writes this one: on PostgreSQL (two connections), outside
        a transaction (a dry run holds one). On SQLite a chunk is read and written under one
        write lock (:meth:`write`)."""
        engine = adoption_engine()
        return engine.engine_type == "postgres" and engine.current_transaction.get() is None

    async def decide(self, rows: Sequence[DeclarationRow]) -> tuple[_Pending, list[RowOutcome]]:
        """What one chunk will write, and one outcome per row (reads only). Writes of the
        chunks before it may still be running (:meth:`flush`): it needs none of their ids."""
        async with writing() as engine:
            return await self._decide(engine, rows)

    async def flush(self, pending: _Pending) -> None:
        """Write what :meth:`decide` returned, in a transaction of its own; chunks are
        flushed one after the other, in order."""
        async with writing() as engine:
            await self._flush(engine, pending)

    async def _decide(self, engine: Engine, rows: Sequence[DeclarationRow]
                      ) -> tuple[_Pending, list[RowOutcome]]:
        await self._load(engine, rows)
        pending = _Pending()
        return pending, [self._apply(row, pending) for row in rows]

    async def finish(self) -> int:
        """Withdraw the active declarations of listed products that no row listed.

        Returns:
            How many rows reported unchanged turned out to change their product (they count
            as updated).
        """
        stale: list[int] = []
        changed_rows = 0
        for product in self._listed_products:
            assert product.listed is not None
            before = len(stale)
            for key, state in list(product.declared.items()):
                if key not in product.listed and state.id is not None:
                    stale.append(state.id)
                    del product.declared[key]
            if len(stale) > before and product.unchanged_row:
                changed_rows += 1
        if not stale:
            return 0
        async with writing() as engine:
            cleared = 0
            for chunk in _chunks(stale, 5000):
                where, args = in_list(engine, "declaration", list(chunk), "bigint")
                rows = await fetch(engine, "SELECT COUNT(*) AS n FROM alert WHERE "
                                   f"cleared_at IS NULL AND {where}", args)
                cleared += int(rows[0]["n"])
            await _withdraw(stale, self.today, f"未列入声明导入 not in declaration import "
                            f"{self.import_id}", self.now)
        self.tallies.declarations["withdrawn"] += len(stale)
        self.tallies.alerts["cleared"] += cleared
        return changed_rows

    # ---- loading -----------------------------------------------------------------------

    async def _load(self, engine: Engine, rows: Sequence[DeclarationRow]) -> None:
        usccs = list(dict.fromkeys(
            row.enterprise.uscc for row in rows if row.enterprise.uscc not in self._enterprises))
        loaded: list[int] = []
        for chunk in _chunks(usccs):
            where, args = in_list(engine, "uscc", list(chunk))
            for found in await fetch(engine, "SELECT id, uscc, name, region_code, sector, "
                                     f"key_fields FROM enterprise WHERE {where}", args):
                self._enterprises[found["uscc"]] = _EnterpriseState(
                    uscc=found["uscc"], name=found["name"], region_code=found["region_code"],
                    sector=found["sector"], key_fields=found["key_fields"], id=found["id"])
                loaded.append(found["id"])
        if loaded:
            await self._load_products(engine, loaded)
        keys: list[str] = []
        families: dict[str, str] = {}
        for row in rows:
            for code in row.codes:
                if code.key not in self._resolved:
                    self._resolved[code.key] = None
                    keys.append(code.key)
                    if code.undated:
                        families[code.key] = code.family_key
        if keys:
            found_ids = await standards_repository.resolve_keys(keys, families, self.today)
            self._resolved.update(found_ids)
            new_ids = [i for i in dict.fromkeys(found_ids.values()) if i not in self._standings]
            if new_ids:
                self._standings.update(
                    await standards_repository.standings_of(new_ids, self.today))

    async def _load_products(self, engine: Engine, enterprise_ids: list[int]) -> None:
        by_id = {state.id: state for state in self._enterprises.values()
                 if state.id in set(enterprise_ids)}
        products: dict[int, _ProductState] = {}
        for chunk in _chunks(enterprise_ids):
            where, args = in_list(engine, "enterprise", list(chunk), "bigint")
            for row in await fetch(engine, "SELECT id, enterprise, name, model, category, main, "
                                   "sector, registered_on, discontinued_on FROM product "
                                   f"WHERE {where}", args):
                enterprise = by_id[row["enterprise"]]
                state = _ProductState(
                    enterprise=enterprise, name=row["name"], model=row["model"],
                    category=row["category"], main=bool(row["main"]), sector=row["sector"],
                    registered_on=row["registered_on"], declared={}, existed=True, id=row["id"])
                products[row["id"]] = state
                self._products[(enterprise.uscc, row["name"], row["model"])] = state
            for row in await fetch(engine, "SELECT id, product, code_key, declared_on "
                                   f"FROM declaration WHERE {where} AND withdrawn_on IS NULL",
                                   args):
                products[row["product"]].declared[row["code_key"]] = _DeclarationState(
                    declared_on=row["declared_on"], id=row["id"], stored=True)
        self._loaded.update(enterprise_ids)

    # ---- deciding ----------------------------------------------------------------------

    def _apply(self, row: DeclarationRow, pending: _Pending) -> RowOutcome:
        facts = row.enterprise
        enterprise = self._enterprises.get(facts.uscc)
        changed = False
        conflicts: list[dict[str, Any]] = []
        if enterprise is None:
            if not facts.name or not facts.region_code:
                return RowOutcome("rejected", f"企业 {facts.uscc} 尚未登记 enterprise {facts.uscc} "
                                  "is new: 企业名称 (enterprise) and 行政区划代码 (region) are "
                                  "required", fields=tuple(
                                      name for name, value in (("enterprise", facts.name),
                                                               ("region", facts.region_code))
                                      if not value))
            enterprise = _EnterpriseState(
                uscc=facts.uscc, name=facts.name, region_code=facts.region_code,
                sector=facts.sector or "", key_fields=_key_fields_text(facts.key_fields or ()))
            self._enterprises[facts.uscc] = enterprise
            self._seen_enterprises.add(facts.uscc)
            pending.new_enterprises.append(enterprise)
            self.tallies.enterprises["created"] += 1
            changed = True
        else:
            diffs = _differences(
                {"name": enterprise.name, "region_code": enterprise.region_code,
                 "sector": enterprise.sector, "key_fields": enterprise.key_fields},
                {"name": facts.name, "region_code": facts.region_code, "sector": facts.sector,
                 "key_fields": None if facts.key_fields is None
                 else _key_fields_text(facts.key_fields)})
            if facts.uscc not in self._seen_enterprises:
                self._seen_enterprises.add(facts.uscc)
                if diffs:
                    for name, _, value in diffs:
                        setattr(enterprise, name, value)
                    pending.enterprise_updates.append(enterprise)
                    self.tallies.enterprises["updated"] += 1
                    changed = True
                else:
                    self.tallies.enterprises["unchanged"] += 1
            else:
                conflicts.extend({"uscc": facts.uscc, "field": f"enterprise.{name}",
                                  "kept": kept, "offered": offered}
                                 for name, kept, offered in diffs)

        product, product_changed = self._product(enterprise, row, pending, conflicts)
        created = product_changed == "created"
        changed = changed or product_changed == "updated"
        if self._declarations(product, row, pending):
            changed = True
        action = "created" if created else "updated" if changed else "unchanged"
        if action == "unchanged":
            product.unchanged_row = True
        return RowOutcome(action, conflicts=conflicts)

    def _product(self, enterprise: _EnterpriseState, row: DeclarationRow, pending: _Pending,
                 conflicts: list[dict[str, Any]]) -> tuple[_ProductState, str]:
        facts: ProductFacts = row.product
        key = (enterprise.uscc, facts.name, facts.model)
        product = self._products.get(key)
        if product is None:
            product = _ProductState(
                enterprise=enterprise, name=facts.name, model=facts.model,
                category=facts.category or "", main=bool(facts.main), sector=facts.sector or "",
                registered_on=row.declared_on or self.today, declared={}, existed=False,
                seen=True)
            self._products[key] = product
            pending.new_products.append(product)
            self.tallies.products["created"] += 1
            return product, "created"
        offered = {"category": facts.category, "main": facts.main, "sector": facts.sector}
        diffs = _differences({"category": product.category, "main": product.main,
                              "sector": product.sector}, offered)
        if product.seen:
            conflicts.extend({"uscc": enterprise.uscc, "product": facts.name,
                              "model": facts.model, "field": f"product.{name}", "kept": kept,
                              "offered": value} for name, kept, value in diffs)
            return product, "unchanged"
        product.seen = True
        if product.existed:
            product.listed = set()
            self._listed_products.append(product)
        if row.declared_on and (product.registered_on is None
                                or row.declared_on < product.registered_on):
            diffs.append(("registered_on", product.registered_on, row.declared_on))
        if not diffs:
            self.tallies.products["unchanged"] += 1
            return product, "unchanged"
        for name, _, value in diffs:
            setattr(product, name, value)
        pending.product_updates.append(product)
        self.tallies.products["updated"] += 1
        return product, "updated"

    def _declarations(self, product: _ProductState, row: DeclarationRow,
                      pending: _Pending) -> bool:
        changed = False
        for code in row.codes:
            state = product.declared.get(code.key)
            first_listing = product.listed is not None and code.key not in product.listed
            if product.listed is not None:
                product.listed.add(code.key)
            if state is not None:
                if (first_listing and state.stored and row.declared_on
                        and row.declared_on != state.declared_on):
                    state.declared_on = row.declared_on
                    pending.declaration_updates.append(state)
                    self.tallies.declarations["updated"] += 1
                    changed = True
                elif first_listing:
                    self.tallies.declarations["unchanged"] += 1
                continue
            state = _DeclarationState(declared_on=row.declared_on or self.today)
            product.declared[code.key] = state
            standard_id = self._resolved.get(code.key)
            if standard_id is None:
                alert = alert_for(code.key, None)
            elif standard_id in self._alerts:
                alert = self._alerts[standard_id]
            else:
                alert = alert_for(code.key, self._standings.get(standard_id))
                self._alerts[standard_id] = alert
            pending.new_declarations.append(_NewDeclaration(
                product=product, state=state, code=code, standard_id=standard_id,
                alert=alert))
            self.tallies.declarations["created"] += 1
            if standard_id is None:
                self.tallies.declarations["unresolved"] += 1
            changed = True
        return changed

    # ---- writing -----------------------------------------------------------------------

    async def _flush(self, engine: Engine, pending: _Pending) -> None:
        now = self.now
        for state, new_id in zip(pending.new_enterprises, await _allocate_ids(
                engine, "enterprise", len(pending.new_enterprises)), strict=True):
            state.id = new_id
        await insert_rows(engine, "enterprise", [
            "id", "uscc", "name", "region_code", "sector", "key_fields", "created_at",
            "updated_at"], [(e.id, e.uscc, e.name, e.region_code, e.sector, e.key_fields, now, now)
                            for e in pending.new_enterprises])
        await executemany(engine, "UPDATE enterprise SET name = ?, region_code = ?, sector = ?, "
                          "key_fields = ?, updated_at = ? WHERE id = ?",
                          [(e.name, e.region_code, e.sector, e.key_fields, now, e.id)
                           for e in pending.enterprise_updates])

        for product, new_id in zip(pending.new_products, await _allocate_ids(
                engine, "product", len(pending.new_products)), strict=True):
            product.id = new_id
        await insert_rows(engine, "product", [
            "id", "enterprise", "name", "model", "category", "main", "sector", "registered_on",
            "created_at", "updated_at"],
            [(p.id, p.enterprise.id, p.name, p.model, p.category, p.main, p.sector,
              p.registered_on, now, now) for p in pending.new_products])
        await executemany(engine, "UPDATE product SET category = ?, main = ?, sector = ?, "
                          "registered_on = ?, updated_at = ? WHERE id = ?",
                          [(p.category, p.main, p.sector, p.registered_on, now, p.id)
                           for p in pending.product_updates])

        new = pending.new_declarations
        for declaration, new_id in zip(new, await _allocate_ids(
                engine, "declaration", len(new)), strict=True):
            declaration.state.id = new_id
        source = self.source
        await insert_rows(engine, "declaration", _DECLARATION_COLUMNS, [
            (d.state.id, d.product.id, d.product.enterprise.id, d.code.declared, d.code.key,
             d.code.undated, d.standard_id, d.state.declared_on, source, now, now)
            for d in new])
        await executemany(engine, "UPDATE declaration SET declared_on = ?, updated_at = ? "
                          "WHERE id = ?", [(s.declared_on, now, s.id)
                                           for s in pending.declaration_updates])
        alerts = [(d.state.id, d.product.enterprise.id, d.product.id, d.alert)
                  for d in new if d.alert is not None]
        await _insert_alerts(engine, alerts, now)  # type: ignore[arg-type]
        self.tallies.alerts["raised"] += len(alerts)
        await indicator_queries.mark_stale(engine, [
            *(p.id for p in pending.new_products), *(p.id for p in pending.product_updates),
            *(d.product.id for d in new)], since=_first_day_changed(pending, new))
        await indicator_queries.mark_enterprise_stale(
            engine, [e.id for e in pending.enterprise_updates])
        await indicator_queries.mark_declarations_stale(
            engine, [d.id for d in pending.declaration_updates])


def _first_day_changed(pending: _Pending, new: Sequence[Any]) -> dt.date | None:
    """The first day a chunk of an import can change facts on: its new declarations' and new
    products' days when that is all it writes (an import of today's declarations keeps the
    stored past days); None (every day) when it updates products, enterprises or dates."""
    if pending.product_updates or pending.enterprise_updates or pending.declaration_updates:
        return None
    days = [d.state.declared_on for d in new] + [p.registered_on for p in pending.new_products]
    if any(day is None for day in days):
        return None
    return min(days) if days else None


@dataclass(slots=True)
class _Pending:
    """What one chunk will write."""

    new_enterprises: list[_EnterpriseState] = field(default_factory=list)
    enterprise_updates: list[_EnterpriseState] = field(default_factory=list)
    new_products: list[_ProductState] = field(default_factory=list)
    product_updates: list[_ProductState] = field(default_factory=list)
    new_declarations: list[_NewDeclaration] = field(default_factory=list)
    declaration_updates: list[_DeclarationState] = field(default_factory=list)


# ------------------------------------------------------------------------------------------
# Import records
# ------------------------------------------------------------------------------------------


async def create_import(*, files: list[dict[str, Any]], actor: str,
                        started_at: dt.datetime) -> int:
    """Record the start of a bulk declaration import; returns its id."""
    async with writing() as engine:
        new_id = (await _allocate_ids(engine, "declaration_import", 1))[0]
        await insert_rows(engine, "declaration_import", ["id", "files", "actor", "started_at"],
                          [(new_id, json.dumps(files, ensure_ascii=False), actor, started_at)])
    return new_id


async def finish_import(import_id: int, *, report: dict[str, Any]) -> None:
    await import_records.finish("declaration_import", import_id, report=report)


async def list_imports(limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Bulk declaration imports, newest first, without their full reports."""
    return await import_records.listed("declaration_import", limit, offset)


async def get_import(import_id: int) -> dict[str, Any]:
    """Raises: RecordNotFound: no import has this id."""
    return await import_records.one("declaration_import", import_id)
