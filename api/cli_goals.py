"""CLI groups ``stdtrack drafting``, ``stdtrack goals`` and ``stdtrack domains``:
drafting-plan imports and projects, goals and their progress (docs/indicators.md §4), the domain
rules."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from adoption import domains_repository, drafting_repository, goals_repository
from adoption.domains import DOMAIN_NAMES_ZH, parse_domain
from adoption.drafting import (
    STAGE_NAMES_ZH,
    DraftingProjectRead,
    StageChange,
    parse_kinds,
    parse_stage,
)
from adoption.errors import InvalidFieldError
from adoption.goals import GoalInput, GoalProgress
from adoption.vocab import Domain, DraftingStage
from api.cli import emit_json, fail, print_files, print_rejections, run_with_db
from api.drafting_imports import import_drafting_plans
from standards.settings import Settings

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


# ------------------------------------------------------------------------------------------
# stdtrack drafting
# ------------------------------------------------------------------------------------------


drafting: click.Group = click.Group(
    "drafting",
    help="地方标准制修订项目 — local-standard drafting projects: plans, stages, deadlines.")


@drafting.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the import report as JSON")
@click.pass_obj
def drafting_import(settings: Settings, paths: tuple[Path, ...], as_json: bool) -> None:
    """Import drafting plans: CSV/TSV/XLSX, Chinese or English headers (docs/formats.md §3)."""

    async def work() -> dict[str, Any]:
        report = await import_drafting_plans(list(paths), actor=f"cli:{getpass.getuser()}",
                                             archive_dir=settings.archive_dir,
                                             limits=settings.read_limits)
        return report.as_dict()

    result = run_with_db(settings, work)
    if as_json:
        emit_json(result)
        return
    print_files(result, "rows")
    click.echo(f"rows 行: created {result['created']}, updated {result['updated']}, unchanged "
               f"{result['unchanged']}, rejected {len(result['rejected'])} "
               f"(import {result['batch_id']}, {result['projects']} projects)")
    print_rejections(result)


@drafting.command("list")
@click.option("--region", default=None, help="region code prefix: 22, 2201")
@click.option("--domain", type=click.Choice([d.value for d in Domain]), default=None)
@click.option("--stage", default=None, help="立项 / initiated ... 撤销 / cancelled (as of --as-of)")
@click.option("--overdue", is_flag=True, help="only projects past their deadline")
@click.option("--as-of", "as_of", type=DATE, default=None, help="judge stages on this day")
@click.option("--json", "as_json", is_flag=True, help="print the projects as JSON")
@click.pass_obj
def drafting_list(settings: Settings, region: str | None, domain: str | None,
                  stage: str | None, overdue: bool, as_of: dt.datetime | None,
                  as_json: bool) -> None:
    """Drafting projects with their stage and deadline as of a day."""
    try:
        wanted = parse_stage(stage) if stage else None
    except InvalidFieldError as exc:
        fail(f"--stage: {exc}")
        raise  # unreachable: fail exits
    filters = drafting_repository.ProjectFilters(
        region=region, domain=Domain(domain) if domain else None, stage=wanted,
        overdue=True if overdue else None)
    day = _day(as_of) or dt.date.today()
    found = run_with_db(settings, lambda: drafting_repository.load_projects(
        filters, day, existing_only=True))
    if as_json:
        emit_json([p.model_dump(mode="json") for p in found])
        return
    click.echo(f"{'id':>6}  {'plan no 计划编号':<16} {'stage':<4} deadline    title")
    for p in found:
        stage_text = STAGE_NAMES_ZH[p.state.stage] if p.state.stage else "-"
        late = f"  逾期 overdue {p.state.days_overdue} d" if p.state.overdue else ""
        click.echo(f"{p.id:>6}  {p.plan_no:<16} {stage_text:<4} {p.state.deadline or '-'}  "
                   f"{p.title}{late}")
    click.echo(f"{len(found)} projects as of {day}")


@drafting.command("stage")
@click.argument("project")
@click.argument("stage")
@click.option("--on", "on", type=DATE, required=True, help="the day the stage was reached")
@click.option("--deadline", type=DATE, default=None, help="the new deadline (延期 postponed)")
@click.option("--code", default=None, help="the published standard's code (发布 published)")
@click.option("--note", default="")
@click.option("--json", "as_json", is_flag=True, help="print the project as JSON")
@click.pass_obj
def drafting_stage(settings: Settings, project: str, stage: str, on: dt.datetime,
                   deadline: dt.datetime | None, code: str | None, note: str,
                   as_json: bool) -> None:
    """Record that PROJECT (its plan number, e.g. JL2026-001, or its id) reached STAGE
    (立项…备案, 延期, 撤销) on a day. Stages only move forward; a date before the previous
    stage is refused."""
    try:
        change = StageChange(stage=parse_stage(stage), stage_on=on.date(),
                             deadline=_day(deadline), note=note, code=code)
    except (InvalidFieldError, ValidationError) as exc:
        fail(str(exc).splitlines()[0])
        raise  # unreachable: fail exits
    key = project.strip()

    async def work() -> DraftingProjectRead:
        found = await drafting_repository.find_project(key)
        return await drafting_repository.record_stage(
            found.id, change, source=f"cli:{getpass.getuser()}", now=dt.datetime.now(dt.UTC))

    done = run_with_db(settings, work)
    if as_json:
        emit_json(done.model_dump(mode="json"))
    else:
        state = done.state
        click.echo(f"{done.plan_no} (id {done.id}): "
                   f"{STAGE_NAMES_ZH[state.stage] if state.stage else '-'} since "
                   f"{state.stage_on}, deadline {state.deadline}")


# ------------------------------------------------------------------------------------------
# stdtrack goals
# ------------------------------------------------------------------------------------------


goals: click.Group = click.Group(
    "goals", help="目标 — goals: counts of local standards, indicator targets, and their progress.")


@goals.command("add")
@click.option("--name", required=True, help="中文名称 (unique; adding it again updates it)")
@click.option("--name-en", default="", help="English name beside")
@click.option("--metric", required=True,
              help="local-standards, or an indicator: coverage, adoption, standard-adoption, "
              "conversion")
@click.option("--target", required=True, type=float, help="300 (a count) or 0.98 (a rate)")
@click.option("--region", default=None, help="region code prefix: 22, 32, 2201")
@click.option("--domain", default=None, help="service, special-resource, culture... (服务业...)")
@click.option("--kinds", default="new,revision", show_default=True,
              help="new, revision or both (制定,修订)")
@click.option("--sector", default=None)
@click.option("--key-field", "key_field", default=None,
              help="automotive, petrochemical (汽车, 石化)")
@click.option("--start", type=DATE, default=None, help="window start (today by default)")
@click.option("--deadline", type=DATE, required=True)
@click.option("--note", default="")
@click.option("--json", "as_json", is_flag=True, help="print the goal as JSON")
@click.pass_obj
def goals_add(settings: Settings, name: str, name_en: str, metric: str, target: float,
              region: str | None, domain: str | None, kinds: str, sector: str | None,
              key_field: str | None, start: dt.datetime | None, deadline: dt.datetime,
              note: str, as_json: bool) -> None:
    """Define a goal (running it again with the same values changes nothing)."""
    try:
        data = GoalInput(name=name, name_en=name_en, metric=metric, target=target,
                         region=region, domain=parse_domain(domain) if domain else None,
                         kinds=parse_kinds(kinds), sector=sector, key_field=key_field,
                         start_on=_day(start), deadline=deadline.date(), note=note)
    except InvalidFieldError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        raise
    goal, action = run_with_db(settings, lambda: goals_repository.save_goal(data,
                                                                            source="cli"))
    if as_json:
        emit_json({**goal.model_dump(mode="json"), "action": action})
    else:
        click.echo(f"goal {goal.id} {action}: {goal.name} ({goal.metric} ≥ {goal.target:g} by "
                   f"{goal.deadline})")


@goals.command("list")
@click.option("--json", "as_json", is_flag=True, help="print the goals as JSON")
@click.pass_obj
def goals_list(settings: Settings, as_json: bool) -> None:
    """Every goal."""
    found = run_with_db(settings, goals_repository.list_goals)
    if as_json:
        emit_json([g.model_dump(mode="json") for g in found])
        return
    for goal in found:
        scope = " ".join(part for part in (
            goal.region and f"region {goal.region}",
            goal.domain and f"{DOMAIN_NAMES_ZH[goal.domain]} {goal.domain.value}",
            goal.key_field and f"key field {goal.key_field}") if part)
        click.echo(f"{goal.id:>4}  {goal.name}  [{goal.metric} ≥ {goal.target:g}, "
                   f"{goal.start_on}..{goal.deadline}] {scope}")
        if goal.name_en:
            click.echo(f"      {goal.name_en}")


def _print_progress(p: GoalProgress) -> None:
    value = f"{p.value:g}" if p.kind == "count" else f"{p.value:.2%}"
    target = f"{p.target:g}" if p.kind == "count" else f"{p.target:.0%}"
    click.echo(f"{p.goal}  {p.name_en}")
    click.echo(f"  as of {p.as_of}: {value} / {target}, gap {p.gap:g}, status {p.status.value}, "
               f"time elapsed {p.time_elapsed:.0%}, forecast {p.forecast_date or '— (stalled)'}")
    if p.pipeline:
        click.echo("  pipeline: " + ", ".join(
            f"{STAGE_NAMES_ZH[DraftingStage(stage)]} {stage} {n}"
            for stage, n in p.pipeline.items()))
    if p.overdue:
        click.echo(f"  overdue 逾期 {p.overdue}: " + ", ".join(
            o.plan_no for o in p.overdue_projects[:10]))


@goals.command("progress")
@click.argument("name")
@click.option("--as-of", "as_of", type=DATE, default=None, help="today by default")
@click.option("--json", "as_json", is_flag=True, help="print the progress as JSON (docs/json.md)")
@click.pass_obj
def goals_progress(settings: Settings, name: str, as_of: dt.datetime | None,
                   as_json: bool) -> None:
    """Progress of the goal NAME (its name, English name or id) as of a day."""
    progress = run_with_db(settings, lambda: goals_repository.goal_progress(name, _day(as_of)))
    if as_json:
        emit_json(progress.model_dump(mode="json"))
    else:
        _print_progress(progress)


@goals.command("series")
@click.argument("name")
@click.option("--as-of", "as_of", type=DATE, default=None)
@click.option("--step", type=click.IntRange(1, 12), default=1, show_default=True,
              help="months between points")
@click.option("--json", "as_json", is_flag=True, help="print the series as JSON")
@click.pass_obj
def goals_series(settings: Settings, name: str, as_of: dt.datetime | None, step: int,
                 as_json: bool) -> None:
    """Burn-up series of a goal: its value at month ends, with the target line."""
    series = run_with_db(settings, lambda: goals_repository.goal_series(name, _day(as_of),
                                                                        step))
    if as_json:
        emit_json(series.model_dump(mode="json"))
        return
    for point in series.points:
        click.echo(f"{point.date}  {point.value}  (target line {point.target_line:g})")


@goals.command("seed")
@click.option("--json", "as_json", is_flag=True, help="print what was done as JSON")
@click.pass_obj
def goals_seed(settings: Settings, as_json: bool) -> None:
    """Install the provincial plans' goals shipped as examples (idempotent, by name)."""
    done = run_with_db(settings, goals_repository.install_seed_goals)
    if as_json:
        emit_json(done)
    else:
        for name, action in done.items():
            click.echo(f"{action:<9} {name}")


