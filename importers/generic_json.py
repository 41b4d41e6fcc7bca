"""Reader for standards lists exported as JSON by anyone: a top-level list of objects, a list
under one key (``{"version": …, "standards": [{"code": …, "title": …, "issueDate": …}]}``,
API envelopes such as ``{"data": {"records": [...]}}``), or JSON lines of such objects.

Keys are mapped like table headers: ``--column KEY=field`` first, then the one alias table
(``importers.profiles.CATALOGUE_ALIASES``). Nested objects are flattened with dots
(``{"title": {"zh": …}}`` gives ``title.zh``, which the table knows as ``title_zh``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

from importers.errors import ColumnMappingError
from importers.jsonlines import first_object, json_line_records, require_content
from importers.profiles import resolve_column
from importers.sampling import SAMPLE_ROWS, unread_columns
from importers.schemas import RawReading, RawRecord, UnreadColumn, make_location
from importers.sources import SourceFile, decode_text, load_json
from standards.codes import try_parse_code

_MAX_DEPTH = 3  # how deep an envelope may hide the list


def flatten(entry: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """An object with nested objects flattened to dotted keys; a list of objects becomes a list
    of texts (``[{"code": "ISO 1:2002", "degree": "IDT"}]`` -> ``["ISO 1:2002 IDT"]``)."""
    flat: dict[str, Any] = {}
    for key, value in entry.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            flat[name] = [" ".join(str(part) for part in item.values()
                                   if part is not None and not isinstance(part, dict | list))
                          if isinstance(item, dict) else item for item in value]
        else:
            flat[name] = value
    return flat


class KeyMap:
    """Which field each key maps to, resolved once per key."""

    def __init__(self, column_map: Mapping[str, str] | None) -> None:
        self.column_map = column_map
        self.targets: dict[str, str | None] = {}

    def target(self, key: str) -> str | None:
        found = self.targets.get(key, "")
        if found == "":
            found = self.targets[key] = resolve_column(key, self.column_map)
        return found

    def fields(self, flat: Mapping[str, Any]) -> dict[str, Any]:
        """The record's values by field; of two keys for one field the first filled wins."""
        fields: dict[str, Any] = {}
        for key, value in flat.items():
            target = self.target(key)
            if target is None or target == "skip" or value is None or value == "" or value == []:
                continue
            fields.setdefault(target, value)
        return fields


def _code_values(objects: list[dict[str, Any]], keys: KeyMap) -> list[Any]:
    values = []
    for entry in objects:
        for key, value in flatten(entry).items():
            if keys.target(key) == "code" and value:
                values.append(value)
                break
    return values


def holds_standards(objects: list[Any], column_map: Mapping[str, str] | None) -> bool:
    """True when the first objects have a key mapping to ``code`` whose values are standard
    codes (any one that parses will do), or a key ``--column`` maps to ``code``."""
    sample = [entry for entry in islice(objects, SAMPLE_ROWS) if isinstance(entry, dict)]
    values = _code_values(sample, KeyMap(column_map))
    if values and column_map and "code" in {target.strip() for target in column_map.values()}:
        return True  # staff named the code key: its rows are judged one by one
    return any(isinstance(value, str) and try_parse_code(value) is not None for value in values)


def find_records(document: Any, column_map: Mapping[str, str] | None = None,
                 ) -> tuple[str, list[Any]] | None:
    """Where a document keeps its standards: ``(JSON pointer, list)``, or None.

    The document itself when it is a list; else the largest list of objects holding standards
    under a key, looked for up to three levels deep; a lone object holding a code is a list
    of one.
    """
    if isinstance(document, list):
        return ("", document) if holds_standards(document, column_map) else None
    candidates: list[tuple[str, list[Any]]] = []

    def walk(node: Any, pointer: str, depth: int) -> None:
        if depth > _MAX_DEPTH or not isinstance(node, dict):
            return
        for key, value in node.items():
            if isinstance(value, list) and any(isinstance(item, dict) for item in value[:50]):
                if holds_standards(value, column_map):
                    candidates.append((f"{pointer}/{key}", value))
            elif isinstance(value, dict):
                walk(value, f"{pointer}/{key}", depth + 1)

    walk(document, "", 1)
    if candidates:
        return max(candidates, key=lambda found: len(found[1]))
    if isinstance(document, dict) and holds_standards([document], column_map):
        return "", [document]
    return None


