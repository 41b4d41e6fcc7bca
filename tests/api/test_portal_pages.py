"""The portal's pages in-process: who may open and post each one, an enterprise never seeing or
changing another's products, declarations, standards, alerts or previews through them, the
warning before a withdrawn standard is declared, and pages in one language at a time."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest
from litestar import Litestar

from tests.adoption.helpers import account, declare, enterprise, product, upload_catalogue
from tests.api.test_i18n import interface_text

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("adoption_db", "db")]

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
CATALOGUE = [
    "标准号,标准名称,发布日期,实施日期,废止日期,代替标准",
    "GB/T 19001-2016,质量管理体系 要求,2016-12-30,2017-07-01,,GB/T 19001-2008",
    "GB/T 19001-2008,质量管理体系 要求,2008-10-29,2009-03-01,2017-07-01,",
]
HEADER = ("统一社会信用代码,企业名称,行政区划代码,行业,重点领域,产品名称,产品型号,产品分类,"
          "主要产品,执行标准,公开日期")


class Owned:
    """An enterprise's records, made through the API, that the pages are tried on."""

    def __init__(self, uscc: str, headers: dict[str, str]) -> None:
        self.uscc = uscc
        self.headers = headers
        self.product = 0
        self.declaration = 0
        self.standard = 0
        self.alert = 0
        self.preview = ""


async def owned(client: httpx.AsyncClient, staff: dict[str, str]) -> Owned:
    uscc, headers = await enterprise(client, staff)
    mine = Owned(uscc, headers)
    mine.product = await product(client, headers, name="制动钳总成", model="ZQ-1")
    found = await declare(client, headers, mine.product, "GB/T 19001-2008", confirm=True)
    mine.declaration = found["declaration"]["id"]
    made = await client.post("/api/enterprises/me/standards", headers=headers, json={
        "code": "Q/CCYQ 001-2024", "title_zh": "盘式制动器总成", "indicators": [
            {"kind": "性能", "name": "制动力矩", "value": "≥ 1200", "unit": "N·m"}]})
    mine.standard = made.json()["id"]
    mine.alert = (await client.get("/api/alerts", headers=headers)).json()["items"][0]["id"]
    body = f"{HEADER}\n{uscc},,,,,转向节,Z-1,,是,GB/T 19001-2016,\n".encode()
    previewed = await client.post("/api/declarations/imports/previews", headers=headers,
                                  files={"files": ("d.csv", body, "text/csv")})
    mine.preview = previewed.json()["preview_id"]
    return mine


Post = Callable[[httpx.AsyncClient, Owned, dict[str, str]], Awaitable[httpx.Response]]


def _post(path: str, data: dict[str, str] | None = None) -> Post:
    async def call(client: httpx.AsyncClient, o: Owned, h: dict[str, str]) -> httpx.Response:
        target = path.format(product=o.product, declaration=o.declaration,
                             standard=o.standard, alert=o.alert, preview=o.preview)
        return await client.post(target, headers=h, data=data or {})
    return call


