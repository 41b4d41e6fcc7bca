"""Field rules shared by the API and the bulk import."""

from __future__ import annotations

import datetime as dt

import pytest

from adoption.errors import InvalidFieldError
from adoption.fields import (
    MAX_CODE_LENGTH,
    check_day,
    check_past_day,
    clean_label,
    declared_code,
    latest_plan_day,
    parse_flag,
    parse_key_fields,
    split_list,
)
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


# ------------------------------------------------------------------------------------------
# Plausible data only: control characters, lengths, dates
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "codepoint"), [
    ("长春\x00一汽", "U+0000"), ("\x1b[31m长春一汽", "U+001B"), ("长春一汽\x7f", "U+007F"),
    ("长春\x85一汽", "U+0085"), ("长春\u202e汽一", "U+202E"), ("长春\x0b一汽", "U+000B")])
def test_names_with_control_characters_are_refused(raw: str, codepoint: str) -> None:
    with pytest.raises(InvalidFieldError) as caught:
        clean_label(raw, "name", 300, required=True)
    assert caught.value.field == "name"
    assert codepoint in str(caught.value) and "control character" in str(caught.value)


def test_tabs_and_line_breaks_in_a_one_line_name_become_one_space() -> None:
    assert clean_label("长春一汽\t零部件\r\n有限公司", "name", 300) == "长春一汽 零部件 有限公司"


@pytest.mark.parametrize("raw", ["GB/T\x00 19001-2016", "GB/T 19001-2016\x1b"])
def test_codes_with_control_characters_are_refused(raw: str) -> None:
    with pytest.raises(InvalidFieldError, match=r"U\+00(00|1B)"):
        declared_code(raw)


def test_a_ten_thousand_digit_code_is_refused_and_not_echoed_whole() -> None:
    raw = "GB/T " + "1" * 10_000
    with pytest.raises(InvalidFieldError) as caught:
        declared_code(raw)
    message = str(caught.value)
    assert caught.value.field == "code" and f"longer than {MAX_CODE_LENGTH}" in message
    assert len(message) < 300 and "10005" in message  # cut, saying how long it was


@pytest.mark.parametrize("day", [dt.date(2099, 1, 1), dt.date(1899, 12, 31),
                                 dt.date(1948, 12, 31), dt.date(2026, 1, 3)])
def test_a_declaration_day_outside_1949_to_today_is_refused(day: dt.date) -> None:
    with pytest.raises(InvalidFieldError) as caught:
        check_past_day(day, "declared_on", today=dt.date(2026, 1, 1))
    assert caught.value.field == "declared_on" and day.isoformat() in str(caught.value)


@pytest.mark.parametrize("day", [dt.date(1949, 1, 1), dt.date(2025, 12, 31),
                                 dt.date(2026, 1, 2)])  # a day's grace for time zones
def test_a_declaration_day_in_the_window_is_kept(day: dt.date) -> None:
    assert check_past_day(day, "declared_on", today=dt.date(2026, 1, 1)) == day


def test_a_deadline_may_lie_up_to_twenty_years_ahead() -> None:
    today = dt.date(2026, 2, 28)
    assert latest_plan_day(today) == dt.date(2046, 2, 28)
    assert check_day(dt.date(2046, 2, 28), "deadline", latest_plan_day(today))
    with pytest.raises(InvalidFieldError, match="deadline"):
        check_day(dt.date(2046, 3, 1), "deadline", latest_plan_day(today))
