"""Controlled vocabularies of search: result orders and how a hit matched."""

from enum import StrEnum


class SortOrder(StrEnum):
    """Order of search results."""

    RELEVANCE = "relevance"  # best match first; a withdrawn edition below its current successor
    DATE = "date"  # newest first (implemented, else published)


class MatchKind(StrEnum):
    """Why a hit matched, best first (code tiers, then text)."""

    EDITION = "edition"  # the very edition the query names (GB 50016-2014)
    FAMILY = "family"  # another edition of the named standard
    VARIANT = "variant"  # the same number under the other nature (GB 7714 -> GB/T 7714)
    PART = "part"  # another part of the same number (GB/T 5606 -> GB/T 5606.1)
    NUMBER = "number"  # the number alone (7714)
    ADOPTER = "adopter"  # a standard adopting the named one (ISO 9001 -> GB/T 19001)
    CODE_PREFIX = "code_prefix"  # a code starting with what was typed (GB/T 77 -> GB/T 7714)
    TEXT = "text"  # words of the titles, scope or drafters
