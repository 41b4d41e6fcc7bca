"""Documents built for the check tests from tests/data/checks/normative_references.txt: DOCX
(a minimal WordprocessingML package), XLSX (openpyxl), PDF (fpdf2 with the report's font)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from fpdf import FPDF
from openpyxl import Workbook

from api.pdf import FONT_FILE as FONT

DATA = Path(__file__).resolve().parent.parent / "data" / "checks"
SAMPLE_TEXT = (DATA / "normative_references.txt").read_text(encoding="utf-8")
LINES_OF_SAMPLE = [line for line in SAMPLE_TEXT.splitlines() if line.strip()]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>')


def docx_bytes(lines: list[str], *, document_xml: bytes | None = None,
               compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A DOCX whose paragraphs are ``lines`` (a run split in two, as Word often does), the
    last ones inside a table cell."""
    paragraphs = []
    for line in lines:
        half = len(line) // 2
        paragraphs.append(f'<w:p><w:r><w:t xml:space="preserve">{escape(line[:half])}</w:t>'
                          f'</w:r><w:r><w:t xml:space="preserve">{escape(line[half:])}</w:t>'
                          "</w:r></w:p>")
    body = "".join(paragraphs[:-2]) + ("<w:tbl><w:tr><w:tc>" + "".join(paragraphs[-2:])
                                        + "</w:tc></w:tr></w:tbl>")
    xml = document_xml or (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}">'
                           f"<w:body>{body}</w:body></w:document>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def xlsx_bytes(lines: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "引用"
    sheet.append(["序号", "标准", "说明"])
    for number, line in enumerate(lines, start=1):
        sheet.append([number, line, "=A1" if number == 3 else None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines: list[str], pages: int = 1) -> bytes:
    """``lines`` on each of ``pages`` pages."""
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(FONT))
    pdf.set_font("cjk", size=10)
    for _ in range(pages):
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
