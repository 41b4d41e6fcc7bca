"""Real files are stored once: what the demo ships (api/demo_data/) is linked from tests/data/,
never copied beside it."""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _digests(folder: Path) -> dict[str, Path]:
    return {hashlib.sha256(path.read_bytes()).hexdigest(): path
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


def test_no_file_is_stored_both_in_the_demo_and_the_tests() -> None:
    demo = _digests(ROOT / "api" / "demo_data")
    tests = _digests(ROOT / "tests" / "data")
    twice = sorted(f"{tests[d].relative_to(ROOT)} = {demo[d].relative_to(ROOT)}"
                   for d in demo.keys() & tests.keys())
    assert not twice, "stored twice (link the test copy to the demo's): " + "; ".join(twice)


def test_links_into_the_demo_resolve() -> None:
    links = [path for path in (ROOT / "tests" / "data").rglob("*") if path.is_symlink()]
    assert links, "the shared samples are links into api/demo_data"
    broken = [str(path) for path in links if not path.resolve().is_file()
              or ROOT / "api" / "demo_data" not in path.resolve().parents]
    assert not broken
