"""Controlled vocabularies of the adoption package: account roles, key fields, alert kinds."""

from __future__ import annotations

from enum import StrEnum


class AccountRole(StrEnum):
    """Who an API token belongs to: staff, leader or enterprise."""

    STAFF = "staff"
    LEADER = "leader"
    ENTERPRISE = "enterprise"


class RegistrationStatus(StrEnum):
    """Where an enterprise's registration stands: staff approve or reject a pending one."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class KeyField(StrEnum):
    """重点领域: the fields provincial plans single out (automotive + petrochemical ≥ 90 %)."""

    AUTOMOTIVE = "automotive"
    PETROCHEMICAL = "petrochemical"
    EQUIPMENT = "equipment"
    ELECTRONICS = "electronics"
    FOOD = "food"
    PHARMACEUTICAL = "pharmaceutical"
    NEW_MATERIALS = "new-materials"
    NEW_ENERGY = "new-energy"
    AGRICULTURE = "agriculture"
    TEXTILE = "textile"
    METALLURGY = "metallurgy"
    BUILDING_MATERIALS = "building-materials"


KEY_FIELD_LABELS: dict[str, KeyField] = {
    "汽车": KeyField.AUTOMOTIVE,
    "汽车制造": KeyField.AUTOMOTIVE,
    "石化": KeyField.PETROCHEMICAL,
    "石油化工": KeyField.PETROCHEMICAL,
    "化工": KeyField.PETROCHEMICAL,
    "装备制造": KeyField.EQUIPMENT,
    "装备": KeyField.EQUIPMENT,
    "电子信息": KeyField.ELECTRONICS,
    "电子": KeyField.ELECTRONICS,
    "食品": KeyField.FOOD,
    "医药": KeyField.PHARMACEUTICAL,
    "生物医药": KeyField.PHARMACEUTICAL,
    "新材料": KeyField.NEW_MATERIALS,
    "新能源": KeyField.NEW_ENERGY,
    "农业": KeyField.AGRICULTURE,
    "农产品": KeyField.AGRICULTURE,
    "纺织": KeyField.TEXTILE,
    "冶金": KeyField.METALLURGY,
    "建材": KeyField.BUILDING_MATERIALS,
}
"""Chinese labels files use for each key field (English values are accepted as they are)."""


class DeclarationState(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    ALL = "all"


class AlertKind(StrEnum):
    """Why an active declaration needs the enterprise's attention (named as the not-counted
    reasons of docs/indicators.md)."""

    STANDARD_WITHDRAWN = "standard_withdrawn"  # 废止 by its dates (replaced or abolished)
    STANDARD_REPLACED = "standard_replaced"  # a full successor is in force; no withdrawal date yet
    STANDARD_NOT_YET_IMPLEMENTED = "standard_not_yet_implemented"  # 即将实施
    UNRESOLVED_CODE = "unresolved_code"  # the catalogue does not hold the declared code


class AlertState(StrEnum):
    OPEN = "open"
    CLEARED = "cleared"
    ALL = "all"


class DraftingStage(StrEnum):
    """Stages of a local-standard drafting project (地方标准制修订), in their usual order; a
    project may also be postponed (延期, a new deadline) or cancelled (撤销, final)."""

    INITIATED = "initiated"  # 立项
    DRAFTING = "drafting"  # 起草
    CONSULTATION = "consultation"  # 征求意见
    REVIEW = "review"  # 审查
    SUBMITTED = "submitted"  # 报批
    PUBLISHED = "published"  # 发布
    FILED = "filed"  # 备案
    POSTPONED = "postponed"  # 延期
    CANCELLED = "cancelled"  # 撤销


class ProjectKind(StrEnum):
    """制定 (a new standard) or 修订 (a revision of an existing one)."""

    NEW = "new"
    REVISION = "revision"


class Domain(StrEnum):
    """Domains a standard or drafting project belongs to (plans set targets per domain)."""

    SERVICE = "service"  # 服务业
    AGRICULTURE = "agriculture"  # 农业
    INDUSTRY = "industry"  # 工业
    SOCIAL = "social"  # 社会事业, 社会管理和公共服务
    CULTURE = "culture"  # 文化产业
    SPECIAL_RESOURCE = "special-resource"  # 特色资源产业
    ECOLOGY = "ecology"  # 生态环境


class GoalStatus(StrEnum):
    """Where a goal stands on a day (rule: adoption.goals.status_of)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"


