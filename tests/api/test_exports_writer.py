"""The shared spreadsheet writer: Chinese headers, rows as given, formula cells made inert."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from api.exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Table,
    cell_value,
    columns,
    content_disposition,
    export_response,
    safe_cell,
    to_csv,
    to_xlsx,
)

COLUMNS = columns(("name", "产品名称 product"), ("count", "数量 count"),
                  ("rate", "比率 rate"), ("on", "日期 date"))
ROWS = [
    {"name": "=1+1", "count": 3, "rate": 0.5, "on": dt.date(2015, 12, 31)},
    {"name": "+SUM(A1:A2)", "count": -2, "rate": None, "on": None},
    {"name": "-cmd|' /C calc'!A0", "count": 0, "rate": 1.0, "on": dt.date(2011, 1, 1)},
    {"name": "@HYPERLINK(\"http://x\")", "count": 1, "rate": 0.25, "on": None},
    {"name": "长春市 汽车线束", "count": 7, "rate": 0.875, "on": dt.date(2020, 5, 1)},
]


@pytest.mark.parametrize(("raw", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\t=1", "'\t=1"),
    ("a=1", "a=1"), ("", ""), (None, ""), ("长春", "长春")])
def test_safe_cell_prefixes_formula_starts(raw: str | None, expected: str) -> None:
    assert safe_cell(raw) == expected


@pytest.mark.parametrize("raw", [
    "＝1+1", "＋SUM(A1:A2)", "－2+3", "＠HYPERLINK(\"http://x\")",  # full width (an IME types them)
    "﹦1+1", "﹢1", "﹣1", "﹫x",  # small forms
    "−1+1",  # the minus sign
    "\r=1+1", "\n=1+1", "\t=1+1"])  # OWASP: a spreadsheet strips these and reads the rest
def test_wide_signs_and_leading_breaks_are_neutralised_too(raw: str) -> None:
    assert safe_cell(raw) == "'" + raw
    data = to_xlsx(Table(name="t", columns=COLUMNS, rows=[{"name": raw}]))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    # (XML reads a carriage return back as a line feed: compare what follows it)
    assert sheet["A2"].value[0] == "'" and sheet["A2"].value[1:].strip() == raw.strip()
    rows = list(csv.reader(io.StringIO(to_csv(Table(name="t", columns=COLUMNS, rows=[
        {"name": raw}])).decode("utf-8-sig"))))
    assert rows[1][0] == "'" + raw


@pytest.mark.parametrize("raw", ["１２３", "（一）总则", "Ａ级", "±5%", "a=1", "—"])
def test_other_wide_characters_stay_as_they_are(raw: str) -> None:
    assert safe_cell(raw) == raw


def test_numbers_stay_numbers_and_lists_join() -> None:
    assert cell_value(-2) == -2
    assert cell_value(0.5) == 0.5
    assert cell_value(["GB 7258-2017", "=1"]) == "GB 7258-2017; =1"
    assert cell_value(["=1", "x"]) == "'=1; x"
    aware = dt.datetime(2020, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert cell_value(aware) == dt.datetime(2020, 1, 1, 0, 0)


def test_xlsx_has_chinese_headers_rows_and_inert_formulas() -> None:
    data = to_xlsx(Table(name="products", columns=COLUMNS, rows=ROWS, title="标题 =x"))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "标题 =x"
    assert values[1] == ("产品名称 product", "数量 count", "比率 rate", "日期 date")
    assert values[2] == ("'=1+1", 3, 0.5, dt.datetime(2015, 12, 31))
    assert values[3] == ("'+SUM(A1:A2)", -2, None, None)
    assert values[4][0] == "'-cmd|' /C calc'!A0"
    assert values[5][0] == "'@HYPERLINK(\"http://x\")"
    assert values[6] == ("长春市 汽车线束", 7, 0.875, dt.datetime(2020, 5, 1))
    # no cell is a formula: openpyxl reads a formula cell back with data_type "f"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_csv_has_bom_chinese_headers_and_inert_formulas() -> None:
    data = to_csv(Table(name="products", columns=COLUMNS, rows=ROWS))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["产品名称 product", "数量 count", "比率 rate", "日期 date"]
    assert rows[1] == ["'=1+1", "3", "0.5", "2015-12-31"]
    assert rows[2] == ["'+SUM(A1:A2)", "-2", "", ""]
    assert rows[5] == ["长春市 汽车线束", "7", "0.875", "2020-05-01"]
    assert len(rows) == 1 + len(ROWS)


def test_response_types_and_file_names() -> None:
    table = Table(name="x", columns=COLUMNS, rows=ROWS[:1])
    xlsx = export_response(table, "xlsx", "goals-2015-12-31")
    assert xlsx.media_type == XLSX_MEDIA_TYPE
    assert xlsx.headers["Content-Disposition"].startswith(
        'attachment; filename="goals-2015-12-31.xlsx"')
    assert export_response(table, "csv", "alerts").media_type == CSV_MEDIA_TYPE
    header = content_disposition("覆盖率-22.csv")
    assert 'filename="22.csv"' in header
    assert "filename*=UTF-8''%E8%A6%86%E7%9B%96%E7%8E%87-22.csv" in header


def test_illegal_xml_characters_are_dropped() -> None:
    data = to_xlsx(Table(name="s", columns=COLUMNS, rows=[{"name": "a\x01b", "count": 1}]))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.cell(row=2, column=1).value == "ab"
