"""Benchmark of 标准查新 (``api.checks``): a list of 1,000 codes in mixed spellings checked
against a catalogue of 20,000 editions (target ≤ 2 s), and a 100-page PDF of normative
references read and checked (target ≤ 10 s), on each engine. One JSON line per engine:

    {"bench": "checks", "engine", "list": {"codes", "seconds", "codes_per_s"},
     "pdf": {"pages", "citations", "seconds"}, "calibration_s", "list_ratio", "pdf_ratio"}

``calibration_s`` times a fixed pure-Python workload (parsing 20,000 codes uncached) on the
same machine; the ratios (seconds / calibration) compare runs across machines. The timed
figures are the median of 3 runs.

Run from the project root: ``.venv/bin/python -m bench.bench_checks``.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from api.checks import check_file, check_text
from api.database import configure_engine, upgrade
from bench.engines import run_on_engines
from standards import codes, repository
from standards.db import close_engine, open_engine
from standards.schemas import StandardInput
from standards.settings import Settings

FAMILIES = 10_000  # two editions each: 20,000 standards
LIST_CODES = 1000
PDF_PAGES = 100
AS_OF = dt.date(2026, 6, 1)


def catalogue() -> list[StandardInput]:
    items = []
    for i in range(FAMILIES):
        prefix = "GB/T" if i % 3 else "GB"
        number = 30000 + i
        old, new = f"{prefix} {number}-2008", f"{prefix} {number}-2019"
        items.append(StandardInput(code=old, source="bench", title_zh=f"旧版标准 第{i}号",
                                   published_on=dt.date(2008, 3, 1),
                                   withdrawn_on=dt.date(2020, 1, 1)))
        items.append(StandardInput(code=new, source="bench", title_zh=f"新版标准 第{i}号",
                                   published_on=dt.date(2019, 6, 1),
                                   implemented_on=dt.date(2020, 1, 1), replaces=[old]))
    return items


def code_list(rng: random.Random) -> str:
    """1,000 codes as people paste them: dated, undated, full width, em dashes, unknown."""
    lines = []
    for i in range(LIST_CODES):
        n = 30000 + rng.randrange(FAMILIES + 500)  # some beyond the catalogue: not found
        prefix = "GB/T" if (n - 30000) % 3 else "GB"
        form = i % 5
        if form == 0:
            lines.append(f"{prefix} {n}-2008")
        elif form == 1:
            lines.append(f"{prefix} {n}")
        elif form == 2:
            text = f"{prefix} {n}-2019"
            lines.append("".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000"
                                 for c in text))
        elif form == 3:
            lines.append(f"按{prefix} {n}—2019的规定执行")
        else:
            lines.append(f"{prefix}{n}-2019 标准名称")
    return "\n".join(lines)


def normative_pdf(path: Path) -> int:
    """A PDF of ``PDF_PAGES`` pages of clause text and references; returns citations on it."""
    from fpdf import FPDF

    from api.pdf import FONT_FILE as FONT

    rng = random.Random(5)
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(FONT))
    pdf.set_font("cjk", size=9)
    cited = 0
    for _page in range(PDF_PAGES):
        pdf.add_page()
        for _line in range(12):
            n = 30000 + rng.randrange(FAMILIES)
            pdf.multi_cell(0, 5, f"本条款的试验方法按照GB/T {n}—2019的规定进行，检验规则见附录A，"
                                 f"包装标志应符合GB/T {n + 1}的要求。", new_x="LMARGIN",
                           new_y="NEXT")
            cited += 2
    pdf.output(str(path))
    return cited


def calibration() -> float:
    """Seconds to parse 20,000 codes uncached: pure Python, the same on every run."""
    samples = [f"GB/T {30000 + i}-{2000 + i % 20}" for i in range(20_000)]
    started = time.perf_counter()
    for sample in samples:
        codes._parse_uncached(sample)
    return time.perf_counter() - started


async def median_seconds(work: Callable[[], Awaitable[Any]], runs: int = 3
                         ) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        codes.clear_cache()
        started = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


async def run(settings: Settings, pdf_path: Path, pdf_citations: int) -> dict[str, Any]:
    engine = configure_engine(settings)
    await open_engine(engine)
    try:
        await upgrade()
        await repository.upsert_standards(catalogue())
        text = code_list(random.Random(3))
        list_s, report = await median_seconds(lambda: check_text(text, AS_OF))
        pdf_s, pdf_report = await median_seconds(
            lambda: check_file(pdf_path, AS_OF, settings.read_limits, source=pdf_path.name))
        assert pdf_report.found == pdf_citations, (pdf_report.found, pdf_citations)
        calibration_s = min(calibration() for _ in range(3))
        return {
            "list": {"codes": report.found, "distinct": report.distinct,
                     "seconds": round(list_s, 3), "codes_per_s": round(report.found / list_s),
                     "verdicts": {k: v for k, v in report.counts.items() if v}},
            "pdf": {"pages": PDF_PAGES, "citations": pdf_report.found,
                    "seconds": round(pdf_s, 3)},
            "calibration_s": round(calibration_s, 3),
            "list_ratio": round(list_s / calibration_s, 2),
            "pdf_ratio": round(pdf_s / calibration_s, 2),
        }
    finally:
        await close_engine(engine)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        pdf_path = home / "normative.pdf"
        cited = normative_pdf(pdf_path)
        run_on_engines("checks", home, lambda settings: run(settings, pdf_path, cited))


if __name__ == "__main__":
    main()
