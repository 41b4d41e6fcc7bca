"""Wiring the database: one engine per process, bound to every app's tables, and migrations."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.table import Table

import api.piccolo_conf
from adoption.tables import TABLES as ADOPTION_TABLES
from standards.db import bind_tables, create_engine
from standards.errors import DatabaseError
from standards.settings import Settings
from standards.tables import TABLES as STANDARDS_TABLES

APP_TABLES: tuple[type[Table], ...] = (Migration, *STANDARDS_TABLES, *ADOPTION_TABLES)


def configure_engine(settings: Settings) -> Engine:
    """Build the engine for ``settings`` and make it the one piccolo and our tables use."""
    # Piccolo's migration manager looks its engine up through PICCOLO_CONF; point it at ours.
    os.environ["PICCOLO_CONF"] = "api.piccolo_conf"
    engine = create_engine(settings.database_url, settings.db_lock_timeout)
    api.piccolo_conf.DB = engine
    bind_tables(engine, APP_TABLES)
    return engine


@dataclass(frozen=True)
class MigrationState:
    app: str
    migration_id: str
    applied: bool


async def migration_states() -> list[MigrationState]:
    """Every known migration of every app and whether it has run."""
    states: list[MigrationState] = []
    with contextlib.redirect_stdout(sys.stderr):
        statuses = await CheckMigrationManager(app_name="all").get_migration_statuses()
    for status in statuses:
        states.append(
            MigrationState(
                app=status.app_name, migration_id=status.migration_id, applied=status.has_ran
            )
        )
    return states


async def upgrade() -> list[str]:
    """Run pending migrations of every app; returns the ids that ran.

    Raises:
        DatabaseError: a migration failed.
    """
    before = {s.migration_id for s in await migration_states() if s.applied}
    # piccolo prints progress on stdout; stdout is reserved for results (--json)
    with contextlib.redirect_stdout(sys.stderr):
        result = await run_forwards(app_name="all")
    if not result.success:
        raise DatabaseError(f"migration failed: {result.message}")
    after = {s.migration_id for s in await migration_states() if s.applied}
    return sorted(after - before)
