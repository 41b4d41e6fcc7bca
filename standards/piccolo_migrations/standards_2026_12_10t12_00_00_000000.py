"""The enterprise that owns an enterprise standard (Q/...) declared through the portal: only
it, or staff, may change the standard. Null for every catalogue import."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-10T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "standards: owner of an enterprise standard"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Standard", tablename="standard", column_name="owner_uscc",
        db_column_name="owner_uscc", column_class_name="Varchar", column_class=Varchar,
        params={"length": 18, "default": None, "null": True, "primary_key": False,
                "unique": False, "index": True, "index_method": IndexMethod.btree,
                "choices": None, "db_column_name": None, "secret": False},
        schema=None)
    return manager
