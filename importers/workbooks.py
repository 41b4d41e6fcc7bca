"""XLSX workbooks opened within the read limits, then read by openpyxl in read-only mode.

openpyxl reads worksheets as a stream but holds the shared-string table and the styles in
memory, and parses every part with the standard library's expat. So before openpyxl sees a
workbook, its zip directory is checked (parts, sizes, compression ratios) and every XML part
is read once with the importers' hardened parser (``sources.safe_xml_parser``): a DOCTYPE is
refused, the shared strings are counted, the rows of each sheet are counted. The zip reader
never inflates a part past the size the directory declares (its CRC check fails instead), so
directory sizes that lie cannot get more past the checks than they declare.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from importers.errors import UnreadableFileError
from importers.sources import (
    RATIO_FLOOR,
    SourceFile,
    document_too_large,
    inflated_too_large,
    ratio_too_high,
)

MAX_PARTS = 10_000  # parts of one workbook; Excel writes a few dozen
EXCEL_MAX_ROW = 1_048_576  # the last row a worksheet can have
MAX_COLUMNS = 1024  # columns searched for a header row; data rows are read as wide as it
MAX_PART_ITEMS = 100_000  # elements of a part openpyxl holds whole (styles, workbook, names)
SHARED_STRINGS_ROOM = 4  # the shared-string table may be this many times max_document_bytes
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22


def declared_parts(handle: IO[bytes], source: SourceFile) -> None:
    """Read the end-of-central-directory record and refuse a workbook with too many parts
    before ``zipfile`` builds an object for each of them."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_size = min(size, _EOCD_SIZE + 65535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + _EOCD_SIZE:
        raise source.unreadable("not a readable XLSX workbook (no zip directory at its end)")
    entries, directory_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        raise source.unreadable("a ZIP64 archive is not accepted as an XLSX workbook")
    if entries > MAX_PARTS:
        raise source.unreadable(
            f"工作簿包含 {entries} 个部件 (the workbook has {entries} parts, more than the fixed "
            f"limit of {MAX_PARTS})")
    handle.seek(0)


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def _check_directory(archive: zipfile.ZipFile, source: SourceFile) -> None:
    """Sizes and ratios as the zip directory declares them, before anything is inflated."""
    limits = source.limits
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > limits.max_inflated_bytes:
            raise inflated_too_large(source.name, limits)
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > limits.max_ratio:
                raise ratio_too_high(f"{source.name}: {info.filename}", limits, ratio)
        if _is_sheet(info.filename):
            continue
        # the shared strings are read lean (a list of texts, see _scan_strings): 4 times room
        cap = limits.max_document_bytes * (SHARED_STRINGS_ROOM
                                           if info.filename.endswith("sharedStrings.xml") else 1)
        if info.file_size > cap:
            raise document_too_large(source.name, limits, info.filename, cap)


def _refuse_doctype(element: Any, source: SourceFile, part: str) -> None:
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise source.unreadable(
            f"{part} 含 DOCTYPE 声明，已拒绝 ({part} has a DOCTYPE declaration; workbooks never "
            "need one and it is refused for safety: XXE, entity expansion)")


def _shared_string(element: Any) -> str:
    """A shared string's text as openpyxl gives it: the plain text, then the text of each
    rich-text run (phonetic runs left out)."""
    namespace = element.tag[: -len("si")]
    plain, run = namespace + "t", namespace + "r"
    if len(element) == 1 and element[0].tag == plain:  # the common case: one plain text
        text = element[0].text or ""
    else:
        parts = []
        for child in element:
            if child.tag == plain:
                parts.append(child.text or "")
            elif child.tag == run:
                parts.extend(part.text or "" for part in child if part.tag == plain)
        text = "".join(parts)
    return text.replace("x005F_", "") if "x005F_" in text else text


_OPTIONS: dict[str, Any] = {"resolve_entities": False, "no_network": True, "load_dtd": False,
                            "huge_tree": False, "remove_comments": True, "remove_pis": True}
