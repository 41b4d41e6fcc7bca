"""The database side of domains: the rules staff change, and the derived ``standard_domain``
rows (rebuilt for the standards an import touched, and for all when the rules change)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from adoption.db import select, writing
from adoption.domains import Rule, RuleField, RuleSet, check_rule, load_default_rules
from adoption.drafting_repository import link_projects
from adoption.errors import DuplicateError, RecordNotFound
from adoption.tables import DraftingProject
from adoption.vocab import Domain
from standards import data_version
from standards.db import fetch, in_list, insert_rows

CHUNK = 2000


class DomainRuleRead(BaseModel):
    id: int
    field: RuleField
    pattern: str
    domain: Domain
    note: str
    builtin: bool
    enabled: bool


class DomainRefresh(BaseModel):
    standards: int
    tagged: int


def _rule(row: dict[str, Any]) -> DomainRuleRead:
    return DomainRuleRead(id=row["id"], field=RuleField(row["field"]), pattern=row["pattern"],
                          domain=Domain(row["domain"]), note=row["note"] or "",
                          builtin=bool(row["builtin"]), enabled=bool(row["enabled"]))


async def list_rules() -> list[DomainRuleRead]:
    rows = await select("SELECT * FROM domain_rule ORDER BY field, pattern, domain")
    return [_rule(row) for row in rows]


async def enabled_rules() -> list[Rule]:
    return [Rule(r.field, r.pattern, r.domain) for r in await list_rules() if r.enabled]


async def add_rule(field: str, pattern: str, domain: str, note: str = "",
                   now: dt.datetime | None = None) -> DomainRuleRead:
    """Add a rule (then every standard's domains are recomputed).

    Raises:
        InvalidFieldError: a bad field, pattern or domain.
        DuplicateError: the same rule exists.
    """
    rule = check_rule(field, pattern, domain)
    now = now or dt.datetime.now(dt.UTC)
    async with writing() as engine:
        same = await fetch(engine, "SELECT id FROM domain_rule WHERE field = ? AND pattern = ? "
                           "AND domain = ?", [rule.field.value, rule.pattern, rule.domain.value])
        if same:
            raise DuplicateError(f"规则已存在 the rule {rule.field.value} {rule.pattern} -> "
                                 f"{rule.domain.value} exists", existing_id=same[0]["id"])
        rows = await fetch(engine, "INSERT INTO domain_rule (field, pattern, domain, note, "
                           "builtin, enabled, created_at, updated_at) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                           [rule.field.value, rule.pattern, rule.domain.value, note, False, True,
                            now, now])
        new_id = int(rows[0]["id"])
    await refresh_standard_domains()
    return await get_rule(new_id)


async def get_rule(rule_id: int) -> DomainRuleRead:
    rows = await select("SELECT * FROM domain_rule WHERE id = ?", [rule_id])
    if not rows:
        raise RecordNotFound(f"no domain rule with id {rule_id}")
    return _rule(rows[0])


async def set_rule_enabled(rule_id: int, enabled: bool) -> DomainRuleRead:
    """Turn a rule (shipped or not) on or off; every standard's domains are recomputed."""
    await get_rule(rule_id)
    async with writing() as engine:
        await fetch(engine, "UPDATE domain_rule SET enabled = ?, updated_at = ? WHERE id = ?",
                    [enabled, dt.datetime.now(dt.UTC), rule_id])
    await refresh_standard_domains()
    return await get_rule(rule_id)


async def delete_rule(rule_id: int) -> DomainRuleRead:
    """Remove a rule (a shipped one comes back with ``reset_default_rules``)."""
    rule = await get_rule(rule_id)
    async with writing() as engine:
        await fetch(engine, "DELETE FROM domain_rule WHERE id = ?", [rule_id])
    await refresh_standard_domains()
    return rule


async def reset_default_rules() -> int:
    """Put back every shipped default rule that is missing or disabled; returns how many."""
    now = dt.datetime.now(dt.UTC)
    restored = 0
    async with writing() as engine:
        for rule, note in load_default_rules():
            rows = await fetch(engine, "SELECT id, enabled FROM domain_rule WHERE field = ? "
                               "AND pattern = ? AND domain = ?",
                               [rule.field.value, rule.pattern, rule.domain.value])
            if not rows:
                await fetch(engine, "INSERT INTO domain_rule (field, pattern, domain, note, "
                            "builtin, enabled, created_at, updated_at) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?)", [rule.field.value, rule.pattern,
                                                         rule.domain.value, note, True, True,
                                                         now, now])
                restored += 1
            elif not rows[0]["enabled"]:
                await fetch(engine, "UPDATE domain_rule SET enabled = ? WHERE id = ?",
                            [True, rows[0]["id"]])
                restored += 1
    if restored:
        await refresh_standard_domains()
    return restored


async def refresh_standard_domains(standard_ids: Sequence[int] | None = None) -> DomainRefresh:
    """Recompute the rule-derived domains of some standards (all when ``standard_ids`` is
    None), chunk by chunk, each in its own transaction."""
    rules = RuleSet(await enabled_rules())
    counted = tagged = 0
    after = 0
    ids = list(standard_ids) if standard_ids is not None else None
    position = 0
    while True:
        async with writing() as engine:
            if ids is None:
                rows = await fetch(engine, "SELECT id, ics, ccs, title_zh, title_en, domains "
                                   "FROM standard WHERE id > ? ORDER BY id LIMIT ?",
                                   [after, CHUNK])
            else:
                chunk = ids[position : position + CHUNK]
                position += CHUNK
                if not chunk:
                    break
                where, args = in_list(engine, "id", chunk, "int")
                rows = await fetch(engine, "SELECT id, ics, ccs, title_zh, title_en, domains "
                                   f"FROM standard WHERE {where}", args)
            if ids is None and not rows:
                break
            chunk_ids = [int(row["id"]) for row in rows]
            if chunk_ids:
                where, args = in_list(engine, "standard", chunk_ids, "int")
                await fetch(engine, f"DELETE FROM standard_domain WHERE {where}", args)
            new_rows: list[tuple[int, str]] = []
            for row in rows:
                found = rules.match(ics=(row["ics"] or "").split(), ccs=row["ccs"],
                                    title_zh=row["title_zh"], title_en=row["title_en"],
                                    stated=json.loads(row["domains"] or "[]"))
                new_rows.extend((int(row["id"]), d.value) for d in found)
            await insert_rows(engine, "standard_domain", ["standard", "domain"], new_rows)
            await data_version.bump(engine)
            counted += len(rows)
            tagged += len(new_rows)
            if ids is None:
                after = chunk_ids[-1]
    return DomainRefresh(standards=counted, tagged=tagged)


async def domains_of_standards(standard_ids: Sequence[int]) -> dict[int, set[Domain]]:
    """The derived domains of the given standards."""
    found: dict[int, set[Domain]] = {}
    ids = list(standard_ids)
    engine = DraftingProject._meta.db
    for start in range(0, len(ids), 5000):
        where, args = in_list(engine, "standard", ids[start : start + 5000], "int")
        for row in await select(f"SELECT standard, domain FROM standard_domain WHERE {where}",
                                args):
            found.setdefault(int(row["standard"]), set()).add(Domain(row["domain"]))
    return found


async def follow_catalogue(standard_ids: Sequence[int]) -> None:
    """After a catalogue import: the touched standards get their domains again, and drafting
    projects link to standards that arrived (by code or plan number) and to those they revise."""
    await refresh_standard_domains(standard_ids)
    await link_projects(None, standard_ids=standard_ids)
