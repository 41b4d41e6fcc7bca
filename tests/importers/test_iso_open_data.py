"""ISO Open Data deliverables, as a JSON document or JSON lines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from standards.vocab import Status
from tests.importers.helpers import data, read


def test_62085_is_iso_9001_2015_with_its_replaces_ids() -> None:
    result = read(data("iso-open-data/62085.json"))
    assert result.format == "iso-open-data"
    record = result.one("ISO 9001:2015")
    assert result.outcomes[0].location == "62085.json:/"
    assert record.status is Status.CURRENT and record.status_text == "90.92"
    assert record.published_on == dt.date(2015, 9, 22)
    assert record.ics == ["03.120.10", "03.100.70"]
    assert record.technical_committee == "ISO/TC 176/SC 2"
    # ISO Open Data gives project ids, not codes: kept verbatim.
    assert record.extra["replaces_ids"] == "46486; 54538"
    assert record.extra["replaced_by_ids"] == "88464"
    assert record.extra["edition"] == "5"
    assert record.source_url == "https://www.iso.org/standard/62085.html"
    assert record.scope and record.scope.startswith("ISO 9001:2015 specifies requirements")
    assert "<p>" not in record.scope


def test_json_lines_deliverables_including_an_amendment() -> None:
    result = read(data("iso-open-data/88821-88915.jsonl"))
    assert [r.code for r in result.records] == [
        "ISO/TR 7035-2:2024",
        "ISO/IEC 19566-7:2022/Amd 1:2025",
    ]
    assert [o.location for o in result.outcomes] == [
        "88821-88915.jsonl:line 1",
        "88821-88915.jsonl:line 2",
    ]
    assert result.records[1].extra["supplement_type"] == "Amd"


def test_a_deliverable_under_development_is_rejected_plainly(tmp_path: Path) -> None:
    entry = json.loads(data("iso-open-data/88821.json").read_text(encoding="utf-8"))
    entry.update(reference="ISO/DIS 1234", currentStage=4020)
    path = tmp_path / "dis.json"
    path.write_text(json.dumps(entry), encoding="utf-8")
    result = read(path)
    assert result.records == []
    assert result.rejected[0].reason == (
        "ISO/DIS 1234 is under development (stage 40.20, enquiry), not a published standard"
    )
