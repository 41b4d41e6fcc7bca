"""``stdtrack check FILE|-``: the same answers as the API, from a file or stdin, as a table or
JSON, with the XLSX and PDF reports, ``--as-of`` and ``--strict``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from standards.settings import Settings
from tests.adoption.helpers import upload_catalogue
from tests.checks.documents import LINES_OF_SAMPLE, docx_bytes

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]


def stdtrack(settings: Settings, *args: str | Path, stdin: str | None = None
             ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "STDTRACK_HOME": str(settings.home)}
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()",
                           *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=120, input=stdin)


async def test_check_a_file_and_stdin(client: httpx.AsyncClient, staff_headers: dict[str, str],
                                      settings: Settings, tmp_path: Path) -> None:
    await upload_catalogue(client, staff_headers, "cli.csv", [
        "标准号,标准名称,发布日期,实施日期,废止日期,代替标准",
        "GB/T 6543-2008,运输包装用单瓦楞纸箱和双瓦楞纸箱,2008-08-19,2009-05-01,,",
        "GB/T 19001-2008,质量管理体系 要求,2008-10-29,2009-03-01,2017-07-01,",
        "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,,GB/T 19001-2008",
    ])
    document = tmp_path / "引用.docx"
    document.write_bytes(docx_bytes(LINES_OF_SAMPLE))
    xlsx, pdf = tmp_path / "report.xlsx", tmp_path / "report.pdf"
    done = stdtrack(settings, "check", document, "--json", "--as-of", "2025-06-01",
                    "--xlsx", xlsx, "--pdf", pdf)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    verdicts = {item["written"]: item["verdict"] for item in report["items"]}
    assert verdicts["GB/T 6543-2008"] == "current" and verdicts["GB/T 191"] == "not_found"
    assert verdicts["GB/T 19001"] == "current" and verdicts["GB/T 19O01-2016"] == "malformed"
    assert report["source"] == "引用.docx" and report["as_of"] == "2025-06-01"
    assert load_workbook(xlsx).active.max_row == report["distinct"] + 2
    assert pdf.read_bytes().startswith(b"%PDF")

    piped = stdtrack(settings, "check", "-", "--strict",
                     stdin="依据GB/T 19001-2008和GB/T 6543-2008")
    assert piped.returncode == 1  # --strict: something cited is not current
    assert "已被代替\tGB/T 19001-2008\t代替 by GB/T 19001-2016" in piped.stdout
    assert "现行\tGB/T 6543-2008" in piped.stdout
    fine = stdtrack(settings, "check", "-", "--strict", stdin="GB/T 6543-2008")
    assert fine.returncode == 0, fine.stderr

    missing = stdtrack(settings, "check", tmp_path / "nothing.pdf")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    unreadable = stdtrack(settings, "check", broken)
    assert unreadable.returncode == 2 and "Traceback" not in unreadable.stderr
    assert "not a readable PDF" in unreadable.stderr
