"""The pieces of `make bench` / `make bench-scale` that figures rest on: the province generator
gives data the real importers accept, the raw-insert limit copies every row and leaves nothing
behind, the summary finds every ratio."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from piccolo.engine.base import Engine

from adoption.uscc import normalize_uscc
from bench.calibration import calibrate, ratio
from bench.province import Sizes, province_regions, write_catalogue, write_declarations
from bench.raw import raw_insert_limit
from bench.run import ratios_of
from bench.scale import split_lines
from standards import db, repository
from standards.codes import parse_code
from standards.schemas import StandardInput

pytestmark = pytest.mark.anyio


def test_a_scaled_province_has_its_sizes_and_parseable_shapes(tmp_path: Path) -> None:
    sizes = Sizes.of(0.002)
    assert (sizes.products, sizes.declarations, sizes.enterprises) == (1200, 4000, 120)
    catalogue = tmp_path / "catalogue.jsonl"
    codes = write_catalogue(catalogue, sizes, 0.002)
    records = [json.loads(line) for line in catalogue.read_text("utf-8").splitlines()]
    assert len(records) == len(codes) == sizes.generated(0.002) == 2000 - 214
    levels = {parse_code(record["code"]).level.value for record in records}
    assert {"national", "industry", "local", "group", "enterprise"} <= levels
    assert all(record["title_zh"] for record in records)
    assert any(record.get("replaces") for record in records)
    declarations = tmp_path / "declarations.csv"
    declared = write_declarations(declarations, sizes, codes, province_regions())
    with declarations.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == sizes.products and declared == sizes.declarations
    assert len({row["统一社会信用代码"] for row in rows}) == sizes.enterprises
    assert all(normalize_uscc(row["统一社会信用代码"]) for row in rows[:50])
    assert all(row["行政区划代码"].startswith("32") for row in rows)
    parts = split_lines(declarations, 500, header=True)
    assert [len(p.read_text("utf-8").splitlines()) for p in parts] == [501, 501, 201]
    assert not declarations.exists()


async def test_the_raw_limit_copies_every_row_and_drops_its_shadow(engine: Engine) -> None:
    await repository.upsert_standards([
        StandardInput(code=f"DB32/T {4100 + i}-2024", source="test", title_zh=f"原始写入 {i}",
                      replaces=[f"DB32/T {4100 + i}-2019"]) for i in range(30)])
    async with engine.transaction():
        stored = (await db.fetch(engine, "SELECT count(*) AS n FROM standard", []))[0]["n"]
    figures = await raw_insert_limit(engine, ["standard", "relation"])
    assert figures["tables"]["standard"]["rows"] == stored >= 30
    assert figures["tables"]["relation"]["rows"] >= 30
    assert figures["rows"] == sum(t["rows"] for t in figures["tables"].values())
    assert figures["method"] == ("COPY" if engine.engine_type == "postgres" else "executemany")
    async with engine.transaction():
        left = await db.fetch(engine, "SELECT count(*) AS n FROM standard", [])
        assert left[0]["n"] == stored
        with pytest.raises(Exception, match="raw_standard"):
            await db.fetch(engine, "SELECT count(*) FROM raw_standard", [])


def test_the_summary_gathers_every_ratio() -> None:
    figure = {"engine": "postgres", "first": {"share_of_raw": 0.4, "seconds": 3},
              "share_of_bare": 0.2, "latency": [{"kind": "en"}],
              "p95_ratio_to_tantivy": {"whoosh": {"en": 12.0}}}
    assert ratios_of(figure, "bench_import.postgres") == {
        "bench_import.postgres.first.share_of_raw": 0.4,
        "bench_import.postgres.share_of_bare": 0.2,
        "bench_import.postgres.p95_ratio_to_tantivy": {"whoosh": {"en": 12.0}}}
    assert ratio(1.0, 4.0) == 0.25 and ratio(None, 1.0) is None and ratio(1.0, 0) is None
    assert calibrate(rounds=1)["units_per_s"] > 0


async def test_the_raw_limit_with_foreign_keys_checks_them(engine: Engine) -> None:
    await repository.upsert_standards([
        StandardInput(code=f"DB32/T {4200 + i}-2024", source="test", title_zh=f"外键写入 {i}",
                      replaces=[f"DB32/T {4200 + i}-2019"]) for i in range(10)])
    figures = await raw_insert_limit(engine, ["standard", "relation"], foreign_keys=True)
    assert figures["tables"]["relation"]["rows"] >= 10 and figures.get("foreign_keys") is True
    if engine.engine_type == "postgres":
        # the shadow of relation refers to the real standard table: a row naming a standard
        # that does not exist is refused, as it is by relation itself
        from bench.raw import _shadow

        shadow = await _shadow(engine, "relation", foreign_keys=True)
        try:
            with pytest.raises(Exception, match="foreign key"):
                async with engine.transaction():
                    await db.fetch(engine, f"INSERT INTO {shadow} (subject, subject_code, kind, "
                                   "object_code) VALUES (?, ?, ?, ?)",
                                   [10**9, "X 1-2020", "replaces", "X 1-2019"])
        finally:
            async with engine.transaction():
                await db.fetch(engine, f"DROP TABLE IF EXISTS {shadow}", [])
