"""The self-declaration portal's API (issue 14): products changed with PATCH, standards declared
by any spelling with suggestions and a warning to confirm, enterprise standards with their
indicators, declaration history, the alerts inbox with a one-click re-declare, bulk files
previewed then committed, the public enterprise data, the declaration search and QR codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import httpx
import openpyxl
import pytest
import zxingcpp
from litestar import Litestar
from piccolo.engine.base import Engine
from PIL import Image

from api import search_service
from api.app import create_app
from api.declaration_imports import HEADERS
from standards.settings import Settings
from tests.adoption.helpers import (
    account,
    declare,
    enterprise,
    mutated,
    new_uscc,
    product,
    upload_catalogue,
)

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

CATALOGUE = [
    "标准号,标准名称,发布日期,实施日期,废止日期,代替标准",
    "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,,GB/T 19001-2008",
    "GB/T 19001-2008,质量管理体系 要求,2008-10-29,2009-03-01,2017-07-01,",
    "GB/T 30001-2019,电动自行车 通用技术条件,2019-03-01,2019-10-01,,GB/T 30001-2008",
]


async def catalogue_indexed(client: httpx.AsyncClient, staff: dict[str, str],
                            settings: Settings) -> None:
    """The test catalogue, and an index of it alone (earlier tests' standards are deleted
    from the database, not from the derived index)."""
    await upload_catalogue(client, staff, "c.csv", CATALOGUE)
    await search_service.rebuild_index(settings)


def declarations_csv(rows: list[str]) -> bytes:
    header = ",".join(labels[0] for labels in HEADERS.values())
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


# ------------------------------------------------------------------------------------------
# Products: PATCH changes only what it is given
# ------------------------------------------------------------------------------------------


async def test_patch_keeps_the_fields_left_out(client: httpx.AsyncClient,
                                               staff_headers: dict[str, str]) -> None:
    _uscc, owner = await enterprise(client, staff_headers)
    item = await product(client, owner, name="制动钳总成", model="ZQ-1", main=True)
    patched = await client.patch(f"/api/products/{item}", headers=owner,
                                 json={"category": "制动系统"})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["name"], body["model"], body["category"], body["main"]) == (
        "制动钳总成", "ZQ-1", "制动系统", True)  # main stays: the adoption rate is unchanged

    assert (await client.patch(f"/api/products/{item}", headers=owner,
                               json={"main": False})).json()["main"] is False
    null = await client.patch(f"/api/products/{item}", headers=owner, json={"name": None})
    assert null.status_code == 422 and null.json()["field"] == "name"
    typo = await client.patch(f"/api/products/{item}", headers=owner, json={"mian": True})
    assert typo.status_code == 400 and "mian" in typo.text
    other = await product(client, owner, name="制动盘", model="P-1")
    clash = await client.patch(f"/api/products/{other}", headers=owner,
                               json={"name": "制动钳总成", "model": "ZQ-1"})
    assert clash.status_code == 409 and clash.json()["existing_id"] == item

    # PUT stays a full replace, as documented: what it leaves out takes its default
    replaced = await client.put(f"/api/products/{item}", headers=owner,
                                json={"name": "制动钳总成", "model": "ZQ-1", "main": True})
    assert (replaced.json()["category"], replaced.json()["main"]) == ("", True)
    schema = (await client.get("/schema/openapi.json")).json()
    put_doc = schema["paths"]["/api/products/{product_id}"]["put"]["description"]
    assert "full replace" in put_doc and "PATCH" in put_doc


# ------------------------------------------------------------------------------------------
# Declaring by any spelling: suggestions, the check, confirmation
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["gbt 19001", "ＧＢ／Ｔ１９００１", "GB/T19001", "gb/t 1900"])
async def test_suggestions_for_messy_spellings(client: httpx.AsyncClient,
                                               staff_headers: dict[str, str],
                                               settings: Settings, typed: str) -> None:
    await catalogue_indexed(client, staff_headers, settings)
    done = await client.get("/api/standards/suggest", params={"q": typed})
    assert done.status_code == 200, done.text
    found = {(item["code"], item["status"]) for item in done.json()["items"]}
    assert {("GB/T 19001-2016", "current"), ("GB/T 19001-2008", "withdrawn")} <= found
    assert all(item["title_zh"] == "质量管理体系 要求" for item in done.json()["items"])


async def test_suggestions_by_title_words_and_the_exact_code_first(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings) -> None:
    await catalogue_indexed(client, staff_headers, settings)
    words = (await client.get("/api/standards/suggest", params={"q": "电动自行车"})).json()
    assert [item["code"] for item in words["items"]] == ["GB/T 30001-2019"]
    exact = (await client.get("/api/standards/suggest",
                              params={"q": "gb/t 19001—2008", "limit": 1})).json()
    assert exact["code"] == "GB/T 19001-2008"
    assert [item["code"] for item in exact["items"]] == ["GB/T 19001-2008"]
    assert (await client.get("/api/standards/suggest", params={"q": ""})).json()["items"] == []


async def test_a_withdrawn_choice_is_warned_about_before_saving(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", CATALOGUE)
    _uscc, owner = await enterprise(client, staff_headers)
    item = await product(client, owner)

    check = (await client.get("/api/declarations/check",
                              params={"code": "ＧＢ／Ｔ　１９００１－２００８"})).json()
    assert (check["code"], check["resolved"], check["needs_confirmation"]) == (
        "GB/T 19001-2008", True, True)
    assert check["standard"]["status"] == "withdrawn"
    assert check["standard"]["withdrawn_on"] == "2017-07-01"
    assert check["successors"] == ["GB/T 19001-2016"]
    assert [w["kind"] for w in check["warnings"]] == ["standard_withdrawn"]
    assert "GB/T 19001-2016" in check["warnings"][0]["message"]

    refused = await client.post("/api/declarations", headers=owner,
                                json={"product_id": item, "code": "gbt 19001-2008"})
    assert refused.status_code == 409
    assert refused.json()["check"]["successors"] == ["GB/T 19001-2016"]
    assert (await client.get("/api/declarations", params={"product": item})).json()["total"] == 0
    confirmed = await declare(client, owner, item, "gbt 19001-2008", confirm=True)
    assert confirmed["declaration"]["alert"] == "standard_withdrawn"

    fine = (await client.get("/api/declarations/check", params={"code": "gbt 19001"})).json()
    assert (fine["code"], fine["undated"], fine["standard"]["code"], fine["warnings"]) == (
        "GB/T 19001", True, "GB/T 19001-2016", [])
    unknown = (await client.get("/api/declarations/check",
                                params={"code": "QC/T 1082-2017"})).json()
    assert unknown["resolved"] is False and unknown["needs_confirmation"] is False
    assert [w["kind"] for w in unknown["warnings"]] == ["unresolved_code"]
    bad = await client.get("/api/declarations/check", params={"code": "XYZ 12"})
    assert bad.status_code == 422 and bad.json()["value"] == "XYZ 12"


# ------------------------------------------------------------------------------------------
# Enterprise standards with indicators
# ------------------------------------------------------------------------------------------

INDICATORS = [
    {"kind": "功能", "name": "驻车制动", "value": "具备", "unit": "", "test_method": "目视检查"},
    {"kind": "performance", "name": "制动力矩", "value": "≥ 1200", "unit": "N·m",
     "test_method": "QC/T 592-2013 5.3"},
    {"kind": "安全指标", "name": "耐热衰退", "value": "≤ 15", "unit": "%",
     "test_method": "GB/T 13594-2003"},
]


async def test_an_enterprise_standard_enters_the_catalogue_owned_by_its_enterprise(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings) -> None:
    await catalogue_indexed(client, staff_headers, settings)  # the save indexes its standard
    uscc, owner = await enterprise(client, staff_headers)
    other_uscc, other = await enterprise(client, staff_headers, region="320102",
                                         name="南京汽车配件厂")
    item = await product(client, owner)
    waiting = await declare(client, owner, item, "q/ccyq 001")  # undated, not known yet
    assert waiting["declaration"]["resolved"] is False

    created = await client.post("/api/enterprises/me/standards", headers=owner, json={
        "code": "Ｑ／ＣＣＹＱ　００１—２０２４", "title_zh": "盘式制动器总成",
        "published_on": "2024-03-01", "implemented_on": "2024-04-01", "indicators": INDICATORS})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["code"], body["owner_uscc"], body["status"]) == ("Q/CCYQ 001-2024", uscc,
                                                                  "current")
    assert [(i["kind"], i["name"], i["value"], i["unit"]) for i in body["indicators"]] == [
        ("functional", "驻车制动", "具备", ""), ("performance", "制动力矩", "≥ 1200", "N·m"),
        ("safety", "耐热衰退", "≤ 15", "%")]

    catalogue = (await client.get("/api/standards", params={"code": "q/ccyq 001-2024"})).json()
    [row] = catalogue["items"]
    assert (row["level"], row["title_zh"]) == ("enterprise", "盘式制动器总成")
    detail = (await client.get(f"/api/standards/{body['id']}")).json()
    assert detail["owner_uscc"] == uscc
    suggested = (await client.get("/api/standards/suggest", params={"q": "q/ccyq 001"})).json()
    assert [i["code"] for i in suggested["items"]] == ["Q/CCYQ 001-2024"]
    # the declaration that was waiting for it resolves, and its alert clears
    now = (await client.get(f"/api/declarations/{waiting['declaration']['id']}")).json()
    assert now["standard"]["code"] == "Q/CCYQ 001-2024" and now["alert"] is None
    assert (await client.get("/api/alerts", headers=owner)).json()["total"] == 0

    # another enterprise can neither take the code nor change the standard
    taken = await client.post("/api/enterprises/me/standards", headers=other, json={
        "code": "Q/CCYQ 001-2024", "title_zh": "别人的标准", "indicators": []})
    assert taken.status_code == 403 and uscc in taken.json()["detail"]
    changed = await client.put(f"/api/enterprise-standards/{body['id']}", headers=other,
                               json={"title_zh": "改掉", "indicators": []})
    assert changed.status_code == 403
    assert (await client.post(f"/api/enterprises/{uscc}/standards", headers=other, json={
        "code": "Q/NJQP 001-2024", "title_zh": "x"})).status_code == 403
    public = (await client.get(f"/api/enterprise-standards/{body['id']}")).json()
    assert (public["title_zh"], len(public["indicators"])) == ("盘式制动器总成", 3)
    assert other_uscc != uscc

    # the owner changes it: title and indicators replaced, the old indicators kept retired
    revised = await client.put(f"/api/enterprise-standards/{body['id']}", headers=owner, json={
        "title_zh": "盘式制动器总成技术条件", "indicators": INDICATORS[1:2]})
    assert revised.status_code == 200, revised.text
    assert [i["name"] for i in revised.json()["indicators"]] == ["制动力矩"]
    assert revised.json()["implemented_on"] == "2024-04-01"
    history = (await client.get(f"/api/standards/{body['id']}")).json()
    assert history["title_zh"] == "盘式制动器总成技术条件"
    from adoption.tables import StandardIndicator

    kept = await StandardIndicator.count().where(StandardIndicator.standard == body["id"])
    assert kept == 4  # three retired, one current
    mine = (await client.get("/api/enterprises/me/standards", headers=owner)).json()
    assert [s["code"] for s in mine] == ["Q/CCYQ 001-2024"]
    staff_view = await client.get(f"/api/enterprises/{other_uscc}/standards",
                                  headers=staff_headers)
    assert staff_view.json() == []


@pytest.mark.parametrize(("body", "field", "value"), [
    ({"code": "GB/T 19001-2016"}, "code", "GB/T 19001-2016"),
    ({"code": "Q/CCYQ 002"}, "code", "Q/CCYQ 002"),
    ({"title_zh": "  "}, "title_zh", "  "),
    ({"indicators": [{"kind": "外观", "name": "颜色"}]}, "indicators[0].kind", "外观"),
    ({"indicators": [{"kind": "性能", "name": ""}]}, "indicators[0].name", ""),
    ({"implemented_on": "2024-01-01", "published_on": "2024-02-01"}, "implemented_on",
     "2024-01-01"),
])
async def test_enterprise_standard_fields_are_checked(
        client: httpx.AsyncClient, staff_headers: dict[str, str], body: dict, field: str,
        value: str) -> None:
    _uscc, owner = await enterprise(client, staff_headers)
    done = await client.post("/api/enterprises/me/standards", headers=owner, json={
        "code": "Q/CCYQ 002-2024", "title_zh": "制动盘", **body})
    assert done.status_code == 422, done.text
    assert (done.json()["field"], done.json()["value"]) == (field, value)


async def test_an_imported_enterprise_standard_cannot_be_claimed(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "q.csv", [
        "标准号,标准名称,发布日期", "Q/CCYQ 003-2020,制动鼓,2020-01-01"])
    _uscc, owner = await enterprise(client, staff_headers)
    done = await client.post("/api/enterprises/me/standards", headers=owner, json={
        "code": "Q/CCYQ 003-2020", "title_zh": "制动鼓"})
    assert done.status_code == 403 and "catalogue import" in done.json()["detail"]


# ------------------------------------------------------------------------------------------
# History, the inbox and re-declaring
# ------------------------------------------------------------------------------------------


async def test_inbox_redeclare_and_history(client: httpx.AsyncClient,
                                           staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "2008.csv", [
        CATALOGUE[0], "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,,"])
    _uscc, owner = await enterprise(client, staff_headers)
    _other_uscc, other = await enterprise(client, staff_headers, region="320102")
    bike = await product(client, owner, name="电动自行车", model="TDR")
    old = (await declare(client, owner, bike, "GB/T 30001-2008"))["declaration"]
    await upload_catalogue(client, staff_headers, "2019.csv", [
        CATALOGUE[0], CATALOGUE[3],
        "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,2019-10-01,"])

    inbox = (await client.get("/api/alerts/inbox", headers=owner)).json()
    [item] = inbox["items"]
    assert (item["kind"], item["code"], item["replaced_on"], item["redeclare_code"]) == (
        "standard_withdrawn", "GB/T 30001-2008", "2019-10-01", "GB/T 30001-2019")
    assert [(c["code"], c["status"], c["effective_on"]) for c in item["choices"]] == [
        ("GB/T 30001-2019", "current", "2019-10-01")]
    assert (await client.get("/api/alerts/inbox", headers=other)).json()["items"] == []
    assert (await client.post(f"/api/alerts/{item['id']}/redeclare",
                              headers=other)).status_code == 404
    wrong = await client.post(f"/api/alerts/{item['id']}/redeclare", headers=owner,
                              json={"code": "GB/T 19001-2016"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "code"

    done = await client.post(f"/api/alerts/{item['id']}/redeclare", headers=owner)
    assert done.status_code == 201, done.text
    new = done.json()["declaration"]
    assert (new["code"], new["product_id"], new["alert"]) == ("GB/T 30001-2019", bike, None)
    assert [d["id"] for d in done.json()["superseded"]] == [old["id"]]
    assert (await client.get("/api/alerts/inbox", headers=owner)).json()["total"] == 0
    again = await client.post(f"/api/alerts/{item['id']}/redeclare", headers=owner)
    assert again.status_code == 409 and "cleared" in again.json()["detail"]

    history = (await client.get(f"/api/declarations/{old['id']}/history",
                                headers=owner)).json()
    assert [e["event"] for e in history["events"]] == [
        "declared", "alert_raised", "alert_cleared", "superseded"]
    assert history["events"][1]["alert"] == "standard_withdrawn"
    assert history["events"][-1]["related_declaration"] == new["id"]
    assert history["source"] == "api"
    newer = (await client.get(f"/api/declarations/{new['id']}/history",
                              headers=owner)).json()
    assert [e["event"] for e in newer["events"]] == ["declared"]
    assert f"#{old['id']} GB/T 30001-2008" in newer["events"][0]["detail"]
    assert (await client.get(f"/api/declarations/{old['id']}/history",
                             headers=other)).status_code == 404
    assert (await client.get(f"/api/declarations/{old['id']}/history",
                             headers=staff_headers)).status_code == 200


async def test_redeclare_when_the_product_already_declares_the_successor(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", [
        CATALOGUE[0],
        "GB/T 40001-2019,电动车用控制器,2019-03-01,2019-10-01,,GB/T 30001-2008",
        "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,2019-10-01,"])
    _uscc, owner = await enterprise(client, staff_headers)
    item = await product(client, owner)
    successor = (await declare(client, owner, item, "GB/T 40001-2019"))["declaration"]
    old = (await declare(client, owner, item, "GB/T 30001-2008", confirm=True))["declaration"]
    [alert] = (await client.get("/api/alerts/inbox", headers=owner)).json()["items"]
    assert (alert["declaration_id"], alert["redeclare_code"]) == (old["id"], "GB/T 40001-2019")
    done = await client.post(f"/api/alerts/{alert['id']}/redeclare", headers=owner,
                             json={"code": "gbt 40001-2019"})
    assert done.status_code == 201, done.text
    assert done.json()["declaration"]["id"] == successor["id"]
    assert [d["id"] for d in done.json()["superseded"]] == [old["id"]]
    active = (await client.get("/api/declarations", params={"product": item})).json()
    assert [d["id"] for d in active["items"]] == [successor["id"]]
    assert (await client.get("/api/alerts/inbox", headers=owner)).json()["total"] == 0


# ------------------------------------------------------------------------------------------
# Bulk files: template, preview with every problem, commit
# ------------------------------------------------------------------------------------------


async def test_the_template_has_the_headers_the_import_expects(
        client: httpx.AsyncClient) -> None:
    xlsx = await client.get("/api/declarations/template")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["自我声明", "填写说明"]
    header = [cell.value for cell in book["自我声明"][1]]
    assert header == [labels[0] for labels in HEADERS.values()]
    assert header[:2] == ["统一社会信用代码", "企业名称"]
    csv = await client.get("/api/declarations/template", params={"format": "csv"})
    assert csv.content.decode("utf-8-sig").strip() == ",".join(header)


async def test_a_filled_template_previews_clean_and_commits(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", CATALOGUE)
    uscc, owner = await enterprise(client, staff_headers)
    book = openpyxl.load_workbook(io.BytesIO(
        (await client.get("/api/declarations/template")).content))
    sheet = book["自我声明"]
    sheet.append([uscc, "长春一汽零部件有限公司", "220102", "", "汽车", "制动钳总成", "ZQ-1",
                  "零部件", "是", "gbt 19001-2016", "2024-05-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = await client.post("/api/declarations/imports/previews", headers=owner,
                                files={"files": ("模板.xlsx", buffer.getvalue(),
                                                 "application/octet-stream")})
    assert preview.status_code == 201, preview.text
    assert (preview.json()["rows"], preview.json()["problems"], preview.json()["created"]) == (
        1, [], 1)
    done = await client.post(
        f"/api/declarations/imports/previews/{preview.json()['preview_id']}/commit",
        headers=owner)
    assert done.status_code == 201 and done.json()["created"] == 1


async def test_preview_lists_every_problem_and_saves_nothing(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", CATALOGUE)
    uscc, owner = await enterprise(client, staff_headers)
    stranger = new_uscc("320102")
    rows = [
        f"{uscc},长春一汽零部件有限公司,220102,,,制动钳总成,ZQ-1,,是,GB/T 19001-2016,2024-05-01",
        f"{uscc},,,,航天,转向节,Z-1,,也许,XYZ 12;GB/T 19001-2016,2024-13-01",
        f"{mutated(uscc)},,,,,刹车片,B-1,,否,GB/T 19001-2016,",
        f"{stranger},南京汽车配件厂,320102,,,滤清器,L-1,,,GB/T 19001-2016,",
        f"{uscc},,,,,制动盘,P-1,,,GB/T 19001-2008;QC/T 1082-2017,",
    ]
    preview = await client.post("/api/declarations/imports/previews", headers=owner,
                                files={"files": ("声明.csv", declarations_csv(rows),
                                                 "text/csv")})
    assert preview.status_code == 201, preview.text
    body = preview.json()
    assert (body["rows"], body["rejected_rows"], body["created"]) == (5, 3, 2)
    found = [(p["row"], p["column"], p["value"], p["severity"]) for p in body["problems"]]
    assert found == [
        (3, "重点领域", "航天", "error"),
        (3, "主要产品", "也许", "error"),
        (3, "执行标准", "XYZ 12", "error"),
        (3, "公开日期", "2024-13-01", "error"),
        (4, "统一社会信用代码", mutated(uscc), "error"),
        (5, "统一社会信用代码", stranger, "error"),
        (6, "执行标准", "GB/T 19001-2008", "warning"),
        (6, "执行标准", "QC/T 1082-2017", "warning"),
    ]
    reasons = {(p["row"], p["value"]): p["reason"] for p in body["problems"]}
    kinds = {(p["row"], p["value"]): p["problem"] for p in body["problems"]}
    assert "not your enterprise" in reasons[(5, stranger)]
    assert (kinds[(5, stranger)], kinds[(3, "航天")]) == ("other_enterprise", "invalid")
    assert kinds[(6, "GB/T 19001-2008")] == "standard_withdrawn"
    assert kinds[(6, "QC/T 1082-2017")] == "unresolved_code"
    assert "GB/T 19001-2016" in reasons[(6, "GB/T 19001-2008")]
    assert body["problems"][0]["file"] == "声明.csv"
    # nothing was saved
    assert (await client.get("/api/enterprises/me/products", headers=owner)).json()["total"] == 0
    assert (await client.get("/api/declarations/imports", headers=staff_headers)
            ).json()["items"] == []

    other_uscc, other = await enterprise(client, staff_headers, region="320102")
    token = body["preview_id"]
    assert (await client.post(f"/api/declarations/imports/previews/{token}/commit",
                              headers=other)).status_code == 404
    done = await client.post(f"/api/declarations/imports/previews/{token}/commit",
                             headers=owner)
    assert done.status_code == 201, done.text
    report = done.json()
    assert (report["created"], len(report["rejected"]), report["dry_run"]) == (2, 3, False)
    products = (await client.get("/api/enterprises/me/products", headers=owner)).json()
    assert sorted(p["name"] for p in products["items"]) == ["制动盘", "制动钳总成"]
    twice = await client.post(f"/api/declarations/imports/previews/{token}/commit",
                              headers=owner)
    assert twice.status_code == 409 and str(report["batch_id"]) in twice.json()["detail"]
    assert other_uscc and (await client.get(
        "/api/declarations", params={"uscc": stranger})).json()["total"] == 0


async def test_a_new_enterprise_row_without_its_name_names_the_columns(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    stranger = new_uscc("220102")
    preview = await client.post(
        "/api/declarations/imports/previews", headers=staff_headers,
        files={"files": ("d.csv", declarations_csv([f"{stranger},,,,,滤清器,L-1,,,,"]),
                         "text/csv")})
    assert preview.status_code == 201, preview.text
    assert [(p["row"], p["column"], p["severity"], p["problem"])
            for p in preview.json()["problems"]] == [
        (2, "企业名称", "error", "required_for_new_enterprise"),
        (2, "行政区划代码", "error", "required_for_new_enterprise")]
    unreadable = await client.post("/api/declarations/imports/previews", headers=staff_headers,
                                   files={"files": ("x.csv", b"a,b\n1,2\n", "text/csv")})
    assert unreadable.status_code == 400 and "统一社会信用代码" in unreadable.json()["detail"]
    missing = await client.post("/api/declarations/imports/previews/nope/commit",
                                headers=staff_headers)
    assert missing.status_code == 404


# ------------------------------------------------------------------------------------------
# Public data, search and QR codes
# ------------------------------------------------------------------------------------------


async def test_public_enterprise_data_and_declaration_search(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", CATALOGUE)
    uscc, owner = await enterprise(client, staff_headers, name="长春一汽零部件有限公司")
    other_uscc, other = await enterprise(client, staff_headers, region="320102",
                                         name="南京汽车配件厂")
    brake = await product(client, owner, name="制动钳总成", model="ZQ-1")
    await declare(client, owner, brake, "GB/T 19001-2008", confirm=True)
    gone = await product(client, owner, name="旧产品", model="X-1")
    await declare(client, owner, gone, "GB/T 19001-2016")
    await client.delete(f"/api/products/{gone}", headers=owner)
    filter_ = await product(client, other, name="滤清器 100%", model="L_1")
    await declare(client, other, filter_, "gbt 19001")
    await client.post("/api/enterprises/me/standards", headers=owner, json={
        "code": "Q/CCYQ 001-2024", "title_zh": "盘式制动器总成", "indicators": INDICATORS})

    public = await client.get(f"/api/enterprises/{uscc.lower()}/public")
    assert public.status_code == 200, public.text
    body = public.json()
    assert (body["name"], body["region_name"], body["products_total"]) == (
        "长春一汽零部件有限公司", "吉林省 长春市 南关区", 1)
    [shown] = body["products"]
    assert shown["name"] == "制动钳总成"
    assert [(d["code"], d["standard"]["status"]) for d in shown["declarations"]] == [
        ("GB/T 19001-2008", "withdrawn")]
    assert [(s["code"], len(s["indicators"])) for s in body["standards"]] == [
        ("Q/CCYQ 001-2024", 3)]
    assert (await client.get(f"/api/enterprises/{new_uscc()}/public")).status_code == 404
    bad = await client.get(f"/api/enterprises/{mutated(uscc)}/public")
    assert bad.status_code == 422 and bad.json()["field"] == "uscc"

    async def search(q: str, by: str = "all") -> list[tuple[str, str]]:
        done = await client.get("/api/declarations/search", params={"q": q, "by": by})
        assert done.status_code == 200, done.text
        return sorted((d["product_name"], d["code"]) for d in done.json()["items"])

    assert await search("一汽") == [("制动钳总成", "GB/T 19001-2008")]
    assert await search(other_uscc.lower(), "enterprise") == [("滤清器 100%", "GB/T 19001")]
    assert await search("制动钳", "product") == [("制动钳总成", "GB/T 19001-2008")]
    assert await search("ＧＢ／Ｔ　１９００１", "standard") == [
        ("制动钳总成", "GB/T 19001-2008"), ("滤清器 100%", "GB/T 19001")]
    assert await search("gb/t 19001-2008", "standard") == [("制动钳总成", "GB/T 19001-2008")]
    assert await search("质量管理", "standard") == [
        ("制动钳总成", "GB/T 19001-2008"), ("滤清器 100%", "GB/T 19001")]
    assert await search("100%") == [("滤清器 100%", "GB/T 19001")]
    assert await search("l_1", "product") == [("滤清器 100%", "GB/T 19001")]
    assert await search("%") == [("滤清器 100%", "GB/T 19001")]  # % is a character, not "all"
    assert await search("一汽", "product") == []
    assert await search("   ") == []


def _decode(png: bytes) -> str:
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(found.text)


async def test_qr_codes_encode_the_public_page_address(
        client: httpx.AsyncClient, staff_headers: dict[str, str], settings: Settings,
        engine: Engine) -> None:
    uscc, _owner = await enterprise(client, staff_headers)
    png = await client.get(f"/enterprises/{uscc.lower()}/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert _decode(png.content) == f"http://testserver/enterprises/{uscc}"
    svg = await client.get(f"/enterprises/{uscc}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and f"/enterprises/{uscc}" in svg.text
    assert (await client.get(f"/enterprises/{new_uscc()}/qr.png")).status_code == 404

    # behind a proxy the page's address is the configured public one
    public_app: Litestar = create_app(
        dataclasses.replace(settings, public_url="https://bz.example.gov.cn/jl"), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=public_app),
                                 base_url="http://10.0.0.5:8000") as internal:
        behind = await internal.get(f"/enterprises/{uscc}/qr.png")
    assert _decode(behind.content) == f"https://bz.example.gov.cn/jl/enterprises/{uscc}"


# ------------------------------------------------------------------------------------------
# Who may read the new routes
# ------------------------------------------------------------------------------------------


async def test_read_routes_by_role(client: httpx.AsyncClient, staff_headers: dict[str, str],
                                   app: Litestar) -> None:
    await upload_catalogue(client, staff_headers, "c.csv", CATALOGUE)
    uscc, owner = await enterprise(client, staff_headers)
    _other_uscc, other = await enterprise(client, staff_headers, region="320102")
    leader = await account(client, staff_headers, "leader")
    item = await product(client, owner)
    declared = (await declare(client, owner, item, "GB/T 19001-2008", confirm=True))
    declaration_id = declared["declaration"]["id"]
    standard = (await client.post("/api/enterprises/me/standards", headers=owner, json={
        "code": "Q/CCYQ 001-2024", "title_zh": "盘式制动器总成"})).json()

    public = [
        "/api/standards/suggest?q=gbt", "/api/declarations/check?code=gbt%2019001",
        "/api/declarations/search?q=gb", "/api/declarations/template",
        f"/api/enterprise-standards/{standard['id']}", f"/api/enterprises/{uscc}/public",
        f"/enterprises/{uscc}/qr.svg", f"/enterprises/{uscc}/qr.png",
    ]
    for path in public:
        assert (await client.get(path)).status_code == 200, path
    own = {  # path -> what another enterprise gets
        f"/api/declarations/{declaration_id}/history": 404,
        "/api/alerts/inbox": 200,  # its own (empty) inbox
        f"/api/enterprises/{uscc}/standards": 403,
    }
    for path, for_other in own.items():
        assert (await client.get(path)).status_code == 401, path
        assert (await client.get(path, headers=owner)).status_code == 200, path
        assert (await client.get(path, headers=other)).status_code == for_other, path
        assert (await client.get(path, headers=leader)).status_code == 200, path
        assert (await client.get(path, headers=staff_headers)).status_code == 200, path
    theirs = (await client.get("/api/alerts/inbox", headers=other)).json()
    assert theirs["items"] == [] and dt.date.today()

    new_reads = {route.path for route in app.routes for handler in route.route_handlers
                 if "GET" in getattr(handler, "http_methods", ())
                 and any(part in route.path for part in (
                     "/suggest", "/check", "/search", "/template", "/history", "/inbox",
                     "/public", "/qr.", "enterprise-standards", "/standards"))
                 and route.path.startswith(("/api/declarations", "/api/alerts", "/api/enterp",
                                            "/enterprises", "/api/standards/suggest"))}
    assert new_reads == {
        "/api/standards/suggest", "/api/declarations/check", "/api/declarations/search",
        "/api/declarations/template", "/api/declarations/{declaration_id:int}/history",
        "/api/alerts/inbox", "/api/enterprises/{uscc:str}/standards",
        "/api/enterprise-standards/{standard_id:int}", "/api/enterprises/{uscc:str}/public",
        "/enterprises/{uscc:str}/qr.svg", "/enterprises/{uscc:str}/qr.png"}
