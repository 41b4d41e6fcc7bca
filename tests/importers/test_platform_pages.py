"""std.samr / openstd / hbba / ttbz pages: values checked against what the pages print."""

from __future__ import annotations

import datetime as dt

import pytest

from standards.vocab import AdoptionDegree, Nature, Status
from tests.importers.helpers import data, read

HTML = "relaton-gb/html/"


def test_samr_detail_gbt_20223_2018_replaces_the_2006_edition() -> None:
    result = read(data(HTML + "stdsamr_detail_GBT20223-2018.html"))
    assert result.format == "samr-html"
    assert result.source == "std.samr.gov.cn"
    record = result.one("GB/T 20223-2018")
    assert record.replaces == ["GB/T 20223-2006"]
    assert record.status is Status.CURRENT and record.status_text == "现行"
    assert record.nature is Nature.RECOMMENDED
    assert record.published_on == dt.date(2018, 3, 15)
    assert record.implemented_on == dt.date(2018, 5, 1)
    assert record.withdrawn_on is None
    assert record.ccs == "W10"
    assert record.ics == ["59.060.10"]
    assert record.title_zh == "棉短绒" and record.title_en == "Cotton linter"
    assert record.technical_committee == "全国纤维标准化技术委员会"
    assert record.department == "国家质量监督检验检疫总局"
    assert record.drafters == [
        "山东省纤维检验局",
        "山东省产品质量检验研究院",
        "山东雅美科技有限公司",
        "潍坊恒联特种纤维素科技有限公司",
    ]
    assert record.extra["技术委员会"] == "TC513"
    assert "于丽华" in record.extra["起草人"]


def test_samr_detail_gbt_20223_2006_is_withdrawn_with_its_dates() -> None:
    record = read(data(HTML + "stdsamr_detail_GBT20223-2006.html")).one("GB/T 20223-2006")
    assert record.status is Status.WITHDRAWN and record.status_text == "废止"
    assert record.published_on == dt.date(2006, 3, 10)
    assert record.implemented_on == dt.date(2006, 9, 1)
    assert record.withdrawn_on == dt.date(2018, 5, 1)
    assert record.ccs == "B32"
    # The page prints "59 纺织和皮革技术 59.060 纺织纤维 59.060.10 天然纤维" around the code.
    assert record.ics == ["59.060.10"]
    assert record.technical_committee == "中国纤维检验局"


@pytest.mark.parametrize(
    "page",
    [
        "stdsamr_detail_GBT5606.1-2004_v2018layout.html",
        "stdsamr_detail_GBT5606.1-2004_v2019layout.html",
    ],
)
def test_samr_detail_gbt_5606_1_2004_replaces_1996_in_both_layouts(page: str) -> None:
    record = read(data(HTML + page)).one("GB/T 5606.1-2004")
    assert record.replaces == ["GB/T 5606.1-1996"]
    assert record.partially_replaces == []
    assert record.ccs == "X87" and record.ics == ["65.160"]
    assert record.department == "国家烟草专卖局"
    assert record.implemented_on == dt.date(2005, 3, 1)


def test_samr_detail_keeps_the_source_oddity_of_gbt_5606_1_1996() -> None:
    record = read(data(HTML + "stdsamr_detail_GBT5606.1-1996.html")).one("GB/T 5606.1-1996")
    # 发布日期 1985 but 实施日期 1997: kept as printed, not "corrected".
    assert record.published_on == dt.date(1985, 11, 23)
    assert record.implemented_on == dt.date(1997, 1, 1)
    assert record.withdrawn_on == dt.date(2005, 3, 1)
    assert record.drafters == ["国家烟草专卖局科技司"]


def test_samr_detail_of_an_industry_standard_keeps_its_filing_number() -> None:
    record = read(data(HTML + "stdsamr_detail_JBT13368-2018.html")).one("JB/T 13368-2018")
    assert record.department == "工业和信息化部"
    assert record.extra["备案号"] == "61715-2018"
    assert record.extra["备案公告"] == "2018年第4号"
    assert record.ccs == "J83"
    assert record.ics == ["53.06"]  # truncated as the platform prints it
    assert record.extra["标签"] == "行业标准-JB 机械"


