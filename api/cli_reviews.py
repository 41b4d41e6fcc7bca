"""CLI group ``stdtrack reviews`` (the review clock of local standards, docs/reviews.md: review
files, one review, due and overdue lists, reviewed on time, the daily reminder) and the
commands ``stdtrack evaluation`` and ``stdtrack triage``."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Any

import click

from adoption import evaluation_repository, reviews_repository, triage_repository
from adoption.reviews import DueItem, DueReport, ReviewInput
from adoption.vocab import Grade, TriageAction
from api.cli import emit_json, fail, print_files, print_rejections, run_with_db
from api.exports import to_xlsx
from api.pipelines.review_reminders import REMINDER_MONTHS, run_review_reminders
from api.review_imports import import_reviews
from api.routes.reviews import evaluation_table, reasons_text
from standards.settings import Settings

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def _region(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) in (2, 4, 6)):
        fail(f"--region {value!r}: a region code prefix of 2, 4 or 6 digits (22, 2201)")
    return text


reviews: click.Group = click.Group(
    "reviews", help="地方标准复审 — the review clock of local standards (docs/reviews.md).")


@reviews.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the import report as JSON")
@click.pass_obj
def reviews_import(settings: Settings, paths: tuple[Path, ...], as_json: bool) -> None:
    """Import reviews: CSV/TSV/XLSX with 标准号, 复审日期, 复审结论 (继续有效|修订|废止), 备注.
    Importing the same file again changes nothing."""

    async def work() -> dict[str, Any]:
        report = await import_reviews(list(paths), actor=f"cli:{getpass.getuser()}",
                                      archive_dir=settings.archive_dir,
                                      limits=settings.read_limits)
        return report.as_dict()

    result = run_with_db(settings, work)
    if as_json:
        emit_json(result)
    else:
        print_files(result, "rows")
        click.echo(f"reviews: created {result['created']}, updated {result['updated']}, "
                   f"unchanged {result['unchanged']}, rejected {len(result['rejected'])} "
                   f"(import {result['batch_id']})")
        print_rejections(result)


@reviews.command("record")
@click.argument("code")
@click.option("--date", "reviewed_on", type=DATE, required=True, help="复审日期 YYYY-MM-DD")
@click.option("--conclusion", required=True, help="继续有效 | 修订 | 废止")
@click.option("--note", default="", help="备注")
@click.option("--json", "as_json", is_flag=True, help="print the review as JSON")
@click.pass_obj
def reviews_record(settings: Settings, code: str, reviewed_on: dt.datetime, conclusion: str,
                   note: str, as_json: bool) -> None:
    """Record one review of a local standard (a second record of the same day updates it)."""

    async def work() -> dict[str, Any]:
        review, action = await reviews_repository.record_review(
            ReviewInput(code=code, reviewed_on=reviewed_on.date(), conclusion=conclusion,
                        note=note),
            source="cli", recorded_by=f"cli:{getpass.getuser()}")
        return {"action": action, "review": review.model_dump(mode="json")}

    result = run_with_db(settings, work)
    if as_json:
        emit_json(result)
    else:
        review = result["review"]
        click.echo(f"{result['action']}: {review['code']} {review['reviewed_on']} "
                   f"{review['conclusion_zh']}")


def _print_items(title: str, items: list[DueItem], shown: int = 20) -> None:
    click.echo(f"{title}: {len(items)}")
    for item in items[:shown]:
        reviewed = f" (reviewed {item.reviewed_on}: {item.reviewed_as})" if item.reviewed_on \
            else ""
        click.echo(f"  {item.code:<22} due {item.due_on} ({item.days_to_due:+d} d) "
                   f"{item.title_zh or ''}{reviewed}")
    if len(items) > shown:
        click.echo(f"  … {len(items) - shown} more (--json lists all)")


def _print_due(report: DueReport) -> None:
    click.echo(f"as of {report.as_of}, region {report.region or 'all'}, cycle "
               f"{report.cycle_years} years: {report.standards} local standards, "
               f"{report.running} with a running clock")
    click.echo(f"due within {report.within_months} months: {report.due}; overdue: "
               f"{report.overdue}")
    for title, groups in (("by city", report.by_city), ("by domain", report.by_domain)):
        click.echo(title + ":")
        for group in groups:
            click.echo(f"  {group.key or '-':<8} {group.label:<12} due {group.due:>5}  overdue "
                       f"{group.overdue:>5}")
    _print_items("overdue", report.overdue_items)
    _print_items("due", report.due_items)


@reviews.command("due")
@click.option("--region", default=None, help="region code prefix: 22, 2201")
@click.option("--domain", default=None, help="a domain: service, agriculture…")
@click.option("--as-of", type=DATE, default=None, help="the day t (default today)")
@click.option("--within", default=6, show_default=True, type=click.IntRange(0, 120),
              help="months ahead that count as due")
@click.option("--json", "as_json", is_flag=True, help="print counts and lists as JSON")
@click.pass_obj
def reviews_due(settings: Settings, region: str | None, domain: str | None,
                as_of: dt.datetime | None, within: int, as_json: bool) -> None:
    """Local standards due for review within N months of a day, and those overdue on it,
    counted by city and by domain."""
    scope = _region(region)
    report = run_with_db(settings, lambda: reviews_repository.due_report(
        scope, as_of=_day(as_of), within=within, domain=domain,
        cycle_years=settings.review_cycle_years))
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        _print_due(report)


@reviews.command("on-time")
@click.option("--region", default=None, help="region code prefix: 22, 2201")
@click.option("--start", type=DATE, required=True, help="window start (due dates from)")
@click.option("--end", type=DATE, required=True, help="window end (due dates to)")
@click.option("--as-of", type=DATE, default=None, help="the day t (default today)")
@click.option("--json", "as_json", is_flag=True, help="print the metric as JSON")
@click.pass_obj
def reviews_on_time(settings: Settings, region: str | None, start: dt.datetime,
                    end: dt.datetime, as_of: dt.datetime | None, as_json: bool) -> None:
    """Reviewed on time: standards due in the window reviewed, revised or withdrawn by then."""
    scope = _region(region)
    report = run_with_db(settings, lambda: reviews_repository.on_time_report(
        scope, start.date(), end.date(), _day(as_of), cycle_years=settings.review_cycle_years))
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        rate = "—" if report.rate is None else f"{report.rate:.1%}"
        click.echo(f"reviewed on time {report.start}..{report.end} as of {report.as_of}: "
                   f"{report.numerator} / {report.denominator} = {rate}")


@reviews.command("remind")
@click.option("--as-of", type=DATE, default=None, help="the day (default today)")
@click.option("--within", default=REMINDER_MONTHS, show_default=True,
              type=click.IntRange(0, 120), help="months ahead to remind of")
@click.option("--json", "as_json", is_flag=True, help="print what was raised as JSON")
@click.pass_obj
def reviews_remind(settings: Settings, as_of: dt.datetime | None, within: int,
                   as_json: bool) -> None:
    """The daily reminder: raise reminders for standards coming due or overdue (run it daily;
    a second run on one day changes nothing)."""
    result = run_with_db(settings, lambda: run_review_reminders(
        _day(as_of), cycle_years=settings.review_cycle_years, within=within))
    if as_json:
        emit_json(result)
    else:
        click.echo(", ".join(f"{k} {v}" for k, v in result.items()))


@click.command("evaluation")
@click.option("--region", default=None, help="region code prefix: 22, 2201")
@click.option("--as-of", type=DATE, default=None, help="the day (default today)")
@click.option("--grade", type=click.Choice([g.value for g in Grade]), default=None,
              help="list only this grade")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="also write the committee's spreadsheet here")
@click.option("--json", "as_json", is_flag=True, help="print the evaluation as JSON")
@click.pass_obj
def evaluation(settings: Settings, region: str | None, as_of: dt.datetime | None,
               grade: str | None, xlsx_path: Path | None, as_json: bool) -> None:
    """实施评价 — grade a region's local standards 强/中/弱 from their signals."""
    scope = _region(region)
    report = run_with_db(settings, lambda: evaluation_repository.evaluate_region(
        scope, _day(as_of), grade=Grade(grade) if grade else None))
    if xlsx_path is not None:
        xlsx_path.write_bytes(to_xlsx(evaluation_table(report)))
    if as_json:
        click.echo(report.model_dump_json(indent=2))
        return
    click.echo(f"as of {report.as_of}, region {report.region or 'all'}: {report.standards} "
               f"local standards in force; strong {report.grades['strong']}, medium "
               f"{report.grades['medium']}, weak {report.grades['weak']} (thresholds: strong "
               f"≥ {report.strong_threshold:g}, weak ≤ {report.weak_threshold:g})")
    for item in report.items[:30]:
        click.echo(f"  {item.code:<22} {item.grade_zh} {item.score:>7.2f}  {item.title_zh or ''}")


@click.command("triage")
@click.option("--region", default=None, help="region code prefix: 22, 2201")
@click.option("--as-of", type=DATE, default=None, help="the day (default today)")
@click.option("--action", type=click.Choice([a.value for a in TriageAction]), default=None,
              help="list only this suggested action")
@click.option("--json", "as_json", is_flag=True, help="print the candidates as JSON")
@click.pass_obj
def triage(settings: Settings, region: str | None, as_of: dt.datetime | None,
           action: str | None, as_json: bool) -> None:
    """清理整合 — candidates for cutting and merging, with evidence and a suggested action."""
    scope = _region(region)
    report = run_with_db(settings, lambda: triage_repository.triage_region(
        scope, _day(as_of), action=TriageAction(action) if action else None,
        cycle_years=settings.review_cycle_years))
    if as_json:
        click.echo(report.model_dump_json(indent=2))
        return
    click.echo(f"as of {report.as_of}, region {report.region or 'all'}: {report.candidates} "
               f"candidates among {report.standards} local standards in force: "
               + ", ".join(f"{k} {v}" for k, v in report.by_action.items() if v))
    for item in report.items[:50]:
        click.echo(f"  {item.code:<22} {item.suggested_zh:<8} {reasons_text(item.reasons)}")
