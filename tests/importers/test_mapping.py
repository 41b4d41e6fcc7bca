"""The mapping's value rules: dates, ICS/CCS, adoption statements, relations, statuses."""

from __future__ import annotations

import datetime as dt

import pytest

from importers.errors import MappingError
from importers.mapping import (
    adoptions_from_identifier,
    adoptions_in_code,
    clean_ccs,
    clean_ics,
    map_record,
    parse_adoption_text,
    parse_date,
)
from importers.profiles import PROFILES
from importers.schemas import RawRecord
from standards.schemas import StandardInput
from standards.vocab import AdoptionDegree, Status


@pytest.mark.parametrize(
    ("value", "expected", "precision"),
    [
        ("2019-05-01", dt.date(2019, 5, 1), "day"),
        ("2019-5-1", dt.date(2019, 5, 1), "day"),
        ("2019/05/01", dt.date(2019, 5, 1), "day"),
        ("2019.5.1", dt.date(2019, 5, 1), "day"),
        ("2019年5月1日", dt.date(2019, 5, 1), "day"),
        ("2018年05月08日", dt.date(2018, 5, 8), "day"),
        ("20190501", dt.date(2019, 5, 1), "day"),
        ("2018-05-11 09:53:12", dt.date(2018, 5, 11), "day"),
        ("2015-09", dt.date(2015, 9, 1), "month"),
        ("2015年9月", dt.date(2015, 9, 1), "month"),
        ("2011", dt.date(2011, 1, 1), "year"),
        (dt.datetime(2019, 5, 1, 0, 0), dt.date(2019, 5, 1), "day"),
        (dt.date(2019, 5, 1), dt.date(2019, 5, 1), "day"),
        (43586, dt.date(2019, 5, 1), "day"),  # Excel serial
        (1538323200000, dt.date(2018, 10, 1), "day"),  # epoch ms, China time
    ],
)
def test_date_forms(value: object, expected: dt.date, precision: str) -> None:
    parsed = parse_date(value, "published")
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (expected, precision)


@pytest.mark.parametrize("value", [None, "", "无", " - ", "N/A"])
def test_empty_dates(value: object) -> None:
    assert parse_date(value, "published") is None


@pytest.mark.parametrize("value", ["2019-02-30", "yesterday", "19-5-1", "2019-13-01", "0201-01-01"])
def test_bad_dates_name_the_field_and_value(value: str) -> None:
    with pytest.raises(MappingError) as bad:
        parse_date(value, "implemented")
    assert bad.value.field == "implemented"
    assert repr(value) in bad.value.reason


def test_ics_captions_and_hierarchies() -> None:
    assert clean_ics("59 纺织和皮革技术 59.060 纺织纤维 59.060.10 天然纤维") == ["59.060.10"]
    assert clean_ics(["13.020.01  环境和环境保护综合"]) == ["13.020.01"]
    assert clean_ics(["03.120.10", "03.100.70", "03.120.10"]) == ["03.120.10", "03.100.70"]
    assert clean_ics(["59", "59.060", "60"]) == ["59.060", "60"]
    assert clean_ics("53.06") == ["53.06"]
    with pytest.raises(MappingError) as bad:
        clean_ics("纺织")
    assert bad.value.field == "ics" and "纺织" in bad.value.reason


def test_ccs_forms() -> None:
    assert clean_ccs("Q 34") == ("Q34", [])
    assert clean_ccs("w10") == ("W10", [])
    assert clean_ccs("Y68       ICS 97.040.99") == ("Y68", ["97.040.99"])
    assert clean_ccs("无") == (None, [])
    with pytest.raises(MappingError):
        clean_ccs("65.140")


@pytest.mark.parametrize(
    ("text", "code", "degree"),
    [
        ("ISO 9001:2015, IDT", "ISO 9001:2015", AdoptionDegree.IDT),
        ("等同 ISO/TS 9002", "ISO/TS 9002", AdoptionDegree.IDT),
        ("非等效 ISO/IWA4:2008", "ISO/IWA4:2008", AdoptionDegree.NEQ),
        ("修改采用 IEC 60335-1:2020", "IEC 60335-1:2020", AdoptionDegree.MOD),
        ("ISO 6892-1:2019 (MOD)", "ISO 6892-1:2019", AdoptionDegree.MOD),
        ("idt ISO 1234:1990", "ISO 1234:1990", AdoptionDegree.IDT),
        ("eqv ISO 5678:1985", "ISO 5678:1985", AdoptionDegree.EQV),
        ("ASTM D1234-19", "ASTM D1234-19", None),
    ],
)
def test_adoption_statements(text: str, code: str, degree: AdoptionDegree | None) -> None:
    [ref] = parse_adoption_text(text)
    assert (ref.code, ref.degree) == (code, degree)


