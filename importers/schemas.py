"""Shapes that pass between readers, the mapping and the import pipeline.

These are plain dataclasses rather than pydantic models: a RawRecord holds whatever a file
held (dates from Excel, epoch integers, nested relation lists) and is never validated as such,
and the compact ISO/IEC/JIS files create one per line at tens of thousands per second. The
validated shape is ``standards.schemas.StandardInput``, which every accepted outcome carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from standards.schemas import StandardInput


@dataclass(slots=True)
class RawRecord:
    """One record as a reader found it, before mapping.

    Attributes:
        location: where it is, e.g. ``list.csv:row 12``, ``list.xlsx:Sheet1!row 12``,
            ``item.xml:/bibdata/relation[1]/bibitem``, ``iso.jsonl:line 3``.
        fields: source labels or keys (``标准号``, ``STD_CODE``, ``title_en``...) to values as
            found (str, list, date, int...). The mapping profile says what each one means.
        problem: set when the reader could not even make fields of it (e.g. a line that is not
            JSON); the record is then rejected with this reason.
    """

    location: str
    fields: dict[str, Any]
    problem: str | None = None


@dataclass(slots=True)
class ReadOutcome:
    """What became of one record: a StandardInput, or a reason it was rejected."""

    location: str
    record: StandardInput | None
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        """True when the record was mapped to a StandardInput."""
        return self.record is not None


@dataclass(slots=True)
class RawReading:
    """What a reader hands the registry: raw records plus what it learnt about the file."""

    source: str
    profile: str
    records: Iterator[RawRecord]
    ignored_columns: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FileReading:
    """One file being read: its format, source label, ignored columns and the outcomes.

    ``outcomes`` is a lazy iterator (large JSONL files stream). Iterating it can still raise
    ``UnreadableFileError`` when the damage is only visible late, e.g. a gzip stream cut short
    or a half-written JSON line at the very end; every earlier outcome has been yielded by then.
    """

    path: Path
    format: str
    source: str
    ignored_columns: list[str]
    outcomes: Iterator[ReadOutcome]

    def __iter__(self) -> Iterator[ReadOutcome]:
        return self.outcomes

    @property
    def file_name(self) -> str:
        """The file's name as it appears in locations and messages."""
        return self.path.name


def make_location(file_name: str, where: str) -> str:
    """Join a file name and a position inside it the way every location is written."""
    return f"{file_name}:{where}"


__all__ = [
    "FileReading",
    "RawReading",
    "RawRecord",
    "ReadOutcome",
    "StandardInput",
    "make_location",
]
