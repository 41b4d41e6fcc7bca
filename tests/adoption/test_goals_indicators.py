"""Indicator goals: coverage and adoption targets over declarations, progress from the rate on
the start day, status, forecast at the recent pace, the burn-up series, and the seed goals'
docs/json.md shape from the CLI. Rates computed by hand (docs/indicators.md rules)."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from adoption import goals_repository
from adoption.goals import GoalInput
from api.declaration_imports import import_declarations
from standards.settings import Settings
from tests.adoption.drafting_helpers import clean_drafting, stdtrack
from tests.adoption.helpers import new_uscc, upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

HEADER = ("统一社会信用代码,企业名称,行政区划代码,行业,重点领域,产品名称,产品型号,产品分类,"
          "主要产品,执行标准,公开日期")
D = dt.date


@pytest.fixture
async def declared(client: httpx.AsyncClient, staff_headers: dict[str, str],
                   settings: Settings, tmp_path: Path) -> AsyncIterator[None]:
    """GB/T 19001-2016 (implemented 2017-07-01, adopts ISO 9001:2015 IDT); in Jilin P1 and P2
    registered 2016-03-01 (P1 declares it, P2 a code nobody holds), P3 registered 2018-01-10
    declaring it; P4 in Jiangsu (out of scope)."""
    await clean_drafting()
    await upload_catalogue(client, staff_headers, "c.csv", [
        "标准号,标准名称,发布日期,实施日期,采标情况",
        "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,\"ISO 9001:2015, IDT\""])
    first, second, third = new_uscc("220102"), new_uscc("220102"), new_uscc("320102")
    rows = [
        f"{first},长春一汽零部件有限公司,220102,C36,汽车,制动钳总成,ZQ-1,汽车零部件,是,"
        "GB/T 19001-2016,2016-03-01",
        f"{first},,,,,转向节,Z-2,汽车零部件,是,GB/T 99999-2015,2016-03-01",
        f"{second},吉林石化配件厂,220102,C26,,密封件,M-1,化工配件,是,GB/T 19001-2016,"
        "2018-01-10",
        f"{third},南京某公司,320102,C36,汽车,滤清器,L-1,汽车零部件,是,GB/T 19001-2016,"
        "2016-03-01",
    ]
    source = tmp_path / "declarations.csv"
    source.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    report = await import_declarations([source], actor="test",
                                       archive_dir=settings.archive_dir)
    assert report.created == 4 and not report.rejected, report.as_dict()
    await goals_repository.save_goal(GoalInput(
        name="测试覆盖率98%", metric="coverage", target=0.98, region="22",
        start_on=D(2016, 1, 1), deadline=D(2020, 12, 31)))
    await goals_repository.save_goal(GoalInput(
        name="测试汽车采标率90%", metric="adoption", target=0.90, region="22",
        key_field="automotive", start_on=D(2016, 1, 1), deadline=D(2020, 12, 31)))
    yield
    await clean_drafting()


async def test_coverage_goal_by_hand(client: httpx.AsyncClient, declared: None) -> None:
    start = await goals_repository.goal_progress("测试覆盖率98%", D(2016, 1, 1))
    assert (start.value, start.denominator) == (0.0, 0)  # nothing registered yet
    before = await goals_repository.goal_progress("测试覆盖率98%", D(2017, 6, 30))
    # P1's standard is not in force yet, P2's code is unknown: 0 / 2
    assert (before.numerator, before.denominator, before.value) == (0, 2, 0.0)
    on_day = await goals_repository.goal_progress("测试覆盖率98%", D(2017, 7, 1))
    assert (on_day.numerator, on_day.denominator, on_day.value) == (1, 2, 0.5)
    late = await goals_repository.goal_progress("测试覆盖率98%", D(2018, 12, 31))
    assert (late.numerator, late.denominator) == (2, 3)
    assert late.value == pytest.approx(2 / 3)
    assert late.baseline == 0.0 and late.gap == pytest.approx(0.98 - 2 / 3, abs=1e-6)
    # time elapsed 1096 / 1827 days = 0.5999; progress (2/3) / 0.98 = 0.68: on track
    assert late.time_elapsed == round(1096 / 1827, 4)
    assert late.status == "on_track" and late.pipeline == {} and late.overdue == 0
    # a year earlier (2017-12-31) the rate was 1/2: (2/3 - 1/2) per 365 days
    pace = (2 / 3 - 1 / 2) / 365
    expected = D(2018, 12, 31) + dt.timedelta(days=math.ceil((0.98 - 2 / 3) / pace))
    assert late.forecast_date == expected


async def test_key_field_adoption_goal(client: httpx.AsyncClient, declared: None) -> None:
    found = await goals_repository.goal_progress("测试汽车采标率90%", D(2018, 12, 31))
    # automotive main products in Jilin: P1 (adopts ISO 9001 through GB/T 19001 IDT), P2 not
    assert (found.numerator, found.denominator, found.value) == (1, 2, 0.5)
    # progress 0.5 / 0.9 = 0.556 against 0.5999 elapsed: less than 10 points below
    assert found.status == "at_risk"
    series = await goals_repository.goal_series("测试汽车采标率90%", D(2017, 12, 31), 6)
    assert [(p.date, p.value) for p in series.points] == [
        (D(2016, 6, 30), 0.0), (D(2016, 12, 31), 0.0), (D(2017, 6, 30), 0.0),
        (D(2017, 12, 31), 0.5)]


async def test_seed_goals_progress_json(client: httpx.AsyncClient, declared: None,
                                        settings: Settings) -> None:
    await goals_repository.install_seed_goals()
    for goal in await goals_repository.list_goals():
        if goal.source != "seed":
            continue
        done = stdtrack(settings, "goals", "progress", goal.name, "--as-of", "2015-06-30",
                        "--json")
        assert done.returncode == 0, done.stderr
        body = json.loads(done.stdout)
        assert {"goal", "metric", "as_of", "value", "target", "gap", "status",
                "time_elapsed", "forecast_date", "pipeline", "overdue"} <= set(body)
        assert body["goal"] == goal.name and body["as_of"] == "2015-06-30"
        assert body["status"] in ("achieved", "on_track", "at_risk", "behind")
