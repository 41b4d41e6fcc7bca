"""The project's own reference (docs/) says what the code does, and nothing points outside the
repository: the formats, headers, status words and the places that cite the reference."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from api import declaration_imports, drafting_imports
from api.cli import main
from importers import FORMATS
from importers.vocab import TABULAR_STATUS, vocab_key
from standards.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FORMATS_MD = (ROOT / "docs" / "formats.md").read_text("utf-8")


def test_every_format_is_documented() -> None:
    assert all(f"| `{name}` |" in FORMATS_MD for name in FORMATS)


@pytest.mark.parametrize("headers", [declaration_imports.HEADERS, drafting_imports.HEADERS])
def test_declaration_and_plan_headers_are_documented(headers: dict[str, tuple[str, ...]]) -> None:
    for target, labels in headers.items():
        row = next(line for line in FORMATS_MD.splitlines() if line.startswith(f"| `{target}` |")
                   and all(f"`{label}`" in line for label in labels))
        assert row


def test_every_list_status_word_is_documented() -> None:
    table = FORMATS_MD.split("### 1.4", 1)[1].split("###", 1)[0]
    words = {vocab_key(word) for line in table.splitlines() if line.startswith("| ")
             for word in line.split("|")[2].split(",")}
    assert set(TABULAR_STATUS) <= words


def test_no_reference_to_documents_outside_the_repository() -> None:
    # existing migrations are never edited, so two old docstrings keep their words
    kept = {"adoption/piccolo_migrations/adoption_2026_12_01t09_00_00_000000.py",
            "adoption/piccolo_migrations/adoption_2026_12_01t09_00_10_000000.py"}
    cited = re.compile("DESIGN " + "\u00a7")  # not spelled out: this file would cite it
    found = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if (path.suffix not in (".py", ".md", ".html", ".toml")
                or relative.startswith((".", "var/")) or "/." in relative or relative in kept):
            continue
        if cited.search(path.read_text("utf-8")):
            found.append(relative)
    assert found == []


def test_readme_cli_and_openapi_point_to_the_reference(tmp_path: Path,
                                                       settings: Settings) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert all(f"docs/{name}" in readme for name in ("formats.md", "json.md", "indicators.md"))
    env = {"STDTRACK_HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    help_text = CliRunner().invoke(main, ["import", "--help"], env=env).output
    assert "docs/formats.md" in help_text and "docs/json.md" in help_text
    from api.app import create_app

    # the suite's own settings: an app built on another database would point the process's
    # engine there, and the tests after this one would find no tables
    app = create_app(settings)
    description = app.openapi_schema.info.description or ""
    assert "docs/formats.md" in description and "docs/indicators.md" in description
