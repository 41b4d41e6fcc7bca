"""Header-mapped CSV/TSV/XLSX tables for the bulk imports of declarations (docs/formats.md §2) and
drafting plans (§6.3): the header row is found by its labels, Chinese or English, and each row
comes out as ``(location, {field: cell}, problem)``, streamed, within the read limits the
catalogue readers keep (``importers.sources`` / ``tabular`` / ``workbooks``)."""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.errors import UnreadableFileError
from importers.limits import field_too_long, line_too_long
from importers.sources import SourceFile
from importers.tabular import CutRow, delimited_rows
from importers.workbooks import READ_ERRORS, damaged, open_workbook, sheet_rows
from standards.settings import ReadLimits

HEADER_SEARCH_ROWS = 10


def header_key(text: object) -> str:
    """A header as compared: NFKC, case-folded, without whitespace, ``_`` or ``-``."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_\-]+", "", folded)


@dataclass(frozen=True)
class TableSpec:
    """What a file of one kind looks like: the labels of each field (first the Chinese one),
    the fields a header row must have, and the reference section errors point to."""

    headers: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    section: str
    targets: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", {
            header_key(label): target
            for target, labels in self.headers.items() for label in labels})

    def header_targets(self, cells: Sequence[Any]) -> list[str | None] | None:
        """The field under each cell when ``cells`` is a header row, else None."""
        targets = [self.targets.get(header_key(c)) if c not in (None, "") else None
                   for c in cells]
        return targets if all(t in targets for t in self.required) else None

    def no_header(self, name: str) -> UnreadableFileError:
        labels = " / ".join(f"{self.headers[t][0]}|{t}" for t in self.required)
        return UnreadableFileError(name, f"no header row with the columns {labels} in the first "
                                   f"{HEADER_SEARCH_ROWS} rows ({self.section})")


@dataclass(slots=True)
class TableReading:
    """A table read: its format, the columns nobody maps, and its rows as
    ``(location, {field: cell}, problem)``, streamed; ``problem`` is set (and the cells
    empty) for a row over a read limit, which must be rejected with it."""

    format: str
    ignored_columns: list[str]
    rows: Iterator[tuple[str, dict[str, Any], str | None]]
    columns: dict[str, str] = field(default_factory=dict)  # field -> its header as written


def _find_header(spec: TableSpec, rows: Iterator[tuple[int, Sequence[Any]]],
                 ) -> tuple[int, list[str | None], Sequence[Any]] | None:
    seen = 0
    for number, cells in rows:
        if type(cells) is CutRow or not any(cell not in (None, "") for cell in cells):
            continue
        targets = spec.header_targets(cells)
        if targets is not None:
            return number, targets, cells
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            return None
    return None


def _records(name: str, where: str, rows: Iterator[tuple[int, Sequence[Any]]],
             targets: list[str | None], limits: ReadLimits,
             ) -> Iterator[tuple[str, dict[str, Any], str | None]]:
    limit = limits.max_field_chars
    count = 0
    for number, cells in rows:
        location = f"{name}:{where}row {number}"
        if type(cells) is CutRow:
            column = len(cells) - 1
            label = targets[column] if column < len(targets) and targets[column] else \
                f"column {column + 1}"
            yield location, {}, line_too_long(str(label), cells.length, cells.limit)
            continue
        fields: dict[str, Any] = {}
        problem = None
        for value, target in zip(cells, targets, strict=False):
            if target is None or value is None:
                continue
            if isinstance(value, str):
                if len(value) > limit:
                    problem = field_too_long(target, len(value), limit)
                    break
                value = value.strip()
                if not value:
                    continue
            fields.setdefault(target, value)
        if problem is not None:
            yield location, {}, problem
        elif fields:
            count += 1
            if count > limits.max_rows:
                raise UnreadableFileError(
                    name, f"超过 {limits.max_rows} 行的部分未读 (the file has more than "
                    f"{limits.max_rows} rows; the rest was not read: STDTRACK_IMPORT_MAX_ROWS)")
            yield location, fields, None


def _columns(headers: Sequence[Any], targets: Sequence[str | None]) -> dict[str, str]:
    found: dict[str, str] = {}
    for header, target in zip(headers, targets, strict=False):
        if target is not None:
            found.setdefault(target, str(header).strip())
    return found


def _ignored(headers: Sequence[Any], targets: Sequence[str | None]) -> list[str]:
    return [str(h).strip() for h, t in zip(headers, targets, strict=False)
            if t is None and h not in (None, "") and str(h).strip()]


def read_delimited(source: SourceFile, name: str, spec: TableSpec) -> TableReading:
    """CSV or TSV in UTF-8 (with or without BOM), GB18030/GBK or UTF-16, decoded and parsed as
    a stream (gzip-compressed too), lines capped in length.

    Raises:
        UnreadableFileError: empty, binary or undecodable, or no header row.
    """
    delimiter, rows = delimited_rows(source, ",")
    found = _find_header(spec, rows)
    if found is None:
        raise spec.no_header(name)
    _, targets, headers = found
    label = "tsv" if delimiter == "\t" else "csv"
    return TableReading(label, _ignored(headers, targets),
                        _records(name, "", rows, targets, source.limits),
                        _columns(headers, targets))


def read_xlsx(source: SourceFile, name: str, spec: TableSpec) -> TableReading:
    """Every sheet of a workbook that has the header row, streamed (openpyxl read-only, after
    the checks of ``importers.workbooks.open_workbook``).

    Raises:
        UnreadableFileError: not a readable workbook, over a read limit, or no sheet with the
            header row.
    """
    workbook = open_workbook(source)
    ignored: list[str] = []
    columns: dict[str, str] = {}
    sheets: list[tuple[Any, int, int, list[str | None]]] = []
    try:
        for sheet in workbook.book.worksheets:
            found = _find_header(spec, sheet_rows(sheet))
            if found is not None:
                number, targets, headers = found
                width = max((i + 1 for i, t in enumerate(targets) if t is not None), default=1)
                ignored.extend(_ignored(headers, targets))
                columns = {**_columns(headers, targets), **columns}
                sheets.append((sheet, number + 1, width, targets[:width]))
    except READ_ERRORS as exc:
        workbook.close()
        raise damaged(name, exc) from exc
    except BaseException:
        workbook.close()
        raise
    if not sheets:
        workbook.close()
        raise spec.no_header(name)
    several = len(workbook.book.sheetnames) > 1

    def rows() -> Iterator[tuple[str, dict[str, Any], str | None]]:
        try:
            for sheet, first, width, targets in sheets:
                where = f"{sheet.title}!" if several else ""
                yield from _records(name, where, sheet_rows(sheet, first, width), targets,
                                    source.limits)
        except READ_ERRORS as exc:
            raise damaged(name, exc) from exc
        finally:
            workbook.close()

    streamed = rows()
    weakref.finalize(streamed, workbook.close)  # a reading dropped unread closes its file
    return TableReading("xlsx", ignored, streamed, columns)


def read_table(path: Path, name: str, spec: TableSpec,
               limits: ReadLimits | None = None) -> TableReading:
    """Read a table file within ``limits``, the format told by its content (XLSX is a zip).

    Raises:
        UnreadableFileError: unreadable, over a read limit, or no header row.
    """
    source = SourceFile(path, limits or ReadLimits())
    if source.head(4).startswith(b"PK\x03\x04"):
        return read_xlsx(source, name, spec)
    return read_delimited(source, name, spec)


@dataclass(slots=True)
class TableImportReport:
    """The import report of docs/json.md for the imports of header tables (reviews, drafting
    plans): a row is a record of the table."""

    files: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    batch_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected,
                "conflicts": self.conflicts, "batch_id": self.batch_id, "dry_run": False,
                "strict": False}


def open_tables(paths: list[Path], names: dict[Path, str], limits: ReadLimits | None,
                read: Callable[[Path, str, ReadLimits | None], TableReading]
                ) -> list[tuple[Path, str, TableReading, str]]:
    """``(path, name shown, reading, sha256)`` of every file, each opened by ``read``.

    Raises:
        UnreadableFileError: a file cannot be read (the first one that cannot).
    """
    from api.imports import sha256_of  # the import pipeline is heavy; tables need it only here

    return [(path, names.get(path, path.name), read(path, names.get(path, path.name), limits),
             sha256_of(path)) for path in paths]