# ------------------------------------------------------------------------------------------
# stdtrack domains
# ------------------------------------------------------------------------------------------


domains: click.Group = click.Group(
    "domains",
    help="领域 — the rules (ICS / CCS / title keywords) that give catalogue standards domains.")


@domains.command("rules")
@click.option("--json", "as_json", is_flag=True, help="print the rules as JSON")
@click.pass_obj
def domains_rules(settings: Settings, as_json: bool) -> None:
    """List the rules (shipped defaults are marked builtin)."""
    rules = run_with_db(settings, domains_repository.list_rules)
    if as_json:
        emit_json([r.model_dump(mode="json") for r in rules])
        return
    for r in rules:
        state = "" if r.enabled else "  (disabled)"
        click.echo(f"{r.id:>4}  {r.field.value:<8} {r.pattern:<10} -> {r.domain.value:<17} "
                   f"{r.note}{state}")


@domains.command("add")
@click.argument("field", type=click.Choice(["ics", "ccs", "keyword"]))
@click.argument("pattern")
@click.argument("domain")
@click.option("--note", default="")
@click.pass_obj
def domains_add(settings: Settings, field: str, pattern: str, domain: str, note: str) -> None:
    """Add a rule: FIELD (ics, ccs, keyword) PATTERN -> DOMAIN; domains are recomputed."""
    rule = run_with_db(settings, lambda: domains_repository.add_rule(field, pattern, domain,
                                                                     note))
    click.echo(f"rule {rule.id}: {rule.field.value} {rule.pattern} -> {rule.domain.value}")