class IndicatorKind(StrEnum):
    """What an indicator of an enterprise standard describes (企业标准自我声明, since 2024)."""

    FUNCTIONAL = "functional"  # 功能指标
    PERFORMANCE = "performance"  # 性能指标
    SAFETY = "safety"  # 安全指标


INDICATOR_KIND_LABELS: dict[str, IndicatorKind] = {
    "功能": IndicatorKind.FUNCTIONAL,
    "功能指标": IndicatorKind.FUNCTIONAL,
    "性能": IndicatorKind.PERFORMANCE,
    "性能指标": IndicatorKind.PERFORMANCE,
    "安全": IndicatorKind.SAFETY,
    "安全指标": IndicatorKind.SAFETY,
}
"""Chinese labels of each indicator kind (English values are accepted as they are)."""


class WatchKind(StrEnum):
    """What a watch follows (a person's 关注)."""

    CODE = "code"  # a standard's family: every edition of GB/T 19001
    PREFIX = "prefix"  # a code prefix: QC/T, DB22/T, GB/T 7714 (number prefix too)
    ICS = "ics"  # an ICS class or group: 43.040, 43
    CCS = "ccs"  # a CCS class: T24, T
    REGION = "region"  # a region's local standards: 22, 2201
    ORGANISATION = "organisation"  # a drafting organisation, committee or department (words)
    QUERY = "query"  # keywords: every word in the title or scope


class WatchEvent(StrEnum):
    """What happened to a watched standard."""

    NEW = "new"  # a standard new to the catalogue
    NEW_EDITION = "new_edition"  # a new edition of a family already held
    REPLACED = "replaced"  # withdrawn and replaced by another edition
    WITHDRAWN = "withdrawn"  # withdrawn without a successor
    UPCOMING = "upcoming"  # implementation within the watch's N days
    CHANGED = "changed"  # another recorded field changed (title, dates, committee ...)
    STAGE = "stage"  # a drafting project (制修订项目) reached a stage (立项 ... 发布, 延期, 撤销)


class WatchDigest(StrEnum):
    """When a watch's notifications are mailed."""

    DAILY = "daily"  # one mail a day (the daily run)
    IMMEDIATE = "immediate"  # at every run (the lead may run it after each import)
class ReviewConclusion(StrEnum):
    """复审结论: what a review of a local standard concluded."""

    CONTINUE = "continue"  # 继续有效: the clock restarts on the review day
    REVISE = "revise"  # 修订
    ABOLISH = "abolish"  # 废止


class FeedbackKind(StrEnum):
    """Implementation feedback on a standard (实施信息反馈)."""

    PROBLEM = "problem"  # 问题
    SUGGESTION = "suggestion"  # 建议
    CONFLICT = "conflict"  # 与其他标准冲突
    OUTDATED = "outdated"  # 已过时


class FeedbackStatus(StrEnum):
    """Moderation of a feedback: pending until staff accept or reject it."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Grade(StrEnum):
    """Implementation grade of a local standard (强 / 中 / 弱)."""

    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


class TriageAction(StrEnum):
    """What to do with a local standard in the cutting-and-merging triage."""

    KEEP = "keep"  # 保留
    REVISE = "revise"  # 修订
    CONVERT = "convert"  # 转化为团体标准
    MERGE = "merge"  # 整合
    ABOLISH = "abolish"  # 废止
