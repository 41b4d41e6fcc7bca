"""Per-record limits applied to whatever a reader yields: no field longer than the field limit
and no title longer than the title limit reaches the catalogue (that row is rejected with the
field, its length and the limit), and no file yields more than the row limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from importers.errors import UnreadableFileError
from importers.schemas import RawRecord, ReadOutcome
from standards.settings import ReadLimits


def field_too_long(field: str, length: int, limit: int,
                   setting: str = "STDTRACK_IMPORT_MAX_FIELD_CHARS") -> str:
    """The reason a row is rejected for one over-long field."""
    return (f"字段 {field} 长 {length} 字，超过上限 {limit} (field {field!r} is {length} "
            f"characters long, over the limit of {limit}: {setting})")


def line_too_long(field: str, length: int, limit: int) -> str:
    """The reason a row is rejected whose line ran past the line limit in ``field``."""
    return (f"字段 {field} 使该行长达 {length} 字，超过行上限 {limit} (field {field!r} runs the "
            f"line to {length} characters, over the line limit of {limit}: 16 × "
            "STDTRACK_IMPORT_MAX_FIELD_CHARS); the rest of the line was skipped unread")


def _longest(value: Any, limit: int) -> int:
    """The length of the first string in ``value`` (nested lists and dicts too) that is over
    ``limit``, else 0."""
    if type(value) is str:
        return len(value) if len(value) > limit else 0
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, (list, tuple)):
        return 0
    for item in value:
        found = _longest(item, limit)
        if found:
            return found
    return 0


def capped_records(records: Iterator[RawRecord], limits: ReadLimits, file_name: str
                   ) -> Iterator[RawRecord]:
    """``records`` with each over-long field's record turned into a rejection, stopped with
    ``UnreadableFileError`` past the row limit (the records before it were yielded)."""
    limit = limits.max_field_chars
    max_rows = limits.max_rows
    count = 0
    for record in records:
        count += 1
        if count > max_rows:
            raise UnreadableFileError(
                file_name, f"超过 {max_rows} 行的部分未读 (the file has more than {max_rows} "
                f"records; the rest was not read: STDTRACK_IMPORT_MAX_ROWS)")
        for key, value in record.fields.items():
            if type(value) is str:  # most values: checked inline, the import's fast path
                if len(value) <= limit:
                    continue
                length = len(value)
            else:
                length = _longest(value, limit)
                if not length:
                    continue
            record = RawRecord(record.location, {}, field_too_long(str(key), length, limit))
            break
        yield record


TITLE_FIELDS = ("title_zh", "title_en")


def capped_titles(outcomes: Iterator[ReadOutcome], limits: ReadLimits) -> Iterator[ReadOutcome]:
    """Mapped records whose title is over the title limit become rejections."""
    limit = limits.max_title_chars
    for outcome in outcomes:
        record = outcome.record
        if record is not None:
            for name in TITLE_FIELDS:
                title = getattr(record, name)
                if title is not None and len(title) > limit:
                    outcome = ReadOutcome(outcome.location, None, field_too_long(
                        name, len(title), limit, "STDTRACK_IMPORT_MAX_TITLE_CHARS"))
                    break
        yield outcome
