"""What the columns nobody maps hold: a look at the first rows of a list (table or JSON) finds
columns of dates or standard codes that an import would otherwise drop without a word, and
the ``--column`` option that would read each one.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Iterable, Sequence
from typing import Any

from importers.mapping import clean_text
from importers.schemas import UnreadColumn
from standards.codes import try_parse_code

SAMPLE_ROWS = 50
"""Rows (or JSON objects) looked at to tell what a column holds."""

_DATE_TEXT = re.compile(
    r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:[T ]\d{1,2}:\d{2}.*)?$")
_DIGIT = re.compile(r"\d")
_ALNUM = re.compile(r"[^0-9A-Za-z]")

# Words in a header that say which date or which relation a column holds.
_DATE_HINTS = (
    ("withdrawn", ("废止", "作废", "失效", "withdraw", "abolish", "abol", "obsolete", "repeal",
                   "expir")),
    ("implemented", ("实施", "施行", "生效", "执行", "implement", "impl", "effect", "act",
                     "force")),
    ("published", ("发布", "批准", "颁布", "publish", "issue", "release", "approv", "pub")),
)
_CODE_HINTS = (
    ("replaced_by", ("被代替", "被替代", "replacedby", "supersededby", "obsoletedby")),
    ("replaces", ("代替", "替代", "replace", "supersede", "obsolete")),
    ("adoption", ("采", "adopt", "equivalent", "identical")),
)


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    return isinstance(value, str) and _DATE_TEXT.match(value.strip()) is not None


def _squeezed(code: str) -> str:
    return _ALNUM.sub("", code).upper()


def _is_code(value: Any, own_code: Any) -> bool:
    """A standard code that is not the row's own code printed another way."""
    if not isinstance(value, str) or _DIGIT.search(value) is None:
        return False
    text = clean_text(value) or ""
    if not text or (own_code is not None and _squeezed(text) == _squeezed(str(own_code))):
        return False
    return any(try_parse_code(part.strip()) is not None for part in re.split(r"[,，;；、]", text)
               if part.strip())


def _as_sample(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, list | tuple):
        return "; ".join(_as_sample(item) for item in value[:3])
    return (clean_text(value) or "")[:80]


def _hinted(column: str, hints: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    lowered = column.casefold().replace("_", "").replace(" ", "")
    for target, words in hints:
        if any(word in lowered for word in words):
            return target
    return None


def _suggest(column: str, holds: str, mapped: set[str]) -> str:
    """The field ``--column`` should map an unread column to."""
    if holds == "dates":
        hinted = _hinted(column, _DATE_HINTS)
        free = [t for t in ("published", "implemented", "withdrawn") if t not in mapped]
        if hinted and hinted not in mapped:
            return hinted
        if free:
            return free[0]
    elif holds == "codes":
        hinted = _hinted(column, _CODE_HINTS)
        if "code" not in mapped:
            return "code"
        if hinted and hinted not in mapped:
            return hinted
        free = [t for t in ("replaces", "replaced_by") if t not in mapped]
        if free:
            return free[0]
    return f"extra.{column}"


_SHELL_SAFE = re.compile(r"[\w@%+=:,./-]+")


def column_option(column: str, target: str) -> str:
    """The ``--column`` option mapping ``column`` to ``target``, quoted for a shell when it
    must be (Chinese letters need no quotes)."""
    pair = f"{column}={target}"
    return f"--column {pair if _SHELL_SAFE.fullmatch(pair) else shlex.quote(pair)}"


def unread_columns(
    columns: Iterable[tuple[str, Sequence[Any]]],
    mapped: Iterable[str],
    own_codes: Sequence[Any] = (),
) -> list[UnreadColumn]:
    """Describe each unread column from its sampled values.

    Args:
        columns: ``(name, values of the first rows)`` of every column no field maps to; the
            values line up with ``own_codes``.
        mapped: the fields the file's other columns map to.
        own_codes: the code of each sampled row, so that a second spelling of a row's own
            code is not taken for a relation.
    """
    targets = set(mapped)
    found: list[UnreadColumn] = []
    for name, values in columns:
        present = [(value, own_codes[index] if index < len(own_codes) else None)
                   for index, value in enumerate(values)
                   if value is not None and value != [] and (not isinstance(value, str)
                                                             or value.strip())]
        if not present:
            continue
        holds = "text"
        if sum(_is_date(value) for value, _ in present) * 2 >= len(present):
            holds = "dates"
        elif sum(_is_code(value, own) for value, own in present) * 2 >= len(present):
            holds = "codes"
        target = _suggest(name, holds, targets)
        found.append(UnreadColumn(name, _as_sample(present[0][0]), holds,
                                  column_option(name, target)))
    return found
