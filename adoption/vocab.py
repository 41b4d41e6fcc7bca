"""Controlled vocabularies of the adoption package: account roles, key fields, alert kinds."""

from __future__ import annotations

from enum import StrEnum


class AccountRole(StrEnum):
    """Who an API token belongs to (DESIGN §1)."""

    STAFF = "staff"
    LEADER = "leader"
    ENTERPRISE = "enterprise"


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
    """Why an active declaration needs the enterprise's attention (names as DESIGN §7 reasons)."""

    STANDARD_WITHDRAWN = "standard_withdrawn"  # 废止 by its dates (replaced or abolished)
    STANDARD_REPLACED = "standard_replaced"  # a full successor is in force; no withdrawal date yet
    STANDARD_NOT_YET_IMPLEMENTED = "standard_not_yet_implemented"  # 即将实施
    UNRESOLVED_CODE = "unresolved_code"  # the catalogue does not hold the declared code


class AlertState(StrEnum):
    OPEN = "open"
    CLEARED = "cleared"
    ALL = "all"
