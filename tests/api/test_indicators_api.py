"""Indicators over HTTP and the CLI: roles, the docs/json.md shape, the drill-down and its CSV
(formula cells neutralised), the trend, the body list, and facts that follow a catalogue
import. Numbers come from the hand-built dataset of tests/adoption/indicator_data.py."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from standards.settings import Settings
from tests.adoption.helpers import account, upload_catalogue
from tests.adoption.indicator_data import T1, build, enterprise, product

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

REPORT_KEYS = {"indicator", "as_of", "rules", "numerator", "denominator", "rate", "groups",
               "not_counted"}


async def test_roles(client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await build()
    leader = await account(client, staff_headers, "leader")
    uscc = await enterprise("220102", "某企业有限公司", ())
    owner = await account(client, staff_headers, "enterprise", uscc)
    for path in ("/api/indicators/coverage", "/api/indicators/adoption/not-counted",
                 "/api/indicators/coverage/not-counted/export",
                 "/api/indicators/coverage/series?dates=2021-06-30",
                 "/api/indicators/foreign-bodies"):
        assert (await client.get(path)).status_code == 401, path
        assert (await client.get(path, headers=owner)).status_code == 403, path
        assert (await client.get(path, headers=leader)).status_code == 200, path
        assert (await client.get(path, headers=staff_headers)).status_code == 200, path
    added = await client.post("/api/indicators/foreign-bodies", headers=leader,
                              json={"body": "ETSI"})
    assert added.status_code == 403


async def test_report_shape_and_numbers(client: httpx.AsyncClient,
                                        staff_headers: dict[str, str]) -> None:
    await build()
    done = await client.get("/api/indicators/coverage", headers=staff_headers,
                            params={"group_by": "city", "region": "220000"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert REPORT_KEYS <= set(body)
    # Jilin (22): P1..P8; covered P1, P6, P7, P8 (see indicator_data.build)
    assert (body["indicator"], body["numerator"], body["denominator"]) == ("coverage", 4, 8)
    assert body["rate"] == 0.5
    assert body["rules"]["count_neq"] is False and body["rules"]["count_eqv"] is False
    assert [(g["key"], g["label"], g["numerator"], g["denominator"], g["rate"])
            for g in body["groups"]] == [("220100", "长春市", 1, 4, 0.25),
                                         ("220200", "吉林市", 3, 4, 0.75)]
    assert set(body["groups"][0]) >= {"key", "label", "numerator", "denominator", "rate"}
    assert body["not_counted"] == {"no_standard": 1, "standard_withdrawn": 1,
                                   "standard_not_yet_implemented": 1, "unresolved_code": 1}
    neq = (await client.get("/api/indicators/adoption", headers=staff_headers,
                            params={"count_neq": "true", "count_foreign": "false"})).json()
    # main products 8; adopting P1, P9, and P6 by NEQ; not P7 (foreign) = 3
    assert (neq["numerator"], neq["denominator"]) == (3, 8)
    assert neq["rules"]["count_neq"] is True and neq["rules"]["count_foreign"] is False
    past = (await client.get("/api/indicators/coverage", headers=staff_headers,
                             params={"as_of": T1.isoformat()})).json()
    assert (past["as_of"], past["numerator"], past["denominator"]) == ("2021-06-30", 7, 10)
    conversion = (await client.get("/api/indicators/conversion",
                                   headers=staff_headers)).json()
    assert (conversion["numerator"], conversion["denominator"]) == (1, 5)
    bad = await client.get("/api/indicators/coverage", headers=staff_headers,
                           params={"region": "22x"})
    assert bad.status_code == 422 and "region" in bad.text
    wrong = await client.get("/api/indicators/coverage", headers=staff_headers,
                             params={"level": "national"})
    assert wrong.status_code == 422 and "level" in wrong.text
    unknown = await client.get("/api/indicators/popularity", headers=staff_headers)
    assert unknown.status_code == 400


async def test_series(client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await build()
    done = await client.get("/api/indicators/coverage/series", headers=staff_headers,
                            params={"start": "2022-04-01", "end": "2022-05-31"})
    assert done.status_code == 200, done.text
    # 2022-04-30: like T1, 7 / 10; 2022-05-31: P11's edition withdrawn from 2022-05-01: 6 / 10
    assert [(r["as_of"], r["numerator"], r["denominator"]) for r in done.json()] == [
        ("2022-04-30", 7, 10), ("2022-05-31", 6, 10)]
    bad = await client.get("/api/indicators/coverage/series", headers=staff_headers,
                           params={"dates": "2022-02-30"})
    assert bad.status_code == 400 and "2022-02-30" in bad.text


async def test_drill_down_and_csv_export(client: httpx.AsyncClient,
                                         staff_headers: dict[str, str]) -> None:
    data = await build()
    uscc = data.usccs["A"]
    sneaky, _ = await product(uscc, "=HYPERLINK(\"http://x\")", True)
    page = (await client.get("/api/indicators/coverage/not-counted", headers=staff_headers,
                             params={"reason": "no_standard"})).json()
    # P4 and the new product: no standard declared
    assert page["total"] == 2
    assert [item["product_id"] for item in page["items"]] == [data.products["P4"], sneaky]
    assert page["items"][1]["enterprise_name"] == "长春汽车零部件有限公司"
    bad = await client.get("/api/indicators/coverage/not-counted", headers=staff_headers,
                           params={"reason": "not_adopting"})
    assert bad.status_code == 422 and "reason" in bad.text
    done = await client.get("/api/indicators/coverage/not-counted/export",
                            headers=staff_headers)
    assert done.status_code == 200
    assert done.headers["content-type"].startswith("text/csv")
    text = done.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # header + 6 not covered today: P2, P3, P4, P5, P11 and the new product
    assert len(rows) == 7
    assert rows[0][0].startswith("未计入原因代码")
    names = [row[5] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names  # neutralised, not a formula
    withdrawn = [row for row in rows[1:] if row[0] == "standard_withdrawn"]
    assert sorted(row[10] for row in withdrawn) == ["GB/T 30002-2008", "GB/T 30006-2010"]


async def test_facts_follow_a_catalogue_import(client: httpx.AsyncClient,
                                               staff_headers: dict[str, str]) -> None:
    await build()
    before = (await client.get("/api/indicators/coverage", headers=staff_headers)).json()
    assert before["numerator"] == 6
    # the catalogue now withdraws GB/T 30001-2016 (P1's standard) and holds GB/T 99999-2015
    # (P5's unresolved code): P1 withdrawn, P5 covered; still 6 of 11
    await upload_catalogue(client, staff_headers, "change.csv", [
        "标准号,标准名称,实施日期,废止日期",
        "GB/T 30001-2016,质量管理 要求,2017-01-01,2025-01-01",
        "GB/T 99999-2015,新收录标准,2015-06-01,",
    ])
    after = (await client.get("/api/indicators/coverage", headers=staff_headers)).json()
    assert (after["numerator"], after["denominator"]) == (6, 11)
    assert after["not_counted"]["standard_withdrawn"] == 3  # P1, P2, P11
    assert after["not_counted"]["unresolved_code"] == 0
    adoption = (await client.get("/api/indicators/adoption", headers=staff_headers)).json()
    assert adoption["numerator"] == 2  # P7, P9 (P1 lost its standard)


async def test_foreign_body_routes(client: httpx.AsyncClient,
                                   staff_headers: dict[str, str]) -> None:
    await build()
    removed = await client.delete("/api/indicators/foreign-bodies/ASTM", headers=staff_headers)
    assert removed.status_code == 200 and "ASTM" not in [b["body"] for b in removed.json()]
    report = (await client.get("/api/indicators/adoption", headers=staff_headers)).json()
    assert report["numerator"] == 2 and "ASTM" not in report["rules"]["foreign_bodies"]
    again = await client.delete("/api/indicators/foreign-bodies/ASTM", headers=staff_headers)
    assert again.status_code == 404
    added = await client.post("/api/indicators/foreign-bodies", headers=staff_headers,
                              json={"body": "astm", "name": "ASTM International"})
    assert added.status_code == 200 and "ASTM" in [b["body"] for b in added.json()]
    bad = await client.post("/api/indicators/foreign-bodies", headers=staff_headers,
                            json={"body": "AS TM"})
    assert bad.status_code == 422


def stdtrack(settings: Settings, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()",
                           *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


async def test_cli(client: httpx.AsyncClient, settings: Settings, tmp_path: Path) -> None:
    await build()
    done = stdtrack(settings, "indicators", "coverage", "--group-by", "city", "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert REPORT_KEYS <= set(body)
    assert (body["numerator"], body["denominator"]) == (6, 11)
    assert [g["label"] for g in body["groups"]] == ["长春市", "吉林市", "南京市"]
    past = json.loads(stdtrack(settings, "indicators", "adoption", "--as-of", "2021-06-30",
                               "--no-foreign", "--count-neq", "--json").stdout)
    # 2021-06-30, main products P1, P2, P3, P5, P6, P7, P9, P10; adopting P1, P6 (NEQ), P9
    assert (past["numerator"], past["denominator"], past["rules"]["count_foreign"]) == (
        3, 8, False)
    trend = json.loads(stdtrack(settings, "indicators", "coverage", "--dates",
                                "2021-06-30,2022-05-31", "--json").stdout)
    assert [(r["numerator"], r["denominator"]) for r in trend] == [(7, 10), (6, 10)]
    target = tmp_path / "未计入.csv"
    written = stdtrack(settings, "indicators", "coverage", "--csv", target)
    assert written.returncode == 0, written.stderr
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 5
    header = lines[0].split(",")
    assert header[:4] == ["原因代码", "未计入原因", "统一社会信用代码", "企业名称"]
    main = header.index("主要产品")
    assert {line.split(",")[main] for line in lines[1:]} <= {"是", "否"}
    assert "True" not in "\n".join(lines) and "False" not in "\n".join(lines)
    for args, needle in ((("popularity",), "popularity"),
                         (("coverage", "--as-of", "2021-02-30"), "2021-02-30"),
                         (("coverage", "--region", "2x"), "region")):
        bad = stdtrack(settings, "indicators", *args, "--json")
        assert bad.returncode == 2, bad.stderr
        lines = bad.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], bad.stderr
        assert bad.stdout == ""
    bodies = stdtrack(settings, "foreign-bodies", "list", "--json")
    assert "JIS" in [b["body"] for b in json.loads(bodies.stdout)]


async def test_facts_follow_a_bulk_declaration_import(client: httpx.AsyncClient,
                                                      staff_headers: dict[str, str]) -> None:
    data = await build()
    assert (await client.get("/api/indicators/coverage", headers=staff_headers)
            ).json()["numerator"] == 6
    header = ("统一社会信用代码,企业名称,行政区划代码,行业,重点领域,产品名称,产品型号,产品分类,"
              "主要产品,执行标准,公开日期")
    rows = [f"{data.usccs['A']},,,,,产品P4,M1,,否,GB/T 30001-2016,2024-01-02",
            f"{data.usccs['A']},,,,,新产品,X-1,,是,GB/T 30002-2019,2024-01-02"]
    body = ("\n".join([header, *rows]) + "\n").encode("utf-8")
    done = await client.post("/api/declarations/imports", headers=staff_headers,
                             files={"files": ("d.csv", body, "text/csv")})
    assert done.status_code == 201, done.text
    after = (await client.get("/api/indicators/coverage", headers=staff_headers,
                              params={"group_by": "city"})).json()
    # P4 now declares a standard in force, and a new product covered: 8 of 12
    assert (after["numerator"], after["denominator"]) == (8, 12)
    assert after["not_counted"]["no_standard"] == 0
    assert after["groups"][0] == {"key": "220100", "label": "长春市", "numerator": 3,
                                  "denominator": 5, "rate": 0.6,
                                  "not_counted": {"no_standard": 0, "standard_withdrawn": 1,
                                                  "standard_not_yet_implemented": 1,
                                                  "unresolved_code": 0}}
