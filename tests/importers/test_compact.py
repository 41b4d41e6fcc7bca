"""The compact JSON lines of relaton-data-iso / -iec / -jis."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from collections import Counter
from pathlib import Path

import pytest

from importers.compact import read_compact
from importers.errors import MappingError
from importers.mapping import map_compact_record, map_record
from importers.profiles import PROFILES
from importers.sources import SourceFile
from standards.vocab import Status
from tests.importers.helpers import data, read

SAMPLES = [
    "relaton-data-iso/iso_sample_2000.jsonl",
    "relaton-data-iec/iec_sample_2000.jsonl",
    "relaton-data-jis/jis_sample_2000.jsonl",
]


def test_iso_sample_rejects_only_drafts_and_directives() -> None:
    result = read(data(SAMPLES[0]))
    assert result.format == "relaton-compact" and result.source == "relaton-data-iso"
    assert len(result.outcomes) == 2000
    assert len(result.records) == 1976
    explained = (
        "is under development (stage",
        "is under publication (stage 60.00)",
        "belongs to the ISO/IEC Directives",
    )
    for outcome in result.rejected:
        reason = outcome.reason or ""
        assert any(text in reason for text in explained), reason
    directives = [o for o in result.rejected if "Directives" in (o.reason or "")]
    assert len(directives) == 1


def test_iso_compact_record_values() -> None:
    result = read(data(SAMPLES[0]))
    old = result.one("IEC 60086-3:2011")
    assert old.status is Status.WITHDRAWN and old.status_text == "95.99"
    assert old.published_on == dt.date(2011, 1, 1)
    assert old.extra["published_precision"] == "month"
    assert old.replaced_by == ["IEC 60086-3:2016"]
    assert old.technical_committee == "ISO/TC 114"
    current = result.one("IEC 60086-3:2021")
    assert current.status is Status.CURRENT
    assert current.replaces == ["IEC 60086-3:2016"]
    assert current.replaced_by == []
    assert current.extra["amended_by"] == "IEC 60086-3:2021/Cor 1:2023"
    assert current.source_url == "https://www.iso.org/standard/83154.html"
    amendment = next(o for o in result.outcomes if o.location == "iso_sample_2000.jsonl:line 4")
    assert amendment.record is not None and amendment.record.code == "IEC 60086-3:2021/Cor 1:2023"
    assert amendment.record.extra["published_precision"] == "year"


def test_iec_sample_rejects_white_papers_and_catalogue_entries() -> None:
    result = read(data(SAMPLES[1]))
    assert result.source == "relaton-data-iec"
    assert len(result.records) == 1994
    assert sorted(Counter((o.reason or "").split(" (doctype")[1] for o in result.rejected)) == [
        " 'sttr')",
        " 'tec')",
        " 'wp')",
    ]
    revised = result.one("CISPR 12:1975")
    assert revised.status is Status.WITHDRAWN and revised.status_text == "REVISED"
    assert revised.withdrawn_on == dt.date(1978, 1, 1)
    assert revised.extra["stable_until"] == "1978-01-01"


def test_jis_sample_reads_completely() -> None:
    result = read(data(SAMPLES[2]))
    assert result.source == "relaton-data-jis"
    assert len(result.records) == 2000
    record = result.one("JIS A 1110:2020")
    assert record.status is Status.CURRENT
    assert record.published_on == dt.date(2020, 1, 27)
    assert record.extra["confirmed"] == "2024-10-25"
    assert record.extra["title_ja"] == "粗骨材の密度及び吸水率試験方法"


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_unrolled_compact_mapper_equals_the_generic_mapping(sample: str) -> None:
    profile = PROFILES["relaton-compact"]
    reading = read_compact(SourceFile(data(sample)))
    for raw in reading.records:
        try:
            fast = map_compact_record(raw, profile, reading.source)
        except MappingError as exc:
            with pytest.raises(MappingError) as generic:
                map_record(raw, profile, reading.source)
            assert generic.value.reason == exc.reason
            continue
        assert fast == map_record(raw, profile, reading.source), raw.location


def test_gzip_compressed_compact_file_streams(tmp_path: Path) -> None:
    target = tmp_path / "iso.jsonl.gz"
    with data(SAMPLES[0]).open("rb") as plain, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(plain, packed)
    result = read(target)
    assert result.format == "relaton-compact"
    assert len(result.records) == 1976
