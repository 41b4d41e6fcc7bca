"""Mapping profiles: what each source's labels mean.

A profile maps the labels a file prints (``标准号``, ``STD_CODE``, ``reference``, ``id``...) to
*targets*, the names the mapping understands:

* StandardInput-like fields: ``code``, ``title_zh``, ``title_en``, ``status`` (the source's
  word), ``nature``, ``published``, ``implemented``, ``withdrawn``, ``ics``, ``ccs``, ``scope``,
  ``department``, ``technical_committee``, ``drafters``, ``replaces``, ``partially_replaces``,
  ``replaced_by``, ``source_url``, ``domains``;
* adoption: ``adoption`` (free text such as ``ISO 9001:2015, IDT`` or ``等同 ISO/TS 9002``),
  ``adoption_flag`` (openstd's 采), ``adopts`` (structured ``(code, degree word)`` pairs);
* gatekeeping: ``stage`` (ISO harmonized stage), ``doctype``, ``record_kind`` (国标计划...);
* ``tags`` (page badges: nature, status or something else), ``note`` (free remarks, kept and
  searched for 代替 ...), ``relation:<type>`` (Relaton relation types), ``extra:<key>`` (kept
  verbatim), ``extra_date:<key>`` (a date kept as ISO text), ``skip``.

Readers may hand over target names directly for what they know from a file's structure.
Each profile also names the status table (``importers.vocab``) its source's words follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from importers import vocab
from importers.errors import MappingError
from standards.vocab import Status

SCALAR_TARGETS = frozenset(
    {
        "code",
        "title_zh",
        "title_en",
        "status",
        "nature",
        "published",
        "implemented",
        "withdrawn",
        "ccs",
        "scope",
        "department",
        "technical_committee",
        "source_url",
        "stage",
        "doctype",
        "record_kind",
        "adoption_flag",
    }
)
LIST_TARGETS = frozenset(
    {
        "ics",
        "drafters",
        "replaces",
        "partially_replaces",
        "replaced_by",
        "adoption",
        "adopts",
        "domains",
        "note",
        "tags",
    }
)
PREFIXED_TARGETS = ("extra:", "extra_date:", "relation:")

# What staff may name in ``--column HEADER=field`` (StandardInput names accepted as well).
COLUMN_TARGETS = (
    "code",
    "title_zh",
    "title_en",
    "status",
    "nature",
    "published",
    "implemented",
    "withdrawn",
    "ics",
    "ccs",
    "scope",
    "department",
    "technical_committee",
    "drafters",
    "replaces",
    "partially_replaces",
    "replaced_by",
    "adoption",
    "source_url",
    "domains",
)
_COLUMN_TARGET_SYNONYMS = {
    "published_on": "published",
    "implemented_on": "implemented",
    "withdrawn_on": "withdrawn",
    "adopts": "adoption",
    "ignore": "skip",
    "skip": "skip",
}


def label_key(label: str) -> str:
    """How labels are compared: no whitespace (incl. NBSP, U+3000), no trailing colon, casefold."""
    return "".join(label.replace("\u00a0", " ").split()).rstrip(":：").casefold()


def _labels(
    mapping: Mapping[str, str], identity: Iterable[str] = SCALAR_TARGETS | LIST_TARGETS
) -> dict[str, str]:
    """A profile's label table: target names map to themselves, then the source's labels."""
    table = {label_key(target): target for target in identity}
    table.update({label_key(label): target for label, target in mapping.items()})
    return table


# DESIGN §6.1 headers (Chinese or English), shared by every Chinese source.
CATALOGUE_LABELS = {
    "标准号": "code",
    "标准编号": "code",
    "编号": "code",
    "标准名称": "title_zh",
    "中文名称": "title_zh",
    "中文标准名称": "title_zh",
    "名称": "title_zh",
    "英文名称": "title_en",
    "英文标准名称": "title_en",
    "状态": "status",
    "标准状态": "status",
    "发布日期": "published",
    "批准日期": "published",
    "实施日期": "implemented",
    "废止日期": "withdrawn",
    "ICS": "ics",
    "CCS": "ccs",
    "中国标准分类号": "ccs",
    "采标情况": "adoption",
    "采用国际标准": "adoption",
    "代替标准": "replaces",
    "类别": "nature",
    "属性": "nature",
    "标准性质": "nature",
    "归口单位": "technical_committee",
    "主管部门": "department",
    "起草单位": "drafters",
}

# Labels of std.samr / openstd / hbba / dbba detail, list and search pages.
PLATFORM_PAGE_LABELS = {
    **CATALOGUE_LABELS,
    "中文标题": "title_zh",
    "英文标题": "title_en",
    "国际标准分类号": "ics",
    "国际标准分类号（ICS）": "ics",
    "国际标准分类号(ICS)": "ics",
    "中国标准分类号（CCS）": "ccs",
    "中国标准分类号(CCS)": "ccs",
    "全部代替标准": "replaces",
    "部分代替标准": "partially_replaces",
    "被代替标准": "replaced_by",
    "采标关系": "adoption",
    "是否采标": "adoption_flag",
    "归口部门": "technical_committee",
    "批准发布部门": "department",
    "备注": "note",
    "范围": "scope",
    "发布于": "published",
    "实施于": "implemented",
    "废止于": "withdrawn",
    "备案号": "extra:备案号",
    "备案公告": "extra:备案公告",
    "备案日期": "extra_date:备案日期",
    # On std.samr plan rows 标准编号 is the standard the plan produced, not the row's code.
    "标准编号": "extra:标准编号",
    "序号": "skip",
    "操作": "skip",
    "标准文本": "skip",
}

TTBZ_LABELS = {**PLATFORM_PAGE_LABELS, "标准编号": "code", "团体名称": "technical_committee"}

SAMR_JSON_LABELS = {
    "STD_CODE": "code",
    "C_C_NAME": "title_zh",
    "C_E_NAME": "title_en",
    "E_NAME": "title_en",
    "STATE": "status",
    "STD_NATURE": "nature",
    "ISSUE_DATE": "published",
    "ACT_DATE": "implemented",
    "ABOLISH_DATE": "withdrawn",
    "CCS": "ccs",
    "ICS": "ics",
    "CHARGE_DEPT": "department",
    "TECH_COMMITTEE": "technical_committee",
    "REVISE_STD_CODES": "replaces",
    "RECORD_NO": "extra:备案号",
    "NOTICE_NO": "extra:备案公告",
    "STD_ZXD": "extra:制修订",
    "STD_LEVEL": "extra:标准层级",
    "TRADE_DEPT_FULL": "extra:所属行业",
    "TRADE_CLASSIFIED": "extra:行业分类",
    "STD_CATEGORY": "extra:标准类别",
    "id": "extra:std.samr id",
}

HBBA_JSON_LABELS = {
    "code": "code",
    "chName": "title_zh",
    "enName": "title_en",
    "status": "status",
    "issueDate": "published",
    "actDate": "implemented",
    "chargeDept": "department",
    "recordNo": "extra:备案号",
    "recordDate": "extra_date:备案日期",
    "industry": "extra:行业",
    "pk": "extra:hbba pk",
}

ISO_OPEN_DATA_LABELS = {
    "reference": "code",
    "publicationDate": "published",
    "icsCode": "ics",
    "ownerCommittee": "technical_committee",
    "currentStage": "stage",
    "scope": "scope",
    "title": "title_en",
    "edition": "extra:edition",
    "deliverableType": "extra:deliverable_type",
    "supplementType": "extra:supplement_type",
    "replaces": "extra:replaces_ids",
    "replacedBy": "extra:replaced_by_ids",
    "languages": "extra:languages",
    "id": "extra:iso_id",
}

COMPACT_LABELS = {
    "id": "code",
    "title_fr": "extra:title_fr",
    "title_ja": "extra:title_ja",
    "issued": "published",
    "confirmed": "extra_date:confirmed",
    "obsoleted": "withdrawn",
    "stable_until": "extra_date:stable_until",
    "edition": "extra:edition",
    "tc": "technical_committee",
    "obsoletes": "relation:obsoletes",
    "updated_by": "relation:updatedBy",
    "src": "source_url",
}


@dataclass(frozen=True, slots=True)
class MappingProfile:
    """What one family of sources means by its labels, and which status words it uses."""

    name: str
    labels: dict[str, str]
    status_table: Mapping[str, Status | None] = field(default_factory=dict)
    unknown_to_extra: bool = False
    # label as found in a file -> how to handle it; filled on first sight (labels repeat).
    specs: dict[str, tuple[int, str]] = field(default_factory=dict, compare=False, repr=False)

    def target(self, label: str) -> str | None:
        """The target a label maps to; None when the profile does not know it."""
        found = self.labels.get(label)
        if found is None:
            found = self.labels.get(label_key(label))
            if found is None and label.startswith(PREFIXED_TARGETS):
                return label
        return found


PROFILES: dict[str, MappingProfile] = {
    profile.name: profile
    for profile in (
        MappingProfile(
            "tabular",
            _labels({**CATALOGUE_LABELS, **_COLUMN_TARGET_SYNONYMS}, COLUMN_TARGETS),
            vocab.TABULAR_STATUS,
        ),
        MappingProfile(
            "platform-page", _labels(PLATFORM_PAGE_LABELS), vocab.CHINESE_PLATFORM_STATUS, True
        ),
        MappingProfile("ttbz-page", _labels(TTBZ_LABELS), vocab.CHINESE_PLATFORM_STATUS, True),
        MappingProfile("samr-json", _labels(SAMR_JSON_LABELS), vocab.CHINESE_PLATFORM_STATUS),
        MappingProfile("hbba-json", _labels(HBBA_JSON_LABELS), vocab.CHINESE_PLATFORM_STATUS),
        MappingProfile("relaton", _labels({}), vocab.RELATON_STATUS),
        MappingProfile("relaton-gb", _labels({}), vocab.RELATON_GB_STATUS),
        MappingProfile("iso-open-data", _labels(ISO_OPEN_DATA_LABELS)),
        MappingProfile(
            "relaton-compact", _labels(COMPACT_LABELS), {**vocab.IEC_STATUS, **vocab.JIS_STATUS}
        ),
        MappingProfile("sts", _labels({}), vocab.RELATON_STATUS),
    )
}


def resolve_column(header: str, column_map: Mapping[str, str] | None = None) -> str | None:
    """The target a table header maps to (``--column`` first, then DESIGN §6.1 aliases).

    Returns ``"skip"`` for a header mapped to ``ignore``, None for an unknown header.
    """
    key = label_key(header)
    if column_map:
        for mapped_header, target in column_map.items():
            if label_key(mapped_header) == key:
                return column_target(target)
    return PROFILES["tabular"].labels.get(key)


def column_target(name: str) -> str:
    """Validate a ``--column`` target name; raises MappingError listing the allowed ones."""
    text = name.strip()
    if text.startswith(("extra.", "extra:")):
        key = text[6:].strip()
        if key:
            return f"extra:{key}"
    lowered = text.casefold()
    lowered = _COLUMN_TARGET_SYNONYMS.get(lowered, lowered)
    if lowered in COLUMN_TARGETS or lowered == "skip":
        return lowered
    raise MappingError(
        "column",
        name,
        f"unknown field {name!r} for --column; use one of {', '.join(COLUMN_TARGETS)}, "
        "extra.NAME or ignore",
    )


def profile_named(name: str) -> MappingProfile:
    """The mapping profile a reader asked for."""
    return PROFILES[name]