# What openpyxl turns into an object each, in a sheet besides its rows: counted together.
_SHEET_ITEMS = ("{*}mergeCell", "{*}hyperlink", "{*}dataValidation", "{*}conditionalFormatting",
                "{*}cfRule", "{*}col", "{*}brk", "{*}customSheetView", "{*}scenario",
                "{*}tablePart", "{*}selection")


def _root_of(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: SourceFile) -> str | None:
    """The local name of a part's root element, after refusing a DOCTYPE before it (nothing
    past the root's start tag is parsed)."""
    with archive.open(info) as stream:
        for _event, element in etree.iterparse(stream, events=("start",), **_OPTIONS):
            _refuse_doctype(element, source, info.filename)
            return str(etree.QName(element).localname)
    return None


def _too_many_items(source: SourceFile, part: str) -> UnreadableFileError:
    return source.unreadable(
        f"{part} 含超过 {MAX_PART_ITEMS} 项 ({part} holds more than {MAX_PART_ITEMS} entries, "
        "the fixed limit for a workbook's styles, names and other parts read whole; Excel "
        "itself allows 64,000 cell formats)")


def _flatten(element: Any) -> None:
    """Keep memory flat while parsing: drop what is done with, and the siblings before it."""
    element.clear(keep_tail=False)
    previous = element.getprevious()
    while previous is not None:
        element.getparent().remove(previous)
        previous = element.getprevious()


def _scan_sheet(stream: IO[bytes], source: SourceFile, name: str) -> None:
    limits = source.limits
    rows = items = last_row = 0
    for _event, element in etree.iterparse(stream, events=("end",),
                                           tag=("{*}row", *_SHEET_ITEMS), **_OPTIONS):
        if etree.QName(element).localname != "row":
            items += 1
            if items > MAX_PART_ITEMS:
                raise _too_many_items(source, name)
            _flatten(element)
            continue
        rows += 1
        number = element.get("r")
        last_row = int(number) if number is not None and number.isdigit() else last_row + 1
        if last_row > EXCEL_MAX_ROW:
            raise source.unreadable(
                f"{name}: row number {last_row} is past Excel's last row {EXCEL_MAX_ROW}")
        if rows > limits.max_rows or last_row > limits.max_rows:
            raise source.unreadable(
                f"工作表行数超过 {limits.max_rows} (a sheet has more than {limits.max_rows} rows: "
                "STDTRACK_IMPORT_MAX_ROWS)")
        _flatten(element)


def _scan_strings(stream: IO[bytes], source: SourceFile) -> list[str]:
    limit = source.limits.max_shared_strings
    strings: list[str] = []
    for _event, element in etree.iterparse(stream, events=("end",), tag="{*}si", **_OPTIONS):
        if len(strings) >= limit:
            raise source.unreadable(
                f"共享字符串超过 {limit} 个 (the workbook's shared string table has more than "
                f"{limit} entries: STDTRACK_IMPORT_MAX_SHARED_STRINGS)")
        strings.append(_shared_string(element))
        _flatten(element)
    return strings


def _scan_other(stream: IO[bytes], source: SourceFile, name: str) -> None:
    count = 0
    for _event, element in etree.iterparse(stream, events=("end",), **_OPTIONS):
        count += 1
        if count > MAX_PART_ITEMS:
            raise _too_many_items(source, name)
        if element.getparent() is not None and len(element) == 0:
            _flatten(element)


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: SourceFile
               ) -> list[str] | None:
    """Parse one XML part with the hardened parser: refuse a DOCTYPE; count a sheet's rows
    (and what else openpyxl keeps of it) against their limits; read a shared-string table,
    counted, and return it (openpyxl is handed it instead of parsing it again, slowly); count
    the entries of any other part (styles, names...), which openpyxl holds whole."""
    root = _root_of(archive, info, source)
    with archive.open(info) as stream:
        if root in ("worksheet", "chartsheet", "dialogsheet"):
            _scan_sheet(stream, source, info.filename)
        elif root == "sst":
            return _scan_strings(stream, source)
        elif root is not None:
            _scan_other(stream, source, info.filename)
    return None


