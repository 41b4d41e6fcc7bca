"""Indicator rules (docs/indicators.md) as pure code: the query and its rules, the adoption
bits, scope normalisation, group keys and labels, the SQL that states a product's facts on a
day, and the arithmetic that turns counted rows into a report. No database access here.

How a product is judged on day ``t`` (the same SQL serves past dates and the kept facts):

- in scope: registered on or before ``t`` (its first 公开日期; the day it was created when it
  never declared) and not discontinued by ``t``;
- a declaration counts when declared on or before ``t`` and not withdrawn by ``t``;
- a dated code means its edition; an undated code means the edition of its family valid on
  ``t`` (on a past day, the edition in force that day — not today's);
- an edition is valid on ``t`` when implemented (published, failing that) on or before ``t``
  and not withdrawn on or before ``t``. A source that says withdrawn without a date: the
  edition is withdrawn from the implementation day of the edition that replaces it (代替),
  or, with no such successor, on every day (standards.lifecycle);
- covered: at least one counting declaration whose edition is valid on ``t``; otherwise the
  reason is the first that applies of ``no_standard`` (no counting declaration),
  ``standard_withdrawn``, ``standard_not_yet_implemented``, ``unresolved_code``;
- adopting (main products): covered by an edition valid on ``t`` that is itself international
  or foreign-advanced, or adopts one at IDT or MOD (NEQ, legacy EQV by the rules); else
  ``not_adopting``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntFlag, StrEnum
from typing import Any

from pydantic import BaseModel, Field

from adoption.errors import InvalidFieldError
from adoption.regions import city_of, province_of, region_name
from adoption.schemas import IndicatorGroup, IndicatorReport
from adoption.vocab import KEY_FIELD_LABELS, KeyField
from standards.vocab import Level


class IndicatorName(StrEnum):
    COVERAGE = "coverage"
    ADOPTION = "adoption"
    STANDARD_ADOPTION = "standard-adoption"
    CONVERSION = "conversion"


PRODUCT_INDICATORS = frozenset({IndicatorName.COVERAGE, IndicatorName.ADOPTION})

INDICATOR_TITLES: dict[IndicatorName, str] = {
    IndicatorName.COVERAGE: "产品标准覆盖率 product standard coverage",
    IndicatorName.ADOPTION: "采标率 product adoption rate",
    IndicatorName.STANDARD_ADOPTION: "标准采标率 standard adoption rate",
    IndicatorName.CONVERSION: "国际标准转化率 international standard conversion rate",
}


class Reason(StrEnum):
    """Why something was not counted (docs/indicators.md §3)."""

    NO_STANDARD = "no_standard"
    STANDARD_WITHDRAWN = "standard_withdrawn"
    STANDARD_NOT_YET_IMPLEMENTED = "standard_not_yet_implemented"
    UNRESOLVED_CODE = "unresolved_code"
    NOT_ADOPTING = "not_adopting"


REASONS_OF: dict[IndicatorName, tuple[Reason, ...]] = {
    IndicatorName.COVERAGE: (Reason.NO_STANDARD, Reason.STANDARD_WITHDRAWN,
                             Reason.STANDARD_NOT_YET_IMPLEMENTED, Reason.UNRESOLVED_CODE),
    IndicatorName.ADOPTION: tuple(Reason),
    IndicatorName.STANDARD_ADOPTION: (Reason.NOT_ADOPTING,),
    IndicatorName.CONVERSION: (Reason.NOT_ADOPTING, Reason.STANDARD_WITHDRAWN,
                               Reason.STANDARD_NOT_YET_IMPLEMENTED),
}

REASON_LABELS: dict[Reason, str] = {
    Reason.NO_STANDARD: "未声明执行标准 no standard declared",
    Reason.STANDARD_WITHDRAWN: "执行标准已废止 declared standard withdrawn",
    Reason.STANDARD_NOT_YET_IMPLEMENTED: "执行标准尚未实施 declared standard not yet in force",
    Reason.UNRESOLVED_CODE: "标准编号未找到 declared code not in the catalogue",
    Reason.NOT_ADOPTING: "未采用国际标准或国外先进标准 not adopting an international or "
                         "foreign-advanced standard",
}


class GroupBy(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    SECTOR = "sector"
    KEY_FIELD = "key-field"
    LEVEL = "level"  # standard-level indicators
    PREFIX = "prefix"  # standard-level indicators


PRODUCT_GROUPS = frozenset({GroupBy.PROVINCE, GroupBy.CITY, GroupBy.COUNTY, GroupBy.SECTOR,
                            GroupBy.KEY_FIELD})
STANDARD_ADOPTION_GROUPS = frozenset({GroupBy.PROVINCE, GroupBy.CITY, GroupBy.COUNTY,
                                      GroupBy.LEVEL, GroupBy.PREFIX})
CONVERSION_GROUPS = frozenset({GroupBy.PREFIX})

CHINESE_LEVELS: tuple[str, ...] = (Level.NATIONAL, Level.INDUSTRY, Level.LOCAL, Level.GROUP,
                                   Level.ENTERPRISE)
"""Levels whose standards can adopt an international one (the standard-adoption scope)."""


class IndicatorRules(BaseModel):
    """Rule options, echoed in every answer."""

    count_neq: bool = Field(default=False, description="count NEQ (非等效) adoptions")
    count_eqv: bool = Field(default=False, description="count legacy EQV (等效) adoptions")
    count_foreign: bool = Field(default=True, description="count foreign-advanced standards "
                                "(product adoption; the bodies are data: foreign_body)")


class IndicatorQuery(BaseModel):
    """One indicator question: which, as of when, over what scope, grouped how."""

    name: IndicatorName
    as_of: dt.date | None = None  # None = today
    region: str | None = None  # code prefix: 22, 2201, 220102 (or 220000, 220100)
    sector: str | None = None
    key_field: str | None = None
    enterprise: str | None = None  # USCC
    level: str | None = None
    prefix: str | None = None
    ics: str | None = None
    group_by: str | None = None
    rules: IndicatorRules = IndicatorRules()


class AdoptionBit(IntFlag):
    """Why an edition may make a product adopting; a product's mask ORs those of its valid
    declared editions, and the rules pick which bits count."""

    SELF_INTERNATIONAL = 1
    SELF_FOREIGN = 2
    INTERNATIONAL_IDT_MOD = 4
    INTERNATIONAL_NEQ = 8
    INTERNATIONAL_EQV = 16
    FOREIGN_IDT_MOD = 32
    FOREIGN_NEQ = 64
    FOREIGN_EQV = 128


ALL_BITS = tuple(AdoptionBit)


def adopting_bits(rules: IndicatorRules) -> int:
    """The bits that make a product adopting under ``rules``."""
    bits = AdoptionBit.SELF_INTERNATIONAL | AdoptionBit.INTERNATIONAL_IDT_MOD
    if rules.count_neq:
        bits |= AdoptionBit.INTERNATIONAL_NEQ
    if rules.count_eqv:
        bits |= AdoptionBit.INTERNATIONAL_EQV
    if rules.count_foreign:
        bits |= AdoptionBit.SELF_FOREIGN | AdoptionBit.FOREIGN_IDT_MOD
        if rules.count_neq:
            bits |= AdoptionBit.FOREIGN_NEQ
        if rules.count_eqv:
            bits |= AdoptionBit.FOREIGN_EQV
    return int(bits)


def adopting_degrees(rules: IndicatorRules) -> tuple[str, ...]:
    """Degrees that count as adoption of an international standard (standard-level)."""
    return ("IDT", "MOD") + (("NEQ",) if rules.count_neq else ()) + (
        ("EQV",) if rules.count_eqv else ())


def rules_echo(rules: IndicatorRules, name: IndicatorName,
               bodies: Sequence[str]) -> dict[str, Any]:
    """The rules as every answer states them (with the foreign-advanced bodies in force)."""
    echo: dict[str, Any] = rules.model_dump()
    echo["degrees"] = list(adopting_degrees(rules))
    echo["foreign_applies"] = name is IndicatorName.ADOPTION
    echo["foreign_bodies"] = list(bodies) if name is IndicatorName.ADOPTION else []
    return echo


# ------------------------------------------------------------------------------------------
# Scope
# ------------------------------------------------------------------------------------------


def region_prefix(raw: str | None) -> str | None:
    """``22``, ``2201``, ``220102`` as given; ``220000`` -> ``22``, ``220100`` -> ``2201``.

    Raises:
        InvalidFieldError: (field ``region``) not 2, 4 or 6 digits.
    """
    if raw is None or not str(raw).strip():
        return None
    text = "".join(unicodedata.normalize("NFKC", str(raw)).split())
    if not text.isdigit() or len(text) not in (2, 4, 6):
        raise InvalidFieldError("region", raw, "应为 2、4 或 6 位行政区划代码 expected a GB/T 2260 "
                                "code or prefix: 22, 2201, 220102")
    if len(text) == 6:
        if text.endswith("0000"):
            return text[:2]
        if text.endswith("00"):
            return text[:4]
    return text


def key_field_value(raw: str | None) -> str | None:
    """A key field by its English value or Chinese label.

    Raises:
        InvalidFieldError: (field ``key_field``) not a known key field.
    """
    if raw is None or not str(raw).strip():
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    folded = text.lower().replace("_", "-").replace(" ", "-")
    if folded in KeyField._value2member_map_:
        return folded
    if text in KEY_FIELD_LABELS:
        return KEY_FIELD_LABELS[text].value
    known = ", ".join(k.value for k in KeyField)
    raise InvalidFieldError("key_field", raw,
                            f"不是已知的重点领域 is not a known key field ({known})")


def group_by_value(name: IndicatorName, raw: str | None) -> GroupBy | None:
    """Raises: InvalidFieldError: (field ``group_by``) not a grouping of this indicator."""
    if raw is None or not str(raw).strip():
        return None
    allowed = (PRODUCT_GROUPS if name in PRODUCT_INDICATORS
               else STANDARD_ADOPTION_GROUPS if name is IndicatorName.STANDARD_ADOPTION
               else CONVERSION_GROUPS)
    text = str(raw).strip().lower().replace("_", "-")
    if text == "key-fields":
        text = GroupBy.KEY_FIELD.value
    if text not in {g.value for g in allowed}:
        choices = ", ".join(sorted(g.value for g in allowed))
        raise InvalidFieldError("group_by", raw, f"不是 {name.value} 的分组 is not a grouping of "
                                f"{name.value} (one of {choices})")
    return GroupBy(text)


@dataclass(frozen=True, slots=True)
class Scope:
    """A query's scope, checked and normalised."""

    name: IndicatorName
    as_of: dt.date
    region: str | None
    sector: str | None
    key_field: str | None
    enterprise: str | None
    level: str | None
    prefix: str | None
    ics: str | None
    group_by: GroupBy | None
    rules: IndicatorRules

    def echo(self) -> dict[str, str | None]:
        return {"region": self.region, "sector": self.sector, "key_field": self.key_field,
                "enterprise": self.enterprise, "level": self.level, "prefix": self.prefix,
                "ics": self.ics}


