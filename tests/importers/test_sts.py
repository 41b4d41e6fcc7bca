"""NISO STS and ISO STS metadata blocks."""

from __future__ import annotations

import datetime as dt

from standards.vocab import AdoptionDegree
from tests.importers.helpers import data, read


def test_din_en_iso_13849_1_adopts_en_iso_and_iso() -> None:
    result = read(data("sts-samples/nisosts_DIN_EN_ISO_13849-1_2008-12_en.xml"))
    assert result.format == "sts-xml"
    assert [r.code for r in result.records] == [
        "DIN EN ISO 13849-1:2008-12",
        "EN ISO 13849-1:2008-06",
        "ISO 13849-1:2006-11",
    ]
    din = result.one("DIN EN ISO 13849-1:2008-12")
    assert [(a.code, a.degree) for a in din.adopts] == [
        ("EN ISO 13849-1:2008-06", AdoptionDegree.IDT),
        ("ISO 13849-1:2006-11", AdoptionDegree.IDT),
    ]
    assert din.replaces == ["DIN EN ISO 13849-1:2007-07"]
    assert din.implemented_on == dt.date(2008, 12, 1)  # "This standard takes effect on ..."
    assert din.ics == ["13.110"]
    assert result.outcomes[0].location.endswith(":/adoption/adoption-front/std-meta")
    regional = result.one("EN ISO 13849-1:2008-06")
    assert [a.code for a in regional.adopts] == ["ISO 13849-1:2006-11"]
    assert regional.replaces == ["EN ISO 13849-1:2006"]
    assert result.one("ISO 13849-1:2006-11").adopts == []


def test_iso_sts_iso_meta_sample() -> None:
    record = read(data("sts-samples/isosts_v1_Samp1.xml")).one("ISO 2560:2009")
    # The sample uses HTML entity names from its DTD (&mdash;, &Eacute;); read without the DTD.
    assert record.title_en == (
        "Welding consumables — Covered electrodes for manual metal arc welding of non-alloy "
        "and fine grain steels — Classification"
    )
    assert record.extra["title_fr"].startswith("Produits consommables pour le soudage — Électrodes")
    assert record.published_on == dt.date(2009, 5, 30)
    assert record.technical_committee == "ISO/TC 44/SC 3"
    assert record.ics == ["25.160.20"]


def test_nat_meta_and_reg_meta_samples() -> None:
    nat = read(data("sts-samples/isosts_v1_nat-meta.xml")).one("ISO 123456:2009")
    assert nat.extra["sts_block"] == "nat-meta" and nat.extra["originator"] == "NEN"
    assert nat.replaces == ["ISO 123456:2004"]
    reg = read(data("sts-samples/isosts_v1_reg-meta.xml")).one("ISO 123456:2009")
    assert reg.extra["work_item"] == "12345"


def test_empty_metadata_templates_are_rejected_with_a_reason() -> None:
    result = read(data("sts-samples/isosts_v1_meta-mixes_ok_2.xml"))
    assert result.records == []
    assert [o.reason for o in result.rejected] == [
        "<iso-meta> carries no identifier (an empty metadata template), not a standard record",
        "<reg-meta> carries no identifier (an empty metadata template), not a standard record",
        "<reg-meta> carries no identifier (an empty metadata template), not a standard record",
        "<nat-meta> carries no identifier (an empty metadata template), not a standard record",
    ]


def test_nat_meta_xref_with_a_degree_is_an_adoption(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = data("sts-samples/isosts_v1_nat-meta.xml").read_text(encoding="utf-8")
    text = text.replace(
        '<std-xref type="replaces">\n        <std-ref>ISO 123456:2004</std-ref>',
        '<std-xref type="MOD">\n        <std-ref>ISO 123456:2004</std-ref>',
    )
    path = tmp_path / "nat.xml"
    path.write_text(text, encoding="utf-8")
    record = read(path).one("ISO 123456:2009")
    assert [(a.code, a.degree) for a in record.adopts] == [("ISO 123456:2004", AdoptionDegree.MOD)]


def test_normative_references_belong_to_the_document_whose_body_lists_them() -> None:
    result = read(data("sts-samples/nisosts_DIN_EN_ISO_13849-1_2008-12_en.xml"))
    iso = result.one("ISO 13849-1:2006-11")
    # clause 2 of the body: dated and undated references, as printed
    assert iso.references == ["ISO 12100-1:2003", "ISO 12100-2:2003", "ISO 13849-2:2003",
                              "ISO 14121", "IEC 60050-191:1990", "IEC 61508-3:1998",
                              "IEC 61508-4:1998"]
    # the national and regional wrappers cite them through their adoption, not themselves
    assert result.one("DIN EN ISO 13849-1:2008-12").references == []
    assert result.one("EN ISO 13849-1:2008-06").references == []


_CHINESE_STS = """<?xml version="1.0" encoding="UTF-8"?>
<standard xml:lang="zh">
  <front>
    <nat-meta originator="SAC">
      <title-wrap xml:lang="zh"><full>示例 包装 要求</full></title-wrap>
      <std-ref type="dated">DB22/T 3001-2021</std-ref>
    </nat-meta>
  </front>
  <body>
    <sec id="sec-1"><label>1</label><title>范围</title>
      <p>本文件规定了 GB/T 4000-2020 以外的要求。</p></sec>
    <sec id="sec-2">
      <label>2</label><title>规范性引用文件</title>
      <p>下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。</p>
      <p>GB/T 191　包装储运图示标志</p>
      <p>GB/T 19O01-2016　质量管理体系 要求</p>
      <p>DB22/T 1234-2019、GB/T 6543-2008　运输包装用单瓦楞纸箱和双瓦楞纸箱</p>
    </sec>
  </body>
</standard>
"""


def test_a_references_clause_without_a_list_is_read_from_its_paragraphs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "db22.xml"
    path.write_text(_CHINESE_STS, encoding="utf-8")
    result = read(path)
    record = result.one("DB22/T 3001-2021")
    # the scope's GB/T 4000-2020 is no normative reference; the misprinted code is reported
    assert record.references == ["GB/T 191", "DB22/T 1234-2019", "GB/T 6543-2008"]
    notes = result.outcomes[0].notes
    assert [(n.field, n.value) for n in notes] == [("references", "GB/T 19O01-2016")]
    assert "编号有误" in notes[0].reason
