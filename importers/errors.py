"""Errors raised by the importers: a file that cannot be read, a format we do not know, a
record or column that cannot become a standard.

StdtrackError (standards.errors)
└── ImporterError              anything the importers refuse on purpose
    ├── UnreadableFileError    empty, binary, truncated, undecodable or unsafe file (one line,
    │                          names the file and what is wrong)
    ├── UnknownFormatError     --format names no known format, or the content matches none
    └── MappingError           a record cannot become a StandardInput (names field and value)
        └── ColumnMappingError a table has no column for ``code``, or --column is unusable

A MappingError on one record never stops a file: the reader turns it into a rejected
ReadOutcome. ColumnMappingError concerns the whole table, so read_file raises it.
"""

from __future__ import annotations

from standards.errors import StdtrackError


class ImporterError(StdtrackError):
    """Base of every error the importers raise on purpose."""


def _one_line(text: str) -> str:
    """Collapse whitespace so a message prints as one line (parsers report multi-line errors)."""
    return " ".join(text.split())


class UnreadableFileError(ImporterError):
    """The file cannot be read at all: empty, binary, truncated, undecodable or unsafe."""

    def __init__(self, file_name: str, problem: str) -> None:
        self.file_name = file_name
        self.problem = _one_line(problem)
        super().__init__(f"{file_name}: {self.problem}")


class UnknownFormatError(ImporterError):
    """No reader fits: an unknown --format name, or content that matches no known format."""

    def __init__(self, message: str, known: list[str] | None = None) -> None:
        self.known = list(known or [])
        text = _one_line(message)
        if self.known:
            text = f"{text} (known formats: {', '.join(self.known)})"
        super().__init__(text)


class MappingError(ImporterError):
    """One record cannot become a StandardInput; names the field and the offending value."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = _one_line(reason)
        super().__init__(self.reason)


class ColumnMappingError(MappingError):
    """A table cannot be mapped at all: no column maps to ``code``, or a --column is unusable."""

    def __init__(self, file_name: str, field: str, value: object, reason: str) -> None:
        self.file_name = file_name
        super().__init__(field, value, f"{file_name}: {reason}")
