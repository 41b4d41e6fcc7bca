"""Tables for spreadsheets: one writer for every CSV and XLSX export (indicator tables,
drill-down lists, alerts, drafting projects, goal progress), Chinese headers first.

Cells a spreadsheet would run as a formula are neutralised with a leading ``'`` in both
formats: text starting with ``= + - @``, with their full-width and small forms
(``＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫``, which a Chinese input method types and a spreadsheet may read as
the ASCII sign) or the minus sign ``−``, and text starting with a tab, carriage return or line
feed (OWASP's list: a spreadsheet strips them and reads what follows). Numbers stay numbers,
so a negative gap is still a number in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from litestar import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = frozenset("=+-@\t\r\n\u2212")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# characters XML 1.0 (and so XLSX) cannot hold
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def safe_cell(value: Any) -> str:
    """A text cell a spreadsheet will not run: text starting with a formula sign (any width)
    or a tab / line break gets a leading ``'``."""
    text = "" if value is None else str(value)
    # NFKC folds the full-width and small forms (＝, ﹦...) to the ASCII sign
    starts_formula = bool(text) and unicodedata.normalize("NFKC", text[0]) in FORMULA_START
    return f"'{text}" if starts_formula else text


def cell_value(value: Any) -> Any:
    """A value as written to a sheet: numbers, dates and booleans as they are, text made safe."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | dt.date | dt.datetime):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)  # XLSX has no time zones
        return value
    if isinstance(value, StrEnum):
        value = value.value
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    return safe_cell(_ILLEGAL_XML.sub("", str(value)))


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str  # Chinese first, English beside it: "产品名称 product"


@dataclass(slots=True)
class Table:
    """A sheet: a title (sheet name and file stem), columns, rows of dicts keyed by column."""

    name: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""  # shown above the table in XLSX (e.g. the indicator, as-of date, rules)

    def values(self) -> Iterable[list[Any]]:
        for row in self.rows:
            yield [cell_value(row.get(column.key)) for column in self.columns]


def columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, header) for key, header in pairs)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM (so that Excel shows the Chinese), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(column.header) for column in table.columns])
    for values in table.values():
        writer.writerow(["" if value is None else
                         value.isoformat() if isinstance(value, dt.date) else value
                         for value in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """One sheet; header row in bold and frozen; a title row above it when given."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_name(table.name)
    if table.title:
        sheet.append([cell_value(table.title)])
        sheet.cell(row=1, column=1).font = Font(bold=True)
    sheet.append([cell_value(column.header) for column in table.columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for values in table.values():
        sheet.append(values)
    sheet.freeze_panes = f"A{header_row + 1}"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            10, min(60, len(column.header) * 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'") or "sheet"
    return cleaned[:31]


def export_response(table: Table, fmt: ExportFormat | str, stem: str) -> Response[bytes]:
    """The table as a download: content type and a Content-Disposition with an ASCII
    ``filename`` and the UTF-8 ``filename*`` (RFC 6266)."""
    fmt = ExportFormat(fmt)
    body = to_xlsx(table) if fmt is ExportFormat.XLSX else to_csv(table)
    media_type = XLSX_MEDIA_TYPE if fmt is ExportFormat.XLSX else CSV_MEDIA_TYPE
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": content_disposition(f"{stem}.{fmt.value}")})


def content_disposition(filename: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
