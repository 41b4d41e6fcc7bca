"""Form values of the portal's pages and the problems they are refused for, worded in the
page's language (a refused field names itself and its value, as the API does by field name)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from adoption.errors import InvalidFieldError
from api.web.i18n import N_, Translate

INDICATOR_ROWS = 3  # empty indicator rows a form offers (more with 添加一行)
_INDICATOR_FIELD = re.compile(r"^indicators\[(\d+)\]\.(\w+)$")

FIELD_MESSAGES = {
    "name": N_("产品名称“%(value)s”不能为空，最多 300 个字符。"),
    "model": N_("产品型号“%(value)s”过长（最多 200 个字符）。"),
    "category": N_("产品分类“%(value)s”过长（最多 200 个字符）。"),
    "sector": N_("行业“%(value)s”过长（最多 100 个字符）。"),
    "code": N_("“%(value)s”不是可以声明的标准号（如 GB/T 19001-2016）。"),
    "enterprise_code": N_("“%(value)s”不是带年代号的企业标准号（如 Q/JLQC 001-2024）。"),
    "title_zh": N_("标准名称不能为空。"),
    "published_on": N_("发布日期“%(value)s”不是日期。"),
    "implemented_on": N_("实施日期“%(value)s”不能早于发布日期。"),
    "indicator_kind": N_("第 %(n)s 行指标：类别应为功能、性能或安全指标。"),
    "indicator_name": N_("第 %(n)s 行指标：名称不能为空，同一类别中不能重复。"),
    "indicator_other": N_("第 %(n)s 行指标：内容过长。"),
    "indicators": N_("指标太多。"),
}


def field_message(_: Translate, exc: InvalidFieldError, *, enterprise_standard: bool = False
                  ) -> tuple[str, str]:
    """``(form field, message)`` for a refused value."""
    found = _INDICATOR_FIELD.match(exc.field)
    if found:
        row = int(found[1]) + 1
        part = found[2]
        key = {"kind": "indicator_kind", "name": "indicator_name"}.get(part, "indicator_other")
        return f"ind-{found[1]}-{part}", _(FIELD_MESSAGES[key], n=row)
    key = "enterprise_code" if exc.field == "code" and enterprise_standard else exc.field
    template = FIELD_MESSAGES.get(key, N_("“%(value)s”不符合要求。"))
    return exc.field, _(template, value="" if exc.value is None else str(exc.value))


def text(data: Mapping[str, Any], name: str, limit: int = 500) -> str:
    return str(data.get(name) or "").strip()[:limit]


def day(data: Mapping[str, Any], name: str) -> dt.date | None:
    """A date field (``YYYY-MM-DD`` from an ``<input type=date>``); empty is None.

    Raises:
        InvalidFieldError: not a date.
    """
    value = text(data, name, 20)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidFieldError(name, value, "is not a date") from exc


def indicator_rows(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The indicator rows of a form (``ind-N-kind``, ``-name``, ``-value``, ``-unit``,
    ``-test_method``) in order; rows left empty are dropped."""
    numbers = sorted({int(found[1]) for key in data
                      if (found := re.match(r"^ind-(\d+)-name$", str(key)))})
    rows = []
    for number in numbers:
        row = {part: text(data, f"ind-{number}-{part}", 300)
               for part in ("kind", "name", "value", "unit", "test_method")}
        if any(row[part] for part in ("name", "value", "unit", "test_method")):
            rows.append(row)
    return rows
