"""Helpers for the importer tests: read a copied sample file from ``tests/data`` completely."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from importers import read_file
from importers.schemas import ReadOutcome
from standards.schemas import StandardInput
from standards.settings import ReadLimits

DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass
class Read:
    """Everything a test wants to know about one read file."""

    format: str
    source: str
    ignored_columns: list[str]
    outcomes: list[ReadOutcome]

    @property
    def records(self) -> list[StandardInput]:
        return [o.record for o in self.outcomes if o.record is not None]

    @property
    def rejected(self) -> list[ReadOutcome]:
        return [o for o in self.outcomes if o.record is None]

    def one(self, code: str) -> StandardInput:
        found = [r for r in self.records if r.code == code]
        assert len(found) == 1, f"{code}: {[r.code for r in self.records]}"
        return found[0]


def read(path: Path, fmt: str | None = None, column_map: dict[str, str] | None = None,
         limits: ReadLimits | None = None) -> Read:
    """Read a file completely."""
    reading = read_file(path, fmt, column_map, limits)
    return Read(reading.format, reading.source, reading.ignored_columns, list(reading))


def data(relative: str) -> Path:
    """A copied sample file; fails loudly when the copy is missing."""
    path = DATA / relative
    assert path.is_file(), f"missing test data {path}"
    return path
