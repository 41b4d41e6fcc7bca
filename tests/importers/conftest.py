"""Fixtures for the importer tests: ``shared/data`` beside the repository, as CI checks it out
(never skipped: a missing folder fails the test)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``shared/data`` beside the repository, as CI checks it out; absent means failure."""
    path = Path(__file__).resolve().parents[3] / "shared" / "data"
    if not path.is_dir():
        pytest.fail(f"shared data folder not found at {path}")
    return path
