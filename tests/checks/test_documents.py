"""The documents a check reads: TXT, CSV (GB18030 too), XLSX, DOCX, PDF; and hostile ones
(a zip-bomb DOCX, a DOCTYPE, a part over the limit, a PDF with too many pages, damaged and
encrypted PDFs) refused or cut within the read limits."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from importers.documents import DocumentText, detect_kind
from importers.errors import UnreadableFileError
from importers.sources import SourceFile
from standards.citations import extract_citations
from standards.settings import MB, ReadLimits
from tests.checks.documents import SAMPLE_TEXT, W, docx_bytes, pdf_bytes, xlsx_bytes

LINES = [line for line in SAMPLE_TEXT.splitlines() if line.strip()]
EXPECTED = ["GB/T 1.1-2020", "DB22/T 1234-2015", "DB22/T 1234-2015", "GB 2762", "GB 2763-2021",
            "GB/T 191", "GB/T 6543-2008", "GB/T 8321", "GB/T 19001-2016", "GB/T 2828.1-2012",
            "NY/T 1276-2007", "DB22/T 2000-2014", "T/CAS 115-2005", "ISO 22000:2018",
            "JJF 1070-2005", "GB/T 19000-2016", "GB/T 6543-2008", "GB 5009.3-2016", "GB 2762",
            None, "GB/T 19001"]


def _write(tmp_path: Path, name: str, data: bytes) -> SourceFile:
    path = tmp_path / name
    path.write_bytes(data)
    return SourceFile(path, ReadLimits())


def _codes(document: DocumentText) -> list[str | None]:
    return [c.parsed.normalized if c.parsed else None
            for c in extract_citations(document.chunks())]


@pytest.mark.parametrize(("name", "build", "kind", "first_location"), [
    ("refs.txt", lambda: SAMPLE_TEXT.encode("utf-8"), "text", "第2行"),
    ("refs-gbk.txt", lambda: SAMPLE_TEXT.encode("gb18030"), "text", "第2行"),
    ("refs.csv", lambda: "\n".join(f'"{line}"' for line in LINES).encode("utf-8-sig"), "text",
     "第2行"),
    ("refs.docx", lambda: docx_bytes(LINES), "docx", "第2段"),
    ("refs.pdf", lambda: pdf_bytes(LINES), "pdf", "第1页"),
    ("misnamed.txt", lambda: docx_bytes(LINES), "docx", "第2段"),  # the content decides
])
def test_every_format_yields_every_code(tmp_path: Path, name: str, build: object, kind: str,
                                        first_location: str) -> None:
    source = _write(tmp_path, name, build())  # type: ignore[operator]
    assert detect_kind(source) == kind
    document = DocumentText(source)
    citations = extract_citations(document.chunks())
    assert [c.parsed.normalized if c.parsed else None for c in citations] == EXPECTED
    assert citations[0].location == first_location
    assert document.truncated is False


def test_a_workbook_is_read_cell_by_cell(tmp_path: Path) -> None:
    source = _write(tmp_path, "refs.xlsx", xlsx_bytes(LINES))
    document = DocumentText(source)
    assert document.kind == "xlsx"
    citations = extract_citations(document.chunks())
    codes = [c.parsed.normalized if c.parsed else None for c in citations]
    assert codes == EXPECTED
    assert citations[0].location == "引用!B3" and citations[3].location == "引用!B8"


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    padding = b"<w:p/>" * (4 * MB)  # 24 MB of XML that deflates ~1000:1
    xml = (f'<w:document xmlns:w="{W}"><w:body>'.encode() + padding + b"</w:body></w:document>")
    source = _write(tmp_path, "bomb.docx", docx_bytes(["GB 1"], document_xml=xml))
    with pytest.raises(UnreadableFileError, match="STDTRACK_IMPORT_MAX_RATIO"):
        list(DocumentText(source).chunks())


def test_a_docx_part_over_the_document_limit_is_refused(tmp_path: Path) -> None:
    lines = [f"GB/T {n}-2015 标准名称" for n in range(1000, 4000)]
    path = tmp_path / "big.docx"
    path.write_bytes(docx_bytes(lines, compression=zipfile.ZIP_STORED))
    small = SourceFile(path, ReadLimits(max_document_bytes=64 * 1024))
    with pytest.raises(UnreadableFileError, match="STDTRACK_IMPORT_MAX_DOCUMENT_MB"):
        list(DocumentText(small).chunks())


def test_a_docx_with_a_doctype_is_refused(tmp_path: Path) -> None:
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY e "GB 1">]>'
           f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p>'
           "</w:body></w:document>").encode()
    source = _write(tmp_path, "xxe.docx", docx_bytes(["x"], document_xml=xml))
    with pytest.raises(UnreadableFileError, match="DOCTYPE"):
        list(DocumentText(source).chunks())


def test_a_zip_that_is_no_document_and_damaged_documents_are_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "GB 1")
    with pytest.raises(UnreadableFileError, match="neither a DOCX"):
        detect_kind(_write(tmp_path, "other.zip", buffer.getvalue()))
    cut = docx_bytes(LINES)[:-40]
    with pytest.raises(UnreadableFileError):
        list(DocumentText(_write(tmp_path, "cut.docx", cut)).chunks())
    with pytest.raises(UnreadableFileError, match="not a readable PDF"):
        list(DocumentText(_write(tmp_path, "bad.pdf", b"%PDF-1.7\n garbage")).chunks())


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["GB 1"]))))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(UnreadableFileError, match="encrypted"):
        list(DocumentText(_write(tmp_path, "locked.pdf", buffer.getvalue())).chunks())


def test_a_pdf_past_the_page_limit_is_read_up_to_it_and_says_so(tmp_path: Path) -> None:
    source = _write(tmp_path, "long.pdf", pdf_bytes(["GB/T 7714-2015 信息与文献"], pages=5))
    document = DocumentText(source, max_pdf_pages=3)
    assert _codes(document) == ["GB/T 7714-2015"] * 3
    assert document.truncated is True
    assert document.notes == ["only the first 3 of 5 pages were read"]


def test_text_past_the_character_limit_is_cut_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("GB/T 7714-2015 信息与文献\n" * 10_000, encoding="utf-8")
    document = DocumentText(SourceFile(path, ReadLimits(max_document_bytes=1000)))
    codes = _codes(document)
    assert 0 < len(codes) < 100 and document.truncated is True
