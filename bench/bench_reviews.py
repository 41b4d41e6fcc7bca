"""The review clock, the implementation evaluation and the triage at a national scale, per
engine.

Generated data: BENCH_REVIEW_STANDARDS local standards (default 80,000) of four provinces
(DB22 holds half: a province-sized catalogue of 40,000), every tenth replaced by a later
edition and every twentieth withdrawn, a review for every fourth (继续有效, 修订 or 废止),
BENCH_REVIEW_NATIONAL national standards (default 5,000) on the same ICS codes (one in 25 on a
subject local standards cover), and
BENCH_REVIEW_DECLARATIONS declarations (default 1,000,000) of 100,000 products and normative
references between local standards of a province on one subject (one standard in eight
citing one to three others, the evaluation's citations) written straight into the tables.
Local titles combine a place, a subject and an aspect (12,000 titles), national ones a
subject and an aspect, so that the triage has overlaps to find.

Prints one JSON line per engine: the due list of DB22 (as of a day, 6 months) and of every
region, reviewed on time over 5 years, the evaluation of DB22 and its triage, in seconds;
and under ``same_run`` two calibration figures measured on the same data and machine (the
shared ``calibration`` of bench/engines.py is printed beside them): ``scan`` reads the columns
the due list needs for DB22 in one plain SELECT, ``python`` is a fixed pure-Python loop. The
ratios (``due_22 / scan``, ``due_22 / python``...) say what the clock costs over reading the
rows, whatever the machine.

BENCH_REVIEW_PARTS (default ``due,on_time,evaluation,triage``) picks what is timed after the
load (``evaluation`` also times a review file's evaluation and triage of one standard after
it): ``BENCH_REVIEW_PARTS=due BENCH_REVIEW_DECLARATIONS=1000`` times the due lists alone
(they read no declaration) after a short load.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from adoption import evaluation_repository, reviews_repository, triage_repository
from adoption.db import select
from adoption.tables import Declaration
from api.database import configure_engine, upgrade
from bench.engines import run_on_engines
from standards import repository
from standards.db import close_engine, insert_rows, open_engine, write_transaction
from standards.schemas import StandardInput
from standards.settings import Settings

LOCAL = int(os.environ.get("BENCH_REVIEW_STANDARDS", "80000"))
NATIONAL = int(os.environ.get("BENCH_REVIEW_NATIONAL", "5000"))
DECLARATIONS = int(os.environ.get("BENCH_REVIEW_DECLARATIONS", "1000000"))
PRODUCTS = max(1, DECLARATIONS // 10)
PARTS = set(os.environ.get("BENCH_REVIEW_PARTS", "due,on_time,evaluation,triage").split(","))
AS_OF = dt.date(2025, 6, 30)
SUBJECTS = ("人参 梅花鹿 玉米 水稻 大豆 林蛙 蓝莓 木耳 旅游景区 冰雪场地 "
            "养老机构 物业服务 餐饮服务 汽车维修 快递服务 农家乐 温泉 "
            "滑雪场 红色旅游 非物质文化遗产 社区服务 家政服务 中药材 食用菌 "
            "肉牛 生猪 鲜食玉米 寒地水稻 黑土地 秸秆").split()
ASPECTS = ("种植技术规程 养殖技术规程 服务规范 服务质量要求 等级划分与评定 "
           "管理规范 安全要求 质量分级 检验方法 建设指南").split()
PLACES = ("长白山 延边 松原 白城 通化 白山 四平 辽源 吉林 长春 查干湖 "
          "梨树 抚松 集安 珲春 敦化 榆树 农安 扶余 洮南 镇赉 大安 "
          "前郭 乾安 长岭 双辽 伊通 东丰 东辽 靖宇 临江 和龙 汪清 "
          "安图 图们 龙井 蛟河 桦甸 舒兰 磐石").split()
NATIONAL_SUBJECTS = ("钢管 电缆 水泥 玻璃 轴承 齿轮 阀门 泵 电机 变压器 塑料管材 "
                     "涂料 胶粘剂 纸板 纺织品 皮革 陶瓷砖 钢筋 铝合金型材 锂电池").split()
ICS = ("65.020 65.020.20 65.020.30 03.080 "
       "03.200 67.040 13.020 91.040").split()
PROVINCES = ["22", "22", "32", "31"]


def catalogue() -> list[StandardInput]:
    rng = random.Random(17)
    items: list[StandardInput] = []
    for i in range(LOCAL):
        province = PROVINCES[i % 4]
        year = 2008 + i % 17
        published = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(360))
        title = rng.choice(PLACES) + rng.choice(SUBJECTS) + rng.choice(ASPECTS)
        code = f"DB{province}/T {1000 + i}-{year}"
        withdrawn = published + dt.timedelta(days=2000) if i % 20 == 0 else None
        items.append(StandardInput(
            code=code, source="bench", title_zh=title, published_on=published,
            implemented_on=published + dt.timedelta(days=60), withdrawn_on=withdrawn,
            ics=[rng.choice(ICS)]))
        if i % 10 == 0 and year < 2022:
            later = year + 3
            items.append(StandardInput(
                code=f"DB{province}/T {1000 + i}-{later}", source="bench", title_zh=title,
                published_on=dt.date(later, 3, 1), implemented_on=dt.date(later, 6, 1),
                replaces=[code], ics=items[-1].ics))
    for i in range(NATIONAL):
        # one national standard in 25 is on a subject local standards also cover
        subject = rng.choice(SUBJECTS) if i % 25 == 0 else rng.choice(NATIONAL_SUBJECTS)
        items.append(StandardInput(
            code=f"GB/T {50000 + i}-{2010 + i % 15}", source="bench",
            title_zh=subject + rng.choice(ASPECTS),
            published_on=dt.date(2010 + i % 15, 5, 1), ics=[rng.choice(ICS)]))
    return items


async def write_reviews_and_declarations() -> dict[str, int]:
    rng = random.Random(23)
    rows = await select("SELECT id, code, effective_on FROM standard WHERE level = 'local' "
                        "AND effective_on IS NOT NULL ORDER BY id")
    engine = Declaration._meta.db
    now = dt.datetime.now(dt.UTC)
    reviews = []
    for index, row in enumerate(rows):
        if index % 4:
            continue
        start = dt.date.fromisoformat(str(row["effective_on"])[:10])
        day = start + dt.timedelta(days=rng.randrange(1200, 2100))
        if day <= AS_OF:
            reviews.append((row["id"], row["code"], day,
                            rng.choice(["continue", "continue", "revise", "abolish"]), "",
                            "bench", "bench", now, now))
    ids = [row["id"] for row in rows]
    references = await normative_references(rng)
    async with write_transaction(engine):
        await insert_rows(engine, "relation", [
            "subject_code", "kind", "object_code", "source", "subject", "object"], references)
        await insert_rows(engine, "standard_review", [
            "standard", "code", "reviewed_on", "conclusion", "note", "source", "recorded_by",
            "created_at", "updated_at"], reviews)
        enterprises = [(f"BENCH{i:013d}", f"企业{i}", "220102", "", "", now, now)
                       for i in range(PRODUCTS // 5 + 1)]
        await insert_rows(engine, "enterprise", ["uscc", "name", "region_code", "sector",
                                                 "key_fields", "created_at", "updated_at"],
                          enterprises)
        first = int((await select("SELECT MIN(id) AS n FROM enterprise"))[0]["n"])
        await insert_rows(engine, "product", [
            "enterprise", "name", "model", "category", "main", "sector", "registered_on",
            "created_at", "updated_at"],
            [(first + i // 5, f"产品{i}", "", "", True, "", dt.date(2020, 1, 1), now, now)
             for i in range(PRODUCTS)])
        product_first = int((await select("SELECT MIN(id) AS n FROM product"))[0]["n"])
        chunk: list[tuple[Any, ...]] = []
        columns = ["product", "enterprise", "declared_code", "code_key", "undated", "standard",
                   "declared_on", "source", "created_at", "updated_at"]
        per_product = max(1, DECLARATIONS // PRODUCTS)
        popular = max(1, len(ids) // 20)  # a third of the declarations go to 5 % of them
        for product in range(PRODUCTS):
            picks: set[int] = set()
            while len(picks) < min(per_product, len(ids)):
                picks.add(ids[rng.randrange(popular) if len(picks) % 3 == 0
                              else rng.randrange(len(ids))])
            for number, standard in enumerate(sorted(picks)):
                chunk.append((product_first + product, first + product // 5, "bench",
                              f"bench-{standard}", False, standard,
                              dt.date(2020 + number % 5, 1 + product % 12, 1), "bench",
                              now, now))
            if len(chunk) >= 20_000:
                await insert_rows(engine, "declaration", columns, chunk)
                chunk = []
        await insert_rows(engine, "declaration", columns, chunk)
    return {"reviews": len(reviews), "references": len(references), "products": PRODUCTS,
            "declarations": DECLARATIONS}


async def normative_references(rng: random.Random) -> list[tuple[Any, ...]]:
    """Normative references between local standards, written straight into ``relation``
    (kind ``references``: the evaluation's citations): one standard in eight refers to one
    to three others of its province on the same subject (a service quality standard citing
    the service specification, a grading standard the planting one)."""
    rows = await select("SELECT id, normalized_code, title_zh, region_code FROM standard "
                        "WHERE level = 'local' ORDER BY id")
    peers: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        subject = next((word for word in SUBJECTS if word in (row["title_zh"] or "")), "")
        row["peers"] = peers.setdefault(((row["region_code"] or "")[:2], subject), [])
        row["peers"].append(row)
    references: dict[tuple[str, str], tuple[Any, ...]] = {}
    for index, row in enumerate(rows):
        if index % 8:
            continue
        for cited in rng.sample(row["peers"], min(len(row["peers"]), rng.randint(1, 3))):
            if cited["id"] != row["id"]:
                references[(row["normalized_code"], cited["normalized_code"])] = (
                    row["normalized_code"], "references", cited["normalized_code"], "bench",
                    row["id"], cited["id"])
    return list(references.values())


def python_calibration() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i % 7
    assert total > 0
    return time.perf_counter() - started


async def timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await work
    return round(time.perf_counter() - started, 3), result


async def run(settings: Settings) -> dict[str, Any]:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        started = time.perf_counter()
        await repository.upsert_standards(catalogue())
        written = await write_reviews_and_declarations()
        if engine.engine_type == "postgres":
            # what autovacuum does after a bulk load: statistics, and the visibility map that
            # lets the evaluation's declaration counts read their index alone
            await select("VACUUM ANALYZE")
        figures: dict[str, Any] = {"local_standards": LOCAL, "national": NATIONAL, **written,
                                   "load_seconds": round(time.perf_counter() - started, 1)}
        scan, rows = await timed(select(
            "SELECT id, code, title_zh, region_code, effective_on, withdrawn_on, "
            "withdrawn_undated, upcoming_undated FROM standard WHERE level = 'local' "
            "AND region_code >= '22' AND region_code < '23'"))
        python = round(python_calibration(), 3)
        figures["same_run"] = {"scan_22_seconds": scan, "scan_rows": len(rows),
                               "python_seconds": python}
        ratios: dict[str, float] = {}
        if "due" in PARTS:
            due_22, report = await timed(
                reviews_repository.due_report("22", as_of=AS_OF, within=6))
            due_all, everything = await timed(reviews_repository.due_report(None, as_of=AS_OF))
            figures["due_22"] = {"seconds": due_22, "standards": report.standards,
                                 "due": report.due, "overdue": report.overdue}
            figures["due_all"] = {"seconds": due_all, "standards": everything.standards,
                                  "overdue": everything.overdue}
            ratios.update({"due_22/scan": round(due_22 / max(scan, 1e-6), 1),
                           "due_22/python": round(due_22 / max(python, 1e-6), 2),
                           "due_all/python": round(due_all / max(python, 1e-6), 2)})
        if "on_time" in PARTS:
            on_time, rate = await timed(reviews_repository.on_time_report(
                "22", dt.date(2020, 1, 1), dt.date(2024, 12, 31), AS_OF))
            figures["on_time_22"] = {"seconds": on_time, "rate": rate.rate,
                                     "denominator": rate.denominator}
        if "evaluation" in PARTS:
            evaluation, graded = await timed(evaluation_repository.evaluate_region("22", AS_OF))
            figures["evaluation_22"] = {
                "seconds": evaluation, "standards": graded.standards, "grades": graded.grades,
                "cited": sum(1 for i in graded.items if i.signals["citations"])}
            ratios["evaluation_22/python"] = round(evaluation / max(python, 1e-6), 2)
            # a review file after it: one standard's signals, the thresholds kept
            one = graded.items[len(graded.items) // 2].standard_id
            single, _ = await timed(evaluation_repository.evaluate_standard(one, AS_OF))
            judged_one, _ = await timed(triage_repository.triage_region("22", AS_OF, only=one))
            figures["review_file_22"] = {"evaluation_seconds": single,
                                         "triage_seconds": judged_one}
        if "triage" in PARTS:
            triage, judged = await timed(triage_repository.triage_region("22", AS_OF))
            figures["triage_22"] = {"seconds": triage, "candidates": judged.candidates,
                                    "by_action": judged.by_action}
            ratios["triage_22/python"] = round(triage / max(python, 1e-6), 2)
        figures["ratios"] = ratios
        figures["targets_seconds"] = {"due": 1, "evaluation": 5, "triage": 30}
        return figures
    finally:
        await close_engine(engine)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run_on_engines("reviews", Path(tmp), run)


if __name__ == "__main__":
    main()
