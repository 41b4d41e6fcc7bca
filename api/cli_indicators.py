"""``stdtrack indicators NAME ...`` and ``stdtrack foreign-bodies``: indicators as of a day
(rules: docs/indicators.md), grouped, as a trend, with what was not counted; the
foreign-advanced body list."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import click

from adoption import indicator_queries
from adoption.indicators import (
    IndicatorName,
    IndicatorQuery,
    IndicatorRules,
    compute_indicator,
    indicator_series,
    month_ends,
    not_counted,
)
from adoption.metrics import REASON_LABELS, Reason
from adoption.schemas import ForeignBodyRead, IndicatorReport, NotCountedPage
from api.cli import emit_json, fail, run_with_db
from api.exports import safe_cell
from standards.settings import Settings

NAMES = ", ".join(name.value for name in IndicatorName)
GROUPS = "city|county|province|sector|key-field (level|prefix for standard-level indicators)"


def _day(option: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option}: {text!r} 不是日期 is not a date (YYYY-MM-DD)")
        raise  # unreachable: fail exits


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _print_report(report: IndicatorReport) -> None:
    click.echo(f"{report.title} ({report.indicator}) 截至 as of {report.as_of}")
    click.echo(f"  {_percent(report.rate)} = {report.numerator} / {report.denominator}")
    rules = report.rules
    click.echo(f"  rules: NEQ {'yes' if rules['count_neq'] else 'no'}, EQV "
               f"{'yes' if rules['count_eqv'] else 'no'}, foreign-advanced "
               f"{'yes' if rules['count_foreign'] and rules['foreign_applies'] else 'no'}")
    for reason, count in report.not_counted.items():
        click.echo(f"  未计入 not counted: {report.reason_labels.get(reason, reason)}: {count}")
    for group in report.groups:
        click.echo(f"  {group.key:<14} {group.label:<20} {_percent(group.rate):>7} "
                   f"{group.numerator:>9} / {group.denominator}")


def _print_page(page: NotCountedPage) -> None:
    click.echo(f"{page.total} not counted (page {page.page}, {len(page.items)} shown)")
    for item in page.items:
        if item.product_id is not None:
            click.echo(f"  {item.reason:<30} {item.uscc} {item.enterprise_name} · "
                       f"{item.product_name} {item.product_model or ''} · "
                       f"{'; '.join(item.declared_codes) or '-'}")
        else:
            click.echo(f"  {item.reason:<30} {item.code} {item.title_zh or ''}")


CSV_COLUMNS = (  # (field, header): headers in Chinese, as staff open the file in a spreadsheet
    ("reason", "原因代码"), ("reason_label", "未计入原因"), ("uscc", "统一社会信用代码"),
    ("enterprise_name", "企业名称"), ("product_id", "产品编号"), ("product_name", "产品名称"),
    ("product_model", "产品型号"), ("main", "主要产品"), ("region_code", "行政区划代码"),
    ("region_name", "地区"), ("declared_codes", "声明的执行标准"), ("code", "标准号"),
    ("title_zh", "标准名称"))
REASON_WORDS: dict[Reason, str] = {  # the reason alone, in Chinese (the file is for staff)
    reason: label.split(" ")[0] for reason, label in REASON_LABELS.items()}


def yes_no(value: bool | None) -> str:
    """是 / 否 for a flag ('' when unknown), never Python's True/False."""
    return "" if value is None else "是" if value else "否"


