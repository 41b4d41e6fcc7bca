"""Preparing records for the writer: everything about an upsert that needs no database.

Pure and free of database code (no piccolo), so the import's reader process can prepare
records on the other core while the writer stores the previous batch.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from standards.codes import ParsedCode, parse_code, try_parse_code
from standards.errors import CodeError
from standards.lifecycle import effective_from
from standards.merge import (
    NATURE_FIELD,
    UPCOMING_FIELD,
    Conflict,
    MergeResult,
    merge,
    offered_values,
)
from standards.schemas import StandardInput
from standards.vocab import Level, RelationKind

FOREIGN_LEVELS = (Level.INTERNATIONAL, Level.FOREIGN)
CODE_SOURCE = "code"
"""The "source" of what a code's form implies (GB → mandatory, GB/T → recommended) in a
conflict with what a list states."""


def catalogue_key(parsed: ParsedCode) -> str:
    """The unique key of an edition: the normalized code, its amendment, and for foreign
    documents the publication variant (an IEC ``CSV`` is another publication).

    It is also the code a standard shows (its ``code``): the official print, whatever
    spelling a source used (``ＧＢ／Ｔ ９９９９９－２０２４`` shows as ``GB/T 99999-2024``)."""
    amendment = parsed.amendment or ""
    if amendment and not amendment.startswith("+"):
        amendment = f"/{amendment}"
    note = parsed.edition_note if parsed.level in FOREIGN_LEVELS else None
    if not note:
        return parsed.normalized + amendment
    space = "" if note == "R" or note.startswith("(") else " "
    if not _PUBLICATION_VARIANT.match(note):
        return f"{parsed.normalized}{amendment}{space}{note}"  # ED5, SYMBOL …, (E) come last
    # as the IEC and JIS print a publication variant: after the consolidated amendments, before
    # the amendments and corrigenda of that publication (IEC 60529:1989+AMD1:1999 CSV/COR2:2007,
    # JIS L 4107:2000R/AMENDMENT 1:2020)
    consolidated, slash, rest = amendment.partition("/")
    return f"{parsed.normalized}{consolidated}{space}{note}{slash}{rest}"


_PUBLICATION_VARIANT = re.compile(r"(?:CSV|CMV|RLV|EXV|SER|PRV|R)(?:$|[- ])")


def reference_key(code: str) -> str:
    """Key of a code another record names (replaces, adopts): parsed when possible, else cleaned."""
    parsed = try_parse_code(code)
    if parsed is None:
        return " ".join(code.split()).upper()
    return catalogue_key(parsed)


def renormalised_key(key: str) -> str:
    """A stored catalogue key as this version writes it (``DB31 890-2015`` is now
    ``DB31/ 890-2015``); a key that does not parse (any more) is kept. For migrations."""
    parsed = try_parse_code(key)
    if parsed is None or parsed.part == "ALL":
        return key
    return catalogue_key(parsed)


_ENCODER = json.JSONEncoder(ensure_ascii=False)
_encode: Callable[[Any], str] = _ENCODER.encode
if json.encoder.c_make_encoder is not None:  # type: ignore[attr-defined]
    # what JSONEncoder.encode runs for a map or list, built once rather than on every call
    # (a third of the cost of encoding a record's extra fields); values are plain data, so no
    # check for cycles
    _iterencode = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _ENCODER.default, json.encoder.encode_basestring, None,
        _ENCODER.key_separator, _ENCODER.item_separator, False, False, True)

    def _encode(value: Any) -> str:
        return "".join(_iterencode(value, 0))


def dumps(value: Any) -> str:
    """JSON text of a column value (a map or list; non-ASCII kept as is)."""
    if not value:  # most new rows: no field owned by another source, often no extra
        return "{}" if isinstance(value, dict) else "[]"
    return _encode(value)


def column_values(values: dict[str, Any]) -> dict[str, Any]:
    """Merged field values in their column representation."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "ics":
            out[name] = " ".join(value)
        elif name in ("drafters", "domains"):
            out[name] = dumps(value)
        else:
            out[name] = value
    return out


Relation = tuple[str, str, str, str | None, str | None, str]
# subject_code, kind, object_code, degree, marker, source


def _relations(item: StandardInput, parsed: ParsedCode, key: str) -> list[Relation]:
    rows: list[Relation] = []

    def add(subject: str, kind: RelationKind, obj: str, degree: str | None = None,
            marker: str | None = None) -> None:
        if subject and obj and subject != obj:
            rows.append((subject, kind.value, obj, degree, marker, item.source))

    for code in item.replaces:
        add(key, RelationKind.REPLACES, reference_key(code))
    for code in item.partially_replaces:
        add(key, RelationKind.PARTIALLY_REPLACES, reference_key(code))
    for code in item.replaced_by:
        add(reference_key(code), RelationKind.REPLACES, key)
    if parsed.adopted_ref:
        degree = parsed.adoption_degree.value if parsed.adoption_degree else None
        add(key, RelationKind.ADOPTS, reference_key(parsed.adopted_ref), degree,
            parsed.adoption_marker)
    for ref in item.adopts:
        add(key, RelationKind.ADOPTS, reference_key(ref.code),
            ref.degree.value if ref.degree else None, ref.marker)
    if parsed.amendment:
        add(key, RelationKind.AMENDS, parsed.normalized)
    for code in item.references:
        add(key, RelationKind.REFERENCES, reference_key(code))
    return rows