def test_hbba_detail_jbt_13368_2018() -> None:
    result = read(data(HTML + "hbba_detail_JBT13368-2018.html"))
    assert result.format == "hbba-html" and result.source == "hbba.sacinfo.org.cn"
    record = result.one("JB/T 13368-2018")
    assert record.department == "工业和信息化部"
    assert record.extra["备案号"] == "61715-2018"
    assert record.extra["备案日期"] == "2018-02-26"
    assert record.extra["制修订"] == "制定"
    assert record.implemented_on == dt.date(2018, 10, 1)
    assert (
        record.source_url == "http://hbba.sacinfo.org.cn/stdDetail/733d6a7744529f70673a12c464998ffc"
    )


def test_ttbz_detail_t_gzaepi_001_2018() -> None:
    result = read(data(HTML + "ttbz_detail_T-GZAEPI001-2018.html"))
    assert result.format == "ttbz-html" and result.source == "ttbz.org.cn"
    record = result.one("T/GZAEPI 001—2018")  # the em dash as printed
    assert record.published_on == dt.date(2018, 5, 8)  # printed 2018年05月08日
    assert record.implemented_on == dt.date(2018, 7, 1)
    assert record.ccs == "Y68"
    # The CCS cell also prints "ICS 97.040.99"; the ICS cell carries a Chinese caption.
    assert record.ics == ["13.020.01", "97.040.99"]
    assert record.drafters[:2] == ["广州市环境技术中心", "广州环境保护产业协会"]
    assert len(record.drafters) == 14
    assert record.technical_committee == "广州环境保护产业协会"
    assert record.scope is not None and record.scope.startswith("本标准规定了环保型家用吸油烟机")
    assert record.extra["国民经济分类"] == "C385 家用电力器具制造"
    assert record.source_url == "http://www.ttbz.org.cn/StandardManage/Detail/22746"


def test_openstd_detail_gbt_1_1_2000_carries_the_adoption_flag() -> None:
    result = read(data(HTML + "openstd_detail_GBT1.1-2000.html"))
    assert result.format == "openstd-html"
    record = result.one("GB/T 1.1-2000")
    assert record.status is Status.WITHDRAWN
    assert len(record.adopts) == 1
    flag = record.adopts[0]
    assert flag.code == "" and flag.degree is None and flag.marker == "采"
    assert record.extra["采标"] == "采"
    assert record.ccs == "A00" and record.ics == ["01.120"]
    assert record.source_url is not None and record.source_url.endswith(
        "hcno=847191101089628341120D62AEFC29A1"
    )


def test_openstd_detail_reads_replacement_from_the_remark() -> None:
    record = read(data(HTML + "openstd_detail_GBT5606.1-2004.html")).one("GB/T 5606.1-2004")
    assert record.replaces == ["GB/T 5606.1-1996"]
    assert record.extra["备注"] == "2005-03-01实施,代替GB/T 5606.1-1996"
    assert record.adopts == []


def test_openstd_list_gives_three_editions_of_gbt_1_1() -> None:
    result = read(data(HTML + "openstd_list_GBT1.1.html"))
    assert [r.code for r in result.records] == ["GB/T 1.1-2000", "GB/T 1.1-2009", "GB/T 1.1-2020"]
    assert result.outcomes[0].location == "openstd_list_GBT1.1.html:row 1"
    first, _, latest = result.records
    assert first.adopts[0].marker == "采" and latest.adopts == []
    assert latest.status is Status.CURRENT and latest.nature is Nature.RECOMMENDED  # 推标
    assert latest.implemented_on == dt.date(2020, 10, 1)


