"""Enterprises, products and declarations over HTTP and the CLI: the role matrix on every write
route, USCC and region validation, ownership, history, and the bulk import."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import openpyxl
import pytest
from litestar import Litestar

from standards.settings import Settings
from tests.adoption.drafting_helpers import ROLE_MATRIX as DRAFTING_GOAL_MATRIX
from tests.adoption.helpers import (
    account,
    declare,
    enterprise,
    mutated,
    new_uscc,
    product,
    upload_catalogue,
)
from tests.adoption.indicator_data import ROLE_MATRIX as INDICATOR_MATRIX
from tests.api.followup_matrix import ROLE_MATRIX as FOLLOWUP_MATRIX
from tests.api.people_matrix import ACCOUNT_WRITES, PAGE_WRITES, PUBLIC_WRITES
from tests.api.people_matrix import ROLE_MATRIX as PEOPLE_MATRIX
from tests.api.test_portal_pages import PORTAL_PAGE_WRITES  # tested there, as pages
from tests.api.workbench_matrix import ROLE_MATRIX as WORKBENCH_MATRIX

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CATALOGUE = ("标准号,标准名称,发布日期,实施日期\n"
             "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01\n")


def declarations_csv(rows: list[str]) -> bytes:
    header = ("统一社会信用代码,企业名称,行政区划代码,行业,重点领域,产品名称,产品型号,产品分类,"
              "主要产品,执行标准,公开日期")
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


# ------------------------------------------------------------------------------------------
# The role matrix
# ------------------------------------------------------------------------------------------


@dataclass
class World:
    staff: dict[str, str]
    leader: dict[str, str]
    owner_uscc: str
    owner: dict[str, str]
    other_uscc: str
    other: dict[str, str]


Call = Callable[[httpx.AsyncClient, World, dict[str, str]], Awaitable[httpx.Response]]


async def _fresh_product(client: httpx.AsyncClient, world: World) -> int:
    return await product(client, world.staff, world.owner_uscc, name="制动盘",
                         model=f"P-{dt.datetime.now().timestamp()}")


async def _fresh_declaration(client: httpx.AsyncClient, world: World) -> int:
    found = await declare(client, world.staff, await _fresh_product(client, world),
                          "GB/T 19001-2016")
    return int(found["declaration"]["id"])


async def create_account(client: httpx.AsyncClient, w: World, h: dict[str, str]
                         ) -> httpx.Response:
    return await client.post("/api/accounts", headers=h, json={"role": "leader"})


async def disable_account(client: httpx.AsyncClient, w: World, h: dict[str, str]
                          ) -> httpx.Response:
    created = await client.post("/api/accounts", headers=w.staff, json={"role": "leader"})
    return await client.post(f"/api/accounts/{created.json()['id']}/disable", headers=h)


async def save_enterprise(client: httpx.AsyncClient, w: World, h: dict[str, str]
                          ) -> httpx.Response:
    return await client.put(f"/api/enterprises/{w.owner_uscc}", headers=h, json={
        "name": "长春一汽零部件有限公司", "region_code": "220102", "key_fields": ["汽车"]})


async def create_product(client: httpx.AsyncClient, w: World, h: dict[str, str]
                         ) -> httpx.Response:
    return await client.post(f"/api/enterprises/{w.owner_uscc}/products", headers=h, json={
        "name": "转向节", "model": f"Z-{dt.datetime.now().timestamp()}"})


async def update_product(client: httpx.AsyncClient, w: World, h: dict[str, str]
                         ) -> httpx.Response:
    product_id = await _fresh_product(client, w)
    return await client.put(f"/api/products/{product_id}", headers=h, json={
        "name": "制动盘（改）", "model": f"R-{product_id}", "main": True})


async def discontinue_product(client: httpx.AsyncClient, w: World, h: dict[str, str]
                              ) -> httpx.Response:
    return await client.delete(f"/api/products/{await _fresh_product(client, w)}", headers=h)


async def create_declaration(client: httpx.AsyncClient, w: World, h: dict[str, str]
                             ) -> httpx.Response:
    return await client.post("/api/declarations", headers=h, json={
        "product_id": await _fresh_product(client, w), "code": "GB/T 19001-2016"})


async def withdraw_declaration(client: httpx.AsyncClient, w: World, h: dict[str, str]
                               ) -> httpx.Response:
    return await client.delete(f"/api/declarations/{await _fresh_declaration(client, w)}",
                               headers=h)


async def import_declarations(client: httpx.AsyncClient, w: World, h: dict[str, str]
                              ) -> httpx.Response:
    body = declarations_csv([f"{w.owner_uscc},长春一汽零部件有限公司,220102,,,刹车片,B-1,,是,"
                             "GB/T 19001-2016,2024-01-02"])
    return await client.post("/api/declarations/imports", headers=h,
                             files={"files": ("d.csv", body, "text/csv")})


async def import_catalogue(client: httpx.AsyncClient, w: World, h: dict[str, str]
                           ) -> httpx.Response:
    return await client.post("/api/imports", headers=h,
                             files={"files": ("c.csv", CATALOGUE.encode(), "text/csv")})


async def refresh_alerts(client: httpx.AsyncClient, w: World, h: dict[str, str]
                         ) -> httpx.Response:
    return await client.post("/api/alerts/refresh", headers=h)


async def patch_product(client: httpx.AsyncClient, w: World, h: dict[str, str]
                        ) -> httpx.Response:
    return await client.patch(f"/api/products/{await _fresh_product(client, w)}", headers=h,
                              json={"category": "制动系统"})


async def preview_declarations(client: httpx.AsyncClient, w: World, h: dict[str, str]
                               ) -> httpx.Response:
    body = declarations_csv([f"{w.owner_uscc},长春一汽零部件有限公司,220102,,,刹车片,B-2,,是,"
                             "GB/T 19001-2016,2024-01-02"])
    return await client.post("/api/declarations/imports/previews", headers=h,
                             files={"files": ("d.csv", body, "text/csv")})


async def commit_declarations(client: httpx.AsyncClient, w: World, h: dict[str, str]
                              ) -> httpx.Response:
    previewed = await preview_declarations(client, w, w.owner)
    token = previewed.json()["preview_id"]
    return await client.post(f"/api/declarations/imports/previews/{token}/commit", headers=h)


async def save_enterprise_standard(client: httpx.AsyncClient, w: World, h: dict[str, str]
                                   ) -> httpx.Response:
    return await client.post(f"/api/enterprises/{w.owner_uscc}/standards", headers=h, json={
        "code": f"Q/CCYQ {int(dt.datetime.now().timestamp() * 1000) % 10**6:06d}-2024",
        "title_zh": "制动盘", "indicators": [
            {"kind": "性能", "name": "制动力矩", "value": "≥ 1200", "unit": "N·m"}]})


async def change_enterprise_standard(client: httpx.AsyncClient, w: World, h: dict[str, str]
                                     ) -> httpx.Response:
    created = await save_enterprise_standard(client, w, w.owner)
    return await client.put(f"/api/enterprise-standards/{created.json()['id']}", headers=h,
                            json={"title_zh": "制动盘（修订）", "indicators": []})


async def redeclare_successor(client: httpx.AsyncClient, w: World, h: dict[str, str]
                              ) -> httpx.Response:
    await upload_catalogue(client, w.staff, "pair.csv", [
        "标准号,标准名称,发布日期,实施日期,废止日期,代替标准",
        "GB/T 30001-2019,电动自行车 通用技术条件,2019-03-01,2019-10-01,,GB/T 30001-2008",
        "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,2019-10-01,"])
    item = await _fresh_product(client, w)
    await declare(client, w.staff, item, "GB/T 30001-2008", confirm=True)
    alerts = (await client.get("/api/alerts", headers=w.staff,
                               params={"uscc": w.owner_uscc})).json()["items"]
    [alert] = [a for a in alerts if a["product_id"] == item]
    return await client.post(f"/api/alerts/{alert['id']}/redeclare", headers=h)


# (method, route template) -> (the call, whether an enterprise may use it on what it owns);
# ANY_ENTERPRISE: every enterprise account may (on its own rows: see tests/api/test_portal_api)
ANY_ENTERPRISE = "any enterprise"
MATRIX: dict[tuple[str, str], tuple[Call, bool | str]] = {
    ("PATCH", "/api/products/{product_id:int}"): (patch_product, True),
    ("POST", "/api/declarations/imports/previews"): (preview_declarations, ANY_ENTERPRISE),
    ("POST", "/api/declarations/imports/previews/{preview_id:str}/commit"): (
        commit_declarations, True),
    ("POST", "/api/enterprises/{uscc:str}/standards"): (save_enterprise_standard, True),
    ("PUT", "/api/enterprise-standards/{standard_id:int}"): (change_enterprise_standard, True),
    ("POST", "/api/alerts/{alert_id:int}/redeclare"): (redeclare_successor, True),
    ("POST", "/api/accounts"): (create_account, False),
    ("POST", "/api/accounts/{account_id:int}/disable"): (disable_account, False),
    ("PUT", "/api/enterprises/{uscc:str}"): (save_enterprise, True),
    ("POST", "/api/enterprises/{uscc:str}/products"): (create_product, True),
    ("PUT", "/api/products/{product_id:int}"): (update_product, True),
    ("DELETE", "/api/products/{product_id:int}"): (discontinue_product, True),
    ("POST", "/api/declarations"): (create_declaration, True),
    ("DELETE", "/api/declarations/{declaration_id:int}"): (withdraw_declaration, True),
    ("POST", "/api/declarations/imports"): (import_declarations, False),
    ("POST", "/api/imports"): (import_catalogue, False),
    ("POST", "/api/alerts/refresh"): (refresh_alerts, False),
}
MATRIX.update(DRAFTING_GOAL_MATRIX)  # drafting, domain-rule and goal writes (staff only)
MATRIX.update(INDICATOR_MATRIX)  # the foreign-advanced body list (staff only)
MATRIX.update(PEOPLE_MATRIX)  # password resets and registration decisions (staff only)
MATRIX.update(WORKBENCH_MATRIX)  # hand edits, conflicts, preferences, goal changes (staff)
MATRIX.update(FOLLOWUP_MATRIX)  # jobs, reviews, triage decisions, feedback moderation (staff)


def test_the_matrix_covers_every_write_route(app: Litestar) -> None:
    """Every write route is in a matrix: this one (API), tests/api/test_people_roles.py (pages
    and the routes of one's own account), tests/checks/test_check_roles.py (标准查新 and
    watches), or public by design (sign in and out, register)."""
    from tests.checks.test_check_roles import CHECK_AND_WATCH_WRITES

    routes = {(method, route.path) for route in app.routes
              for handler in route.route_handlers
              for method in getattr(handler, "http_methods", ()) if method in WRITE_METHODS}
    assert (routes - PUBLIC_WRITES - ACCOUNT_WRITES - set(PAGE_WRITES)
            - set(PORTAL_PAGE_WRITES) - CHECK_AND_WATCH_WRITES) == set(MATRIX)


async def test_the_routes_are_documented(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {"/api/accounts", "/api/enterprises/{uscc}", "/api/enterprises/{uscc}/products",
            "/api/products/{product_id}", "/api/declarations", "/api/declarations/imports",
            "/api/alerts", "/api/alerts/export", "/api/changes"} <= set(paths)


@pytest.fixture
async def world(client: httpx.AsyncClient, staff_headers: dict[str, str]) -> World:
    await upload_catalogue(client, staff_headers, "c.csv", CATALOGUE.strip().split("\n"))
    owner_uscc, owner = await enterprise(client, staff_headers)
    other_uscc, other = await enterprise(client, staff_headers, region="320102",
                                         name="南京汽车配件厂")
    leader = await account(client, staff_headers, "leader")
    return World(staff_headers, leader, owner_uscc, owner, other_uscc, other)


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
async def test_role_matrix(client: httpx.AsyncClient, world: World,
                           route: tuple[str, str]) -> None:
    call, enterprise_may = MATRIX[route]
    nobody = await call(client, world, {})
    assert nobody.status_code == 401, nobody.text
    assert nobody.headers["content-type"].startswith("application/problem+json")
    forged = await call(client, world, {"Authorization": "Bearer stk_forged"})
    assert forged.status_code == 401
    assert (await call(client, world, world.leader)).status_code == 403
    other = await call(client, world, world.other)
    if enterprise_may == ANY_ENTERPRISE:
        assert 200 <= other.status_code < 300, other.text
        assert 200 <= (await call(client, world, world.owner)).status_code < 300
    elif enterprise_may:
        assert other.status_code in (403, 404), other.text
        owner = await call(client, world, world.owner)
        assert 200 <= owner.status_code < 300, owner.text
    else:
        assert other.status_code == 403, other.text
        assert (await call(client, world, world.owner)).status_code == 403
    staff = await call(client, world, world.staff)
    assert 200 <= staff.status_code < 300, staff.text


async def test_another_enterprise_changes_nothing(client: httpx.AsyncClient,
                                                  world: World) -> None:
    item = await product(client, world.owner, name="转向节", model="Z-1")
    declared = await declare(client, world.owner, item, "GB/T 19001-2016")
    declaration_id = declared["declaration"]["id"]
    missing = await client.get("/api/products/999999", headers=world.other)
    for response in (
        await client.get(f"/api/products/{item}", headers=world.other),
        await client.put(f"/api/products/{item}", headers=world.other, json={"name": "x"}),
        await client.delete(f"/api/products/{item}", headers=world.other),
        await client.delete(f"/api/declarations/{declaration_id}", headers=world.other),
        await client.post("/api/declarations", headers=world.other,
                          json={"product_id": item, "code": "GB/T 19001-2016"}),
    ):
        assert response.status_code == 404, response.text
        # the same answer as for a product nobody has: existence does not leak
        assert response.json()["title"] == missing.json()["title"]
    assert (await client.get(f"/api/enterprises/{world.owner_uscc}/products",
                             headers=world.other)).status_code == 403
    assert (await client.get(f"/api/enterprises/{world.owner_uscc}",
                             headers=world.other)).status_code == 403
    kept = (await client.get(f"/api/products/{item}", headers=world.owner)).json()
    assert (kept["name"], kept["discontinued_on"], kept["active_declarations"]) == (
        "转向节", None, 1)


# ------------------------------------------------------------------------------------------
# Enterprises: USCC and region validation
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("uscc", "region"), [
    ("91350100M000100Y43", "350102"),  # the widely published worked example, 福州
    ("914403001922038216", "440305"),
    ("91220102100000040T", "220102"),
])
async def test_real_codes_register(client: httpx.AsyncClient, staff_headers: dict[str, str],
                                   uscc: str, region: str) -> None:
    done = await client.put(f"/api/enterprises/{uscc.lower()}", headers=staff_headers,
                            json={"name": "某某有限公司", "region_code": region})
    assert done.status_code == 200, done.text
    assert (done.json()["uscc"], done.json()["region_code"]) == (uscc, region)


@pytest.mark.parametrize(("uscc", "body", "field", "value"), [
    ("91350100M000100Y44", {"region_code": "350102"}, "uscc", "91350100M000100Y44"),
    ("91350100M000I00Y43", {"region_code": "350102"}, "uscc", "91350100M000I00Y43"),
    ("9135010M000100Y43", {"region_code": "350102"}, "uscc", "9135010M000100Y43"),
    ("91350100M000100Y43", {"region_code": "320571"}, "region_code", "320571"),
    ("91350100M000100Y43", {"region_code": "350199"}, "region_code", "350199"),
    ("91350100M000100Y43", {"region_code": "3501"}, "region_code", "3501"),
    ("91350100M000100Y43", {"region_code": "350102", "key_fields": ["航天"]}, "key_fields",
     "航天"),
])
async def test_wrong_codes_answer_422_naming_field_and_value(
        client: httpx.AsyncClient, staff_headers: dict[str, str], uscc: str, body: dict,
        field: str, value: str) -> None:
    done = await client.put(f"/api/enterprises/{uscc}", headers=staff_headers,
                            json={"name": "某某有限公司", **body})
    assert done.status_code == 422, done.text
    problem = done.json()
    assert (problem["field"], problem["value"]) == (field, value)
    assert value in problem["detail"] and problem["status"] == 422


async def test_an_enterprise_registers_itself(client: httpx.AsyncClient,
                                              staff_headers: dict[str, str]) -> None:
    uscc = new_uscc("320583")
    headers = await account(client, staff_headers, "enterprise", uscc)
    assert (await client.get("/api/enterprises/me", headers=headers)).status_code == 404
    done = await client.put("/api/enterprises/me", headers=headers, json={
        "name": "昆山精密机械有限公司", "region_code": 320583, "sector": "C34",
        "key_fields": ["装备制造", "automotive"]})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["uscc"] == uscc and body["region_name"] == "江苏省 苏州市 昆山市"
    assert body["key_fields"] == ["automotive", "equipment"]
    listed = await client.get("/api/enterprises", headers=staff_headers,
                              params={"region": "3205", "key_field": "equipment"})
    assert [e["uscc"] for e in listed.json()["items"]] == [uscc]
    assert (await client.get("/api/enterprises", headers=headers)).status_code == 403


# ------------------------------------------------------------------------------------------
# Products and declarations
# ------------------------------------------------------------------------------------------


async def test_products_declarations_and_history(client: httpx.AsyncClient,
                                                 staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", CATALOGUE.strip().split("\n"))
    uscc, owner = await enterprise(client, staff_headers)
    item = await product(client, owner, name="制动钳总成", model="ZQ-1")
    duplicate = await client.post("/api/enterprises/me/products", headers=owner,
                                  json={"name": "制动钳总成", "model": "ZQ-1"})
    assert duplicate.status_code == 409
    empty = await client.post("/api/enterprises/me/products", headers=owner,
                              json={"name": "  ", "model": "x"})
    assert empty.status_code == 422 and empty.json()["field"] == "name"

    declared = await declare(client, owner, item, "ＧＢ／Ｔ　１９００１－２０１６")
    body = declared["declaration"]
    assert (body["declared_code"], body["code"], body["resolved"]) == (
        "ＧＢ／Ｔ １９００１－２０１６", "GB/T 19001-2016", True)  # as written, spaces collapsed
    assert body["standard"]["title_zh"] == "质量管理体系 要求"
    again = await client.post("/api/declarations", headers=owner,
                              json={"product_id": item, "code": "GBT19001-2016"})
    assert again.status_code == 409 and again.json()["existing_id"] == body["id"]
    bad = await client.post("/api/declarations", headers=owner,
                            json={"product_id": item, "code": "XYZ 12"})
    assert bad.status_code == 422 and bad.json()["value"] == "XYZ 12"
    unknown = await declare(client, owner, item, "GB/T 12345-2010")
    assert unknown["declaration"]["resolved"] is False

    # public reads, by enterprise, code (any spelling) and state
    public = await client.get("/api/declarations", params={"uscc": uscc})
    assert public.status_code == 200 and public.json()["total"] == 2
    by_code = await client.get("/api/declarations", params={"code": "gb/t 19001—2016"})
    assert [d["id"] for d in by_code.json()["items"]] == [body["id"]]
    unresolved = await client.get("/api/declarations", params={"unresolved": "true",
                                                               "uscc": uscc})
    assert [d["code"] for d in unresolved.json()["items"]] == ["GB/T 12345-2010"]

    withdrawn = await client.delete(f"/api/declarations/{unknown['declaration']['id']}",
                                    headers=owner, params={"reason": "改用企业标准"})
    assert withdrawn.json()["withdrawn_reason"] == "改用企业标准"
    active = await client.get("/api/declarations", params={"product": item})
    assert [d["code"] for d in active.json()["items"]] == ["GB/T 19001-2016"]
    history = await client.get("/api/declarations", params={"product": item, "status": "all"})
    assert [(d["code"], d["active"]) for d in history.json()["items"]] == [
        ("GB/T 19001-2016", True), ("GB/T 12345-2010", False)]

    # discontinuing keeps everything as history
    gone = await client.delete(f"/api/products/{item}", headers=owner)
    assert gone.status_code == 200 and gone.json()["discontinued_on"] == str(dt.date.today())
    assert (await client.get("/api/enterprises/me/products", headers=owner)).json()["total"] == 0
    kept = await client.get("/api/enterprises/me/products", headers=owner,
                            params={"include_discontinued": "true"})
    assert [p["id"] for p in kept.json()["items"]] == [item]
    history = (await client.get(f"/api/products/{item}/declarations")).json()["items"]
    assert [d["active"] for d in history] == [False, False]
    late = await client.post("/api/declarations", headers=owner,
                             json={"product_id": item, "code": "GB/T 19001-2016"})
    assert late.status_code == 409


# ------------------------------------------------------------------------------------------
# Bulk import
# ------------------------------------------------------------------------------------------


def stdtrack(settings: Settings, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()",
                           *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


async def test_bulk_import_from_the_cli_is_idempotent(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings,
        tmp_path: Path) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", CATALOGUE.strip().split("\n"))
    first, second = new_uscc("220102"), new_uscc("320102")
    rows = [
        f"{first},长春一汽零部件有限公司,220102,C36,汽车;石化,制动钳总成,ZQ-1,汽车零部件,是,"
        "GB/T 19001-2016；ＱＣ／Ｔ　１０８２－２０１７,2023年5月1日",
        f"{first},,,,,转向节,Z-2,汽车零部件,否,GBT19001-2016,2023/5/2",
        f"{second.lower()},南京汽车配件厂,320102,C36,,滤清器,L-9,,1,GB/T 19001-2016,2023-06-01",
        f"{mutated(first)},坏代码公司,220102,,,某产品,,,,GB/T 19001-2016,2023-06-01",
        f"{new_uscc()},某公司,320571,,,某产品,,,,GB/T 19001-2016,2023-06-01",
        f"{new_uscc()},某公司,220102,,,某产品,,,,XYZ 12,2023-06-01",
        f"{new_uscc()},某公司,220102,,,某产品,,,,GB/T 19001-2016,2023-13-45",
        f"{new_uscc()},,,,,某产品,,,,GB/T 19001-2016,2023-06-01",
        f"{first},一汽另一个名字,220102,,,制动钳总成,ZQ-1,,,GB/T 19001-2016,",
    ]
    path = tmp_path / "声明.csv"
    path.write_bytes(declarations_csv(rows).decode("utf-8").encode("gb18030"))
    done = stdtrack(settings, "declarations", "import", path, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["created"], report["updated"], report["unchanged"]) == (3, 0, 1)
    reasons = {r["location"]: r["reason"] for r in report["rejected"]}
    assert set(reasons) == {f"声明.csv:row {n}" for n in (5, 6, 7, 8, 9)}
    assert "check character" in reasons["声明.csv:row 5"]
    assert "320571" in reasons["声明.csv:row 6"]
    assert "'XYZ 12'" in reasons["声明.csv:row 7"]
    assert "2023-13-45" in reasons["声明.csv:row 8"]
    assert "企业名称" in reasons["声明.csv:row 9"]
    assert [(c["location"], c["field"], c["kept"], c["offered"]) for c in report["conflicts"]] == [
        ("声明.csv:row 10", "enterprise.name", "长春一汽零部件有限公司", "一汽另一个名字")]
    assert report["enterprises"]["created"] == 2 and report["products"]["created"] == 3
    assert report["declarations"] == {"created": 4, "updated": 0, "unchanged": 0,
                                      "withdrawn": 0, "unresolved": 1}
    assert report["alerts"]["raised"] == 1
    assert report["files"][0]["format"] == "csv" and report["batch_id"]

    # the enterprise's own account sees what the import registered
    owner = await account(client, staff_headers, "enterprise", first)
    mine = (await client.get("/api/enterprises/me", headers=owner)).json()
    assert mine["key_fields"] == ["automotive", "petrochemical"]
    products = (await client.get("/api/enterprises/me/products", headers=owner)).json()["items"]
    assert [(p["name"], p["main"], p["registered_on"], p["active_declarations"])
            for p in products] == [("制动钳总成", True, "2023-05-01", 2),
                                   ("转向节", False, "2023-05-02", 1)]
    [alert] = (await client.get("/api/alerts", headers=owner)).json()["items"]
    assert (alert["kind"], alert["code"]) == ("unresolved_code", "QC/T 1082-2017")

    again = json.loads(stdtrack(settings, "declarations", "import", path, "--json").stdout)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert again["declarations"]["created"] == 0 and again["alerts"]["raised"] == 0
    assert again["batch_id"] != report["batch_id"]

    # a later file states the product's standards in full: what it omits is withdrawn
    later = tmp_path / "later.csv"
    later.write_bytes(declarations_csv([
        f"{first},长春一汽零部件有限公司,220102,C36,汽车;石化,制动钳总成,ZQ-1,汽车零部件,是,"
        "GB/T 19001-2016,2023-05-01"]))
    changed = json.loads(stdtrack(settings, "declarations", "import", later, "--json").stdout)
    assert (changed["updated"], changed["declarations"]["withdrawn"]) == (1, 1)
    assert changed["alerts"]["cleared"] == 1
    assert (await client.get("/api/alerts", headers=owner)).json()["items"] == []
    history = (await client.get(f"/api/products/{products[0]['id']}/declarations")).json()
    assert [(d["code"], d["active"]) for d in history["items"]] == [
        ("GB/T 19001-2016", True), ("QC/T 1082-2017", False)]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2024年 企业标准自我声明"])
    sheet.append(["USCC", "Enterprise", "Region", "Sector", "Key Fields", "Product", "Model",
                  "Category", "Main", "Standards", "Declared_On", "备注"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def test_bulk_import_over_http_with_an_xlsx_file(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    uscc = new_uscc("222401")
    body = xlsx_bytes([
        [uscc, "延边长白山食品有限公司", 222401, "C14", "食品", "人参饮料", "R-1", "饮料", True,
         "GB/T 10792-2008; GB 7101-2022", dt.datetime(2024, 3, 5), "x"],
        [uscc, None, None, None, None, "人参片", "", "", 0, "GB/T 19001-2016",
         dt.date(2024, 3, 6), None],
    ])
    done = await client.post("/api/declarations/imports", headers=staff_headers,
                             files={"files": ("声明.xlsx", body, "application/octet-stream")})
    assert done.status_code == 201, done.text
    report = done.json()
    assert (report["created"], report["rejected"], report["files"][0]["format"]) == (
        2, [], "xlsx")
    assert report["files"][0]["ignored_columns"] == ["备注"]
    assert report["declarations"]["created"] == 3
    listed = await client.get("/api/declarations/imports", headers=staff_headers)
    assert listed.json()["items"][0]["id"] == report["batch_id"]
    stored = await client.get(f"/api/declarations/imports/{report['batch_id']}",
                              headers=staff_headers)
    assert stored.json()["report"]["created"] == 2
    public = (await client.get("/api/declarations", params={"uscc": uscc})).json()
    assert sorted((d["product_name"], d["code"], d["declared_on"]) for d in public["items"]) == [
        ("人参片", "GB/T 19001-2016", "2024-03-06"),
        ("人参饮料", "GB 7101-2022", "2024-03-05"),
        ("人参饮料", "GB/T 10792-2008", "2024-03-05"),
    ]
    no_header = await client.post("/api/declarations/imports", headers=staff_headers,
                                  files={"files": ("x.csv", b"a,b\n1,2\n", "text/csv")})
    assert no_header.status_code == 400 and "统一社会信用代码" in no_header.json()["detail"]
