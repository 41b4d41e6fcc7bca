"""``stdtrack check FILE|-``: 标准查新 from the command line (text on stdin, or a TXT, CSV,
XLSX, DOCX or PDF file), printed as a table or ``--json``, optionally written as an XLSX sheet
or a PDF 查新报告."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from api.checks import MAX_CITATIONS, check_file, check_text, report_table
from api.checks_pdf import report_pdf
from api.exports import to_xlsx
from standards.schemas import CheckReport
from standards.settings import Settings
from standards.vocab import CheckVerdict

STDIN_LIMIT = 20 * 1024 * 1024


def _print(report: CheckReport) -> None:
    click.echo(f"标准查新 · 状态日期 as of {report.as_of} · 目录 catalogue {report.catalogue.label}"
               f" · {report.source}")
    for item in report.items:
        detail = []
        if item.resolved_code and item.resolved_code != item.code:
            detail.append(f"= {item.resolved_code}")
        if item.successors:
            detail.append(f"代替 by {', '.join(item.successors)}")
        if item.edition_in_force and item.edition_in_force not in (item.resolved_code,
                                                                   *item.successors):
            detail.append(f"现行 in force {item.edition_in_force}")
        if item.verdict is CheckVerdict.UPCOMING and item.effective_on:
            detail.append(f"实施 from {item.effective_on}")
        if item.problem:
            detail.append(item.problem)
        click.echo(f"{item.verdict_zh}\t{item.written}\t{' '.join(detail)}")
    counts = ", ".join(f"{verdict} {n}" for verdict, n in report.counts.items() if n)
    click.echo(f"{report.found} citations, {report.distinct} standards: {counts or 'none'}")
    if report.truncated:
        click.echo("stdtrack: 文本过长，超出部分未查 the text was cut at the limit", err=True)


@click.command("check")
@click.argument("source")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="judge statuses on this day (default today)")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the report as an XLSX sheet")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the PDF 查新报告")
@click.option("--strict", is_flag=True,
              help="exit 1 when any cited code is not current (for scripts and CI)")
@click.pass_obj
def check(settings: Settings, source: str, as_of: dt.datetime | None, as_json: bool,
          xlsx_path: Path | None, pdf_path: Path | None, strict: bool) -> None:
    """Check the standards SOURCE cites (a file, or - for text on stdin) against the
    catalogue: 现行, 已被代替, 已废止, 即将实施, 未收录, 编号有误."""
    from api.cli import EXIT_REJECTED, fail, run_with_db  # api.cli registers this command

    day = as_of.date() if as_of else dt.date.today()
    if source == "-":
        data = sys.stdin.buffer.read(STDIN_LIMIT + 1)
        if len(data) > STDIN_LIMIT:
            fail(f"stdin holds more than {STDIN_LIMIT // (1024 * 1024)} MB; pass a file instead")
        text = data.decode("utf-8", errors="replace")
        report = run_with_db(settings, lambda: check_text(text, day, source="stdin"))
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"{source}: no such file")
        # an unreadable file is a StdtrackError: run_with_db prints it on one line, exit 2
        report = run_with_db(settings, lambda: check_file(
            path, day, settings.read_limits, source=path.name, limit=MAX_CITATIONS))
    if xlsx_path is not None:
        xlsx_path.write_bytes(to_xlsx(report_table(report)))
    if pdf_path is not None:
        pdf_path.write_bytes(report_pdf(report))
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        _print(report)
    if strict and any(item.verdict is not CheckVerdict.CURRENT for item in report.items):
        sys.exit(EXIT_REJECTED)


@click.group("watches")
def watches() -> None:
    """Watches (关注): the run that turns catalogue changes into notices and mails them."""


@watches.command("run")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="the day of the run (default today): editions coming into force after it")
@click.option("--immediate-only", is_flag=True,
              help="mail only the watches that asked for immediate mail (after an import)")
@click.option("--json", "as_json", is_flag=True, help="print the run's report as JSON")
@click.pass_obj
def watches_run(settings: Settings, as_of: dt.datetime | None, immediate_only: bool,
                as_json: bool) -> None:
    """Match changes since the last run against every watch; mail the notices (the daily
    schedule runs this). Exit 1 when a mail or a webhook could not be delivered (retried)."""
    from adoption.vocab import WatchDigest
    from api.cli import EXIT_REJECTED, emit_json, run_with_db  # api.cli registers this command
    from api.pipelines.watches import run_watch_digest

    digests = (WatchDigest.IMMEDIATE,) if immediate_only else tuple(WatchDigest)
    report = run_with_db(settings, lambda: run_watch_digest(
        as_of.date() if as_of else None, settings=settings, digests=digests))
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(f"as of {report.as_of}: {report.changes_read} changes and "
                   f"{report.standards_read} new standards read, "
                   f"{report.stages_read} drafting stages read, {report.notices_created} "
                   f"notices, {report.emails_sent} mails sent")
        for failure in report.mail_failures:
            click.echo(f"stdtrack: mail failed: {failure}", err=True)
        for failure in report.webhook_failures:
            click.echo(f"stdtrack: webhook failed (retried later): {failure}", err=True)
    if report.mail_failures or report.webhook_failures:
        sys.exit(EXIT_REJECTED)
