"""Field rules of enterprises, products, declarations and plans: pure functions shared by the
HTTP routes and the bulk imports (declarations, drafting plans), each raising InvalidFieldError
naming the field and the value (cut when long).

Plausible data only — the same rules on every path (API bodies, bulk declaration import, plan
import):

- **Text**: no control characters (C0 but tab, line feed and carriage return; DEL; C1;
  bidirectional overrides and marks, which make text read differently than it is stored; lone
  surrogates and non-characters). In one-line fields (names, models, sectors, codes) tab and
  line breaks are whitespace and collapse to one space; multi-line fields (notes) keep them.
- **Lengths**: names ≤ 300 characters, models and categories ≤ 200, sectors ≤ 100, standard
  codes ≤ MAX_CODE_LENGTH (the longest real code is about 40).
- **Dates** (never before EARLIEST_DATE, 1949):

  ==========================================  ========================================
  field                                       latest
  ==========================================  ========================================
  declaration 公开日期 ``declared_on`` (the    today (+1 day for time zones): a fact
  product's first registration follows it)
  plan 阶段日期 ``stage_on``                   today (+1 day): a stage reached
  plan 计划年度 ``plan_year``                  next year (plans are issued in advance)
  plan 完成期限 ``deadline``, postponement     FUTURE_YEARS ahead: a deadline is a plan
  goal start and deadline                     FUTURE_YEARS ahead
  ==========================================  ========================================

  Enterprises and products carry no date of their own (registration follows the first
  declaration).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import AfterValidator, ValidationInfo

from adoption.errors import InvalidFieldError
from adoption.vocab import KEY_FIELD_LABELS, KeyField
from standards.codes import parse_code
from standards.errors import CodeError
from standards.repository import catalogue_key

_TRUE = frozenset({"是", "1", "yes", "y", "true", "t", "主要", "√", "✓"})
_FALSE = frozenset({"否", "0", "no", "n", "false", "f", "", "非主要", "×"})
_LIST_SEPARATORS = re.compile(r"[;；、,，\n]+")

EARLIEST_DATE = dt.date(1949, 1, 1)
FUTURE_YEARS = 20
GRACE = dt.timedelta(days=1)  # "today" somewhere in China while the server's day is earlier
MAX_CODE_LENGTH = 80
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]")


def check_text(raw: str, field: str) -> str:
    """``raw`` unchanged when it holds no control character (tab and line breaks are allowed).

    Raises:
        InvalidFieldError: naming the field, the character (U+XXXX) and the value.
    """
    found = _CONTROL.search(raw)
    if found is not None:
        raise InvalidFieldError(field, raw, f"含控制字符 U+{ord(found.group()):04X} contains a "
                                "control character")
    return raw


def latest_plan_day(today: dt.date) -> dt.date:
    """The latest plausible deadline: FUTURE_YEARS from today."""
    return today.replace(year=today.year + FUTURE_YEARS, day=min(today.day, 28))


def check_day(value: dt.date, field: str, latest: dt.date) -> dt.date:
    """``value`` when it lies between EARLIEST_DATE and ``latest`` (both included).

    Raises:
        InvalidFieldError: naming the field, the day and the window.
    """
    if not EARLIEST_DATE <= value <= latest:
        raise InvalidFieldError(field, value.isoformat(), f"日期不在 {EARLIEST_DATE.year} 年至 "
                                f"{latest.isoformat()} 之间 is outside {EARLIEST_DATE.isoformat()}"
                                f"..{latest.isoformat()}")
    return value


def check_past_day(value: dt.date, field: str, today: dt.date) -> dt.date:
    """A day that has happened (a declaration, a stage reached): not after today (+1 day).

    Raises:
        InvalidFieldError: outside EARLIEST_DATE .. today + 1 day.
    """
    return check_day(value, field, today + GRACE)


def _text_rule(value: str, info: ValidationInfo) -> str:
    try:
        return check_text(value, info.field_name or "value")
    except InvalidFieldError as exc:
        raise ValueError(str(exc)) from None


NO_CONTROLS = AfterValidator(_text_rule)
"""Add to a pydantic ``str`` field of a request body to refuse control characters there too:
``note: Annotated[str, Field(max_length=500), NO_CONTROLS] = ""``."""


class PickledByValues:
    """Mixin of frozen, slotted dataclasses a bulk import sends between processes: pickled as
    the class and its field values. The default for a slotted dataclass looks up its fields
    for every object, one by one, both ways (a fifth of a declaration import's reading)."""

    __slots__ = ()
    __match_args__: tuple[str, ...]

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return type(self), tuple([getattr(self, name) for name in self.__match_args__])


@dataclass(frozen=True, slots=True)
class DeclaredCode(PickledByValues):
    """A declared standard code: as the enterprise wrote it, and the catalogue key it means.

    An undated code (``GB/T 7714``) means the edition in force, and follows the edition chain
    when the catalogue changes.
    """

    declared: str
    key: str
    family_key: str
    undated: bool


def declared_code(raw: str) -> DeclaredCode:
    """Parse any spelling of a standard code into what a declaration stores.

    Raises:
        InvalidFieldError: (field ``code``) not a standard code, or a code naming all parts.
    """
    text = " ".join(check_text(str(raw or ""), "code").split())
    if len(text) > MAX_CODE_LENGTH:
        raise InvalidFieldError("code", text, f"超过 {MAX_CODE_LENGTH} 字，不是标准编号 is longer "
                                f"than {MAX_CODE_LENGTH} characters: not a standard code")
    try:
        parsed = parse_code(text)
    except CodeError as exc:
        raise InvalidFieldError("code", raw, f"不是标准编号 is not a standard code: {exc.reason}"
                                ) from exc
    if parsed.part == "ALL":
        raise InvalidFieldError("code", raw, "names all parts of a standard, not one standard")
    return DeclaredCode(declared=text, key=catalogue_key(parsed), family_key=parsed.family_key,
                        undated=parsed.year is None)


def split_list(raw: str | Iterable[str] | None) -> list[str]:
    """Items of a list cell: ``a;b``, ``a；b``, ``a、b``, ``a,b`` or new lines; or a list."""
    if raw is None:
        return []
    values = [raw] if isinstance(raw, str) else list(raw)
    items: list[str] = []
    for value in values:
        for part in _LIST_SEPARATORS.split(str(value)):
            text = " ".join(part.split())
            if text:
                items.append(text)
    return list(dict.fromkeys(items))


def parse_key_fields(raw: str | Iterable[str] | None) -> tuple[KeyField, ...]:
    """Key fields from English values or Chinese labels, sorted and without repeats.

    Raises:
        InvalidFieldError: (field ``key_fields``) a value is not a known key field.
    """
    found: set[KeyField] = set()
    for item in split_list(raw):
        folded = unicodedata.normalize("NFKC", item).strip().lower().replace("_", "-")
        folded = folded.replace(" ", "-")
        if folded in KeyField._value2member_map_:
            found.add(KeyField(folded))
        elif item in KEY_FIELD_LABELS:
            found.add(KEY_FIELD_LABELS[item])
        else:
            known = ", ".join(k.value for k in KeyField)
            raise InvalidFieldError("key_fields", item,
                                    f"不是已知的重点领域 is not a known key field ({known})")
    return tuple(sorted(found))


def parse_flag(raw: object, field: str = "main") -> bool:
    """是/否, yes/no, 1/0, true/false (empty is no).

    Raises:
        InvalidFieldError: any other value.
    """
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidFieldError(field, raw, "应为 是/否 expected 是/否, yes/no or 1/0")


def clean_label(raw: object, field: str, max_length: int, required: bool = False) -> str:
    """One-line text (whitespace collapsed, full-width spaces too) within ``max_length``.

    Raises:
        InvalidFieldError: empty while ``required``, longer than ``max_length``, or holding a
            control character.
    """
    text = " ".join(check_text(str(raw if raw is not None else ""), field)
                    .replace("\u3000", " ").split())
    if required and not text:
        raise InvalidFieldError(field, raw, "不能为空 must not be empty")
    if len(text) > max_length:
        raise InvalidFieldError(field, raw, f"is longer than {max_length} characters")
    return text
