"""Standard codes as search keys: what a document is found by, and what a query looks for.

Every spelling goes through ``standards.codes.parse_code`` first (full width, missing spaces,
em dashes), then is *compacted*: spaces dropped, lower case (``GB/T 5606.1`` -> ``gb/t5606.1``).
A document carries keys with a kind letter, each kind being a tier of a code query:

=========  ==========================================  ================================
kind       key of GB/T 5606.1-2004                     found by a query for
=========  ==========================================  ================================
``f:``     ``f:gb/t5606.1`` (family: code sans year)   GB/T 5606.1, any edition
``b:``     ``b:gb5606.1`` (nature dropped; only when   GB 5606.1 (the /T forgotten)
           it differs from the family)
``p:``     ``p:gb/t5606`` (number without the part)    GB/T 5606: its parts
``n:``     ``n:5606.1``                                5606.1
``m:``     ``m:5606`` (only when there is a part)      5606: every part
``a:``     ``a:iso9001`` on a standard adopting it     ISO 9001: who adopts it
=========  ==========================================  ================================

The exact edition (tier 0) is the family key plus the year; code prefixes (``GB/T 77``) are
prefixes of the family key, and bare numbers (``771``) prefixes of the number key.

A mandatory local code prints its slash before the number (``DB31/ 890``: family
``db31/890``); its nature-free key is ``db31890``, as for ``DB31/T 890``. ``VERSION`` changes
whenever a document's keys could change: both backends make it part of their schema version,
so an index built with other keys reads as stale (``stdtrack index rebuild``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from search_index.vocab import MatchKind
from standards.codes import ParsedCode, try_parse_code

VERSION = "codekeys-2"
_NATURE = re.compile(r"/[TZ]$")
NUMBER_QUERY = re.compile(r"^[a-z]?\d{3,}(?:\.\d+)*$")
# what separates a prefix from its number in a family key: " ", "/ " (DB31/ 890), "-" (DGJ08-9)
_SEPARATORS = "/- "


def compact(text: str) -> str:
    return text.replace(" ", "").lower()


def _variant_prefix(prefix: str) -> str:
    """The prefix without its nature mark: GB/T -> GB, DB22/T -> DB22, QC/T -> QC."""
    return _NATURE.sub("", prefix)


def family_key(parsed: ParsedCode) -> str:
    return compact(parsed.family_key)


def variant_key(parsed: ParsedCode) -> str:
    """Family key with the nature dropped (equal to the family key when there is none);
    ``DB31/ 890`` (mandatory) and ``DB31/T 890`` both give ``db31890``."""
    if not parsed.family_key.startswith(parsed.prefix):
        return compact(parsed.family_key)
    variant = _variant_prefix(parsed.prefix)
    rest = parsed.family_key[len(parsed.prefix) :]
    if rest.startswith("/ "):
        rest = rest[1:]
    return compact(variant + rest)


def part_parent_key(parsed: ParsedCode) -> str | None:
    """Family key without the part, for a code with a part: ``gb/t5606``."""
    part = parsed.part
    if not part:
        return None
    family = parsed.family_key
    if family.endswith(part) and len(family) > len(part):
        return compact(family[: -len(part) - 1])
    return compact(f"{parsed.prefix} {parsed.number}")


def number_key(parsed: ParsedCode) -> str:
    """The number as printed in the family key, with its part: ``5606.1``, ``60335-1``."""
    if not parsed.family_key.startswith(parsed.prefix):
        return compact(parsed.number)
    return compact(parsed.family_key[len(parsed.prefix) :].lstrip(_SEPARATORS))


def document_keys(parsed: ParsedCode, adopted: Iterable[str] = ()) -> list[str]:
    """The code keys of a document whose code parsed to ``parsed``."""
    family = family_key(parsed)
    keys = [f"f:{family}"]
    variant = variant_key(parsed)
    if variant != family:
        keys.append(f"b:{variant}")
    parent = part_parent_key(parsed)
    if parent:
        keys.append(f"p:{parent}")
    keys.append(f"n:{number_key(parsed)}")
    if parsed.part:
        keys.append(f"m:{compact(parsed.number)}")
    for code in adopted:
        adopted_parsed = try_parse_code(code)
        if adopted_parsed is not None:
            keys.append(f"a:{family_key(adopted_parsed)}")
    return list(dict.fromkeys(keys))


@dataclass(frozen=True, slots=True)
class CodeTier:
    """One way a code query finds documents: exact keys or a key prefix, and the match kind.

    ``year``, when set, keeps only documents of that year (the exact edition).
    """

    kind: MatchKind
    keys: tuple[str, ...] = ()
    prefix: str | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class CodeQuery:
    """A code found in a query: parsed, or a bare number such as ``7714``."""

    text: str
    parsed: ParsedCode | None = None
    number: str | None = None

    def tiers(self) -> list[CodeTier]:
        """Tiers best first; a document takes the best tier it is in."""
        if self.parsed is None:
            number = compact(self.number or "")
            return [
                CodeTier(MatchKind.NUMBER, keys=(f"n:{number}", f"m:{number}")),
                CodeTier(MatchKind.CODE_PREFIX, prefix=f"n:{number}"),
            ]
        parsed = self.parsed
        family = family_key(parsed)
        variant = variant_key(parsed)
        tiers: list[CodeTier] = []
        if parsed.year is not None:
            tiers.append(CodeTier(MatchKind.EDITION, keys=(f"f:{family}",), year=parsed.year))
        tiers.append(CodeTier(MatchKind.FAMILY, keys=(f"f:{family}",)))
        variant_keys = (f"b:{variant}",) if variant == family else (f"f:{variant}", f"b:{variant}")
        tiers.append(CodeTier(MatchKind.VARIANT, keys=variant_keys))
        parent = part_parent_key(parsed)
        tiers.append(CodeTier(MatchKind.PART, keys=(f"p:{parent or family}",)))
        tiers.append(CodeTier(MatchKind.ADOPTER, keys=(f"a:{family}",)))
        if parsed.year is None:
            tiers.append(CodeTier(MatchKind.CODE_PREFIX, prefix=f"f:{family}"))
        return tiers


def read_code(text: str) -> CodeQuery | None:
    """``text`` as a code query: a standard code in any spelling, or a bare number."""
    stripped = text.strip()
    if not stripped:
        return None
    parsed = try_parse_code(stripped)
    if parsed is not None and parsed.part != "ALL":
        return CodeQuery(text=stripped, parsed=parsed)
    lowered = compact(stripped)
    if NUMBER_QUERY.match(lowered):
        return CodeQuery(text=stripped, number=lowered)
    return None
