"""Which declarations need attention, and how to say it: pure rules over a standard's standing.

An active declaration raises an alert when its code is unresolved, its edition is withdrawn
(with the editions replacing it), a full successor is in force although the catalogue has no
withdrawal date for it yet, or the edition is not yet implemented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from adoption.vocab import AlertKind
from standards.repository import Standing
from standards.vocab import Status


@dataclass(frozen=True, slots=True)
class AlertSpec:
    """An alert as the rules derive it (compared with the stored open alert on refresh)."""

    kind: AlertKind
    code: str
    standard_id: int | None
    successors: tuple[str, ...] = ()
    effective_on: dt.date | None = None


def alert_for(code_key: str, standing: Standing | None) -> AlertSpec | None:
    """The alert an active declaration of ``code_key`` deserves, given the standing of the
    edition it resolves to (``None``: unresolved)."""
    if standing is None:
        return AlertSpec(AlertKind.UNRESOLVED_CODE, code_key, None)
    if standing.status is Status.WITHDRAWN:
        return AlertSpec(AlertKind.STANDARD_WITHDRAWN, standing.code, standing.standard_id,
                         standing.successors)
    if standing.status is Status.UPCOMING:
        return AlertSpec(AlertKind.STANDARD_NOT_YET_IMPLEMENTED, standing.code,
                         standing.standard_id, (), standing.effective_on)
    if standing.successors_in_force:
        return AlertSpec(AlertKind.STANDARD_REPLACED, standing.code, standing.standard_id,
                         standing.successors_in_force)
    return None


def alert_message(kind: AlertKind, code: str, successors: list[str] | tuple[str, ...],
                  effective_on: dt.date | None) -> str:
    """One sentence, Chinese first with English beside it."""
    joined = "、".join(successors)
    if kind is AlertKind.UNRESOLVED_CODE:
        return (f"{code} 未在标准库中找到，请核对标准编号 "
                f"(not in the catalogue: check the code)")
    if kind is AlertKind.STANDARD_WITHDRAWN:
        if successors:
            return (f"{code} 已废止，已被 {joined} 代替，请更新自我声明 "
                    f"(withdrawn, replaced by {', '.join(successors)}: update the declaration)")
        return f"{code} 已废止，请更新自我声明 (withdrawn: update the declaration)"
    if kind is AlertKind.STANDARD_REPLACED:
        return (f"{code} 已被 {joined} 代替且新标准已实施，请更新自我声明 "
                f"(replaced by {', '.join(successors)}, now in force: update the declaration)")
    when = effective_on.isoformat() if effective_on else "?"
    return f"{code} 尚未实施，实施日期 {when} (not yet implemented; in force from {when})"
