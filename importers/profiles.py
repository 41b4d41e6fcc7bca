"""Mapping profiles: what each source's labels mean.

A profile maps the labels a file prints (``标准号``, ``STD_CODE``, ``reference``, ``id``...) to
*targets*, the names the mapping understands:

* StandardInput-like fields: ``code``, ``title_zh``, ``title_en``, ``title`` (Chinese or
  English, told by its script), ``status`` (the source's word), ``nature``, ``published``,
  ``implemented``, ``withdrawn``, ``ics``, ``ccs``, ``scope``, ``department``,
  ``technical_committee``, ``drafters``, ``replaces``, ``partially_replaces``,
  ``replaced_by``, ``source_url``, ``domains``;
* adoption: ``adoption`` (free text such as ``ISO 9001:2015, IDT`` or ``等同 ISO/TS 9002``),
  ``adoption_flag`` (openstd's 采), ``adopts`` (structured ``(code, degree word)`` pairs);
* gatekeeping: ``stage`` (ISO harmonized stage), ``doctype``, ``record_kind`` (the level or
  kind a list prints: 国家标准 kept, 国标计划 refused, 推荐性 read as the nature);
* ``tags`` (page badges: nature, status or something else), ``note`` (free remarks, kept and
  searched for 代替 ...), ``relation:<type>`` (Relaton relation types), ``extra:<key>`` (kept
  verbatim), ``extra_date:<key>`` (a date kept as ISO text), ``skip``.

Readers may hand over target names directly for what they know from a file's structure.
Each profile also names the status table (``importers.vocab``) its source's words follow.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from importers import vocab
from importers.errors import MappingError
from standards.vocab import Status

SCALAR_TARGETS = frozenset(
    {
        "code",
        "title",
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
        "references",
        "domains",
        "note",
        "tags",
    }
)
PREFIXED_TARGETS = ("extra:", "extra_date:", "relation:")

# What staff may name in ``--column HEADER=field`` (StandardInput names accepted as well).
COLUMN_TARGETS = (
    "code",
    "title",
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
    "references",
    "source_url",
    "note",
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
    """How labels are compared: NFKC (full-width letters and brackets), case folded, without
    whitespace (incl. NBSP, U+3000) or punctuation, so ``issueDate``, ``issue_date``,
    ``Issue Date`` and ``发布日期：`` each meet their one entry."""
    folded = unicodedata.normalize("NFKC", label).casefold()
    return "".join(char for char in folded if unicodedata.category(char)[0] not in "PZC")


def _labels(
    mapping: Mapping[str, str], identity: Iterable[str] = SCALAR_TARGETS | LIST_TARGETS
) -> dict[str, str]:
    """A profile's label table: target names map to themselves, then the source's labels."""
    table = {label_key(target): target for target in identity}
    table.update({label_key(label): target for label, target in mapping.items()})
    return table


# THE alias table of list imports: CSV / TSV / XLSX headers and the keys of generic JSON and
# JSON lines alike (docs/formats.md is generated from it). Labels compare by ``label_key``:
# case, spaces and punctuation do not matter, so ``issueDate`` also covers ``issue_date``,
# ``ISSUE DATE`` and ``Issue-Date``. Chinese first, then English and the camelCase /
# snake_case keys real exports use. ``extra:NAME`` keeps a value verbatim under NAME;
# ``extra_date:NAME`` keeps a date; ``record_kind`` is the level or kind a list prints
# (国家标准, 团标: kept; a nature word counts as the nature; a plan project is refused).
CATALOGUE_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("标准号", "标准编号", "编号", "标准代码", "标准号码", "code", "stdCode",
             "standardCode", "standardNo", "standardNumber", "stdNo", "stdNum", "std_id",
             "Standard No.", "docidentifier"),
    "title_zh": ("标准名称", "中文名称", "中文标准名称", "标准中文名称", "名称", "中文题名",
                 "标准题名", "title_zh", "titleCn", "titleChinese", "chName", "cnName",
                 "zhName", "chineseName", "chineseTitle", "cName"),
    "title_en": ("英文名称", "英文标准名称", "标准英文名称", "英文题名", "title_en", "enName",
                 "englishName", "englishTitle", "titleEnglish", "english", "eName"),
    "title": ("title", "name", "standardName", "stdName", "题名", "标题"),
    "status": ("状态", "标准状态", "现行状态", "有效状态", "有效性", "时效性", "status",
               "state", "stdStatus", "standardStatus", "standardState", "validity"),
    "nature": ("类别", "属性", "标准属性", "标准性质", "性质", "强制性/推荐性", "nature",
               "stdNature", "standardNature"),
    "record_kind": ("标准类型", "标准类别", "标准层级", "标准级别", "层级", "type", "level",
                    "stdType", "standardType", "standardLevel", "stdLevel"),
    "published": ("发布日期", "批准日期", "发布时间", "颁布日期", "批准发布日期", "公布日期",
                  "published",
                  "publishedOn", "publishDate", "publicationDate", "issueDate", "issuedDate",
                  "issuedOn", "releaseDate", "approvalDate", "approvedDate", "pubDate",
                  "dateIssued", "dateOfIssue", "dateOfPublication"),
    "implemented": ("实施日期", "实施时间", "施行日期", "生效日期", "执行日期", "implemented",
                    "implementedOn", "implementDate", "implementationDate", "implDate",
                    "actDate", "effectiveDate", "effectDate", "executeDate", "inForceDate",
                    "dateImplemented", "dateOfImplementation"),
    "withdrawn": ("废止日期", "废止时间", "作废日期", "失效日期", "withdrawn", "withdrawnOn",
                  "withdrawnDate", "withdrawalDate", "abolishDate", "abolishedDate",
                  "abolitionDate", "abolDate", "obsoleteDate", "obsoletedDate", "repealDate",
                  "expiryDate", "dateWithdrawn", "dateOfWithdrawal"),
    "ics": ("ICS", "ICS号", "ICS分类", "ICS分类号", "国际标准分类号", "国际标准分类号(ICS)",
            "国际标准分类", "icsCode", "icsCodes"),
    "ccs": ("CCS", "CCS号", "CCS分类号", "中国标准分类号", "中国标准分类号(CCS)", "中标分类",
            "中标分类号", "ccsCode"),
    "adoption": ("采标情况", "采用国际标准", "采标", "是否采标", "采标号", "采用标准", "采标关系",
                 "一致性程度", "adoption", "adopts", "adopted", "adoptedFrom",
                 "adoptedStandard", "internationalStandard", "adoptedInternationalStandard"),
    "replaces": ("代替标准", "替代标准", "代替", "替代", "全部代替标准", "代替标准号",
                 "替代标准号", "被替代的标准", "replaces", "replace", "replacing", "supersedes",
                 "replacedStandard", "replacedStandards", "obsoletes"),
    "partially_replaces": ("部分代替标准", "部分代替", "partiallyReplaces"),
    "references": ("规范性引用文件", "规范性引用", "规范性引用标准", "引用标准", "引用文件",
                   "引用标准号", "normativeReferences", "normative_references", "cites"),
    "replaced_by": ("被代替标准", "被替代标准", "被代替", "被替代", "被代替标准号",
                    "被替代标准号", "代替为", "替代为", "replacedBy", "supersededBy",
                    "obsoletedBy", "newStandard"),
    "technical_committee": ("归口单位", "归口部门", "技术归口", "技术归口单位", "归口",
                            "技术委员会", "标准化技术委员会", "团体名称", "technical_committee",
                            "technicalCommittee", "committee", "tc", "tcName"),
    "department": ("主管部门", "发布单位", "发布部门", "发布机构", "发布机关", "批准发布部门",
                   "批准部门", "颁布部门", "department", "chargeDept", "issuedBy", "issuer",
                   "publisher", "publishedBy", "approvedBy", "authority"),
    "drafters": ("起草单位", "主要起草单位", "起草机构", "drafters", "draftingUnits",
                 "draftingUnit", "draftUnit", "draftingOrganizations", "draftedBy"),
    "scope": ("范围", "适用范围", "scope"),
    "source_url": ("官方链接", "链接", "网址", "详情链接", "原文链接", "详情页", "url", "link",
                   "href", "sourceUrl", "detailUrl", "pageUrl"),
    "note": ("备注", "说明", "附注", "remark", "remarks", "note", "notes", "comment",
             "comments", "memo"),
    "domains": ("领域", "domain", "domains"),
    "extra:摘要": ("摘要", "标准摘要", "内容摘要", "summary", "abstract"),
    "extra:备案号": ("备案号", "备案编号", "recordNo", "recordNumber"),
    "extra_date:备案日期": ("备案日期", "recordDate"),
    "extra:计划编号": ("计划编号", "计划号", "项目编号", "planNo", "planNumber", "planCode"),
    "extra:制修订": ("制修订", "制定或修订", "制修订类型"),
    "extra:起草人": ("起草人", "主要起草人"),
    "extra:行业分类": ("行业分类", "所属行业", "行业", "行业领域", "industry"),
    "extra:地区": ("地区", "省份", "所属地区", "region", "province"),
    "extra:id": ("id", "uuid", "recordId", "标识"),
}


def _invert(aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """label -> target; refuses a label that two targets claim (after ``label_key``)."""
    table: dict[str, str] = {}
    seen: dict[str, str] = {}
    for target, labels in aliases.items():
        for label in labels:
            key = label_key(label)
            if seen.get(key, target) != target:
                raise ValueError(f"label {label!r} maps to both {seen[key]} and {target}")
            seen[key] = target
            table[label] = target
    return table


CATALOGUE_LABELS = _invert(CATALOGUE_ALIASES)

# The headers the official platforms' pages share with lists; their other labels (技术委员会,
# 发布单位...) mean something else there, so pages take only these from the alias table.
_PAGE_CORE_LABELS = {
    label: CATALOGUE_LABELS[label]
    for label in ("标准号", "标准编号", "编号", "标准名称", "中文名称", "中文标准名称", "名称",
                  "英文名称", "英文标准名称", "状态", "标准状态", "发布日期", "批准日期",
                  "实施日期", "废止日期", "ICS", "CCS", "中国标准分类号", "采标情况",
                  "采用国际标准", "代替标准", "类别", "属性", "标准性质", "归口单位", "主管部门",
                  "起草单位", "规范性引用文件", "引用标准")
}

# Labels of std.samr / openstd / hbba / dbba detail, list and search pages.
PLATFORM_PAGE_LABELS = {
    **_PAGE_CORE_LABELS,
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
            _labels({**CATALOGUE_LABELS, **_COLUMN_TARGET_SYNONYMS},
                    (*COLUMN_TARGETS, "record_kind")),
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
    """The target a header or JSON key maps to (``--column`` first, then CATALOGUE_ALIASES).

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


def alias_table_markdown() -> str:
    """The alias table as the Markdown table of docs/formats.md (a test keeps them equal)."""
    lines = ["| field | headers and keys (case, spaces and punctuation ignored) |",
             "|---|---|"]
    for target, labels in CATALOGUE_ALIASES.items():
        shown = ", ".join(f"`{label}`" for label in labels)
        lines.append(f"| `{target}` | {shown} |")
    return "\n".join(lines) + "\n"
