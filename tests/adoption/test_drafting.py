"""Drafting vocabulary, the as-of state of a project from its history, and domains: pure
functions, hand-checked cases."""

from __future__ import annotations

import datetime as dt

import pytest

from adoption.domains import (
    Rule,
    RuleField,
    check_rule,
    domains_of,
    load_default_rules,
    parse_domain,
    parse_domains,
)
from adoption.drafting import entry, parse_kind, parse_kinds, parse_stage, state_at
from adoption.errors import InvalidFieldError
from adoption.vocab import Domain, DraftingStage, ProjectKind

D = dt.date


@pytest.mark.parametrize(("label", "stage"), [
    ("立项", DraftingStage.INITIATED), ("起草", DraftingStage.DRAFTING),
    ("征求意见", DraftingStage.CONSULTATION), ("征求意见稿", DraftingStage.CONSULTATION),
    ("审查", DraftingStage.REVIEW), ("技术审查", DraftingStage.REVIEW),
    ("报批", DraftingStage.SUBMITTED), ("发布", DraftingStage.PUBLISHED),
    ("备案", DraftingStage.FILED), ("延期", DraftingStage.POSTPONED),
    ("撤销", DraftingStage.CANCELLED), ("initiated", DraftingStage.INITIATED),
    (" Published ", DraftingStage.PUBLISHED), ("CANCELLED", DraftingStage.CANCELLED),
    ("submitted", DraftingStage.SUBMITTED), ("ｒｅｖｉｅｗ", DraftingStage.REVIEW),
])
def test_stage_labels(label: str, stage: DraftingStage) -> None:
    assert parse_stage(label) is stage


def test_unknown_stage_names_the_value_and_the_accepted_ones() -> None:
    with pytest.raises(InvalidFieldError) as caught:
        parse_stage("暂停")
    assert "'暂停'" in str(caught.value) and "立项 initiated" in str(caught.value)
    assert caught.value.field == "stage"


def test_kinds() -> None:
    assert parse_kind("制定") is ProjectKind.NEW
    assert parse_kind("修订") is ProjectKind.REVISION
    assert parse_kinds("new,revised") == [ProjectKind.NEW, ProjectKind.REVISION]
    assert parse_kinds("修订，制定") == [ProjectKind.NEW, ProjectKind.REVISION]
    assert parse_kinds("new") == [ProjectKind.NEW]
    with pytest.raises(InvalidFieldError):
        parse_kind("废止")
    with pytest.raises(InvalidFieldError):
        parse_kinds(",")


HISTORY = [
    entry(DraftingStage.INITIATED, D(2020, 1, 10)),
    entry(DraftingStage.DRAFTING, D(2020, 3, 1)),
    entry(DraftingStage.REVIEW, D(2020, 6, 1)),
    entry(DraftingStage.POSTPONED, D(2020, 6, 20), deadline=D(2020, 12, 31)),
    entry(DraftingStage.SUBMITTED, D(2020, 9, 1)),
    entry(DraftingStage.PUBLISHED, D(2020, 11, 15)),
    entry(DraftingStage.FILED, D(2020, 12, 20)),
]


def test_state_follows_the_history_day_by_day() -> None:
    deadline = D(2020, 6, 30)
    before = state_at(HISTORY, deadline, D(2020, 1, 9))
    assert before.stage is None and not before.open and not before.overdue
    first = state_at(HISTORY, deadline, D(2020, 1, 10))
    assert first.stage is DraftingStage.INITIATED and first.open
    review = state_at(HISTORY, deadline, D(2020, 6, 19))
    assert review.stage is DraftingStage.REVIEW and review.deadline == deadline
    postponed = state_at(HISTORY, deadline, D(2020, 7, 5))
    # the postponement moved the deadline: 2020-07-05 is no longer overdue
    assert postponed.stage is DraftingStage.REVIEW and postponed.postponed
    assert postponed.deadline == D(2020, 12, 31) and not postponed.overdue
    published = state_at(HISTORY, deadline, D(2020, 11, 15))
    assert published.stage is DraftingStage.PUBLISHED
    assert published.published_on == D(2020, 11, 15) and not published.open
    filed = state_at(HISTORY, deadline, D(2021, 1, 1))
    assert filed.stage is DraftingStage.FILED and filed.published_on == D(2020, 11, 15)


def test_overdue_starts_the_day_after_the_deadline() -> None:
    history = [entry(DraftingStage.DRAFTING, D(2020, 3, 1))]
    on_deadline = state_at(history, D(2020, 6, 30), D(2020, 6, 30))
    assert on_deadline.open and not on_deadline.overdue
    day_after = state_at(history, D(2020, 6, 30), D(2020, 7, 1))
    assert day_after.overdue and day_after.days_overdue == 1
    no_deadline = state_at(history, None, D(2030, 1, 1))
    assert no_deadline.open and not no_deadline.overdue


