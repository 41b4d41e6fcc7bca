"""GB/T 2260 region codes: real Jilin and Jiangsu codes pass, mutated ones name the value."""

from __future__ import annotations

import pytest

from adoption.errors import InvalidFieldError
from adoption.regions import city_of, describe, normalize_region, province_of, region_names


@pytest.mark.parametrize(("code", "name"), [
    ("220000", "吉林省"),
    ("220102", "南关区"),
    ("220202", "昌邑区"),
    ("222401", "延吉市"),
    ("220381", "公主岭市"),  # before it moved to 长春
    ("220184", "公主岭市"),  # after
    ("320000", "江苏省"),
    ("320102", "玄武区"),
    ("320583", "昆山市"),
    ("321200", "泰州市"),
])
def test_real_codes(code: str, name: str) -> None:
    assert normalize_region(code) == code
    assert region_names()[code] == name


def test_numbers_and_full_width_digits() -> None:
    assert normalize_region(220102) == "220102"
    assert normalize_region("２２０１０２") == "220102"


@pytest.mark.parametrize("raw", [
    "220199",  # no such county in 长春
    "229900",
    "320571",  # 苏州工业园区: a statistical code, not GB/T 2260
    "990000",
    "000000",
])
def test_codes_not_in_gb2260(raw: str) -> None:
    with pytest.raises(InvalidFieldError) as caught:
        normalize_region(raw)
    assert caught.value.field == "region_code" and caught.value.value == raw
    assert "GB/T 2260" in str(caught.value) and raw in str(caught.value)


@pytest.mark.parametrize("raw", ["2201", "2201020", "22O102", ""])
def test_malformed_codes(raw: str) -> None:
    with pytest.raises(InvalidFieldError, match="6"):
        normalize_region(raw)


def test_province_city_and_names() -> None:
    assert (province_of("220102"), city_of("220102"), city_of("220000")) == (
        "220000", "220100", "220000")
    assert describe("220102") == "吉林省 长春市 南关区"
    assert describe("320500") == "江苏省 苏州市"
    assert describe("220000") == "吉林省"
    jilin = [code for code in region_names() if code.startswith("22")]
    jiangsu = [code for code in region_names() if code.startswith("32")]
    assert len(jilin) > 60 and len(jiangsu) > 100
