"""Imports in headless Chromium against a real server: staff upload a small catalogue on the
import page, watch the job page refresh itself until the import is done (no script of ours),
read the report, open the batch with its rejected row and download the original."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import test_people_browser as people
from tests.browser.conftest import LiveServer
from tests.browser.test_people_browser import DESKTOP, sign_in

BIN = Path(sys.executable).parent
browse = people.browse  # the fixture: pages in their own contexts, problems collected
CATALOGUE = ("标准编号,标准名称,发布日期,实施日期\n"
             "DB22/T 99901-2024,人参种植技术规程,2024-01-10,2024-04-10\n"
             "DB22/T 99902-2024,梅花鹿养殖技术规范,2024-01-10,2024-04-10\n"
             "DB22/T 99903-2024,玉米秸秆还田技术规程,2024-02-01,2024-05-01\n"
             "不是标准号,无效行,2024-02-01,\n")


@pytest.fixture
def jobs_run(live_server: LiveServer, tmp_path: Path) -> Iterator[None]:
    """The embedded default runs jobs in the app; over PostgreSQL a ``stdtrack worker`` does."""
    if live_server.env["DATABASE_URL"].startswith("sqlite"):
        yield
        return
    env = {**live_server.env, "STDTRACK_HOME": str(tmp_path / "worker")}
    worker = subprocess.Popen([str(BIN / "stdtrack"), "worker", "--poll", "0.2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@pytest.mark.usefixtures("jobs_run")
def test_staff_upload_a_catalogue_watch_the_job_and_read_the_report(
        live_server: LiveServer, browse: Any, tmp_path: Path) -> None:
    source = tmp_path / "吉林地方标准.csv"
    source.write_text(CATALOGUE, encoding="utf-8")
    page = browse(DESKTOP)
    sign_in(page, live_server, live_server.staff.username, live_server.staff.password)
    page.click("#nav-imports")
    page.wait_for_selector("#import-form")
    page.set_input_files("#files", str(source))
    page.click("#import-submit")
    page.wait_for_url("**/workbench/jobs/*")
    # the page refreshes itself while the job is queued or running
    page.wait_for_selector('#job-state[data-state="done"]', timeout=120_000)
    assert page.inner_text("#job-created") == "3"
    assert page.inner_text("#job-rejected") == "1"
    assert "新建 3，更新 0，未变 0，拒收 1" in page.inner_text("#report-counts")
    assert "不是标准号" in page.inner_text("#report-rejected")
    page.click("#job-batch")
    page.wait_for_selector("#rejections")
    assert "符合条件 1 行" in page.inner_text("#rejections-total")
    with page.expect_download() as download:
        page.click("#download-0")
    assert Path(download.value.path()).read_text(encoding="utf-8") == CATALOGUE
    page.goto(f"{live_server.url}/workbench/schedules")
    assert "alerts-refresh" in page.inner_text("#schedule-list")
    assert page.problems == []
