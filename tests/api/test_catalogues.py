"""Real catalogues import whole: every row's title, dates, nature and status as the file says,
nothing lost without a word (warnings, --strict), a source's own statements counted, and a
second import changing nothing. On the real database (SQLite, or PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.imports import ImportOptions, ImportReport, import_files
from standards import repository as repo
from standards.codes import parse_code
from standards.settings import Settings
from standards.vocab import Nature, Status
from tests.api.test_imports import report_of, stdtrack

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

CATALOGUES = Path(__file__).resolve().parent.parent / "data" / "catalogues"
FILES = sorted(p.name for p in CATALOGUES.iterdir() if p.suffix in (".csv", ".json"))
NATURE_WORDS = {"强制性": Nature.MANDATORY, "推荐性": Nature.RECOMMENDED}


async def imported(settings: Settings, *paths: Path, **options: Any) -> ImportReport:
    return await import_files(list(paths), ImportOptions(actor="test", **options),
                              settings.archive_dir)


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _status(implemented: dt.date | None, published: dt.date | None,
            withdrawn: dt.date | None) -> Status:
    """What the dates say today (the rule every status follows when dates are known)."""
    today = dt.date.today()
    if withdrawn is not None and withdrawn <= today:
        return Status.WITHDRAWN
    start = implemented or published
    return Status.UPCOMING if start is not None and start > today else Status.CURRENT


def _rows(name: str) -> list[dict[str, Any]]:
    path = CATALOGUES / name
    if path.suffix == ".json":
        return list(json.loads(path.read_text("utf-8"))["standards"])
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_real_catalogues_are_all_here() -> None:
    assert FILES == ["building_codes_attributes.csv", "english_headers.csv",
                     "national_export.json", "sports_export_sample.json",
                     "status_words_no_dates.csv"]


@pytest.mark.parametrize("name", FILES)
async def test_every_real_catalogue_imports_whole_and_once(settings: Settings, name: str) -> None:
    first = await imported(settings, CATALOGUES / name)
    assert (first.rejected, first.rejected_fields, first.warnings) == ([], [], [])
    assert first.created == len(_rows(name)) and first.updated == 0
    again = await imported(settings, CATALOGUES / name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)


async def test_all_of_them_together_then_again(settings: Settings) -> None:
    paths = [CATALOGUES / name for name in FILES]
    first = await imported(settings, *paths)
    assert first.rejected == [] and first.created > 40
    again = await imported(settings, *paths)
    assert (again.created, again.updated) == (0, 0)


async def test_english_headers_every_row(settings: Settings) -> None:
    await imported(settings, CATALOGUES / "english_headers.csv")
    for row in _rows("english_headers.csv"):
        std = await repo.find_standard(row["code"])
        published, implemented = _day(row["issueDate"]), _day(row["implementDate"])
        withdrawn = _day(row["abolishDate"])
        assert std.title_zh == row["title"]
        assert (std.published_on, std.implemented_on, std.withdrawn_on) == (
            published, implemented, withdrawn)
        assert std.nature is parse_code(row["code"]).nature
        assert std.status is _status(implemented, published, withdrawn)
        assert std.department == (row["issuedBy"] or None)
    old = await repo.find_standard("GB/T 1.1-2009")
    assert old.status_reason == "replaced by GB/T 1.1-2020"
    assert old.replaces == ["GB/T 1.1-2000"] and old.replaced_by == ["GB/T 1.1-2020"]


@pytest.mark.parametrize("name", ["national_export.json", "sports_export_sample.json"])
async def test_json_exports_every_row(settings: Settings, name: str) -> None:
    await imported(settings, CATALOGUES / name)
    for row in _rows(name):
        std = await repo.find_standard(row["code"])
        published, implemented = _day(row["issueDate"]), _day(row["implementDate"])
        withdrawn = _day(row["abolishDate"])
        if row["code"].startswith("ISO"):
            assert (std.title_zh, std.title_en) == (None, row["title"])
        else:
            assert std.title_zh == row["title"] and std.title_en == (row["english"] or None)
        assert (std.published_on, std.implemented_on, std.withdrawn_on) == (
            published, implemented, withdrawn)
        assert std.nature is parse_code(row["code"]).nature
        # the dates decide: the sports list still says 即将实施 for standards now in force
        assert std.status is _status(implemented, published, withdrawn)


async def test_a_nature_column_beats_the_code_and_says_so(settings: Settings) -> None:
    report = await imported(settings, CATALOGUES / "building_codes_attributes.csv")
    for row in _rows("building_codes_attributes.csv"):
        std = await repo.find_standard(row["标准编号"])
        expected = NATURE_WORDS.get(row["属性"]) or parse_code(row["标准编号"]).nature
        assert std.title_zh == row["标准名称"] and std.nature is expected
        assert std.implemented_on == _day(row["实施日期"])
        assert std.status is Status.CURRENT
    assert [(c["code"], c["field"], c["kept"], c["kept_source"], c["offered"],
             c["offered_source"]) for c in report.conflicts] == [
        ("JGJ 100-2015", "nature", "recommended", "csv", "mandatory", "code")]


async def test_a_later_list_stating_the_nature_updates_the_default(settings: Settings,
                                                                  tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("标准编号,标准名称\nJGJ 100-2015,车库建筑设计规范\n", "utf-8")
    await imported(settings, first)
    assert (await repo.find_standard("JGJ 100-2015")).nature is Nature.MANDATORY
    report = await imported(settings, CATALOGUES / "building_codes_attributes.csv")
    assert report.updated == 1 and report.created == 9
    assert (await repo.find_standard("JGJ 100-2015")).nature is Nature.RECOMMENDED
    feed = await repo.change_feed()
    assert ("JGJ 100-2015", "nature", "mandatory", "recommended") in [
        (c["code"], c["field"], c["old_value"], c["new_value"]) for c in feed]


async def test_status_words_stand_in_for_missing_dates(settings: Settings) -> None:
    await imported(settings, CATALOGUES / "status_words_no_dates.csv")
    expected = {"GB 2760-2024": Status.UPCOMING, "GB 2760-2014": Status.CURRENT,
                "GB/T 19001-2016": Status.CURRENT, "GB/T 19001-2008": Status.WITHDRAWN,
                "GB/T 7714-2005": Status.WITHDRAWN, "GB/T 1.1-2009": Status.WITHDRAWN,
                "ISO 9001:2015": Status.CURRENT, "ISO 9001:2008": Status.WITHDRAWN}
    for row in _rows("status_words_no_dates.csv"):
        std = await repo.find_standard(row["标准号"])
        assert std.status is expected[row["标准号"]], row
        assert (std.title_zh or std.title_en) == (row["标准名称"] or row["英文名称"])
        assert std.published_on is None and std.implemented_on is None
    upcoming = await repo.list_standards(repo.StandardFilters(status=Status.UPCOMING))
    assert [s.code for s in upcoming.items] == ["GB 2760-2024"]
    # dates from another source decide from then on: implemented 2025-02-08, so in force
    report = await imported(settings, CATALOGUES / "national_export.json")
    assert report.updated >= 4
    assert (await repo.find_standard("GB 2760-2024")).status is Status.CURRENT
    assert (await repo.find_standard("GB 2760-2014")).status is Status.WITHDRAWN


async def test_a_relation_added_to_a_stored_standard_is_a_change(settings: Settings,
                                                               tmp_path: Path) -> None:
    await imported(settings, CATALOGUES / "status_words_no_dates.csv")
    links = tmp_path / "links.csv"
    links.write_text("code,title,replacedBy\nGB/T 19001-2008,质量管理体系 要求,GB/T 19001-2016\n",
                     "utf-8")
    report = await imported(settings, links)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    feed = await repo.change_feed()
    assert ("GB/T 19001-2008", "replaced_by", None, "GB/T 19001-2016") in [
        (c["code"], c["field"], c["old_value"], c["new_value"]) for c in feed]
    assert (await repo.find_standard("GB/T 19001-2016")).replaces == ["GB/T 19001-2008"]
    again = await imported(settings, links)
    assert (again.updated, again.unchanged) == (0, 1)


async def test_ics_lists_in_another_order_are_no_conflict(settings: Settings,
                                                         tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("标准号,标准名称,ICS\nGB/T 19001-2016,质量管理体系 要求,03.120.10;01.040.03\n",
                   "utf-8")
    other = tmp_path / "other.tsv"
    other.write_text("标准号\t标准名称\tICS\n"
                     "GB/T 19001-2016\t质量管理体系 要求\t01.040.03;03.120.10\n", "utf-8")
    await imported(settings, one)
    report = await imported(settings, other)
    assert (report.updated, report.conflicts) == (0, [])


def test_the_cli_says_what_would_be_lost_and_strict_refuses(settings: Settings,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "lossy.csv"
    path.write_text("code,登记日期\nGB/T 19001-2016,2017-01-01\nGB/T 7714-2015,2015-06-01\n",
                    "utf-8")
    strict = stdtrack(settings, "import", path, "--strict", "--json")
    assert strict.returncode == 1
    refused = json.loads(strict.stdout)
    assert next(iter(refused)) == "warnings" and refused["created"] == 0
    assert [w["kind"] for w in refused["warnings"]] == ["no_title", "unread_dates"]
    assert "--strict" in refused["aborted"]
    assert "登记日期" in strict.stderr and "--column 登记日期=published" in strict.stderr
    done = stdtrack(settings, "import", path, "--json")
    report = report_of(done)
    assert done.returncode == 0 and report["created"] == 2
    assert [w["kind"] for w in report["warnings"]] == ["no_title", "unread_dates", "untitled"]
    assert report["warnings"][2]["count"] == 2
    assert report["files"][0]["unread_columns"] == [{
        "column": "登记日期", "sample": "2017-01-01", "holds": "dates",
        "column_option": "--column 登记日期=published"}]
    mapped = report_of(stdtrack(settings, "import", path, "--column", "登记日期=published",
                                "--json"))
    assert [w["kind"] for w in mapped["warnings"]] == ["no_title"]
    assert mapped["updated"] == 2


async def test_strict_refuses_standards_without_a_title(settings: Settings,
                                                        tmp_path: Path) -> None:
    await imported(settings, CATALOGUES / "english_headers.csv")
    dates = tmp_path / "dates.csv"
    dates.write_text("标准号,标准名称,实施日期\nGB/T 7714-2015,,2015-12-01\n"
                     "GB/T 7714-2005,,2005-10-01\n", "utf-8")
    report = await imported(settings, dates, strict=True)
    assert report.aborted and report.created == 0
    # a stored standard keeps its title: only the new one is refused
    assert [r["location"] for r in report.rejected] == ["dates.csv:row 3"]


def test_a_value_that_is_no_code_is_dropped_and_the_row_kept(settings: Settings,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "sports.csv"
    path.write_text("code,title,issueDate,implementDate,replacedBy\n"
                    "GB/T 14833-2011,合成材料跑道,2011-12-30,2012-10-01,TC291\n", "utf-8")
    done = stdtrack(settings, "import", path, "--json")
    report = report_of(done)
    assert report["created"] == 1 and report["rejected"] == []
    [dropped] = report["rejected_fields"]
    assert (dropped["location"], dropped["field"], dropped["value"]) == (
        "sports.csv:row 2", "replaced_by", "TC291")
    shown = stdtrack(settings, "show", "GB/T 14833-2011", "--json")
    standard = json.loads(shown.stdout)
    assert standard["replaced_by"] == [] and standard["status"] == "current"
    assert standard["title_zh"] == "合成材料跑道"
    assert stdtrack(settings, "import", path, "--strict", "--json").returncode == 1


def test_dates_in_the_wrong_order_are_a_warning_row(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "order.csv"
    path.write_text("标准号,标准名称,发布日期,实施日期\nDB22/T 1-2020,示例,2020-05-01,2020-04-01\n",
                    "utf-8")
    report = report_of(stdtrack(settings, "import", path, "--json"))
    assert report["created"] == 1 and report["rejected"] == []
    [warning] = report["row_warnings"]
    assert (warning["kind"], warning["field"], warning["value"]) == (
        "date_order", "implemented", "2020-04-01")


def test_a_conflict_met_twice_is_printed_once(settings: Settings, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("标准号,标准名称\nGB/T 7714-2015,信息与文献 参考文献著录规则\n", "utf-8")
    twice = tmp_path / "twice.tsv"
    twice.write_text("标准号\t标准名称\nGB/T 7714-2015\t参考文献著录规则\n"
                     "GB/T 7714-2015\t参考文献著录规则\n", "utf-8")
    assert stdtrack(settings, "import", first).returncode == 0
    done = stdtrack(settings, "import", twice)
    lines = [line for line in done.stdout.splitlines() if "conflict GB/T 7714-2015" in line]
    assert len(lines) == 1 and "(2 times)" in lines[0]


def test_column_mapping_for_json_keys_on_the_command_line(settings: Settings,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"version": "1", "items": [
        {"std": "GB/T 7714-2015", "名字": "信息与文献 参考文献著录规则", "day": "2015-05-15"}]},
        ensure_ascii=False), "utf-8")
    refused = stdtrack(settings, "import", path)
    assert refused.returncode == 2 and "--column KEY=code" in refused.stderr
    report = report_of(stdtrack(settings, "import", path, "--column", "std=code", "--column",
                                "名字=title", "--column", "day=published", "--json"))
    assert report["created"] == 1 and report["files"][0]["format"] == "json"
    shown = json.loads(stdtrack(settings, "show", "GB/T 7714-2015", "--json").stdout)
    assert (shown["title_zh"], shown["published_on"]) == ("信息与文献 参考文献著录规则",
                                                          "2015-05-15")


async def test_a_list_naming_a_standard_twice_imports_once_then_nothing(settings: Settings,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("标准号,标准名称,标准状态\nGB/T 19001-2008,质量管理体系 要求,现行\n"
                    "GB/T 19001-2008,质量管理体系 要求,废止\n", "utf-8")
    await imported(settings, path)
    assert (await repo.find_standard("GB/T 19001-2008")).status is Status.WITHDRAWN
    again = await imported(settings, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_space_separated_codes_and_english_dates(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "english.csv"
    path.write_text("Standard No.,Title,Date of publication,Effective date,Replaces\n"
                    "GB/T 45001-2020,职业健康安全管理体系 要求及使用指南,6 March 2020,"
                    "\"Mar 6, 2020\",GB/T 28001-2011 GB/T 28002-2011\n", "utf-8")
    report = report_of(stdtrack(settings, "import", path, "--json"))
    assert (report["created"], report["rejected"], report["rejected_fields"]) == (1, [], [])
    shown = json.loads(stdtrack(settings, "show", "GB/T 45001-2020", "--json").stdout)
    assert shown["replaces"] == ["GB/T 28001-2011", "GB/T 28002-2011"]
    assert (shown["published_on"], shown["implemented_on"]) == ("2020-03-06", "2020-03-06")


async def test_an_upload_reports_warnings_first(client: httpx.AsyncClient,
                                                staff_headers: dict[str, str]) -> None:
    body = "code,登记日期\nGB/T 19001-2016,2017-01-01\n".encode()
    files = {"files": ("lossy.csv", body, "text/csv")}
    refused = await client.post("/api/imports", files=files, data={"strict": "true"},
                                headers=staff_headers)
    assert refused.status_code == 201, refused.text
    report = refused.json()
    assert next(iter(report)) == "warnings" and report["aborted"] and report["created"] == 0
    assert {w["kind"] for w in report["warnings"]} == {"no_title", "unread_dates"}
    assert await repo.count_standards() == 0
    done = await client.post("/api/imports", files=files, data={"column": "登记日期=published"},
                             headers=staff_headers)
    assert done.json()["created"] == 1
    assert [w["kind"] for w in done.json()["warnings"]] == ["no_title", "untitled"]
