"""Files → records → standards: readers per format behind a registry, and the mapping that
turns each record into a ``StandardInput`` (or a rejection with its reason)."""

from importers.registry import FORMATS, detect_format, format_names, read_file
from importers.schemas import FileReading, RawRecord, ReadOutcome

__all__ = [
    "FORMATS",
    "FileReading",
    "RawRecord",
    "ReadOutcome",
    "detect_format",
    "format_names",
    "read_file",
]