def _describe(objects: list[Any], keys: KeyMap
              ) -> tuple[frozenset[str], list[str], list[UnreadColumn]]:
    """Fields mapped, keys ignored (in first-seen order) and unread-column descriptions, from
    the first objects."""
    sample = [flatten(entry) for entry in islice(objects, SAMPLE_ROWS)
              if isinstance(entry, dict)]
    order: dict[str, None] = {}
    for flat in sample:
        order.update(dict.fromkeys(flat))
    mapped = frozenset(t for key in order if (t := keys.target(key)) not in (None, "skip"))
    ignored = [key for key in order if keys.target(key) is None]
    codes = [keys.fields(flat).get("code") for flat in sample]
    unread = unread_columns(((key, [flat.get(key) for flat in sample]) for key in ignored),
                            mapped, codes)
    return mapped, ignored, unread


def _records(source: SourceFile, pointer: str, objects: list[Any], keys: KeyMap
             ) -> Iterator[RawRecord]:
    for index, entry in enumerate(objects):
        location = make_location(source.name, f"{pointer}/{index}")
        if not isinstance(entry, dict):
            yield RawRecord(location, {}, f"item {index} is not a JSON object")
            continue
        fields = keys.fields(flatten(entry))
        if "code" not in fields:
            yield RawRecord(location, fields, "this object has no standard code")
            continue
        yield RawRecord(location, fields)


def _no_code(source: SourceFile, column_map: Mapping[str, str] | None) -> ColumnMappingError:
    hint = ("; no --column mapping matched a key" if column_map
            else "; map one with --column KEY=code")
    return ColumnMappingError(source.name, "code", None,
                              f"no list of objects with a key that maps to field 'code'{hint}")


def read_json_list(source: SourceFile, column_map: Mapping[str, str] | None) -> RawReading:
    """Read a JSON document holding a list of standards (see the module docstring).

    Raises:
        UnreadableFileError: not well-formed JSON.
        ColumnMappingError: no list of objects has a key that maps to ``code``.
    """
    document = load_json(decode_text(source.read_bytes(), source.name), source.name)
    found = find_records(document, column_map)
    if found is None:
        raise _no_code(source, column_map)
    pointer, objects = found
    keys = KeyMap(column_map)
    mapped, ignored, unread = _describe(objects, keys)
    return RawReading(source="json", profile="tabular",
                      records=_records(source, pointer, objects, keys),
                      ignored_columns=ignored, unread_columns=unread, mapped_fields=mapped)


def _line_fields(keys: KeyMap) -> Any:
    def transform(entry: dict[str, Any]) -> dict[str, Any]:
        return keys.fields(flatten(entry))

    return transform


def _coded(records: Iterator[RawRecord]) -> Iterator[RawRecord]:
    for record in records:
        if record.problem is None and "code" not in record.fields:
            record.problem = "this line has no standard code"
        yield record


def read_json_lines(source: SourceFile, column_map: Mapping[str, str] | None) -> RawReading:
    """Read JSON lines, one standard per line, keys mapped as in :func:`read_json_list`.

    Raises:
        UnreadableFileError: empty file, or a last line cut short (while iterating).
        ColumnMappingError: the first line has no key that maps to ``code``.
    """
    require_content(source)
    keys = KeyMap(column_map)
    first = first_object(source)
    if not holds_standards([first], column_map):
        raise _no_code(source, column_map)
    head = [entry for entry in _head_objects(source) if isinstance(entry, dict)]
    mapped, ignored, unread = _describe(head or [first], keys)
    return RawReading(source="jsonl", profile="tabular",
                      records=_coded(json_line_records(source, _line_fields(keys))),
                      ignored_columns=ignored, unread_columns=unread, mapped_fields=mapped)


def _head_objects(source: SourceFile) -> list[Any]:
    """The objects of the first lines that the sniffed head holds whole."""
    objects = []
    lines = source.head().decode("utf-8", "replace").lstrip("\ufeff").splitlines()
    for line in lines[:SAMPLE_ROWS]:
        try:
            objects.append(json.loads(line))
        except ValueError:
            continue
    return objects