# every portal page write -> how to call it on the owner's records
PORTAL_PAGE_WRITES: dict[tuple[str, str], Post] = {
    ("POST", "/portal/products"): _post("/portal/products", {"name": "新产品", "model": "N"}),
    ("POST", "/portal/products/{product_id:int}"): _post(
        "/portal/products/{product}", {"name": "改名", "model": "ZQ-1"}),
    ("POST", "/portal/products/{product_id:int}/discontinue"): _post(
        "/portal/products/{product}/discontinue"),
    ("POST", "/portal/products/{product_id:int}/declare"): _post(
        "/portal/products/{product}/declare", {"code": "gbt 19001-2016"}),
    ("POST", "/portal/declarations/{declaration_id:int}/withdraw"): _post(
        "/portal/declarations/{declaration}/withdraw"),
    ("POST", "/portal/standards"): _post("/portal/standards", {
        "code": "Q/CCYQ 009-2024", "title_zh": "制动鼓", "ind-0-kind": "safety",
        "ind-0-name": "耐热衰退"}),
    ("POST", "/portal/standards/{standard_id:int}"): _post(
        "/portal/standards/{standard}", {"title_zh": "盘式制动器总成（修订）"}),
    ("POST", "/portal/upload"): _post("/portal/upload"),
    ("POST", "/portal/upload/{preview_id:str}/commit"): _post("/portal/upload/{preview}/commit"),
    ("POST", "/portal/alerts/{alert_id:int}/redeclare"): _post("/portal/alerts/{alert}/redeclare"),
    ("POST", "/portal/checks"): _post("/portal/checks"),
}
# the enterprise's own pages to read, and the public ones
PORTAL_PAGES = ["/portal", "/portal/products", "/portal/products/{product}",
                "/portal/declarations/{declaration}", "/portal/standards",
                "/portal/standards/new", "/portal/standards/{standard}", "/portal/upload",
                "/portal/alerts", "/portal/checks"]
PUBLIC_PAGES = ["/enterprises/{uscc}", "/declarations?q=制动", "/declarations"]


def test_every_portal_page_is_listed(app: Litestar) -> None:
    routes = {(method, route.path) for route in app.routes for handler in route.route_handlers
              for method in getattr(handler, "http_methods", ())
              if route.path.startswith("/portal") and method not in ("HEAD", "OPTIONS")}
    reads = {path for method, path in routes if method == "GET"}
    assert {path for method, path in routes if method == "POST"} == {
        path for _, path in PORTAL_PAGE_WRITES}
    assert len(reads) == len(PORTAL_PAGES)
    for handler in (h for route in app.routes for h in route.route_handlers
                    if route.path.startswith("/portal")):
        assert {str(role) for role in handler.opt["roles"]} == {"enterprise"}


async def test_who_may_use_the_portal_pages(browser: httpx.AsyncClient,
                                            staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "c.csv", CATALOGUE)
    mine = await owned(browser, staff_headers)
    leader = await account(browser, staff_headers, "leader")
    for path in PORTAL_PAGES:
        target = path.format(product=mine.product, declaration=mine.declaration,
                             standard=mine.standard)
        nobody = await browser.get(target)
        assert nobody.status_code == 303 and nobody.headers["location"].startswith(
            "/sign-in?next="), target
        for headers in (staff_headers, leader):
            refused = await browser.get(target, headers=headers)
            assert refused.status_code == 403 and "此账号无权使用这个页面" in refused.text, target
        assert (await browser.get(target, headers=mine.headers)).status_code == 200, target
    for route, call in PORTAL_PAGE_WRITES.items():
        assert (await call(browser, mine, {})).status_code == 303, route
        assert (await call(browser, mine, leader)).status_code == 403, route
        assert (await call(browser, mine, staff_headers)).status_code == 403, route
    for path in PUBLIC_PAGES:
        assert (await browser.get(path.format(uscc=mine.uscc))).status_code == 200, path


