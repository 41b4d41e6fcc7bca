"""GB/T 2260 administrative division codes (6 digits: province, city, county), from the Ministry
of Civil Affairs table bundled in adoption/data (see its PROVENANCE.md)."""

from __future__ import annotations

import csv
import unicodedata
from functools import cache
from pathlib import Path

from adoption.errors import InvalidFieldError

DATA = Path(__file__).resolve().parent / "data"
TABLES = ("gb2260_mca_201904.csv", "gb2260_later.csv")


@cache
def region_names() -> dict[str, str]:
    """Every known 6-digit code and its name."""
    names: dict[str, str] = {}
    for table in TABLES:
        with (DATA / table).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                names[row["code"]] = row["name"]
    return names


def region_name(code: str) -> str | None:
    return region_names().get(code)


def normalize_region(raw: str | int, field: str = "region_code") -> str:
    """A GB/T 2260 code as six digits.

    Raises:
        InvalidFieldError: not six digits, or no such code in GB/T 2260 (statistical codes
            such as 320571 苏州工业园区 are not division codes).
    """
    text = "".join(unicodedata.normalize("NFKC", str(raw)).split())
    if len(text) != 6 or not text.isdigit():
        raise InvalidFieldError(field, raw,
                                "行政区划代码应为 6 位数字 is not a 6-digit GB/T 2260 code")
    if text not in region_names():
        raise InvalidFieldError(field, raw, "不是 GB/T 2260 行政区划代码 is not a GB/T 2260 "
                                "administrative division code")
    return text


def province_of(code: str) -> str:
    """``220102`` -> ``220000``."""
    return f"{code[:2]}0000"


def city_of(code: str) -> str:
    """``220102`` -> ``220100`` (the province itself for a province code)."""
    return code if code.endswith("0000") else f"{code[:4]}00"


def describe(code: str) -> str:
    """``吉林省 长春市 南关区`` for ``220102``: the names from province down."""
    names = region_names()
    parts = [names.get(province_of(code))]
    if city_of(code) != province_of(code):
        parts.append(names.get(city_of(code)))
    if code not in (province_of(code), city_of(code)):
        parts.append(names.get(code))
    return " ".join(part for part in parts if part)
