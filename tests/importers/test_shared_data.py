"""Every file of shared/data: catalogues read with only explained rejections, other files are
refused with a clear message. Reads the full ISO / IEC / JIS compact files (~107,000 lines)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from importers import read_file
from importers.errors import ColumnMappingError, ImporterError, UnknownFormatError

EXPLAINED = (
    "is under development (stage",
    "is under publication (stage 60.00)",
    "belongs to the ISO/IEC Directives",
    "is a standardization plan project (国标计划",
    "an empty metadata template",
    "(doctype 'wp')",
    "(doctype 'tec')",
    "(doctype 'sttr')",
    "(doctype 'tmop')",
    "(doctype 'other')",
)

# Files that hold no standards metadata, and how they are turned away.
NOT_CATALOGUES = {
    "cnccs/cat-level1.csv": ColumnMappingError,
    "cnccs/cat-level2.csv": ColumnMappingError,
    "cnccs/cat-level3.csv": ColumnMappingError,
    "gb2260/revisions.json": UnknownFormatError,
    "iso-open-data/ICS-simple.xml": UnknownFormatError,
    "iso-open-data/harmonized_stage_code.json": UnknownFormatError,
    "iso-open-data/iso_technical_committees.jsonl": UnknownFormatError,
    "isoics/ics.jsonl": UnknownFormatError,
    "relaton-gb/relaton/prefixes.yaml": UnknownFormatError,
}

ACCEPTED = {
    "relaton-data-iso/iso_compact_all.jsonl.gz": (52353, 1003),
    "relaton-data-iec/iec_compact_all.jsonl.gz": (32459, 65),
    "relaton-data-jis/jis_compact_all.jsonl.gz": (21327, 0),
    "relaton-gb/html/stdsamr_search_GBT20223.html": (3, 7),
    "sts-samples/nisosts_DIN_EN_ISO_13849-1_2008-12_en.xml": (3, 0),
}


def test_every_shared_file(shared_data: Path) -> None:
    files = sorted(p for p in shared_data.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")
    assert len(files) >= 60
    unexplained: list[str] = []
    for path in files:
        relative = path.relative_to(shared_data).as_posix()
        if relative in NOT_CATALOGUES:
            with pytest.raises(NOT_CATALOGUES[relative]):
                list(read_file(path))
            continue
        if relative == "gb2260/mca_201904.tsv":
            # A region-code table: its "Code" column holds numbers such as 220000.
            outcomes = list(read_file(path))
            assert not any(o.record for o in outcomes)
            assert all(
                "is not a standard code (no issuer prefix)" in (o.reason or "") for o in outcomes
            )
            continue
        try:
            outcomes = list(read_file(path))
        except ImporterError as exc:  # pragma: no cover - reported below
            unexplained.append(f"{relative}: {exc}")
            continue
        accepted = sum(1 for o in outcomes if o.record is not None)
        reasons = Counter(o.reason for o in outcomes if o.record is None)
        for reason in reasons:
            if not any(text in (reason or "") for text in EXPLAINED):
                unexplained.append(f"{relative}: {reason}")
        if relative in ACCEPTED:
            assert (accepted, sum(reasons.values())) == ACCEPTED[relative], relative
        elif "sts-samples/isosts_v1_" not in relative and "isosts_feature_doc" not in relative:
            assert accepted >= 1, relative
    assert unexplained == []
