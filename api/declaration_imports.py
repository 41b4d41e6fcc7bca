"""The bulk self-declaration pipeline (DESIGN §6.2): CSV/TSV/XLSX files -> validated rows ->
enterprises, products, declarations and their alerts; import record, archive, report.

It spans reading (importers' text decoding and date forms) and adoption, so it lives in api/.
One row per product; the standards cell lists every standard the product follows.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio
import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from adoption import repository
from adoption.errors import InvalidFieldError
from adoption.fields import (
    DeclaredCode,
    clean_label,
    declared_code,
    parse_flag,
    parse_key_fields,
    split_list,
)
from adoption.indicator_queries import ensure_facts
from adoption.regions import normalize_region
from adoption.schemas import DeclarationRow, EnterpriseFacts, ProductFacts
from adoption.uscc import normalize_uscc
from api.imports import archive, sha256_of
from importers.errors import MappingError, UnreadableFileError
from importers.mapping import parse_date
from importers.sources import decode_text

CHUNK_ROWS = 5000
HEADER_SEARCH_ROWS = 10
ProgressCallback = Callable[[int], None]
T = TypeVar("T")

HEADERS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc"),
    "enterprise": ("企业名称", "enterprise"),
    "region": ("行政区划代码", "region"),
    "sector": ("行业", "sector"),
    "key_fields": ("重点领域", "key_fields"),
    "product": ("产品名称", "product"),
    "model": ("产品型号", "model"),
    "category": ("产品分类", "category"),
    "main": ("主要产品", "main"),
    "standards": ("执行标准", "standards"),
    "declared_on": ("公开日期", "declared_on"),
}
REQUIRED = ("uscc", "product")


def header_key(text: object) -> str:
    """A header as compared: NFKC, case-folded, without whitespace, ``_`` or ``-``."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_\-]+", "", folded)


_TARGETS = {header_key(label): target for target, labels in HEADERS.items() for label in labels}


# ------------------------------------------------------------------------------------------
# Reading tables
# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class TableReading:
    """A declaration table: its format, the columns nobody maps, and its rows as
    ``(location, {field: cell})``."""

    format: str
    ignored_columns: list[str]
    rows: Iterator[tuple[str, dict[str, Any]]]


def _find_header(
    rows: Iterator[tuple[int, Sequence[Any]]],
) -> tuple[list[str | None], Sequence[Any]] | None:
    seen = 0
    for _number, cells in rows:
        if not any(cell not in (None, "") for cell in cells):
            continue
        targets = [_TARGETS.get(header_key(c)) if c not in (None, "") else None for c in cells]
        if all(target in targets for target in REQUIRED):
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


def _ignored(headers: Sequence[Any], targets: Sequence[str | None]) -> list[str]:
    return [str(h).strip() for h, t in zip(headers, targets, strict=False)
            if t is None and h not in (None, "") and str(h).strip()]


def _no_header(name: str) -> UnreadableFileError:
    labels = " / ".join(f"{HEADERS[t][0]}|{HEADERS[t][-1]}" for t in REQUIRED)
    return UnreadableFileError(name, f"no header row with the columns {labels} in the first "
                               f"{HEADER_SEARCH_ROWS} rows (DESIGN §6.2)")


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


def read_delimited(data: bytes, name: str) -> TableReading:
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
        found = _find_header(rows)
    except csv.Error as exc:
        raise UnreadableFileError(name, f"CSV cannot be read ({exc})") from exc
    if found is None:
        raise _no_header(name)
    targets, headers = found
    return TableReading(label, _ignored(headers, targets),
                        _guard_csv(name, _records(name, "", rows, targets)))


