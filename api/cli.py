"""The ``stdtrack`` command line: JSON on stdout (shapes in docs/json.md), logs on stderr, exit
0 / 1 / 2."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

import api.piccolo_conf
from adoption import accounts_repository
from adoption import repository as adoption_repository
from adoption.vocab import AccountRole
from api import search_service
from api.cli_progress import progress_reporter
from api.database import configure_engine, migration_states, upgrade
from api.declaration_imports import import_declarations
from api.imports import (
    ImportOptions,
    after_import,
    import_files,
    parse_column_map,
    store_days_after,
)
from importers import format_names
from search_index.schemas import (
    IndexStatus,
    RebuildReport,
    SearchFilters,
    SearchRequest,
    SearchResult,
)
from search_index.vocab import SortOrder
from standards import batch_repository, repository
from standards.db import busy_error, close_engine, describe_engine, is_lock_timeout, open_engine
from standards.errors import StdtrackError
from standards.schemas import StandardRead
from standards.settings import Settings
from standards.vocab import Level, Status

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
    except Exception as exc:
        # a lock waited for in vain outside the catalogue writer's own transaction
        if is_lock_timeout(exc):
            fail(str(busy_error(api.piccolo_conf.DB)))
        raise


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
        pending = [s.migration_id for s in states if not s.applied]
        unfinished = [] if pending else await batch_repository.unfinished_batches()
        return {
            "engine": describe_engine(DB),
            "applied": [s.migration_id for s in states if s.applied],
            "pending": pending,
            "unfinished_imports": [_batch_summary(row) for row in unfinished],
        }

    status = run_with_db(settings, work)
    if as_json:
        emit_json(status)
        return
    click.echo(f"engine: {status['engine']}")
    click.echo(f"applied: {len(status['applied'])}")
    click.echo(f"pending: {len(status['pending'])}"
               + (f" ({', '.join(status['pending'])})" if status["pending"] else ""))
    unfinished = status["unfinished_imports"]
    click.echo(f"unfinished imports 未完成的导入: {len(unfinished)}")
    for row in unfinished:
        _print_batch(row)


def _batch_summary(row: dict[str, Any]) -> dict[str, Any]:
    """A batch as `db status` and `batches` show it."""
    return {key: row.get(key) for key in (
        "id", "state", "actor", "started_at", "finished_at", "created", "updated", "unchanged",
        "rejected", "message", "host", "pid", "indexed_at")} | {
        "files": [entry.get("name") for entry in row.get("files") or []]}


def _print_batch(row: dict[str, Any]) -> None:
    started = str(row["started_at"])[:19]
    click.echo(f"  batch {row['id']:>5}  {row['state']:<11} {started}  {row['actor']}  "
               f"created {row['created']}, updated {row['updated']}, rejected {row['rejected']}"
               f"  {', '.join(row['files'][:3])}{' …' if len(row['files']) > 3 else ''}")
    if row.get("message"):
        click.echo(f"         {row['message']}")


@main.command("batches")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="print the batches as JSON")
@click.pass_obj
def batches_command(settings: Settings, limit: int, as_json: bool) -> None:
    """Catalogue import batches, newest first, with their state (running, finished, failed,
    interrupted)."""
    rows = run_with_db(settings, lambda: batch_repository.list_batches(limit=limit))
    summaries = [_batch_summary(row) for row in rows]
    if as_json:
        emit_json(summaries)
        return
    for row in summaries:
        _print_batch(row)


def _print_standard(std: StandardRead) -> None:
    click.echo(f"{std.code}  {std.title_zh or ''}")
    if std.title_en:
        click.echo(f"  {std.title_en}")
    status = std.status.value + (f" ({std.status_reason})" if std.status_reason else "")
    rows = [
        ("level", f"{std.level.value}" + (f", {std.nature.value}" if std.nature else "")),
        ("edition", std.edition_note),
        ("amendment", (f"{std.amendment} (included)" if std.amendment_included
                       else std.amendment)),
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
        ("references", ", ".join(std.references)),
        ("cited by", ", ".join(std.referenced_by)),
        ("editions", ", ".join(std.editions)),
    ]
    for label, value in rows:
        if value:
            click.echo(f"  {label:<12} {value}")


@main.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="print the standard as JSON (docs/json.md)")
@click.pass_obj
def show(settings: Settings, code: str, as_json: bool) -> None:
    """Show one standard by any spelling of its CODE, with editions and relations."""
    std = run_with_db(settings, lambda: repository.find_standard(code))
    if as_json:
        click.echo(std.model_dump_json(indent=2))
    else:
        _print_standard(std)


def print_files(report: dict[str, Any], unit: str = "records") -> None:
    """A line per file of an import report, with the columns nobody maps."""
    for entry in report["files"]:
        source = f" ({entry['source']})" if entry.get("source") else ""
        click.echo(f"{entry['name']}: {entry['format']}{source}, {entry['records']} {unit}")
        if entry["ignored_columns"]:
            click.echo(f"  ignored columns 未识别的列: {', '.join(entry['ignored_columns'])}")


def print_rejections(report: dict[str, Any], shown: int = 20) -> None:
    """The first rejections of an import report (``--json`` lists all)."""
    for row in report["rejected"][:shown]:
        where = str(row["location"])
        # table imports already name the file in the location ("plan.csv:row 3")
        if row.get("file") and not where.startswith(f"{row['file']}:"):
            where = f"{row['file']} {where}"
        click.echo(f"  rejected {where}: {row['reason']}")
    if len(report["rejected"]) > shown:
        click.echo(f"  ... {len(report['rejected']) - shown} more rejections (--json lists all)")


def print_warnings(report: dict[str, Any]) -> None:
    """The report's warnings (what the import would lose without a word), on stderr."""
    for warning in report.get("warnings", []):
        click.echo(f"stdtrack: 警告 warning: {warning['message']}", err=True)