def scope_of(query: IndicatorQuery, today: dt.date, normalize_uscc: Any) -> Scope:
    """Check a query against its indicator.

    Args:
        normalize_uscc: the USCC check (``adoption.uscc.normalize_uscc``).

    Raises:
        InvalidFieldError: naming the field and value that does not apply or is malformed.
    """
    name = IndicatorName(query.name)
    product_level = name in PRODUCT_INDICATORS
    for field_name in ("level", "prefix", "ics"):
        if product_level and getattr(query, field_name):
            raise InvalidFieldError(field_name, getattr(query, field_name),
                                    f"只适用于标准层面的指标 applies to standard-adoption and "
                                    f"conversion only, not {name.value}")
    if not product_level:
        for field_name in ("sector", "key_field", "enterprise"):
            if getattr(query, field_name):
                raise InvalidFieldError(field_name, getattr(query, field_name),
                                        f"只适用于产品层面的指标 applies to coverage and adoption "
                                        f"only, not {name.value}")
        if name is IndicatorName.CONVERSION and query.region:
            raise InvalidFieldError("region", query.region, "国际标准没有行政区划 international "
                                    "standards have no region")
    level = None
    if query.level:
        level = query.level.strip().lower()
        allowed = ([Level.INTERNATIONAL.value] if name is IndicatorName.CONVERSION
                   else list(CHINESE_LEVELS))
        if level not in allowed:
            raise InvalidFieldError("level", query.level, f"不是可用的标准层级 must be one of "
                                    f"{', '.join(allowed)}")
    ics = None
    if query.ics:
        ics = query.ics.strip()
        parts = ics.split(".")
        if not (parts[0].isdigit() and len(parts[0]) == 2
                and all(p.isdigit() and len(p) in (2, 3) for p in parts[1:])):
            raise InvalidFieldError("ics", query.ics, "不是 ICS 分类号 is not an ICS code "
                                    "(43, 43.040, 43.040.20)")
    prefix = " ".join(unicodedata.normalize("NFKC", query.prefix).upper().split()) \
        if query.prefix else None
    sector = " ".join(query.sector.split()) if query.sector and query.sector.strip() else None
    return Scope(
        name=name, as_of=query.as_of or today, region=region_prefix(query.region),
        sector=sector, key_field=key_field_value(query.key_field),
        enterprise=normalize_uscc(query.enterprise) if query.enterprise else None,
        level=level, prefix=prefix, ics=ics, group_by=group_by_value(name, query.group_by),
        rules=query.rules)


# ------------------------------------------------------------------------------------------
# Groups
# ------------------------------------------------------------------------------------------

KEY_FIELD_ZH: dict[str, str] = {}
for _label, _field in KEY_FIELD_LABELS.items():
    KEY_FIELD_ZH.setdefault(_field.value, _label)

NO_KEY_FIELD = "无重点领域 no key field"
NO_SECTOR = "未填行业 no sector"
NOT_LOCAL = "非地方标准 not a local standard"


