"""Change feed entries from the change log: one standard's rows of one write (an import, a
hand edit) become one typed entry (:class:`standards.vocab.ChangeType`) whose field changes
carry names meant for a subscriber, not the catalogue's internal columns.

Pure functions; the rows are read by :mod:`standards.feed_queries`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from standards.vocab import ChangeType

TRUE_TEXTS = frozenset({"true", "1", "True"})
PUBLIC_FIELDS: dict[str, str] = {
    "title_zh": "title_zh", "title_en": "title_en", "published_on": "published_on",
    "implemented_on": "implemented_on", "withdrawn_on": "withdrawn_on", "ics": "ics",
    "ccs": "ccs", "scope": "scope", "department": "department",
    "technical_committee": "technical_committee", "drafters": "drafters", "nature": "nature",
    "domains": "domains", "source_url": "source_url", "status_text": "source_status",
    "edition_note": "edition_note", "amendment_note": "amendment_note",
    "withdrawn_undated": "withdrawn_without_date",
    "upcoming_undated": "upcoming_without_date",
    "replaces": "replaces", "partially_replaces": "partially_replaces",
    "replaced_by": "replaced_by", "partially_replaced_by": "partially_replaced_by",
    "adopts": "adopts", "adopted_by": "adopted_by", "amends": "amends",
    "amended_by": "amended_by", "part_of": "part_of", "references": "normative_references",
    "extra.stage": "development_stage", "extra.doctype": "document_type",
}
"""Change-log field -> the name a subscriber reads. Other ``extra.KEY`` fields (what one
source states beyond the catalogue's fields) read ``source.KEY``; a date's precision note
(``extra.*_precision``) is no change a subscriber reads."""

SUCCESSOR_FIELDS = frozenset({"replaced_by", "partially_replaced_by"})
FLAG_FIELDS = frozenset({"withdrawn_undated", "upcoming_undated"})
"""Yes/no fields, shown as ``true``/``false`` (the log keeps whatever the writer wrote)."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None


def public_field(name: str) -> str | None:
    """The subscriber's name of a change-log field (None: not shown)."""
    if name in PUBLIC_FIELDS:
        return PUBLIC_FIELDS[name]
    if name.startswith("extra."):
        key = name.removeprefix("extra.")
        return None if key.endswith("precision") else f"source.{key}"
    return name


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def classify(rows: Sequence[dict[str, Any]], changed_on: dt.date, has_successor: bool
             ) -> tuple[ChangeType | None, list[FieldChange]]:
    """The type of one standard's change-log rows of one write, and their field changes.

    Args:
        rows: ``{field, old_value, new_value}`` each, in the order written.
        changed_on: the day of the write (an implementation date after it lies ahead).
        has_successor: the catalogue holds an edition replacing this one.

    Returns:
        ``(None, [])`` when nothing a subscriber reads changed (a decision that kept the
        stored value, a date's precision note); else the type — replaced or withdrawn when it
        was withdrawn or got a successor, upcoming when its implementation date was set or
        moved ahead, else record_changed — and every shown field change.
    """
    changes: list[FieldChange] = []
    withdrawn = successor = upcoming = False
    for row in rows:
        old, new = row["old_value"], row["new_value"]
        if row["field"] in FLAG_FIELDS:
            old, new = [("true" if text in TRUE_TEXTS else "false") for text in (old, new)]
        name = public_field(row["field"])
        if name is None or old == new:
            continue
        changes.append(FieldChange(name, old, new))
        field = row["field"]
        if (field == "withdrawn_on" and new) or (field == "withdrawn_undated"
                                                 and new in TRUE_TEXTS):
            withdrawn = True
        elif field in SUCCESSOR_FIELDS:
            successor = True
        elif field == "implemented_on":
            day = _day(new)
            upcoming = upcoming or (day is not None and day > changed_on)
        elif field == "upcoming_undated" and new in TRUE_TEXTS:
            upcoming = True
    if not changes:
        return None, []
    if successor or (withdrawn and has_successor):
        return ChangeType.REPLACED, changes
    if withdrawn:
        return ChangeType.WITHDRAWN, changes
    if upcoming:
        return ChangeType.UPCOMING, changes
    return ChangeType.RECORD_CHANGED, changes
