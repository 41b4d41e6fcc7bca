"""Controlled vocabularies of the standards library: levels, natures, statuses, relations,
degrees."""

from enum import StrEnum


class Level(StrEnum):
    """Who issued a standard (标准层级)."""

    INTERNATIONAL = "international"
    FOREIGN = "foreign"
    NATIONAL = "national"
    INDUSTRY = "industry"
    LOCAL = "local"
    GROUP = "group"
    ENTERPRISE = "enterprise"
    OTHER = "other"  # metrology specifications, military, regulations (JJF, GJB, TSG)


class Nature(StrEnum):
    """Legal force of a Chinese standard (强制性 / 推荐性 / 指导性技术文件)."""

    MANDATORY = "mandatory"
    RECOMMENDED = "recommended"
    GUIDANCE = "guidance"


class Status(StrEnum):
    """Status as of a day, derived from dates (现行 / 即将实施 / 废止)."""

    CURRENT = "current"
    UPCOMING = "upcoming"
    WITHDRAWN = "withdrawn"


class RelationKind(StrEnum):
    """How one standard points at another (the relation is stored on the subject)."""

    REPLACES = "replaces"  # 代替 (full)
    PARTIALLY_REPLACES = "partially_replaces"  # 部分代替
    AMENDS = "amends"  # 修改单
    PART_OF = "part_of"
    ADOPTS = "adopts"  # 采用 an international or foreign standard
    REFERENCES = "references"  # 规范性引用: the subject cites the object (dated or undated)


class AdoptionDegree(StrEnum):
    """Degree of correspondence with an adopted document (GB/T 20000.2; legacy ISO/IEC Guide 21)."""

    IDT = "IDT"
    MOD = "MOD"
    NEQ = "NEQ"
    EQV = "EQV"  # legacy 等效采用, counted only when the rules say so


class BatchState(StrEnum):
    """Where an import batch stands. ``interrupted`` is never written by the import itself: a
    batch still marked running whose process is gone (killed, crashed) reads as interrupted."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class CheckVerdict(StrEnum):
    """What a cited code is found to be on a check date (标准查新)."""

    CURRENT = "current"  # 现行
    REPLACED = "replaced"  # 已被代替 (by a successor)
    WITHDRAWN = "withdrawn"  # 已废止 (no successor)
    UPCOMING = "upcoming"  # 即将实施
    NOT_FOUND = "not_found"  # 未收录: the catalogue does not hold it (never "withdrawn")
    MALFORMED = "malformed"  # 编号有误: a known prefix with a number that is no code


VERDICT_LABELS = {
    CheckVerdict.CURRENT: "现行",
    CheckVerdict.REPLACED: "已被代替",
    CheckVerdict.WITHDRAWN: "已废止",
    CheckVerdict.UPCOMING: "即将实施",
    CheckVerdict.NOT_FOUND: "未收录",
    CheckVerdict.MALFORMED: "编号有误",
}


class ChangeType(StrEnum):
    """What a change feed entry (``/api/changes``) tells a subscriber."""

    NEW = "new"  # the standard entered the catalogue
    REPLACED = "replaced"  # withdrawn or about to be, with a successor (named), or got one
    WITHDRAWN = "withdrawn"  # withdrawn (a date, or "withdrawn" without one), no successor
    UPCOMING = "upcoming"  # its implementation date was set or moved, and lies ahead
    RECORD_CHANGED = "record_changed"  # other recorded fields changed (title, ICS ...)
