"""What the CLI says on stderr, without its progress lines (``importing: 500 records (2 s)``,
printed when stderr is not a terminal; see api/cli_progress.py)."""

from __future__ import annotations

import re

PROGRESS = re.compile(r"^\S[^:]*: \d+( of \d+)? \w+ \(\d+ s\)$")


def messages(stderr: str) -> list[str]:
    """The lines of ``stderr`` that are not progress lines."""
    return [line for line in stderr.strip().splitlines() if not PROGRESS.match(line)]
