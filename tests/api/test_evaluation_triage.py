"""Implementation evaluation, feedback and the triage for cutting and merging, on a small
catalogue: DB22 local standards made up for the test beside the real national standard
GB/T 20223-2018 棉短绒 (code, title and dates as in tests/data/catalogues/english_headers.csv;
its ICS code added by hand)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.adoption.helpers import declaration_csv, new_uscc, tables_emptied, upload_catalogue
from tests.adoption.helpers import people as people_of

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

TABLES = ("standard_review", "review_import", "review_reminder", "standard_feedback",
          "standard_view_count", "triage_decision", "standard_domain")
AS_OF = "2024-06-30"

CATALOGUE = [
    "标准号,标准名称,发布日期,实施日期,废止日期,ICS",
    "DB22/T 1001-2019,旅游景区服务规范,2018-11-20,2019-01-01,,03.200",
    "DB22/T 1002-2019,人参种植技术规程,2019-06-01,2019-09-01,,65.020",
    "DB22/T 1003-2018,冰雪旅游度假区建设指南,2018-03-01,2018-05-01,,03.200",
    "DB22/T 1006-2019,梅花鹿饲养技术规程,2020-01-01,2020-02-01,,65.020",
    "DB22/T 1007-2019,长白山人参鲜参分级,2019-03-10,,,65.020",
    "DB22/T 3001-2019,棉短绒,2019-05-01,2019-06-01,,59.060.10",
    "DB22/T 3002-2020,旅游景区服务质量规范,2020-03-01,2020-04-01,,03.200",
    "DB32/T 4001-2020,梅花鹿饲养技术规程,2020-01-01,2020-02-01,,65.020",
    "GB/T 20223-2018,棉短绒,2018-03-15,2018-05-01,,59.060.10",
]


@pytest.fixture
async def clean(client: httpx.AsyncClient) -> AsyncIterator[None]:
    async with tables_emptied(TABLES):
        yield


@pytest.fixture
async def people(client: httpx.AsyncClient, staff_headers: dict[str, str]
                 ) -> dict[str, dict[str, str]]:
    return await people_of(client, staff_headers)


def declarations(rows: list[tuple[str, str, str]]) -> bytes:
    return declaration_csv(rows, "220102")


async def world(client: httpx.AsyncClient, staff: dict[str, str]) -> dict[str, int]:
    await upload_catalogue(client, staff, "catalogue.csv", CATALOGUE)
    firms = [new_uscc("220102") for _ in range(3)]
    body = declarations([(firms[0], "景区导览", "DB22/T 1001-2019"),
                         (firms[1], "景区服务", "DB22/T 1001-2019"),
                         (firms[2], "景区票务", "DB22/T 1001-2019"),
                         (firms[0], "人参", "DB22/T 1002-2019")])
    done = await client.post("/api/declarations/imports", headers=staff,
                             files={"files": ("d.csv", body, "text/csv")})
    assert done.status_code == 201 and not done.json()["rejected"], done.text
    ids = {}
    for code in ("DB22/T 1001-2019", "DB22/T 1003-2018", "DB22/T 1006-2019",
                 "DB22/T 1007-2019"):
        found = await client.get("/api/standards", params={"code": code}, headers=staff)
        body_json = found.json()
        ids[code] = body_json["items"][0]["id"] if "items" in body_json else body_json["id"]
    return ids


async def feedback(client: httpx.AsyncClient, standard_id: int, kind: str = "问题",
                   text: str = "指标与现行国家标准冲突") -> httpx.Response:
    return await client.post(f"/api/feedback/standards/{standard_id}",
                             json={"kind": kind, "text": text, "contact": ""})


async def test_grades_from_signals_with_region_percentiles(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    ids = await world(client, people["staff"])
    sent = await feedback(client, ids["DB22/T 1003-2018"])
    assert sent.status_code == 201, sent.text
    moderated = await client.post(f"/api/feedback/{sent.json()['id']}/moderation",
                                  json={"status": "accepted"}, headers=people["staff"])
    assert moderated.status_code == 200, moderated.text
    pending = await feedback(client, ids["DB22/T 1007-2019"])  # never accepted: not counted
    assert pending.status_code == 201
    for _ in range(2):  # two views of DB22/T 1006-2019's public page
        page = await client.get("/standard", params={"code": "DB22/T 1006-2019"})
        assert page.status_code == 200
    # views are counted by month: evaluated as of today, they are in its 12 months
    found = (await client.get("/api/evaluation", params={"region": "22"},
                              headers=people["leader"])).json()
    grades = {i["code"]: i["grade"] for i in found["items"]}
    # scores: 1001 3 enterprises, 3 products = 3·2 + 1·2 = 8; 1002 = 3 + 1 = 4;
    # 1003 one accepted feedback = 1; 1006 two views = 0.5·log2 3; the rest 0.
    # 7 standards: weak threshold = lowest score (0), strong = the 7th of 7 (8)
    assert grades == {"DB22/T 1001-2019": "strong", "DB22/T 1002-2019": "medium",
                      "DB22/T 1003-2018": "medium", "DB22/T 1006-2019": "medium",
                      "DB22/T 1007-2019": "weak", "DB22/T 3001-2019": "weak",
                      "DB22/T 3002-2020": "weak"}
    assert (found["strong_threshold"], found["weak_threshold"]) == (8.0, 0.0)
    assert found["grades"] == {"strong": 1, "medium": 3, "weak": 3}
    top = next(i for i in found["items"] if i["code"] == "DB22/T 1001-2019")
    assert top["signals"]["enterprises"] == 3 and top["score"] == 8.0
    assert "强阈值 8" in top["explanation"] and "enterprises 3" in top["explanation"]
    viewed = next(i for i in found["items"] if i["code"] == "DB22/T 1006-2019")
    assert viewed["signals"]["views"] == 2
    back_then = (await client.get("/api/evaluation", params={"region": "22", "as_of": AS_OF},
                                  headers=people["leader"])).json()
    assert {i["code"]: i["signals"]["views"] for i in back_then["items"]}[
        "DB22/T 1006-2019"] == 0
    weak_only = (await client.get("/api/evaluation", params={
        "region": "22", "grade": "weak"}, headers=people["staff"])).json()
    assert len(weak_only["items"]) == 3 and weak_only["standards"] == 7
    sheet = await client.get("/api/evaluation/export", params={"region": "22", "as_of": AS_OF},
                             headers=people["leader"])
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert (await client.get("/api/evaluation", headers=people["enterprise"])).status_code \
        == 403


async def test_feedback_is_checked_rate_limited_and_moderated_by_staff(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    ids = await world(client, people["staff"])
    target = ids["DB22/T 1001-2019"]
    bad = await feedback(client, target, kind="抱怨")
    assert bad.status_code == 422 and "抱怨" in bad.text
    for number in range(5):
        assert (await feedback(client, target, text=f"第 {number} 条")).status_code == 201
    limited = await feedback(client, target)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3600"
    listed = await client.get("/api/feedback", params={"standard": target},
                              headers=people["staff"])
    assert listed.status_code == 200 and len(listed.json()) == 5
    assert {f["status"] for f in listed.json()} == {"pending"}
    assert (await client.get("/api/feedback", headers=people["leader"])).status_code == 403
    refused = await client.post(f"/api/feedback/{listed.json()[0]['id']}/moderation",
                                json={"status": "accepted"}, headers=people["enterprise"])
    assert refused.status_code == 403
    form = await client.post(f"/api/feedback/standards/{target}",
                             data={"kind": "问题", "text": "x"})
    assert form.status_code in (400, 415)


async def test_triage_candidates_reasons_and_decisions(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    ids = await world(client, people["staff"])
    sent = await feedback(client, ids["DB22/T 1003-2018"])
    await client.post(f"/api/feedback/{sent.json()['id']}/moderation",
                      json={"status": "accepted"}, headers=people["staff"])
    found = (await client.get("/api/triage", params={"region": "22", "as_of": AS_OF},
                              headers=people["leader"])).json()
    suggested = {i["code"]: i["suggested"] for i in found["items"]}
    assert suggested == {
        "DB22/T 1001-2019": "merge",  # same subject as 3002 in the province
        "DB22/T 3002-2020": "merge",
        "DB22/T 3001-2019": "abolish",  # GB/T 20223-2018 棉短绒 covers it
        "DB22/T 1007-2019": "abolish",  # weak, undeclared, no feedback, review overdue
        # weak and undeclared but not due before 2025: Jiangsu's DB32/T 4001-2020 has the
        # same subject
        "DB22/T 1006-2019": "convert",
        "DB22/T 1003-2018": "revise",  # medium (a feedback), review overdue since 2023-05-01
    }
    cotton = next(i for i in found["items"] if i["code"] == "DB22/T 3001-2019")
    match = cotton["reasons"]["overlaps_national"][0]
    assert (match["code"], match["similarity"], match["shared_ics"]) == (
        "GB/T 20223-2018", 1.0, ["59.060.10"])
    assert found["standards"] == 7 and found["candidates"] == 6
    assert [p["standards"] for p in found["stock"]][-1] == 7
    decided = await client.post(f"/api/triage/{cotton['standard_id']}/decision",
                                json={"action": "废止", "note": "国家标准已覆盖"},
                                headers=people["staff"])
    assert decided.status_code == 201 and decided.json()["action"] == "abolish"
    assert (await client.post(f"/api/triage/{cotton['standard_id']}/decision",
                              json={"action": "abolish"}, headers=people["leader"])
            ).status_code == 403
    again = (await client.get("/api/triage", params={"region": "22", "as_of": AS_OF,
                                                     "action": "abolish"},
                              headers=people["staff"])).json()
    decision = next(i for i in again["items"] if i["code"] == "DB22/T 3001-2019")["decision"]
    assert decision["note"] == "国家标准已覆盖"
    assert {i["suggested"] for i in again["items"]} == {"abolish"}
    sheet = await client.get("/api/triage/export", params={"region": "22", "format": "csv"},
                             headers=people["staff"])
    assert sheet.status_code == 200 and "GB/T 20223-2018" in sheet.content.decode("utf-8-sig")


async def test_review_file(client: httpx.AsyncClient, clean: None,
                           people: dict[str, dict[str, str]]) -> None:
    ids = await world(client, people["staff"])
    await client.post("/api/reviews", headers=people["staff"], json={
        "code": "DB22/T 1001-2019", "reviewed_on": "2024-03-01", "conclusion": "修订",
        "note": "与 DB22/T 3002-2020 合并修订"})
    found = await client.get(f"/api/reviews/file/{ids['DB22/T 1001-2019']}",
                             params={"as_of": AS_OF}, headers=people["leader"])
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["clock"]["due_on"] == "2024-01-01" and not body["clock"]["overdue"]
    assert body["clock"]["reviewed_on"] == "2024-03-01"
    assert [r["conclusion"] for r in body["reviews"]] == ["revise"]
    assert body["evaluation"]["grade"] == "strong"
    assert body["triage"]["suggested"] == "merge"
    assert body["rules"]["start"].startswith("implementation date")


_CITING_STS = """<?xml version="1.0" encoding="UTF-8"?>
<standard xml:lang="zh"><front><nat-meta>
  <title-wrap xml:lang="zh"><full>梅花鹿茸加工技术规程</full></title-wrap>
  <std-ref type="dated">DB22/T 1010-2021</std-ref><pub-date>2021-05-01</pub-date>
