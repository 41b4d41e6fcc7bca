"""``standard.upcoming_undated``: a source says 即将实施 (upcoming) and no implementation date
is known, so the edition is not in force yet (without it an undated edition reads current).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standard.upcoming_undated: a stated upcoming status without an implementation date"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Standard",
        tablename="standard",
        column_name="upcoming_undated",
        db_column_name="upcoming_undated",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
