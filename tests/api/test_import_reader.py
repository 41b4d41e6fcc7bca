"""Large files are read, mapped and prepared in a reader process while the importing process
writes: the same records and the same catalogue as reading them in-process, damage reported."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pytest

from api.imports import ImportOptions, import_files
from api.read_worker import (
    BATCH,
    WORKER_THRESHOLD,
    YOUNG_THRESHOLD,
    ReaderProcess,
    fewer_collections,
    prepare_batch,
)
from importers import read_file
from standards import repository as repo
from standards.settings import Settings
from standards.vocab import Status

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = (DATA / "relaton-data-iec" / "iec_sample_2000.jsonl",
           DATA / "relaton-data-jis" / "jis_sample_2000.jsonl")


def catalogue(tmp_path: Path) -> Path:
    """The IEC and JIS samples as one compact file, large enough for the reader process."""
    path = tmp_path / "iec_jis_compact.jsonl"
    path.write_bytes(b"".join(sample.read_bytes() for sample in SAMPLES))
    assert path.stat().st_size >= WORKER_THRESHOLD
    return path


def test_the_reader_process_prepares_what_this_process_would(tmp_path: Path) -> None:
    path = catalogue(tmp_path)
    outcomes = list(read_file(path))
    assert len(outcomes) == 4000
    expected = [prepare_batch(outcomes[start : start + BATCH])
                for start in range(0, len(outcomes), BATCH)]
    reader = ReaderProcess([(path, "relaton-compact", None)])
    try:
        received = list(reader.batches(0))
    finally:
        reader.close()
    assert received == expected
    first = received[0].records[0]
    assert (first.code, first.key, first.source) == ("CISPR 12:1975", "CISPR 12:1975",
                                                      "relaton-data-iec")


async def test_a_large_file_imports_through_the_reader_process(
    settings: Settings, tmp_path: Path
) -> None:
    path = catalogue(tmp_path)
    thresholds = gc.get_threshold()
    first = await import_files([path], ImportOptions(actor="test"), settings.archive_dir)
    assert gc.get_threshold() == thresholds  # raised while writing, then restored
    assert first.created + first.updated + first.unchanged + len(first.rejected) == 4000
    assert first.created == await repo.count_standards()
    assert first.files[0]["records"] == 4000 and first.files[0]["source"] == "relaton-data-iec"
    assert all(r["location"].startswith("iec_jis_compact.jsonl:line ") for r in first.rejected)

    # line 9 of the file (of the IEC sample)
    receivers = await repo.find_standard("CISPR 20:1998")
    assert receivers.title_en.startswith("Sound and television broadcast receivers")
    assert receivers.published_on == dt.date(1998, 8, 19)
    assert receivers.withdrawn_on == dt.date(2002, 2, 26)
    assert receivers.status is Status.WITHDRAWN and receivers.ics == ["33.100.20"]
    # line 2002 (line 2 of the JIS sample)
    aggregates = await repo.find_standard("JIS A 1110:2020")
    assert aggregates.title_en == (
        "Methods of test for density and water absorption of coarse aggregates")
    assert aggregates.published_on == dt.date(2020, 1, 27)
    assert aggregates.ics == ["91.100.30"] and aggregates.status is Status.CURRENT

    again = await import_files([path], ImportOptions(actor="test"), settings.archive_dir)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created + first.updated + first.unchanged
    assert again.rejected == first.rejected


async def test_a_large_file_cut_short_keeps_the_rows_before_and_says_where(
    settings: Settings, tmp_path: Path
) -> None:
    whole = catalogue(tmp_path).read_bytes()
    path = tmp_path / "cut.jsonl"
    path.write_bytes(whole[: len(whole) - 200])  # the last line loses its end
    report = await import_files([path], ImportOptions(actor="test"), settings.archive_dir)
    [failure] = report.failures
    assert failure.startswith("cut.jsonl: ") and "truncated: line 4000 is cut short" in failure
    # every row before the damage is kept, the last partial batch too, and the message says so
    kept = report.created + report.updated + report.unchanged
    assert kept == 3999 - (len(report.rejected) - 1) and kept > 3900
    assert f"the {kept} rows before it were kept in batch {report.batch_id}" in failure
    assert report.files[0]["records"] == 3999 and "truncated" in report.files[0]["error"]
    batch = await repo.get_batch(report.batch_id)
    assert (batch["state"], batch["created"]) == ("failed", await repo.count_standards())
    assert batch["message"] == failure and batch["report"]["failures"] == [failure]


def test_the_collector_runs_less_while_imports_write_and_as_before_after() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        with fewer_collections():  # imports may overlap
            assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
        assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
    assert gc.get_threshold() == before
