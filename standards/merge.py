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
MERGED_FIELDS = (*SCALAR_FIELDS, "withdrawn_undated", *LIST_FIELDS)


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
    for name in SCALAR_FIELDS:
        value = getattr(item, name)
        if isinstance(value, str):
            value = value.strip() or None
        if value is not None:
            values[name] = value
    for name in LIST_FIELDS:
        items = [v.strip() for v in getattr(item, name) if v and v.strip()]
        if items:
            values[name] = list(dict.fromkeys(items))
    stated_withdrawn = item.status is Status.WITHDRAWN
    if stated_withdrawn and item.withdrawn_on is None:
        values["withdrawn_undated"] = True
    elif item.status in (Status.CURRENT, Status.UPCOMING):
        values["withdrawn_undated"] = False
    return values


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def merge(
    existing: dict[str, Any] | None,
    existing_sources: dict[str, str],
    existing_extra: dict[str, str],
    item: StandardInput,
) -> MergeResult:
    """Decide what ``item`` changes on a stored standard (``existing`` None: a new one)."""
    source = item.source
    result = MergeResult(
        field_sources=dict(existing_sources), extra=dict(existing_extra)
    )
    for name, offered in offered_values(item).items():
        current = None if existing is None else existing.get(name)
        if current == offered:
            result.field_sources.setdefault(name, source)
            continue
        owner = existing_sources.get(name)
        if name == "source_url" and owner not in (None, source) and not _blank(current):
            # each source has its own page: keep them all, none is a disagreement
            result.extra[f"url.{source}"] = offered
            result.field_sources.setdefault(f"extra.url.{source}", source)
            continue
        # "not withdrawn" stated by a source is a statement, not a blank
        fillable = _blank(current) and not (name == "withdrawn_undated" and owner)
        if fillable or owner == source or owner is None:
            result.values[name] = offered
            result.field_sources[name] = source
            if existing is not None:
                result.changes.append((name, current, offered))
        else:
            result.conflicts.append(Conflict(name, current, owner, offered, source))
    for key, value in item.extra.items():
        if value in (None, ""):
            continue
        if key not in result.extra:
            result.extra[key] = value
            if existing is not None:
                result.changes.append((f"extra.{key}", None, value))
        elif result.extra[key] != value and existing_sources.get(f"extra.{key}", source) == source:
            result.changes.append((f"extra.{key}", result.extra[key], value))
            result.extra[key] = value
        result.field_sources.setdefault(f"extra.{key}", source)
    return result


def json_value(value: Any) -> Any:
    """A value as it goes into the change log (dates as ISO strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