def write_csv(page: NotCountedPage, path: Path) -> None:
    """The drill-down as CSV (UTF-8 with BOM, Chinese headers, 是/否; formula cells
    neutralised)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([header for _, header in CSV_COLUMNS])
        for item in page.items:
            values: dict[str, Any] = item.model_dump()
            values["reason_label"] = REASON_WORDS[Reason(item.reason)]
            values["main"] = yes_no(item.main)
            values["declared_codes"] = "；".join(item.declared_codes)
            writer.writerow([safe_cell(values[column]) for column, _ in CSV_COLUMNS])


@click.argument("name")
@click.option("--region", default=None, help="region code prefix: 22, 2201, 220102")
@click.option("--sector", default=None, help="行业 (prefix of the sector text, e.g. C36)")
@click.option("--key-field", default=None, help="重点领域: automotive, 石化 ...")
@click.option("--enterprise", default=None, help="统一社会信用代码 of one enterprise")
@click.option("--level", default=None, help="standard level (standard-level indicators)")
@click.option("--prefix", default=None, help="issuer prefix: GB/T, ISO (standard-level)")
@click.option("--ics", default=None, help="ICS field or group: 43, 43.040 (standard-level)")
@click.option("--as-of", "as_of", default=None, help="day (YYYY-MM-DD); default today")
@click.option("--group-by", default=None, help=GROUPS)
@click.option("--count-neq", is_flag=True, help="count NEQ adoptions")
@click.option("--count-eqv", is_flag=True, help="count legacy EQV adoptions")
@click.option("--no-foreign", is_flag=True, help="do not count foreign-advanced standards")
@click.option("--series", "series_start", default=None, metavar="START",
              help="the trend: month ends from START to --as-of (or today)")
@click.option("--dates", default=None, help="the trend on these days: 2024-01-31,2024-02-29")
@click.option("--not-counted", "drill", is_flag=True, help="list what was not counted")
@click.option("--reason", default=None, help="with --not-counted: one reason only")
@click.option("--page", default=1, type=click.IntRange(1), show_default=True)
@click.option("--page-size", default=50, type=click.IntRange(1, 10000), show_default=True)
@click.option("--csv", "csv_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="write every not-counted item to this CSV file")
@click.option("--json", "as_json", is_flag=True, help="print JSON (docs/json.md)")
@click.pass_obj
def _indicators(settings: Settings, name: str, region: str | None, sector: str | None,
               key_field: str | None, enterprise: str | None, level: str | None,
               prefix: str | None, ics: str | None, as_of: str | None, group_by: str | None,
               count_neq: bool, count_eqv: bool, no_foreign: bool, series_start: str | None,
               dates: str | None, drill: bool, reason: str | None, page: int, page_size: int,
               csv_path: Path | None, as_json: bool) -> None:
    """An indicator (coverage, adoption, standard-adoption, conversion) as of a day, with
    its numerator, denominator, groups and what was not counted and why (docs/indicators.md)."""
    if name not in {n.value for n in IndicatorName}:
        fail(f"{name!r} 不是指标 is not an indicator: one of {NAMES}")
    day = _day("--as-of", as_of)
    query = IndicatorQuery(
        name=IndicatorName(name), as_of=day, region=region, sector=sector, key_field=key_field,
        enterprise=enterprise, level=level, prefix=prefix, ics=ics, group_by=group_by,
        rules=IndicatorRules(count_neq=count_neq, count_eqv=count_eqv,
                             count_foreign=not no_foreign))
    trend: list[dt.date] | None = None
    if dates:
        trend = [d for d in (_day("--dates", text) for text in dates.split(",")) if d]
    elif series_start:
        start = _day("--series", series_start)
        assert start is not None
        trend = month_ends(start, day or dt.date.today())
        if not trend:
            fail(f"--series: no month end between {start} and {day or dt.date.today()}")
    if drill or csv_path:
        size = 1_000_000 if csv_path else page_size
        found = run_with_db(settings, lambda: not_counted(query, reason, 1 if csv_path else page,
                                                          size))
        if csv_path:
            write_csv(found, csv_path)
            click.echo(f"wrote {len(found.items)} rows to {csv_path}", err=True)
        if as_json:
            click.echo(found.model_dump_json(indent=2))
        elif not csv_path:
            _print_page(found)
        return
    if trend is not None:
        reports = run_with_db(settings, lambda: indicator_series(query, trend))
        if as_json:
            emit_json([report.model_dump(mode="json") for report in reports])
        else:
            for report in reports:
                click.echo(f"{report.as_of}  {_percent(report.rate):>7}  "
                           f"{report.numerator} / {report.denominator}")
        return
    report = run_with_db(settings, lambda: compute_indicator(query))
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        _print_report(report)


indicators: click.Command = click.command("indicators")(_indicators)

foreign_bodies: click.Group = click.Group(
    "foreign-bodies",
    help="国外先进标准 bodies: whose standards count as foreign-advanced for product adoption.")


def _print_bodies(found: list[ForeignBodyRead], as_json: bool) -> None:
    if as_json:
        emit_json([body.model_dump() for body in found])
        return
    for body in found:
        click.echo(f"{body.body:<8} {body.name}")


@foreign_bodies.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@click.pass_obj
def bodies_list(settings: Settings, as_json: bool) -> None:
    """The bodies in force."""
    _print_bodies(run_with_db(settings, indicator_queries.foreign_bodies), as_json)


@foreign_bodies.command("add")
@click.argument("body")
@click.option("--name", default="", help="the body's name")
@click.option("--json", "as_json", is_flag=True, help="print the list as JSON")
@click.pass_obj
def bodies_add(settings: Settings, body: str, name: str, as_json: bool) -> None:
    """Count BODY's standards (codes whose first word is BODY) as foreign-advanced."""
    _print_bodies(run_with_db(settings, lambda: indicator_queries.add_foreign_body(body, name)),
                  as_json)


@foreign_bodies.command("remove")
@click.argument("body")
@click.option("--json", "as_json", is_flag=True, help="print the list as JSON")
@click.pass_obj
def bodies_remove(settings: Settings, body: str, as_json: bool) -> None:
    """Stop counting BODY's standards as foreign-advanced."""
    _print_bodies(run_with_db(settings, lambda: indicator_queries.remove_foreign_body(body)),
                  as_json)


__all__ = ["foreign_bodies", "indicators", "write_csv"]
