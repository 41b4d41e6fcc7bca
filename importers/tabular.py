"""Reader for CSV, TSV and XLSX catalogues: finds the header row, maps Chinese or English
headers (or ``--column`` mappings) to fields, and yields one raw record per data row.

The header row is the first of the first rows whose cells name the code, so a title line
such as ``2019年吉林省地方标准目录`` above the header is fine. Columns nobody maps are reported
as ignored. Both formats stream: text is decoded as it is parsed, lines are capped in length,
workbooks are read row by row (see ``workbooks``).
"""

from __future__ import annotations

import csv
import datetime as dt
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import Any, TextIO

from importers.errors import ColumnMappingError, MappingError, UnreadableFileError
from importers.limits import line_too_long
from importers.profiles import column_target, resolve_column
from importers.sampling import SAMPLE_ROWS, unread_columns
from importers.schemas import RawReading, RawRecord, UnreadColumn, make_location
from importers.sources import HEAD_SIZE, SourceFile
from importers.workbooks import READ_ERRORS, damaged, open_workbook, sheet_rows

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


def _unread_in(
    headers: Sequence[Any],
    targets: Sequence[str | None],
    first: Sequence[tuple[int, Sequence[Any]]],
    label: str = "",
) -> list[UnreadColumn]:
    """What the unread columns hold, judged on the first rows of the data."""
    first = [row for row in first if type(row[1]) is not CutRow]
    code_at = targets.index("code") if "code" in targets else None
    codes = [_cell(cells[code_at]) if code_at is not None and code_at < len(cells) else None
             for _, cells in first]
    columns = [
        (str(header).strip(),
         [_cell(cells[index]) if index < len(cells) else None for _, cells in first])
        for index, (header, target) in enumerate(zip(headers, targets, strict=False))
        if target is None and header not in (None, "") and str(header).strip()
    ]
    # a sheet's name qualifies the column shown, not the header --column names
    return [UnreadColumn(f"{label}{c.column}", c.sample, c.holds, c.option)
            for c in unread_columns(columns, _mapped_fields(targets), codes)]


def _peek_unread(
    headers: Sequence[Any],
    targets: Sequence[str | None],
    rows: Iterator[tuple[int, Sequence[Any]]],
) -> tuple[list[UnreadColumn], Iterator[tuple[int, Sequence[Any]]]]:
    """:func:`_unread_in` of a stream's first rows, which are handed back with the rest (so
    nothing is read twice)."""
    first = list(islice(rows, SAMPLE_ROWS))
    return _unread_in(headers, targets, first), chain(first, rows)


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
        if type(cells) is CutRow:
            column = len(cells) - 1
            target = targets[column] if column < len(targets) else None
            label = target or f"column {column + 1}"
            yield RawRecord(make_location(file_name, f"{where}row {number}"), {},
                            line_too_long(label, cells.length, cells.limit))
            continue
        if not any(_cell(cell) not in (None, "") for cell in cells):
            continue
        fields = _row_fields(cells, targets)
        location = make_location(file_name, f"{where}row {number}")
        if "code" not in fields:
            yield RawRecord(location, fields, "this row has no standard code")
            continue
        yield RawRecord(location, fields)


def sniff_delimiter(text: str, default: str) -> str:
    """The delimiter of a table's first non-empty line (tab, comma or semicolon)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else default


class CutRow(list[str]):
    """The cells of a row whose line was longer than the line limit: only its start was
    read; its last cell is the field that ran over. ``length`` is the line's length."""

    length: int
    limit: int


class _Lines:
    """Lines of a text stream for ``csv.reader``, none longer than ``limit``: an over-long
    line is cut (the rest skipped, counted, never held) and remembered as ``cut``."""

    def __init__(self, stream: TextIO, limit: int) -> None:
        self._readline = stream.readline
        self._limit = limit
        self.cut = 0

    def __iter__(self) -> Iterator[str]:
        readline, limit = self._readline, self._limit
        while line := readline(limit):
            if len(line) < limit or line.endswith(("\n", "\r")):
                yield line
                continue
            length = len(line)
            while more := readline(1 << 16):
                length += len(more)
                if more.endswith(("\n", "\r")):
                    break
            self.cut = length
            # end the record here, closing a quoted field the cut may have left open
            yield line.rstrip('"') + '"\n'


