"""Pydantic shapes that cross package boundaries: what importers hand in, what readers get back."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from standards.vocab import AdoptionDegree, CheckVerdict, Level, Nature, Status


class AdoptionRef(BaseModel):
    """An international or foreign document that a standard adopts (采用), with the degree."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="the adopted document's code as given, e.g. 'ISO 9001:2015'")
    degree: AdoptionDegree | None = Field(
        default=None, description="IDT / MOD / NEQ / EQV; None when the source does not say"
    )
    marker: str | None = Field(
        default=None,
        description="the source's own marker ('idt', '等同', '采'), kept for re-rating",
    )


class StandardInput(BaseModel):
    """One standard edition as a source describes it; the repository derives the code fields.

    Every field except ``code`` and ``source`` is optional: a source fills what it knows and the
    merge keeps what other sources said.
    """

    code: str = Field(description="the code as printed by the source (any spelling)")
    source: str = Field(description="where the record came from, e.g. 'std.samr.gov.cn', 'csv'")
    source_url: str | None = None
    title_zh: str | None = None
    title_en: str | None = None
    status: Status | None = Field(
        default=None, description="the status the source states, mapped; dates take precedence"
    )
    status_text: str | None = Field(default=None, description="the source's own status word")
    nature: Nature | None = Field(default=None, description="only when the source states it")
    published_on: dt.date | None = None
    implemented_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    ics: list[str] = Field(default_factory=list)
    ccs: str | None = None
    scope: str | None = None
    department: str | None = Field(default=None, description="主管部门 / responsible department")
    technical_committee: str | None = Field(default=None, description="归口单位 / TC")
    drafters: list[str] = Field(default_factory=list, description="起草单位 drafting organizations")
    replaces: list[str] = Field(default_factory=list, description="codes this edition replaces")
    partially_replaces: list[str] = Field(default_factory=list)
    replaced_by: list[str] = Field(default_factory=list, description="codes that replace it")
    adopts: list[AdoptionRef] = Field(default_factory=list)
    references: list[str] = Field(
        default_factory=list, description="codes this edition cites as normative references "
        "(规范性引用文件), dated or undated as printed")
    domains: list[str] = Field(default_factory=list)
    extra: dict[str, str] = Field(
        default_factory=dict, description="source fields kept verbatim (备案号, plan number...)"
    )


class AdoptionRead(BaseModel):
    code: str
    degree: AdoptionDegree | None = None
    standard_id: int | None = None


class StandardRead(BaseModel):
    """A standard edition as the API and `stdtrack show --json` return it (docs/json.md)."""

    id: int
    code: str = Field(description="the official print, e.g. 'GB/T 99999-2024', 'DB31/ 890-2015'")
    normalized_code: str
    family_key: str
    edition_note: str | None = Field(
        description="'2018年版' (a revised text keeping its number), 'CSV' (IEC) ...")
    amendment: str | None = Field(
        description="'XG1-2020': the amendment this record is (code ends '/XG1-2020'), or, "
        "with amendment_included, the amendments a source says this edition includes")
    amendment_included: bool = Field(
        description="true: 'amendment' names amendments included in this edition's text "
        "(含第1号修改单), not the amendment itself")
    spellings: dict[str, str] = Field(
        description="how each source printed the code, where that differs from 'code'")
    level: Level
    nature: Nature | None
    prefix: str
    region_code: str | None
    industry_code: str | None
    org_code: str | None
    number: str
    part: str | None
    year: int | None
    title_zh: str | None
    title_en: str | None
    status: Status
    status_reason: str | None
    published_on: dt.date | None
    implemented_on: dt.date | None
    withdrawn_on: dt.date | None
    ics: list[str]
    ccs: str | None
    scope: str | None
    department: str | None
    technical_committee: str | None
    drafters: list[str]
    domains: list[str]
    source: str | None
    source_url: str | None
    replaces: list[str]
    replaced_by: list[str]
    adopts: list[AdoptionRead]
    adopted_by: list[str]
    references: list[str] = Field(
        default_factory=list, description="its normative references (规范性引用文件), as cited")
    referenced_by: list[str] = Field(
        default_factory=list, description="catalogue standards citing it, dated or undated")
    editions: list[str]
    amendments: list[str]
    owner_uscc: str | None = Field(default=None, description="the enterprise that declared "
                                   "this enterprise standard (Q/...) and alone may change it")


class StandardSummary(BaseModel):
    """A row of a standards list."""

    id: int
    code: str
    normalized_code: str
    level: Level
    nature: Nature | None
    prefix: str
    region_code: str | None
    industry_code: str | None
    year: int | None
    title_zh: str | None
    title_en: str | None
    status: Status
    published_on: dt.date | None
    implemented_on: dt.date | None
    withdrawn_on: dt.date | None
    ics: list[str]
    ccs: str | None


class StandardPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[StandardSummary]


# ------------------------------------------------------------------------------------------
# Curation: hand edits, conflicts to resolve, preferred sources, a record's history
# ------------------------------------------------------------------------------------------

_NO_CONTROLS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"


class StandardEdit(BaseModel):
    """Fields staff set by hand (``PATCH /api/standards/{id}``): only the fields given change;
    ``null`` (or an empty list) clears one. A hand-set value outranks every later import."""

    model_config = ConfigDict(extra="forbid")

    title_zh: str | None = Field(default=None, max_length=1000, pattern=_NO_CONTROLS)
    title_en: str | None = Field(default=None, max_length=1000, pattern=_NO_CONTROLS)
    published_on: dt.date | None = None
    implemented_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    nature: Nature | None = None
    ccs: str | None = Field(default=None, max_length=20, pattern=r"^[A-Za-z0-9/ -]*$")
    ics: list[str] | None = Field(default=None, max_length=50,
                                  description="ICS codes, e.g. 03.080.30")
    scope: str | None = Field(default=None, max_length=20000)
    department: str | None = Field(default=None, max_length=200, pattern=_NO_CONTROLS)
    technical_committee: str | None = Field(default=None, max_length=300,
                                            pattern=_NO_CONTROLS)
    drafters: list[str] | None = Field(default=None, max_length=100)


class StandardChangeRead(BaseModel):
    """One change-log row of a standard: what changed, by an import (``batch_id``) or by hand
    (``actor``, ``note``)."""

    id: int
    field: str
    old_value: str | None
    new_value: str | None
    changed_at: dt.datetime
    batch_id: int | None
    actor: str = ""
    note: str = ""


class ConflictRead(BaseModel):
    """A disagreement an import reported: ``offered_source`` offers ``offered`` for a field
    whose value ``kept`` belongs to ``kept_source``; ``current`` is the value stored now."""

    id: int
    standard_id: int
    code: str
    title_zh: str | None
    field: str
    kept: object = Field(description="the value kept when the conflict was reported (JSON)")
    kept_source: str | None
    offered: object = Field(description="the value the other source offered (JSON)")
    offered_source: str
    current: object = Field(default=None, description="the value stored now")
    state: str = Field(description="open or resolved")
    resolution: str = Field(description="kept, offered or preference (resolved ones)")
    chosen: object = None
    resolved_by: str = ""
    resolved_at: dt.datetime | None = None
    batch_id: int | None
    times: int
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime


class ConflictPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[ConflictRead]
    fields: list[str] = Field(description="fields with open conflicts (for filters)")
    sources: list[str] = Field(description="offering sources of open conflicts")


class SourcePreferenceRead(BaseModel):
    field: str
    source: str
    actor: str
    created_at: dt.datetime
class CatalogueVersion(BaseModel):
    """Which state of the catalogue a check was answered from."""

    standards: int = Field(description="editions in the catalogue")
    last_batch_id: int | None = Field(description="the newest finished import batch")
    last_import_at: dt.datetime | None = Field(description="when that batch finished")
    label: str = Field(description="a short version label, e.g. 'b42 · 2026-12-01 · 1234 项'")


class CheckedCitation(BaseModel):
    """One distinct code a checked list or document cites, and what it is on the check date."""

    written: str = Field(description="the code as written (its first occurrence)")
    occurrences: int
    locations: list[str] = Field(description="where it occurs (the first 10)")
    code: str | None = Field(description="the code normalised (null when malformed)")
    undated: bool = Field(description="cited without a year: answered with the edition in "
                          "force on the check date (GB/T 1.1)")
    adopted_ref: str | None = Field(default=None, description="the adopted international "
                                    "standard a double number names")
    verdict: CheckVerdict
    verdict_zh: str
    standard_id: int | None = Field(description="the edition the citation resolves to")
    resolved_code: str | None
    title_zh: str | None
    status: Status | None = Field(description="that edition's status on the check date")
    effective_on: dt.date | None
    withdrawn_on: dt.date | None
    successors: list[str] = Field(description="editions that replace it (代替)")
    edition_in_force: str | None = Field(description="the family's edition in force on the "
                                         "check date (null when none is)")
    edition_in_force_title: str | None = None
    problem: str | None = Field(default=None, description="why a malformed code is no code")


class CheckReport(BaseModel):
    """A 标准查新 answer: every distinct code found, with its verdict on ``as_of``."""

    checked_at: dt.datetime
    as_of: dt.date
    catalogue: CatalogueVersion
    source: str = Field(description="what was checked (pasted text, a file name)")
    found: int = Field(description="citations found, repeats included")
    distinct: int
    truncated: bool = Field(description="the text held more citations than are checked")
    counts: dict[str, int] = Field(description="distinct codes per verdict")
    items: list[CheckedCitation]