def region_groups(code: str | None, group_by: GroupBy) -> tuple[str, str]:
    """Key (a 6-digit GB/T 2260 code) and Chinese label of a region code at a level."""
    if not code:
        return "", NOT_LOCAL
    if len(code) == 2:
        code = f"{code}0000"
    elif len(code) == 4:
        code = f"{code}00"
    key = (province_of(code) if group_by is GroupBy.PROVINCE
           else city_of(code) if group_by is GroupBy.CITY else code)
    return key, region_name(key) or key


def product_group_keys(row: CubeRow, group_by: GroupBy) -> list[tuple[str, str]]:
    """The groups a counted row falls in (several for an enterprise with several key fields:
    key-field groups overlap, the others partition)."""
    if group_by in (GroupBy.PROVINCE, GroupBy.CITY, GroupBy.COUNTY):
        return [region_groups(row.region_code, group_by)]
    if group_by is GroupBy.SECTOR:
        return [(row.sector, row.sector or NO_SECTOR)]
    fields = [value for value in row.key_fields.split(";") if value]
    if not fields:
        return [("", NO_KEY_FIELD)]
    return [(value, f"{KEY_FIELD_ZH.get(value, value)} {value}") for value in fields]


# ------------------------------------------------------------------------------------------
# Counted rows and reports
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CubeRow:
    """In-scope products of one combination: the unit both the kept facts and the past-date
    SQL return."""

    region_code: str
    sector: str
    key_fields: str
    main: bool
    covered: bool
    reason: str
    mask: int
    products: int


@dataclass(frozen=True, slots=True)
class StandardRow:
    """Standards (or international standards) of one combination, counted or not and why."""

    level: str
    prefix: str
    region_code: str
    reason: str  # empty: counted
    standards: int


@dataclass(slots=True)
class _Tally:
    label: str
    numerator: int = 0
    denominator: int = 0
    not_counted: dict[str, int] = field(default_factory=dict)

    def add(self, counted: bool, reason: str | None, n: int) -> None:
        self.denominator += n
        if counted:
            self.numerator += n
        elif reason:
            self.not_counted[reason] = self.not_counted.get(reason, 0) + n


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def product_verdict(row: CubeRow, name: IndicatorName, bits: int) -> tuple[bool, bool, str]:
    """(in the denominator, counted, reason when not counted) for a row of products."""
    if name is IndicatorName.COVERAGE:
        return True, row.covered, "" if row.covered else row.reason
    if not row.main:
        return False, False, ""
    if not row.covered:
        return True, False, row.reason
    if row.mask & bits:
        return True, True, ""
    return True, False, Reason.NOT_ADOPTING.value


def _report(scope: Scope, total: _Tally, groups: dict[str, _Tally], rules: dict[str, Any],
            computed_from: str) -> IndicatorReport:
    reasons = REASONS_OF[scope.name]
    not_counted = {reason.value: total.not_counted.get(reason.value, 0) for reason in reasons}
    return IndicatorReport(
        indicator=scope.name.value,
        title=INDICATOR_TITLES[scope.name],
        as_of=scope.as_of,
        rules=rules,
        scope=scope.echo(),
        group_by=scope.group_by.value if scope.group_by else None,
        numerator=total.numerator,
        denominator=total.denominator,
        rate=rate(total.numerator, total.denominator),
        groups=[IndicatorGroup(key=key, label=tally.label, numerator=tally.numerator,
                               denominator=tally.denominator,
                               rate=rate(tally.numerator, tally.denominator),
                               not_counted={r.value: tally.not_counted.get(r.value, 0)
                                            for r in reasons})
                for key, tally in sorted(groups.items())],
        not_counted=not_counted,
        reason_labels={reason.value: REASON_LABELS[reason] for reason in reasons},
        computed_from=computed_from,
    )


def product_report(scope: Scope, rows: Iterable[CubeRow], rules: dict[str, Any],
                   computed_from: str) -> IndicatorReport:
    """Coverage or adoption from counted rows."""
    bits = adopting_bits(scope.rules)
    total = _Tally(label="")
    groups: dict[str, _Tally] = {}
    for row in rows:
        included, counted, reason = product_verdict(row, scope.name, bits)
        if not included:
            continue
        total.add(counted, reason, row.products)
        if scope.group_by is not None:
            for key, label in product_group_keys(row, scope.group_by):
                groups.setdefault(key, _Tally(label=label)).add(counted, reason, row.products)
    return _report(scope, total, groups, rules, computed_from)


def standard_group_key(row: StandardRow, group_by: GroupBy) -> tuple[str, str]:
    if group_by is GroupBy.LEVEL:
        return row.level, row.level
    if group_by is GroupBy.PREFIX:
        return row.prefix, row.prefix
    return region_groups(row.region_code or None, group_by)


def standard_report(scope: Scope, rows: Iterable[StandardRow], rules: dict[str, Any]
                    ) -> IndicatorReport:
    """Standard adoption or conversion from counted rows."""
    total = _Tally(label="")
    groups: dict[str, _Tally] = {}
    for row in rows:
        counted = not row.reason
        total.add(counted, row.reason, row.standards)
        if scope.group_by is not None:
            key, label = standard_group_key(row, scope.group_by)
            groups.setdefault(key, _Tally(label=label)).add(counted, row.reason, row.standards)
    return _report(scope, total, groups, rules, "catalogue")


TREND_START = dt.date(2011, 1, 1)
"""The first year of the leader's trend (the seeds' plans start in 2011)."""


def year_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """31 December of every year from ``start`` to before ``end``, then ``end`` itself."""
    return [*(dt.date(year, 12, 31) for year in range(start.year, end.year)
              if dt.date(year, 12, 31) >= start), end]


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s month on, up to ``end`` (inclusive)."""
    found: list[dt.date] = []
    year, month = start.year, start.month
    while True:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last > end:
            return found
        if last >= start:
            found.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# ------------------------------------------------------------------------------------------
# SQL
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between SQLite and PostgreSQL in the indicator SQL.

    ``every_standard`` (PostgreSQL): the per-product SQL reads the standing of every edition
    instead of first listing the declared ones (see :func:`product_rows_sql`).
    ``standing`` (PostgreSQL, with ``every_standard``): it reads that standing from the kept
    ``edition_standing`` (its reader has checked it is fresh) instead of computing it."""

    postgres: bool
    every_standard: bool = False
    standing: bool = False

    @property
    def date(self) -> str:
        """A date parameter."""
        return "?::date" if self.postgres else "?"

    def starts_with(self, expr: str, prefix: str) -> tuple[str, list[Any]]:
        """``expr`` begins with ``prefix``. PostgreSQL's ``^@`` is estimated from the column's
        statistics (``substr(...) = ?`` is guessed at 0.5 %: a province whose rows all match
        then gets nested loops over every declaration); SQLite keeps ``substr``."""
        if self.postgres:
            return f"{expr} ^@ ?", [prefix]
        return f"substr({expr}, 1, ?) = ?", [len(prefix), prefix]

    def first_word(self, expr: str) -> str:
        """A code's issuing body: the first word, before any ``/`` (``ANSI/ASME B31.3`` ->
        ``ANSI``)."""
        if self.postgres:
            return f"split_part(split_part({expr}, ' ', 1), '/', 1)"
        word = f"substr({expr}, 1, instr({expr} || ' ', ' ') - 1)"
        return f"substr({word}, 1, instr({word} || '/', '/') - 1)"

    def created_day(self, expr: str) -> str:
        return f"CAST({expr} AS date)" if self.postgres else f"substr({expr}, 1, 10)"

    def starts(self, alias: str) -> str:
        """The day an edition comes into force; 9999-12-31 for one a source calls upcoming
        while no implementation day is known (it is not in force on any day yet)."""
        far = "DATE '9999-12-31'" if self.postgres else "'9999-12-31'"
        return (f"COALESCE({alias}.effective_on, CASE WHEN {alias}.upcoming_undated "
                f"THEN {far} END)")

    def least(self, exprs: Sequence[str]) -> str:
        """The smallest non-null date of ``exprs`` (null when all are null)."""
        if self.postgres:
            return f"LEAST({', '.join(exprs)})"
        far = "'9999-12-31'"
        inner = ", ".join(f"COALESCE({e}, {far})" for e in exprs)
        return f"NULLIF(MIN({inner}), {far})"

    def greatest(self, exprs: Sequence[str]) -> str:
        """The largest non-null date of ``exprs`` (null when all are null)."""
        if self.postgres:
            return f"GREATEST({', '.join(exprs)})"
        early = "'0001-01-01'"
        inner = ", ".join(f"COALESCE({e}, {early})" for e in exprs)
        return f"NULLIF(MAX({inner}), {early})"


