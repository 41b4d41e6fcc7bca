"""Drafting plans, domains and goal progress at a provincial scale, per engine.

Generated data: a catalogue of BENCH_GOAL_STANDARDS editions (default 100,000; a fifth of them
DB22 / DB32 local standards of 2011–2015, titles with service, ginseng or culture words, ICS
and CCS codes), and a drafting plan of BENCH_GOAL_PROJECTS projects (default 3,000) with four
stage rows each, a quarter of them published with a code the catalogue holds. Prints one JSON
line per engine: the full domain refresh, the plan import (first, again), a count goal's
progress as of a day and its monthly burn-up series (60 points).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from adoption import domains_repository, goals_repository
from adoption.goals import GoalInput
from adoption.vocab import Domain
from api.database import configure_engine, upgrade
from api.drafting_imports import import_drafting_plans
from bench.engines import run_on_engines
from standards import repository
from standards.db import close_engine, open_engine
from standards.schemas import StandardInput
from standards.settings import Settings

STANDARDS = int(os.environ.get("BENCH_GOAL_STANDARDS", "100000"))
PROJECTS = int(os.environ.get("BENCH_GOAL_PROJECTS", "3000"))
WORDS = ["旅游服务规范", "养老服务质量", "人参种植技术规程", "动漫产品要求", "钢管", "物流服务",
         "梅花鹿养殖", "餐饮服务", "电缆", "文化创意园区管理"]
STAGES = ["立项", "起草", "征求意见", "审查", "报批"]


def catalogue() -> list[StandardInput]:
    rng = random.Random(7)
    items = []
    for i in range(STANDARDS):
        if i % 5 == 0:
            province = "22" if i % 10 == 0 else "32"
            year = 2011 + (i // 10) % 5
            code = f"DB{province}/T {1000 + i // 5}-{year}"
            published = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(360))
        else:
            code = f"GB/T {40000 + i}-{2000 + i % 20}"
            published = dt.date(2000 + i % 20, 6, 1)
        items.append(StandardInput(
            code=code, source="bench", title_zh=f"{rng.choice(WORDS)} 第{i}号",
            published_on=published, ics=[rng.choice(["03.080", "65.020", "77.140", "97.200"])],
            ccs=rng.choice(["A16", "B31", "H48", None])))
    return items


def write_plan(path: Path) -> None:
    rng = random.Random(11)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["计划编号", "计划年度", "项目名称", "制修订", "行政区划代码", "领域",
                         "完成期限", "阶段", "阶段日期", "标准号"])
        for i in range(PROJECTS):
            year = 2011 + i % 5
            start = dt.date(year, 3, 1)
            published = i % 4 == 0
            # the catalogue's DB22 edition number 10 * i (see catalogue())
            code = f"DB22/T {1000 + i * 2}-{2011 + i % 5}" if published else ""
            base = [f"22-{year}-{i:05d}", year, f"{rng.choice(WORDS)} 项目{i}",
                    rng.choice(["制定", "修订"]), "220000",
                    rng.choice(["服务业", "特色资源", "文化产业"]), f"{year + 1}-12-31"]
            for step, stage in enumerate(STAGES[: 1 + i % 5]):
                writer.writerow([*base, stage, (start + dt.timedelta(days=40 * step)).isoformat(),
                                 ""])
            if published:
                writer.writerow([*base, "发布", f"{year + 1}-06-30", code])


async def run(settings: Settings, plan: Path) -> dict:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        await repository.upsert_standards(catalogue())
        figures: dict = {"standards": STANDARDS, "projects": PROJECTS}
        started = time.perf_counter()
        refreshed = await domains_repository.refresh_standard_domains()
        figures["refresh_domains"] = {"seconds": round(time.perf_counter() - started, 2),
                                      "tagged": refreshed.tagged}
        for label in ("import_first", "import_again"):
            started = time.perf_counter()
            report = await import_drafting_plans([plan], actor="bench",
                                                 archive_dir=settings.archive_dir)
            result = report.as_dict()
            figures[label] = {"seconds": round(time.perf_counter() - started, 2),
                              "created": result["created"], "updated": result["updated"],
                              "unchanged": result["unchanged"]}
        await goals_repository.save_goal(GoalInput(
            name="bench service", metric="local-standards", target=3000, region="22",
            domain=Domain.SERVICE, start_on=dt.date(2011, 1, 1), deadline=dt.date(2015, 12, 31)))
        started = time.perf_counter()
        progress = await goals_repository.goal_progress("bench service", dt.date(2014, 6, 30))
        figures["progress"] = {"seconds": round(time.perf_counter() - started, 3),
                               "value": progress.value, "overdue": progress.overdue}
        started = time.perf_counter()
        series = await goals_repository.goal_series("bench service", dt.date(2016, 1, 1))
        figures["series"] = {"seconds": round(time.perf_counter() - started, 3),
                             "points": len(series.points)}
        return figures
    finally:
        await close_engine(engine)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        plan = home / "plan.csv"
        write_plan(plan)
        run_on_engines("goals", home, lambda settings: run(settings, plan))


if __name__ == "__main__":
    main()
