"""Text of documents to check for cited standards (标准查新): plain text and CSV, XLSX
workbooks, DOCX and the text layer of PDF files, as located pieces
(:class:`standards.citations.TextChunk`), within the read limits.

Bounds: text and CSV are decoded as a stream with lines capped; a workbook passes
:mod:`importers.workbooks` first; a DOCX is a zip too: its directory is checked before
anything is inflated (parts, total size, each part's size and compression ratio) and its
XML is parsed as a stream by the hardened parser (DOCTYPE refused); a PDF is read by pypdf
(its own caps on inflated streams) at most ``MAX_PDF_PAGES`` pages. Every reader stops when
the text passes ``max_document_bytes`` characters and says the rest was not read.
"""

from __future__ import annotations

import logging
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
from importers.workbooks import READ_ERRORS, declared_parts, open_workbook, sheet_rows
from standards.citations import TextChunk

MAX_PDF_PAGES = 2000
DOCUMENT_KINDS = ("text", "xlsx", "docx", "pdf")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
_OPTIONS: dict[str, Any] = {"resolve_entities": False, "no_network": True, "load_dtd": False,
                            "huge_tree": False, "remove_comments": True, "remove_pis": True}


def _column_letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class DocumentText:
    """The located text of one file, read piece by piece by :meth:`chunks`.

    After reading, ``truncated`` says the text passed the character limit (the rest is
    unread) and ``notes`` holds what could not be read (a damaged PDF page).
    """

    def __init__(self, source: SourceFile, kind: str | None = None, *,
                 max_pdf_pages: int = MAX_PDF_PAGES) -> None:
        self.source = source
        self.max_pdf_pages = max_pdf_pages
        self.kind = kind or detect_kind(source)
        if self.kind not in DOCUMENT_KINDS:
            raise source.unreadable(f"unknown document kind {self.kind!r}")
        self.truncated = False
        self.notes: list[str] = []
        self._chars = 0

    def chunks(self) -> Iterator[TextChunk]:
        """The pieces in document order; stops at the character limit.

        Raises:
            UnreadableFileError: the file cannot be read, is unsafe or over a read limit.
        """
        readers = {"text": self._text, "xlsx": self._xlsx, "docx": self._docx, "pdf": self._pdf}
        cap = self.source.limits.max_document_bytes
        for chunk in readers[self.kind]():
            self._chars += len(chunk.text)
            if self._chars > cap:
                self.truncated = True
                return
            yield chunk

    # ---- plain text and CSV -------------------------------------------------------------
    def _text(self) -> Iterator[TextChunk]:
        limit = self.source.limits.max_line_chars
        with self.source.open_text() as stream:
            number = 0
            try:
                while line := stream.readline(limit):
                    number += 1
                    yield TextChunk(f"第{number}行", line)
            except UnicodeDecodeError as exc:
                raise self.source.unreadable(
                    f"undecodable text near line {number + 1} ({exc.reason})") from exc

    # ---- workbooks ----------------------------------------------------------------------
    def _xlsx(self) -> Iterator[TextChunk]:
        workbook = open_workbook(self.source)
        rows = 0
        try:
            for sheet in workbook.book.worksheets:
                for row_number, values in sheet_rows(sheet):
                    rows += 1
                    if rows > self.source.limits.max_rows:
                        self.truncated = True
                        return
                    for column, value in enumerate(values, start=1):
                        if value is None or isinstance(value, bool):
                            continue
                        text = str(value)
                        if text.strip():
                            yield TextChunk(
                                f"{sheet.title}!{_column_letters(column)}{row_number}", text)
        except READ_ERRORS as exc:
            raise self.source.unreadable(f"the workbook is damaged ({exc})") from exc
        finally:
            workbook.close()

    # ---- DOCX ---------------------------------------------------------------------------
    def _docx(self) -> Iterator[TextChunk]:
        with self.source.path.open("rb") as handle:
            declared_parts(handle, self.source)
            try:
                archive = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise self.source.unreadable(f"not a readable DOCX document ({exc})") from exc
            with archive:
                parts = self._checked_docx(archive)
                paragraph = 0
                for info in parts:
                    for text in self._paragraphs(archive, info):
                        paragraph += 1
                        yield TextChunk(f"第{paragraph}段", text)

    def _checked_docx(self, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        """Sizes and ratios as the zip directory declares them, before anything is inflated;
        the parts holding the text."""
        limits = self.source.limits
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if total > limits.max_inflated_bytes:
                raise inflated_too_large(self.source.name, limits)
            if info.file_size > RATIO_FLOOR:
                ratio = info.file_size / max(1, info.compress_size)
                if ratio > limits.max_ratio:
                    raise ratio_too_high(f"{self.source.name}: {info.filename}", limits, ratio)
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise self.source.unreadable("not a DOCX document (no word/document.xml)")
        parts = [archive.getinfo(name) for name in _DOCX_TEXT_PARTS if name in names]
        for info in parts:
            if info.file_size > limits.max_document_bytes:
                raise document_too_large(self.source.name, limits, info.filename)
        return parts

    def _paragraphs(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[str]:
        try:
            with archive.open(info) as stream:
                yield from self._stream_paragraphs(stream, info.filename)
        except etree.XMLSyntaxError as exc:
            raise self.source.unreadable(f"{info.filename} is not well-formed XML ({exc})"
                                         ) from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise self.source.unreadable(f"the document is damaged ({exc})") from exc

    def _stream_paragraphs(self, stream: IO[bytes], part: str) -> Iterator[str]:
        first = True
        for event, element in etree.iterparse(stream, events=("start", "end"), **_OPTIONS):
            if first:
                first = False
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise self.source.unreadable(
                        f"{part} 含 DOCTYPE 声明，已拒绝 ({part} has a DOCTYPE declaration; a "
                        "document never needs one and it is refused for safety)")
            if event != "end" or element.tag != f"{_W}p":
                continue
            if element.getparent() is not None and any(
                    ancestor.tag == f"{_W}p" for ancestor in element.iterancestors()):
                continue  # a text box inside a paragraph: read with its outer paragraph
            pieces = []
            for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
                pieces.append(node.text or "" if node.tag == f"{_W}t" else " ")
            text = "".join(pieces)
            element.clear(keep_tail=False)
            if text.strip():
                yield text

    # ---- PDF ----------------------------------------------------------------------------
    def _pdf(self) -> Iterator[TextChunk]:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        errors = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                  RecursionError, OSError, AssertionError, ZeroDivisionError, EOFError)
        logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files log every object
        with self.source.path.open("rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                reader = PdfReader(handle, strict=False)
                if reader.is_encrypted:
                    raise self.source.unreadable("an encrypted PDF cannot be read")
                count = len(reader.pages)
            except errors as exc:
                raise self.source.unreadable(f"not a readable PDF ({exc})") from exc
            if count > self.max_pdf_pages:
                self.truncated = True
                self.notes.append(
                    f"only the first {self.max_pdf_pages} of {count} pages were read")
            for number in range(1, min(count, self.max_pdf_pages) + 1):
                try:
                    text = reader.pages[number - 1].extract_text()
                except errors as exc:
                    self.notes.append(f"第{number}页 could not be read ({exc})")
                    continue
                # a page is one piece: a code may wrap ("DB22/T" / "1234—2015"); NULs are what
                # pypdf makes of some producers' two-byte encodings (fpdf2's)
                page = " ".join(text.replace("\x00", "").split("\n"))
                if page.strip():
                    yield TextChunk(f"第{number}页", page)


def detect_kind(source: SourceFile) -> str:
    """``pdf``, ``docx``, ``xlsx`` or ``text``, from the content (the name may lie).

    Raises:
        UnreadableFileError: an archive that is neither a workbook nor a document.
    """
    head = source.head(8)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and not source.is_gzip():
        with source.path.open("rb") as handle:
            declared_parts(handle, source)
            try:
                with zipfile.ZipFile(handle) as archive:
                    names = archive.namelist()
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise source.unreadable(f"a damaged ZIP archive ({exc})") from exc
        if "word/document.xml" in names:
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
        raise source.unreadable("a ZIP archive that is neither a DOCX document nor a workbook")
    return "text"


__all__ = ["DOCUMENT_KINDS", "MAX_PDF_PAGES", "DocumentText", "UnreadableFileError",
           "detect_kind"]