def _print_report(report: dict[str, Any]) -> None:
    print_files(report)
    for entry in report["files"]:
        for column in entry.get("unread_columns", []):
            click.echo(f"  unread column {column['column']} ({column['holds']}, e.g. "
                       f"{column['sample']}): {column['column_option']}")
    prefix = "dry run, nothing written: " if report["dry_run"] else ""
    click.echo(f"{prefix}created {report['created']}, updated {report['updated']}, "
               f"unchanged {report['unchanged']}, rejected {len(report['rejected'])}, "
               f"values dropped {len(report['rejected_fields'])}, "
               f"conflicts {len(report['conflicts'])}"
               + (f" (batch {report['batch_id']})" if report["batch_id"] else ""))
    print_rejections(report)
    for row in report["rejected_fields"][:20]:
        click.echo(f"  dropped {row['location']} {row['field']} {row['value']!r}: "
                   f"{row['reason']}")
    for row in report["row_warnings"][:20]:
        click.echo(f"  warning {row['location']}: {row['reason']}")
    for row in report["conflicts"][:10]:
        times = f" ({row['times']} times)" if row.get("times") else ""
        click.echo(f"  conflict {row['code']} {row['field']}: kept {row['kept']!r} "
                   f"({row['kept_source']}), {row['offered_source']} says "
                   f"{row['offered']!r}{times}")
    if len(report["conflicts"]) > 10:
        click.echo(f"  ... {len(report['conflicts']) - 10} more conflicts (--json lists all)")
    if report.get("aborted") and not report.get("failures"):
        click.echo(f"  {report['aborted']}")


