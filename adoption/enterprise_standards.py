"""Enterprise standards (企业标准, ``Q/...``) an enterprise declares with its indicators: the
field rules, pure functions raising InvalidFieldError naming the field and the value."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from adoption.errors import InvalidFieldError
from adoption.fields import clean_label
from adoption.schemas import IndicatorInput
from adoption.vocab import INDICATOR_KIND_LABELS, IndicatorKind
from standards.codes import ParsedCode, parse_code
from standards.errors import CodeError
from standards.vocab import Level

MAX_INDICATORS = 200


def enterprise_code(raw: str) -> ParsedCode:
    """An enterprise standard's code, dated (``Q/JLQC 001-2024``): the edition it declares.

    Raises:
        InvalidFieldError: (field ``code``) not a standard code, not an enterprise standard,
            or without its year.
    """
    text = " ".join(str(raw or "").split())
    try:
        parsed = parse_code(text)
    except CodeError as exc:
        raise InvalidFieldError("code", raw, f"不是标准编号 is not a standard code: {exc.reason}"
                                ) from exc
    if parsed.level is not Level.ENTERPRISE:
        raise InvalidFieldError("code", raw, "不是企业标准编号 is not an enterprise standard "
                                "code (Q/...)")
    if parsed.year is None:
        raise InvalidFieldError("code", raw, "缺少年代号 needs its year (Q/... 001-2024)")
    return parsed


def indicator_kind(raw: object, field: str) -> IndicatorKind:
    """功能/性能/安全 (or functional/performance/safety).

    Raises:
        InvalidFieldError: any other value.
    """
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if text.lower() in IndicatorKind._value2member_map_:
        return IndicatorKind(text.lower())
    if text in INDICATOR_KIND_LABELS:
        return INDICATOR_KIND_LABELS[text]
    raise InvalidFieldError(field, raw, "应为 功能/性能/安全 expected functional, performance "
                            "or safety")


def check_indicators(items: Iterable[Mapping[str, Any]]) -> list[IndicatorInput]:
    """Validate indicators (name, value or limit, unit, test method, by kind).

    Raises:
        InvalidFieldError: naming ``indicators[i].field`` and the value: an unknown kind, an
            empty name, a value too long, more than MAX_INDICATORS indicators, or the same
            kind and name twice.
    """
    checked: list[IndicatorInput] = []
    seen: set[tuple[IndicatorKind, str]] = set()
    for index, item in enumerate(items):
        if index >= MAX_INDICATORS:
            raise InvalidFieldError("indicators", index + 1,
                                    f"超过 {MAX_INDICATORS} 项 more than {MAX_INDICATORS}")
        where = f"indicators[{index}]"
        kind = indicator_kind(item.get("kind"), f"{where}.kind")
        name = clean_label(item.get("name"), f"{where}.name", 200, required=True)
        if (kind, name) in seen:
            raise InvalidFieldError(f"{where}.name", name, "重复的指标 is listed twice")
        seen.add((kind, name))
        checked.append(IndicatorInput(
            kind=kind, name=name,
            value=clean_label(item.get("value"), f"{where}.value", 200),
            unit=clean_label(item.get("unit"), f"{where}.unit", 50),
            test_method=clean_label(item.get("test_method"), f"{where}.test_method", 300)))
    return checked
