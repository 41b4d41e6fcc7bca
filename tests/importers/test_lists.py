"""Standards lists as people export them: CSV / XLSX with English or Chinese headers, JSON and
JSON lines of objects, read through one alias table; what no field reads is said."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from importers import read_file
from importers.errors import UnknownFormatError
from importers.profiles import CATALOGUE_ALIASES, _invert, alias_table_markdown, resolve_column
from standards.vocab import Nature, Status
from tests.importers.helpers import data, read

CATALOGUES = "catalogues/"


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _codes(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("；", ";").split(";") if part.strip()]


@pytest.mark.parametrize(("target", "label"), [
    (target, label) for target, labels in CATALOGUE_ALIASES.items() for label in labels])
def test_every_alias_reads_as_its_field(target: str, label: str) -> None:
    assert resolve_column(label) == target
    assert resolve_column(f" {label.upper()}：") == target


@pytest.mark.parametrize(("header", "target"), [
    ("issue_date", "published"), ("Issue Date", "published"), ("IMPLEMENT_DATE", "implemented"),
    ("abolish-date", "withdrawn"), ("replaced_by", "replaced_by"), ("issued_by", "department"),
    ("国际标准分类号（ICS）", "ics"), ("ＣＯＤＥ", "code"), ("title.zh", "title_zh"),
])
def test_case_space_and_punctuation_do_not_matter(header: str, target: str) -> None:
    assert resolve_column(header) == target


def test_an_alias_claimed_by_two_fields_is_refused() -> None:
    with pytest.raises(ValueError, match="maps to both"):
        _invert({"published": ("issueDate",), "implemented": ("issue_date",)})


def test_the_format_reference_lists_the_alias_table() -> None:
    formats = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text("utf-8")
    assert alias_table_markdown() in formats


def _expected_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _check_english_rows(path: Path, expected: list[dict[str, str]], fmt: str) -> None:
    result = read(path)
    assert result.format == fmt and not result.rejected and result.ignored_columns == []
    assert len(result.records) == len(expected) == 11
    for row in expected:
        record = result.one(row["code"])
        assert record.title_zh == row["title"] and record.title_en is None
        assert record.published_on == _day(row["issueDate"])
        assert record.implemented_on == _day(row["implementDate"])
        assert record.withdrawn_on == _day(row["abolishDate"])
        assert record.replaces == _codes(row["replaces"])
        assert record.replaced_by == _codes(row["replacedBy"])
        assert record.department == (row["issuedBy"] or None)


def test_real_list_with_english_headers_reads_every_column() -> None:
    path = data(CATALOGUES + "english_headers.csv")
    _check_english_rows(path, _expected_rows(path), "csv")


def test_the_same_list_as_a_workbook_with_date_cells(tmp_path: Path) -> None:
    expected = _expected_rows(data(CATALOGUES + "english_headers.csv"))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    headers = list(expected[0])
    sheet.append(headers)
    for row in expected:
        sheet.append([_day(row[h]) if h.endswith("Date") and row[h] else row[h] or None
                      for h in headers])
    path = tmp_path / "list.xlsx"
    book.save(path)
    _check_english_rows(path, expected, "xlsx")


def _export(relative: str) -> list[dict[str, object]]:
    return list(json.loads(data(relative).read_text("utf-8"))["standards"])


def _check_export(path: Path, objects: list[dict[str, object]], fmt: str) -> None:
    result = read(path)
    assert result.format == fmt and not result.rejected
    assert len(result.records) == len(objects)
    for entry in objects:
        record = result.one(str(entry["code"]))
        title, english = str(entry["title"]), str(entry["english"] or "")
        if record.code.startswith("ISO"):  # an English title under "title"
            assert (record.title_zh, record.title_en) == (None, title)
        else:
            assert record.title_zh == title and record.title_en == (english or None)
        assert record.status_text == entry["status"]
        assert record.published_on == _day(entry["issueDate"])  # type: ignore[arg-type]
        assert record.implemented_on == _day(entry["implementDate"])  # type: ignore[arg-type]
        assert record.withdrawn_on == _day(entry["abolishDate"])  # type: ignore[arg-type]
        assert record.replaces == _codes(entry["replaces"])  # type: ignore[arg-type]
        assert record.replaced_by == _codes(entry["replacedBy"])  # type: ignore[arg-type]
        assert record.department == (entry["issuedBy"] or None)
        assert record.extra["标准层级"] == entry["type"]


def test_json_export_with_the_list_under_one_key() -> None:
    path = data(CATALOGUES + "national_export.json")
    _check_export(path, _export(CATALOGUES + "national_export.json"), "json")
    result = read(path)
    assert result.ignored_columns == ["isMandatory", "tags"]
    assert result.one("GB 2760-2014").status is Status.WITHDRAWN
    assert result.one("GB/T 45001-2020").replaces == ["GB/T 28001-2011", "GB/T 28002-2011"]


def test_json_lines_of_the_same_objects(tmp_path: Path) -> None:
    objects = _export(CATALOGUES + "national_export.json")
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), "utf-8")
    _check_export(path, objects, "jsonl")


def test_a_real_third_party_export() -> None:
    path = data(CATALOGUES + "sports_export_sample.json")
    _check_export(path, _export(CATALOGUES + "sports_export_sample.json"), "json")
    result = read(path)
    assert all(r.status is Status.UPCOMING for r in result.records)  # the file's word


def test_a_top_level_list_and_an_api_envelope(tmp_path: Path) -> None:
    rows = [{"stdCode": "GB/T 7714-2015", "name": "信息与文献 参考文献著录规则",
             "pubDate": "2015-05-15"}]
    top = tmp_path / "top.json"
    top.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    envelope = tmp_path / "envelope.json"
    envelope.write_text(json.dumps({"code": 200, "data": {"total": 1, "records": rows}},
                                   ensure_ascii=False), "utf-8")
    for path, where in ((top, "/0"), (envelope, "/data/records/0")):
        result = read(path)
        assert result.format == "json"
        assert result.outcomes[0].location == f"{path.name}:{where}"
        assert result.one("GB/T 7714-2015").published_on == dt.date(2015, 5, 15)


def test_column_mapping_names_json_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"list": [
        {"std": "GB/T 19001-2016", "名字": "质量管理体系 要求", "day": "2016-12-30"}]},
        ensure_ascii=False), "utf-8")
    with pytest.raises(UnknownFormatError) as unknown:
        read_file(path)
    assert "--column KEY=code" in str(unknown.value)
    result = read(path, column_map={"std": "code", "名字": "title", "day": "published"})
    record = result.one("GB/T 19001-2016")
    assert (record.title_zh, record.published_on) == ("质量管理体系 要求", dt.date(2016, 12, 30))


def test_unread_columns_of_dates_and_codes_are_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("code,登记日期,新号,颜色\n"
                    "GB/T 19001-2016,2017-01-01,GB/T 19000-2016,红\n"
                    "GB/T 19001-2008,2009-01-01,GB/T 19000-2008,蓝\n", "utf-8")
    reading = read_file(path)
    unread = {c.column: c for c in reading.unread_columns}
    assert (unread["登记日期"].holds, unread["登记日期"].sample) == ("dates", "2017-01-01")
    assert unread["登记日期"].option == "--column 登记日期=published"
    assert (unread["新号"].holds, unread["新号"].option) == ("codes", "--column 新号=replaces")
    assert unread["颜色"].holds == "text"
    warnings = reading.warnings()
    assert [w["kind"] for w in warnings] == ["no_title", "unread_dates", "unread_codes"]
    assert "--column 登记日期=published" in warnings[1]["message"]


def test_a_second_spelling_of_the_row_code_is_no_unread_code(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("标准号,标准名称,编码\nGB/T 19001-2016,质量管理体系 要求,GBT19001-2016\n",
                    "utf-8")
    assert read_file(path).warnings() == []


def test_relation_targets_must_be_standard_codes(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("code,title,replaces,replacedBy\n"
                    "GB 36246-2018,中小学合成材料面层运动场地,GB/T 14833-2011（部分）,\n"
                    "GB/T 14833-2011,合成材料跑道,GB/T 14833-1993,TC291\n", "utf-8")
    outcomes = list(read_file(path))
    assert all(o.record is not None for o in outcomes)
    school, track = (o.record for o in outcomes)
    assert school is not None and track is not None
    assert school.replaces == [] and school.partially_replaces == ["GB/T 14833-2011"]
    assert track.replaces == ["GB/T 14833-1993"] and track.replaced_by == []
    [note] = outcomes[1].notes
    assert (note.kind, note.field, note.value) == ("rejected_field", "replaced_by", "TC291")
    assert "not a standard code" in note.reason


def test_contradictory_dates_are_kept_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("标准号,标准名称,发布日期,实施日期,废止日期\n"
                    "DB22/T 1-2020,示例,2020-05-01,2020-04-01,2020-03-01\n", "utf-8")
    [outcome] = list(read_file(path))
    assert outcome.record is not None and outcome.record.implemented_on == dt.date(2020, 4, 1)
    assert [(n.kind, n.field) for n in outcome.notes] == [("date_order", "implemented"),
                                                          ("date_order", "withdrawn")]


def test_nature_and_status_words_of_a_list() -> None:
    result = read(data(CATALOGUES + "building_codes_attributes.csv"))
    assert result.one("JGJ 100-2015").nature is Nature.RECOMMENDED
    assert result.one("GB 50016-2014").nature is Nature.MANDATORY
    assert result.one("JGJ 3-2010").nature is None  # no word: the code decides when stored
    words = read(data(CATALOGUES + "status_words_no_dates.csv"))
    assert {r.code: r.status for r in words.records} == {
        "GB 2760-2024": Status.UPCOMING, "GB 2760-2014": Status.CURRENT,
        "GB/T 19001-2016": Status.CURRENT, "GB/T 19001-2008": Status.WITHDRAWN,
        "GB/T 7714-2005": Status.WITHDRAWN, "GB/T 1.1-2009": Status.WITHDRAWN,
        "ISO 9001:2015": Status.CURRENT, "ISO 9001:2008": Status.WITHDRAWN,
    }


def test_an_unread_column_of_a_workbook_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "国家标准"
    first.append(["标准号", "标准名称"])
    first.append(["GB/T 7714-2015", "信息与文献 参考文献著录规则"])
    second = book.create_sheet("行业标准")
    second.append(["标准号", "标准名称", "备案日期2"])
    second.append(["JB/T 13368-2018", "叉车属具 软包夹", dt.datetime(2018, 2, 26)])
    path = tmp_path / "book.xlsx"
    book.save(path)
    [column] = read_file(path).unread_columns
    assert (column.column, column.holds, column.sample) == ("行业标准!备案日期2", "dates",
                                                            "2018-02-26")
    assert column.option == "--column 备案日期2=published"
