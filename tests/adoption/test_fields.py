"""Field rules shared by the API and the bulk import."""

from __future__ import annotations

import pytest

from adoption.errors import InvalidFieldError
from adoption.fields import declared_code, parse_flag, parse_key_fields, split_list
from adoption.vocab import KeyField


@pytest.mark.parametrize("spelling", [
    "GB/T 19001-2016", "GBT19001-2016", "ＧＢ／Ｔ　１９００１－２０１６", "gb/t 19001—2016"])
def test_any_spelling_declares_the_same_key(spelling: str) -> None:
    code = declared_code(spelling)
    assert (code.key, code.family_key, code.undated) == (
        "GB/T 19001-2016", "GB/T 19001", False)


def test_an_undated_code_follows_the_edition_in_force() -> None:
    code = declared_code("GB/T 7714")
    assert code.undated and code.key == "GB/T 7714"


@pytest.mark.parametrize("raw", ["XYZ 12", "企业内部规范", ""])
def test_codes_that_are_not_standard_codes(raw: str) -> None:
    with pytest.raises(InvalidFieldError) as caught:
        declared_code(raw)
    assert caught.value.field == "code" and "not a standard code" in str(caught.value)


@pytest.mark.parametrize(("raw", "expected"), [
    ("是", True), ("否", False), ("YES", True), ("no", False), ("1", True), (0, False),
    (True, True), ("", False), (None, False)])
def test_main_flags(raw: object, expected: bool) -> None:
    assert parse_flag(raw) is expected


def test_an_unknown_main_flag() -> None:
    with pytest.raises(InvalidFieldError, match="main"):
        parse_flag("maybe")


def test_key_fields_in_chinese_or_english() -> None:
    assert parse_key_fields("汽车;石化") == (KeyField.AUTOMOTIVE, KeyField.PETROCHEMICAL)
    assert parse_key_fields(["Petrochemical", "automotive", "汽车"]) == (
        KeyField.AUTOMOTIVE, KeyField.PETROCHEMICAL)
    assert parse_key_fields("New Energy；新材料") == (KeyField.NEW_ENERGY, KeyField.NEW_MATERIALS)
    with pytest.raises(InvalidFieldError, match="航天"):
        parse_key_fields("汽车;航天")


def test_list_cells() -> None:
    assert split_list("GB/T 1-2020; GB 2-2019；QC/T 3-2018、GB/T 1-2020\nGB 4") == [
        "GB/T 1-2020", "GB 2-2019", "QC/T 3-2018", "GB 4"]