async def test_an_enterprise_never_sees_or_changes_another_ones_records(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "c.csv", CATALOGUE)
    mine = await owned(browser, staff_headers)
    _other_uscc, other = await enterprise(browser, staff_headers, region="320102",
                                          name="南京汽车配件厂")
    for path in [*PORTAL_PAGES[2:4], "/portal/standards/{standard}"]:
        target = path.format(product=mine.product, declaration=mine.declaration,
                             standard=mine.standard)
        answer = await browser.get(target, headers=other)
        assert answer.status_code == 404 and "没有找到要找的记录" in answer.text, target
        assert "制动钳总成" not in answer.text and "盘式制动器总成" not in answer.text
    mine_only = [route for route in PORTAL_PAGE_WRITES
                 if route[1] not in ("/portal/products", "/portal/standards", "/portal/upload",
                                     "/portal/checks")]
    theirs = await PORTAL_PAGE_WRITES[("POST", "/portal/checks")](browser, mine, other)
    assert theirs.status_code == 200 and "19001" not in theirs.text  # only their own codes
    for route in mine_only:
        answer = await PORTAL_PAGE_WRITES[route](browser, mine, other)
        if route[1] == "/portal/standards/{standard_id:int}":
            assert answer.status_code == 403, route  # public, but not theirs to change
        else:
            assert answer.status_code == 404, (route, answer.status_code)
    # nothing changed
    kept = (await browser.get(f"/api/products/{mine.product}", headers=mine.headers)).json()
    assert (kept["name"], kept["discontinued_on"], kept["active_declarations"]) == (
        "制动钳总成", None, 1)
    standard = (await browser.get(f"/api/enterprise-standards/{mine.standard}")).json()
    assert standard["title_zh"] == "盘式制动器总成"
    assert (await browser.get("/api/alerts", headers=mine.headers)).json()["total"] == 1
    committed = await browser.post(
        f"/api/declarations/imports/previews/{mine.preview}/commit", headers=mine.headers)
    assert committed.status_code == 201  # the other's attempt did not use it up
    # their own pages show none of it
    theirs = await browser.get("/portal/products", headers=other)
    assert "制动钳总成" not in theirs.text and "no-products" in theirs.text
    assert "Q/CCYQ" not in (await browser.get("/portal/standards", headers=other)).text


async def test_a_withdrawn_standard_is_warned_about_before_it_is_declared(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "c.csv", CATALOGUE)
    _uscc, owner = await enterprise(browser, staff_headers)
    item = await product(browser, owner)
    warned = await browser.post(f"/portal/products/{item}/declare", headers=owner,
                                data={"code": "ＧＢ／Ｔ　１９００１－２００８"})
    assert warned.status_code == 200
    assert "GB/T 19001-2008 已于 2017-07-01 废止，由 GB/T 19001-2016 代替。" in warned.text
    assert 'id="declare-confirm"' in warned.text
    assert (await browser.get("/api/declarations", params={"product": item})).json()[
        "total"] == 0
    done = await browser.post(f"/portal/products/{item}/declare", headers=owner,
                              data={"code": "ＧＢ／Ｔ　１９００１－２００８", "confirm": "1"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=declared")
    page = await browser.get(done.headers["location"], headers=owner)
    assert "GB/T 19001-2008" in page.text and "废止" in page.text
    bad = await browser.post(f"/portal/products/{item}/declare", headers=owner,
                             data={"code": "XYZ 12"})
    assert bad.status_code == 400 and "“XYZ 12”不是可以声明的标准号" in bad.text


async def test_portal_pages_in_english_hold_no_chinese_interface_text(
        browser: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(browser, staff_headers, "c.csv", CATALOGUE)
    mine = await owned(browser, staff_headers)
    await browser.post(f"/portal/products/{mine.product}/declare", headers=mine.headers,
                       data={"code": "GB/T 19001-2016"})
    paths = [p.format(product=mine.product, declaration=mine.declaration,
                      standard=mine.standard, uscc=mine.uscc)
             for p in (*PORTAL_PAGES, *PUBLIC_PAGES)]
    for path in paths:
        joiner = "&" if "?" in path else "?"
        page = await browser.get(f"{path}{joiner}lang=en", headers=mine.headers)
        assert page.status_code == 200, path
        chinese = [text for text in interface_text(page.text) if CJK.search(text)]
        assert not chinese, (path, chinese)
    preview = await browser.post(
        "/portal/upload?lang=en", headers=mine.headers,
        files={"files": ("d.csv", f"{HEADER}\n{mine.uscc},,,,,转向节,Z-1,,也许,XYZ,\n".encode(),
                         "text/csv")})
    assert preview.status_code == 200
    assert not [t for t in interface_text(preview.text) if CJK.search(t)]
    assert "Row" in preview.text or "row" in preview.text
