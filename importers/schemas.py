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


@dataclass(frozen=True, slots=True)
class RowNote:
    """Something wrong with one value of a row that is otherwise kept.

    ``kind`` is ``rejected_field`` (the value was dropped: a relation target that is no
    standard code) or ``date_order`` (kept, but the dates contradict each other).
    """

    kind: str
    field: str
    value: str
    reason: str


@dataclass(slots=True)
class ReadOutcome:
    """What became of one record: a StandardInput, or a reason it was rejected; ``notes`` say
    what was wrong with single values of an accepted record."""

    location: str
    record: StandardInput | None
    reason: str | None = None
    notes: list[RowNote] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """True when the record was mapped to a StandardInput."""
        return self.record is not None


@dataclass(frozen=True, slots=True)
class UnreadColumn:
    """A column (or JSON key) no field maps to, what its first values look like, and the
    ``--column`` option that would read it.

    ``holds`` is ``dates`` or ``codes`` when most sampled values are dates or standard codes
    (data an import would otherwise lose without a word), else ``text``.
    """

    column: str
    sample: str
    holds: str
    option: str

    def as_dict(self) -> dict[str, str]:
        """The report's shape of an unread column."""
        return {"column": self.column, "sample": self.sample, "holds": self.holds,
                "column_option": self.option}


@dataclass(slots=True)
class RawReading:
    """What a reader hands the registry: raw records plus what it learnt about the file.

    List readers (tables, generic JSON) also say which fields their columns map to
    (``mapped_fields``, None for formats whose structure fixes them) and which columns they
    leave unread, with samples of their first rows.
    """

    source: str
    profile: str
    records: Iterator[RawRecord]
    ignored_columns: list[str] = field(default_factory=list)
    unread_columns: list[UnreadColumn] = field(default_factory=list)
    mapped_fields: frozenset[str] | None = None


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
    unread_columns: list[UnreadColumn] = field(default_factory=list)
    mapped_fields: frozenset[str] | None = None

    def warnings(self, name: str | None = None) -> list[dict[str, str]]:
        """What this file would lose without a word (the import report lists these first):
        a list whose columns map to no title, and columns of dates or codes nobody reads.
        ``name`` is the file's name as the report shows it (an upload's own name)."""
        found: list[dict[str, str]] = []
        name = name or self.file_name
        if self.mapped_fields is not None and not (
                {"title", "title_zh", "title_en"} & self.mapped_fields):
            found.append({
                "file": name, "kind": "no_title",
                "message": f"{name}: 没有映射到标准名称的列，导入的标准将没有名称 (no column "
                           "maps to a title: the standards would have no title); map one with "
                           "--column HEADER=title",
            })
        for column in self.unread_columns:
            if column.holds == "text":
                continue
            what = "日期" if column.holds == "dates" else "标准号"
            found.append({
                "file": name, "kind": f"unread_{column.holds}", "column": column.column,
                "sample": column.sample, "column_option": column.option,
                "message": f"{name}: 列 {column.column} 含{what}（如 {column.sample}）但未被读取 "
                           f"(column {column.column!r} holds {column.holds} but no field reads "
                           f"it); to read it: {column.option}",
            })
        return found

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
    "RowNote",
    "StandardInput",
    "UnreadColumn",
    "make_location",
]
