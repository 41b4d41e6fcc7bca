"""Reader for the compact JSON-lines catalogues converted from relaton-data-iso / -iec / -jis
(``iso_compact_all.jsonl.gz`` ...): one flat object per line, read line by line through gzip so
50,000-record files stream in constant memory.

Keys: ``id``, ``title_en``, ``title_fr`` / ``title_ja``, ``doctype``, ``published`` or
``issued``, ``confirmed``, ``obsoleted``, ``stable_until``, ``edition``, ``stage`` (ISO) or
``status`` (IEC, JIS), ``ics``, ``tc``, ``obsoletes``, ``updated_by``, ``src``.
"""

from __future__ import annotations

from typing import Any

from importers.jsonlines import first_object, json_line_records, require_content
from importers.schemas import RawReading
from importers.sources import SourceFile


def compact_source(first: dict[str, Any]) -> str:
    """Which relaton-data collection a file comes from, judged by its first record."""
    if "title_ja" in first or str(first.get("id", "")).startswith(("JIS ", "TR ", "TS ")):
        return "relaton-data-jis"
    if "stage" in first:
        return "relaton-data-iso"
    return "relaton-data-iec"


def read_compact(source: SourceFile) -> RawReading:
    """Stream a compact JSONL(.gz) catalogue, one raw record per line."""
    require_content(source)
    return RawReading(
        source=compact_source(first_object(source)),
        profile="relaton-compact",
        records=json_line_records(source),
    )
