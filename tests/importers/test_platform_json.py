"""JSON search responses of std.samr and hbba."""

from __future__ import annotations

import datetime as dt

from standards.vocab import Nature, Status
from tests.importers.helpers import data, read


def test_samr_search_json_cleans_highlight_tags_and_keeps_filing_data() -> None:
    result = read(data("relaton-gb/json/stdsamr_search_JBT13368-2018.json"))
    assert result.format == "samr-json" and result.source == "std.samr.gov.cn"
    assert len(result.records) == 5 and not result.rejected
    record = result.one("JB/T 13368-2018")
    assert record.department == "工业和信息化部"
    assert record.extra["备案号"] == "61715-2018"
    assert record.extra["备案公告"] == "2018年第4号"
    assert record.nature is Nature.RECOMMENDED and record.status is Status.CURRENT
    assert record.published_on == dt.date(2018, 2, 9)
    assert record.implemented_on == dt.date(2018, 10, 1)
    assert record.ccs == "J83" and record.ics == ["53.06"]
    assert record.source_url == (
        "http://www.std.gov.cn/hb/search/stdHBDetailed?id=6BC3AD94A1728ABCE05397BE0A0A5667"
    )
    assert result.outcomes[0].location == "stdsamr_search_JBT13368-2018.json:/rows/0"


def test_samr_search_json_reads_revised_standards() -> None:
    result = read(data("relaton-gb/json/stdsamr_search_JBT13368-2018.json"))
    revised = result.one("JB/T 10750-2018")
    # REVISE_STD_CODES is printed "JB/T 10750-2007、 JB/T 10751-2007".
    assert revised.replaces == ["JB/T 10750-2007", "JB/T 10751-2007"]
    assert revised.extra["制修订"] == "修订"


def test_hbba_json_epoch_milliseconds_are_china_dates() -> None:
    result = read(data("relaton-gb/json/hbba_stdQueryList_JBT13368-2018.json"))
    assert result.format == "hbba-json" and result.source == "hbba.sacinfo.org.cn"
    record = result.one("JB/T 13368-2018")
    # actDate 1538323200000 is 2018-09-30T16:00Z, i.e. 2018-10-01 in UTC+8.
    assert record.implemented_on == dt.date(2018, 10, 1)
    assert record.published_on == dt.date(2018, 2, 9)
    assert record.extra["备案日期"] == "2018-02-26"
    assert record.extra["备案号"] == "61715-2018"
    assert record.department == "工业和信息化部"
    assert record.status is Status.CURRENT
