"""Fixtures for the importer tests: the large real data set ``shared/data``, whose path CI gives
explicitly in ``STDTRACK_SHARED_DATA``.

A clone with nothing beside it has no such folder, so without the setting the tests that need it
are skipped with that reason; with the setting, a missing folder fails them (CI never skips)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA_SETTING = "STDTRACK_SHARED_DATA"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder named by ``STDTRACK_SHARED_DATA``; skip when unset, fail when missing."""
    given = os.environ.get(SHARED_DATA_SETTING, "").strip()
    if not given:
        pytest.skip(f"{SHARED_DATA_SETTING} is not set: the shared data set is read in CI only "
                    "(.ci/run sets it)")
    path = Path(given)
    if not path.is_dir():
        pytest.fail(f"{SHARED_DATA_SETTING}={given}: no such folder")
    return path
