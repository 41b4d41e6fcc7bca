"""Each source's own words mapped to our vocabularies: one status table per source, nature
words, adoption-degree words, ISO harmonized stage codes, and document types that are not
standards.

Lookups are by ``vocab_key`` (whitespace removed, case folded) so ``现行 ``, ``Withdrawn`` and
``WITHDRAWN`` meet the same entry.
"""

from __future__ import annotations

from collections.abc import Mapping

from standards.vocab import AdoptionDegree, Nature, Status


def vocab_key(word: str) -> str:
    """The form every table is keyed by: no whitespace, case folded."""
    return "".join(word.split()).casefold()


def _table(entries: Mapping[str, Status | None]) -> dict[str, Status | None]:
    return {vocab_key(word): status for word, status in entries.items()}


# std.samr / openstd / hbba / dbba / ttbz and third-party Chinese catalogues (docs/formats.md
# lists every word).
# 部分被代替 stays current: the rest of the standard is still in force.
CHINESE_PLATFORM_STATUS = _table(
    {
        "现行": Status.CURRENT,
        "现行有效": Status.CURRENT,
        "有效": Status.CURRENT,
        "即将实施": Status.UPCOMING,
        "尚未实施": Status.UPCOMING,
        "废止": Status.WITHDRAWN,
        "已废止": Status.WITHDRAWN,
        "作废": Status.WITHDRAWN,
        "过期": Status.WITHDRAWN,
        "被代替": Status.WITHDRAWN,
        "已被代替": Status.WITHDRAWN,
        "部分被代替": Status.CURRENT,
        "部分被替代": Status.CURRENT,
        "被修订": Status.WITHDRAWN,
        "被替代": Status.WITHDRAWN,
        "已被替代": Status.WITHDRAWN,
        "已替代": Status.WITHDRAWN,
        "已作废": Status.WITHDRAWN,
        "失效": Status.WITHDRAWN,
        "已失效": Status.WITHDRAWN,
        "废除": Status.WITHDRAWN,
        "待实施": Status.UPCOMING,
        "未实施": Status.UPCOMING,
        "已实施": Status.CURRENT,
        # still in force: the withdrawal is announced, not yet effective
        "即将废止": Status.CURRENT,
    }
)

# Words staff type into spreadsheets, Chinese or English.
TABULAR_STATUS = {
    **CHINESE_PLATFORM_STATUS,
    **_table(
        {
            "current": Status.CURRENT,
            "valid": Status.CURRENT,
            "active": Status.CURRENT,
            "in force": Status.CURRENT,
            "published": Status.CURRENT,
            "upcoming": Status.UPCOMING,
            "not yet in force": Status.UPCOMING,
            "withdrawn": Status.WITHDRAWN,
            "abolished": Status.WITHDRAWN,
            "obsolete": Status.WITHDRAWN,
            "replaced": Status.WITHDRAWN,
            "superseded": Status.WITHDRAWN,
            "revised": Status.WITHDRAWN,
            "effective": Status.CURRENT,
            "in effect": Status.CURRENT,
            "confirmed": Status.CURRENT,
            "to be implemented": Status.UPCOMING,
            "forthcoming": Status.UPCOMING,
            "expired": Status.WITHDRAWN,
            "cancelled": Status.WITHDRAWN,
            "canceled": Status.WITHDRAWN,
            "repealed": Status.WITHDRAWN,
        }
    ),
}

# IEC webstore statuses (relaton-data-iec): REVISED and REPLACED editions are no longer valid.
IEC_STATUS = _table(
    {
        "PUBLISHED": Status.CURRENT,
        "CONFIRMED": Status.CURRENT,
        "STABILIZED": Status.CURRENT,
        "REVISED": Status.WITHDRAWN,
        "REPLACED": Status.WITHDRAWN,
        "WITHDRAWN": Status.WITHDRAWN,
    }
)

# JSA (relaton-data-jis).
JIS_STATUS = _table({"valid": Status.CURRENT, "withdrawn": Status.WITHDRAWN})

# relaton-gb writes 即将实施→published, 现行→activated, 废止→obsoleted, 被代替→replaced.
RELATON_GB_STATUS = _table(
    {
        "published": Status.UPCOMING,
        "activated": Status.CURRENT,
        "obsoleted": Status.WITHDRAWN,
        "replaced": Status.WITHDRAWN,
        "withdrawn": Status.WITHDRAWN,
    }
)

# Relaton docstatus words of BSI, CEN, IEC, JIS and generic Relaton items.
RELATON_STATUS = {
    **IEC_STATUS,
    **JIS_STATUS,
    **_table(
        {
            "Current": Status.CURRENT,
            "Published": Status.CURRENT,
            "activated": Status.CURRENT,
            "in-force": Status.CURRENT,
            "Withdrawn": Status.WITHDRAWN,
            "Superseded": Status.WITHDRAWN,
            "obsoleted": Status.WITHDRAWN,
            "replaced": Status.WITHDRAWN,
        }
    ),
}

# Tables by the name a mapping profile uses.
STATUS_TABLES: dict[str, dict[str, Status | None]] = {
    "chinese-platform": CHINESE_PLATFORM_STATUS,
    "tabular": TABULAR_STATUS,
    "iec": IEC_STATUS,
    "jis": JIS_STATUS,
    "relaton-gb": RELATON_GB_STATUS,
    "relaton": RELATON_STATUS,
}


def lookup_status(table: Mapping[str, Status | None], word: str) -> Status | None:
    """The status a source word means in ``table``; None when the word is not in it.

    A word followed by a remark (``废止（被GB 2760-2024代替）``, ``现行 有效``) means what its
    longest known beginning means.
    """
    key = vocab_key(word)
    found = table.get(key)
    if found is not None or key in table or len(key) <= 2:
        return found
    for end in range(len(key) - 1, 1, -1):
        found = table.get(key[:end])
        if found is not None:
            return found
    return None


