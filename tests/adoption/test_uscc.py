"""统一社会信用代码 validation against real published codes and every kind of mutation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adoption.errors import InvalidFieldError
from adoption.uscc import (
    CHARSET,
    check_character,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    org_check_character,
)

# The widely published worked example and three more published codes: each passes
# both the GB 32100 check and the inner GB 11714 organization-code check.
PUBLISHED = (
    "91350100M000100Y43",
    "914403001922038216",
    "9144030071526726XG",
    "91110000802100433B",
    "91330100716105852F",
)


def test_the_worked_example_of_the_primer() -> None:
    assert check_character("91350100M000100Y4") == "3"
    assert org_check_character("M000100Y") == "4"


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code: str) -> None:
    assert normalize_uscc(code) == code


@pytest.mark.parametrize(("spelling", "expected"), [
    ("91350100m000100y43", "91350100M000100Y43"),
    ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
    (" 9144 0300 1922 0382 16 ", "914403001922038216"),
])
def test_spellings_normalize(spelling: str, expected: str) -> None:
    assert normalize_uscc(spelling) == expected


@pytest.mark.parametrize("code", PUBLISHED)
def test_every_single_character_substitution_is_caught(code: str) -> None:
    for position in range(18):
        for char in CHARSET:
            if char == code[position]:
                continue
            mutated = code[:position] + char + code[position + 1 :]
            assert not is_valid_uscc(mutated), mutated


@pytest.mark.parametrize("code", PUBLISHED)
def test_every_adjacent_transposition_is_caught(code: str) -> None:
    for position in range(17):
        if code[position] == code[position + 1]:
            continue
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        assert not is_valid_uscc(swapped), swapped


_BASE = st.text(alphabet=CHARSET, min_size=8, max_size=8)
_REGION = st.sampled_from(["220102", "220202", "320102", "320583", "350100"])


@given(region=_REGION, base=_BASE, position=st.integers(0, 17),
       replacement=st.sampled_from(CHARSET))
def test_generated_codes_are_valid_and_any_change_is_caught(
    region: str, base: str, position: int, replacement: str
) -> None:
    code = make_uscc(region, base)
    assert normalize_uscc(code) == code
    mutated = code[:position] + replacement + code[position + 1 :]
    assert is_valid_uscc(mutated) == (mutated == code)


@pytest.mark.parametrize(("raw", "says"), [
    ("91350100M000100Y4", "17 characters"),
    ("91350100M000100Y433", "19 characters"),
    ("91350100M000100Y44", "check character is '4', expected '3'"),
    ("91350100M0001O0Y43", "'O'"),
    ("91350100M000100I43", "'I'"),
    ("Z1350100M000100Y43", "'Z'"),
    ("B1350100M000100Y43", "registration authority"),
    ("9135A100M000100Y43", "region code"),
    ("", "0 characters"),
])
def test_invalid_codes_name_the_field_the_value_and_the_reason(raw: str, says: str) -> None:
    with pytest.raises(InvalidFieldError) as caught:
        normalize_uscc(raw)
    assert caught.value.field == "uscc" and caught.value.value == raw
    assert says in str(caught.value) and repr(raw) in str(caught.value)


def test_an_inner_organization_code_error_is_caught_even_when_the_outer_check_passes() -> None:
    good = "91350100M000100Y43"
    first17 = good[:16] + "5"  # organization code M000100Y with check 5 instead of 4
    outer_passes = first17 + check_character(first17)
    with pytest.raises(InvalidFieldError, match="organization code"):
        normalize_uscc(outer_passes)
