"""The settings 标准查新 and watches read: the public rate, the SMTP address and sender."""

from __future__ import annotations

import pytest

from standards.errors import ConfigurationError
from standards.settings import Settings


def test_defaults_and_values() -> None:
    default = Settings.from_env({})
    assert (default.check_rate_per_hour, default.smtp_url, default.mail_from) == (
        60, None, "stdtrack@localhost")
    given = Settings.from_env({"STDTRACK_CHECK_RATE_PER_HOUR": "5",
                               "STDTRACK_SMTP_URL": "smtps://bot:pw@mail.example.cn:465",
                               "STDTRACK_MAIL_FROM": "bz@example.cn"})
    assert (given.check_rate_per_hour, given.smtp_url, given.mail_from) == (
        5, "smtps://bot:pw@mail.example.cn:465", "bz@example.cn")


@pytest.mark.parametrize(("name", "value"), [
    ("STDTRACK_CHECK_RATE_PER_HOUR", "many"), ("STDTRACK_CHECK_RATE_PER_HOUR", "-1"),
    ("STDTRACK_SMTP_URL", "mail.example.cn:25"), ("STDTRACK_SMTP_URL", "http://mail:25"),
])
def test_malformed_values_are_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({name: value})


def test_the_smtp_password_is_not_repeated_in_the_refusal() -> None:
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"STDTRACK_SMTP_URL": "ftp://user:topsecretpassword@host"})
    assert "topsecretpassword" not in str(refused.value)
