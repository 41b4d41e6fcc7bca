"""The leader's page: goals that ended say so (value at the deadline, no forecast), gaps in
percentage points, sectors by GB/T 4754 name with unknown codes under 其他, n on every bar,
one language at a time, two regions side by side, the drill-down with code, title and
reason, the PDF briefing read back, and views kept until the data changes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import httpx
import lxml.html
import pypdf
import pytest

from adoption.goals import GoalInput
from adoption.goals_repository import goal_progress, save_goal
from api.dashboard.charts import Bar
from api.dashboard.data import goal_card, months_overdue, sector_bars
from api.dashboard.sectors import sector_label
from standards import data_version
from standards.settings import Settings
from tests.adoption.helpers import new_uscc, upload_catalogue
from tests.api.session_helpers import PASSWORD, person, sign_in
from tests.api.test_i18n import CJK, english_catalog, interface_text

pytestmark = pytest.mark.anyio


class Group:
    def __init__(self, key: str, numerator: int, denominator: int) -> None:
        self.key, self.label = key, key
        self.numerator, self.denominator = numerator, denominator


def test_sector_codes_read_as_gbt_4754_names() -> None:
    assert sector_label("C36").label == "汽车制造业"
    assert sector_label("c3670").label == "汽车制造业"
    assert sector_label("39").label == "计算机、通信和其他电子设备制造业"
    assert sector_label("C").label == "制造业"
    assert sector_label("汽车零部件及配件制造").label == "汽车零部件及配件制造"
    assert sector_label("").label == "未填行业"
    assert sector_label("C36 汽车制造业").label == "汽车制造业"
    assert sector_label("C99 新兴产业").label == "新兴产业"  # the name given, not 其他
    for unknown in ("C99", "A36", "Z12", "C00"):
        assert (sector_label(unknown).label, sector_label(unknown).known) == ("其他", False)


def test_unknown_sector_codes_are_grouped_under_other_with_their_sums() -> None:
    bars, unknown = sector_bars([Group("C36", 3, 4), Group("C99", 1, 2), Group("Z12", 0, 3),
                                 Group("人参", 2, 2)])
    assert {bar.label: (bar.numerator, bar.denominator) for bar in bars} == {
        "汽车制造业": (3, 4), "人参": (2, 2), "其他": (1, 5)}
    assert bars[-1].label == "其他" and unknown == ["C99", "Z12"]
    assert isinstance(bars[0], Bar)


def test_months_overdue() -> None:
    assert [months_overdue(days) for days in (1, 30, 31, 62, 4905)] == [0, 0, 1, 2, 161]


@pytest.mark.usefixtures("adoption_db", "db")
async def test_an_ended_goal_shows_its_value_at_the_deadline_and_no_forecast(
        client: httpx.AsyncClient) -> None:
    await save_goal(GoalInput(name="测试覆盖率目标", metric="coverage", target=0.9,
                              start_on=dt.date(2020, 1, 1), deadline=dt.date(2021, 12, 31)))
    today = dt.date(2026, 6, 1)
    now = await goal_progress("测试覆盖率目标", today)
    ended = await goal_progress("测试覆盖率目标", now.deadline)
    card = goal_card(now, ended)
    assert card.ended and card.status == "ended" and card.forecast_date is None
    assert card.status_label == "已结束 · 未达成"
    assert card.gap_text == "90.0" and not card.gap_is_count  # percentage points
    live = goal_card(await goal_progress("测试覆盖率目标", dt.date(2021, 6, 30)))
    assert not live.ended and live.status_label in ("落后", "有风险", "进度正常")


@pytest.fixture
async def leader_world(browser: httpx.AsyncClient, staff_headers: dict[str, str],
                       tmp_path: Path, settings: Settings) -> httpx.AsyncClient:
    """Products in Changchun (C36, covered), Baishan (no standard), Nanjing (a code GB/T 4754
    lacks, an unknown standard), seed goals, and a leader signed in."""
    from adoption.goals_repository import install_seed_goals
    from api.declaration_imports import import_declarations

    await upload_catalogue(browser, staff_headers, "gb.csv", [
        "标准号,标准名称,发布日期,实施日期",
        "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01"])
    path = tmp_path / "d.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "行政区划代码", "行业", "产品名称",
                         "主要产品", "执行标准", "公开日期"])
        writer.writerow([new_uscc("220102"), "长春测试有限公司", "220102", "C36", "制动盘",
                         "是", "GB/T 19001-2016", "2019-01-01"])
        writer.writerow([new_uscc("220602"), "白山测试有限公司", "220602", "人参", "红参", "是",
                         "", "2019-01-01"])
        writer.writerow([new_uscc("320102"), "南京测试有限公司", "320102", "C99", "显示模组",
                         "否", "GB/T 99999-2020", "2019-01-01"])
    await import_declarations([path], actor="test", archive_dir=settings.archive_dir)
    await install_seed_goals()
    leader = await person(browser, staff_headers, "leader")
    await sign_in(browser, str(leader["username"]), PASSWORD)
    return browser


@pytest.mark.usefixtures("adoption_db", "db")
async def test_the_dashboard_in_chinese_has_ended_goals_n_and_sector_names(
        leader_world: httpx.AsyncClient) -> None:
    page = await leader_world.get("/", params={"region": "", "indicator": "coverage"})
    assert page.status_code == 200, page.text
    html = page.text
    tree = lxml.html.fromstring(html)
    cards = tree.xpath('//*[@id="goal-cards"]/article')
    assert cards and all(card.get("data-status") == "ended" for card in cards)  # all 2015
    text = " ".join(cards[0].itertext())
    assert "已结束" in text and "预计" not in html
    assert "个百分点" in html  # rate gaps in percentage points
    by_sector = tree.xpath('//figure[@data-chart="by-sector"]')[0]
    sector_text = " ".join(by_sector.itertext())
    assert "汽车制造业" in sector_text and "C36" not in sector_text and "其他" in sector_text
    assert "C99" in tree.get_element_by_id("sector-note").text_content()
    by_city = " ".join(tree.xpath('//figure[@data-chart="by-city"]')[0].itertext())
    assert "n=1" in by_city  # each city's bar says its n
    assert tree.xpath('//figure[@data-chart="city-trends"]')
    english = {str(m.string) for m in english_catalog().values()
               if isinstance(m.string, str) and len(m.string) > 3}  # type: ignore[attr-defined]
    outside_charts = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    leaked = [word for word in interface_text(outside_charts) if word in english]
    assert not leaked


@pytest.mark.usefixtures("adoption_db", "db")
async def test_the_dashboard_in_english_holds_no_chinese_interface_text(
        leader_world: httpx.AsyncClient) -> None:
    page = await leader_world.get("/", params={"region": "22", "lang": "en"})
    assert page.status_code == 200
    html = re.sub(r"<svg.*?</svg>", "", page.text, flags=re.S)  # charts carry data labels
    assert '<html lang="en">' in html and "Goal progress" in html
    assert "Ended · not achieved" in html
    chinese = [text for text in interface_text(html) if CJK.search(text)]
    assert not chinese, chinese
    svg = page.text
    assert "Target 98%" in svg and "目标" not in re.sub(r"<(?!svg)[^>]*>", "", svg.split(
        'data-chart="by-city"')[1].split("</figure>")[0]).replace("吉林", "")


@pytest.mark.usefixtures("adoption_db", "db")
async def test_two_regions_side_by_side(leader_world: httpx.AsyncClient) -> None:
    page = await leader_world.get("/compare", params={"left": "22", "right": "32"})
    assert page.status_code == 200, page.text
    tree = lxml.html.fromstring(page.text)
    panels = tree.xpath('//*[@id="comparison"]/section')
    assert [panel.get("data-region") for panel in panels] == ["22", "32"]
    assert "吉林省" in panels[0].text_content() and "江苏省" in panels[1].text_content()
    assert "50.0% = 1 / 2" in panels[0].text_content()  # Changchun covered, Baishan not
    assert "0.0% = 0 / 1" in panels[1].text_content()
    assert panels[0].xpath('.//figure[@data-chart="by-city-1"]')
    assert panels[1].xpath('.//figure[@data-chart="trend-2"]')
    other = await leader_world.get("/compare", params={"left": "2201", "right": "2206"})
    assert other.status_code == 200 and "长春市" in other.text and "白山市" in other.text
    bad = await leader_world.get("/compare", params={"left": "2x"})
    assert bad.status_code == 400


@pytest.mark.usefixtures("adoption_db", "db")
async def test_the_drill_down_names_code_title_enterprise_and_reason(
        leader_world: httpx.AsyncClient) -> None:
    page = await leader_world.get("/not-counted/coverage", params={"region": ""})
    tree = lxml.html.fromstring(page.text)
    rows = {" ".join(row.itertext()) for row in tree.xpath('//*[@id="not-counted-list"]/tbody/tr')}
    nanjing = next(row for row in rows if "南京测试有限公司" in row)
    assert "GB/T 99999-2020" in nanjing and "声明的标准号未收录" in nanjing and "否" in nanjing
    assert "['" not in page.text
    baishan = next(row for row in rows if "白山测试有限公司" in row)
    assert "未声明执行标准" in baishan and "红参" in baishan


@pytest.mark.usefixtures("adoption_db", "db")
async def test_the_briefing_is_a_one_page_pdf_with_its_text(
        leader_world: httpx.AsyncClient) -> None:
    answer = await leader_world.get("/briefing.pdf", params={"region": "22"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    reader = pypdf.PdfReader(io.BytesIO(answer.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for needle in ("标准化工作简报", "吉林省", "目标进度", "吉林省产品标准覆盖率98%以上",
                   "已结束", "长春市", "白山市", "1 / 1", "逾期项目"):
        assert needle in text, (needle, text)
    fonts = [font for page in reader.pages
             for font in page["/Resources"]["/Font"].values()]  # type: ignore[index]
    descendant = fonts[0].get_object()["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"]  # the font is embedded
    english = await leader_world.get("/briefing.pdf", params={"region": "22", "lang": "en"})
    english_text = pypdf.PdfReader(io.BytesIO(english.content)).pages[0].extract_text()
    assert "Standardization briefing" in english_text and "Goal progress" in english_text


@pytest.mark.usefixtures("adoption_db", "db")
async def test_a_view_is_kept_until_a_write_changes_the_data(
        leader_world: httpx.AsyncClient, staff_headers: dict[str, str], tmp_path: Path,
        settings: Settings) -> None:
    from api.declaration_imports import import_declarations

    first = await leader_world.get("/", params={"region": "22"})
    before = await data_version.current()
    again = await leader_world.get("/", params={"region": "22"})
    assert again.text == first.text and await data_version.current() == before
    assert "50.0% = 1 / 2" in first.text
    path = tmp_path / "more.csv"
    path.write_text("统一社会信用代码,企业名称,行政区划代码,行业,产品名称,主要产品,执行标准,公开日期\n"
                    f"{new_uscc('220602')},白山又一有限公司,220602,人参,人参茶,是,"
                    "GB/T 19001-2016,2020-01-01\n", encoding="utf-8")
    await import_declarations([path], actor="test", archive_dir=settings.archive_dir)
    assert (await data_version.current())[1] > before[1]  # a declaration write bumps it
    changed = await leader_world.get("/", params={"region": "22"})
    assert "66.7% = 2 / 3" in changed.text
    declared = await data_version.current()
    await upload_catalogue(leader_world, staff_headers, "more.csv", [
        "标准号,标准名称,发布日期,实施日期",
        "GB/T 20001-2018,标准编写规则,2018-01-01,2018-07-01"])
    assert (await data_version.current())[1] > declared[1]  # so does a catalogue import