def _blank_row() -> dict[str, Any]:
    return {
        "title_zh": None, "title_en": None, "status_text": None, "published_on": None,
        "implemented_on": None, "withdrawn_on": None, "effective_on": None, "ccs": None,
        "scope": None, "department": None, "technical_committee": None, "source_url": None,
        "withdrawn_undated": False, "upcoming_undated": False, "ics": "", "drafters": "[]",
        "domains": "[]",
    }


_CODE_COLUMNS = ("code", "family_key", "level", "kind", "nature", "prefix", "base_prefix",
                 "region_code", "industry_code", "org_code", "number", "part", "year",
                 "amendment", "edition_note", "amendment_note")
# the columns of a new standard's row as PreparedRecord.new_row holds them; the writer adds
# created_at and updated_at
NEW_COLUMNS = (*_blank_row(), *_CODE_COLUMNS,
               "normalized_code", "field_sources", "extra", "source")
# notes a code carries that are not part of its key; a later source may fill them in
NOTE_COLUMNS = tuple((name, NEW_COLUMNS.index(name)) for name in ("edition_note",
                                                                   "amendment_note"))
# the extra field keeping how a source printed a code that differs from the official print
SPELLING = "code"


def spelling_key(source: str) -> str:
    """The extra field of ``source``'s own spelling of the code: ``code.<source>``."""
    return f"{SPELLING}.{source}"


def spellings(extra: dict[str, Any]) -> dict[str, str]:
    """``{source: spelling}`` kept in a standard's extra fields."""
    prefix = f"{SPELLING}."
    return {k[len(prefix):]: v for k, v in extra.items() if k.startswith(prefix)}


@dataclass(slots=True)
class PreparedRecord:
    """A record with everything that does not need the database worked out in advance:
    its key, the fields it offers to the merge, and the whole row it makes if its key is new.

    Preparing is pure: an import prepares records in a second process (they are pickled, so
    they hold only plain values) while the current batch is written.
    """

    code: str  # the code as the source printed it
    source: str
    key: str | None = None
    reason: str | None = None  # why the record is rejected (key None)
    offered: dict[str, Any] = field(default_factory=dict)  # merge.offered_values
    extra: dict[str, str] = field(default_factory=dict)  # the record's own extra fields
    relations: list[Relation] = field(default_factory=list)
    new_row: tuple[Any, ...] = ()  # NEW_COLUMNS values when the key is not yet stored
    # what the source states against the code itself (a nature other than the code's)
    conflicts: list[Conflict] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, ...]:  # positional: much cheaper to unpickle
        return (PreparedRecord, (self.code, self.source, self.key, self.reason, self.offered,
                                 self.extra, self.relations, self.new_row, self.conflicts))


_BLANK_ROW = _blank_row()
_field_values = operator.itemgetter(*_BLANK_ROW)
_STATED: dict[tuple[tuple[str, str], ...], str] = {}  # field_sources JSON: a handful of values


def _new_row(item: StandardInput, parsed: ParsedCode, key: str,
             result: MergeResult) -> tuple[Any, ...]:
    """The row a record makes when its key is new (``result``: its merge into nothing), in
    NEW_COLUMNS order (``column_values`` unrolled: this runs 100,000 times a file)."""
    values = result.values
    row = _BLANK_ROW.copy()
    row.update(values)
    if "ics" in values:
        row["ics"] = " ".join(values["ics"])
    if "drafters" in values:
        row["drafters"] = dumps(values["drafters"])
    if "domains" in values:
        row["domains"] = dumps(values["domains"])
    row["effective_on"] = effective_from(values.get("implemented_on"),
                                         values.get("published_on"),
                                         values.get(UPCOMING_FIELD, False))
    stated = tuple(result.field_sources.items())
    sources = _STATED.get(stated)
    if sources is None:
        sources = dumps(result.field_sources)
        if len(_STATED) < 64:
            _STATED[stated] = sources
    nature = values.get(NATURE_FIELD) or (parsed.nature.value if parsed.nature else None)
    return (*_field_values(row), key, parsed.family_key, parsed.level.value,
            parsed.kind, nature, parsed.prefix, parsed.base_prefix,
            parsed.region_code, parsed.industry_code, parsed.org_code, parsed.number,
            parsed.part, parsed.year, parsed.amendment, parsed.edition_note,
            parsed.amendment_note, key, sources, dumps(result.extra), item.source)


def prepare_records(
    items: Sequence[StandardInput], parsed: Sequence[ParsedCode | None] | None = None
) -> list[PreparedRecord]:
    """Parse codes (or reuse ``parsed``), derive keys, offered values, relations, new rows."""
    prepared: list[PreparedRecord] = []
    for position, item in enumerate(items):
        record = PreparedRecord(code=item.code, source=item.source)
        prepared.append(record)
        try:
            code = (parsed[position] if parsed is not None else None) or parse_code(item.code)
        except CodeError as exc:
            record.reason = str(exc)
            continue
        if code.part == "ALL":
            record.reason = f"{item.code!r} names all parts of a standard, not one edition"
            continue
        record.key = key = catalogue_key(code)
        record.offered = offered = offered_values(item)
        printed = item.code.strip()
        # the standard shows the official print (its key); a source's own spelling is kept
        record.extra = (item.extra if printed == key
                        else {**item.extra, spelling_key(item.source): printed})
        record.relations = _relations(item, code, key)
        record.new_row = _new_row(item, code, key, merge(None, {}, {}, record, None, offered))
        if item.nature is not None and code.nature is not None and item.nature != code.nature:
            # the source's word wins over what the code's form implies, and the disagreement
            # is reported: either the list or the code is wrong
            record.conflicts.append(Conflict(NATURE_FIELD, item.nature.value, item.source,
                                             code.nature.value, CODE_SOURCE))
    return prepared
