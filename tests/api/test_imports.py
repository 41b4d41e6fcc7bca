"""Catalogue imports end to end: the CLI and HTTP over real files, on the real database."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from standards import repository as repo
from standards.settings import Settings
from standards.vocab import AdoptionDegree, Status
from tests.cli_output import messages

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

DATA = Path(__file__).resolve().parent.parent / "data"
GB_HTML = DATA / "relaton-gb" / "html"


def stdtrack(settings: Settings, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()",
                           *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def report_of(done: subprocess.CompletedProcess[str]) -> dict:
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


async def test_cli_imports_real_pages_and_reimport_changes_nothing(settings: Settings) -> None:
    files = sorted(GB_HTML.glob("*.html")) + sorted((DATA / "relaton-gb" / "json").glob("*"))
    first = report_of(stdtrack(settings, "import", *files, "--json"))
    assert first["created"] > 30 and first["batch_id"]
    assert {f["format"] for f in first["files"]} >= {"samr-html", "openstd-html", "hbba-html",
                                                      "ttbz-html", "samr-json", "hbba-json"}
    # every rejection is explained: only national plan projects, which are not standards
    assert all("plan project" in r["reason"] for r in first["rejected"])
    again = report_of(stdtrack(settings, "import", *files, "--json"))
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["unchanged"] == first["created"] + first["updated"] + first["unchanged"]

    new = await repo.find_standard("GB/T 20223-2018")
    assert new.replaces == ["GB/T 20223-2006"] and new.ccs == "W10"
    assert new.ics == ["59.060.10"] and new.status is Status.CURRENT
    old = await repo.find_standard("GB/T 20223-2006")
    assert old.status is Status.WITHDRAWN and old.replaced_by == ["GB/T 20223-2018"]
    jbt = await repo.find_standard("JBT13368-2018")
    assert jbt.department == "工业和信息化部" and jbt.industry_code == "JB"
    group = await repo.find_standard("T/GZAEPI 001—2018")
    assert (group.level.value, group.prefix, group.ccs) == ("group", "T/GZAEPI", "Y68")
    assert (await repo.find_standard("GB/T 5606.1-2004")).replaces == ["GB/T 5606.1-1996"]

    # archived with its checksum, batch recorded with the report
    archived = Path(first["files"][0]["archived_as"])
    assert archived.exists() and first["files"][0]["sha256"] in "".join(
        f["sha256"] for f in first["files"])
    batch = await repo.get_batch(first["batch_id"])
    assert batch["created"] == first["created"] and batch["report"]["created"] == first["created"]


async def test_foreign_adoptions_resolve_to_the_international_document(settings: Settings) -> None:
    foreign = sorted((DATA / "relaton-foreign").glob("*.xml"))
    report_of(stdtrack(settings, "import", *foreign, "--json"))
    bs = await repo.find_standard("BS EN ISO 8848")
    assert any(a.code.startswith("ISO 8848") for a in bs.adopts)


async def test_dry_run_writes_nothing(settings: Settings) -> None:
    page = GB_HTML / "stdsamr_detail_GBT20223-2018.html"
    report = report_of(stdtrack(settings, "import", page, "--dry-run", "--json"))
    assert report["created"] == 1 and report["batch_id"] is None and report["dry_run"]
    assert await repo.count_standards() == 0


def write_csv(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(rows) + "\n", encoding=encoding)
    return path


async def test_bad_rows_are_reported_and_the_rest_kept(settings: Settings, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "list.csv", [
        "标准号,标准名称,发布日期,实施日期,采标情况,页数",
        "DB22/T 1234-2020,人参种植技术规程,2020-01-02,2020-03-01,,x",
        "DB99/T 1-2020,不存在的省份,2020-01-02,2020-03-01,,",
        "GB/T 19001-2016,质量管理体系 要求,2016年12月30日,2017/7/1,\"ISO 9001:2015, IDT\",",
        "DB32/T 3500-2019,坏日期,2019-13-45,,,",
    ], encoding="gb18030")
    done = stdtrack(settings, "import", csv_file, "--json")
    report = report_of(done)
    assert done.returncode == 0
    assert report["created"] == 2
    reasons = {r["location"]: r["reason"] for r in report["rejected"]}
    assert any("99" in reason for reason in reasons.values())
    assert any("2019-13-45" in reason for reason in reasons.values())
    assert all(loc.startswith("list.csv:row") for loc in reasons)
    assert report["files"][0]["ignored_columns"] == ["页数"]
    gb = await repo.find_standard("GB/T 19001-2016")
    assert [(a.code, a.degree) for a in gb.adopts] == [("ISO 9001:2015", AdoptionDegree.IDT)]
    assert str(gb.implemented_on) == "2017-07-01"


async def test_strict_is_all_or_nothing(settings: Settings, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "strict.csv", [
        "code,title_zh", "DB22/T 1234-2020,人参种植技术规程", "XYZ 12,坏代号"])
    done = stdtrack(settings, "import", csv_file, "--strict", "--json")
    assert done.returncode == 1
    assert report_of(done)["rejected"][0]["location"] == "strict.csv:row 3"
    assert await repo.count_standards() == 0


async def test_column_mapping_without_code_changes(settings: Settings, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "mapped.csv",
                         ["标准代号,名字", "DB22/T 99-2021,梅花鹿养殖规范"])
    report = report_of(stdtrack(settings, "import", csv_file, "--column", "标准代号=code",
                                "--column", "名字=title_zh", "--json"))
    assert report["created"] == 1
    assert (await repo.find_standard("DB22/T 99-2021")).title_zh == "梅花鹿养殖规范"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("binary.xml", bytes(range(256)) * 4, "binary.xml"),
        ("cut.xml", b"<?xml version='1.0'?><bibdata><docidentifier>GB/T 1", "cut.xml"),
        ("xxe.xml", b"<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                    b"<bibdata><title>&x;</title></bibdata>", "entit"),
        ("cut.jsonl.gz", gzip.compress(b'{"id": "ISO 1:2002"}\n' * 200)[:-30], "cut.jsonl.gz"),
    ],
)
async def test_unreadable_files_exit_2_with_one_line(settings: Settings, tmp_path: Path,
                                                     name: str, content: bytes,
                                                     message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    done = stdtrack(settings, "import", path)
    assert done.returncode == 2
    lines = messages(done.stderr)
    assert len(lines) == 1 and message in lines[0].lower() and "Traceback" not in done.stderr
    assert "root:" not in done.stderr  # nothing of /etc/passwd was read


async def test_http_import_needs_the_staff_token(client: httpx.AsyncClient,
                                                 staff_headers: dict[str, str]) -> None:
    page = (GB_HTML / "stdsamr_detail_GBT20223-2018.html").read_bytes()
    files = {"files": ("detail.html", page, "text/html")}
    assert (await client.post("/api/imports", files=files)).status_code == 401
    bad = await client.post("/api/imports", files=files, headers={"Authorization": "Bearer x"})
    assert bad.status_code == 401
    done = await client.post("/api/imports", files=files, headers=staff_headers)
    assert done.status_code == 201, done.text
    report = done.json()
    assert report["created"] == 1 and report["files"][0]["format"] == "samr-html"
    listed = await client.get("/api/imports", headers=staff_headers)
    assert listed.json()["items"][0]["id"] == report["batch_id"]
    detail = await client.get(f"/api/imports/{report['batch_id']}", headers=staff_headers)
    assert detail.json()["report"]["created"] == 1
    assert (await client.get("/api/imports")).status_code == 401
    assert (await client.get("/api/imports/999999", headers=staff_headers)).status_code == 404


async def test_http_upload_errors(client: httpx.AsyncClient, settings: Settings,
                                  staff_headers: dict[str, str]) -> None:
    empty = await client.post("/api/imports", files={"files": ("e.csv", b"", "text/csv")},
                              headers=staff_headers)
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]
    limit = settings.upload_limit_bytes
    big = await client.post("/api/imports", files={"files": ("big.csv", b"x" * (limit + 10),
                                                             "text/csv")}, headers=staff_headers)
    assert big.status_code == 413


async def test_catalogues_from_elsewhere(settings: Settings, tmp_path: Path) -> None:
    """Codes from other provinces, engineering construction and withdrawn foreign editions."""
    csv_file = write_csv(tmp_path / "others.csv", [
        "标准编号,标准名称,发布日期,实施日期,废止日期,标准状态",
        "GB 50016-2014(2018年版),建筑设计防火规范,2014-08-27,2015-05-01,,现行",
        "DG/TJ08-2062-2017,住宅工程套内质量验收规范,2017-12-01,2018-05-01,,现行",
        "DB11/T 1000.2-2021,北京地方标准示例,2021-03-25,2021-07-01,,现行",
        "DB4403/T 499.3—2024,深圳地方标准示例,2024-06-01,2024-07-01,,即将实施",
        "BS 5950-1:2000,Structural use of steelwork in building,2001-05-15,2001-05-15,"
        "2010-03-31,废止",
        "DB32/T 3500-2019,江苏地方标准示例,2019-1-5,2019/2/5,,",
    ])
    report = report_of(stdtrack(settings, "import", csv_file, "--json"))
    assert report["created"] == 6, report["rejected"]
    gb = await repo.find_standard("GB 50016-2014")
    assert (gb.level.value, gb.nature.value if gb.nature else None, gb.year) == (
        "national", "mandatory", 2014)
    assert (await repo.find_standard("GB50016-2014")).id == gb.id
    shanghai = await repo.find_standard("DG/TJ08-2062-2017")
    assert (shanghai.level.value, shanghai.region_code) == ("local", "31")
    shenzhen = await repo.find_standard("DB4403/T 499.3-2024")
    assert (shenzhen.region_code, shenzhen.part, str(shenzhen.implemented_on)) == (
        "4403", "3", "2024-07-01")
    bs = await repo.find_standard("BS 5950-1:2000")
    assert bs.level.value == "foreign" and bs.status is Status.WITHDRAWN
    assert str(bs.withdrawn_on) == "2010-03-31"
    jiangsu = await repo.find_standard("DB32/T 3500-2019")
    assert (str(jiangsu.published_on), str(jiangsu.implemented_on)) == ("2019-01-05",
                                                                        "2019-02-05")


def test_show_prints_one_standard_for_every_spelling(settings: Settings) -> None:
    page = GB_HTML / "stdsamr_detail_GBT20223-2018.html"
    assert stdtrack(settings, "import", page).returncode == 0
    shown = [stdtrack(settings, "show", spelling, "--json")
             for spelling in ("ＧＢ／Ｔ　２０２２３－２０１８", "GBT20223-2018", "gb/t 20223—2018")]
    bodies = [json.loads(done.stdout) for done in shown]
    assert {b["id"] for b in bodies} == {bodies[0]["id"]}
    assert bodies[0]["normalized_code"] == "GB/T 20223-2018"
    assert bodies[0]["replaces"] == ["GB/T 20223-2006"]
    human = stdtrack(settings, "show", "GBT20223-2018")
    assert human.returncode == 0 and human.stdout.startswith("GB/T 20223-2018  棉短绒")
    bad = stdtrack(settings, "show", "XYZ 12")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "stdtrack: not a standard code: 'XYZ 12': unknown prefix 'XYZ'"
    missing = stdtrack(settings, "show", "GB/T 1-1999")
    assert missing.returncode == 2 and "not in the catalogue" in missing.stderr


def test_an_import_updates_the_search_index(settings: Settings) -> None:
    page = GB_HTML / "stdsamr_detail_GBT20223-2018.html"
    assert stdtrack(settings, "import", page).returncode == 0
    found = json.loads(stdtrack(settings, "search", "棉短绒", "--json").stdout)
    # the suite's index may still hold an earlier test's 棉短绒 (DB22/T 3001-2019)
    assert "GB/T 20223-2018" in [hit["code"] for hit in found["hits"]]
