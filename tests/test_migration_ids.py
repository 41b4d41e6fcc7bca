"""Migration ids are unique across the apps: `stdtrack db upgrade` and `db status` report
migrations by id, so two apps' migrations of one id would read as one (one of them seemingly
never run)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_migration_id_is_unique_across_apps() -> None:
    ids: list[str] = []
    for path in sorted(ROOT.glob("*/piccolo_migrations/*.py")):
        found = re.search(r'^ID = "([^"]+)"', path.read_text(encoding="utf-8"), re.MULTILINE)
        if found:
            ids.append(found.group(1))
    assert len(ids) > 20  # the migrations were found
    assert [i for i, n in Counter(ids).items() if n > 1] == []
