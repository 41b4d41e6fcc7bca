"""The import arrows of ARCHITECTURE.md: standards <- {importers, adoption, search_index} <- api."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("standards", "importers", "adoption", "search_index", "api")
ALLOWED = {
    "standards": set(),
    "importers": {"standards"},
    "adoption": {"standards"},
    "search_index": {"standards"},
    "api": {"standards", "importers", "adoption", "search_index"},
}


def imported_packages(source: str) -> set[str]:
    """Our top-level packages a module imports (absolute imports only)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(n.split(".")[0] for n in names if n.split(".")[0] in PACKAGES)
    return found


def wrong_arrows() -> list[str]:
    problems = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for target in imported_packages(path.read_text(encoding="utf-8")):
                if target != package and target not in ALLOWED[package]:
                    problems.append(f"{path.relative_to(ROOT)} imports {target}")
    return problems


def test_packages_import_only_downwards() -> None:
    assert wrong_arrows() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import api.app", {"api"}),
        ("from importers.registry import read_file", {"importers"}),
        ("from . import sibling\nimport os", set()),
        ("def f():\n    from search_index import engine", {"search_index"}),
    ],
)
def test_the_checker_sees_every_import_form(source: str, expected: set[str]) -> None:
    assert imported_packages(source) == expected


def test_a_wrong_arrow_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "standards" / "bad.py").write_text("from api.app import create_app\n")
    (tmp_path / "importers" / "cross.py").write_text("import adoption.tables\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert sorted(wrong_arrows()) == [
        "importers/cross.py imports adoption",
        "standards/bad.py imports api",
    ]
