"""The public standard page: any spelling of a code, its dates, editions, replacements and
adoptions as links, escaped text, and clear 400 / 404 pages."""

from __future__ import annotations

import datetime as dt
import html

import httpx
import pytest

from standards import repository
from standards.schemas import AdoptionRef, StandardInput

pytestmark = pytest.mark.anyio

D = dt.date


@pytest.fixture
async def catalogue(db: None) -> None:
    await repository.upsert_standards([
        StandardInput(code="GB/T 19001-2016", source="std.samr.gov.cn",
                      title_zh="质量管理体系 要求 <script>alert(1)</script>",
                      title_en="Quality management systems—Requirements",
                      published_on=D(2016, 12, 30), implemented_on=D(2017, 7, 1),
                      ics=["03.120.10"], ccs="A00", replaces=["GB/T 19001-2008"],
                      adopts=[AdoptionRef(code="ISO 9001:2015", degree="IDT")],
                      references=["GB/T 19000-2016"], source_url="javascript:alert(1)"),
        StandardInput(code="GB/T 19000-2016", source="std.samr.gov.cn",
                      title_zh="质量管理体系 基础和术语", published_on=D(2016, 12, 30)),
        StandardInput(code="DB22/T 3001-2021", source="sts", references=["GB/T 19001"]),
        StandardInput(code="GB/T 19001-2008", source="std.samr.gov.cn",
                      title_zh="质量管理体系 要求", published_on=D(2008, 10, 29),
                      implemented_on=D(2009, 3, 1), withdrawn_on=D(2017, 7, 1),
                      source_url="https://openstd.samr.gov.cn/bzgk/gb/index"),
    ])


async def test_a_standard_by_any_spelling_with_its_links(browser: httpx.AsyncClient,
                                                        catalogue: None) -> None:
    page = await browser.get("/standard", params={"code": "ＧＢ／Ｔ　１９００１－２０１６"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert '<h1 id="standard-code">GB/T 19001-2016</h1>' in text
    assert '<span class="status status-current" id="standard-status">现行</span>' in text
    assert "2017-07-01" in text and "03.120.10" in text and "A00" in text
    # the older edition and the adopted ISO standard are links to their own pages
    assert '<a href="/standard?code=GB/T%2019001-2008">GB/T 19001-2008</a>' in text
    assert '<a href="/standard?code=ISO%209001%3A2015">ISO 9001:2015</a> (IDT)' in text
    # its normative references, and who cites it (undated: the edition in force)
    assert ('<td id="standard-references"><a href="/standard?code=GB/T%2019000-2016">'
            'GB/T 19000-2016</a></td>') in text
    assert ('<td id="standard-referenced-by"><a href="/standard?code=DB22/T%203001-2021">'
            'DB22/T 3001-2021</a></td>') in text
    # text from a source is escaped, and a javascript: address is never a link
    assert "<script>alert(1)</script>" not in text
    assert html.escape("<script>alert(1)</script>", quote=False) in text
    assert 'href="javascript:' not in text

    old = await browser.get("/standard", params={"code": "gbt19001-2008"})
    assert old.status_code == 200
    assert 'id="standard-status">废止</span>' in old.text
    assert '<td id="standard-referenced-by">—</td>' in old.text  # not the edition in force
    english = await browser.get("/standard", params={"code": "gbt19001-2008", "lang": "en"})
    assert 'id="standard-status">Withdrawn</span>' in english.text
    assert "<th>Normative references</th>" in english.text and "<th>Cited by</th>" in english.text
    assert '<p class="title-zh"><span lang="zh-CN">质量管理体系 要求</span></p>' in english.text
    assert '<a href="/standard?code=GB/T%2019001-2016">GB/T 19001-2016</a>' in old.text
    assert 'href="https://openstd.samr.gov.cn/bzgk/gb/index"' in old.text


async def test_unknown_and_malformed_codes_get_a_clear_page(browser: httpx.AsyncClient,
                                                           catalogue: None) -> None:
    missing = await browser.get("/standard", params={"code": "GB/T 99999-2020"})
    assert missing.status_code == 404
    assert "标准库中没有 “GB/T 99999-2020”" in missing.text

    bad = await browser.get("/standard", params={"code": "hello"})
    assert bad.status_code == 400
    assert "“hello” 不是标准号。" in bad.text
    english = await browser.get("/standard", params={"code": "hello", "lang": "en"})
    assert english.status_code == 400 and "“hello” is not a standard code." in english.text
