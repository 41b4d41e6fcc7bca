"""Form problems worded for people in the page's language: a refused field names itself (by
its label) and the value, as the API's 422/409 do by field name."""

from __future__ import annotations

from dataclasses import dataclass

from adoption.accounts import PASSWORD_MAX, PASSWORD_MIN, PasswordRejected
from adoption.errors import DuplicateError, InvalidFieldError
from api.web.i18n import N_, Translate

FIELD_PROBLEMS = {
    "uscc": N_("统一社会信用代码 “%(value)s” 不正确：应为 18 位，校验码须正确。"),
    "region_code": N_("行政区划代码 “%(value)s” 不是 GB/T 2260 代码（6 位数字）。"),
    "name": N_("名称 “%(value)s” 不能为空，最多 300 个字符。"),
    "contact_name": N_("联系人 “%(value)s” 不能为空，最多 100 个字符。"),
    "contact_phone": N_("联系电话 “%(value)s” 不是电话号码。"),
    "username": N_("用户名 “%(value)s” 须为 3–64 位小写字母、数字或 . _ @ -，以字母或数字开头。"),
    "reason": N_("请填写原因（最多 500 个字符）。"),
}
DUPLICATE_PROBLEMS = {
    "uscc": N_("统一社会信用代码 “%(value)s” 已注册或正在审核。"),
    "username": N_("用户名 “%(value)s” 已被使用。"),
}
PASSWORD_PROBLEMS = {
    "too_short": N_("密码至少 %(n)s 个字符。"),
    "too_long": N_("密码最多 %(n)s 个字符。"),
    "contains_username": N_("密码不能包含用户名。"),
    "too_few_characters": N_("密码至少要有 4 个不同的字符。"),
    "common": N_("这是最常见的密码之一，请换一个。"),
}


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str


def password_problem(_: Translate, exc: PasswordRejected) -> str:
    """A password policy refusal, worded in the page's language (never with the password)."""
    limit = PASSWORD_MAX if exc.rule.value == "too_long" else PASSWORD_MIN
    return _(PASSWORD_PROBLEMS[exc.rule.value], n=limit)


def field_problem(_: Translate, exc: InvalidFieldError | DuplicateError) -> FieldProblem:
    """The problem a refused field gets on a form."""
    if isinstance(exc, PasswordRejected):
        return FieldProblem("password", password_problem(_, exc))
    if isinstance(exc, DuplicateError):
        field = exc.field or ""
        template = DUPLICATE_PROBLEMS.get(field)
        return FieldProblem(field, _(template, value=exc.value or "") if template else str(exc))
    template = FIELD_PROBLEMS.get(exc.field)
    value = "" if exc.value is None else str(exc.value)
    return FieldProblem(exc.field, _(template, value=value) if template else str(exc))
