"""``goal.archived_at``: a goal staff archived (kept with its history, left out of the
dashboard and of the goal list unless asked for)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-21T00:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "goal.archived_at: archived goals"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Goal", tablename="goal", column_name="archived_at",
        db_column_name="archived_at", column_class_name="Timestamptz", column_class=Timestamptz,
        params={"default": None, "null": True, "primary_key": False, "unique": False,
                "index": False, "index_method": IndexMethod.btree, "choices": None,
                "db_column_name": None, "secret": False},
        schema=None)
    return manager