def standard_ctes(dialect: Dialect, only: str = "", relations_of_only: bool = True,
                  materialized: bool = False) -> str:
    """``succ`` (first implementation of a replacing edition, for the editions withdrawn on
    no known day), ``adopt`` (adoption bits per adopting edition) and ``std`` (every edition
    with its validity dates and bits; only those meeting the condition ``only`` on ``s``
    when given, and then ``succ`` and ``adopt`` only for them: ``only`` appears three times,
    its arguments are given three times).
    ``relations_of_only=False``: ``succ`` and ``adopt`` over every relation, ``only`` once
    (when ``only`` holds for most of the catalogue, one pass over the relations costs less
    than testing each against it: at a province, 1.2 of 2.4 s and 0.5 of 1.8 s).
    ``materialized`` (PostgreSQL): ``succ`` computed once, though ``std`` is written into
    several readers."""
    word = dialect.first_word("r.object_code")
    international = (f"(COALESCE(o.level, '') = 'international' OR (o.id IS NULL AND "
                     f"({word} IN ('ISO', 'IEC') OR {word} LIKE 'ITU%')) "
                     "OR (' ' || r.object_code) LIKE '% ISO %' "
                     "OR (' ' || r.object_code) LIKE '% IEC %')")
    foreign = (f"(NOT {international} AND COALESCE(NULLIF(o.base_prefix, ''), {word}) IN "
               "(SELECT body FROM foreign_body))")
    parts = []
    for condition, prefix in ((international, "INTERNATIONAL"), (foreign, "FOREIGN")):
        for degrees, suffix in (("'IDT', 'MOD'", "IDT_MOD"), ("'NEQ'", "NEQ"),
                                ("'EQV'", "EQV")):
            bit = int(AdoptionBit[f"{prefix}_{suffix}"])
            parts.append(f"MAX(CASE WHEN {condition} AND r.degree IN ({degrees}) "
                         f"THEN {bit} ELSE 0 END)")
    adopt_bits = "\n      + ".join(parts)
    where_only = f"\n    WHERE {only}" if only else ""
    narrow = bool(only) and relations_of_only
    # a successor's date matters only to an edition withdrawn on no known day (std's wd and
    # gone): 36,000 of a province's 1 M editions, 1 of the 8 s of its worst case saved
    undated = ("(SELECT s.normalized_code FROM standard s "
               f"WHERE s.withdrawn_undated{f' AND ({only})' if narrow else ''})")
    adopt_only = f" AND r.subject IN (SELECT s.id FROM standard s WHERE {only})" if narrow else ""
    if dialect.postgres:
        # the replacing and adopted editions are read through their indexes from lists of
        # ids and codes, where the big reads (no nested loops) hashed every edition for them
        # (a province's past day: 0.3-0.4 s of adoption's 2.9, 0.2 of coverage's 3.5)
        succ_from = "relation r"
        first_eff = "MIN((SELECT n.effective_on FROM standard n WHERE n.id = r.subject))"
        succ_only = f" AND r.subject IS NOT NULL AND r.object_code = ANY(ARRAY{undated})"
        adopted = ("(SELECT o0.id, o0.level, o0.base_prefix FROM standard o0 WHERE o0.id = "
                   "ANY(ARRAY(SELECT r0.object FROM relation r0 WHERE r0.kind = 'adopts' "
                   "AND r0.object IS NOT NULL))) o")
    else:
        succ_from = "relation r JOIN standard n ON n.id = r.subject"
        first_eff = "MIN(n.effective_on)"
        succ_only = f" AND r.object_code IN {undated}"
        adopted = "standard o"
    # (adopt stays inlined: a past day's coverage reads no adoption bits, and PostgreSQL then
    # leaves it out; materialized, it cost 0.7 s of a province's 4.4)
    kept = "MATERIALIZED " if materialized else ""
    return f"""succ AS {kept}(
    SELECT r.object_code AS code, {first_eff} AS first_eff
    FROM {succ_from}
    WHERE r.kind = 'replaces'{succ_only} GROUP BY r.object_code
  ),
  adopt AS (
    SELECT r.subject AS id,
      {adopt_bits} AS bits
    FROM relation r LEFT JOIN {adopted} ON o.id = r.object
    WHERE r.kind = 'adopts' AND r.subject IS NOT NULL{adopt_only}
    GROUP BY r.subject
  ),
  std AS (
    SELECT s.id, s.normalized_code, s.family_key, s.amendment, s.level, s.prefix,
      s.region_code, {dialect.starts("s")} AS eff,
      COALESCE(s.withdrawn_on, CASE WHEN s.withdrawn_undated THEN sc.first_eff END) AS wd,
      CASE WHEN s.withdrawn_on IS NULL AND s.withdrawn_undated AND sc.first_eff IS NULL
        THEN 1 ELSE 0 END AS gone,
      (CASE WHEN s.level = 'international' THEN {int(AdoptionBit.SELF_INTERNATIONAL)}
        ELSE 0 END)
      + (CASE WHEN s.level = 'foreign' AND s.base_prefix IN (SELECT body FROM foreign_body)
        THEN {int(AdoptionBit.SELF_FOREIGN)} ELSE 0 END)
      + COALESCE(a.bits, 0) AS bits
    FROM standard s LEFT JOIN succ sc ON sc.code = s.normalized_code
    LEFT JOIN adopt a ON a.id = s.id{where_only}
  )"""


STANDING_COLUMNS = ("id", "family_key", "amendment", "eff", "wd", "gone", "bits")
"""What the per-product SQL reads of an edition's standing (``std``), as kept in
``edition_standing`` (PostgreSQL)."""


def standing_insert_sql(dialect: Dialect) -> str:
    """Fill ``edition_standing`` with every edition's standing, as :func:`standard_ctes`
    computes it (the table emptied first)."""
    columns = ", ".join(STANDING_COLUMNS)
    return (f"INSERT INTO edition_standing ({columns}) WITH {standard_ctes(dialect)}\n"
            f"SELECT {columns} FROM std")


