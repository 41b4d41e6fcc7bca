"""Which declarations raise which alert (pure rules over a standard's standing)."""

from __future__ import annotations

import datetime as dt

from adoption.alerts import AlertSpec, alert_for, alert_message
from adoption.vocab import AlertKind
from standards.repository import Standing
from standards.vocab import Status


def standing(status: Status, successors: tuple[str, ...] = (),
             in_force: tuple[str, ...] = ()) -> Standing:
    return Standing(standard_id=7, code="GB/T 30001-2008", title_zh="电动自行车", status=status,
                    effective_on=dt.date(2008, 11, 1), withdrawn_on=None,
                    successors=successors, successors_in_force=in_force)


def test_the_rules() -> None:
    assert alert_for("GB/T 9-2020", None) == AlertSpec(AlertKind.UNRESOLVED_CODE,
                                                       "GB/T 9-2020", None)
    assert alert_for("x", standing(Status.CURRENT)) is None
    assert alert_for("x", standing(Status.CURRENT, ("GB/T 30001-2030",))) is None
    replaced = alert_for("x", standing(Status.CURRENT, ("GB/T 30001-2019",),
                                       ("GB/T 30001-2019",)))
    assert replaced is not None and replaced.kind is AlertKind.STANDARD_REPLACED
    assert replaced.successors == ("GB/T 30001-2019",)
    withdrawn = alert_for("x", standing(Status.WITHDRAWN, ("GB/T 30001-2019",)))
    assert withdrawn == AlertSpec(AlertKind.STANDARD_WITHDRAWN, "GB/T 30001-2008", 7,
                                  ("GB/T 30001-2019",))
    upcoming = alert_for("x", standing(Status.UPCOMING))
    assert upcoming is not None and upcoming.effective_on == dt.date(2008, 11, 1)


def test_messages_are_chinese_first_and_name_the_successor() -> None:
    text = alert_message(AlertKind.STANDARD_WITHDRAWN, "GB/T 30001-2008", ["GB/T 30001-2019"],
                         None)
    assert text.startswith("GB/T 30001-2008 已废止，已被 GB/T 30001-2019 代替")
    assert "replaced by GB/T 30001-2019" in text
    assert "2030-01-01" in alert_message(AlertKind.STANDARD_NOT_YET_IMPLEMENTED, "GB 1-2029",
                                         [], dt.date(2030, 1, 1))
