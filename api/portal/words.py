"""How the portal's pages word statuses, indicator kinds, alerts and bulk-file problems: Chinese
msgids (translated at render time), one language per page — never the API's bilingual text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from adoption.vocab import AlertKind, IndicatorKind
from api.web.i18n import N_, Translate
from standards.vocab import Status

STATUS_LABELS = {Status.CURRENT: N_("现行"), Status.UPCOMING: N_("即将实施"),
                 Status.WITHDRAWN: N_("废止")}
INDICATOR_LABELS = {IndicatorKind.FUNCTIONAL: N_("功能指标"),
                    IndicatorKind.PERFORMANCE: N_("性能指标"),
                    IndicatorKind.SAFETY: N_("安全指标")}
EVENT_LABELS = {"declared": N_("声明"), "alert_raised": N_("提醒"),
                "alert_cleared": N_("提醒解除"), "superseded": N_("被新声明代替"),
                "withdrawn": N_("撤回")}
ALERT_KIND_LABELS = {AlertKind.STANDARD_WITHDRAWN: N_("标准已废止"),
                     AlertKind.STANDARD_REPLACED: N_("标准已被代替"),
                     AlertKind.STANDARD_NOT_YET_IMPLEMENTED: N_("标准尚未实施"),
                     AlertKind.UNRESOLVED_CODE: N_("标准库中没有此标准")}

# what happened to a declared edition; {placeholders} are filled in by the page or the script
WITHDRAWN_REPLACED = N_("%(code)s 已于 %(on)s 废止，由 %(successors)s 代替。")
WITHDRAWN_REPLACED_UNDATED = N_("%(code)s 已废止，由 %(successors)s 代替。")
WITHDRAWN = N_("%(code)s 已于 %(on)s 废止。")
WITHDRAWN_UNDATED = N_("%(code)s 已废止。")
REPLACED = N_("%(code)s 已被 %(successors)s 代替，新标准自 %(on)s 起实施。")
REPLACED_UNDATED = N_("%(code)s 已被 %(successors)s 代替，新标准已实施。")
NOT_YET = N_("%(code)s 尚未实施，将于 %(on)s 起实施。")
UNRESOLVED = N_("标准库中没有 %(code)s，请核对标准号；标准入库后会自动关联。")

# problems of bulk-file rows, by what kind of problem and which column
ROW_PROBLEMS = {
    "other_enterprise": N_("不是本企业的统一社会信用代码：只能导入本企业的产品。"),
    "required_for_new_enterprise": N_("企业尚未登记：首次出现时须填写企业名称和行政区划代码。"),
    "row": N_("此行无法导入。"),
}
FIELD_PROBLEMS = {
    "uscc": N_("统一社会信用代码不正确：应为 18 位，校验码须正确。"),
    "enterprise": N_("企业名称过长（最多 300 个字符）。"),
    "region": N_("不是 GB/T 2260 行政区划代码（6 位数字）。"),
    "sector": N_("行业过长（最多 100 个字符）。"),
    "key_fields": N_("不是已知的重点领域（如 汽车、石化、装备制造）。"),
    "product": N_("产品名称不能为空，最多 300 个字符。"),
    "model": N_("产品型号过长（最多 200 个字符）。"),
    "category": N_("产品分类过长（最多 200 个字符）。"),
    "main": N_("主要产品应填 是 或 否。"),
    "standards": N_("不是标准号（如 GB/T 19001-2016），或指所有部分。"),
    "declared_on": N_("不是日期（如 2024-05-01）。"),
}


def standing_message(_: Translate, kind: AlertKind | str, code: str,
                     successors: Sequence[str], on: dt.date | str | None) -> str:
    """One sentence on a declared edition's standing, in the page's language."""
    kind = AlertKind(kind)
    day = on.isoformat() if isinstance(on, dt.date) else on
    joined = "、".join(successors)
    if kind is AlertKind.STANDARD_WITHDRAWN:
        if successors:
            return (_(WITHDRAWN_REPLACED, code=code, on=day, successors=joined) if day
                    else _(WITHDRAWN_REPLACED_UNDATED, code=code, successors=joined))
        return _(WITHDRAWN, code=code, on=day) if day else _(WITHDRAWN_UNDATED, code=code)
    if kind is AlertKind.STANDARD_REPLACED:
        return (_(REPLACED, code=code, successors=joined, on=day) if day
                else _(REPLACED_UNDATED, code=code, successors=joined))
    if kind is AlertKind.STANDARD_NOT_YET_IMPLEMENTED:
        return _(NOT_YET, code=code, on=day or "?")
    return _(UNRESOLVED, code=code)


def script_messages(_: Translate) -> dict[str, str]:
    """The messages portal.js fills in ({code}, {successors}, {effective_on}), one per warning
    kind (``-alone``: withdrawn with no successor), for data-msg-* attributes."""
    return {
        AlertKind.STANDARD_WITHDRAWN.value: _(WITHDRAWN_REPLACED_UNDATED, code="{code}",
                                              successors="{successors}"),
        f"{AlertKind.STANDARD_WITHDRAWN.value}-alone": _(WITHDRAWN_UNDATED, code="{code}"),
        AlertKind.STANDARD_REPLACED.value: _(REPLACED_UNDATED, code="{code}",
                                             successors="{successors}"),
        AlertKind.STANDARD_NOT_YET_IMPLEMENTED.value: _(NOT_YET, code="{code}",
                                                        on="{effective_on}"),
        AlertKind.UNRESOLVED_CODE.value: _(UNRESOLVED, code="{code}"),
    }
