"""The format registry: which formats exist, how a file's format is recognised from its content,
and ``read_file`` which runs the right reader and maps every record.

Detection sniffs content (gzip is looked through), using the extension only to break ties:
a ``.txt`` that is really a TSV, or a Relaton file saved as ``.xml.gz``, still reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from importers import (
    compact,
    generic_json,
    iso_open_data,
    platform_json,
    platform_pages,
    relaton,
    sts,
    tabular,
)
from importers.errors import UnknownFormatError, UnreadableFileError
from importers.limits import capped_records, capped_titles
from importers.mapping import map_all
from importers.profiles import profile_named
from importers.schemas import FileReading, RawReading
from importers.sources import (
    HEAD_SIZE,
    SourceFile,
    decode_text,
    load_yaml_documents,
    looks_binary,
)
from importers.workbooks import is_workbook
from standards.settings import ReadLimits

Reader = Callable[[SourceFile, Mapping[str, str] | None], RawReading]


@dataclass(frozen=True, slots=True)
class FormatSpec:
    """A format name, what it covers, and its reader."""

    name: str
    description: str
    reader: Reader


def _no_columns(read: Callable[[SourceFile], RawReading]) -> Reader:
    def reader(source: SourceFile, column_map: Mapping[str, str] | None) -> RawReading:
        return read(source)

    return reader


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec(
            "csv",
            "CSV catalogue (Chinese or English headers)",
            lambda s, m: tabular.read_delimited(s, m, "csv"),
        ),
        FormatSpec(
            "tsv",
            "tab-separated catalogue",
            lambda s, m: tabular.read_delimited(s, m, "tsv"),
        ),
        FormatSpec("xlsx", "Excel workbook catalogue", tabular.read_xlsx),
        FormatSpec(
            "samr-html",
            "std.samr.gov.cn detail or search page",
            _no_columns(platform_pages.read_samr),
        ),
        FormatSpec(
            "openstd-html",
            "openstd.samr.gov.cn detail or list page",
            _no_columns(platform_pages.read_openstd),
        ),
        FormatSpec(
            "hbba-html",
            "hbba / dbba.sacinfo.org.cn detail page",
            _no_columns(platform_pages.read_hbba),
        ),
        FormatSpec(
            "ttbz-html",
            "ttbz.org.cn group-standard detail page",
            _no_columns(platform_pages.read_ttbz),
        ),
        FormatSpec(
            "samr-json", "std.samr.gov.cn search JSON", _no_columns(platform_json.read_samr_json)
        ),
        FormatSpec(
            "hbba-json",
            "hbba.sacinfo.org.cn stdQueryList JSON",
            _no_columns(platform_json.read_hbba_json),
        ),
        FormatSpec(
            "relaton-xml", "Relaton XML bibitem/bibdata", _no_columns(relaton.read_relaton_xml)
        ),
        FormatSpec("relaton-yaml", "Relaton YAML item(s)", _no_columns(relaton.read_relaton_yaml)),
        FormatSpec(
            "iso-open-data",
            "ISO Open Data deliverables (JSON or JSON lines)",
            lambda s, m: iso_open_data.read_iso_open_data(s, _is_json_lines(s)),
        ),
        FormatSpec(
            "relaton-compact",
            "compact JSON lines of ISO / IEC / JIS (relaton-data-*), gzip or not",
            _no_columns(compact.read_compact),
        ),
        FormatSpec("sts-xml", "NISO STS / ISO STS XML metadata", _no_columns(sts.read_sts)),
        FormatSpec(
            "json",
            "any JSON list of standards (top level or under one key), keys as table headers",
            generic_json.read_json_list,
        ),
        FormatSpec(
            "jsonl",
            "JSON lines, one standard object per line, keys as table headers",
            generic_json.read_json_lines,
        ),
    )
}


def format_names() -> list[str]:
    """Every format name ``--format`` accepts."""
    return list(FORMATS)


# ---------------------------------------------------------------- detection

_ROOT_TAG = re.compile(r"\s*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.S | re.I)


def _root_element(text: str) -> str | None:
    """Local name of a markup document's root element (declarations, comments, DOCTYPE
    skipped)."""
    position = 0
    while (item := _PROLOG_ITEM.match(text, position)) is not None and item.end() > position:
        position = item.end()
    match = _ROOT_TAG.match(text, position)
    return match.group(2) if match else None


def _detect_html(text: str) -> str | None:
    lowered = text.casefold()
    title_match = re.search(r"<title>(.*?)</title>", text, re.S | re.I)
    title = title_match.group(1) if title_match else ""
    if "全国团体标准信息平台" in title or "ttbz.org.cn/standardmanage" in lowered:
        return "ttbz-html"
    if (
        "国家标准全文" in title
        or title.startswith("国家标准|")
        or ("newgbinfo" in lowered and "showinfo(" in lowered)
    ):
        return "openstd-html"
    if (
        "/statics/hb/" in lowered
        or "/statics/db/" in lowered
        or "hbba.sacinfo" in lowered
        or "dbba.sacinfo" in lowered
    ):
        return "hbba-html"
    if (
        "全国标准信息公共服务平台" in title
        or "std.gov.cn" in lowered
        or "std.samr.gov.cn" in lowered
    ):
        return "samr-html"
    return None


def _detect_markup(text: str, name: str) -> str:
    root = _root_element(text)
    if root is None:
        raise UnknownFormatError(
            f"{name}: starts like XML/HTML but has no root element", format_names()
        )
    if root.casefold() == "html":
        found = _detect_html(text)
        if found:
            return found
        raise UnknownFormatError(
            f"{name}: an HTML page of no known standards platform", format_names()
        )
    if root in ("bibdata", "bibitem", "relaton-collection"):
        return "relaton-xml"
    if root in (
        "standard",
        "adoption",
        "iso-meta",
        "nat-meta",
        "reg-meta",
        "std-meta",
    ) or re.search(r"<(?:std-meta|iso-meta|nat-meta|reg-meta)\b", text):
        return "sts-xml"
    raise UnknownFormatError(
        f"{name}: XML with root <{root}> is no known standards format", format_names()
    )


def _json_keys(document: Any) -> set[str]:
    if isinstance(document, list):
        document = next((item for item in document if isinstance(item, dict)), {})
    return set(document) if isinstance(document, dict) else set()


def _specific_json_object(keys: set[str]) -> str | None:
    """The specific format whose objects have these keys (ISO Open Data, compact lines)."""
    if {"reference", "currentStage"} <= keys or {"reference", "deliverableType"} <= keys:
        return "iso-open-data"
    if (
        "id" in keys
        and ({"stage", "status", "published", "issued"} & keys)
        and ({"title_en", "title_fr", "title_ja"} & keys)
    ):
        return "relaton-compact"
    return None


def _no_known_format(keys: set[str], name: str, what: str) -> UnknownFormatError:
    shown = ", ".join(sorted(keys)[:8]) or "none"
    return UnknownFormatError(
        f"{name}: {what} with keys {shown} is no known standards format (a list of standards "
        "needs a key for the code; map one with --column KEY=code)", format_names()
    )


_SAMR_KEYS = frozenset({"STD_CODE", "C_C_NAME", "C_STD_CODE"})
_HBBA_KEYS = frozenset({"chName", "recordNo", "actDate"})


def _list_keys(document: Any, key: str) -> set[str]:
    items = document.get(key) if isinstance(document, dict) else None
    return _json_keys(items) if isinstance(items, list) else set()


_HEAD_KEY = re.compile(r'"((?:[^"\\]|\\.){1,60})"\s*:')
_HEAD_PAIR = re.compile(r'"((?:[^"\\]|\\.){1,60})"\s*:\s*"((?:[^"\\]|\\.){0,200})"')


def _head_holds_standards(text: str, column_map: Mapping[str, str] | None) -> bool:
    """Judge a JSON document of which only the head was read: a key mapping to ``code`` with a
    value that parses as a standard code (or a key ``--column`` names for the code)."""
    pairs = [(key, value) for key, value in _HEAD_PAIR.findall(text[:HEAD_SIZE])]
    objects = [{key: value} for key, value in pairs]
    return generic_json.holds_standards(objects, column_map)


def _detect_json(text: str, name: str, column_map: Mapping[str, str] | None = None) -> str:
    stripped = text.lstrip()
    first_line = stripped.split("\n", 1)[0].strip()
    more = stripped[len(first_line) :].strip()
    if first_line.startswith("{") and more.startswith("{"):
        try:
            first = json.loads(first_line)
        except ValueError:
            first = None
        if isinstance(first, dict):
            specific = _specific_json_object(set(first))
            if specific:
                return specific
            if generic_json.holds_standards([first], column_map):
                return "jsonl"
            raise _no_known_format(set(first), name, "JSON lines")
    if re.search(r'"rows"\s*:', text) and '"STD_CODE"' in text:
        return "samr-json"
    if re.search(r'"records"\s*:', text) and ('"chName"' in text or '"recordNo"' in text):
        return "hbba-json"
    try:
        document = json.loads(text)
    except ValueError:
        # Only the head was read: judge by the keys that are visible.
        keys = set(_HEAD_KEY.findall(text[:4096]))
        specific = _specific_json_object(keys)
        if specific:
            return specific
        if _head_holds_standards(text, column_map):
            return "json"
        raise _no_known_format(keys, name, "JSON") from None
    if _list_keys(document, "rows") & _SAMR_KEYS:
        return "samr-json"
    if _list_keys(document, "records") & _HBBA_KEYS:
        return "hbba-json"
    specific = _specific_json_object(_json_keys(document))
    if specific:
        return specific
    if generic_json.find_records(document, column_map) is not None:
        return "json"
    raise _no_known_format(_json_keys(document), name, "JSON")


def _looks_like_yaml(text: str, suffixes: list[str]) -> bool:
    if any(s in (".yaml", ".yml") for s in suffixes):
        return True
    head = text.lstrip()
    return head.startswith("---") or bool(re.match(r"[A-Za-z_][\w-]*:\s", head))


def _detect_yaml(source: SourceFile, name: str) -> str:
    documents = load_yaml_documents(decode_text(source.read_bytes(), name), name)
    items = [item for doc in documents for item in (doc if isinstance(doc, list) else [doc])]
    if items and relaton.is_relaton_yaml_item(items[0]):
        return "relaton-yaml"
    keys = ", ".join(sorted(items[0])[:8]) if items and isinstance(items[0], dict) else "none"
    raise UnknownFormatError(
        f"{name}: YAML that is not a Relaton bibliographic item (keys: {keys})", format_names()
    )


def _suffixes(path: Path) -> list[str]:
    return [s.casefold() for s in path.suffixes]


def detect_format(path: Path, column_map: Mapping[str, str] | None = None,
                  limits: ReadLimits | None = None) -> str:
    """The format of a file, judged by its content (through gzip), the extension breaking ties.

    ``column_map`` (``--column``) lets a JSON list whose code key is no known alias be
    recognised.

    Raises:
        UnreadableFileError: the file is missing, empty, binary or undecodable.
        UnknownFormatError: the content matches no known format.
    """
    source = SourceFile(Path(path), limits or ReadLimits())
    name = source.name
    head = source.head(HEAD_SIZE)
    suffixes = [s for s in _suffixes(source.path) if s != ".gz"]
    if not head.strip():
        if source.is_gzip():
            source.read_bytes()  # a gzip stream cut before any data: say so precisely
        raise UnreadableFileError(name, "empty file (no content)")
    if head.startswith(b"PK\x03\x04"):
        if is_workbook(source):
            return "xlsx"
        raise UnknownFormatError(
            f"{name}: a ZIP archive that is not an XLSX workbook", format_names()
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnknownFormatError(
            f"{name}: a legacy Excel .xls (or other OLE) file; save it as .xlsx or CSV",
            format_names(),
        )
    if looks_binary(head):
        raise UnreadableFileError(name, "binary data, not a catalogue file")
    text = _decode_head(head, name)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        return _detect_markup(stripped, name)
    if stripped.startswith(("{", "[")):
        return _detect_json(stripped, name, column_map)
    if _looks_like_yaml(stripped, suffixes) and not any(s in (".csv", ".tsv") for s in suffixes):
        return _detect_yaml(source, name)
    first_line = stripped.split("\n", 1)[0]
    tabs, commas = first_line.count("\t"), first_line.count(",") + first_line.count(";")
    if tabs > commas:
        return "tsv"
    if commas:
        return "csv"
    if ".tsv" in suffixes:
        return "tsv"
    if ".csv" in suffixes or ".txt" in suffixes:
        return "csv"
    raise UnknownFormatError(
        f"{name}: cannot tell the format from its content; use --format", format_names()
    )


def _decode_head(head: bytes, name: str) -> str:
    """Decode a sniffed head, forgiving a multi-byte character cut at the end."""
    for cut in range(4):
        try:
            return decode_text(head[: len(head) - cut] if cut else head, name)
        except UnreadableFileError:
            if cut == 3:
                raise
    raise UnreadableFileError(name, "undecodable text")


def _is_json_lines(source: SourceFile) -> bool:
    """JSON lines when named so, or when the first two lines each hold one object."""
    if any(s in (".jsonl", ".ndjson") for s in _suffixes(source.path)):
        return True
    text = source.head(HEAD_SIZE).decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    first_line = text.split("\n", 1)[0].strip()
    rest = text[len(first_line) :].strip()
    return first_line.startswith("{") and rest.startswith("{") and _parses(first_line)


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- reading


def read_file(
    path: Path, fmt: str | None = None, column_map: dict[str, str] | None = None,
    limits: ReadLimits | None = None,
) -> FileReading:
    """Read a catalogue file: detect (or take) its format, run the reader, map each record.

    Args:
        path: the file; ``.gz`` compressed files are read through.
        fmt: a name from ``FORMATS`` to skip detection (``--format``).
        column_map: header or JSON key → field for tables and JSON lists
            (``--column 标准代号=code``).
        limits: what the file may hold (defaults: ``ReadLimits()``); over-long fields and
            titles reject their record, other limits refuse or stop the file.

    Returns:
        A FileReading whose ``outcomes`` yield one ReadOutcome per record, lazily.

    Raises:
        UnknownFormatError: ``fmt`` is no known format, or detection finds none.
        UnreadableFileError: empty, binary, truncated, undecodable or unsafe file.
        ColumnMappingError: a table has no code column or a --column names an unknown field.
    """
    file_path = Path(path)
    if fmt is not None:
        name = fmt.strip().casefold()
        if name not in FORMATS:
            raise UnknownFormatError(f"unknown format {fmt!r}", format_names())
    else:
        name = detect_format(file_path, column_map, limits)
    source = SourceFile(file_path, limits or ReadLimits())
    reading = FORMATS[name].reader(source, column_map)
    records = capped_records(reading.records, source.limits, source.name)
    return FileReading(
        path=file_path,
        format=name,
        source=reading.source,
        ignored_columns=list(reading.ignored_columns),
        outcomes=capped_titles(
            map_all(records, profile_named(reading.profile), reading.source), source.limits),
        unread_columns=list(reading.unread_columns),
        mapped_fields=reading.mapped_fields,
    )