T = "@T@"
"""Stands for the day in the SQL the builders write; :func:`finish_sql` binds it."""


def finish_sql(dialect: Dialect, sql: str, args: Sequence[Any], t: dt.date
               ) -> tuple[str, list[Any]]:
    """Bind the day: each ``@T@`` becomes a date parameter, in text order with the ``?``
    parameters whose values are ``args``."""
    out: list[str] = []
    bound: list[Any] = []
    rest = iter(args)
    position = 0
    while True:
        day = sql.find(T, position)
        mark = sql.find("?", position)
        if day < 0 and mark < 0:
            out.append(sql[position:])
            break
        if mark < 0 or 0 <= day < mark:
            out.append(sql[position:day] + dialect.date)
            bound.append(t)
            position = day + len(T)
        else:
            out.append(sql[position:mark + 1])
            bound.append(next(rest))
            position = mark + 1
    leftover = list(rest)
    if leftover:
        raise ValueError(f"{len(leftover)} arguments left over for the SQL")
    return "".join(out), bound


def _valid(alias: str) -> str:
    return (f"({alias}.gone = 0 AND ({alias}.wd IS NULL OR {alias}.wd > {T}) "
            f"AND ({alias}.eff IS NULL OR {alias}.eff <= {T}))")


def _withdrawn(alias: str) -> str:
    # never null (NOT of it is used): an unknown withdrawal date is no withdrawal
    return f"({alias}.gone = 1 OR ({alias}.wd IS NOT NULL AND {alias}.wd <= {T}))"


def _bits_or(expr: str, condition: str) -> str:
    """OR of the adoption bits of ``expr`` over rows meeting ``condition`` (no BIT_OR in
    SQLite: one MAX per bit)."""
    return " + ".join(f"MAX(CASE WHEN {condition} AND ({expr} & {int(bit)}) <> 0 "
                      f"THEN {int(bit)} ELSE 0 END)" for bit in ALL_BITS)


@dataclass(slots=True)
class ProductFilter:
    """WHERE clauses on products (alias ``p``, enterprise ``e``) with their arguments."""

    product: list[str] = field(default_factory=list)
    product_args: list[Any] = field(default_factory=list)


def product_filter(scope: Scope, enterprise_id: int | None = None,
                   dialect: Dialect | None = None) -> ProductFilter:
    """The scope's filters on products (``enterprise_id`` resolves ``scope.enterprise``; -1
    when no enterprise has that USCC), main products only for the adoption rate."""
    dialect = dialect or Dialect(postgres=False)
    found = ProductFilter()
    enterprise: list[str] = []
    enterprise_args: list[Any] = []
    if scope.region:
        condition, condition_args = dialect.starts_with("e.region_code", scope.region)
        enterprise.append(condition)
        enterprise_args += condition_args
    if scope.key_field:
        enterprise.append("(';' || e.key_fields || ';') LIKE ?")
        enterprise_args.append(f"%;{scope.key_field};%")
    if scope.enterprise:
        enterprise.append("e.id = ?")
        enterprise_args.append(enterprise_id if enterprise_id is not None else -1)
    found.product += enterprise
    found.product_args += enterprise_args
    if scope.name is IndicatorName.ADOPTION:
        # only main products count (as the rows read from this say again): PostgreSQL then
        # groups only their declarations (a province: 470,000 of 1.9 M)
        found.product.append("p.main")
    if scope.sector:
        condition, condition_args = dialect.starts_with(
            "COALESCE(NULLIF(p.sector, ''), e.sector)", scope.sector)
        found.product.append(condition)
        found.product_args += condition_args
    return found


PRODUCT_ROW_COLUMNS = ("product", "enterprise", "region_code", "sector", "key_fields", "main",
                       "in_scope", "covered", "reason", "mask", "valid_until", "valid_since")


