"""Shared steps of the adoption tests: accounts, enterprises, products, catalogue uploads."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Iterable

import httpx

from adoption.uscc import make_uscc

_serial = itertools.count(10_000_000)


def new_uscc(region: str = "220102") -> str:
    """A valid, never-used credit code (both check characters computed)."""
    return make_uscc(region, f"{next(_serial):08d}")


def mutated(uscc: str) -> str:
    """The code with another check character (so it fails the check)."""
    return uscc[:-1] + ("0" if uscc[-1] != "0" else "1")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def account(client: httpx.AsyncClient, staff: dict[str, str], role: str,
                  uscc: str | None = None) -> dict[str, str]:
    """Create an account through the API; returns its Authorization header."""
    done = await client.post("/api/accounts", json={"role": role, "uscc": uscc,
                                                    "name": f"test {role}"}, headers=staff)
    assert done.status_code == 201, done.text
    return bearer(done.json()["token"])


async def people(client: httpx.AsyncClient, staff: dict[str, str]
                 ) -> dict[str, dict[str, str]]:
    """Headers of staff, a new leader and a new enterprise of Changchun (220102)."""
    return {"staff": staff, "leader": await account(client, staff, "leader"),
            "enterprise": await account(client, staff, "enterprise", new_uscc("220102"))}


async def enterprise(client: httpx.AsyncClient, staff: dict[str, str], *,
                     region: str = "220102", name: str = "长春一汽零部件有限公司",
                     key_fields: tuple[str, ...] = ("automotive",)) -> tuple[str, dict[str, str]]:
    """A registered enterprise and its account's header."""
    uscc = new_uscc(region)
    headers = await account(client, staff, "enterprise", uscc)
    done = await client.put(f"/api/enterprises/{uscc}", headers=headers, json={
        "name": name, "region_code": region, "sector": "C36 汽车制造业",
        "key_fields": list(key_fields)})
    assert done.status_code == 200, done.text
    return uscc, headers


async def product(client: httpx.AsyncClient, headers: dict[str, str], uscc: str = "me",
                  name: str = "制动钳总成", model: str = "ZQ-1", main: bool = True) -> int:
    done = await client.post(f"/api/enterprises/{uscc}/products", headers=headers, json={
        "name": name, "model": model, "category": "汽车零部件", "main": main})
    assert done.status_code == 201, done.text
    return int(done.json()["id"])


async def declare(client: httpx.AsyncClient, headers: dict[str, str], product_id: int,
                  code: str, confirm: bool = False) -> dict:
    done = await client.post("/api/declarations", headers=headers,
                             json={"product_id": product_id, "code": code, "confirm": confirm})
    assert done.status_code == 201, done.text
    return done.json()


async def upload_catalogue(client: httpx.AsyncClient, staff: dict[str, str], name: str,
                           lines: list[str]) -> dict:
    body = ("\n".join(lines) + "\n").encode("utf-8")
    done = await client.post("/api/imports", headers=staff,
                             files={"files": (name, body, "text/csv")})
    assert done.status_code == 201, done.text
    return done.json()


@contextlib.asynccontextmanager
async def tables_emptied(tables: Iterable[str]) -> AsyncIterator[None]:
    """The tables emptied before and after the block (rows a test adds beside the catalogue
    that the ``db`` fixture does not clear)."""
    from adoption.tables import Declaration

    names = list(tables)
    for table in names:
        await Declaration.raw(f"DELETE FROM {table}")
    yield
    for table in names:
        await Declaration.raw(f"DELETE FROM {table}")


def declaration_csv(rows: Iterable[tuple[str, str, str]], region: str = "220102") -> bytes:
    """A bulk declaration file: one main product per ``(uscc, product, code)``, of an
    enterprise in ``region``, declared 2023-03-01."""
    header = ("统一社会信用代码,企业名称,行政区划代码,行业,重点领域,产品名称,产品型号,产品分类,"
              "主要产品,执行标准,公开日期")
    lines = [f"{uscc},企业{uscc[-4:]},{region},,,{product},M-1,,是,{code},2023-03-01"
             for uscc, product, code in rows]
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")
