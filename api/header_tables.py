"""Header-mapped CSV/TSV/XLSX tables for the bulk imports of declarations (docs/formats.md §2) and
drafting plans (§6.3): the header row is found by its labels, Chinese or English, and each row
comes out as ``(location, {field: cell})``, streamed."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from importers.errors import UnreadableFileError
from importers.sources import decode_text

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
    ``(location, {field: cell})``."""

    format: str
    ignored_columns: list[str]
    rows: Iterator[tuple[str, dict[str, Any]]]
    columns: dict[str, str] = field(default_factory=dict)  # field -> its header as written


def _find_header(spec: TableSpec, rows: Iterator[tuple[int, Sequence[Any]]],
                 ) -> tuple[list[str | None], Sequence[Any]] | None:
    seen = 0
    for _number, cells in rows:
        if not any(cell not in (None, "") for cell in cells):
            continue
        targets = spec.header_targets(cells)
        if targets is not None:
            return targets, cells
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            return None
    return None


def _records(name: str, where: str, rows: Iterator[tuple[int, Sequence[Any]]],
             targets: list[str | None]) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, cells in rows:
        fields: dict[str, Any] = {}
        for value, target in zip(cells, targets, strict=False):
            if target is None or value is None:
                continue
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
            fields.setdefault(target, value)
        if fields:
            yield f"{name}:{where}row {number}", fields


def _columns(headers: Sequence[Any], targets: Sequence[str | None]) -> dict[str, str]:
    found: dict[str, str] = {}
    for header, target in zip(headers, targets, strict=False):
        if target is not None:
            found.setdefault(target, str(header).strip())
    return found


def _ignored(headers: Sequence[Any], targets: Sequence[str | None]) -> list[str]:
    return [str(h).strip() for h, t in zip(headers, targets, strict=False)
            if t is None and h not in (None, "") and str(h).strip()]


def _delimited_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _guard_csv(name: str, rows: Iterator[tuple[str, dict[str, Any]]]
               ) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        yield from rows
    except csv.Error as exc:
        raise UnreadableFileError(name, f"CSV cannot be read ({exc})") from exc


def read_delimited(data: bytes, name: str, spec: TableSpec) -> TableReading:
    """CSV or TSV in UTF-8 (with or without BOM), GB18030/GBK or UTF-16.

    Raises:
        UnreadableFileError: empty, binary or undecodable, or no header row.
    """
    if not data.strip():
        raise UnreadableFileError(name, "the file is empty")
    text = decode_text(data, name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(("\t", ",", ";"), key=first.count) if first else ","
    label = "tsv" if delimiter == "\t" else "csv"
    rows = _delimited_rows(text, delimiter)
    try:
        found = _find_header(spec, rows)
    except csv.Error as exc:
        raise UnreadableFileError(name, f"CSV cannot be read ({exc})") from exc
    if found is None:
        raise spec.no_header(name)
    targets, headers = found
    return TableReading(label, _ignored(headers, targets),
                        _guard_csv(name, _records(name, "", rows, targets)),
                        _columns(headers, targets))


def read_xlsx(data: bytes, name: str, spec: TableSpec) -> TableReading:
    """Every sheet of a workbook that has the header row (openpyxl, read-only, streamed).

    Raises:
        UnreadableFileError: not a readable workbook, or no sheet with the header row.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise UnreadableFileError(name, f"not a readable XLSX workbook ({exc})") from exc
    ignored: list[str] = []
    columns: dict[str, str] = {}
    sheets: list[tuple[str, list[str | None]]] = []
    try:
        for sheet in workbook.worksheets:
            found = _find_header(spec, enumerate(sheet.iter_rows(values_only=True), start=1))
            if found is not None:
                targets, headers = found
                ignored.extend(_ignored(headers, targets))
                columns = {**_columns(headers, targets), **columns}
                sheets.append((sheet.title, targets))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        workbook.close()
        raise UnreadableFileError(name, f"the workbook is damaged ({exc})") from exc
    if not sheets:
        workbook.close()
        raise spec.no_header(name)

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        try:
            for title, targets in sheets:
                sheet_rows = enumerate(workbook[title].iter_rows(values_only=True), start=1)
                _find_header(spec, sheet_rows)  # skip to just after the header row
                where = f"{title}!" if len(workbook.sheetnames) > 1 else ""
                yield from _records(name, where, sheet_rows, targets)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise UnreadableFileError(name, f"the workbook is damaged ({exc})") from exc
        finally:
            workbook.close()

    return TableReading("xlsx", ignored, rows(), columns)


def read_table(path: Path, name: str, spec: TableSpec) -> TableReading:
    """Read a table file, the format told by its content (XLSX is a zip)."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, name, spec)
    return read_delimited(data, name, spec)
