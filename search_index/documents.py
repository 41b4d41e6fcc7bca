"""Turn a standard (``standards.queries.IndexSource``) into the document every backend indexes."""

from __future__ import annotations

import datetime as dt
import re

from search_index.codekeys import compact, document_keys, family_key, number_key
from search_index.schemas import IndexDocument
from standards.codes import try_parse_code
from standards.queries import IndexSource

SCOPE_STORED_CHARS = 600
_DIGITS = re.compile(r"\d+")
MAX_NUMBER = 2**31 - 1


def number_values(number: str, part: str | None) -> tuple[int, int]:
    """The number and the part as integers, for listing parts and code prefixes in order."""
    found = _DIGITS.search(number)
    value = min(int(found.group()), MAX_NUMBER) if found else 0
    part_found = _DIGITS.match(part or "")
    return value, min(int(part_found.group()), 65535) if part_found else 0


def _prefix_keys(prefix: str, base_prefix: str) -> tuple[str, ...]:
    keys = [compact(prefix)]
    if base_prefix and compact(base_prefix) not in keys:
        keys.append(compact(base_prefix))
    return tuple(keys)


def to_document(source: IndexSource) -> IndexDocument:
    """The index document of one edition (codes keyed, texts gathered, dates kept for status)."""
    parsed = try_parse_code(source.normalized_code) or try_parse_code(source.code)
    if parsed is not None:
        keys = tuple(document_keys(parsed, source.adopts))
        family = family_key(parsed)
        number = number_key(parsed)
        number_value, part_value = number_values(parsed.number, parsed.part)
    else:  # a stored code always parsed once; keep the document findable by its text anyway
        family = compact(source.family_key)
        number = compact(source.number)
        keys = (f"f:{family}", f"n:{number}")
        number_value, part_value = number_values(source.number, source.part)
    body = " ".join(
        part for part in (
            source.scope, " ".join(source.drafters), source.technical_committee,
            source.department,
        ) if part
    )
    dated = source.effective_on or source.published_on or (
        dt.date(source.year, 1, 1) if source.year else None)
    return IndexDocument(
        id=source.id,
        code=source.code,
        normalized_code=source.normalized_code,
        level=source.level,
        prefix_keys=_prefix_keys(source.prefix, source.base_prefix),
        code_keys=keys,
        family_compact=family,
        number_compact=number,
        number_value=number_value,
        part_value=part_value,
        title_zh=source.title_zh,
        title_en=source.title_en,
        body=body,
        scope=source.scope[:SCOPE_STORED_CHARS] if source.scope else None,
        region_code=source.region_code,
        industry_code=source.industry_code.upper() if source.industry_code else None,
        ics=source.ics,
        ccs=source.ccs.upper() if source.ccs else None,
        year=source.year,
        # an edition a source calls upcoming with no known day starts "never" until one is known
        effective_on=(dt.date.max if source.effective_on is None and source.upcoming_undated
                      else source.effective_on),
        withdrawn_on=source.withdrawn_on,
        withdrawn_undated=source.withdrawn_undated,
        dated_on=dated,
    )
