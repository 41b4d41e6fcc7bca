"""Nothing lost, nothing half-done: imports cut off (kill -9, a truncated file, a reader that
dies) keep what they wrote, count it, show their batch as interrupted or failed, and the rows
reach the search index at the next import or rebuild; `index status` notices the gap; two
imports at once both finish or the second stops with one line; a file that cannot be read is
reported while the others are imported."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api import search_service
from api.imports import ImportOptions, after_import, import_files
from search_index.schemas import SearchRequest
from standards import repository as repo
from standards.schemas import StandardInput
from standards.settings import Settings
from tests.api.test_imports import stdtrack
from tests.cli_output import messages

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

CLI = ["-c", "from api.cli import main; main()"]


def compact_lines(first: int, count: int, word: str = "Widget") -> bytes:
    """``count`` ISO records in the compact JSON-lines form, ISO ``first``... onwards."""
    return b"".join(json.dumps({
        "id": f"ISO {number}:2001", "title_en": f"{word} specification {number}",
        "stage": "60.60", "published": "2001-05-01"}).encode() + b"\n"
        for number in range(first, first + count))


def env_of(settings: Settings, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": settings.database_url,
            "STDTRACK_HOME": str(settings.home), **extra}


def json_of(done: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(done.stdout)


async def found(settings: Settings, query: str) -> list[str]:
    result = await search_service.search(settings, SearchRequest(q=query))
    return [hit.code for hit in result.hits]


async def test_a_killed_import_keeps_its_rows_shows_interrupted_and_is_indexed_next_time(
        settings: Settings, client: httpx.AsyncClient, staff_headers: dict[str, str],
        tmp_path: Path) -> None:
    assert stdtrack(settings, "index", "rebuild").returncode == 0
    big = tmp_path / "big.jsonl"
    big.write_bytes(compact_lines(100_000, 60_000, "Gadget"))
    process = subprocess.Popen([sys.executable, *CLI, "import", str(big)],
                               env=env_of(settings), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(6000):  # until its first rows are committed (at most a minute)
            if await repo.count_standards() > 0:
                break
            await asyncio.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the import and its reader process
        process.wait()
    kept = await repo.count_standards()
    assert 0 < kept < 60_000

    [batch] = json_of(stdtrack(settings, "batches", "--json"))
    assert batch["state"] == "interrupted" and batch["files"] == ["big.jsonl"]
    status = json_of(stdtrack(settings, "db", "status", "--json"))
    assert [(b["id"], b["state"]) for b in status["unfinished_imports"]] == [
        (batch["id"], "interrupted")]
    listed = (await client.get("/api/imports", headers=staff_headers)).json()["items"]
    assert (listed[0]["id"], listed[0]["state"]) == (batch["id"], "interrupted")

    index = stdtrack(settings, "index", "status", "--json")
    assert index.returncode == 1
    stale = json_of(index)
    assert stale["unindexed_batches"] == [batch["id"]]
    assert stale["changed_since_update"] == kept
    assert any(f"import batch {batch['id']} (interrupted)" in p and "stdtrack index rebuild" in p
               for p in stale["problems"])
    kept_code = "ISO 100000:2001"
    assert kept_code not in await found(settings, kept_code)

    small = tmp_path / "small.jsonl"
    small.write_bytes(compact_lines(1, 3))
    assert stdtrack(settings, "import", small).returncode == 0
    assert kept_code in await found(settings, kept_code)
    settled = json_of(stdtrack(settings, "batches", "--json"))[1]
    assert (settled["id"], settled["state"], settled["created"]) == (batch["id"],
                                                                    "interrupted", kept)
    assert f"{kept} created" in settled["message"]
    after = json_of(stdtrack(settings, "index", "status", "--json"))
    assert (after["unindexed_batches"], after["changed_since_update"]) == ([], 0)


async def test_a_truncated_file_keeps_its_rows_counted_and_indexed(
        settings: Settings, tmp_path: Path) -> None:
    packed = gzip.compress(compact_lines(200_000, 3000))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) * 2 // 3])
    done = stdtrack(settings, "import", cut, "--json")
    assert done.returncode == 1
    [line] = messages(done.stderr)
    report = json_of(done)
    kept = report["created"]
    assert 0 < kept < 3000 and kept == await repo.count_standards()
    assert line == f"stdtrack: {report['failures'][0]}"
    assert "gzip data is truncated" in line
    assert f"the {kept} rows before it were kept in batch {report['batch_id']}" in line
    assert report["files"][0]["records"] == kept and "truncated" in report["files"][0]["error"]
    batch = await repo.get_batch(report["batch_id"])
    assert (batch["state"], batch["created"]) == ("failed", kept)
    assert batch["indexed_at"] is not None
    assert "ISO 200000:2001" in await found(settings, "ISO 200000:2001")


def _reader_children() -> list[int]:
    """Ids of this process's reader children (api.read_worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"read_worker" in command:
            found.append(int(entry.name))
    return found


async def test_rows_read_before_the_reader_process_died_are_kept_and_indexed(
        settings: Settings, tmp_path: Path) -> None:
    big = tmp_path / "reader.jsonl"
    big.write_bytes(compact_lines(300_000, 60_000, "Sprocket"))
    killed: list[int] = []

    def kill_the_reader(_count: int) -> None:
        if not killed:
            killed.extend(_reader_children())
            for pid in killed:
                os.kill(pid, signal.SIGKILL)

    report = await import_files([big], ImportOptions(actor="test"), settings.archive_dir,
                                progress=kill_the_reader)
    assert len(killed) == 1
    [failure] = report.failures
    assert "the reader process stopped" in failure
    kept = report.created
    assert 0 < kept < 60_000 and kept == await repo.count_standards()
    assert f"the {kept} rows before it were kept in batch {report.batch_id}" in failure
    assert (await repo.get_batch(report.batch_id))["state"] == "failed"
    await after_import(settings, report)
    assert "ISO 300000:2001" in await found(settings, "ISO 300000:2001")