def test_several_adoption_statements_and_the_flag() -> None:
    refs = parse_adoption_text("ISO 1:2000, IDT; IEC 2:2001, MOD")
    assert [(r.code, r.degree) for r in refs] == [
        ("ISO 1:2000", AdoptionDegree.IDT),
        ("IEC 2:2001", AdoptionDegree.MOD),
    ]
    [flag] = parse_adoption_text("采")
    assert (flag.code, flag.degree, flag.marker) == ("", None, "采")
    with pytest.raises(MappingError):
        parse_adoption_text("IDT")


def test_adoptions_printed_in_codes() -> None:
    [double] = adoptions_in_code("GB/T 19001-2016/ISO 9001:2015")
    assert (double.code, double.degree, double.marker) == (
        "ISO 9001:2015",
        AdoptionDegree.IDT,
        "double number",
    )
    [cover] = adoptions_in_code("GB/T 228.1-2021 (ISO 6892-1:2019, MOD)")
    assert (cover.code, cover.degree) == ("ISO 6892-1:2019", AdoptionDegree.MOD)
    assert adoptions_in_code("GB/T 20223-2018") == []


def test_stacked_european_identifiers() -> None:
    refs = adoptions_from_identifier("DIN EN ISO 13849-1:2008-12", None)
    assert [(r.code, r.degree, r.marker) for r in refs] == [
        ("EN ISO 13849-1", AdoptionDegree.IDT, "DIN"),
        ("ISO 13849-1", AdoptionDegree.IDT, "DIN EN"),
    ]
    assert adoptions_from_identifier("ISO 9001:2015", None) == []
    assert adoptions_from_identifier("EN 60335-1:2012", None) == []


def _map(profile: str, **fields: object) -> StandardInput:
    return map_record(RawRecord("t.csv:row 2", dict(fields)), PROFILES[profile], "test")


def test_double_number_in_a_catalogue_row_becomes_an_adoption() -> None:
    record = _map("tabular", code="GB/T 19001-2016/ISO 9001:2015", status="现行")
    assert record.code == "GB/T 19001-2016/ISO 9001:2015"  # as printed
    assert [(a.code, a.degree) for a in record.adopts] == [("ISO 9001:2015", AdoptionDegree.IDT)]


def test_relation_directions_of_compact_records() -> None:
    record = _map(
        "relaton-compact",
        id="ISO 1000:1992",
        stage="95.99",
        obsoletes=["ISO 1000:1981", "ISO/DIS 1000"],
        updated_by=["ISO 80000-1:2009", "ISO 1000:1992/Amd 1:1998", "ISO/CD 80000-1", "ISO 1001"],
    )
    assert record.status is Status.WITHDRAWN
    assert record.replaces == ["ISO 1000:1981"]
    assert record.replaced_by == ["ISO 80000-1:2009"]
    assert record.extra["amended_by"] == "ISO 1000:1992/Amd 1:1998"
    assert record.extra["in_progress"] == "ISO/CD 80000-1; ISO 1001"


@pytest.mark.parametrize(
    ("stage", "reason"),
    [
        (
            "40.20",
            "ISO/DIS 1234 is under development (stage 40.20, enquiry), not a published standard",
        ),
        ("60.00", "ISO/DIS 1234 is under publication (stage 60.00), not yet a published standard"),
    ],
)
def test_unpublished_iso_stages_are_rejected(stage: str, reason: str) -> None:
    with pytest.raises(MappingError) as rejected:
        _map("relaton-compact", id="ISO/DIS 1234", stage=stage)
    assert rejected.value.reason == reason


@pytest.mark.parametrize(
    ("stage", "status"),
    [
        ("60.60", Status.CURRENT),
        ("90.93", Status.CURRENT),
        ("95.60", Status.CURRENT),
        ("95.99", Status.WITHDRAWN),
    ],
)
def test_published_iso_stages(stage: str, status: Status) -> None:
    assert _map("relaton-compact", id="ISO 1:2000", stage=stage).status is status


def test_status_words_per_source() -> None:
    assert _map("tabular", code="GB 1-2000", status="部分被代替").status is Status.CURRENT
    assert _map("tabular", code="GB 1-2000", status="作废").status is Status.WITHDRAWN
    assert _map("tabular", code="GB 1-2000", status="Withdrawn").status is Status.WITHDRAWN
    assert _map("relaton-gb", code="GB 1-2000", status="published").status is Status.UPCOMING
    assert _map("relaton", code="BS 1:2000", status="Published").status is Status.CURRENT
    unknown = _map("tabular", code="GB 1-2000", status="修订中")
    assert unknown.status is None and unknown.status_text == "修订中"
