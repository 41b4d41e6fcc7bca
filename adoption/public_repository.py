"""What anyone may read without signing in, as the national platform publishes it: one
enterprise's products and declared standards with their status today, and a search over
active declarations by enterprise, product or standard."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from adoption import repository
from adoption.db import select
from adoption.enterprise_standards_repository import enterprise_standards
from adoption.schemas import (
    DeclarationPage,
    DeclaredStandard,
    PublicDeclaration,
    PublicEnterprise,
    PublicProduct,
)
from standards import repository as standards_repository
from standards.codes import try_parse_code


class SearchField(StrEnum):
    """What a declaration search looks at."""

    ALL = "all"
    ENTERPRISE = "enterprise"  # name, or the credit code
    PRODUCT = "product"  # name or model
    STANDARD = "standard"  # code (any spelling, undated: every edition) or title


async def public_enterprise(uscc: str, *, page: int = 1, page_size: int = 50,
                            today: dt.date | None = None) -> PublicEnterprise:
    """One enterprise's active products (a page of them) with their active declarations and
    each standard's status today, and the enterprise standards it owns.

    Raises:
        RecordNotFound: no enterprise has this USCC.
    """
    today = today or dt.date.today()
    enterprise = await repository.get_enterprise(uscc)
    total = await select("SELECT COUNT(*) AS n FROM product WHERE enterprise = ? AND "
                         "discontinued_on IS NULL", [enterprise.id])
    products = await select(
        "SELECT id, name, model, category, registered_on FROM product WHERE enterprise = ? "
        "AND discontinued_on IS NULL ORDER BY id LIMIT ? OFFSET ?",
        [enterprise.id, page_size, (page - 1) * page_size])
    declarations: list[dict[str, Any]] = []
    if products:
        marks = ", ".join("?" for _ in products)
        declarations = await select(
            "SELECT id, product, declared_code, code_key, declared_on, standard FROM declaration "
            f"WHERE product IN ({marks}) AND withdrawn_on IS NULL ORDER BY id",
            [row["id"] for row in products])
    standings = await standards_repository.standings_of(
        [row["standard"] for row in declarations if row["standard"] is not None], today)
    by_product: dict[int, list[PublicDeclaration]] = {}
    for row in declarations:
        standing = standings.get(row["standard"]) if row["standard"] is not None else None
        by_product.setdefault(row["product"], []).append(PublicDeclaration(
            id=row["id"], declared_code=row["declared_code"], code=row["code_key"],
            declared_on=row["declared_on"],
            standard=DeclaredStandard(id=standing.standard_id, code=standing.code,
                                      title_zh=standing.title_zh, status=standing.status)
            if standing else None))
    return PublicEnterprise(
        uscc=enterprise.uscc, name=enterprise.name, region_code=enterprise.region_code,
        region_name=enterprise.region_name, as_of=today, products_total=int(total[0]["n"]),
        page=page, page_size=page_size,
        products=[PublicProduct(id=row["id"], name=row["name"], model=row["model"],
                                category=row["category"], registered_on=row["registered_on"],
                                declarations=by_product.get(row["id"], []))
                  for row in products],
        standards=await enterprise_standards(owner_uscc=uscc, today=today))


def _escape(text: str) -> str:
    """``text`` in a LIKE pattern (``ESCAPE '\\'``), its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(text: str) -> str:
    """A case-insensitive LIKE pattern (on lower-cased columns) finding ``text`` anywhere."""
    return f"%{_escape(text).lower()}%"


def _search_terms(text: str, by: SearchField) -> tuple[list[str], list[Any]]:
    terms: list[str] = []
    args: list[Any] = []
    pattern = _like(text)
    if by in (SearchField.ALL, SearchField.ENTERPRISE):
        terms.append("LOWER(e.name) LIKE ? ESCAPE '\\' OR e.uscc = ?")
        args += [pattern, text.upper()]
    if by in (SearchField.ALL, SearchField.PRODUCT):
        terms.append("LOWER(p.name) LIKE ? ESCAPE '\\' OR LOWER(p.model) LIKE ? ESCAPE '\\'")
        args += [pattern, pattern]
    if by in (SearchField.ALL, SearchField.STANDARD):
        terms.append("d.standard IN (SELECT id FROM standard WHERE LOWER(title_zh) LIKE ? "
                     "ESCAPE '\\')")
        args.append(pattern)
        parsed = try_parse_code(text)
        if parsed is not None:
            key = standards_repository.catalogue_key(parsed)
            if parsed.year is None:
                terms.append("d.code_key = ? OR d.code_key LIKE ? ESCAPE '\\' OR d.standard IN "
                             "(SELECT id FROM standard WHERE family_key = ?)")
                args += [key, f"{_escape(parsed.family_key)}-%", parsed.family_key]
            else:
                terms.append("d.code_key = ?")
                args.append(key)
    return terms, args


async def search_declarations(text: str, *, by: SearchField = SearchField.ALL, page: int = 1,
                              page_size: int = 50) -> DeclarationPage:
    """Active declarations whose enterprise (name, credit code), product (name, model) or
    standard (code in any spelling, title) matches ``text``; newest first."""
    text = " ".join(text.split())
    if not text:
        return DeclarationPage(total=0, page=page, page_size=page_size, items=[])
    terms, args = _search_terms(text, by)
    where = f"d.withdrawn_on IS NULL AND (({') OR ('.join(terms)}))"
    joins = ("FROM declaration d JOIN product p ON p.id = d.product "
             "JOIN enterprise e ON e.id = d.enterprise")
    total = await select(f"SELECT COUNT(*) AS n {joins} WHERE {where}", args)
    rows = await select(f"{repository._DECLARATION_SELECT} WHERE {where} "
                        "ORDER BY d.id DESC LIMIT ? OFFSET ?",
                        [*args, page_size, (page - 1) * page_size])
    return DeclarationPage(total=int(total[0]["n"]), page=page, page_size=page_size,
                           items=await repository._declarations(rows))
