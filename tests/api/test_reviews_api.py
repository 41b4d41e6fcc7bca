"""The review clock over a hand-built catalogue, through the API and the CLI: due and overdue
lists by city and domain, reviews recorded and imported (idempotent, rejections named),
reviewed on time as a goal, reminders, role checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from standards.settings import Settings
from tests.adoption.drafting_helpers import stdtrack
from tests.adoption.helpers import people as people_of
from tests.adoption.helpers import tables_emptied, upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

REVIEW_TABLES = ("standard_review", "review_import", "review_reminder", "standard_feedback",
                 "standard_view_count", "triage_decision", "goal", "standard_domain")

CATALOGUE = [
    "标准号,标准名称,发布日期,实施日期,废止日期,代替标准",
    "DB22/T 1001-2019,旅游景区服务规范,2018-11-20,2019-01-01,,",  # overdue on 2024-06-30
    "DB22/T 1002-2019,人参种植技术规程,2019-06-01,2019-09-01,,",  # due 2024-09-01
    "DB22/T 1003-2018,冰雪旅游服务质量要求,2018-03-01,2018-05-01,,",  # 继续有效 2022-04-01
    "DB22/T 1004-2018,玉米秸秆还田技术规程,2018-01-10,2018-03-01,2023-09-01,",
    "DB22/T 1004-2023,玉米秸秆还田技术规程,2023-06-01,2023-09-01,,DB22/T 1004-2018",
    "DB22/T 1005-2017,养老机构服务规范,2016-11-01,2017-01-01,2022-12-31,",  # withdrawn
    "DB22/T 1006-2019,梅花鹿饲养技术规程,2018-12-01,2019-02-01,,",  # 修订 review 2023-12-01
    "DB22/T 1007-2019,长白山人参鲜参分级,2019-03-10,,,",  # published only: due 2024-03-10
    "DB2201/T 2001-2019,城市公园管理规范,2019-08-01,2019-10-15,,",  # Changchun, due 2024-10-15
    "DB31/T 1001-2019,上海旅游景区服务规范,2018-12-01,2019-01-01,,",  # another province
    "GB/T 7714-2015,信息与文献 参考文献著录规则,2015-05-15,2015-12-01,,",  # not local
]


@pytest.fixture
async def clean(client: httpx.AsyncClient) -> AsyncIterator[None]:
    async with tables_emptied(REVIEW_TABLES):
        yield


@pytest.fixture
async def people(client: httpx.AsyncClient, staff_headers: dict[str, str]
                 ) -> dict[str, dict[str, str]]:
    return await people_of(client, staff_headers)


def review_file(*rows: str) -> bytes:
    return ("标准号,复审日期,复审结论,备注\n" + "\n".join(rows) + "\n").encode("utf-8")


async def import_reviews(client: httpx.AsyncClient, headers: dict[str, str], body: bytes,
                         name: str = "reviews.csv") -> dict:
    done = await client.post("/api/reviews/imports", headers=headers,
                             files={"files": (name, body, "text/csv")})
    assert done.status_code == 201, done.text
    return dict(done.json())


GOOD_ROWS = ("DB22/T 1003-2018,2022-04-01,继续有效,",
             "DB22/T 1006-2019,2023-12-01,修订,指标已落后")


async def catalogue_and_reviews(client: httpx.AsyncClient, staff: dict[str, str]) -> dict:
    await upload_catalogue(client, staff, "db22.csv", CATALOGUE)
    return await import_reviews(client, staff, review_file(*GOOD_ROWS))


async def due(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> dict:
    done = await client.get("/api/reviews/due", params=params, headers=headers)
    assert done.status_code == 200, done.text
    return dict(done.json())


def codes(items: list[dict]) -> list[str]:
    return [item["code"] for item in items]


async def test_due_and_overdue_on_a_hand_built_catalogue(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    report = await catalogue_and_reviews(client, people["staff"])
    assert (report["created"], report["rejected"]) == (2, [])
    found = await due(client, people["leader"], region="22", as_of="2024-06-30", within="6")
    assert codes(found["overdue_items"]) == ["DB22/T 1001-2019", "DB22/T 1007-2019"]
    assert codes(found["due_items"]) == ["DB22/T 1002-2019", "DB2201/T 2001-2019"]
    assert (found["due"], found["overdue"]) == (2, 2)
    # 1003 restarted (due 2027), 1006 reviewed (修订), the 2023 edition of 1004 runs; the
    # 2018 edition was replaced, 1005 withdrawn; DB31 and GB/T are out of scope
    assert found["standards"] == 9 and found["running"] == 7
    assert found["not_counted"] == {"ended_revised": 1, "ended_withdrawn": 1}
    assert found["rules"]["overdue"].startswith("valid on t")
    cities = {g["key"]: (g["due"], g["overdue"]) for g in found["by_city"]}
    assert cities == {"220000": (1, 2), "220100": (1, 0)}
    assert found["overdue_items"][1]["due_on"] == "2024-03-10"  # published date starts it
    # domains from the shipped rules: 旅游/服务 service, 人参 special resource
    domains = {g["key"]: (g["due"], g["overdue"]) for g in found["by_domain"]}
    assert domains["service"] == (0, 1) and domains["special-resource"] == (1, 1)
    service = await due(client, people["staff"], region="22", as_of="2024-06-30",
                        domain="service")
    assert codes(service["overdue_items"]) == ["DB22/T 1001-2019"] and service["due"] == 0
    ginseng = await due(client, people["staff"], region="22", as_of="2024-06-30",
                        domain="special-resource")
    assert (codes(ginseng["due_items"]), codes(ginseng["overdue_items"])) == (
        ["DB22/T 1002-2019"], ["DB22/T 1007-2019"])
    # a narrower window and another day
    assert codes((await due(client, people["staff"], region="22", as_of="2024-06-30",
                            within="2"))["due_items"]) == []
    early = await due(client, people["staff"], region="2201", as_of="2024-10-15", within="0")
    assert codes(early["due_items"]) == ["DB2201/T 2001-2019"] and early["overdue"] == 0
    late = await due(client, people["staff"], region="2201", as_of="2024-10-16", within="0")
    assert codes(late["overdue_items"]) == ["DB2201/T 2001-2019"]
    # the restart shows in the answer
    later = await due(client, people["staff"], region="22", as_of="2027-01-01")
    item = next(i for i in later["due_items"] if i["code"] == "DB22/T 1003-2018")
    assert (item["start"], item["due_on"], item["restarted"]) == (
        "2022-04-01", "2027-04-01", True)


async def test_review_import_is_idempotent_and_names_rejected_rows(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    await upload_catalogue(client, people["staff"], "db22.csv", CATALOGUE)
    body = review_file(
        *GOOD_ROWS,
        "DB22/T 9999-2020,2023-01-01,继续有效,",
        "GB/T 7714-2015,2023-01-01,继续有效,",
        "DB22/T 1002-2019,2023-01-01,暂缓,",
        "DB22/T 1002-2019,2099-01-01,继续有效,",
        "DB22/T 1002-2019,2019-01-01,继续有效,",
        "不是标准号,2023-01-01,继续有效,",
        "DB22/T 1002-2019,2023-13-45,继续有效,")
    first = await import_reviews(client, people["staff"], body)
    assert (first["created"], first["updated"], first["unchanged"]) == (2, 0, 0)
    reasons = {r["location"].rsplit(" ", 1)[-1]: r["reason"] for r in first["rejected"]}
    assert sorted(reasons) == ["10", "4", "5", "6", "7", "8", "9"]
    assert "DB22/T 9999-2020" in reasons["4"] and "not in the catalogue" in reasons["4"]
    assert "not a local standard" in reasons["5"] or "不是地方标准" in reasons["5"]
    assert "暂缓" in reasons["6"]
    assert "2099-01-01" in reasons["7"]
    assert "before the standard came into force" in reasons["8"]
    assert "不是标准号" in reasons["9"]
    assert "2023-13-45" in reasons["10"]
    assert first["files"][0]["archived_as"]
    again = await import_reviews(client, people["staff"], body)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = await import_reviews(client, people["staff"],
                                   review_file("DB22/T 1006-2019,2023-12-01,废止,"))
    assert (changed["created"], changed["updated"]) == (0, 1)
    std = (await client.get("/api/standards", params={"code": "DB22/T 1006-2019"},
                            headers=people["staff"])).json()
    std_id = std["items"][0]["id"] if "items" in std else std["id"]
    listed = (await client.get("/api/reviews", params={"standard": std_id},
                               headers=people["leader"])).json()
    assert [(r["reviewed_on"], r["conclusion"]) for r in listed] == [("2023-12-01", "abolish")]


async def test_recording_one_review_restarts_the_clock(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    await upload_catalogue(client, people["staff"], "db22.csv", CATALOGUE)
    done = await client.post("/api/reviews", headers=people["staff"], json={
        "code": "db22/t1001-2019", "reviewed_on": "2024-02-01", "conclusion": "继续有效"})
    assert done.status_code == 201, done.text
    assert done.json()["action"] == "created"
    assert done.json()["review"]["code"] == "DB22/T 1001-2019"
    found = await due(client, people["staff"], region="22", as_of="2024-06-30")
    assert "DB22/T 1001-2019" not in codes(found["overdue_items"])
    bad = await client.post("/api/reviews", headers=people["staff"], json={
        "code": "DB22/T 1001-2019", "reviewed_on": "2024-02-01", "conclusion": "maybe"})
    assert bad.status_code == 422 and "maybe" in bad.text


async def test_reviewed_on_time_and_its_goal(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    await catalogue_and_reviews(client, people["staff"])
    # due dates in 2023-01-01..2024-12-31 as of 2024-06-30: 1001 (2024-01-01, none: late),
    # 1003 (2023-05-01, 继续有效 2022-04-01: on time), 1004-2018 (2023-03-01, replacing
    # edition published 2023-06-01: late), 1005 (2022-01-01: outside), 1006 (2024-02-01,
    # 修订 2023-12-01: on time), 1007 (2024-03-10: late); 1002 and 2001 not yet due
    found = (await client.get("/api/reviews/on-time", headers=people["leader"], params={
        "region": "22", "start": "2023-01-01", "end": "2024-12-31",
        "as_of": "2024-06-30"})).json()
    assert (found["numerator"], found["denominator"]) == (2, 5)
    goal = await client.post("/api/goals", headers=people["staff"], json={
        "name": "按期复审率", "metric": "reviewed-on-time", "target": 0.9, "region": "22",
        "start_on": "2023-01-01", "deadline": "2024-12-31"})
    assert goal.status_code == 201, goal.text
    progress = (await client.get(f"/api/goals/{goal.json()['id']}/progress",
                                 params={"as_of": "2024-06-30"},
                                 headers=people["leader"])).json()
    assert (progress["numerator"], progress["denominator"]) == (2, 5)
    assert progress["value"] == pytest.approx(0.4)
    refused = await client.post("/api/goals", headers=people["staff"], json={
        "name": "x", "metric": "reviewed-on-time", "target": 0.9, "sector": "汽车",
        "deadline": "2026-12-31"})
    assert refused.status_code == 422


async def test_reminders_are_raised_once_and_cleared(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    import datetime as dt

    from api.pipelines.review_reminders import run_review_reminders

    await catalogue_and_reviews(client, people["staff"])
    first = await run_review_reminders(dt.date(2024, 6, 30))  # every region: DB31 too
    assert (first["raised_due"], first["raised_overdue"]) == (2, 3)
    again = await run_review_reminders(dt.date(2024, 6, 30))
    assert (again["raised_due"], again["raised_overdue"], again["open"]) == (0, 0, 5)
    listed = (await client.get("/api/reviews/reminders", headers=people["leader"])).json()
    assert sorted((r["code"], r["kind"]) for r in listed) == [
        ("DB22/T 1001-2019", "overdue"), ("DB22/T 1002-2019", "due"),
        ("DB22/T 1007-2019", "overdue"), ("DB2201/T 2001-2019", "due"),
        ("DB31/T 1001-2019", "overdue")]
    await client.post("/api/reviews", headers=people["staff"], json={
        "code": "DB22/T 1001-2019", "reviewed_on": "2024-06-30", "conclusion": "修订"})
    cleared = await run_review_reminders(dt.date(2024, 6, 30))
    assert (cleared["cleared"], cleared["open"]) == (1, 4)


async def test_the_daily_schedule_raises_the_reminders(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]],
        settings: Settings) -> None:
    import datetime as dt

    from api.pipelines import schedules

    await catalogue_and_reviews(client, people["staff"])
    said = await schedules.SCHEDULES["review-due"].task(settings, dt.date(2024, 6, 30))
    assert "raised_due 2" in said and "raised_overdue 3" in said, said
    listed = (await client.get("/api/reviews/reminders", headers=people["leader"])).json()
    assert len(listed) == 5


async def test_roles(client: httpx.AsyncClient, clean: None,
                     people: dict[str, dict[str, str]]) -> None:
    await upload_catalogue(client, people["staff"], "db22.csv", CATALOGUE)
    review = {"code": "DB22/T 1001-2019", "reviewed_on": "2024-02-01", "conclusion": "修订"}
    for who in ("leader", "enterprise"):
        refused = await client.post("/api/reviews", headers=people[who], json=review)
        assert refused.status_code == 403, who
        upload = await client.post("/api/reviews/imports", headers=people[who],
                                   files={"files": ("r.csv", review_file(), "text/csv")})
        assert upload.status_code == 403, who
    assert (await client.get("/api/reviews/due", headers=people["enterprise"])).status_code \
        == 403
    assert (await client.get("/api/reviews/due")).status_code == 401
    assert (await client.post("/api/reviews", json=review)).status_code in (401, 403)


async def test_the_cli(client: httpx.AsyncClient, clean: None,
                       people: dict[str, dict[str, str]], settings: object,
                       tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    await upload_catalogue(client, people["staff"], "db22.csv", CATALOGUE)
    path = tmp_path / "复审.csv"
    path.write_bytes(review_file(*GOOD_ROWS, "DB22/T 9999-2020,2023-01-01,继续有效,"))
    done = stdtrack(settings, "reviews", "import", path, "--json")  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["created"] == 2 and len(report["rejected"]) == 1
    listed = stdtrack(settings, "reviews", "due", "--region", "22",  # type: ignore[arg-type]
                      "--as-of", "2024-06-30", "--within", "6", "--json")
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    assert (found["due"], found["overdue"]) == (2, 2)
    bad = stdtrack(settings, "reviews", "due", "--region", "2x")  # type: ignore[arg-type]
    assert bad.returncode == 2 and "2x" in bad.stderr
    text = stdtrack(settings, "reviews", "due", "--region", "22",  # type: ignore[arg-type]
                    "--as-of", "2024-06-30")
    assert text.returncode == 0 and "due within 6 months: 2; overdue: 2" in text.stdout
    sheet = tmp_path / "评价.xlsx"
    graded = stdtrack(settings, "evaluation", "--region", "22",  # type: ignore[arg-type]
                      "--as-of", "2024-06-30", "--xlsx", sheet, "--json")
    assert graded.returncode == 0, graded.stderr
    assert json.loads(graded.stdout)["standards"] == 7 and sheet.read_bytes()[:2] == b"PK"
    triaged = stdtrack(settings, "triage", "--region", "22",  # type: ignore[arg-type]
                       "--as-of", "2024-06-30", "--json")
    assert triaged.returncode == 0, triaged.stderr
    assert "DB22/T 1001-2019" in {i["code"] for i in json.loads(triaged.stdout)["items"]}


def test_the_review_file_headers_are_documented() -> None:
    from pathlib import Path

    from api.review_imports import HEADERS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "reviews.md").read_text("utf-8")
    for target, labels in HEADERS.items():
        assert any(line.startswith(f"| `{target}` |") and all(f"`{label}`" in line
                                                              for label in labels)
                   for line in doc.splitlines()), target


async def test_the_stock_as_an_at_most_goal(
        client: httpx.AsyncClient, clean: None, people: dict[str, dict[str, str]]) -> None:
    await upload_catalogue(client, people["staff"], "db22.csv", CATALOGUE)
    # DB22 local standards in force: on 2022-01-01 1001, 1002, 1003, 1004-2018, 1005, 1006,
    # 1007, 2001 = 8; on 2024-06-30 1005 is withdrawn and 1004-2018 replaced by 1004-2023 = 7
    goal = await client.post("/api/goals", headers=people["staff"], json={
        "name": "压减存量", "metric": "local-stock", "target": 6, "region": "22",
        "start_on": "2022-01-01", "deadline": "2024-12-31"})
    assert goal.status_code == 201, goal.text
    progress = (await client.get(f"/api/goals/{goal.json()['id']}/progress",
                                 params={"as_of": "2024-06-30"},
                                 headers=people["leader"])).json()
    assert (progress["value"], progress["target"], progress["baseline"], progress["gap"]) == (
        7, 6, 8, 1)
    assert progress["progress"] == pytest.approx(0.5)  # 1 of the 2 to cut
    # 912 of 1,096 days gone (83 %), half the cut done: more than 10 points behind
    assert progress["status"] == "behind"
    done = (await client.get(f"/api/goals/{goal.json()['id']}/progress",
                             params={"as_of": "2022-01-01"}, headers=people["leader"])).json()
    # day one: nothing cut yet, less than 10 points behind the time gone
    assert (done["value"], done["progress"], done["status"]) == (8, 0.0, "at_risk")
    fractional = await client.post("/api/goals", headers=people["staff"], json={
        "name": "x", "metric": "local-stock", "target": 6.5, "deadline": "2026-12-31"})
    assert fractional.status_code == 422