def product_rows_sql(dialect: Dialect, filters: ProductFilter, *, with_next: bool,
                     ids_clause: tuple[str, list[Any]] | None = None,
                     adopting: int | None = None,
                     only_in_scope: bool = False,
                     days: Sequence[dt.date] = (),
                     all_bits: bool = False) -> tuple[str, list[Any]]:
    """One row per product on day ``@T@`` with :data:`PRODUCT_ROW_COLUMNS`.

    Each counting declaration is joined to its edition (dated) or its family (undated),
    whose standing on the day is computed once per edition in ``on_day`` /
    ``family_on_day``. SQLite makes one pass: products in id order, their declarations
    through the product index, grouped by product in scan order (no sort of a million
    declaration rows). PostgreSQL groups the declarations by product in a hash first, then
    joins one row per product to the products and enterprises.

    Args:
        with_next: compute ``valid_until``, the first day after ``t`` on which any of the
            product's dates (declarations, editions, registration) changes its facts; else
            null (past dates need no more).
        ids_clause: ``(clause over "{col}", args)`` restricting the products (kept facts
            refreshed for a few products).
        adopting: the adoption bits the rules count (past days): ``mask`` is then those bits
            when adopting, else 0 — one aggregate instead of one per bit (kept facts need
            every bit, since they serve every rule).
        only_in_scope: leave out products not in scope on the day (past days; the kept
            facts hold every product).
        days: a series in one pass: one row per product and day of ``days`` (a ``day``
            column first; the day is ``dd.day`` where the text says ``@T@``, and a
            ``days`` table comes first in the ``WITH``). Past days only (no ``with_next``).
        all_bits: ``mask`` is every adoption bit of the product's valid declarations (as
            the kept facts have it) without ``with_next``: a past day's cube that serves
            every rule (stored days).

    Returns:
        SQL starting ``WITH`` with ``?`` placeholders and ``@T@`` for the day, and the
        arguments of the ``?`` in text order (see :func:`finish_sql`).
    """
    args: list[Any] = list(days)
    if days and with_next:
        raise ValueError("a series of days has no valid_until")
    ids_sql, ids_args = ids_clause if ids_clause else ("", [])
    if ids_sql:
        # a few products: only the editions and families they declare (not 200,000); on
        # PostgreSQL as lists, read through the id and family indexes (the OR of two IN
        # lists made it test every edition, three times: 8,760 products changed in a
        # fortnight of a province, 1.9 s; by the indexes 1.0 s. Listed once in a CTE, the
        # planner took the list for 10 editions, not 25,000, and looped: 1.6 s)
        of_ids = ids_sql.format(col='d0.product')

        def among(column: str, subquery: str) -> str:
            return (f"{column} = ANY(ARRAY({subquery}))" if dialect.postgres
                    else f"{column} IN ({subquery})")

        only = "(" + " OR ".join((
            among("s.id", f"SELECT d0.standard FROM declaration d0 WHERE {of_ids}"),
            among("s.family_key", "SELECT d0.code_key FROM declaration d0 WHERE d0.undated "
                  f"AND {of_ids}"))) + ")"
        args += (ids_args + ids_args) * 3  # in succ, adopt and std
    elif dialect.postgres and dialect.every_standard:
        # declarations outnumber the editions (a province: 2 M of 1 M, 796,000 of them
        # declared): listing the declared ones without repeats cost more than it saved
        # (2.4 s of the 11 s of a past day computed from declarations alone; 9 s without)
        only = ""
    elif dialect.postgres:
        # only editions and families some product declares: a catalogue of 60,000 ISO and
        # IEC standards nobody declares costs nothing (results are the same: only the
        # declared ones are joined). On PostgreSQL they are a table first: the OR of two IN
        # lists, taken for most of the catalogue, made it hash every standard (214 ms of a
        # past day's 250 on the demo with ISO and IEC; 44 ms so)
        only = "s.id IN (SELECT ds.id FROM declared_std ds)"
    else:  # SQLite reads the OR through both indexes (MULTI-INDEX OR)
        only = ("(s.id IN (SELECT d0.standard FROM declaration d0) OR s.family_key IN "
                "(SELECT d0.code_key FROM declaration d0 WHERE d0.undated))")
    valid = _valid("s")
    upcoming = f"(NOT {_withdrawn('s')} AND s.eff > {T})"
    next_of_edition = dialect.least([f"CASE WHEN s.eff > {T} THEN s.eff END",
                                     f"CASE WHEN s.wd > {T} THEN s.wd END"])
    last_of_edition = dialect.greatest([f"CASE WHEN s.eff <= {T} THEN s.eff END",
                                        f"CASE WHEN s.wd <= {T} THEN s.wd END"])
    by_day = bool(days)
    # every edition read (no `only`): only the families some product declares undated are
    # grouped, and on_day is written into both of its readers, so their standing is computed
    # before grouping (a province's worst case: 4.6 -> 3.6 s with the declarations grouped
    # first, below); their editions are found through the family index from a list of those
    # families (98,000 of 1 M editions: 0.2 s, where matching every edition took 0.4)
    inline = not only
    undated_only = (" AND o.family_key = ANY(ARRAY(SELECT DISTINCT d0.code_key FROM "
                    "declaration d0 WHERE d0.undated))" if inline else "")
    day_values = ", ".join(f"({dialect.date})" for _ in days)
    declared = "" if ids_sql or not dialect.postgres or not only else (
        "declared_std AS (SELECT d0.standard AS id FROM declaration d0 "
        "WHERE d0.standard IS NOT NULL UNION SELECT s0.id FROM standard s0 "
        "WHERE s0.family_key IN (SELECT d0.code_key FROM declaration d0 WHERE d0.undated)), ")
    if inline and dialect.standing:
        # kept (edition_standing): the replacing editions, adoptions and the catalogue's wide
        # rows are not read at all (a province's worst case: coverage 4.1 -> 3.0 s)
        standing = (f"std AS (SELECT {', '.join(f's.{c}' for c in STANDING_COLUMNS)} "
                    "FROM edition_standing s)")
    else:
        standing = standard_ctes(dialect, only,
                                 relations_of_only=bool(ids_sql) or not dialect.postgres,
                                 materialized=inline)
    sql = f"""WITH {f"days(day) AS (VALUES {day_values}), " if by_day else ""}{declared}{
        standing},
  on_day AS {"NOT MATERIALIZED " if inline else ""}(
    SELECT {"dd.day, " if by_day else ""}s.id, s.family_key, s.amendment,
      CASE WHEN {valid} THEN 3 WHEN {upcoming} THEN 1 ELSE 2 END AS st,
      CASE WHEN {valid} THEN s.bits ELSE 0 END AS vbits,
      {next_of_edition} AS nx,
      {last_of_edition} AS px
    FROM std s{" CROSS JOIN days dd" if by_day else ""}
  ),
  family_on_day AS (
    SELECT {"o.day, " if by_day else ""}o.family_key,
      CASE WHEN MAX(CASE WHEN o.st = 3 THEN 1 ELSE 0 END) = 1 THEN 3
           WHEN MAX(CASE WHEN o.st = 1 THEN 1 ELSE 0 END) = 1 THEN 1 ELSE 2 END AS st,
      {_bits_or('o.vbits', 'o.st = 3')} AS vbits,
      MIN(o.nx) AS nx,
      MAX(o.px) AS px
    FROM on_day o WHERE o.amendment IS NULL{undated_only}
    GROUP BY {"o.day, " if by_day else ""}o.family_key
  )"""
    registered = f"COALESCE(p.registered_on, {dialect.created_day('p.created_at')})"
    # PostgreSQL groups each product's declarations first and joins the groups to the
    # products: the 1.9 M declaration rows of a province are not carried through the product
    # and enterprise joins. SQLite groups in the products' scan order (one pass)
    grouped = dialect.postgres
    # every product on PostgreSQL, no filter: dated declarations joined to their editions and
    # undated ones to their families in two branches of a UNION ALL, so that each declaration
    # is matched against one hash, not both (a province's worst case: 0.2-0.4 s of coverage's
    # 2.3). Not with filters: their declarations, a subquery, would be read twice (adoption's
    # main products: 1.2 -> 1.4 s)
    split = grouped and inline and not filters.product and not ids_sql
    if split:
        st, vbits, nx, px, withdrawn = ("COALESCE(u.st, 0)", "COALESCE(u.vbits, 0)", "u.nx",
                                        "u.px", "u.withdrawn_on")
    else:
        st, vbits, nx, px, withdrawn = ("COALESCE(s.st, f.st, 0)", "COALESCE(s.vbits, f.vbits, 0)",
                                        "COALESCE(s.nx, f.nx)", "COALESCE(s.px, f.px)",
                                        "d.withdrawn_on")
    # aggregates over the product's declarations on the day; the best declaration: 4 valid,
    # 3 withdrawn, 2 not yet in force, 1 unresolved (0 none: no declaration, below); so the
    # reason is the first that applies of the order in the module docstring
    rank = f"CASE {st} WHEN 3 THEN 4 WHEN 2 THEN 3 WHEN 1 THEN 2 ELSE 1 END"
    aggregates = {"best": f"MAX({rank})" if grouped
                  else f"MAX(CASE WHEN d.id IS NULL THEN 0 ELSE {rank} END)"}
    if with_next or all_bits:
        aggregates["mask"] = f"BIT_OR({vbits})" if grouped else _bits_or(vbits, "1 = 1")
    elif adopting:
        aggregates["mask"] = (f"CASE WHEN MAX(CASE WHEN ({vbits} & {int(adopting)}) <> 0 "
                              f"THEN 1 ELSE 0 END) = 1 THEN {int(adopting)} ELSE 0 END")
    if with_next:
        aggregates["nx"] = f"MIN({nx})"
        aggregates["dwd"] = f"MIN(CASE WHEN {withdrawn} > {T} THEN {withdrawn} END)"
        aggregates["px"] = f"MAX({px})"

    def of(name: str, none: str = "NULL") -> str:
        if name not in aggregates:
            return none
        if not grouped:
            return aggregates[name]
        return f"a.{name}" if none == "NULL" else f"COALESCE(a.{name}, {none})"

    if with_next:
        future = ("(SELECT MIN(d2.declared_on) FROM declaration d2 WHERE d2.product = p.id "
                  f"AND d2.declared_on > {T})")
        valid_until = dialect.least([
            of("nx"), of("dwd"), future,
            f"CASE WHEN {registered} > {T} THEN {registered} END",
            f"CASE WHEN p.discontinued_on > {T} THEN p.discontinued_on END"])
        # the last day on or before t that changed anything: a declaration made or
        # withdrawn (any, counting or not), a date of a declared edition, registration,
        # discontinuation. The facts hold from then on (conservative: more days than needed)
        valid_since = dialect.greatest([
            of("px"),
            "(SELECT MAX(d3.declared_on) FROM declaration d3 WHERE d3.product = p.id "
            f"AND d3.declared_on <= {T})",
            "(SELECT MAX(d3.withdrawn_on) FROM declaration d3 WHERE d3.product = p.id "
            f"AND d3.withdrawn_on <= {T})",
            f"CASE WHEN {registered} <= {T} THEN {registered} END",
            f"CASE WHEN p.discontinued_on <= {T} THEN p.discontinued_on END"])
    else:
        valid_until = valid_since = "NULL"
    product_where = list(filters.product)
    if only_in_scope:
        product_where.append(f"{registered} <= {T}")
        product_where.append(f"(p.discontinued_on IS NULL OR p.discontinued_on > {T})")
    counted_on_day = (f"d.declared_on <= {T} AND (d.withdrawn_on IS NULL OR "
                      f"d.withdrawn_on > {T})")

    def on_day_joins(day: str) -> str:
        return f"""LEFT JOIN on_day s ON s.id = d.standard AND NOT d.undated{
            f" AND s.day = {day}" if by_day else ""}
LEFT JOIN family_on_day f ON f.family_key = d.code_key AND d.undated{
            f" AND f.day = {day}" if by_day else ""}"""

    days_join = " CROSS JOIN days dd" if by_day else ""
    if grouped:
        # the products' own filters apply to their declarations too (PostgreSQL does not
        # carry them into the grouped subquery): one region's past day groups its own
        inner = [counted_on_day]
        inner_args: list[Any] = []
        declarations = "declaration d"
        if filters.product:
            # (joined, not an IN list: a filter may read the day of a series, dd.day)
            declarations += (" JOIN product p ON p.id = d.product "
                             "JOIN enterprise e ON e.id = p.enterprise")
            inner += filters.product
            inner_args += filters.product_args
        if ids_sql:
            inner.append(ids_sql.format(col="d.product"))
            inner_args += ids_args
        if filters.product or ids_sql:
            # the products' declarations first (OFFSET 0: not merged into the query around
            # it, where PostgreSQL joined every declaration to the editions before keeping
            # those of the products asked: a province's past day, 126,000 products changed
            # since, 8 s against 3.8)
            day_key = "dd.day AS day, " if by_day else ""
            source = (f"(SELECT {day_key}d.product, d.standard, d.code_key, d.undated, "
                      f"d.withdrawn_on FROM {declarations}{days_join} "
                      f"WHERE {' AND '.join(inner)} OFFSET 0) d")
            where, day = "", "d.day"
        else:
            source = f"{declarations}{days_join}"
            where, day = f"\n  WHERE {' AND '.join(inner)}", "dd.day"
        picked = ", ".join(f"{expr} AS {name}" for name, expr in aggregates.items())
        args += inner_args
        if split:
            # (split: no filter and no ids, so ``inner`` is the day's condition alone, with no
            # arguments, and ``source`` the declarations themselves)
            def branch(table: str, alias: str, match: str, undated: str) -> str:
                on = match + (f" AND {alias}.day = {day}" if by_day else "")
                return (f"SELECT {f'{day} AS day, ' if by_day else ''}d.product, "
                        f"d.withdrawn_on, {alias}.st, {alias}.vbits, {alias}.nx, {alias}.px "
                        f"FROM {source} LEFT JOIN {table} {alias} ON {on} "
                        f"WHERE {' AND '.join([undated, *inner])}")

            declared_sql = f"""LEFT JOIN (SELECT {"u.day AS day, " if by_day else ""}u.product, {
                picked}
  FROM ({branch("on_day", "s", "s.id = d.standard", "NOT d.undated")}
    UNION ALL {branch("family_on_day", "f", "f.family_key = d.code_key", "d.undated")}) u
  GROUP BY {"u.day, " if by_day else ""}u.product) a ON a.product = p.id{
                " AND a.day = dd.day" if by_day else ""}"""
        else:
            declared_sql = f"""LEFT JOIN (SELECT {f"{day} AS day, " if by_day else ""}d.product, {
                picked}
  FROM {source}
  {on_day_joins(day).replace(chr(10), chr(10) + "  ")}{where}
  GROUP BY {f"{day}, " if by_day else ""}d.product) a ON a.product = p.id{
                " AND a.day = dd.day" if by_day else ""}"""
    else:
        declared_sql = f"""LEFT JOIN declaration d ON d.product = p.id AND {counted_on_day}
{on_day_joins("dd.day")}"""
    args += filters.product_args
    if ids_sql:
        product_where.append(ids_sql.format(col="p.id"))
        args += ids_args
    sql += f"""
SELECT {"day, " if by_day else ""}product, enterprise, region_code, sector, key_fields, main,
  in_scope,
  CASE WHEN best = 4 THEN 1 ELSE 0 END AS covered,
  CASE best WHEN 4 THEN '' WHEN 3 THEN '{Reason.STANDARD_WITHDRAWN.value}'
       WHEN 2 THEN '{Reason.STANDARD_NOT_YET_IMPLEMENTED.value}'
       WHEN 1 THEN '{Reason.UNRESOLVED_CODE.value}'
       ELSE '{Reason.NO_STANDARD.value}' END AS reason,
  mask, valid_until, valid_since
FROM (SELECT {"dd.day AS day, " if by_day else ""}p.id AS product,
  p.enterprise AS enterprise, e.region_code AS region_code,
  COALESCE(NULLIF(p.sector, ''), e.sector, '') AS sector,
  COALESCE(e.key_fields, '') AS key_fields,
  CASE WHEN p.main THEN 1 ELSE 0 END AS main,
  CASE WHEN {registered} <= {T} AND (p.discontinued_on IS NULL OR p.discontinued_on > {T})
    THEN 1 ELSE 0 END AS in_scope,
  {of("best", "0")} AS best,
  {of("mask", "0")} AS mask,
  {valid_until} AS valid_until,
  {valid_since} AS valid_since
FROM product p JOIN enterprise e ON e.id = p.enterprise{days_join}
{declared_sql}"""
    if product_where:
        sql += f"\nWHERE {' AND '.join(product_where)}"
    if not grouped:
        # SQLite groups in the products' scan order when grouping by p.id alone (its other
        # columns are bare columns of that group)
        sql += f"\nGROUP BY {'dd.day, ' if by_day else ''}p.id"
    sql += ") g"
    if by_day:
        sql = sql.replace(T, "dd.day")
    return sql, args


