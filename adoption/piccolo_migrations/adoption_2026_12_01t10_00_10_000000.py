"""Unique keys of the drafting, domain and goal tables, and the shipped default domain rules
(adoption/data/domain_rules.csv, read once when this migration runs).

A migration of its own because piccolo runs raw steps before its table steps.
"""

import csv
import datetime as dt
from pathlib import Path

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-01T10:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: drafting/domain unique keys, default domain rules"

RULES = Path(__file__).resolve().parent.parent / "data" / "domain_rules.csv"

INDEXES = {
    "drafting_stage_unique": (
        "CREATE UNIQUE INDEX drafting_stage_unique ON drafting_stage (project, stage, stage_on)"),
    "domain_rule_unique": (
        "CREATE UNIQUE INDEX domain_rule_unique ON domain_rule (field, pattern, domain)"),
    "standard_domain_unique": (
        "CREATE UNIQUE INDEX standard_domain_unique ON standard_domain (standard, domain)"),
}


class _Runner(Table, tablename="domain_rule"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)

    async def create() -> None:
        _Runner._meta.db = engine_finder()
        for statement in INDEXES.values():
            await _Runner.raw(statement)
        now = dt.datetime.now(dt.UTC)
        with RULES.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                await _Runner.raw(
                    "INSERT INTO domain_rule (field, pattern, domain, note, builtin, enabled, "
                    "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
                    row["field"], row["pattern"], row["domain"], row["note"], True, True, now,
                    now)

    async def drop() -> None:
        _Runner._meta.db = engine_finder()
        await _Runner.raw("DELETE FROM domain_rule WHERE builtin")
        for name in INDEXES:
            await _Runner.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
