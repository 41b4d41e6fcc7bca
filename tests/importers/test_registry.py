"""Format detection by content, --format overrides and the known-format list."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import openpyxl
import pytest

from importers import FORMATS, detect_format, read_file
from importers.errors import UnknownFormatError
from tests.importers.helpers import data, read

EXPECTED_FORMATS = [
    "csv",
    "tsv",
    "xlsx",
    "samr-html",
    "openstd-html",
    "hbba-html",
    "ttbz-html",
    "samr-json",
    "hbba-json",
    "relaton-xml",
    "relaton-yaml",
    "iso-open-data",
    "relaton-compact",
    "sts-xml",
    "json",
    "jsonl",
]


def test_the_format_list() -> None:
    assert list(FORMATS) == EXPECTED_FORMATS


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("relaton-gb/html/stdsamr_detail_GBT20223-2018.html", "samr-html"),
        ("relaton-gb/html/stdsamr_detail_GBT5606.1-2004_v2019layout.html", "samr-html"),
        ("relaton-gb/html/stdsamr_search_GB2023.html", "samr-html"),
        ("relaton-gb/html/openstd_detail_GBT1.1-2020.html", "openstd-html"),
        ("relaton-gb/html/openstd_list_GBT20223-2006.html", "openstd-html"),
        ("relaton-gb/html/hbba_detail_JBT13368-2018.html", "hbba-html"),
        ("relaton-gb/html/ttbz_detail_T-GZAEPI001-2018.html", "ttbz-html"),
        ("relaton-gb/json/stdsamr_search_JBT13368-2018.json", "samr-json"),
        ("relaton-gb/json/hbba_stdQueryList_JBT13368-2018.json", "hbba-json"),
        ("relaton-gb/relaton/jbt_13368_2018.xml", "relaton-xml"),
        ("relaton-foreign/cen_CEN-ISO-TS-21003-7.xml", "relaton-xml"),
        ("relaton-gb/relaton/gb_bib_item.yml", "relaton-yaml"),
        ("relaton-foreign/raw_yaml/iso-9001-2015.yaml", "relaton-yaml"),
        ("iso-open-data/62085.json", "iso-open-data"),
        ("iso-open-data/88821-88915.jsonl", "iso-open-data"),
        ("relaton-data-jis/jis_sample_2000.jsonl", "relaton-compact"),
        ("sts-samples/isosts_v1_reg-meta.xml", "sts-xml"),
        ("sts-samples/nisosts_DIN_EN_ISO_13849-1_2008-12_en.xml", "sts-xml"),
    ],
)
def test_detection_of_real_files(relative: str, expected: str) -> None:
    assert detect_format(data(relative)) == expected


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("relaton-gb/relaton/gbt_20223_2006.xml", "relaton-xml"),
        ("relaton-gb/html/openstd_list_GBT1.1.html", "openstd-html"),
        ("relaton-data-iec/iec_sample_2000.jsonl", "relaton-compact"),
        ("relaton-foreign/raw_yaml/JIS_Q_9001_2015.yaml", "relaton-yaml"),
    ],
)
def test_detection_looks_at_content_not_the_name(
    relative: str, expected: str, tmp_path: Path
) -> None:
    renamed = tmp_path / "download.dat"
    shutil.copyfile(data(relative), renamed)
    assert detect_format(renamed) == expected
    packed = tmp_path / "download.gz"
    with data(relative).open("rb") as plain, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(plain, out)
    assert detect_format(packed) == expected
    assert read(packed).records


def test_detection_of_tables(tmp_path: Path) -> None:
    comma = tmp_path / "list.txt"
    comma.write_text("标准号,标准名称\nGB 1-2000,x\n", encoding="utf-8")
    tab = tmp_path / "list.csv.txt"
    tab.write_text("标准号\t标准名称\nGB 1-2000\tx\n", encoding="gb18030")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["标准号"])
    book = tmp_path / "book.bin"
    workbook.save(book)
    assert detect_format(comma) == "csv"
    assert detect_format(tab) == "tsv"
    assert detect_format(book) == "xlsx"


def test_format_option_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "semicolons.csv"
    path.write_text("标准号;标准名称\nGB 1-2000;一\n", encoding="utf-8")
    assert read(path, fmt="csv").one("GB 1-2000").title_zh == "一"
    reading = read_file(data("iso-open-data/88821.json"), fmt="ISO-Open-Data")
    assert reading.format == "iso-open-data"


def test_unknown_format_names_list_the_known_ones() -> None:
    with pytest.raises(UnknownFormatError) as unknown:
        read_file(data("iso-open-data/62085.json"), fmt="docx")
    message = str(unknown.value)
    assert "unknown format 'docx'" in message
    assert all(name in message for name in EXPECTED_FORMATS)


@pytest.mark.parametrize(
    ("relative", "says"),
    [
        ("relaton-gb/relaton/prefixes.yaml", "YAML that is not a Relaton bibliographic item"),
        ("iso-open-data/harmonized_stage_code.json", "keys metamodel, vocabulary"),
    ],
)
def test_real_files_that_are_no_catalogue_are_named_as_such(relative: str, says: str) -> None:
    with pytest.raises(UnknownFormatError) as unknown:
        read_file(data(relative))
    assert says in str(unknown.value)
    assert str(unknown.value).startswith(Path(relative).name)
