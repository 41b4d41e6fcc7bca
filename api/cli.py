"""The ``stdtrack`` command line (DESIGN §4): JSON on stdout, logs on stderr, exit 0 / 1 / 2."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from api.database import configure_engine, migration_states, upgrade
from api.imports import ImportOptions, after_import, import_files
from importers import format_names
from standards import repository
from standards.db import close_engine, describe_engine, open_engine
from standards.errors import StdtrackError
from standards.schemas import StandardRead
from standards.settings import Settings

T = TypeVar("T")

EXIT_REJECTED = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """One line on stderr, then exit: no traceback for bad input."""
    click.echo(f"stdtrack: {message}", err=True)
    sys.exit(code)


def run_with_db(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Open the database, run ``work`` on one event loop, close the database."""

    async def main() -> T:
        engine = configure_engine(settings)
        await open_engine(engine)
        try:
            return await work()
        finally:
            await close_engine(engine)

    try:
        return asyncio.run(main())
    except StdtrackError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """stdtrack — 标准库与采标率跟踪 (standards library and adoption-rate tracker)."""
    try:
        ctx.obj = Settings.from_env(os.environ)
    except StdtrackError as exc:
        fail(str(exc))


@main.group()
def db() -> None:
    """Database schema: run migrations, show status."""


@db.command("upgrade")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.pass_obj
def db_upgrade(settings: Settings, as_json: bool) -> None:
    """Run every pending migration."""
    ran = run_with_db(settings, upgrade)
    if as_json:
        emit_json({"applied": ran})
    else:
        click.echo(f"applied {len(ran)} migration(s)" + (f": {', '.join(ran)}" if ran else ""))


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.pass_obj
def db_status(settings: Settings, as_json: bool) -> None:
    """Show the engine and which migrations are pending."""

    async def work() -> dict[str, Any]:
        from api.piccolo_conf import DB

        states = await migration_states()
        return {
            "engine": describe_engine(DB),
            "applied": [s.migration_id for s in states if s.applied],
            "pending": [s.migration_id for s in states if not s.applied],
        }

    status = run_with_db(settings, work)
    if as_json:
        emit_json(status)
        return
    click.echo(f"engine: {status['engine']}")
    click.echo(f"applied: {len(status['applied'])}")
    click.echo(f"pending: {len(status['pending'])}"
               + (f" ({', '.join(status['pending'])})" if status["pending"] else ""))


def _print_standard(std: StandardRead) -> None:
    click.echo(f"{std.normalized_code}  {std.title_zh or ''}")
    if std.title_en:
        click.echo(f"  {std.title_en}")
    status = std.status.value + (f" ({std.status_reason})" if std.status_reason else "")
    rows = [
        ("level", f"{std.level.value}" + (f", {std.nature.value}" if std.nature else "")),
        ("status", status),
        ("published", std.published_on),
        ("implemented", std.implemented_on),
        ("withdrawn", std.withdrawn_on),
        ("ICS", " ".join(std.ics)),
        ("CCS", std.ccs),
        ("department", std.department),
        ("committee", std.technical_committee),
        ("replaces", ", ".join(std.replaces)),
        ("replaced by", ", ".join(std.replaced_by)),
        ("adopts", ", ".join(f"{a.code} ({a.degree or '?'})" for a in std.adopts)),
        ("editions", ", ".join(std.editions)),
    ]
    for label, value in rows:
        if value:
            click.echo(f"  {label:<12} {value}")


@main.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="print the standard as JSON (DESIGN §11)")
@click.pass_obj
def show(settings: Settings, code: str, as_json: bool) -> None:
    """Show one standard by any spelling of its CODE, with editions and relations."""
    std = run_with_db(settings, lambda: repository.find_standard(code))
    if as_json:
        click.echo(std.model_dump_json(indent=2))
    else:
        _print_standard(std)


