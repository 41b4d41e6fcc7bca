"""Reader for ISO Open Data deliverables: one JSON object per file (``62085.json``), a JSON list,
or JSON lines (``iso_deliverables_metadata.jsonl``).

Keys: ``id`` (ISO's project id), ``reference`` (``ISO 9001:2015``), ``publicationDate``,
``edition``, ``icsCode``, ``ownerCommittee``, ``currentStage`` (``9092``), ``replaces`` /
``replacedBy`` (project ids, not codes), ``languages``, ``pages``, ``scope`` and ``title``
(``{"en": ..., "fr": ...}``; scope is HTML).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from importers.jsonlines import json_line_records, require_content
from importers.schemas import RawReading, RawRecord, make_location
from importers.sources import SourceFile, decode_text, load_json

_ISO_STANDARD_PAGE = "https://www.iso.org/standard/{}.html"


def deliverable_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """Flatten one deliverable: per-language texts become English text plus extras."""
    fields = dict(entry)
    for key in ("title", "scope"):
        value = entry.get(key)
        if isinstance(value, dict):
            fields[key] = value.get("en")
            for language, text in value.items():
                if language != "en" and text:
                    fields[f"extra:{key}_{language}"] = text
    pages = entry.get("pages")
    if isinstance(pages, dict):
        fields.pop("pages")
        fields["extra:pages"] = "; ".join(f"{lang}: {count}" for lang, count in pages.items())
    if entry.get("id") is not None:
        fields["source_url"] = _ISO_STANDARD_PAGE.format(entry["id"])
    return fields


def _from_document(source: SourceFile, document: Any) -> Iterator[RawRecord]:
    entries = document if isinstance(document, list) else [document]
    for index, entry in enumerate(entries):
        where = f"/{index}" if isinstance(document, list) else "/"
        location = make_location(source.name, where)
        if not isinstance(entry, dict):
            yield RawRecord(location, {}, "this entry is not a JSON object")
            continue
        yield RawRecord(location, deliverable_fields(entry))


def read_iso_open_data(source: SourceFile, json_lines: bool) -> RawReading:
    """Read ISO Open Data deliverables from a JSON document or a JSON-lines file."""
    if json_lines:
        require_content(source)
        records: Iterator[RawRecord] = json_line_records(source, deliverable_fields)
    else:
        document = load_json(decode_text(source.read_bytes(), source.name), source.name)
        records = _from_document(source, document)
    return RawReading(source="ISO Open Data", profile="iso-open-data", records=records)