@domains.command("disable")
@click.argument("rule_id", type=int)
@click.pass_obj
def domains_disable(settings: Settings, rule_id: int) -> None:
    """Turn a rule off (shipped ones too); domains are recomputed."""
    run_with_db(settings, lambda: domains_repository.set_rule_enabled(rule_id, False))
    click.echo(f"rule {rule_id} disabled")


@domains.command("enable")
@click.argument("rule_id", type=int)
@click.pass_obj
def domains_enable(settings: Settings, rule_id: int) -> None:
    """Turn a rule back on; domains are recomputed."""
    run_with_db(settings, lambda: domains_repository.set_rule_enabled(rule_id, True))
    click.echo(f"rule {rule_id} enabled")


@domains.command("reset")
@click.pass_obj
def domains_reset(settings: Settings) -> None:
    """Put back every shipped default rule that was removed or disabled."""
    count = run_with_db(settings, domains_repository.reset_default_rules)
    click.echo(f"{count} default rules restored")


@domains.command("refresh")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def domains_refresh(settings: Settings, as_json: bool) -> None:
    """Recompute every standard's domains from the rules."""
    done = run_with_db(settings, domains_repository.refresh_standard_domains)
    if as_json:
        emit_json(done.model_dump())
    else:
        click.echo(f"{done.standards} standards, {done.tagged} domain tags")
