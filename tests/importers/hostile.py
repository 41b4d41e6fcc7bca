"""Hostile files written by the tests themselves: small on disk, huge once inflated or parsed.

Each writer streams what it compresses, so making a 300 MB string costs no 300 MB of memory.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    f'{XML_DECLARATION}<Types xmlns="{CT_NS}">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>'
    "</Types>")
ROOT_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" '
    f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    f'{XML_DECLARATION}<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PKG_NS}">'
    f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>")


def _sheet(rows: Iterable[str], prolog: str = "") -> Iterator[str]:
    yield f'{XML_DECLARATION}{prolog}<worksheet xmlns="{NS}"><sheetData>'
    yield from rows
    yield "</sheetData></worksheet>"


def _shared(entries: Iterable[str], count: int, prolog: str = "") -> Iterator[str]:
    yield f"{XML_DECLARATION}{prolog}"
    yield f'<sst xmlns="{NS}" count="{count}" uniqueCount="{count}">'
    yield from entries
    yield "</sst>"


def string_cell(ref: str, index: int) -> str:
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def write_workbook(path: Path, sheet: Iterable[str], shared: Iterable[str],
                   level: int = 9) -> Path:
    """An XLSX written part by part, each streamed through deflate."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, parts in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared)):
            with archive.open(name, "w", force_zip64=True) as member:
                pending: list[str] = []
                size = 0
                for part in parts:
                    pending.append(part)
                    size += len(part)
                    if size > 1 << 20:
                        member.write("".join(pending).encode())
                        pending, size = [], 0
                member.write("".join(pending).encode())
    return path


HEADER_ROW = '<row r="1">' + string_cell("A1", 0) + string_cell("B1", 1) + "</row>"


def one_huge_string(path: Path, chars: int = 300 * 1024 * 1024) -> Path:
    """A catalogue whose one title is ``chars`` characters long (a shared string)."""
    row = '<row r="2">' + string_cell("A2", 2) + string_cell("B2", 3) + "</row>"
    block = "a" * (1 << 20)

    def title() -> Iterator[str]:
        yield "<si><t>"
        for _ in range(chars // len(block)):
            yield block
        yield "</t></si>"

    entries = ["<si><t>标准号</t></si>", "<si><t>标准名称</t></si>",
               "<si><t>GB/T 1-2020</t></si>"]
    return write_workbook(path, _sheet([HEADER_ROW, row]),
                          _shared([*entries, *title()], 4))


def many_shared_strings(path: Path, count: int = 5_000_000) -> Path:
    """A catalogue whose shared-string table has ``count`` entries."""
    entries = ["<si><t>标准号</t></si>", "<si><t>标准名称</t></si>"]

    def rest() -> Iterator[str]:
        yield from entries
        for _ in range(count - len(entries)):
            yield "<si><t>x</t></si>"

    return write_workbook(path, _sheet([HEADER_ROW]), _shared(rest(), count))


def many_rows(path: Path, rows: int = 2_000_000) -> Path:
    """A catalogue of ``rows`` rows (all the same standard)."""
    entries = ["<si><t>标准号</t></si>", "<si><t>标准名称</t></si>",
               "<si><t>GB/T 1-2020</t></si>", "<si><t>标准化工作导则</t></si>"]

    def body() -> Iterator[str]:
        yield HEADER_ROW
        for number in range(2, rows + 2):
            yield (f'<row r="{number}">{string_cell(f"A{number}", 2)}'
                   f'{string_cell(f"B{number}", 3)}</row>')

    return write_workbook(path, _sheet(body()), _shared(entries, len(entries)), level=6)


def doctype_in_shared_strings(path: Path, hidden_by_comment: bool = False) -> Path:
    """A workbook whose shared strings declare a DOCTYPE with an entity."""
    prolog = ("<!-- <sst> -->" if hidden_by_comment else "") + \
        '<!DOCTYPE sst [<!ENTITY x "标准名称">]>'
    entries = ["<si><t>标准号</t></si>", "<si><t>&x;</t></si>"]
    return write_workbook(path, _sheet([HEADER_ROW]), _shared(entries, 2, prolog))


def gzip_bomb(path: Path, header: bytes, filler: bytes = b" ", inflated: int = 1 << 30) -> Path:
    """A gzip file: ``header`` then ``filler`` repeated to ``inflated`` bytes, about 1000
    times smaller on disk. It is a chain of gzip members (valid gzip, as ``cat a.gz b.gz``
    makes), the same 4 MB member written again and again, so it takes no time to write."""
    block = filler * ((4 << 20) // len(filler))
    member = gzip.compress(block, compresslevel=9)
    with path.open("wb") as out:
        out.write(gzip.compress(header))
        for _ in range(max(1, (inflated - len(header)) // len(block))):
            out.write(member)
    return path


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def table_workbook(path: Path, rows: list[list[str]], sheet_prolog: str = "",
                   shared_prolog: str = "") -> Path:
    """A one-sheet workbook of text cells (shared strings), optionally with a prolog (a
    DOCTYPE, a comment) before the sheet's or the shared strings' root element."""
    strings: dict[str, int] = {}
    body = []
    for number, cells in enumerate(rows, start=1):
        row = "".join(string_cell(f"{_column(i)}{number}", strings.setdefault(cell, len(strings)))
                      for i, cell in enumerate(cells))
        body.append(f'<row r="{number}">{row}</row>')
    entries = [f"<si><t>{text}</t></si>" for text in strings]
    return write_workbook(path, _sheet(body, sheet_prolog),
                          _shared(entries, len(entries), shared_prolog))


def declare_smaller(path: Path, part: str, size: int) -> Path:
    """Make the zip directory claim ``part`` inflates to ``size`` bytes (a lying header)."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_length] == name:
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return path
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{part} is not in {path}")


def many_styles(path: Path, formats: int) -> Path:
    """A workbook whose stylesheet lists ``formats`` cell formats, each a little different
    (so that they do not compress away)."""
    xfs = "".join(f'<xf numFmtId="{n % 164}" fontId="0" fillId="0" borderId="0" xfId="{n}"/>'
                  for n in range(formats))
    styles = (f'{XML_DECLARATION}<styleSheet xmlns="{NS}"><cellXfs count="{formats}">{xfs}'
              "</cellXfs></styleSheet>")
    rels = WORKBOOK_RELS.replace("</Relationships>", f'<Relationship Id="rId3" '
                                 f'Type="{OFFICE}/styles" Target="styles.xml"/></Relationships>')
    types = CONTENT_TYPES.replace("</Types>", '<Override PartName="/xl/styles.xml" '
                                  f'ContentType="{TYPE}.styles+xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/worksheets/sheet1.xml", "".join(_sheet([HEADER_ROW])))
        archive.writestr("xl/sharedStrings.xml", "".join(_shared(
            ["<si><t>标准号</t></si>", "<si><t>标准名称</t></si>"], 2)))
        archive.writestr("xl/styles.xml", styles)
    return path


def many_merged_cells(path: Path, merges: int) -> Path:
    """A workbook whose sheet merges ``merges`` ranges after its rows."""
    body = "".join(f'<mergeCell ref="C{n}:D{n}"/>' for n in range(1, merges + 1))
    sheet = (f'{XML_DECLARATION}<worksheet xmlns="{NS}"><sheetData>{HEADER_ROW}</sheetData>'
             f'<mergeCells count="{merges}">{body}</mergeCells></worksheet>')
    return write_workbook(path, [sheet], _shared(
        ["<si><t>标准号</t></si>", "<si><t>标准名称</t></si>"], 2))