def delimited_rows(source: SourceFile, default: str) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The delimiter and the ``(line number, cells)`` of a CSV/TSV file, decoded and parsed as
    a stream; a row whose line is over the line limit comes as a :class:`CutRow`.

    Raises:
        UnreadableFileError: empty, binary or undecodable (also while iterating: damage
            further on, a csv error, or bytes that stop decoding).
    """
    head = source.head(HEAD_SIZE)
    delimiter = sniff_delimiter(head[:HEAD_SIZE // 2].decode("utf-8", "replace"), default)
    limit = source.limits.max_line_chars
    # the csv module's own cap (128 KiB by default) must not cut a line the limit allows
    if csv.field_size_limit() < limit + 2:
        csv.field_size_limit(limit + 2)

    def rows() -> Iterator[tuple[int, list[str]]]:
        stream = source.open_text()
        lines = _Lines(stream, limit)
        reader = csv.reader(lines, delimiter=delimiter)
        start = 1
        with stream:
            try:
                for cells in reader:
                    if lines.cut:
                        cut = CutRow(cells)
                        cut.length, cut.limit, lines.cut = lines.cut, limit, 0
                        cells = cut
                    yield start, cells
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise source.unreadable(f"CSV cannot be read ({exc})") from exc
            except UnicodeDecodeError as exc:
                raise source.unreadable(
                    f"text stops decoding as {stream.encoding} after line {start - 1} "
                    f"({exc.reason}); save the whole file in one encoding (UTF-8)") from exc

    return delimiter, rows()


def read_delimited(
    source: SourceFile, column_map: Mapping[str, str] | None, fmt: str
) -> RawReading:
    """Read a CSV or TSV catalogue (UTF-8 with or without BOM, GB18030/GBK, UTF-16), streamed.

    Raises:
        UnreadableFileError: the file is empty, binary or undecodable.
        ColumnMappingError: no header maps to ``code`` or a --column target is unknown.
    """
    _check_column_map(source.name, column_map)
    delimiter, rows = delimited_rows(source, "\t" if fmt == "tsv" else ",")
    try:
        found = _find_header(rows, column_map)
    except UnreadableFileError as exc:
        if not exc.problem.startswith("CSV cannot be read"):
            raise
        raise ColumnMappingError(source.name, "header", None, exc.problem) from exc
    if found is None:
        _, again = delimited_rows(source, delimiter)
        raise _no_code_column(source.name, _likely_header(again), column_map)
    _, headers, targets = found
    label = "tsv" if delimiter == "\t" else "csv"
    unread, data_rows = _peek_unread(headers, targets, rows)
    return RawReading(
        source=label,
        profile="tabular",
        records=_records(source.name, "", data_rows, targets),
        ignored_columns=_ignored(headers, targets),
        unread_columns=unread,
        mapped_fields=_mapped_fields(targets),
    )


def _header_width(cells: Sequence[Any]) -> int:
    return max((i + 1 for i, cell in enumerate(cells) if cell not in (None, "")), default=1)


def read_xlsx(source: SourceFile, column_map: Mapping[str, str] | None) -> RawReading:
    """Read every sheet of an XLSX workbook that has a code column, streamed (openpyxl
    read-only, after the checks of :func:`importers.workbooks.open_workbook`).

    Raises:
        UnreadableFileError: not a readable XLSX workbook, or over a read limit.
        ColumnMappingError: no sheet has a column that maps to ``code``.
    """
    _check_column_map(source.name, column_map)
    workbook = open_workbook(source)
    ignored: list[str] = []
    unread: list[UnreadColumn] = []
    mapped: set[str] = set()
    sheets: list[tuple[Any, int, int, list[str | None]]] = []
    first_headers: Sequence[Any] = []
    try:
        titles = workbook.book.sheetnames
        for sheet in workbook.book.worksheets:
            found = _find_header(sheet_rows(sheet), column_map)
            if found is None:
                guess = _likely_header(sheet_rows(sheet))
                if guess:
                    first_headers = first_headers or guess
                    ignored.append(f"{sheet.title}!* (no column maps to code)")
                continue
            number, headers, targets = found
            width = _header_width(headers)
            ignored.extend(f"{sheet.title}!{name}" if len(titles) > 1 else name
                           for name in _ignored(headers, targets))
            # the first rows read once more to sample the unread columns (a read-only sheet
            # streams from its start; the records are read afterwards)
            first = list(islice(sheet_rows(sheet, number + 1, width), SAMPLE_ROWS))
            unread.extend(_unread_in(headers[:width], targets[:width], first,
                                     f"{sheet.title}!" if len(titles) > 1 else ""))
            mapped.update(_mapped_fields(targets))
            sheets.append((sheet, number + 1, width, targets[:width]))
    except READ_ERRORS as exc:
        workbook.close()
        raise damaged(source.name, exc) from exc
    except BaseException:
        workbook.close()
        raise
    if not sheets:
        workbook.close()
        raise _no_code_column(source.name, first_headers, column_map)

    def records() -> Iterator[RawRecord]:
        try:
            for sheet, first, width, targets in sheets:
                yield from _records(source.name, f"{sheet.title}!",
                                    sheet_rows(sheet, first, width), targets)
        except READ_ERRORS as exc:
            raise damaged(source.name, exc) from exc
        finally:
            workbook.close()

    streamed = records()
    # a reading dropped before its first record must still close the file
    weakref.finalize(streamed, workbook.close)
    return RawReading(source="xlsx", profile="tabular", records=streamed,
                      ignored_columns=ignored, unread_columns=unread,
                      mapped_fields=frozenset(mapped))
