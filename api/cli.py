"""The ``stdtrack`` command line (DESIGN §4): JSON on stdout, logs on stderr, exit 0 / 1 / 2."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from api.database import configure_engine, migration_states, upgrade
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and API (uvicorn)."""
    import uvicorn

    uvicorn.run("api.app:create_app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="info")
