"""Alerts end to end over HTTP: a declared standard is replaced, withdrawn, not yet in force or
unknown; the enterprise re-declares; the alert clears. Enterprises see their own only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx
import pytest

from tests.adoption.helpers import account, declare, enterprise, product, upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

HEADER = "标准号,标准名称,发布日期,实施日期,废止日期,代替标准"
EDITION_2008 = "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,,"


async def open_alerts(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list:
    done = await client.get("/api/alerts", headers=headers, params=params)
    assert done.status_code == 200, done.text
    return done.json()["items"]


async def test_alert_lifecycle_replaced_standard(client: httpx.AsyncClient,
                                                 staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "2008.csv", [HEADER, EDITION_2008])
    uscc, owner = await enterprise(client, staff_headers)
    bike = await product(client, owner, name="电动自行车", model="TDR-2008")
    first = await declare(client, owner, bike, "GBT30001-2008")
    assert first["declaration"]["resolved"] and first["declaration"]["alert"] is None
    assert first["declaration"]["standard"]["status"] == "current"
    assert await open_alerts(client, owner) == []

    # the catalogue now says the 2019 edition replaces it, and the 2008 one was withdrawn
    report = await upload_catalogue(client, staff_headers, "2019.csv", [
        HEADER,
        "GB/T 30001-2019,电动自行车 通用技术条件,2019-03-01,2019-10-01,,GB/T 30001-2008",
        "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,2019-10-01,",
    ])
    assert report["created"] == 1 and report["updated"] == 1
    alerts = await open_alerts(client, owner)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["kind"] == "standard_withdrawn"
    assert (alert["code"], alert["successors"]) == ("GB/T 30001-2008", ["GB/T 30001-2019"])
    assert alert["declaration_id"] == first["declaration"]["id"] and alert["uscc"] == uscc
    assert alert["message"].startswith("GB/T 30001-2008 已废止，已被 GB/T 30001-2019 代替")
    declared = (await client.get(f"/api/declarations/{alert['declaration_id']}")).json()
    assert declared["alert"] == "standard_withdrawn"
    assert declared["standard"]["status"] == "withdrawn"

    # the enterprise re-declares to the new edition: the old declaration is superseded
    again = await declare(client, owner, bike, "GB/T 30001—2019")
    assert [d["id"] for d in again["superseded"]] == [first["declaration"]["id"]]
    assert again["declaration"]["alert"] is None
    assert await open_alerts(client, owner) == []
    cleared = await open_alerts(client, owner, status="cleared")
    assert [a["id"] for a in cleared] == [alert["id"]] and cleared[0]["cleared_at"]
    history = (await client.get(f"/api/products/{bike}/declarations")).json()["items"]
    assert [(d["code"], d["active"]) for d in history] == [
        ("GB/T 30001-2008", False), ("GB/T 30001-2019", True)]
    assert "superseded" in history[0]["withdrawn_reason"]


async def test_a_successor_in_force_alerts_without_a_withdrawal_date(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "2008.csv", [HEADER, EDITION_2008])
    _uscc, owner = await enterprise(client, staff_headers)
    declared = await declare(client, owner, await product(client, owner), "GB/T 30001-2008")
    await upload_catalogue(client, staff_headers, "2019.csv", [
        HEADER, "GB/T 30001-2019,电动自行车 通用技术条件,2019-03-01,2019-10-01,,GB/T 30001-2008"])
    [alert] = await open_alerts(client, owner)
    assert (alert["kind"], alert["successors"]) == ("standard_replaced", ["GB/T 30001-2019"])
    # withdrawing the declaration clears the alert too
    gone = await client.delete(f"/api/declarations/{declared['declaration']['id']}",
                               headers=owner)
    assert gone.status_code == 200 and gone.json()["active"] is False
    assert await open_alerts(client, owner) == []


async def test_unresolved_codes_resolve_after_a_later_import(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    _uscc, owner = await enterprise(client, staff_headers)
    item = await product(client, owner)
    declared = await declare(client, owner, item, "ＱＣ／Ｔ　１０８２－２０１７")
    assert declared["declaration"]["resolved"] is False
    assert declared["declaration"]["code"] == "QC/T 1082-2017"
    [alert] = await open_alerts(client, owner)
    assert alert["kind"] == "unresolved_code" and alert["standard_id"] is None
    await upload_catalogue(client, staff_headers, "qc.csv", [
        HEADER, "QC/T 1082-2017,汽车用电动真空泵,2017-11-07,2018-04-01,,"])
    assert await open_alerts(client, owner) == []
    now = (await client.get(f"/api/declarations/{declared['declaration']['id']}")).json()
    assert now["resolved"] and now["standard"]["code"] == "QC/T 1082-2017"


async def test_undated_codes_follow_the_edition_in_force(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "2008.csv", [HEADER, EDITION_2008])
    _uscc, owner = await enterprise(client, staff_headers)
    declared = await declare(client, owner, await product(client, owner), "GB/T 30001")
    assert declared["declaration"]["standard"]["code"] == "GB/T 30001-2008"
    await upload_catalogue(client, staff_headers, "2019.csv", [
        HEADER,
        "GB/T 30001-2019,电动自行车 通用技术条件,2019-03-01,2019-10-01,,GB/T 30001-2008",
        "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,2019-10-01,"])
    now = (await client.get(f"/api/declarations/{declared['declaration']['id']}")).json()
    assert now["standard"]["code"] == "GB/T 30001-2019" and now["alert"] is None
    assert await open_alerts(client, owner) == []


async def test_a_standard_not_yet_in_force(client: httpx.AsyncClient,
                                           staff_headers: dict[str, str]) -> None:
    today = dt.date.today()
    starts = today + dt.timedelta(days=200)
    code = f"GB 44001-{today.year}"
    await upload_catalogue(client, staff_headers, "future.csv", [
        HEADER, f"{code},电动自行车安全技术规范,{today},{starts},,"])
    _uscc, owner = await enterprise(client, staff_headers)
    item = await product(client, owner)
    unconfirmed = await client.post("/api/declarations", headers=owner,
                                    json={"product_id": item, "code": code})
    assert unconfirmed.status_code == 409, unconfirmed.text
    assert [w["kind"] for w in unconfirmed.json()["warnings"]] == ["standard_not_yet_implemented"]
    assert (await client.get("/api/declarations", params={"product": item})).json()["total"] == 0
    await declare(client, owner, item, code, confirm=True)
    [alert] = await open_alerts(client, owner)
    assert alert["kind"] == "standard_not_yet_implemented"
    assert alert["effective_on"] == starts.isoformat() and str(starts) in alert["message"]


async def test_enterprises_see_their_own_alerts_and_staff_see_all_as_csv(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    first, first_headers = await enterprise(client, staff_headers, name="=HYPERLINK(\"x\")")
    second, second_headers = await enterprise(client, staff_headers, region="320102",
                                              name="南京汽车配件厂")
    await declare(client, first_headers, await product(client, first_headers), "GB/T 1-2020")
    await declare(client, second_headers,
                  await product(client, second_headers, name="+滤清器", model="-1"),
                  "GB/T 2-2020")
    mine = await open_alerts(client, first_headers, uscc=second)  # asking for another's: own
    assert [a["uscc"] for a in mine] == [first]
    everything = await open_alerts(client, staff_headers)
    assert {a["uscc"] for a in everything} == {first, second}
    assert [a["uscc"] for a in await open_alerts(client, staff_headers, uscc=second)] == [second]
    assert [a["uscc"] for a in await open_alerts(client, staff_headers, region="32")] == [second]
    leader = await account(client, staff_headers, "leader")
    assert len(await open_alerts(client, leader)) == 2
    assert (await client.get("/api/alerts")).status_code == 401

    exported = await client.get("/api/alerts/export", headers=staff_headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    text = exported.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert {row["uscc"] for row in rows} == {first, second}
    names = {row["enterprise_name"] for row in rows}
    assert names == {"'=HYPERLINK(\"x\")", "南京汽车配件厂"}
    products = {(row["product_name"], row["product_model"]) for row in rows}
    assert ("'+滤清器", "'-1") in products
    own = await client.get("/api/alerts/export", headers=second_headers)
    assert {row["uscc"] for row in csv.DictReader(io.StringIO(own.text.lstrip("\ufeff")))} == {
        second}
