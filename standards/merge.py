"""Merging what a source says about a standard into what the catalogue already holds.

Rules: a field remembers the source that set it; the same source may update it; another source
fills blanks but never blanks or overwrites a field: a disagreement is reported as a conflict.
*Stated* fields (the nature, and the status words that stand in for missing dates) have a
default nobody said (the code's nature; "in force"): any source's statement replaces the
default, and from then on they are owned like the others. List fields (ICS, drafters, domains)
compare as sets: the same items in another order are the same value.

A value staff set by hand (source ``manual``) outranks every import: a later import offering
another value reports a conflict instead, even for a blank. Staff may prefer a source for a
field ("always prefer source X for field Y"): its offer then replaces another source's value
(never a hand edit), and other sources' offers against its value are not reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from standards.schemas import StandardInput
from standards.vocab import Status

SCALAR_FIELDS = (
    "title_zh",
    "title_en",
    "status_text",
    "published_on",
    "implemented_on",
    "withdrawn_on",
    "ccs",
    "scope",
    "department",
    "technical_committee",
    "source_url",
)
LIST_FIELDS = ("ics", "drafters", "domains")
STATUS_FIELD = "withdrawn_undated"
UPCOMING_FIELD = "upcoming_undated"
NATURE_FIELD = "nature"
STATED_FIELDS = (STATUS_FIELD, UPCOMING_FIELD, NATURE_FIELD)
MANUAL_SOURCE = "manual"
"""The source of values staff set by hand: it outranks every import."""


@dataclass(frozen=True, slots=True)
class Conflict:
    field: str
    kept: Any
    kept_source: str | None
    offered: Any
    offered_source: str


@dataclass(slots=True)
class MergeResult:
    values: dict[str, Any] = field(default_factory=dict)  # fields to write
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)  # (field, old, new)
    conflicts: list[Conflict] = field(default_factory=list)
    field_sources: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)


def offered_values(item: StandardInput) -> dict[str, Any]:
    """The mergeable fields a record offers, blanks left out."""
    values: dict[str, Any] = {}
    fields = item.__dict__
    for name in SCALAR_FIELDS:
        value = fields[name]
        if value.__class__ is str:
            value = value.strip() or None
        if value is not None:
            values[name] = value
    for name in LIST_FIELDS:
        given = fields[name]
        if given:
            items = [v.strip() for v in given if v and v.strip()]
            if items:
                values[name] = list(dict.fromkeys(items))
    status = item.status
    if status is Status.WITHDRAWN and item.withdrawn_on is None:
        values[STATUS_FIELD] = True
    elif status is Status.CURRENT or status is Status.UPCOMING:
        values[STATUS_FIELD] = False
    if item.implemented_on is None and status is not None:
        # what the status word says stands in for the missing implementation date
        values[UPCOMING_FIELD] = status is Status.UPCOMING
    if item.nature is not None:
        values[NATURE_FIELD] = item.nature.value
    return values


class Offer(Protocol):
    """What a merge reads of a record besides its offered values: a StandardInput, or a
    record prepared for the writer (standards.prepare.PreparedRecord)."""

    @property
    def source(self) -> str: ...

    @property
    def extra(self) -> dict[str, str]: ...


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def merge(
    existing: dict[str, Any] | None,
    existing_sources: dict[str, str],
    existing_extra: dict[str, str],
    item: Offer,
    creator: str | None = None,
    offered: dict[str, Any] | None = None,
    preferences: Mapping[str, str] | None = None,
) -> MergeResult:
    """Decide what ``item`` changes on a stored standard (``existing`` None: a new one).

    ``existing_sources`` lists only the fields set by a source other than ``creator``, the
    source that created the standard: a value without an entry belongs to the creator.
    ``offered`` is :func:`offered_values` of the record, worked out here when not given (then
    ``item`` must be a StandardInput). ``preferences`` maps a field to the source staff
    prefer for it.
    """
    source = item.source
    if offered is None:
        if not isinstance(item, StandardInput):
            raise TypeError("merge: offered values are needed for a prepared record")
        offered = offered_values(item)
    if existing is None:
        extra = {k: v for k, v in item.extra.items() if v not in (None, "")}
        # a statement is recorded by name: an unstated value is a default, not a statement
        # ("not upcoming" is the default too: recorded only when it corrects a statement)
        stated = {name: source for name in STATED_FIELDS
                  if name in offered and (name != UPCOMING_FIELD or offered[name])}
        return MergeResult(values=offered, extra=extra, field_sources=stated)
    result = MergeResult(field_sources=dict(existing_sources), extra=dict(existing_extra))

    def set_owner(name: str) -> None:
        if source == creator and name not in STATED_FIELDS:
            result.field_sources.pop(name, None)
        else:
            result.field_sources[name] = source

    for name, value in offered.items():
        current = existing.get(name)
        if current == value or (name in LIST_FIELDS and current and set(current) == set(value)):
            continue
        owner = existing_sources.get(name, None if name in STATED_FIELDS else creator)
        by_hand = owner == MANUAL_SOURCE and source != MANUAL_SOURCE
        if name in PER_SOURCE_FIELDS and owner != source and not _blank(current):
            # each source has its own page and its own status words: kept side by side
            result.extra[f"{PER_SOURCE_FIELDS[name]}.{source}"] = value
            continue
        if name in DATE_FIELDS and owner != source and current is not None and not by_hand:
            mine = _precision(existing_extra, name)
            theirs = _precision(item.extra, name)
            if _within(value, current, mine):  # a more precise date than ours: take it
                result.values[name] = value
                set_owner(name)
                result.changes.append((name, current, value))
                result.extra.pop(f"{name.removesuffix('_on')}_precision", None)
                result.extra.pop(f"{name}_precision", None)
                continue
            if _within(current, value, theirs):  # a coarser date that agrees with ours
                continue
        # "not withdrawn" stated by a source is a statement, not a blank
        fillable = _blank(current) and not (name in STATED_FIELDS and owner) and not by_hand
        preferred = None if by_hand else (preferences or {}).get(name)
        if fillable or owner == source or owner is None or preferred == source:
            result.values[name] = value
            set_owner(name)
            result.changes.append((name, current, value))
        elif preferred is not None and preferred == owner:
            continue  # the preferred source's value stands; nobody needs to decide
        else:
            result.conflicts.append(Conflict(name, current, owner, value, source))
    for key, value in item.extra.items():
        if value in (None, ""):
            continue
        if key.endswith("_precision") and _precision_owner(key, result, creator) != source:
            continue  # the precision of a date another source gave more exactly
        if key not in result.extra:
            result.extra[key] = value
            result.changes.append((f"extra.{key}", None, value))
            set_owner(f"extra.{key}")
        elif (result.extra[key] != value
              and existing_sources.get(f"extra.{key}", creator) == source):
            result.changes.append((f"extra.{key}", result.extra[key], value))
            result.extra[key] = value
    return result


PER_SOURCE_FIELDS = {"source_url": "url", "status_text": "status"}
DATE_FIELDS = ("published_on", "implemented_on", "withdrawn_on")


def _precision(extra: dict[str, str], field_name: str) -> str:
    """``day``, ``month`` or ``year``: sources such as ISO's give months only."""
    return (extra.get(f"{field_name.removesuffix('_on')}_precision")
            or extra.get(f"{field_name}_precision") or "day")


def _within(precise: dt.date, coarse: dt.date, coarse_precision: str) -> bool:
    """True when ``precise`` falls in the month or year that ``coarse`` stands for."""
    if coarse_precision == "month":
        return (precise.year, precise.month) == (coarse.year, coarse.month)
    if coarse_precision == "year":
        return precise.year == coarse.year
    return False


def _precision_owner(key: str, result: MergeResult, creator: str | None) -> str | None:
    """The source of the date that an ``X_precision`` extra key qualifies."""
    date_field = key.removesuffix("_precision").removesuffix("_on") + "_on"
    return result.field_sources.get(date_field, creator)


def json_value(value: Any) -> Any:
    """A value as it goes into the change log (dates as ISO strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
