"""Reader for CSV, TSV and XLSX catalogues: finds the header row, maps Chinese or English
headers (or ``--column`` mappings) to fields, and yields one raw record per data row.

The header row is the first of the first rows whose cells name the code, so a title line
such as ``2019年吉林省地方标准目录`` above the header is fine. Columns nobody maps are reported
as ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import Any

from importers.errors import ColumnMappingError, MappingError, UnreadableFileError
from importers.profiles import column_target, resolve_column
from importers.sampling import SAMPLE_ROWS, unread_columns
from importers.schemas import RawReading, RawRecord, UnreadColumn, make_location
from importers.sources import SourceFile, decode_text

HEADER_SEARCH_ROWS = 10
_EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!"})


def _check_column_map(file_name: str, column_map: Mapping[str, str] | None) -> None:
    for header, target in (column_map or {}).items():
        try:
            column_target(target)
        except MappingError as exc:
            raise ColumnMappingError(file_name, f"--column {header}", target, exc.reason) from exc


def _header_targets(cells: Sequence[Any], column_map: Mapping[str, str] | None) -> list[str | None]:
    return [
        resolve_column(str(cell), column_map) if cell not in (None, "") else None for cell in cells
    ]


def _find_header(
    rows: Iterable[tuple[int, Sequence[Any]]], column_map: Mapping[str, str] | None
) -> tuple[int, Sequence[Any], list[str | None]] | None:
    """The first row (within HEADER_SEARCH_ROWS non-empty rows) that has a code column."""
    seen = 0
    for number, cells in rows:
        if not any(cell not in (None, "") for cell in cells):
            continue
        targets = _header_targets(cells, column_map)
        if "code" in targets:
            return number, cells, targets
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            return None
    return None


def _ignored(headers: Sequence[Any], targets: Sequence[str | None]) -> list[str]:
    return [
        str(header).strip()
        for header, target in zip(headers, targets, strict=False)
        if target is None and header not in (None, "") and str(header).strip()
    ]


def _peek_unread(
    headers: Sequence[Any],
    targets: Sequence[str | None],
    rows: Iterator[tuple[int, Sequence[Any]]],
    label: str = "",
) -> tuple[list[UnreadColumn], Iterator[tuple[int, Sequence[Any]]]]:
    """What the unread columns hold, judged on the first rows (which are handed back with the
    rest, so nothing is read twice)."""
    first = list(islice(rows, SAMPLE_ROWS))
    code_at = targets.index("code") if "code" in targets else None
    codes = [_cell(cells[code_at]) if code_at is not None and code_at < len(cells) else None
             for _, cells in first]
    columns = [
        (str(header).strip(),
         [_cell(cells[index]) if index < len(cells) else None for _, cells in first])
        for index, (header, target) in enumerate(zip(headers, targets, strict=False))
        if target is None and header not in (None, "") and str(header).strip()
    ]
    mapped = {t for t in targets if t is not None and t != "skip"}
    # a sheet's name qualifies the column shown, not the header --column names
    unread = [UnreadColumn(f"{label}{c.column}", c.sample, c.holds, c.option)
              for c in unread_columns(columns, mapped, codes)]
    return unread, chain(first, rows)


def _mapped_fields(targets: Sequence[str | None]) -> frozenset[str]:
    return frozenset(t for t in targets if t is not None and t != "skip")


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        return None if text in _EXCEL_ERRORS else text
    if isinstance(value, float) and value.is_integer():
        # Excel stores every number as float; a code or year typed as 13368 must not read 13368.0.
        return int(value)
    if isinstance(value, dt.time):
        return None
    return value


def _row_fields(cells: Sequence[Any], targets: Sequence[str | None]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for value, target in zip(cells, targets, strict=False):
        if target is None or target == "skip":
            continue
        value = _cell(value)
        if value in (None, ""):
            continue
        # Two columns for one field (标准号 and 编号): the first filled one wins.
        fields.setdefault(target, value)
    return fields


def _likely_header(rows: Iterable[tuple[int, Sequence[Any]]]) -> Sequence[Any]:
    """The fullest of the first rows: what the header most likely is, for the error message."""
    best: Sequence[Any] = []
    for index, (_, cells) in enumerate(rows):
        if index >= HEADER_SEARCH_ROWS:
            break
        if sum(1 for c in cells if c not in (None, "")) > sum(
            1 for c in best if c not in (None, "")
        ):
            best = cells
    return best


def _no_code_column(
    file_name: str, headers: Sequence[Any], column_map: Mapping[str, str] | None
) -> ColumnMappingError:
    shown = ", ".join(str(h).strip() for h in headers if h not in (None, "")) or "none"
    hint = (
        "; no --column mapping matched a header"
        if column_map
        else "; map one with --column HEADER=code"
    )
    return ColumnMappingError(
        file_name, "code", None, f"no column maps to field 'code' (headers: {shown}){hint}"
    )


def _records(
    file_name: str,
    where: str,
    rows: Iterator[tuple[int, Sequence[Any]]],
    targets: list[str | None],
) -> Iterator[RawRecord]:
    for number, cells in rows:
        if not any(_cell(cell) not in (None, "") for cell in cells):
            continue
        fields = _row_fields(cells, targets)
        location = make_location(file_name, f"{where}row {number}")
        if "code" not in fields:
            yield RawRecord(location, fields, "this row has no standard code")
            continue
        yield RawRecord(location, fields)


def _sniff_delimiter(text: str, default: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else default


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def read_delimited(
    source: SourceFile, column_map: Mapping[str, str] | None, fmt: str
) -> RawReading:
    """Read a CSV or TSV catalogue (UTF-8 with or without BOM, GB18030/GBK, UTF-16).

    Raises:
        UnreadableFileError: the file is empty, binary or undecodable.
        ColumnMappingError: no header maps to ``code`` or a --column target is unknown.
    """
    _check_column_map(source.name, column_map)
    text = decode_text(source.read_bytes(), source.name)
    delimiter = _sniff_delimiter(text, "\t" if fmt == "tsv" else ",")
    try:
        rows: Iterator[tuple[int, Sequence[Any]]] = _csv_rows(text, delimiter)
        found = _find_header(rows, column_map)
    except csv.Error as exc:
        raise ColumnMappingError(
            source.name, "header", None, f"CSV cannot be read ({exc})"
        ) from exc
    if found is None:
        raise _no_code_column(source.name, _likely_header(_csv_rows(text, delimiter)), column_map)
    _, headers, targets = found
    label = "tsv" if delimiter == "\t" else "csv"
    try:
        unread, rows = _peek_unread(headers, targets, rows)
    except csv.Error as exc:
        raise UnreadableFileError(source.name, f"CSV cannot be read ({exc})") from exc
    return RawReading(
        source=label,
        profile="tabular",
        records=_guard_csv(source.name, _records(source.name, "", rows, targets)),
        ignored_columns=_ignored(headers, targets),
        unread_columns=unread,
        mapped_fields=_mapped_fields(targets),
    )


def _guard_csv(file_name: str, records: Iterator[RawRecord]) -> Iterator[RawRecord]:
    try:
        yield from records
    except csv.Error as exc:
        raise UnreadableFileError(file_name, f"CSV cannot be read ({exc})") from exc


def _sheet_rows(sheet: Any) -> list[tuple[int, tuple[Any, ...]]]:
    return list(enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1))


def read_xlsx(source: SourceFile, column_map: Mapping[str, str] | None) -> RawReading:
    """Read every sheet of an XLSX workbook that has a code column (openpyxl, read-only).

    Values are read eagerly and the workbook closed at once, so no file handle outlives the
    call; catalogues are small enough for that.

    Raises:
        UnreadableFileError: not a readable XLSX workbook.
        ColumnMappingError: no sheet has a column that maps to ``code``.
    """
    # imported here: openpyxl (and numpy under it) would cost every import process a third
    # of a second to start, most of them reading no workbook
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _check_column_map(source.name, column_map)
    data = source.read_bytes()
    sheets: list[tuple[str, list[tuple[int, tuple[Any, ...]]]]] = []
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read; they carry no data.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise source.unreadable(f"not a readable XLSX workbook ({exc})") from exc
        try:
            for sheet in workbook.worksheets:
                sheets.append((sheet.title, _sheet_rows(sheet)))
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise source.unreadable(f"the workbook is damaged ({exc})") from exc
        finally:
            workbook.close()

    ignored: list[str] = []
    unread: list[UnreadColumn] = []
    mapped: set[str] = set()
    readers: list[Iterator[RawRecord]] = []
    first_headers: Sequence[Any] = []
    for title, rows in sheets:
        iterator: Iterator[tuple[int, Sequence[Any]]] = iter(rows)
        found = _find_header(iterator, column_map)
        if found is None:
            guess = _likely_header(rows)
            if guess:
                first_headers = first_headers or guess
                ignored.append(f"{title}!* (no column maps to code)")
            continue
        _, headers, targets = found
        ignored.extend(
            f"{title}!{name}" if len(sheets) > 1 else name for name in _ignored(headers, targets)
        )
        sheet_unread, iterator = _peek_unread(
            headers, targets, iterator, f"{title}!" if len(sheets) > 1 else "")
        unread.extend(sheet_unread)
        mapped.update(_mapped_fields(targets))
        readers.append(_records(source.name, f"{title}!", iterator, targets))
    if not readers:
        raise _no_code_column(source.name, first_headers, column_map)
    return RawReading(
        source="xlsx",
        profile="tabular",
        records=(record for reader in readers for record in reader),
        ignored_columns=ignored,
        unread_columns=unread,
        mapped_fields=frozenset(mapped),
    )