def read_xlsx(data: bytes, name: str) -> TableReading:
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
    sheets: list[tuple[str, list[str | None]]] = []
    try:
        for sheet in workbook.worksheets:
            found = _find_header(enumerate(sheet.iter_rows(values_only=True), start=1))
            if found is not None:
                targets, headers = found
                ignored.extend(_ignored(headers, targets))
                sheets.append((sheet.title, targets))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        workbook.close()
        raise UnreadableFileError(name, f"the workbook is damaged ({exc})") from exc
    if not sheets:
        workbook.close()
        raise _no_header(name)

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        try:
            for title, targets in sheets:
                sheet_rows = enumerate(workbook[title].iter_rows(values_only=True), start=1)
                _find_header(sheet_rows)  # skip to just after the header row
                where = f"{title}!" if len(workbook.sheetnames) > 1 else ""
                yield from _records(name, where, sheet_rows, targets)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise UnreadableFileError(name, f"the workbook is damaged ({exc})") from exc
        finally:
            workbook.close()

    return TableReading("xlsx", ignored, rows())


def read_table(path: Path, name: str) -> TableReading:
    """Read a declaration file, the format told by its content (XLSX is a zip)."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, name)
    return read_delimited(data, name)


# ------------------------------------------------------------------------------------------
# Rows -> validated declaration rows
# ------------------------------------------------------------------------------------------


class RowMapper:
    """Turns a table row into a DeclarationRow, remembering each distinct USCC, region and code
    it has checked (a file repeats them thousands of times)."""

    def __init__(self) -> None:
        self._usccs: dict[str, str | InvalidFieldError] = {}
        self._regions: dict[str, str | InvalidFieldError] = {}
        self._codes: dict[str, DeclaredCode | InvalidFieldError] = {}

    @staticmethod
    def _remembered(cache: dict[str, Any], raw: str, check: Callable[[str], T]) -> T:
        found = cache.get(raw)
        if found is None:
            try:
                found = check(raw)
            except InvalidFieldError as exc:
                found = exc
            cache[raw] = found
        if isinstance(found, InvalidFieldError):
            raise found
        return found  # type: ignore[no-any-return]

    def map(self, location: str, cells: dict[str, Any]) -> DeclarationRow:
        """Raises: InvalidFieldError or MappingError naming the field and the value."""
        uscc = self._remembered(self._usccs, str(cells.get("uscc", "")), normalize_uscc)
        region_raw = cells.get("region")
        region = (self._remembered(self._regions, str(region_raw), normalize_region)
                  if region_raw is not None else None)
        enterprise = EnterpriseFacts(
            uscc=uscc,
            name=clean_label(cells["enterprise"], "enterprise", 300) or None
            if "enterprise" in cells else None,
            region_code=region,
            sector=clean_label(cells["sector"], "sector", 100) if "sector" in cells else None,
            key_fields=parse_key_fields(str(cells["key_fields"]))
            if "key_fields" in cells else None,
        )
        product = ProductFacts(
            name=clean_label(cells.get("product"), "product", 300, required=True),
            model=clean_label(cells.get("model", ""), "model", 200),
            category=clean_label(cells["category"], "category", 200)
            if "category" in cells else None,
            main=parse_flag(cells["main"]) if "main" in cells else None,
            sector=enterprise.sector,
        )
        codes = tuple(dict.fromkeys(
            self._remembered(self._codes, raw, declared_code)
            for raw in split_list(str(cells.get("standards", "")))))
        declared = parse_date(cells.get("declared_on"), "declared_on")
        return DeclarationRow(location=location, enterprise=enterprise, product=product,
                              codes=_unique_keys(codes),
                              declared_on=declared.value if declared else None)


def _unique_keys(codes: Sequence[DeclaredCode]) -> tuple[DeclaredCode, ...]:
    """One code per catalogue key (``GB/T 1-2020`` and ``GBT1-2020`` in one cell): the first."""
    first: dict[str, DeclaredCode] = {}
    for code in codes:
        first.setdefault(code.key, code)
    return tuple(first.values())


# ------------------------------------------------------------------------------------------
# The import
# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DeclarationImportReport:
    """The import report of DESIGN §11 (rows are counted: a row is a product), with the
    counts per kind of record beside it."""

    files: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    batch_id: int | None = None
    aborted: str | None = None
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected,
                "conflicts": self.conflicts, "batch_id": self.batch_id, "dry_run": False,
                "strict": False, "aborted": self.aborted, **self.tallies}


@dataclass(slots=True)
class _Batch:
    rows: list[DeclarationRow]
    rejected: list[dict[str, Any]]
    size: int


def _batches(name: str, reading: TableReading, mapper: RowMapper) -> Iterator[_Batch]:
    batch = _Batch([], [], 0)
    for location, cells in reading.rows:
        batch.size += 1
        try:
            batch.rows.append(mapper.map(location, cells))
        except (InvalidFieldError, MappingError) as exc:
            batch.rejected.append({"file": name, "location": location, "reason": str(exc)})
        if batch.size >= CHUNK_ROWS:
            yield batch
            batch = _Batch([], [], 0)
    if batch.size:
        yield batch


async def _read_ahead(items: Iterator[T]) -> AsyncIterator[T]:
    """The next item prepared in a worker thread while the caller writes the current one."""

    def next_item() -> T | None:
        return next(items, None)

    pending = asyncio.ensure_future(anyio.to_thread.run_sync(next_item))
    try:
        while (item := await pending) is not None:
            pending = asyncio.ensure_future(anyio.to_thread.run_sync(next_item))
            yield item
    finally:
        if not pending.done():
            await asyncio.wait([pending])


async def import_declarations(
    paths: list[Path],
    *,
    actor: str,
    archive_dir: Path,
    progress: ProgressCallback | None = None,
    display_names: dict[Path, str] | None = None,
) -> DeclarationImportReport:
    """Import self-declaration files; re-importing the same files changes nothing.

    Raises:
        ImporterError: a file is unreadable or has no header row (raised before anything of
            it is written, except for damage found after earlier rows were stored: those are
            kept and the report says where the file stopped).
    """
    now = dt.datetime.now(dt.UTC)
    readings = []
    for path in paths:
        name = (display_names or {}).get(path, path.name)
        readings.append((path, name, read_table(path, name), sha256_of(path)))
    report = DeclarationImportReport()
    report.batch_id = await repository.create_import(
        files=[{"name": name, "sha256": checksum} for _, name, _, checksum in readings],
        actor=actor, started_at=now)
    writer = repository.DeclarationImportWriter(import_id=report.batch_id, now=now)
    mapper = RowMapper()
    try:
        for path, name, reading, checksum in readings:
            archived = archive(path, checksum, archive_dir, now)
            count = 0
            try:
                async for batch in _read_ahead(_batches(name, reading, mapper)):
                    count += batch.size
                    report.rejected.extend(batch.rejected)
                    outcomes = await writer.write(batch.rows)
                    _count(report, name, batch.rows, outcomes)
                    if progress:
                        progress(batch.size)
            finally:
                report.files.append({
                    "name": name, "format": reading.format, "source": "declarations",
                    "sha256": checksum, "archived_as": str(archived), "records": count,
                    "ignored_columns": reading.ignored_columns})
        turned = await writer.finish()  # rows whose product lost declarations they omit
        report.unchanged -= turned
        report.updated += turned
        # indicator facts follow now, so the first indicator query after an import is fast
        await ensure_facts()
    except UnreadableFileError as exc:
        report.aborted = str(exc)
        raise
    finally:
        report.tallies = writer.tallies.as_dict()
        await repository.finish_import(report.batch_id, report=report.as_dict())
    return report


def _count(report: DeclarationImportReport, name: str, rows: list[DeclarationRow],
           outcomes: list[repository.RowOutcome]) -> None:
    for row, outcome in zip(rows, outcomes, strict=True):
        if outcome.action == "rejected":
            report.rejected.append({"file": name, "location": row.location,
                                    "reason": outcome.reason})
            continue
        if outcome.action == "created":
            report.created += 1
        elif outcome.action == "updated":
            report.updated += 1
        else:
            report.unchanged += 1
        for conflict in outcome.conflicts:
            report.conflicts.append({"file": name, "location": row.location, **conflict})
