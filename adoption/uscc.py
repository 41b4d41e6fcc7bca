"""统一社会信用代码 (USCC, GB 32100-2015): normalize and verify an 18-character credit code.

Layout: registration authority (1), category (1), the registering authority's GB/T 2260 region
(6 digits), the GB 11714 organization code (9, its own check digit last), and a check character
computed over the first 17 (GB/T 17710, ISO 7064 MOD 31-3).
"""

from __future__ import annotations

import unicodedata

from adoption.errors import InvalidFieldError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_VALUE = {char: index for index, char in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
AUTHORITIES = frozenset("123456789ANY")  # 机构编制 … 工商, 中央军委改革和编制办公室, 农业, 其他

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714: its own alphabet, 0-9 then A-Z = 10..35


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in :data:`CHARSET`)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_check_character(first8: str) -> str:
    """The 9th character of a GB 11714 organization code for its first 8."""
    total = sum(_org_value(char) * weight
                for char, weight in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def normalize_uscc(raw: str) -> str:
    """The code in its canonical form: full-width folded, spaces removed, upper case.

    Raises:
        InvalidFieldError: (field ``uscc``) wrong length, a character outside the GB 32100 set,
            an unknown registration authority, a non-numeric region part, or a check
            character (the code's own or the organization code's) that does not match.
    """
    text = "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()
    if len(text) != 18:
        raise InvalidFieldError(
            "uscc", raw, f"统一社会信用代码应为 18 位 is {len(text)} characters long, not 18")
    bad = sorted({char for char in text if char not in _VALUE})
    if bad:
        raise InvalidFieldError(
            "uscc", raw, f"contains {', '.join(repr(c) for c in bad)}, outside the GB 32100 "
            "character set (0-9 and A-Y without I, O, S, V, Z)")
    if text[0] not in AUTHORITIES:
        raise InvalidFieldError(
            "uscc", raw, f"starts with {text[0]!r}, not a registration authority code "
            "(1-9, A, N, Y)")
    if not text[2:8].isdigit():
        raise InvalidFieldError(
            "uscc", raw, f"characters 3-8 {text[2:8]!r} are not a region code (6 digits)")
    expected = check_character(text[:17])
    if text[17] != expected:
        raise InvalidFieldError(
            "uscc", raw, f"校验码错误 check character is {text[17]!r}, expected {expected!r}")
    org_expected = org_check_character(text[8:16])
    if text[16] != org_expected:
        raise InvalidFieldError(
            "uscc", raw, f"组织机构代码校验码错误 organization code {text[8:17]!r} has check "
            f"character {text[16]!r}, expected {org_expected!r}")
    return text


def is_valid_uscc(raw: str) -> bool:
    try:
        normalize_uscc(raw)
    except InvalidFieldError:
        return False
    return True


def make_uscc(region: str, org_base: str, authority: str = "9", category: str = "1") -> str:
    """A valid code for test and benchmark data: both check characters computed.

    ``org_base`` is the first 8 characters of the organization code (digits and the letters
    of :data:`CHARSET`).
    """
    org = org_base + org_check_character(org_base)
    first17 = f"{authority}{category}{region}{org}"
    return first17 + check_character(first17)
