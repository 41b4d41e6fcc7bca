"""Daily schedule runs, continued: the unique key (name, day) that lets exactly one host run a
daily task on a day (the others' insert fails), and the order workers claim queued jobs in.
Raw steps, hence a migration of their own.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-20T01:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "schedule run key, job claim order"

STATEMENTS = (
    "CREATE UNIQUE INDEX schedule_run_key ON schedule_run (name, day)",
    "CREATE INDEX job_state_id ON job (state, id)",
)


class _Runner(Table, tablename="schedule_run"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)

    async def create() -> None:
        _Runner._meta.db = engine_finder()
        for statement in STATEMENTS:
            await _Runner.raw(statement)

    async def drop() -> None:
        _Runner._meta.db = engine_finder()
        await _Runner.raw("DROP INDEX job_state_id")
        await _Runner.raw("DROP INDEX schedule_run_key")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
