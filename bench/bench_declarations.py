"""Bulk self-declaration import: 300,000 products and 1,000,000 declarations, per engine.

Generated data: valid credit codes (both check characters) of enterprises in real Jilin and
Jiangsu counties (GB/T 2260), 3-4 standards per product in every spelling (canonical, compact,
full-width, lower case, undated), 3 % of them unknown to the catalogue, declared against a
generated catalogue of 20,000 editions in which a third of the families were replaced (so the
import raises alerts). Prints one JSON line per engine: the first import (records/s counts
declarations), the re-import (nothing changes) and a full alert refresh at that size.

Sizes: BENCH_PRODUCTS and BENCH_DECLARATIONS (default 300000 and 1000000).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from adoption import repository as adoption_repository
from adoption.regions import region_names
from adoption.uscc import make_uscc
from api.database import configure_engine, upgrade
from api.declaration_imports import import_declarations
from bench.calibration import ratio
from bench.engines import run_on_engines
from bench.raw import DECLARATION_TABLES, raw_insert_limit
from standards import repository
from standards.db import close_engine, open_engine
from standards.schemas import StandardInput
from standards.settings import Settings

PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "300000"))
DECLARATIONS = int(os.environ.get("BENCH_DECLARATIONS", "1000000"))
FAMILIES = 5000
HEADER = ["统一社会信用代码", "企业名称", "行政区划代码", "行业", "重点领域", "产品名称",
          "产品型号", "产品分类", "主要产品", "执行标准", "公开日期"]
WORDS = ["制动", "转向", "变速", "密封", "滤清", "轴承", "传感", "电机", "泵", "阀", "人参",
         "大米", "饮料", "纺织", "钢管", "涂料", "树脂", "电缆", "光伏", "电池"]
SECTORS = ["C36 汽车制造业", "C26 化学原料和化学制品制造业", "C13 农副食品加工业",
           "C38 电气机械和器材制造业", "C17 纺织业"]
KEY_FIELDS = ["汽车", "石化", "汽车;石化", "食品", "", "", ""]


def catalogue() -> tuple[list[StandardInput], list[str]]:
    """Editions and the dated codes enterprises declare (old replaced editions included)."""
    items: list[StandardInput] = []
    codes: list[str] = []
    for i in range(FAMILIES):
        number = 30000 + i
        if i % 3 == 0:  # replaced: the 2008 edition was withdrawn when the 2019 one came in
            items.append(StandardInput(code=f"GB/T {number}-2008", source="bench",
                                       title_zh=f"产品通用技术条件 第{i}号",
                                       implemented_on=dt.date(2008, 11, 1),
                                       withdrawn_on=dt.date(2019, 10, 1)))
            items.append(StandardInput(code=f"GB/T {number}-2019", source="bench",
                                       title_zh=f"产品通用技术条件 第{i}号",
                                       implemented_on=dt.date(2019, 10, 1),
                                       replaces=[f"GB/T {number}-2008"]))
            codes += [f"GB/T {number}-2008", f"GB/T {number}-2019"]
        else:
            items.append(StandardInput(code=f"GB/T {number}-2016", source="bench",
                                       title_zh=f"产品技术要求 第{i}号",
                                       implemented_on=dt.date(2017, 7, 1)))
            codes.append(f"GB/T {number}-2016")
    for i in range(FAMILIES):
        for code in (f"DB22/T {1000 + i}-2020", f"DB32/T {3000 + i}-2021",
                     f"QC/T {500 + i}-2017"):
            items.append(StandardInput(code=code, source="bench", title_zh=f"地方标准 {code}",
                                       implemented_on=dt.date(2021, 3, 1)))
            codes.append(code)
    return items, codes


def spelled(code: str, rng: random.Random) -> str:
    """The same code the way enterprises type it."""
    roll = rng.random()
    if roll < 0.60:
        return code
    if roll < 0.75:
        return code.replace("/", "").replace(" ", "")
    if roll < 0.87:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in code)
    if roll < 0.97:
        return code.lower().replace("-", "—")
    return code.rsplit("-", 1)[0]  # undated: the edition in force


def write_declarations(path: Path, codes: list[str]) -> int:
    rng = random.Random(2026)
    regions = [code for code in region_names()
               if code[:2] in ("22", "32") and not code.endswith("00")]
    enterprises: list[list[str]] = []
    serial = 0
    # 3 or 4 standards per product (a few with 1 to 6), DECLARATIONS in all
    counts = [DECLARATIONS // PRODUCTS] * PRODUCTS
    for index in rng.sample(range(PRODUCTS), DECLARATIONS % PRODUCTS):
        counts[index] += 1
    for _ in range(PRODUCTS // 20):
        giver, taker = rng.randrange(PRODUCTS), rng.randrange(PRODUCTS)
        if counts[giver] > 1 and counts[taker] < 6:
            counts[giver] -= 1
            counts[taker] += 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index, count in enumerate(counts):
            if not enterprises or rng.random() < 0.2:
                serial += 1
                region = rng.choice(regions)
                enterprises.append([
                    make_uscc(region, f"{serial:08d}"), f"测试企业{serial}有限公司", region,
                    rng.choice(SECTORS), rng.choice(KEY_FIELDS)])
            company = enterprises[-1] if rng.random() < 0.9 else rng.choice(enterprises)
            standards = [spelled(code, rng) for code in rng.sample(codes, count)]
            for position in range(count):
                if rng.random() < 0.03:  # a code the catalogue does not hold
                    standards[position] = f"GB/T {90000 + (index + position) % 9000}-2015"
            day = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(2400))
            written = (day.isoformat() if rng.random() < 0.7
                       else f"{day.year}年{day.month}月{day.day}日")
            writer.writerow([*company, f"{rng.choice(WORDS)}{rng.choice(WORDS)}产品{index}",
                             f"M-{index % 97}", "工业产品", "是" if index % 4 == 0 else "否",
                             ";".join(standards), written])
    return sum(counts)


async def run(settings: Settings, source: Path, declared: int) -> dict:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        items, _codes = catalogue()
        await repository.upsert_standards(items)
        figures: dict = {"products": PRODUCTS, "declarations": declared}
        for label in ("first", "again"):
            marks: list[float] = []
            started = time.perf_counter()
            report = await import_declarations(
                [source], actor="bench", archive_dir=settings.archive_dir,
                progress=lambda _rows, marks=marks: marks.append(time.perf_counter()))
            seconds = time.perf_counter() - started
            written = (marks[-1] if marks else time.perf_counter()) - started
            result = report.as_dict()
            entry = {"seconds": round(seconds, 1),
                     "records_per_s": round(declared / seconds),
                     "rows_per_s": round(PRODUCTS / seconds),
                     "created": result["created"], "updated": result["updated"],
                     "unchanged": result["unchanged"], "rejected": len(result["rejected"]),
                     "tallies": {kind: result[kind] for kind in (
                         "enterprises", "products", "declarations", "alerts")}}
            if label == "first":
                # the limit: the same enterprise, product, declaration and alert rows by COPY /
                # executemany into tables like ours (foreign keys included), against the
                # import's writing (the facts it computes after)
                raw = await raw_insert_limit(engine, DECLARATION_TABLES, foreign_keys=True)
                entry.update(seconds_written=round(written, 1), raw=raw,
                             share_of_raw=ratio(raw["seconds"], written))
                figures.update(entry)
            else:
                figures["again"] = entry
        started = time.perf_counter()
        refreshed = await adoption_repository.refresh_alerts()
        figures["refresh_alerts"] = {"seconds": round(time.perf_counter() - started, 1),
                                     **refreshed.as_dict()}
        return figures
    finally:
        await close_engine(engine)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        source = home / "declarations.csv"
        _items, codes = catalogue()
        declared = write_declarations(source, codes)
        run_on_engines("declarations_import", home,
                       lambda settings: run(settings, source, declared))


if __name__ == "__main__":
    main()