def _run_import(settings: Settings, files: list[Path], options: ImportOptions,
                progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Import catalogue files, then bring derived data up to date; the report as a dict."""

    async def work() -> dict[str, Any]:
        report = await import_files(files, options, settings.archive_dir, progress=progress)
        indexed = await after_import(settings, report)
        return {**report.as_dict(), "index": indexed,
                "stored_days": await store_days_after(report)}

    return run_with_db(settings, work)


@main.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, help="skip detection: " + ", ".join(format_names()))
@click.option("--column", "columns", multiple=True, metavar="HEADER=field",
              help="map a header or JSON key to a field, e.g. 标准代号=code, issueDate=published "
                   "(repeatable; fields in docs/formats.md)")
@click.option("--dry-run", is_flag=True, help="read and check everything, write nothing")
@click.option("--strict", is_flag=True,
              help="all or nothing: any rejected row or dropped value, or any warning (no "
                   "title column, unread dates or codes), writes nothing")
@click.option("--json", "as_json", is_flag=True,
              help="print the import report as JSON (docs/json.md)")
@click.pass_obj
def import_command(settings: Settings, paths: tuple[Path, ...], fmt: str | None,
                   columns: tuple[str, ...], dry_run: bool, strict: bool, as_json: bool) -> None:
    """Import catalogue files of any supported format (detected from their content).

    Formats, headers and JSON keys with their aliases: docs/formats.md. Warnings (a list
    without a title column, columns of dates or codes no field reads) are printed first, on
    stderr, with the --column option that would read each column.
    """
    try:
        column_map = parse_column_map(columns)
    except ValueError as exc:
        fail(f"--{exc}")
        raise  # unreachable: fail exits
    options = ImportOptions(fmt=fmt, column_map=column_map, dry_run=dry_run,
                            strict=strict, actor=f"cli:{getpass.getuser()}",
                            limits=settings.read_limits)
    with progress_reporter("importing") as advance:
        result = _run_import(settings, list(paths), options, progress=advance)
    print_warnings(result)
    if as_json:
        emit_json(result)
    else:
        _print_report(result)
    for line in result["failures"]:  # a file unreadable or cut short: said on stderr too
        click.echo(f"stdtrack: {line}", err=True)
    if result["failures"] or (strict and (result["rejected"] or result["aborted"])):
        sys.exit(EXIT_REJECTED)


@main.group()
def accounts() -> None:
    """Accounts: people (username and password) and scripts (API token), for staff, leaders
    and enterprises (each bound to its USCC)."""


def _read_password_stdin() -> str:
    """The first line of standard input, without its line ending (never echoed)."""
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        fail("--password-stdin: standard input holds no password")
    return password


@accounts.command("add")
@click.option("--role", type=click.Choice([r.value for r in AccountRole]), required=True)
@click.option("--uscc", default=None, help="统一社会信用代码 of the enterprise (enterprise role)")
@click.option("--name", default="", help="who holds the account")
@click.option("--username", default=None,
              help="a person's account: signs in on /sign-in (without --password-stdin a "
                   "temporary password is printed once, to be changed at first sign-in)")
@click.option("--password-stdin", is_flag=True,
              help="read the person's password from the first line of standard input")
@click.option("--token/--no-token", "issue_token", default=None,
              help="also issue an API token (default: only for accounts without --username)")
@click.option("--json", "as_json", is_flag=True, help="print the account (and secret) as JSON")
@click.pass_obj
def accounts_add(settings: Settings, role: str, uscc: str | None, name: str,
                 username: str | None, password_stdin: bool, issue_token: bool | None,
                 as_json: bool) -> None:
    """Create an account. Without --username: a script's account, its API token printed once.
    With --username: a person's account (password from --password-stdin, or a temporary one
    printed once). Secrets are shown this once and stored only hashed."""
    from api.routes.accounts import AccountCreate, create_person_or_token

    if password_stdin and username is None:
        fail("--password-stdin needs --username (token accounts have no password)")
    password = _read_password_stdin() if password_stdin else None
    request = AccountCreate(role=AccountRole(role), uscc=uscc, name=name, username=username,
                            password=password, token=issue_token)
    created = run_with_db(settings, lambda: create_person_or_token(request))
    if as_json:
        emit_json(created.model_dump(mode="json"))
        return
    owner = f" for {created.uscc}" if created.uscc else ""
    login = f", username {created.username}" if created.username else ""
    click.echo(f"account {created.id}: {created.role.value}{owner} ({created.name}{login})",
               err=True)
    if created.temporary_password:
        click.echo("temporary password (shown once; it must be changed at first sign-in):",
                   err=True)
        click.echo(created.temporary_password)
    if created.token:
        click.echo(created.token)


@accounts.command("list")
@click.option("--json", "as_json", is_flag=True, help="print the accounts as JSON")
@click.pass_obj
def accounts_list(settings: Settings, as_json: bool) -> None:
    """Accounts (never their tokens or passwords)."""
    found = run_with_db(settings, accounts_repository.list_accounts)
    if as_json:
        emit_json([account.model_dump(mode="json") for account in found])
        return
    for account in found:
        state = f"disabled {account.disabled_at:%Y-%m-%d}" if account.disabled_at else "active"
        hint = f"{account.token_hint}…" if account.token_hint else "-"
        click.echo(f"{account.id:>5}  {account.role.value:<10} {account.uscc or '':<18}  "
                   f"{account.username or '-':<20} {hint:<10} {state}  {account.name}")


@accounts.command("disable")
@click.argument("account")
@click.option("--json", "as_json", is_flag=True, help="print the account as JSON")
@click.pass_obj
def accounts_disable(settings: Settings, account: str, as_json: bool) -> None:
    """Disable ACCOUNT (a username, or an id): its token stops working and its sessions end."""

    async def work() -> Any:
        found = await accounts_repository.find_account(account)
        return await accounts_repository.disable_account(found.id, dt.datetime.now(dt.UTC))

    done = run_with_db(settings, work)
    if as_json:
        emit_json(done.model_dump(mode="json"))
    else:
        click.echo(f"account {done.id} ({done.username or done.name}) disabled; its sessions "
                   "ended")


@accounts.command("reset-password")
@click.argument("account")
@click.option("--password-stdin", is_flag=True,
              help="set the password read from standard input instead of a temporary one")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.pass_obj
def accounts_reset_password(settings: Settings, account: str, password_stdin: bool,
                            as_json: bool) -> None:
    """Give ACCOUNT (a username, or an id) a new password: a temporary one printed once (it
    must be changed at first sign-in), or the one read with --password-stdin. Every session of
    the account ends."""
    from api.routes.accounts import reset_password

    password = _read_password_stdin() if password_stdin else None

    async def work() -> Any:
        found = await accounts_repository.find_account(account)
        return await reset_password(found.id, password)

    done = run_with_db(settings, work)
    if as_json:
        emit_json(done.model_dump(mode="json"))
        return
    click.echo(f"account {done.account.id} ({done.account.username}): password reset; its "
               "sessions ended", err=True)
    if done.temporary_password:
        click.echo("temporary password (shown once; it must be changed at first sign-in):",
                   err=True)
        click.echo(done.temporary_password)


@main.group()
def declarations() -> None:
    """Enterprise self-declarations (企业标准自我声明公开)."""


@declarations.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the import report as JSON")
@click.pass_obj
def declarations_import(settings: Settings, paths: tuple[Path, ...], as_json: bool) -> None:
    """Import self-declarations in bulk: CSV/TSV/XLSX, one row per product (columns:
    docs/formats.md §2)."""
    with progress_reporter("importing declarations", "rows") as advance:

        async def work() -> dict[str, Any]:
            report = await import_declarations(
                list(paths), actor=f"cli:{getpass.getuser()}", archive_dir=settings.archive_dir,
                progress=advance, limits=settings.read_limits)
            return {**report.as_dict(), "stored_days": await store_days_after(report)}

        result = run_with_db(settings, work)
    if as_json:
        emit_json(result)
        return
    print_files(result, "rows")
    click.echo(f"rows: created {result['created']}, updated {result['updated']}, unchanged "
               f"{result['unchanged']}, rejected {len(result['rejected'])}, conflicts "
               f"{len(result['conflicts'])} (import {result['batch_id']})")
    for kind in ("enterprises", "products", "declarations", "alerts"):
        click.echo(f"  {kind}: " + ", ".join(f"{k} {v}" for k, v in result[kind].items()))
    print_rejections(result)


@main.group()
def alerts() -> None:
    """Alerts on declarations whose standard was replaced, withdrawn or is unknown."""


@alerts.command("refresh")
@click.option("--json", "as_json", is_flag=True, help="print what changed as JSON")
@click.pass_obj
def alerts_refresh(settings: Settings, as_json: bool) -> None:
    """Recompute every alert as of today (runs after each catalogue import; run it daily so
    that standards coming into force or being withdrawn on a date are noticed)."""
    report = run_with_db(settings, adoption_repository.refresh_alerts).as_dict()
    if as_json:
        emit_json(report)
    else:
        click.echo(", ".join(f"{k} {v}" for k, v in report.items()))


DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


@main.command()
@click.option("--json", "as_json", is_flag=True, help="print the import report as JSON")
@click.pass_obj
def demo(settings: Settings, as_json: bool) -> None:
    """Load the bundled demo data (real catalogue samples, then a generated demo province:
    enterprises, declarations, drafting plans, seed goals, a leader and a staff account);
    running it again changes nothing."""
    from api.demo_province import load_demo_province, print_demo_summary

    files = sorted(p for p in DEMO_DATA.rglob("*") if p.is_file() and p.suffix != ".md")

    result = _run_import(settings, files, ImportOptions(actor="demo",
                                                        limits=settings.read_limits))
    province = run_with_db(settings, lambda: load_demo_province(settings.archive_dir, settings))
    if as_json:
        emit_json({**result, "province": province})
    else:
        click.echo(f"demo data: {len(files)} files; created {result['created']}, updated "
                   f"{result['updated']}, unchanged {result['unchanged']}, rejected "
                   f"{len(result['rejected'])} (plan projects and unpublished drafts)")
        print_demo_summary(province, click.echo)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app and API (uvicorn)."""
    import uvicorn

    uvicorn.run("api.app:create_app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="info")


def _print_hits(result: SearchResult) -> None:
    note = " (no standard has every word: showing those with some)" if result.relaxed else ""
    click.echo(f"{result.total} standards{note}")
    for hit in result.hits:
        title = hit.title_zh or hit.title_en or ""
        click.echo(f"  {hit.code:<24} {hit.status.value:<9} {title}")
        if hit.title_zh and hit.title_en:
            click.echo(f"  {'':<24} {'':<9} {hit.title_en}")


@main.command("search")
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="results per page")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--status", type=click.Choice([s.value for s in Status]), default=None)
@click.option("--level", type=click.Choice([lv.value for lv in Level]), default=None)
@click.option("--prefix", default=None, help="issuer prefix: GB/T, QC/T, DB22/T, ISO")
@click.option("--region", default=None, help="region code prefix: 22, 2201")
@click.option("--sort", type=click.Choice([s.value for s in SortOrder]), default="relevance",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON (docs/json.md)")
@click.pass_obj
def search_command(settings: Settings, query: str, limit: int, page: int, status: str | None,
                   level: str | None, prefix: str | None, region: str | None, sort: str,
                   as_json: bool) -> None:
    """Full-text search: a code in any spelling, Chinese or English words, or both."""
    request = SearchRequest(
        q=query, page=page, page_size=limit, sort=SortOrder(sort),
        filters=SearchFilters(status=Status(status) if status else None,
                              level=Level(level) if level else None, prefix=prefix,
                              region=region),
    )

    async def work() -> SearchResult:
        try:
            return await search_service.search(settings, request)
        finally:
            await search_service.close_search(settings)

    result = run_with_db(settings, work)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        _print_hits(result)


@main.group()
def index() -> None:
    """The search index: rebuild it from the database, compare it with the database."""


@index.command("rebuild")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.pass_obj
def index_rebuild(settings: Settings, as_json: bool) -> None:
    """Build a new index from the database aside, then swap it in atomically."""

    async def work() -> RebuildReport:
        try:
            return await search_service.rebuild_index(settings)
        finally:
            await search_service.close_search(settings)

    report = run_with_db(settings, work)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        size = f", {report.size_bytes / 1e6:.1f} MB" if report.size_bytes else ""
        click.echo(f"indexed {report.documents} standards in {report.seconds:.1f} s "
                   f"({report.backend}{size}): {report.location}")


@index.command("status")
@click.option("--json", "as_json", is_flag=True, help="print the status as JSON")
@click.pass_obj
def index_status_command(settings: Settings, as_json: bool) -> None:
    """Compare the index with the database (counts, schema version); exit 1 when stale."""

    async def work() -> IndexStatus:
        try:
            return await search_service.index_status(settings)
        finally:
            await search_service.close_search(settings)

    status = run_with_db(settings, work)
    if as_json:
        click.echo(status.model_dump_json(indent=2))
    else:
        click.echo(f"backend: {status.backend} ({status.location})")
        held = f"{status.documents} standards" if status.exists else "missing"
        click.echo(f"index: {held}, built {status.built_at or '-'}, "
                   f"schema {status.schema_version or '-'}")
        click.echo(f"database: {status.database_documents} standards")
        if status.updated_at:
            click.echo(f"last index update: {status.updated_at}")
        for problem in status.problems:
            click.echo(f"  {problem}")
        if not status.problems:
            click.echo("up to date")
        for advice in status.advice:
            click.echo(f"  advice: {advice}")
    if status.stale:
        sys.exit(EXIT_REJECTED)


from api.cli_goals import domains, drafting, goals  # noqa: E402  (registers after main exists)

main.add_command(drafting)
main.add_command(goals)
main.add_command(domains)

from api.cli_indicators import foreign_bodies, indicators  # noqa: E402  (registers after main)

main.add_command(indicators)
main.add_command(foreign_bodies)

from api.cli_jobs import jobs, worker  # noqa: E402  (registers after main)

main.add_command(jobs)
main.add_command(worker)
from api import cli_checks  # noqa: E402  (registers after main)

main.add_command(cli_checks.check)
main.add_command(cli_checks.watches)
from api.cli_reviews import evaluation, reviews, triage  # noqa: E402  (registers after main)

main.add_command(reviews)
main.add_command(evaluation)
main.add_command(triage)