NATURE_WORDS = {
    vocab_key(word): nature
    for word, nature in {
        "推荐性": Nature.RECOMMENDED,
        "推荐": Nature.RECOMMENDED,
        "推标": Nature.RECOMMENDED,  # openstd list column 类别
        "强制性": Nature.MANDATORY,
        "强制": Nature.MANDATORY,
        "强标": Nature.MANDATORY,
        "指导性": Nature.GUIDANCE,
        "指导性技术文件": Nature.GUIDANCE,
        "指导": Nature.GUIDANCE,
        "recommended": Nature.RECOMMENDED,
        "mandatory": Nature.MANDATORY,
        "guidance": Nature.GUIDANCE,
        "guide": Nature.GUIDANCE,  # relaton-gb gbmandate
        "guiding": Nature.GUIDANCE,
        "compulsory": Nature.MANDATORY,
        "voluntary": Nature.RECOMMENDED,
    }.items()
}
# 强制性国家标准, 推荐性行业标准, 国家标准化指导性技术文件: the nature word inside a longer name.
_NATURE_STEMS = (("指导性", Nature.GUIDANCE), ("强制", Nature.MANDATORY),
                 ("推荐", Nature.RECOMMENDED))


def lookup_nature(word: str) -> Nature | None:
    """The nature a word states (推荐性, 强标, 强制性国家标准, mandatory...); None when it
    states none."""
    key = vocab_key(word)
    found = NATURE_WORDS.get(key)
    if found is None and len(key) > 2:
        found = next((nature for stem, nature in _NATURE_STEMS if stem in key), None)
    return found


# Degree words, longest first so 非等效 is not read as 等效 (used to build a regex).
ADOPTION_DEGREE_WORDS: dict[str, AdoptionDegree] = {
    "非等效采用": AdoptionDegree.NEQ,
    "等同采用": AdoptionDegree.IDT,
    "修改采用": AdoptionDegree.MOD,
    "等效采用": AdoptionDegree.EQV,
    "非等效": AdoptionDegree.NEQ,
    "等同": AdoptionDegree.IDT,
    "修改": AdoptionDegree.MOD,
    "等效": AdoptionDegree.EQV,
    "identical": AdoptionDegree.IDT,
    "modified": AdoptionDegree.MOD,
    "idt": AdoptionDegree.IDT,
    "mod": AdoptionDegree.MOD,
    "neq": AdoptionDegree.NEQ,
    "eqv": AdoptionDegree.EQV,
}
_DEGREE_BY_KEY = {vocab_key(word): degree for word, degree in ADOPTION_DEGREE_WORDS.items()}

# openstd's 是否采标 column and std.samr's plan rows print 采: the standard adopts an
# international or foreign standard, but neither which one nor the degree.
ADOPTION_FLAG_WORDS = frozenset({"采", "是", "采标"})
# ... and a 是否采标 column's "no".
NO_ADOPTION_WORDS = frozenset({"否", "不采", "未采标", "no", "false"})


def lookup_degree(word: str) -> AdoptionDegree | None:
    """The degree an adoption word states (等同, MOD, idt...); None when it states none."""
    return _DEGREE_BY_KEY.get(vocab_key(word))


def iso_stage_code(value: object) -> str | None:
    """An ISO harmonized stage as ``XX.YY`` from ``"90.93"``, ``9093`` or ``"9093"``."""
    text = value if type(value) is str else str(value).strip()
    if len(text) == 5 and text[2] == "." and text[:2].isdigit() and text[3:].isdigit():
        return text
    text = text.strip()
    if len(text) == 4 and text.isdigit():
        return f"{text[:2]}.{text[2:]}"
    if len(text) == 5 and text[2] == "." and text.replace(".", "", 1).isdigit():
        return text
    return None


ISO_STAGE_NAMES = {
    "00": "preliminary",
    "10": "proposal",
    "20": "preparatory",
    "30": "committee",
    "40": "enquiry",
    "50": "approval",
    "60": "publication",
    "90": "review",
    "95": "withdrawal",
}


def iso_stage_status(stage: str) -> Status | None:
    """Status of a published ISO stage: 60.60–95.60 in force, 95.99 withdrawn.

    Stages before 60.60 are not published documents at all; callers reject those (see
    ``iso_stage_is_published``) instead of asking for a status.
    """
    if stage >= "95.99":
        return Status.WITHDRAWN
    if stage >= "60.60":
        # 90.xx (review, confirmed, to be revised) and 95.20/95.60 (withdrawal ballot under
        # way) are still valid publications.
        return Status.CURRENT
    return None


def iso_stage_is_published(stage: str) -> bool:
    """True from 60.60 (published) on; 60.00 is "under publication", not yet out."""
    return stage >= "60.60"


# Document types in the relaton data that are not standards at all.
NON_STANDARD_DOCTYPES = {
    "wp": "an IEC white paper",
    "tec": "an IEC technology report",
    "tmop": "an IEC technology and market outlook paper",
    "sttr": "an IEC standardization trend report",
    # IEC's "other": single IEC 60417 symbols, IEC 61360 dictionary entries, handbooks,
    # conformity-assessment and advisory-committee booklets.
    "other": "an IEC catalogue entry that is not a standard (symbol, dictionary entry, "
    "handbook or committee booklet)",
}

# std.samr search results mix standards with plan projects (国标计划, 行标计划...).
PLAN_RECORD_KINDS = frozenset({"国标计划", "行标计划", "地标计划", "计划"})
