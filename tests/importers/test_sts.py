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
