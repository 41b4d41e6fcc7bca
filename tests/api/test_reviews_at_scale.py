"""The evaluation and the triage over a generated province (DB45, made up for the test):
a province's triage runs its Python part off the event loop, so the server answers other
requests meanwhile (concurrency is what is checked, not how long anything takes); a review
file grades its one standard against the province's kept thresholds, and gives what the
whole province's evaluation gives, also after writes that move the thresholds."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import random
from collections.abc import AsyncIterator

import httpx
import pytest

from standards import repository
from standards.schemas import StandardInput
from standards.tables import Standard
from tests.adoption.helpers import declaration_csv, new_uscc, tables_emptied
from tests.adoption.helpers import people as people_of

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

TABLES = ("standard_review", "standard_feedback", "standard_view_count", "triage_decision",
          "standard_domain")
AS_OF = dt.date(2025, 6, 30)
PLACES = "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左 阳朔 凭祥".split()
SUBJECTS = ("沙田柚 罗汉果 八角 肉桂 茉莉花 六堡茶 百香果 芒果 甘蔗 桑蚕 螺蛳粉 "
            "旅游景区 民宿 养老机构 物业服务 快递服务 农家乐 温泉 长寿食品 中药材").split()
ASPECTS = ("种植技术规程 养殖技术规程 服务规范 服务质量要求 等级划分与评定 "
           "管理规范 安全要求 质量分级 检验方法 建设指南").split()
ICS = "65.020 65.020.20 03.080 03.200 67.040 13.020".split()


def province(count: int) -> list[StandardInput]:
    """``count`` DB45 local standards (titles: place, subject, aspect) and a few national
    standards on the same ICS codes and subjects, so that the triage has overlaps to find."""
    rng = random.Random(45)
    items = []
    for i in range(count):
        year = 2012 + i % 12
        published = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(360))
        items.append(StandardInput(
            code=f"DB45/T {1000 + i}-{year}", source="test",
            title_zh=rng.choice(PLACES) + rng.choice(SUBJECTS) + rng.choice(ASPECTS),
            published_on=published, implemented_on=published + dt.timedelta(days=60),
            ics=[rng.choice(ICS)]))
    for i in range(max(1, count // 50)):
        items.append(StandardInput(
            code=f"GB/T {60000 + i}-2018", source="test",
            title_zh=rng.choice(SUBJECTS) + rng.choice(ASPECTS),
            published_on=dt.date(2018, 5, 1), ics=[rng.choice(ICS)]))
    return items


@pytest.fixture
async def clean(client: httpx.AsyncClient) -> AsyncIterator[None]:
    async with tables_emptied(TABLES):
        yield


async def test_the_server_answers_while_a_province_is_triaged(
        client: httpx.AsyncClient, clean: None, staff_headers: dict[str, str]) -> None:
    await repository.upsert_standards(province(3000))
    for route in ("/api/triage", "/api/triage/export"):
        triage = asyncio.ensure_future(client.get(
            route, params={"region": "45", "as_of": AS_OF.isoformat(), "format": "csv"},
            headers=staff_headers))
        # The triage's Python stretches pause the cyclic collector (adoption/batches.py):
        # from here it is seen off only while such a stretch runs in another thread. Health
        # answered while it is off was answered during the triage's Python part.
        answered_meanwhile = 0
        while not triage.done():
            health = await client.get("/health")
            await asyncio.sleep(0)  # the in-process health answer never waits: let it run
            assert health.status_code == 200
            if not gc.isenabled() and not triage.done():
                answered_meanwhile += 1
        assert (await triage).status_code == 200
        assert gc.isenabled()
        assert answered_meanwhile > 0, f"{route}: health waited for the triage's Python part"


def declarations(rows: list[tuple[str, str, str]]) -> bytes:
    return declaration_csv(rows, "450102")


async def declare(client: httpx.AsyncClient, staff: dict[str, str],
                  counts: dict[str, int]) -> None:
    """``counts[code]`` more enterprises (one product each) declaring each standard."""
    rows = [(new_uscc("450102"), f"产品{n}", code)
            for code, count in counts.items() for n in range(count)]
    done = await client.post("/api/declarations/imports", headers=staff,
                             files={"files": ("d.csv", declarations(rows), "text/csv")})
    assert done.status_code == 201 and not done.json()["rejected"], done.text


async def test_a_review_file_grades_its_standard_as_the_province_does(
        client: httpx.AsyncClient, clean: None, staff_headers: dict[str, str]) -> None:
    people = await people_of(client, staff_headers)
    staff = people["staff"]
    await repository.upsert_standards(province(60)[:60])
    codes = [f"DB45/T {1000 + i}-{2012 + i % 12}" for i in range(60)]
    # enterprises 0..5 by tens: a tenth score 0, the weak threshold is 0
    await declare(client, staff, {code: i % 6 for i, code in enumerate(codes) if i % 6})
    rows = await Standard.raw("SELECT id, code FROM standard WHERE code LIKE 'DB45%'")
    ids = {row["code"]: row["id"] for row in rows}
    assert set(codes) == set(ids)

    async def compare(day: str | None) -> dict[str, float]:
        """Every standard's review file, then the province's evaluation (which keeps its
        thresholds: read after, so that the files read what was kept before)."""
        files = {}
        for code in codes:
            found = await client.get(f"/api/reviews/file/{ids[code]}",
                                     params={"as_of": day} if day else {},
                                     headers=people["leader"])
            assert found.status_code == 200, found.text
            files[code] = found.json()
        params = {"region": "45"} | ({"as_of": day} if day else {})
        whole = (await client.get("/api/evaluation", params=params, headers=staff)).json()
        assert whole["standards"] == 60
        by_id = {item["standard_id"]: item for item in whole["items"]}
        thresholds = {"strong": whole["strong_threshold"], "weak": whole["weak_threshold"]}
        for code, body in files.items():
            assert body["evaluation"] == by_id[ids[code]], code
            assert body["evaluation_thresholds"] == thresholds, code
        return thresholds

    day = AS_OF.isoformat()
    before = await compare(day)
    assert before["weak"] == 0.0 and before["strong"] > 0
    # the standards nobody declared get 3 enterprises: the weak threshold moves up
    await declare(client, staff, {code: 3 for i, code in enumerate(codes) if i % 6 == 0})
    moved = await compare(day)
    assert moved["weak"] > before["weak"]
    # accepted feedback (a moderation, not a catalogue or declaration write) counts
    sent = await client.post(f"/api/feedback/standards/{ids[codes[5]]}",
                             json={"kind": "问题", "text": "指标已过时", "contact": ""})
    assert sent.status_code == 201, sent.text
    moderated = await client.post(f"/api/feedback/{sent.json()['id']}/moderation",
                                  json={"status": "accepted"}, headers=staff)
    assert moderated.status_code == 200, moderated.text
    await compare(day)
    # views of the public page (counted this month, no data version bump) count as of today
    await compare(None)
    for _ in range(3):
        page = await client.get("/standard", params={"code": codes[11]})
        assert page.status_code == 200
    await compare(None)
