"""HTTP imports read and parse files off the event loop: while a large workbook is being read
the server still answers. Concurrency is what is checked (the health answer arrives while the
import is still running), not how long anything takes."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from standards.settings import Settings
from tests.importers import hostile

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db", "adoption_db")]


@pytest.fixture(scope="module")
def slow_workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A workbook within every limit that takes a while to read (400,000 rows, under the
    suite's 2 MB upload limit) and has no header any import knows: each import reads it,
    then refuses it (400)."""
    path = tmp_path_factory.mktemp("slow") / "slow.xlsx"
    rows = (f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(1, 400_001))
    hostile.write_workbook(path, hostile._sheet(rows), hostile._shared(["<si><t>x</t></si>"], 1))
    assert path.stat().st_size < 2 * 1024 * 1024
    return path.read_bytes()


@pytest.mark.parametrize("route", ["/api/imports", "/api/declarations/imports",
                                   "/api/drafting-projects/imports"])
async def test_the_server_answers_while_an_import_reads(
        client: httpx.AsyncClient, settings: Settings, staff_headers: dict[str, str],
        slow_workbook: bytes, route: str) -> None:
    upload = asyncio.ensure_future(client.post(
        route, headers=staff_headers, files={"files": ("slow.xlsx", slow_workbook)}))
    # once the upload is saved whole, the import reads it: ask for health from then on
    while not any(path.stat().st_size == len(slow_workbook)
                  for path in settings.home.glob("upload-*/0/slow.xlsx")):
        assert not upload.done(), upload.result().text
        await asyncio.sleep(0.005)
    health = await client.get("/health")
    assert health.status_code == 200
    assert not upload.done(), "the health check waited for the import to finish"
    refused = await upload
    assert refused.status_code == 400 and "slow.xlsx" in refused.json()["detail"]