async def test_two_cli_imports_at_once_both_finish(settings: Settings, tmp_path: Path) -> None:
    files = []
    for first in (400_000, 500_000):
        path = tmp_path / f"part-{first}.jsonl"
        path.write_bytes(compact_lines(first, 10_000))
        files.append(path)
    running = [subprocess.Popen([sys.executable, *CLI, "import", str(path), "--json"],
                                env=env_of(settings), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for path in files]
    results = [process.communicate(timeout=600) for process in running]
    for process, (_stdout, stderr) in zip(running, results, strict=True):
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
    assert [json.loads(out)["created"] for out, _ in results] == [10_000, 10_000]
    assert await repo.count_standards() == 20_000
    batches = json_of(stdtrack(settings, "batches", "--json"))
    assert sorted((b["state"], b["created"]) for b in batches) == [("finished", 10_000)] * 2


@pytest.fixture
def write_lock_held(settings: Settings) -> Iterator[None]:
    """Another writer holding the catalogue's write lock (SQLite's, or PostgreSQL's advisory
    lock that catalogue writes take)."""
    if settings.engine_kind == "sqlite":
        holder = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    import asyncpg

    from standards.db import CATALOGUE_WRITE_LOCK

    loop = asyncio.new_event_loop()
    connection = loop.run_until_complete(asyncpg.connect(settings.database_url))
    loop.run_until_complete(connection.execute(f"SELECT pg_advisory_lock({CATALOGUE_WRITE_LOCK})"))
    try:
        yield
    finally:
        loop.run_until_complete(connection.close())
        loop.close()


async def test_an_import_that_cannot_get_the_write_lock_stops_with_one_line(
        settings: Settings, tmp_path: Path, write_lock_held: None) -> None:
    path = tmp_path / "waiting.jsonl"
    path.write_bytes(compact_lines(600_000, 10))
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, *CLI, "import", str(path)],
        env=env_of(settings, STDTRACK_DB_LOCK_TIMEOUT="1"), capture_output=True, text=True,
        timeout=120)
    assert done.returncode == 2
    [line] = messages(done.stderr)
    assert "the database is busy" in line and "STDTRACK_DB_LOCK_TIMEOUT" in line
    assert "Traceback" not in done.stderr
    # its batch (when it could record one at all) says it failed, never that it finished
    assert all(batch["state"] == "failed" for batch in await repo.list_batches())


async def test_a_multi_file_import_goes_on_past_an_unreadable_file(
        settings: Settings, client: httpx.AsyncClient, staff_headers: dict[str, str],
        tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("标准号,标准名称\nDB22/T 1-2020,人参\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.xml"
    binary.write_bytes(bytes(range(256)) * 4)
    last = tmp_path / "last.csv"
    last.write_text("标准号,标准名称\nDB22/T 2-2020,鹿茸\n", encoding="utf-8")
    done = stdtrack(settings, "import", first, empty, binary, last, "--json")
    assert done.returncode == 1
    lines = messages(done.stderr)
    assert len(lines) == 2 and "Traceback" not in done.stderr
    assert lines[0].startswith("stdtrack: empty.csv: ") and "empty file" in lines[0]
    assert lines[1].startswith("stdtrack: binary.xml: ") and "binary data" in lines[1]
    report = json_of(done)
    assert report["created"] == 2 and report["state"] == "failed"
    assert [(f["name"], f.get("error") is not None) for f in report["files"]] == [
        ("first.csv", False), ("empty.csv", True), ("binary.xml", True), ("last.csv", False)]
    assert {r["file"] for r in report["rejected"]} == {"empty.csv", "binary.xml"}
    assert (await repo.find_standard("DB22/T 2-2020")).title_zh == "鹿茸"

    uploads = [("files", (path.name, path.read_bytes())) for path in (empty, last)]
    answer = await client.post("/api/imports", headers=staff_headers, files=uploads)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["unchanged"] == 1 and body["state"] == "failed"
    assert body["failures"][0].startswith("empty.csv: ")
    only_bad = await client.post("/api/imports", headers=staff_headers,
                                 files=[("files", ("empty.csv", b""))])
    assert only_bad.status_code == 400 and "empty" in only_bad.json()["detail"]


async def test_index_status_notices_standards_changed_after_its_last_write(
        settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("标准号,标准名称\nDB22/T 7-2020,梅花鹿\n", encoding="utf-8")
    assert stdtrack(settings, "import", path).returncode == 0
    assert stdtrack(settings, "index", "rebuild").returncode == 0
    assert json_of(stdtrack(settings, "index", "status", "--json"))["changed_since_update"] == 0
    # a write that goes around the import pipeline, and so around the index
    await repo.upsert_standards([StandardInput(code="DB22/T 8-2020", source="csv",
                                               title_zh="林蛙")],
                                now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    status = stdtrack(settings, "index", "status")
    assert status.returncode == 1
    assert "1 standards changed after the index was last written" in status.stdout
    assert "stdtrack index rebuild" in status.stdout
    assert stdtrack(settings, "index", "rebuild").returncode == 0
    assert stdtrack(settings, "index", "status").returncode == 0
