"""Field rules of enterprises, products and declarations: pure functions shared by the HTTP
routes and the bulk import, each raising InvalidFieldError naming the field and the value."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from adoption.errors import InvalidFieldError
from adoption.vocab import KEY_FIELD_LABELS, KeyField
from standards.codes import parse_code
from standards.errors import CodeError
from standards.repository import catalogue_key

_TRUE = frozenset({"是", "1", "yes", "y", "true", "t", "主要", "√", "✓"})
_FALSE = frozenset({"否", "0", "no", "n", "false", "f", "", "非主要", "×"})
_LIST_SEPARATORS = re.compile(r"[;；、,，\n]+")


@dataclass(frozen=True, slots=True)
class DeclaredCode:
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
    text = " ".join(str(raw or "").split())
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
        InvalidFieldError: empty while ``required``, or longer than ``max_length``.
    """
    text = " ".join(str(raw if raw is not None else "").replace("\u3000", " ").split())
    if required and not text:
        raise InvalidFieldError(field, raw, "不能为空 must not be empty")
    if len(text) > max_length:
        raise InvalidFieldError(field, raw, f"is longer than {max_length} characters")
    return text
