"""Readers for the JSON search responses of std.samr.gov.cn (``rows`` of upper-case keys such as
``STD_CODE``, ``C_C_NAME``, ``ISSUE_DATE``) and hbba.sacinfo.org.cn (``records`` with
``code``, ``chName`` and epoch-millisecond dates).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from importers.schemas import RawReading, RawRecord, make_location
from importers.sources import SourceFile, decode_text, load_json

_SAMR_DETAIL_URLS = {
    "BV_GB": "http://www.std.gov.cn/gb/search/gbDetailed?id={}",
    "BV_HB": "http://www.std.gov.cn/hb/search/stdHBDetailed?id={}",
}
_HBBA_DETAIL = "http://hbba.sacinfo.org.cn/stdDetail/{}"


def _load_object(source: SourceFile) -> Any:
    return load_json(decode_text(source.read_bytes(), source.name), source.name)


def _list_of(document: Any, key: str, source: SourceFile) -> list[Any]:
    items = document.get(key) if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise source.unreadable(f"expected a JSON object with a {key!r} list")
    return items


def _samr_records(source: SourceFile, rows: list[Any]) -> Iterator[RawRecord]:
    for index, row in enumerate(rows):
        location = make_location(source.name, f"/rows/{index}")
        if not isinstance(row, dict):
            yield RawRecord(location, {}, f"row {index} is not a JSON object")
            continue
        fields = dict(row)
        template = _SAMR_DETAIL_URLS.get(str(row.get("TABLE_NAME", "")))
        if template and row.get("id"):
            fields["source_url"] = template.format(row["id"])
        yield RawRecord(location, fields)


def read_samr_json(source: SourceFile) -> RawReading:
    """Read a std.samr.gov.cn search-API response (``{"rows": [...]}``)."""
    rows = _list_of(_load_object(source), "rows", source)
    return RawReading(
        source="std.samr.gov.cn", profile="samr-json", records=_samr_records(source, rows)
    )


def _hbba_records(source: SourceFile, records: list[Any]) -> Iterator[RawRecord]:
    for index, record in enumerate(records):
        location = make_location(source.name, f"/records/{index}")
        if not isinstance(record, dict):
            yield RawRecord(location, {}, f"record {index} is not a JSON object")
            continue
        fields = dict(record)
        if record.get("pk"):
            fields["source_url"] = _HBBA_DETAIL.format(record["pk"])
        yield RawRecord(location, fields)


def read_hbba_json(source: SourceFile) -> RawReading:
    """Read an hbba.sacinfo.org.cn ``stdQueryList`` response (``{"records": [...]}``)."""
    records = _list_of(_load_object(source), "records", source)
    return RawReading(
        source="hbba.sacinfo.org.cn", profile="hbba-json", records=_hbba_records(source, records)
    )