def test_samr_search_pages_give_several_records_and_reject_plan_projects() -> None:
    result = read(data(HTML + "stdsamr_search_GBT20223.html"))
    assert [r.code for r in result.records] == [
        "GB/T 20223-2018",
        "GB/T 20223-2006",
        "NB/T 20223-2013",
    ]
    assert len(result.rejected) == 7
    for outcome in result.rejected:
        assert "standardization plan project (国标计划" in (outcome.reason or "")
        assert "not a published standard" in (outcome.reason or "")
    produced = [o.reason for o in result.rejected if "GB/T 24283-2018" in (o.reason or "")]
    assert len(produced) == 1
    industry = result.one("NB/T 20223-2013")
    assert industry.ics == ["27.120.99"] and industry.ccs == "F23"
    assert industry.extra["所属行业"] == "NB 能源"


def test_samr_search_mixing_national_industry_and_local_standards() -> None:
    result = read(data(HTML + "stdsamr_search_GB2023.html"))
    assert len(result.records) == 10 and not result.rejected
    assert result.one("GB 2023-2003").status is Status.WITHDRAWN
    jilin = result.one("DB22/T 2023-2014")
    assert jilin.ccs == "B05"  # printed "B 05"
    assert jilin.extra["所属地区"] == "吉林"
    assert result.one("LY/T 2023-2012").ics == []  # empty ICS cell
    assert result.one("GB 2023-2003").source_url == (
        "http://www.std.gov.cn/gb/search/gbDetailed?id=71F772D79BEFD3A7E05397BE0A0AB82A"
    )


def test_samr_search_gbt_5606_1() -> None:
    result = read(data(HTML + "stdsamr_search_GBT5606.1.html"))
    assert len(result.records) == 10
    old = result.one("GB/T 5606.1-1996")
    assert old.status is Status.WITHDRAWN and old.title_en == "Cigarettes--Sampling"


def test_every_page_reads_without_rejections_except_plan_rows() -> None:
    for page in sorted((data(HTML + "hbba_detail_JBT13368-2018.html").parent).glob("*.html")):
        result = read(page)
        assert result.records, page.name
        reasons = [o.reason for o in result.rejected]
        assert all("plan project" in (r or "") for r in reasons), (page.name, reasons)


def test_adoption_degree_words_in_search_plan_rows_are_understood() -> None:
    # Plan rows are rejected, but the same 采标关系 text in a page row is mapped.
    from importers.mapping import parse_adoption_text

    refs = parse_adoption_text("等同  ISO/TS 9002")
    assert refs[0].code == "ISO/TS 9002" and refs[0].degree is AdoptionDegree.IDT


@pytest.mark.parametrize("layout", ["section", "pair"])
def test_a_page_listing_normative_references_gives_them(tmp_path, layout: str) -> None:  # type: ignore[no-untyped-def]
    """The real GB/T 20223-2018 page with a 规范性引用文件 block added, as a section of its own
    or as one more label of the basic-information list."""
    page = data(HTML + "stdsamr_detail_GBT20223-2018.html").read_text(encoding="utf-8")
    if layout == "section":
        block = ('<div class="para-title"><h2 class="title-text">规范性引用文件</h2></div>'
                 '<div><ul><li>GB/T 6097 棉纤维试验取样方法</li>'
                 '<li>GB/T 6103-2006 原棉疵点试验方法 手工法</li></ul></div>\n')
        page = page.replace('<div class="para-title">\n\t\t\t\t\t<h2 class="title-text">基础信息',
                            block + '<div class="para-title">\n\t\t\t\t\t'
                            '<h2 class="title-text">基础信息', 1)
    else:
        pair = ('<dt class="basicInfo-item name">规范性引用文件</dt>'
                '<dd class="basicInfo-item value">GB/T 6097；GB/T 6103-2006</dd>\n')
        page = page.replace('<dt class="basicInfo-item name">全部代替标准</dt>',
                            pair + '<dt class="basicInfo-item name">全部代替标准</dt>', 1)
    path = tmp_path / "stdsamr_detail_GBT20223-2018.html"
    path.write_text(page, encoding="utf-8")
    record = read(path).one("GB/T 20223-2018")
    assert record.references == ["GB/T 6097", "GB/T 6103-2006"]
    assert record.replaces == ["GB/T 20223-2006"]
