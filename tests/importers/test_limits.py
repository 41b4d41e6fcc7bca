"""Read limits: compression bombs, documents too large to hold, over-long fields, lines and
titles, too many rows or shared strings, DOCTYPEs in workbooks. Every hostile file is written
by the test, small on disk; the limits are lowered where that keeps a test quick."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest

from importers import read_file
from importers.errors import UnreadableFileError
from standards.settings import ReadLimits
from tests.importers import hostile
from tests.importers.helpers import read

HEADER = ["标准号", "标准名称"]
RECORD = b'{"id": "ISO 1:2000", "title_en": "Specification", "stage": "60.60"}\n'


def one_line(error: UnreadableFileError, name: str) -> str:
    message = str(error)
    assert "\n" not in message and message.startswith(f"{name}: ")
    return message


def limits(**changes: int) -> ReadLimits:
    return dataclasses.replace(ReadLimits(), **changes)


@pytest.mark.parametrize(("name", "header", "filler"), [
    ("bomb.jsonl.gz", RECORD, b" "),
    ("bomb.csv.gz", "标准号,标准名称\nGB/T 1-2020,导则\n".encode(), "GB/T 1-2020,导则\n".encode()),
])
def test_a_gzip_bomb_is_refused_by_its_ratio(tmp_path: Path, name: str, header: bytes,
                                             filler: bytes) -> None:
    path = hostile.gzip_bomb(tmp_path / name, header, filler)  # 1 GB inflated
    assert path.stat().st_size < 3 * 1024 * 1024
    with pytest.raises(UnreadableFileError) as refused:
        list(read_file(path))
    message = one_line(refused.value, name)
    assert "compression ratio over the limit of 100:1" in message
    assert "STDTRACK_IMPORT_MAX_RATIO" in message


def test_inflating_past_the_limit_is_refused(tmp_path: Path) -> None:
    lines = b"".join(json.dumps({"id": f"ISO {n}:2000", "title_en": f"Part {n}",
                                 "stage": "60.60"}).encode() + b"\n" for n in range(60_000))
    path = tmp_path / "large.jsonl.gz"
    path.write_bytes(gzip.compress(lines))  # about 4 MB inflated, an ordinary ratio
    assert len(read(path).records) == 60_000
    with pytest.raises(UnreadableFileError) as refused:
        list(read_file(path, limits=limits(max_inflated_bytes=2 * 1024 * 1024)))
    message = one_line(refused.value, "large.jsonl.gz")
    assert "more than the limit of 2 MB" in message and "STDTRACK_IMPORT_MAX_INFLATED_MB" in message


def test_a_chain_of_gzip_members_reads_whole(tmp_path: Path) -> None:
    path = tmp_path / "chain.jsonl.gz"
    path.write_bytes(gzip.compress(RECORD) + gzip.compress(RECORD.replace(b"ISO 1", b"ISO 2")))
    assert [r.code for r in read(path).records] == ["ISO 1:2000", "ISO 2:2000"]
    path.write_bytes(path.read_bytes() + b"garbage")
    with pytest.raises(UnreadableFileError) as refused:
        list(read_file(path))
    assert "gzip data is damaged" in one_line(refused.value, "chain.jsonl.gz")


def test_a_document_read_whole_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"rows": [{"STD_CODE": f"GB/T {n}-2020"} for n in range(80_000)]}))
    assert path.stat().st_size > 1024 * 1024
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path, limits=limits(max_document_bytes=1024 * 1024))
    message = one_line(refused.value, "big.json")
    assert "limit of 1 MB for data parsed whole" in message
    assert "STDTRACK_IMPORT_MAX_DOCUMENT_MB" in message


def test_an_over_long_field_rejects_its_row_only(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("标准号,标准名称\nGB/T 1-2020,导则\n"
                    f"GB/T 2-2020,{'长' * 12_000}\nGB/T 3-2020,规则\n", encoding="utf-8")
    result = read(path)
    assert [r.code for r in result.records] == ["GB/T 1-2020", "GB/T 3-2020"]
    [bad] = result.rejected
    assert bad.location == "long.csv:row 3"
    assert bad.reason is not None and "'title_zh' is 12000 characters long, over the limit of " \
        "10000: STDTRACK_IMPORT_MAX_FIELD_CHARS" in bad.reason


def test_a_title_over_the_title_limit_rejects_its_row(tmp_path: Path) -> None:
    path = tmp_path / "title.csv"
    path.write_text(f"标准号,标准名称\nGB/T 1-2020,{'题' * 5000}\nGB/T 3-2020,规则\n",
                    encoding="utf-8")
    result = read(path)
    assert [r.code for r in result.records] == ["GB/T 3-2020"]
    assert "'title_zh' is 5000 characters long, over the limit of 1000: " \
        "STDTRACK_IMPORT_MAX_TITLE_CHARS" in (result.rejected[0].reason or "")


def test_a_line_over_the_line_limit_is_skipped_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write('标准号,标准名称,备注\nGB/T 1-2020,导则,\nGB/T 2-2020,"')
        out.write("x" * 3_000_000)
        out.write('",\nGB/T 3-2020,规则,\n')
    result = read(path)
    assert [r.code for r in result.records] == ["GB/T 1-2020", "GB/T 3-2020"]
    [bad] = result.rejected
    assert bad.location == "huge.csv:row 3"
    assert "field 'title_zh' runs the line to 3000016 characters, over the line limit of " \
        "160000: 16 × STDTRACK_IMPORT_MAX_FIELD_CHARS" in (bad.reason or "")


def test_a_json_line_over_the_line_limit_is_one_rejection(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    long_title = "x" * 400_000
    path.write_bytes(RECORD + json.dumps({"id": "ISO 2:2000", "title_en": long_title,
                                          "stage": "60.60"}).encode() + b"\n"
                     + RECORD.replace(b"ISO 1", b"ISO 3"))
    result = read(path)
    assert [r.code for r in result.records] == ["ISO 1:2000", "ISO 3:2000"]
    assert result.rejected[0].location == "huge.jsonl:line 2"
    assert "over the limit of 160000" in (result.rejected[0].reason or "")


def test_csv_past_the_row_limit_stops_with_the_rows_before_read(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("标准号,标准名称\n" + "".join(f"GB/T {n}-2020,导则\n" for n in range(1, 11)),
                    encoding="utf-8")
    seen = []
    with pytest.raises(UnreadableFileError) as refused:
        for outcome in read_file(path, limits=limits(max_rows=4)):
            seen.append(outcome)
    assert len(seen) == 4
    assert "more than 4 records" in one_line(refused.value, "rows.csv")
    assert "STDTRACK_IMPORT_MAX_ROWS" in str(refused.value)


def test_csv_is_decoded_as_it_is_read(tmp_path: Path) -> None:
    rows = "".join(f"GB/T {n}-2020,标准化工作导则第{n}部分\n" for n in range(1, 5001))
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(f"标准号,标准名称\n{rows}".encode("gb18030"))
    assert gbk.stat().st_size > 65536  # past the head the encoding is told from
    result = read(gbk)
    assert len(result.records) == 5000
    assert result.records[-1].title_zh == "标准化工作导则第5000部分"
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(f"标准号,标准名称\n{rows}".encode() + "GB/T 9-2020,导则\n".encode("gbk"))
    with pytest.raises(UnreadableFileError) as refused:
        read(mixed)
    message = one_line(refused.value, "mixed.csv")
    assert re.search(r"text stops decoding as utf-8 after line \d+ \(invalid start byte\)",
                     message)


def test_an_xlsx_with_one_huge_shared_string_is_refused_before_it_is_read(
        tmp_path: Path) -> None:
    path = hostile.one_huge_string(tmp_path / "huge.xlsx", chars=72 * 1024 * 1024)
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path)
    message = one_line(refused.value, "huge.xlsx")
    assert "xl/sharedStrings.xml" in message and "STDTRACK_IMPORT_MAX_RATIO" in message
    # a file that passes the ratio is still held to the limit of what is read whole
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path, limits=limits(max_ratio=10_000))
    assert "STDTRACK_IMPORT_MAX_DOCUMENT_MB" in one_line(refused.value, "huge.xlsx")


def test_an_xlsx_with_too_many_shared_strings_is_refused(tmp_path: Path) -> None:
    path = hostile.many_shared_strings(tmp_path / "strings.xlsx", count=30_000)
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path, limits=limits(max_ratio=10_000, max_shared_strings=20_000))
    message = one_line(refused.value, "strings.xlsx")
    assert "more than 20000 entries" in message
    assert "STDTRACK_IMPORT_MAX_SHARED_STRINGS" in message


@pytest.mark.parametrize(("write", "part"), [
    (hostile.many_styles, "xl/styles.xml"),
    (hostile.many_merged_cells, "xl/worksheets/sheet1.xml"),
])
def test_an_xlsx_part_openpyxl_holds_whole_is_held_to_a_count(
        tmp_path: Path, write: Any, part: str) -> None:
    # each cell format costs openpyxl about 3 KB: 470,000 of them (a 3 MB file) took 1.4 GB
    path = write(tmp_path / "entries.xlsx", 120_000)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path)
    message = one_line(refused.value, "entries.xlsx")
    assert f"{part} holds more than 100000 entries" in message
    assert len(read(write(tmp_path / "fewer.xlsx", 1000)).outcomes) == 0  # a header alone


def test_an_xlsx_with_too_many_rows_is_refused_before_any_row(tmp_path: Path) -> None:
    path = hostile.many_rows(tmp_path / "rows.xlsx", rows=3000)
    assert len(read(path).records) == 3000
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path, limits=limits(max_rows=1000))
    message = one_line(refused.value, "rows.xlsx")
    assert "more than 1000 rows" in message and "STDTRACK_IMPORT_MAX_ROWS" in message


@pytest.mark.parametrize(("where", "hidden"), [
    ("shared", False), ("shared", True), ("sheet", False), ("sheet", True)])
def test_an_xlsx_with_a_doctype_is_refused(tmp_path: Path, where: str, hidden: bool) -> None:
    doctype = ("<!-- <worksheet> <sst> -->" if hidden else "") + \
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    path = hostile.table_workbook(
        tmp_path / "doctype.xlsx", [HEADER, ["GB/T 1-2020", "导则"]],
        sheet_prolog=doctype if where == "sheet" else "",
        shared_prolog=doctype if where == "shared" else "")
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path)
    message = one_line(refused.value, "doctype.xlsx")
    assert "has a DOCTYPE declaration" in message
    assert ("xl/sharedStrings.xml" if where == "shared" else "xl/worksheets/sheet1.xml") in message


def test_an_xlsx_whose_directory_understates_a_part_is_refused(tmp_path: Path) -> None:
    path = hostile.table_workbook(tmp_path / "liar.xlsx",
                                  [HEADER, *[[f"GB/T {n}-2020", "导则" * 50] for n in range(500)]])
    assert len(read(path).records) == 500
    hostile.declare_smaller(path, "xl/worksheets/sheet1.xml", 100)
    with pytest.raises(UnreadableFileError) as refused:
        list(read_file(path))
    assert "Bad CRC-32" in one_line(refused.value, "liar.xlsx")


def test_an_xlsx_row_past_excels_last_row_is_refused(tmp_path: Path) -> None:
    path = hostile.write_workbook(
        tmp_path / "far.xlsx",
        hostile._sheet([hostile.HEADER_ROW, '<row r="5000000"><c r="A5000000" t="s"><v>0</v>'
                        "</c></row>"]),
        hostile._shared(["<si><t>标准号</t></si>", "<si><t>标准名称</t></si>"], 2))
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path)
    assert "row number 5000000 is past Excel's last row" in one_line(refused.value, "far.xlsx")


def test_an_over_long_cell_in_a_workbook_rejects_its_row(tmp_path: Path) -> None:
    path = hostile.table_workbook(tmp_path / "long.xlsx", [
        HEADER, ["GB/T 1-2020", "导则"], ["GB/T 2-2020", "长" * 20_000], ["GB/T 3-2020", "规则"]])
    result = read(path)
    assert [r.code for r in result.records] == ["GB/T 1-2020", "GB/T 3-2020"]
    assert result.rejected[0].location == "long.xlsx:Sheet1!row 3"
    assert "'title_zh' is 20000 characters long" in (result.rejected[0].reason or "")


def test_an_entity_hidden_behind_a_comment_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hidden.xml"
    path.write_text('<?xml version="1.0"?><!-- <bibdata> -->'
                    '<!DOCTYPE bibdata [<!ENTITY x "GB/T 1-2020">]>'
                    '<bibdata type="standard"><docidentifier primary="true">&x;</docidentifier>'
                    "</bibdata>", encoding="utf-8")
    with pytest.raises(UnreadableFileError) as refused:
        read_file(path, "relaton-xml")
    assert "declares an XML entity" in one_line(refused.value, "hidden.xml")