def _column_map(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        if not sep or not header.strip() or not target.strip():
            fail(f"--column {pair!r}: expected HEADER=field, e.g. 标准代号=code")
        mapping[header.strip()] = target.strip()
    return mapping


def _print_report(report: dict[str, Any]) -> None:
    for entry in report["files"]:
        click.echo(f"{entry['name']}: {entry['format']} ({entry['source']}), "
                   f"{entry['records']} records")
        if entry["ignored_columns"]:
            click.echo(f"  ignored columns: {', '.join(entry['ignored_columns'])}")
    prefix = "dry run, nothing written: " if report["dry_run"] else ""
    click.echo(f"{prefix}created {report['created']}, updated {report['updated']}, "
               f"unchanged {report['unchanged']}, rejected {len(report['rejected'])}, "
               f"conflicts {len(report['conflicts'])}"
               + (f" (batch {report['batch_id']})" if report["batch_id"] else ""))
    for row in report["rejected"][:20]:
        click.echo(f"  rejected {row['file']} {row['location']}: {row['reason']}")
    if len(report["rejected"]) > 20:
        click.echo(f"  ... {len(report['rejected']) - 20} more rejections (--json lists all)")
    for row in report["conflicts"][:10]:
        click.echo(f"  conflict {row['code']} {row['field']}: kept {row['kept']!r} "
                   f"({row['kept_source']}), {row['offered_source']} says {row['offered']!r}")
    if report.get("aborted"):
        click.echo(f"  {report['aborted']}")


def _run_import(settings: Settings, files: list[Path], options: ImportOptions,
                progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Import catalogue files, then bring derived data up to date; the report as a dict."""

    async def work() -> dict[str, Any]:
        report = await import_files(files, options, settings.archive_dir, progress=progress)
        await after_import(settings, report)
        return report.as_dict()

    return run_with_db(settings, work)


@main.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, help="skip detection: " + ", ".join(format_names()))
@click.option("--column", "columns", multiple=True, metavar="HEADER=field",
              help="map a header to a field, e.g. 标准代号=code (repeatable)")
@click.option("--dry-run", is_flag=True, help="read and check everything, write nothing")
@click.option("--strict", is_flag=True, help="all or nothing: any rejected row writes nothing")
@click.option("--json", "as_json", is_flag=True, help="print the import report as JSON")
@click.pass_obj
def import_command(settings: Settings, paths: tuple[Path, ...], fmt: str | None,
                   columns: tuple[str, ...], dry_run: bool, strict: bool, as_json: bool) -> None:
    """Import catalogue files of any supported format (detected from their content)."""
    options = ImportOptions(fmt=fmt, column_map=_column_map(columns) or None, dry_run=dry_run,
                            strict=strict, actor=f"cli:{getpass.getuser()}")
    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("[progress.description]{task.description}"),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("importing", total=None)

        result = _run_import(settings, list(paths), options,
                             progress=lambda n: bar.advance(task, n))
    if as_json:
        emit_json(result)
    else:
        _print_report(result)
    if strict and result["rejected"]:
        sys.exit(EXIT_REJECTED)


DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


@main.command()
@click.option("--json", "as_json", is_flag=True, help="print the import report as JSON")
@click.pass_obj
def demo(settings: Settings, as_json: bool) -> None:
    """Load the bundled demo data (real catalogue samples); running it again changes nothing."""
    files = sorted(p for p in DEMO_DATA.rglob("*") if p.is_file() and p.suffix != ".md")

    result = _run_import(settings, files, ImportOptions(actor="demo"))
    if as_json:
        emit_json(result)
    else:
        click.echo(f"demo data: {len(files)} files; created {result['created']}, updated "
                   f"{result['updated']}, unchanged {result['unchanged']}, rejected "
                   f"{len(result['rejected'])} (plan projects and unpublished drafts)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and API (uvicorn)."""
    import uvicorn

    uvicorn.run("api.app:create_app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="info")