def test_cancellation_is_final_and_never_overdue() -> None:
    history = [entry(DraftingStage.DRAFTING, D(2020, 3, 1)),
               entry(DraftingStage.CANCELLED, D(2020, 5, 1)),
               entry(DraftingStage.REVIEW, D(2020, 6, 1))]
    before = state_at(history, D(2020, 4, 1), D(2020, 4, 30))
    assert before.stage is DraftingStage.DRAFTING and before.overdue
    after = state_at(history, D(2020, 4, 1), D(2020, 7, 1))
    assert after.stage is DraftingStage.CANCELLED and after.cancelled
    assert after.stage_on == D(2020, 5, 1) and not after.open and not after.overdue


def test_same_day_stages_take_the_later_one() -> None:
    history = [entry(DraftingStage.REVIEW, D(2020, 6, 1)),
               entry(DraftingStage.SUBMITTED, D(2020, 6, 1))]
    assert state_at(history, None, D(2020, 6, 1)).stage is DraftingStage.SUBMITTED


# ------------------------------------------------------------------------------------------
# Domains
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "domain"), [
    ("服务业", Domain.SERVICE), ("农业", Domain.AGRICULTURE), ("工业", Domain.INDUSTRY),
    ("社会事业", Domain.SOCIAL), ("社会管理和公共服务", Domain.SOCIAL),
    ("文化", Domain.CULTURE), ("文化产业", Domain.CULTURE),
    ("特色资源", Domain.SPECIAL_RESOURCE), ("特色资源产业", Domain.SPECIAL_RESOURCE),
    ("service", Domain.SERVICE), ("Special-Resource", Domain.SPECIAL_RESOURCE),
])
def test_domain_labels(label: str, domain: Domain) -> None:
    assert parse_domain(label) is domain


def test_domain_cells_and_unknown_labels() -> None:
    assert parse_domains("服务业；文化产业") == [Domain.CULTURE, Domain.SERVICE]
    assert parse_domains("农业、农业") == [Domain.AGRICULTURE]
    assert parse_domains(None) == []
    with pytest.raises(InvalidFieldError) as caught:
        parse_domain("航天")
    assert "'航天'" in str(caught.value)


def test_rules_over_ics_ccs_and_title_words() -> None:
    rules = [Rule(RuleField.ICS, "03.080", Domain.SERVICE),
             Rule(RuleField.CCS, "B", Domain.AGRICULTURE),
             Rule(RuleField.KEYWORD, "人参", Domain.SPECIAL_RESOURCE)]
    assert domains_of(rules, ics=["03.080.20"], ccs=None, title_zh="x") == [Domain.SERVICE]
    # 03.08 is not a prefix of the group 03.080 (prefixes end at a dot)
    assert domains_of([Rule(RuleField.ICS, "03.08", Domain.SERVICE)], ics=["03.080"],
                      ccs=None, title_zh=None) == []
    assert domains_of(rules, ics=["65.020"], ccs="B31", title_zh="人参种植技术规程") == [
        Domain.AGRICULTURE, Domain.SPECIAL_RESOURCE]
    assert domains_of(rules, ics=[], ccs=None, title_zh="钢丝绳",
                      stated=["服务业", "不认识"]) == [Domain.SERVICE]


def test_shipped_default_rules() -> None:
    defaults = {(r.field, r.pattern): r.domain for r, _note in load_default_rules()}
    assert defaults[(RuleField.ICS, "03.080")] is Domain.SERVICE
    assert defaults[(RuleField.CCS, "A16")] is Domain.SERVICE
    assert defaults[(RuleField.CCS, "B")] is Domain.AGRICULTURE
    for word in ("人参", "梅花鹿", "林蛙", "矿泉水", "硅藻土", "油页岩", "镁", "钼", "镍", "林木"):
        assert defaults[(RuleField.KEYWORD, word)] is Domain.SPECIAL_RESOURCE
    rules = [r for r, _ in load_default_rules()]
    assert Domain.SPECIAL_RESOURCE in domains_of(rules, ics=[], ccs="H61",
                                                 title_zh="镁合金压铸件")


def test_rule_checks() -> None:
    assert check_rule("CCS", "a16", "服务业") == Rule(RuleField.CCS, "A16", Domain.SERVICE)
    with pytest.raises(InvalidFieldError):
        check_rule("title", "x", "service")
    with pytest.raises(InvalidFieldError):
        check_rule("keyword", "  ", "service")
    with pytest.raises(InvalidFieldError):
        check_rule("keyword", "x", "nothing")
