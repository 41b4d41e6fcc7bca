"""Merging what a source says about a standard into what the catalogue already holds.

Rules: a field remembers the source that set it; the same source may update it; another source
fills blanks but never blanks or overwrites a field: a disagreement is reported as a conflict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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
MERGED_FIELDS = (*SCALAR_FIELDS, STATUS_FIELD, *LIST_FIELDS)


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
        values["withdrawn_undated"] = True
    elif status is Status.CURRENT or status is Status.UPCOMING:
        values["withdrawn_undated"] = False
    return values


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def merge(
    existing: dict[str, Any] | None,
    existing_sources: dict[str, str],
    existing_extra: dict[str, str],
    item: StandardInput,
    creator: str | None = None,
    offered: dict[str, Any] | None = None,
) -> MergeResult:
    """Decide what ``item`` changes on a stored standard (``existing`` None: a new one).

    ``existing_sources`` lists only the fields set by a source other than ``creator``, the
    source that created the standard: a value without an entry belongs to the creator.
    """
    source = item.source
    if offered is None:
        offered = offered_values(item)
    if existing is None:
        extra = {k: v for k, v in item.extra.items() if v not in (None, "")}
        # a stated status is recorded by name: an unstated one is a default, not a statement
        stated = {STATUS_FIELD: source} if STATUS_FIELD in offered else {}
        return MergeResult(values=offered, extra=extra, field_sources=stated)
    result = MergeResult(field_sources=dict(existing_sources), extra=dict(existing_extra))

    def set_owner(name: str) -> None:
        if source == creator and name != STATUS_FIELD:
            result.field_sources.pop(name, None)
        else:
            result.field_sources[name] = source

    for name, value in offered.items():
        current = existing.get(name)
        if current == value:
            continue
        owner = existing_sources.get(name, None if name == STATUS_FIELD else creator)
        if name == "source_url" and owner != source and not _blank(current):
            # each source has its own page: keep them all, none is a disagreement
            result.extra[f"url.{source}"] = value
            continue
        # "not withdrawn" stated by a source is a statement, not a blank
        fillable = _blank(current) and not (name == STATUS_FIELD and owner)
        if fillable or owner == source or owner is None:
            result.values[name] = value
            set_owner(name)
            result.changes.append((name, current, value))
        else:
            result.conflicts.append(Conflict(name, current, owner, value, source))
    for key, value in item.extra.items():
        if value in (None, ""):
            continue
        if key not in result.extra:
            result.extra[key] = value
            result.changes.append((f"extra.{key}", None, value))
            set_owner(f"extra.{key}")
        elif (result.extra[key] != value
              and existing_sources.get(f"extra.{key}", creator) == source):
            result.changes.append((f"extra.{key}", result.extra[key], value))
            result.extra[key] = value
    return result


def json_value(value: Any) -> Any:
    """A value as it goes into the change log (dates as ISO strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
