"""CSV, TSV and XLSX catalogues with Chinese or English headers, built in tmp_path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from importers.errors import ColumnMappingError
from standards.vocab import AdoptionDegree, Nature, Status
from tests.importers.helpers import data, read

CHINESE_CATALOGUE = (
    "标准号,标准名称,英文名称,标准状态,发布日期,实施日期,ICS,中国标准分类号,采标情况,代替标准,"
    "标准性质,归口单位,主管部门,起草单位,序号\n"
    "GB/T 19001-2016,质量管理体系 要求,Quality management systems—Requirements,现行,"
    '2016-12-30,2017/7/1,03.120.10,A00,"ISO 9001:2015, IDT",GB/T 19001-2008,推荐性,'
    "全国质量管理和质量保证标准化技术委员会,国家标准化管理委员会,中国标准化研究院、北京大学,1\n"
    "DB22/T 1234-2019,人参种植技术规程,,即将实施,2019年5月1日,2019-5-1,"
    "65 农业 65.020 农业和林业 65.020.20 植物栽培,B 05,,,推荐性,吉林省农业农村厅,"
    "吉林省市场监督管理厅,,2\n"
    "DB22/T 999-2019,日期写错了,,现行,2019-13-45,,,,,,,,,,3\n"
    "DB22/T 1000-2019,第四行,,现行,2019.06.01,,,,,,,,,,4\n"
)


def _check_chinese_catalogue(path: Path, fmt: str = "csv") -> None:
    result = read(path)
    assert result.format == fmt
    assert result.ignored_columns == ["序号"]
    assert [r.code for r in result.records] == [
        "GB/T 19001-2016",
        "DB22/T 1234-2019",
        "DB22/T 1000-2019",
    ]
    qms = result.one("GB/T 19001-2016")
    assert qms.title_en == "Quality management systems—Requirements"
    assert qms.status is Status.CURRENT and qms.nature is Nature.RECOMMENDED
    assert qms.published_on == dt.date(2016, 12, 30)
    assert qms.implemented_on == dt.date(2017, 7, 1)
    assert [(a.code, a.degree) for a in qms.adopts] == [("ISO 9001:2015", AdoptionDegree.IDT)]
    assert qms.replaces == ["GB/T 19001-2008"]
    assert qms.drafters == ["中国标准化研究院", "北京大学"]
    assert qms.technical_committee == "全国质量管理和质量保证标准化技术委员会"
    assert qms.department == "国家标准化管理委员会"
    assert qms.source == fmt
    local = result.one("DB22/T 1234-2019")
    assert local.status is Status.UPCOMING
    assert local.published_on == dt.date(2019, 5, 1) == local.implemented_on
    assert local.ics == ["65.020.20"] and local.ccs == "B05"
    assert result.one("DB22/T 1000-2019").published_on == dt.date(2019, 6, 1)
    [bad] = result.rejected
    assert bad.location == f"{path.name}:row 4"
    assert "2019-13-45" in (bad.reason or "") and "published" in (bad.reason or "")


def test_utf8_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(CHINESE_CATALOGUE, encoding="utf-8")
    _check_chinese_catalogue(path)


def test_utf8_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CHINESE_CATALOGUE.encode("utf-8"))
    _check_chinese_catalogue(path)


def test_gb18030_csv(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(CHINESE_CATALOGUE.encode("gb18030"))
    _check_chinese_catalogue(path)


def test_utf16_tab_separated_text_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_text(
        "标准号\t标准名称\t采用国际标准\nGB/T 19001-2016\t质量管理体系 要求\tISO 9001:2015, IDT\n",
        encoding="utf-16",
    )
    result = read(path)
    assert result.format == "tsv"
    record = result.one("GB/T 19001-2016")
    assert [(a.code, a.degree) for a in record.adopts] == [("ISO 9001:2015", AdoptionDegree.IDT)]


def test_tsv_with_english_headers_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "english.tsv"
    path.write_text(
        " Code \tTITLE_EN\tStatus\tPublished\tWithdrawn\tAdoption\tNature\tColour\n"
        "ISO 9001:2008\tQMS\twithdrawn\t2008-11-15\t2015-09-15\t\t\tblue\n"
        "GB/T 1.1-2020\tDirectives\tcurrent\t2020-03-31\t\t\tguidance\tred\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.format == "tsv"
    assert result.ignored_columns == ["Colour"]
    old = result.one("ISO 9001:2008")
    assert old.status is Status.WITHDRAWN and old.withdrawn_on == dt.date(2015, 9, 15)
    assert result.one("GB/T 1.1-2020").nature is Nature.GUIDANCE


def test_column_mapping_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "custom.csv"
    path.write_text(
        "标准代号,名称,备案编号,颜色\nQ/ABC 0001-2020,企业标准,12345-2020,红\n", encoding="utf-8"
    )
    with pytest.raises(ColumnMappingError) as missing:
        read(path)
    assert "no column maps to field 'code'" in str(missing.value)
    assert "标准代号" in str(missing.value) and "custom.csv" in str(missing.value)
    result = read(path, column_map={"标准代号": "code", "备案编号": "extra.备案号"})
    record = result.one("Q/ABC 0001-2020")
    assert record.title_zh == "企业标准"
    assert record.extra == {"备案号": "12345-2020"}
    assert result.ignored_columns == ["颜色"]


def test_column_mapping_to_an_unknown_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "custom.csv"
    path.write_text("标准号\nGB 1-2000\n", encoding="utf-8")
    with pytest.raises(ColumnMappingError) as refused:
        read(path, column_map={"标准号": "standard_number"})
    assert "standard_number" in str(refused.value) and "title_zh" in str(refused.value)


def test_a_row_without_code_is_rejected_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        "标准号,标准名称\nGB 1-2000,一\n,,\n,没有编号\n123456,只有数字\n", encoding="utf-8"
    )
    result = read(path)
    assert [r.code for r in result.records] == ["GB 1-2000"]
    assert [(o.location, o.reason) for o in result.rejected] == [
        ("gaps.csv:row 4", "this row has no standard code"),
        ("gaps.csv:row 5", "'123456' is not a standard code (no issuer prefix)"),
    ]


def test_xlsx_with_title_row_real_date_cells_and_several_sheets(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "2019"
    sheet.append(["2019年吉林省地方标准目录"])
    sheet.append([])
    sheet.append(["标准号", "标准名称", "发布日期", "实施日期", "ICS", "备注列"])
    sheet.append(["DB22/T 3000-2019", "一", dt.datetime(2019, 5, 1), 43617, "65.020.20", "x"])
    sheet.append(["DB22/T 3001-2019", "二", "2019年6月1日", dt.date(2019, 7, 1), None, None])
    sheet.append(["DB22/T 3002-2019", "三", "not a date", None, None, None])
    notes = workbook.create_sheet("说明")
    notes.append(["本表由省标准化院整理"])
    path = tmp_path / "catalogue.xlsx"
    workbook.save(path)

    result = read(path)
    assert result.format == "xlsx" and result.source == "xlsx"
    first = result.one("DB22/T 3000-2019")
    assert first.published_on == dt.date(2019, 5, 1)
    assert first.implemented_on == dt.date(2019, 6, 1)  # serial 43617 in a date column
    assert result.one("DB22/T 3001-2019").implemented_on == dt.date(2019, 7, 1)
    [bad] = result.rejected
    assert bad.location == "catalogue.xlsx:2019!row 6"
    assert "'not a date'" in (bad.reason or "")
    assert result.ignored_columns == ["2019!备注列", "说明!* (no column maps to code)"]


def test_xlsx_read_with_a_column_mapping(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Std No.", "Name"])
    sheet.append(["GB/T 7714-2015", "信息与文献 参考文献著录规则"])
    path = tmp_path / "mapped.xlsx"
    workbook.save(path)
    result = read(path, column_map={"std no.": "code", "NAME": "title_zh"})
    assert result.one("GB/T 7714-2015").title_zh == "信息与文献 参考文献著录规则"
    assert result.outcomes[0].location == "mapped.xlsx:Sheet!row 2"


def test_a_real_csv_that_is_not_a_catalogue() -> None:
    with pytest.raises(ColumnMappingError) as refused:
        read(data("cnccs/cat-level1.csv"))
    assert str(refused.value) == (
        "cat-level1.csv: no column maps to field 'code' (headers: 代码 / Code, 名称 / Name); "
        "map one with --column HEADER=code"
    )
