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

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

DATA = Path(__file__).resolve().parent.parent / "data"
GB_HTML = DATA / "relaton-gb" / "html"
STAFF = {"Authorization": "Bearer test-staff-token"}


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
        "标准号,标准名称,发布日期,实施日期,采标情况,备注",
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
    assert report["files"][0]["ignored_columns"] == ["备注"]
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
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0].lower() and "Traceback" not in done.stderr
    assert "root:" not in done.stderr  # nothing of /etc/passwd was read


async def test_http_import_needs_the_staff_token(client: httpx.AsyncClient) -> None:
    page = (GB_HTML / "stdsamr_detail_GBT20223-2018.html").read_bytes()
    files = {"files": ("detail.html", page, "text/html")}
    assert (await client.post("/api/imports", files=files)).status_code == 401
    bad = await client.post("/api/imports", files=files, headers={"Authorization": "Bearer x"})
    assert bad.status_code == 401
    done = await client.post("/api/imports", files=files, headers=STAFF)
    assert done.status_code == 201, done.text
    report = done.json()
    assert report["created"] == 1 and report["files"][0]["format"] == "samr-html"
    listed = await client.get("/api/imports", headers=STAFF)
    assert listed.json()["items"][0]["id"] == report["batch_id"]
    detail = await client.get(f"/api/imports/{report['batch_id']}", headers=STAFF)
    assert detail.json()["report"]["created"] == 1
    assert (await client.get("/api/imports")).status_code == 401
    assert (await client.get("/api/imports/999999", headers=STAFF)).status_code == 404


async def test_http_upload_errors(client: httpx.AsyncClient, settings: Settings) -> None:
    empty = await client.post("/api/imports", files={"files": ("e.csv", b"", "text/csv")},
                              headers=STAFF)
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]
    limit = settings.upload_limit_bytes
    big = await client.post("/api/imports", files={"files": ("big.csv", b"x" * (limit + 10),
                                                             "text/csv")}, headers=STAFF)
    assert big.status_code == 413