CUBE_COLUMNS = ("region_code", "sector", "key_fields", "main", "covered", "reason", "mask")


REGION_GROUPS = frozenset({GroupBy.PROVINCE, GroupBy.CITY, GroupBy.COUNTY})


def counted_rows_sql(scope: Scope, source: str, count: str, where: Sequence[str] = (),
                     day: str | None = None, also: Collection[GroupBy | None] = ()) -> str:
    """Rows for :func:`product_report` from ``source`` (alias ``x``: the cube, the facts or
    the per-product SQL), reduced to what the indicator and its grouping need: the region,
    sector or key fields only when grouping by them, the adoption bits only as adopting or
    not (so a few hundred rows, not tens of thousands). ``day``: an expression grouped on
    first, as column ``day`` (a series of days in one pass). ``also``: other groupings the
    same rows must serve (one computation for the total, the cities and the sectors)."""
    wanted = {scope.group_by, *also}
    columns = [
        "x.region_code" if wanted & REGION_GROUPS else "''",
        "x.sector" if GroupBy.SECTOR in wanted else "''",
        "x.key_fields" if GroupBy.KEY_FIELD in wanted else "''",
        "x.main", "x.covered", "x.reason"]
    conditions = list(where)
    if scope.name is IndicatorName.ADOPTION:
        bits = adopting_bits(scope.rules)
        columns.append(f"CASE WHEN (x.mask & {bits}) <> 0 THEN {bits} ELSE 0 END")
        conditions.append("x.main = 1")
    else:
        columns.append("0")
    names = list(CUBE_COLUMNS)
    if day is not None:
        columns.insert(0, day)
        names.insert(0, "day")
    select = ", ".join(f"{expr} AS {name}" for expr, name in zip(columns, names, strict=True))
    clause = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    ordinals = ", ".join(str(i) for i in range(1, len(names) + 1))
    return f"SELECT {select}, {count} AS products FROM {source} x{clause} GROUP BY {ordinals}"


