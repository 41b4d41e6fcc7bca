"""The staff workbench in headless Chromium against a real server: a small catalogue and a
second source that disagrees are imported (the API, as the import pages would), staff open the
conflicts, resolve one, open a drafting project, add a stage and see an out-of-order stage
refused with its stage and date named — on a phone-sized screen, partly by keyboard."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.browser.conftest import LiveServer
from tests.browser.test_people_browser import DESKTOP, PHONE, browse, fits_the_screen, sign_in

__all__ = ["browse"]  # the fixture, used by name


def _import(server: LiveServer, route: str, name: str, text: str) -> dict[str, Any]:
    done = httpx.post(f"{server.url}{route}", timeout=120,
                      headers={"Authorization": f"Bearer {server.staff_token}"},
                      files={"files": (name, text.encode(), "text/plain")})
    assert done.status_code == 201, done.text
    return dict(done.json())


def test_resolve_a_conflict_then_stage_a_project(browse: Any, live_server: LiveServer) -> None:
    serial = int(time.time() * 1000) % 10**6
    code = f"DB22/T {serial}-2026"
    _import(live_server, "/api/imports", "first.csv",
            f"标准号,标准名称,主管部门,发布日期\n{code},长白山冰雪旅游服务规范,吉林省文化和旅游厅,"
            "2026-02-01\n")
    second = _import(live_server, "/api/imports", "second.tsv",
                     f"标准号\t标准名称\t发布日期\n{code}\t长白山冰雪旅游服务质量规范\t2026-02-01\n")
    assert [c["field"] for c in second["conflicts"]] == ["title_zh"]
    plan_no = f"JLW-{serial}"
    _import(live_server, "/api/drafting-projects/imports", "plan.csv",
            "计划编号,计划年度,项目名称,行政区划代码,领域,完成期限,阶段,阶段日期\n"
            f"{plan_no},2026,冰雪旅游安全规范,220000,服务业,2026-12-31,立项,2026-03-01\n")

    staff = browse(PHONE)
    sign_in(staff, live_server, live_server.staff.username, live_server.staff.password)
    staff.goto(f"{live_server.url}/workbench/conflicts")
    staff.fill("#f-code", code)
    staff.press("#f-code", "Enter")  # the filter form by keyboard
    staff.wait_for_selector(f"#conflicts-list tr[data-code='{code}']")
    row = staff.locator(f"#conflicts-list tr[data-code='{code}']")
    assert "长白山冰雪旅游服务质量规范" in row.inner_text()
    fits_the_screen(staff)
    row.locator("input[value='offered']").check()
    row.locator("button.resolve").click()
    staff.wait_for_selector("#conflicts-message")
    assert "冲突已解决" in staff.inner_text("#conflicts-message")
    assert staff.locator(f"#conflicts-list tr[data-code='{code}']").count() == 0
    found = httpx.get(f"{live_server.url}/api/standards", params={"code": code}).json()
    assert found["items"][0]["title_zh"] == "长白山冰雪旅游服务质量规范"

    staff.click("#nav-drafting")
    staff.fill("#f-q", plan_no)
    staff.click("#filter-submit")
    project_row = staff.locator(f"#drafting-list tr[data-plan='{plan_no}']")
    project_id = project_row.get_attribute("data-project")
    assert project_id and project_id in project_row.inner_text()  # the id is shown
    project_row.locator("a.project-link").click()
    staff.wait_for_selector("#stage-form")
    fits_the_screen(staff)
    staff.select_option("#stage-stage", "drafting")
    staff.fill("#stage-on", "2026-05-01")
    staff.click("#stage-submit")
    staff.wait_for_selector("#project-message")
    assert staff.locator("#stage-history tr[data-stage='drafting']").count() == 1
    assert "起草" in staff.inner_text("#project-stage")

    staff.select_option("#stage-stage", "review")
    staff.fill("#stage-on", "2014-06-01")
    staff.focus("#stage-on")
    staff.keyboard.press("Enter")  # submitted from the keyboard
    staff.wait_for_selector("#stage-error")
    refusal = staff.inner_text("#stage-error")
    assert "审查" in refusal and "2014-06-01" in refusal
    assert "立项" in refusal and "2026-03-01" in refusal  # before the project existed
    assert staff.get_attribute("#stage-on", "aria-invalid") == "true"
    assert staff.locator("#stage-history tr[data-stage='review']").count() == 0
    fits_the_screen(staff)
    assert staff.problems == []

    wide = browse(DESKTOP)
    sign_in(wide, live_server, live_server.staff.username, live_server.staff.password)
    wide.goto(f"{live_server.url}/workbench/goals")
    wide.wait_for_selector("#goal-create")
    wide.goto(f"{live_server.url}/workbench/drafting/{project_id}?lang=en")
    assert "Stage history" in wide.inner_text("#history-heading")
    assert wide.problems == []
