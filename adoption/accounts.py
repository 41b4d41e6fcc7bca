"""People's accounts without the database: usernames, the password policy, argon2id hashing,
temporary passwords, and the rule for a contact phone number.

Passwords are hashed with argon2id through argon2-cffi with the parameters the OWASP password
storage cheat sheet recommends (19 MiB, 2 passes, 1 lane): a stolen table stays expensive to
attack while a sign-in costs one core tens of milliseconds — RFC 9106's 64 MiB, 4-lane profile
took five times longer on the 2-core machines this runs on. Stored hashes carry their
parameters, and a hash made with others is replaced at the next successful sign-in. A password
is never part of an error message, a log line or a repr.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from enum import StrEnum

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from adoption.errors import InvalidFieldError

USERNAME_RULE = re.compile(r"[a-z0-9][a-z0-9._@-]{2,63}")
PASSWORD_MIN = 10
PASSWORD_MAX = 128
# A browser session ends after SESSION_IDLE without a request, or SESSION_LIFETIME after
# sign-in, whichever comes first; its last request is written at most every SESSION_TOUCH
# (so reading pages does not write to the database on every request).
SESSION_IDLE = dt.timedelta(hours=2)
SESSION_LIFETIME = dt.timedelta(hours=12)
SESSION_TOUCH = dt.timedelta(minutes=5)
# After THROTTLE_FAILURES failed sign-ins of one username, or from one address, within
# THROTTLE_WINDOW, that username or address is refused for THROTTLE_LOCK.
THROTTLE_FAILURES = 5
THROTTLE_WINDOW = dt.timedelta(minutes=15)
THROTTLE_LOCK = dt.timedelta(minutes=15)
PHONE_RULE = re.compile(r"\+?[0-9][0-9 ()-]{5,23}")
# The most common passwords of the leaked Chinese and English lists that pass the length rule.
COMMON_PASSWORDS = frozenset({
    "1234567890", "0123456789", "12345678910", "1234567891", "qwertyuiop", "1q2w3e4r5t",
    "password123", "password1234", "passw0rd123", "a123456789", "abc1234567", "asdfghjkl;",
    "iloveyou123", "woaini1314", "woaini520", "5201314520", "1qaz2wsx3edc", "qwerty12345",
    "admin12345", "administrator", "0987654321", "1111111111", "aa12345678", "zxcvbnm123",
})

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32,
                         salt_len=16, type=Type.ID)
# verified against when the username is unknown, so that a wrong username costs the same time
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class PasswordRule(StrEnum):
    """The rule of the password policy a password broke (pages word each in their language)."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    CONTAINS_USERNAME = "contains_username"
    TOO_FEW_CHARACTERS = "too_few_characters"
    COMMON = "common"


class PasswordRejected(InvalidFieldError):
    """A password breaks the policy; the message names the rule, never the password."""

    def __init__(self, rule: PasswordRule, reason: str) -> None:
        super().__init__("password", "", reason)
        self.rule = rule
        self.args = (f"password: {reason}",)

    def __str__(self) -> str:
        return f"password: {self.reason}"


def normalize_username(value: str) -> str:
    """A username as stored: NFKC, trimmed, lower case; 3–64 of ``a-z 0-9 . _ @ -``, starting
    with a letter or digit.

    Raises:
        InvalidFieldError: naming ``username`` and the value.
    """
    text = unicodedata.normalize("NFKC", value or "").strip().lower()
    if not USERNAME_RULE.fullmatch(text):
        raise InvalidFieldError(
            "username", value, "用户名须为 3–64 位字母、数字或 . _ @ -，以字母或数字开头 "
            "(3-64 of a-z 0-9 . _ @ -, starting with a letter or digit)")
    return text


def check_password(password: str, *, username: str | None = None) -> None:
    """Refuse a password that is too short or too long, contains the username, is one
    character repeated, or is one of the most common passwords.

    Raises:
        PasswordRejected: naming the rule broken.
    """
    if len(password) < PASSWORD_MIN:
        raise PasswordRejected(PasswordRule.TOO_SHORT, f"密码至少 {PASSWORD_MIN} 个字符 "
                               f"(at least {PASSWORD_MIN} characters)")
    if len(password) > PASSWORD_MAX:
        raise PasswordRejected(PasswordRule.TOO_LONG, f"密码最多 {PASSWORD_MAX} 个字符 "
                               f"(at most {PASSWORD_MAX} characters)")
    folded = password.casefold()
    if username and len(username) >= 3 and username.casefold() in folded:
        raise PasswordRejected(PasswordRule.CONTAINS_USERNAME,
                               "密码不能包含用户名 (must not contain the username)")
    if len(set(folded)) < 4:
        raise PasswordRejected(PasswordRule.TOO_FEW_CHARACTERS,
                               "密码至少要有 4 个不同的字符 (at least 4 different characters)")
    if folded in COMMON_PASSWORDS:
        raise PasswordRejected(PasswordRule.COMMON,
                               "这是最常见的密码之一 (is one of the most common passwords)")


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string with its salt and parameters) stored for a password."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash; with no hash (an unknown username) the
    same work is done against a dummy, and the answer is no."""
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with other parameters than today's (re-hash it at the
    next successful sign-in)."""
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def temporary_password() -> str:
    """A one-time password for an invitation or a reset: 16 characters of an alphabet without
    look-alikes (0/O, 1/l/I), about 90 bits; it must be replaced at first sign-in."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def normalize_phone(value: str) -> str:
    """A contact phone: digits with optional ``+``, spaces, dashes and brackets (a mobile
    ``13912345678`` or a landline ``0431-88886666``).

    Raises:
        InvalidFieldError: naming ``contact_phone`` and the value.
    """
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not PHONE_RULE.fullmatch(text) or sum(c.isdigit() for c in text) < 7:
        raise InvalidFieldError("contact_phone", value,
                                "不是电话号码 (is not a phone number: 7-20 digits)")
    return text