def standard_scope_sql(scope: Scope, alias: str = "s") -> tuple[list[str], list[Any]]:
    """Filters of the standard-level indicators on the ``std`` CTE."""
    where: list[str] = []
    args: list[Any] = []
    if scope.level:
        where.append(f"{alias}.level = ?")
        args.append(scope.level)
    if scope.prefix:
        where.append(f"({alias}.prefix = ? OR substr({alias}.prefix, 1, ?) = ?)")
        args += [scope.prefix, len(scope.prefix) + 1, f"{scope.prefix}/"]
    if scope.region:
        where.append(f"substr({alias}.region_code, 1, ?) = ?")
        args += [len(scope.region), scope.region]
    if scope.ics:
        where.append(f"{alias}.id IN (SELECT si.standard FROM standard_ics si WHERE si.ics = ? "
                     "OR substr(si.ics, 1, ?) = ?)")
        args += [scope.ics, len(scope.ics) + 1, f"{scope.ics}."]
    return where, args


def standard_adoption_sql(dialect: Dialect, scope: Scope) -> tuple[str, list[Any]]:
    """Current standards in scope, one row each: id, code, title, level, prefix, region, and
    ``reason`` (empty when adopting an international standard at a counted degree)."""
    bits = int(AdoptionBit.INTERNATIONAL_IDT_MOD)
    if scope.rules.count_neq:
        bits |= AdoptionBit.INTERNATIONAL_NEQ
    if scope.rules.count_eqv:
        bits |= AdoptionBit.INTERNATIONAL_EQV
    where, args = standard_scope_sql(scope)
    levels = ", ".join(f"'{level}'" for level in CHINESE_LEVELS)
    sql = f"""WITH {standard_ctes(dialect)}
SELECT s.id, s.normalized_code AS code, s.level, s.prefix, COALESCE(s.region_code, '') AS
  region_code,
  CASE WHEN (s.bits & {int(bits)}) <> 0 THEN '' ELSE '{Reason.NOT_ADOPTING.value}' END AS reason
FROM std s WHERE s.level IN ({levels}) AND {_valid('s')}"""
    sql += "".join(f" AND {clause}" for clause in where)
    return sql, args


def conversion_sql(dialect: Dialect, scope: Scope) -> tuple[str, list[Any]]:
    """International standards current on ``t`` in scope, one row each, with ``reason``
    (empty when a Chinese standard valid on ``t`` adopts that very edition)."""
    degrees = ", ".join(f"'{d}'" for d in adopting_degrees(scope.rules))
    levels = ", ".join(f"'{level}'" for level in CHINESE_LEVELS)
    where, args = standard_scope_sql(scope)
    sql = f"""WITH {standard_ctes(dialect)},
  conv AS (
    SELECT r.object_code AS code,
      MAX(CASE WHEN {_valid('c')} THEN 1 ELSE 0 END) AS valid,
      MAX(CASE WHEN NOT {_withdrawn('c')} AND c.eff > {T} THEN 1 ELSE 0 END) AS upcoming
    FROM relation r JOIN std c ON c.id = r.subject
    WHERE r.kind = 'adopts' AND r.degree IN ({degrees}) AND c.level IN ({levels})
    GROUP BY r.object_code
  )
SELECT s.id, s.normalized_code AS code, s.level, s.prefix, '' AS region_code,
  CASE WHEN cv.valid = 1 THEN ''
       WHEN cv.upcoming = 1 THEN '{Reason.STANDARD_NOT_YET_IMPLEMENTED.value}'
       WHEN cv.code IS NOT NULL THEN '{Reason.STANDARD_WITHDRAWN.value}'
       ELSE '{Reason.NOT_ADOPTING.value}' END AS reason
FROM std s LEFT JOIN conv cv ON cv.code = s.normalized_code
WHERE s.level = 'international' AND {_valid('s')}"""
    sql += "".join(f" AND {clause}" for clause in where)
    return sql, args


def standard_count_sql(rows_sql: str) -> str:
    return (f"SELECT level, prefix, region_code, reason, COUNT(*) AS standards "
            f"FROM ({rows_sql}) sr GROUP BY level, prefix, region_code, reason")


def product_not_counted_sql(name: IndicatorName, rules: IndicatorRules,
                            reason: str | None) -> tuple[str, list[Any]]:
    """Conditions on a product row (alias ``pf``) that it is in scope and not counted."""
    where = ["pf.in_scope = 1"]
    args: list[Any] = []
    if name is IndicatorName.ADOPTION:
        where.append("pf.main = 1")
        bits = adopting_bits(rules)
        if reason == Reason.NOT_ADOPTING.value:
            where.append(f"pf.covered = 1 AND (pf.mask & {bits}) = 0")
        elif reason:
            where.append("pf.covered = 0 AND pf.reason = ?")
            args.append(reason)
        else:
            where.append(f"(pf.covered = 0 OR (pf.mask & {bits}) = 0)")
    else:
        where.append("pf.covered = 0")
        if reason:
            where.append("pf.reason = ?")
            args.append(reason)
    return " AND ".join(where), args


def reason_value(name: IndicatorName, raw: str | None) -> str | None:
    """Raises: InvalidFieldError: (field ``reason``) not a reason of this indicator."""
    if raw is None or not raw.strip():
        return None
    allowed = [r.value for r in REASONS_OF[name]]
    if raw.strip() not in allowed:
        raise InvalidFieldError("reason", raw, f"不是 {name.value} 的未计入原因 is not a reason of "
                                f"{name.value} (one of {', '.join(allowed)})")
    return raw.strip()
