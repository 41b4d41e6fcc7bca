"""Hostile files through the real command line and a real server: each is refused (or cut off)
with exit 1 or 2 and one line naming the limit and its setting, in bounded memory. Peak memory
is the process's own high-water mark (and its reader child's), as the kernel reports it to
``wait4`` — not a timer. The files are written by the tests (a few MB on disk at most)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from standards.settings import Settings
from standards.tables import Standard
from tests.cli_output import messages
from tests.importers import hostile

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

PEAK_LIMIT_MB = 1024
CLI = [sys.executable, "-c", "from api.cli import main; main()"]
CATALOGUE_HEADER = "标准号,标准名称\nGB/T 1-2020,标准化工作导则\n"
DECLARATION_HEADER = ("统一社会信用代码,企业名称,产品名称,执行标准\n"
                      "91220101MA0Y4XKC2J,吉林示例有限公司,示例产品,GB/T 1-2020\n")
PLAN_HEADER = "计划编号,项目名称,行政区划代码\n2020-001,示例项目,220000\n"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float


def run(settings: Settings, *args: str | Path, env: dict[str, str] | None = None,
        folder: Path) -> Ran:
    """Run the CLI and measure its peak resident memory (its reader child's included)."""
    environ = {**os.environ, "DATABASE_URL": settings.database_url,
               "STDTRACK_HOME": str(settings.home), **(env or {})}
    out, err = folder / "stdout.txt", folder / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen([*CLI, *map(str, args)], stdout=stdout, stderr=stderr,
                                   env=environ)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Ran(process.returncode, out.read_text(encoding="utf-8"),
               err.read_text(encoding="utf-8"), usage.ru_maxrss / 1024)


@dataclass
class Files:
    huge_string: Path
    many_strings: Path
    many_rows: Path
    doctype: Path
    catalogue_bomb: Path
    jsonl_bomb: Path
    declaration_bomb: Path
    plan_bomb: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """The hostile files of issue 12, written once for the module."""
    folder = tmp_path_factory.mktemp("hostile")
    made = Files(
        huge_string=hostile.one_huge_string(folder / "huge_string.xlsx"),  # 300 MB title
        many_strings=hostile.many_shared_strings(folder / "many_strings.xlsx"),  # 5 M
        many_rows=hostile.many_rows(folder / "many_rows.xlsx"),  # 2 M rows
        doctype=hostile.doctype_in_shared_strings(folder / "doctype.xlsx", True),
        catalogue_bomb=hostile.gzip_bomb(folder / "bomb.csv.gz", CATALOGUE_HEADER.encode(),
                                         "GB/T 1-2020,标准化工作导则\n".encode()),
        jsonl_bomb=hostile.gzip_bomb(
            folder / "bomb.jsonl.gz",
            b'{"id": "ISO 1:2000", "title_en": "Specification", "stage": "60.60"}\n'),
        declaration_bomb=hostile.gzip_bomb(folder / "declarations.csv.gz",
                                           DECLARATION_HEADER.encode()),
        plan_bomb=hostile.gzip_bomb(folder / "plans.csv.gz", PLAN_HEADER.encode()),
    )
    sizes = {path.name: path.stat().st_size for path in vars(made).values()}
    assert sizes["huge_string.xlsx"] < 400_000 and sizes["many_strings.xlsx"] < 300_000
    assert sizes["bomb.jsonl.gz"] < 1_200_000 and sizes["many_rows.xlsx"] < 20_000_000
    return made


def assert_refused(ran: Ran, setting: str, codes: tuple[int, ...] = (2,)) -> str:
    lines = messages(ran.stderr)
    assert ran.returncode in codes, ran.stderr
    assert len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    assert setting in lines[0], lines[0]
    assert ran.peak_mb < PEAK_LIMIT_MB, f"peak {ran.peak_mb:.0f} MB"
    return lines[0]


async def longest_stored() -> int:
    rows = await Standard.raw(
        "SELECT MAX(LENGTH(title_zh)) AS zh, MAX(LENGTH(title_en)) AS en, "
        "MAX(LENGTH(scope)) AS scope FROM standard")
    return max(int(value or 0) for value in rows[0].values())


@pytest.mark.parametrize(("name", "setting"), [
    ("huge_string", "STDTRACK_IMPORT_MAX_RATIO"),
    ("many_strings", "STDTRACK_IMPORT_MAX_RATIO"),
    ("many_rows", "STDTRACK_IMPORT_MAX_ROWS"),
    ("doctype", "DOCTYPE"),
    ("jsonl_bomb", "STDTRACK_IMPORT_MAX_RATIO"),
])
async def test_the_cli_refuses_hostile_catalogues_in_bounded_memory(
        settings: Settings, files: Files, tmp_path: Path, name: str, setting: str) -> None:
    ran = run(settings, "import", getattr(files, name), folder=tmp_path)
    # the bomb's first line, read before the ratio shows, is a record kept (exit 1)
    assert_refused(ran, setting, (1,) if name == "jsonl_bomb" else (2,))
    assert await longest_stored() <= len("Specification")


async def test_a_gzip_bomb_of_valid_rows_is_cut_off_and_what_came_before_kept(
        settings: Settings, files: Files, tmp_path: Path) -> None:
    ran = run(settings, "import", files.catalogue_bomb, "--json", folder=tmp_path)
    line = assert_refused(ran, "STDTRACK_IMPORT_MAX_RATIO", (1,))
    report = json.loads(ran.stdout)
    assert report["state"] == "failed" and report["failures"] == [line.removeprefix("stdtrack: ")]
    assert f"kept in batch {report['batch_id']}" in line
    assert report["created"] == 1 and report["unchanged"] > 1000  # one standard, many rows


@pytest.mark.parametrize("name", ["huge_string", "many_strings", "doctype", "declaration_bomb"])
async def test_declaration_imports_refuse_hostile_files(
        settings: Settings, files: Files, tmp_path: Path, name: str) -> None:
    ran = run(settings, "declarations", "import", getattr(files, name), folder=tmp_path)
    assert_refused(ran, "DOCTYPE" if name == "doctype" else "STDTRACK_IMPORT_MAX_RATIO")


@pytest.mark.parametrize("name", ["many_rows", "plan_bomb"])
async def test_plan_imports_refuse_hostile_files(
        settings: Settings, files: Files, tmp_path: Path, name: str) -> None:
    ran = run(settings, "drafting", "import", getattr(files, name), folder=tmp_path)
    setting = "STDTRACK_IMPORT_MAX_ROWS" if name == "many_rows" else "STDTRACK_IMPORT_MAX_RATIO"
    assert_refused(ran, setting)


async def test_a_large_csv_is_read_as_a_stream(settings: Settings, tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_text(CATALOGUE_HEADER, encoding="utf-8")
    baseline = run(settings, "import", small, folder=tmp_path)
    assert baseline.returncode == 0, baseline.stderr
    # 300 MB: a header, then 300 rows whose title runs a whole megabyte each
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write(CATALOGUE_HEADER)
        for number in range(2, 302):
            out.write(f"GB/T {number}-2020,{'x' * (1 << 20)}\n")
    ran = run(settings, "import", big, "--json", folder=tmp_path)
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert (report["unchanged"], len(report["rejected"])) == (1, 300)
    assert "over the line limit of 160000" in report["rejected"][0]["reason"]
    # never the file, nor its text, held whole
    assert ran.peak_mb < baseline.peak_mb + 150, (ran.peak_mb, baseline.peak_mb)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A real server (uvicorn, one process) on the suite's database."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        port = _free_port()
        environ = {**os.environ, "DATABASE_URL": settings.database_url,
                   "STDTRACK_HOME": str(settings.home)}
        self.log_path = folder / "server.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen([*CLI, "serve", "--port", str(port)], stdout=self._log,
                                        stderr=subprocess.STDOUT, env=environ)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(self.log_path.read_text())
            time.sleep(0.2)

    def stop(self) -> float:
        """Stop the server; its peak resident memory in MB (what it read included)."""
        if self.process.returncode is not None:
            return 0.0
        self.process.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self._log.close()
        return float(usage.ru_maxrss / 1024)


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[Server]:
    running = Server(settings, tmp_path)
    try:
        yield running
    finally:
        running.stop()


async def test_the_server_refuses_hostile_uploads_without_ballooning(
        server: Server, files: Files, staff_headers: dict[str, str]) -> None:
    uploads = [
        ("/api/imports", files.huge_string, "STDTRACK_IMPORT_MAX_RATIO"),
        ("/api/imports", files.many_strings, "STDTRACK_IMPORT_MAX_RATIO"),
        ("/api/imports", files.many_rows, "STDTRACK_IMPORT_MAX_ROWS"),
        ("/api/imports", files.jsonl_bomb, "STDTRACK_IMPORT_MAX_RATIO"),
        ("/api/imports", files.doctype, "DOCTYPE"),
        ("/api/declarations/imports", files.huge_string, "STDTRACK_IMPORT_MAX_RATIO"),
        ("/api/declarations/imports", files.declaration_bomb, "STDTRACK_IMPORT_MAX_RATIO"),
        ("/api/drafting-projects/imports", files.many_strings, "STDTRACK_IMPORT_MAX_RATIO"),
        ("/api/drafting-projects/imports", files.plan_bomb, "STDTRACK_IMPORT_MAX_RATIO"),
    ]
    async with httpx.AsyncClient(base_url=server.base, timeout=120) as client:
        for route, path, setting in uploads:
            answer = await client.post(route, headers=staff_headers,
                                       files={"files": (path.name, path.read_bytes())})
            body = answer.json()
            if answer.status_code == 201:  # the rows before the bomb showed itself are kept
                assert path is files.jsonl_bomb and body["state"] == "failed", body
                assert setting in body["failures"][0]
                continue
            assert answer.status_code == 400, (route, path.name, answer.text)
            assert setting in body["detail"]
        assert (await client.get("/health")).status_code == 200
    peak = server.stop()
    assert 0 < peak < PEAK_LIMIT_MB, f"server peak {peak:.0f} MB"
