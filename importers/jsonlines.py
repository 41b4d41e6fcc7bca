"""Streaming JSON lines (plain or gzip): one raw record per line, a located rejection for a
line that is not JSON, and ``UnreadableFileError`` for a file whose last line is cut short."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from importers.schemas import RawRecord
from importers.sources import LongLine, SourceFile

_DECODER = json.JSONDecoder()

Transform = Callable[[dict[str, Any]], dict[str, Any]]


def _problem(source: SourceFile, number: int, line: bytes, exc: ValueError) -> str:
    """Why a line is no record; a final line without its end is a truncated file."""
    if not line.endswith(b"\n"):
        raise source.unreadable(
            f"truncated: line {number} is cut short (incomplete JSON at the end)"
        ) from exc
    return f"line {number} is not valid JSON ({exc})"


def _too_long(number: int, line: LongLine, source: SourceFile) -> str:
    limit = source.limits.max_line_chars
    return (f"第 {number} 行长 {line.length} 字节，超过上限 {limit} (line {number} is "
            f"{line.length} bytes long, over the limit of {limit}: 16 × "
            "STDTRACK_IMPORT_MAX_FIELD_CHARS); it was skipped unread")


def json_line_records(
    source: SourceFile, transform: Transform | None = None
) -> Iterator[RawRecord]:
    """One RawRecord per non-blank line, located ``file:line N``.

    Raises (while iterating):
        UnreadableFileError: the gzip stream or the last line is cut short.
    """
    name = source.name
    raw_decode = _DECODER.raw_decode
    for number, line in enumerate(source.iter_lines(), start=1):
        if type(line) is LongLine:  # only its start was read: reject the line, go on
            yield RawRecord(f"{name}:line {number}", {}, _too_long(number, line, source))
            continue
        try:
            # Decoding to str first skips json.loads' encoding detection; raw_decode skips its
            # whitespace regexes. Together a third of the per-line cost.
            text = line.decode("utf-8")
            entry, end = raw_decode(text)
            if end != len(text) and not text[end:].isspace():
                entry = json.loads(text)  # raises with json's own message
        except ValueError:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)  # leading whitespace, or not UTF-8 after all
            except ValueError as exc:
                problem = _problem(source, number, line, exc)
                yield RawRecord(f"{name}:line {number}", {}, problem)
                continue
        if type(entry) is dict:
            yield RawRecord(f"{name}:line {number}", transform(entry) if transform else entry)
        else:
            yield RawRecord(f"{name}:line {number}", {}, f"line {number} is not a JSON object")


def first_object(source: SourceFile) -> dict[str, Any]:
    """The first line's object (read from the head of the file), or an empty dict."""
    head = source.head().decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    try:
        entry = json.loads(head.split("\n", 1)[0])
    except ValueError:
        return {}
    return entry if isinstance(entry, dict) else {}


def require_content(source: SourceFile) -> None:
    """Refuse an empty file before streaming it (a stream would just yield nothing)."""
    if not source.head().strip():
        if source.is_gzip():
            source.read_bytes()  # raises the precise gzip problem
        raise source.unreadable("empty file (no content)")