</nat-meta></front>
<body><sec sec-type="norm-refs"><label>2</label><title>规范性引用文件</title>
  <ref-list><ref><std><std-ref type="dated">DB22/T 1006-2019</std-ref>,
    <title>梅花鹿饲养技术规程</title></std></ref>
  <ref><std><std-ref type="undated">DB22/T 1002</std-ref>,
    <title>人参种植技术规程</title></std></ref>
  <ref><std><std-ref type="undated">GB/T 20223</std-ref></std></ref></ref-list>
</sec></body></standard>
"""


async def test_citations_come_from_imported_normative_references(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    """A list's 引用标准 column and an STS document's 规范性引用文件 both count as citations,
    dated (that edition) and undated (the edition in force); a standard citing itself or a
    code the catalogue does not hold counts for nothing."""
    staff = people["staff"]
    await world(client, staff)
    await upload_catalogue(client, staff, "citing.csv", [
        "标准号,标准名称,发布日期,引用标准",
        "DB22/T 1008-2022,景区讲解服务规范,2022-01-01,\"DB22/T 1001-2019 旅游景区服务规范；"
        "DB22/T 1002；DB22/T 1008-2022；DB22/T 9999-2020\"",
    ])
    done = await client.post("/api/imports", headers=staff, files={
        "files": ("db22-1010.xml", _CITING_STS.encode("utf-8"), "application/xml")})
    assert done.status_code == 201, done.text
    listed = (await client.get("/api/standards", params={"code": "DB22/T 1002-2019"},
                               headers=staff)).json()
    detail = (await client.get(f"/api/standards/{listed['items'][0]['id']}")).json()
    assert detail["referenced_by"] == ["DB22/T 1008-2022", "DB22/T 1010-2021"]
    found = (await client.get("/api/evaluation", params={"region": "22"},
                              headers=people["leader"])).json()
    cited = {i["code"]: i["signals"]["citations"] for i in found["items"]}
    assert cited["DB22/T 1001-2019"] == 1  # dated, from the list
    assert cited["DB22/T 1002-2019"] == 2  # undated, from the list and the STS document
    assert cited["DB22/T 1006-2019"] == 1  # dated, from the STS document
    assert cited["DB22/T 1008-2022"] == 0 and cited["DB22/T 1003-2018"] == 0
    explained = next(i for i in found["items"] if i["code"] == "DB22/T 1002-2019")
    assert "citations 2" in explained["explanation"]
