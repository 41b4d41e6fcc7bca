"""Relaton XML and YAML of GB, ISO, IEC, BSI, CEN and JIS items."""

from __future__ import annotations

import datetime as dt

from standards.vocab import AdoptionDegree, Nature, Status
from tests.importers.helpers import data, read


def test_relaton_gb_xml_withdrawn_edition() -> None:
    result = read(data("relaton-gb/relaton/gbt_20223_2006.xml"))
    assert result.format == "relaton-xml"
    record = result.one("GB/T 20223-2006")
    assert result.outcomes[0].location == "gbt_20223_2006.xml:/bibdata"
    assert record.status is Status.WITHDRAWN and record.status_text == "obsoleted"
    assert record.nature is Nature.RECOMMENDED
    assert record.ccs == "B32" and record.ics == ["59.060.10"]
    assert record.published_on == dt.date(2006, 3, 10)
    assert record.source_url and "openstd.samr.gov.cn" in record.source_url


def test_relaton_gb_group_standard_gets_no_mandatory_nature() -> None:
    record = read(data("relaton-gb/relaton/tgzaepi_001_2018.xml")).one("T/GZAEPI 001—2018")
    # relaton-gb writes gbmandate "mandatory" for this group standard; group standards are
    # voluntary, so no nature is claimed.
    assert record.nature is None
    assert record.ccs == "Y68" and record.technical_committee == "广州环境保护产业协会"


def test_relaton_all_parts_item_yields_its_dated_instance() -> None:
    result = read(data("relaton-gb/relaton/gbt_5606_2004_all_parts.xml"))
    assert [r.code for r in result.records] == ["GB/T 5606.1-2004"]
    assert result.outcomes[0].location.endswith(":/bibitem/relation/bibitem")


def test_relaton_gb_yaml_joins_the_split_identifier() -> None:
    result = read(data("relaton-gb/relaton/gb_bib_item.yml"))
    assert result.format == "relaton-yaml"
    record = result.one("JB/T13368")  # docid type JB + id T13368, undated as the item is
    assert record.ccs == "J83" and record.ics == ["53.060"]
    assert record.title_en == "Forklift attachment"


def test_bsi_bs_en_iso_8848_adopts_iso_8848() -> None:
    record = read(data("relaton-foreign/bsi_BS-EN-ISO-8848.xml")).one("BS EN ISO 8848:2022")
    adopted = {ref.code: ref for ref in record.adopts}
    assert adopted["ISO 8848"].degree is AdoptionDegree.IDT
    assert "EN ISO 8848" in adopted
    assert record.status is Status.CURRENT
    assert record.published_on == dt.date(2022, 8, 31)
    assert record.ics == ["47.080"]
    assert record.extra["ISBN"] == "978 0 539 18833 2"
    assert record.scope and record.scope.startswith("1 Scope This document specifies")


def test_cen_iso_ts_21003_7_adopts_the_iso_ts_and_replaces_its_predecessors() -> None:
    record = read(data("relaton-foreign/cen_CEN-ISO-TS-21003-7.xml")).one("CEN ISO/TS 21003-7:2019")
    assert [(r.code, r.degree) for r in record.adopts] == [
        ("ISO/TS 21003-7:2019", AdoptionDegree.IDT)
    ]
    assert record.replaces == ["CEN ISO/TS 21003-7:2008/A1:2010", "CEN ISO/TS 21003-7:2008"]
    assert record.ics == ["23.040.20", "91.140.60"]
    assert record.published_on == dt.date(2019, 5, 29)  # the "issued" date
    assert record.extra["date_announced"] == "2019-08-31"


def test_iso_yaml_relations_read_in_the_right_direction() -> None:
    old = read(data("relaton-foreign/raw_yaml/iso-13849-1-2006.yaml")).one("ISO 13849-1:2006")
    assert old.status is Status.WITHDRAWN and old.status_text == "95.99"
    assert old.replaces == ["ISO 13849-1:1999"]
    assert old.replaced_by == ["ISO 13849-1:2015"]
    assert old.extra["amended_by"] == "ISO 13849-1:2006/Cor 1:2009"
    assert old.published_on == dt.date(2006, 11, 1)
    assert old.extra["published_precision"] == "month"

    current = read(data("relaton-foreign/raw_yaml/iso-9001-2015.yaml")).one("ISO 9001:2015")
    assert current.status is Status.CURRENT
    # The ISO/CD 9001.2 draft it "obsoletes" is an earlier stage of itself, not an edition.
    assert current.replaces == ["ISO 9001:2008", "ISO 9001:2008/Cor 1:2009"]
    assert current.replaced_by == []
    assert current.extra["amended_by"] == "ISO 9001:2015/Amd 1:2024"
    assert current.technical_committee == "ISO/TC 176/SC 2"
    assert current.extra["title_fr"] == "Systèmes de management de la qualité - Exigences"


def test_iec_and_jis_yaml_statuses() -> None:
    iec = read(data("relaton-foreign/raw_yaml/iec_60335-1_2020.yaml")).one("IEC 60335-1:2020")
    assert iec.status is Status.CURRENT and iec.status_text == "PUBLISHED"
    assert iec.ics == ["13.120", "97.030"]
    assert iec.extra["date_stable-until"] == "2028-12-31"
    jis = read(data("relaton-foreign/raw_yaml/JIS_Q_9001_2015.yaml")).one("JIS Q 9001:2015")
    assert jis.status is Status.CURRENT
    assert jis.published_on == dt.date(2015, 11, 20)
    assert jis.extra["title_ja"] == "品質マネジメントシステム―要求事項"


def test_every_relaton_sample_reads_without_rejection() -> None:
    folders = [
        data("relaton-gb/relaton/gbt_20223_2006.xml").parent,
        data("relaton-foreign/bsi_BS-EN-ISO-8848.xml").parent,
    ]
    paths = [
        p for folder in folders for p in folder.rglob("*") if p.suffix in (".xml", ".yaml", ".yml")
    ]
    paths = [p for p in paths if p.name != "prefixes.yaml"]
    assert len(paths) == 16
    for path in paths:
        result = read(path)
        assert len(result.records) == 1 and not result.rejected, path.name


def test_a_cites_relation_is_a_normative_reference(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = data("relaton-foreign/raw_yaml/iso-13849-1-2006.yaml").read_text(encoding="utf-8")
    cites = ("relation:\n- type: cites\n  bibitem:\n    formattedref:\n      content: "
             "ISO 12100-1:2003\n    docid:\n    - id: ISO 12100-1:2003\n      type: ISO\n")
    path = tmp_path / "cites.yaml"
    path.write_text(text.replace("relation:\n", cites, 1), encoding="utf-8")
    record = read(path).one("ISO 13849-1:2006")
    assert record.references == ["ISO 12100-1:2003"]
    assert record.replaces == ["ISO 13849-1:1999"]  # the other relations are read as before