def _checked_archive(handle: IO[bytes], source: SourceFile) -> dict[str, list[str]]:
    """Check the workbook part by part; the shared strings found, by part name."""
    declared_parts(handle, source)
    found: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(handle) as archive:
            _check_directory(archive, source)
            for info in archive.infolist():
                if _is_xml(info.filename):
                    strings = _scan_part(archive, info, source)
                    if strings is not None:
                        found[info.filename] = strings
    except etree.XMLSyntaxError as exc:
        raise source.unreadable(
            f"the workbook has a damaged or unsafe XML part ({exc}); texts over 10 MB are "
            "refused by the XML parser") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError) as exc:
        raise source.unreadable(f"not a readable XLSX workbook ({exc})") from exc
    handle.seek(0)
    return found


def _workbook_file(source: SourceFile) -> IO[bytes]:
    """The workbook as a seekable file: the file itself, or a gzip-compressed one inflated
    (within the inflated-size limit) into a temporary file."""
    if not source.is_gzip():
        return source.path.open("rb")
    spooled = tempfile.TemporaryFile()
    try:
        with source.open_binary() as stream:
            shutil.copyfileobj(stream, spooled, 1 << 20)
    except BaseException:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled


class Workbook:
    """An openpyxl read-only workbook (``book``) and the file under it, closed together."""

    def __init__(self, book: Any, handle: IO[bytes]) -> None:
        self.book = book
        self._handle = handle

    def close(self) -> None:
        """Close the workbook and its file (again is harmless)."""
        try:
            self.book.close()
        finally:
            self._handle.close()


def open_workbook(source: SourceFile) -> Workbook:
    """The workbook read-only, once the file has passed every check above.

    The caller closes it (``close()``).

    Raises:
        UnreadableFileError: not a workbook, damaged, unsafe, or over a read limit (the message
            names the limit and its setting).
    """
    # imported here: openpyxl (and numpy under it) would cost every import process a third
    # of a second to start, most of them reading no workbook
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.xml.constants import SHARED_STRINGS

    class _Reader(ExcelReader):  # type: ignore[misc]
        """openpyxl's own reader (what ``load_workbook`` runs), given the shared strings the
        checks already read: its expat parse of them keeps every entry's element until the
        end, slow and several times larger."""

        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is None:
                return
            self.shared_strings = strings.get(part.PartName[1:])
            if self.shared_strings is None:
                super().read_strings()

    handle = _workbook_file(source)
    try:
        strings = _checked_archive(handle, source)
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; they carry no data
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?")
            reader = _Reader(handle, read_only=True, data_only=True)
            reader.read()
            return Workbook(reader.wb, handle)
    except UnreadableFileError:
        handle.close()
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
            TypeError, SyntaxError) as exc:  # expat's ParseError is a SyntaxError
        handle.close()
        raise source.unreadable(f"not a readable XLSX workbook ({exc})") from exc


def sheet_rows(sheet: Any, min_row: int = 1, max_col: int = MAX_COLUMNS
               ) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(row number, values)`` of a read-only sheet from ``min_row``, at most ``max_col``
    wide, streamed. The sheet's declared dimension is ignored: it may lie."""
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True)
    return enumerate(rows, start=min_row)


def damaged(source_name: str, exc: BaseException) -> UnreadableFileError:
    """A workbook found damaged while its rows were read."""
    return UnreadableFileError(source_name, f"the workbook is damaged ({exc})")


READ_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError, EOFError)
"""What openpyxl raises on a damaged part while rows are read."""


def is_workbook(source: SourceFile) -> bool:
    """True when a zip archive (maybe gzip-compressed) holds an ``xl/`` folder, as an XLSX
    workbook does.

    Raises:
        UnreadableFileError: a damaged archive, or one with too many parts.
    """
    with _workbook_file(source) as handle:
        declared_parts(handle, source)
        try:
            with zipfile.ZipFile(handle) as archive:
                return any(name.startswith("xl/") for name in archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise source.unreadable(f"a damaged ZIP/XLSX archive ({exc})") from exc
