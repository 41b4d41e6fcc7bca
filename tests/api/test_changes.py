"""The typed change feed (``/api/changes``, ``/api/changes.atom``): what catalogue imports did,
as entries a subscriber reads — new, replaced (naming the successor), withdrawn, upcoming,
record_changed with public field names — filtered by prefix, ICS, region and level, paged by
a cursor that neither skips nor repeats under filters, and the same entries as Atom."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from lxml import etree

from standards.change_types import classify, public_field
from standards.feed_queries import RARE, FeedFilters, FeedPosition, feed_page
from standards.vocab import ChangeType, Level
from tests.adoption.helpers import upload_catalogue

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

HEADER = "标准号,标准名称,发布日期,实施日期,废止日期,代替标准,ICS,状态"
FIRST = [
    HEADER,
    "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,,,43.120,",
    "DB22/T 1234-2020,人参种植技术规程,2020-01-02,2020-03-01,,,65.020.20,",
    "DB2201/T 5-2021,长春市 城市道路清扫规范,2021-01-02,2021-03-01,,,13.020,",
    "QC/T 29106-2014,汽车电线束技术条件,2014-10-14,2015-04-01,,,43.040.10,",
    "GB/T 7714-2015,信息与文献 参考文献著录规则,2015-05-15,2015-12-01,,,01.140.20,",
]
SECOND = [
    HEADER,
    # replaced: withdrawn, and the new edition names it
    "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,2024-12-01,,43.120,",
    "GB/T 30001-2024,电动自行车 通用技术条件,2024-06-01,2024-12-01,,GB/T 30001-2008,43.120,",
    # withdrawn without a date (a source's status word), no successor
    "DB22/T 1234-2020,人参种植技术规程,2020-01-02,2020-03-01,,,65.020.20,废止",
    # a title change (record changed), the title needing escapes in XML
    'QC/T 29106-2014,"汽车电线束技术条件 <试行> & 附录",2014-10-14,2015-04-01,,,43.040.10,',
    # the implementation date moved ahead (upcoming)
    "GB/T 7714-2015,信息与文献 参考文献著录规则,2015-05-15,2099-01-01,,,01.140.20,",
]


async def feed(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    answer = await client.get("/api/changes", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def walk(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """Every entry, one page of one at a time, following the cursors."""
    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        page = await feed(client, limit=1, **params, **({"cursor": cursor} if cursor else {}))
        seen += page["items"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return seen
    raise AssertionError("the feed never ended")


async def test_imports_become_typed_entries_a_subscriber_reads(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "one.csv", FIRST)
    first = await feed(client)
    assert [(e["type"], e["code"]) for e in first["items"]] == [
        ("new", "GB/T 30001-2008"), ("new", "DB22/T 1234-2020"), ("new", "DB2201/T 5-2021"),
        ("new", "QC/T 29106-2014"), ("new", "GB/T 7714-2015")]
    assert first["has_more"] is False
    one = first["items"][1]
    assert (one["level"], one["status"], one["region_code"], one["ics"], one["changes"],
            one["published_on"], one["implemented_on"]) == (
        "local", "current", "22", ["65.020.20"], [], "2020-01-02", "2020-03-01")

    second = await upload_catalogue(client, staff_headers, "two.csv", SECOND)
    assert second["created"] == 1
    later = await feed(client, cursor=first["next_cursor"])
    by_code = {e["code"]: e for e in later["items"]}
    assert [(e["type"], e["code"]) for e in later["items"]] == [
        ("new", "GB/T 30001-2024"), ("replaced", "GB/T 30001-2008"),
        ("withdrawn", "DB22/T 1234-2020"), ("record_changed", "QC/T 29106-2014"),
        ("upcoming", "GB/T 7714-2015")]
    assert by_code["GB/T 30001-2024"]["replaces"] == ["GB/T 30001-2008"]
    replaced = by_code["GB/T 30001-2008"]
    assert (replaced["replaced_by"], replaced["withdrawn_on"], replaced["status"]) == (
        ["GB/T 30001-2024"], "2024-12-01", "withdrawn")
    assert {"field": "withdrawn_on", "old": None, "new": "2024-12-01"} in replaced["changes"]
    withdrawn = by_code["DB22/T 1234-2020"]
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_on"] is None
    assert {"field": "withdrawn_without_date", "old": "false", "new": "true"} in \
        withdrawn["changes"]
    assert by_code["QC/T 29106-2014"]["changes"] == [
        {"field": "title_zh", "old": "汽车电线束技术条件",
         "new": "汽车电线束技术条件 <试行> & 附录"}]
    upcoming = by_code["GB/T 7714-2015"]
    assert (upcoming["implemented_on"], upcoming["status"]) == ("2099-01-01", "upcoming")
    shown = {c["field"] for e in later["items"] for c in e["changes"]}
    assert not {name for name in shown if name.startswith("extra.")
                or name in {"withdrawn_undated", "upcoming_undated", "status_text"}}, shown
    assert all(e["id"] and e["at"] for e in later["items"])
    assert len({e["id"] for e in first["items"] + later["items"]}) == 10

    # the saved cursor polls: nothing new, then exactly what the next import did
    quiet = await feed(client, cursor=later["next_cursor"])
    assert quiet == {"items": [], "next_cursor": later["next_cursor"], "has_more": False}
    await upload_catalogue(client, staff_headers, "three.csv", [
        HEADER, "DB2201/T 5-2021,长春市城市道路清扫规范,2021-01-02,2021-03-01,,,13.020,"])
    polled = await feed(client, cursor=later["next_cursor"])
    assert [(e["type"], e["code"]) for e in polled["items"]] == [
        ("record_changed", "DB2201/T 5-2021")]

    everything = await walk(client)
    assert [e["id"] for e in everything] == [
        e["id"] for e in first["items"] + later["items"] + polled["items"]]


@pytest.mark.parametrize(("params", "codes"), [
    ({"prefix": "DB22/T"}, ["DB22/T 1234-2020", "DB22/T 1234-2020"]),
    ({"prefix": "gb/t"}, ["GB/T 30001-2008", "GB/T 7714-2015", "GB/T 30001-2024",
                          "GB/T 30001-2008", "GB/T 7714-2015"]),
    ({"region": "22"}, ["DB22/T 1234-2020", "DB2201/T 5-2021", "DB22/T 1234-2020"]),
    ({"region": "220100"}, ["DB2201/T 5-2021"]),
    ({"ics": "43"}, ["GB/T 30001-2008", "QC/T 29106-2014", "GB/T 30001-2024",
                     "GB/T 30001-2008", "QC/T 29106-2014"]),
    ({"ics": "43.040"}, ["QC/T 29106-2014", "QC/T 29106-2014"]),
    ({"level": "industry"}, ["QC/T 29106-2014", "QC/T 29106-2014"]),
    ({"level": "national", "ics": "43.120"}, ["GB/T 30001-2008", "GB/T 30001-2024",
                                              "GB/T 30001-2008"]),
])
async def test_filters_and_cursors_under_them(
        client: httpx.AsyncClient, staff_headers: dict[str, str], params: dict[str, str],
        codes: list[str]) -> None:
    await upload_catalogue(client, staff_headers, "one.csv", FIRST)
    await upload_catalogue(client, staff_headers, "two.csv", SECOND)
    whole = await feed(client, **params)
    assert [e["code"] for e in whole["items"]] == codes
    paged = await walk(client, **params)
    assert [e["id"] for e in paged] == [e["id"] for e in whole["items"]]


async def test_since_old_cursors_and_refusals(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "one.csv", FIRST)
    await upload_catalogue(client, staff_headers, "retitle.csv", [
        HEADER, "DB2201/T 5-2021,长春市城市道路清扫规范,2021-01-02,2021-03-01,,,13.020,"])
    before = await feed(client)
    assert [e["type"] for e in before["items"]] == ["new"] * 5 + ["record_changed"]
    middle = dt.datetime.now(dt.UTC)
    await upload_catalogue(client, staff_headers, "two.csv", SECOND)
    recent = await feed(client, since=middle.isoformat())
    assert len(recent["items"]) == 5
    assert (await feed(client, since="2999-01-01"))["items"] == []
    # a cursor of the former feed (a change id): after that change, and after the standards
    # created before it (the former feed had no entries for new standards)
    old = await feed(client, cursor=before["items"][-1]["id"])
    assert [e["id"] for e in old["items"]] == [e["id"] for e in recent["items"]]
    for params, word in [({"since": "yesterday"}, "since="), ({"cursor": "42"}, "cursor="),
                         ({"cursor": "c1.x"}, "cursor="), ({"region": "2a"}, "region"),
                         ({"ics": "4"}, "ics"), ({"level": "cosmic"}, "level"),
                         ({"limit": "0"}, "limit")]:
        for path in ("/api/changes", "/api/changes.atom"):
            refused = await client.get(path, params=params)
            assert refused.status_code == 400, (path, params, refused.text)
            assert word in refused.json()["detail"], refused.json()


async def test_the_atom_feed_holds_the_same_entries_escaped(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "one.csv", FIRST)
    await upload_catalogue(client, staff_headers, "two.csv", SECOND)
    answer = await client.get("/api/changes.atom", params={"ics": "43", "limit": 4})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = etree.fromstring(answer.content, etree.XMLParser(resolve_entities=False))
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = root.findall("a:entry", ns)
    json_page = await feed(client, ics="43", limit=4)
    assert len(entries) == 4
    assert [e.find("a:category", ns).get("term") for e in entries] == [
        i["type"] for i in json_page["items"]]
    titles = [e.findtext("a:title", namespaces=ns) for e in entries]
    assert "[新标准] QC/T 29106-2014 汽车电线束技术条件 <试行> & 附录" in titles  # as it is now
    assert b"&lt;\xe8\xaf\x95\xe8\xa1\x8c&gt; &amp;" in answer.content  # escaped in the bytes
    replaced = next(e for e in entries if e.find("a:category", ns).get("term") == "replaced")
    assert "GB/T 30001-2024" in replaced.findtext("a:summary", namespaces=ns)
    next_link = root.find("a:link[@rel='next']", ns)
    assert next_link is not None and "ics=43" in next_link.get("href")
    rest = await client.get(next_link.get("href").removeprefix("http://testserver"))
    rest_entries = etree.fromstring(rest.content).findall("a:entry", ns)
    assert len(rest_entries) == 1 and rest.status_code == 200
    assert etree.fromstring(rest.content).find("a:link[@rel='next']", ns) is None


@pytest.mark.parametrize(("rows", "expected", "fields"), [
    ([("withdrawn_on", None, "2024-01-01")], ChangeType.WITHDRAWN, ["withdrawn_on"]),
    ([("replaced_by", None, "GB/T 2-2024")], ChangeType.REPLACED, ["replaced_by"]),
    ([("implemented_on", "2020-01-01", "2030-01-01")], ChangeType.UPCOMING,
     ["implemented_on"]),
    ([("implemented_on", "2030-01-01", "2020-01-01")], ChangeType.RECORD_CHANGED,
     ["implemented_on"]),
    ([("upcoming_undated", "false", "true")], ChangeType.UPCOMING, ["upcoming_without_date"]),
    ([("extra.stage", "50.00", "60.60"), ("extra.published_precision", None, "month")],
     ChangeType.RECORD_CHANGED, ["development_stage"]),
    ([("extra.plannumber", None, "20231234-T-469")], ChangeType.RECORD_CHANGED,
     ["source.plannumber"]),
    ([("title_zh", "a", "a")], None, []),  # a conflict decided for the stored value
    ([("status_text", "现行", "废止"), ("withdrawn_undated", "false", "true")],
     ChangeType.WITHDRAWN, ["source_status", "withdrawn_without_date"]),
])
def test_how_one_write_is_typed(rows: list[tuple[str, str | None, str | None]],
                                expected: ChangeType | None, fields: list[str]) -> None:
    kind, changes = classify([{"field": f, "old_value": o, "new_value": n} for f, o, n in rows],
                             dt.date(2026, 1, 1), has_successor=False)
    assert kind is expected and [c.field for c in changes] == fields


def test_a_withdrawal_with_a_successor_is_a_replacement() -> None:
    kind, _ = classify([{"field": "withdrawn_on", "old_value": None, "new_value": "2024-01-01"}],
                       dt.date(2026, 1, 1), has_successor=True)
    assert kind is ChangeType.REPLACED
    assert public_field("extra.withdrawn_precision") is None


async def test_one_write_of_one_standard_is_one_entry(
        client: httpx.AsyncClient, staff_headers: dict[str, str]) -> None:
    await upload_catalogue(client, staff_headers, "one.csv", [
        HEADER,
        "GB/T 30001-2024,电动自行车 通用技术条件,2024-06-01,2024-12-01,,,43.120,",
        "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,,,43.120,",
    ])
    start = (await feed(client))["next_cursor"]
    # the 2024 edition's title changes and it now names what it replaces (a relation the
    # import finds after every field): one entry, both changes
    await upload_catalogue(client, staff_headers, "two.csv", [
        HEADER,
        "GB/T 30001-2024,电动自行车通用技术条件,2024-06-01,2024-12-01,,GB/T 30001-2008,43.120,",
        "GB/T 30001-2008,电动自行车 通用技术条件,2008-05-01,2008-11-01,2024-12-01,,43.120,",
    ])
    page = await feed(client, cursor=start)
    assert [(e["type"], e["code"], [c["field"] for c in e["changes"]]) for e in page["items"]] == [
        ("record_changed", "GB/T 30001-2024", ["title_zh", "replaces"]),
        ("replaced", "GB/T 30001-2008", ["withdrawn_on"])]
    assert page["items"][1]["replaced_by"] == ["GB/T 30001-2024"]


@pytest.mark.parametrize("filters", [
    FeedFilters(prefix="DB22/T"), FeedFilters(region="22"), FeedFilters(ics="43"),
    FeedFilters(level=Level.NATIONAL, ics="43.120"), FeedFilters(region="31")])
async def test_narrow_and_broad_filters_read_the_same_entries(
        client: httpx.AsyncClient, staff_headers: dict[str, str], filters: FeedFilters) -> None:
    """A filter matching few standards reads their change-log rows; a broad one scans the log
    from the cursor: the same pages either way."""
    await upload_catalogue(client, staff_headers, "one.csv", FIRST)
    await upload_catalogue(client, staff_headers, "two.csv", SECOND)
    pages: dict[int, list[list[str]]] = {}
    for rare in (0, RARE):
        position, seen = FeedPosition(), []
        while True:
            page = await feed_page(filters, position, limit=2, rare=rare)
            seen.append([entry.id for entry in page.entries])
            position = page.position
            if not page.has_more:
                break
        pages[rare] = seen
    assert pages[0] == pages[RARE]
    found = sum(map(len, pages[0]))
    assert found == 0 if filters.region == "31" else found >= 2
