"""Conflicts to resolve and the sources staff prefer.

- ``merge_conflict``: a disagreement an import reported (another source offers a different
  value for a field someone else owns), open until staff keep one value; the decision stays,
  so the same disagreement imported again does not reopen it.
- ``source_preference``: "always prefer source X for field Y", applied by later merges.
- ``change_log.actor`` and ``change_log.note``: who changed a record by hand or resolved a
  conflict, and why (imports leave them blank).
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-21T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "merge conflicts to resolve, source preferences, change-log actor and note"


class Standard(Table, tablename="standard", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


class ImportBatch(Table, tablename="import_batch", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


def _params(**given: Any) -> dict[str, Any]:
    params = {"null": False, "primary_key": False, "unique": False, "index": False,
              "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
              "secret": False}
    params.update(given)
    return params


def _varchar(name: str, length: int, default: str | None = "", *, null: bool = False,
             index: bool = False, unique: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Varchar, _params(length=length, default=default, null=null, index=index,
                                   unique=unique))


def _text(name: str, *, null: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Text, _params(default=None if null else "", null=null))


def _timestamp(name: str, *, null: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Timestamptz, _params(default=None if null else TimestamptzNow(), null=null))


def _key(name: str, references: type[Table], on_delete: OnDelete, *, null: bool,
         index: bool) -> tuple[str, type, dict[str, Any]]:
    return (name, ForeignKey, _params(references=references, on_delete=on_delete,
                                      on_update=OnUpdate.cascade, target_column=None,
                                      null=null, default=None, index=index))


TABLES: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("MergeConflict", "merge_conflict"): [
        ("id", Serial, _params(primary_key=True)),
        _key("standard", Standard, OnDelete.cascade, null=False, index=True),
        _key("batch", ImportBatch, OnDelete.set_null, null=True, index=False),
        _varchar("field", 60, index=True),
        _text("kept_value", null=True),
        _varchar("kept_source", 100, None, null=True),
        _text("offered_value", null=True),
        _varchar("offered_source", 100, index=True),
        _varchar("state", 20, "open", index=True),
        _text("chosen_value", null=True),
        _varchar("resolution", 20),
        _varchar("resolved_by", 200),
        ("times", Integer, _params(default=1)),
        _timestamp("first_seen_at"),
        _timestamp("last_seen_at"),
        _timestamp("resolved_at", null=True),
    ],
    ("SourcePreference", "source_preference"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("field", 60, unique=True),
        _varchar("source", 100),
        _varchar("actor", 200),
        _timestamp("created_at"),
    ],
}

CHANGE_LOG_COLUMNS = [_varchar("actor", 200), _text("note")]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="standards", description=DESCRIPTION)
    for class_name, tablename in TABLES:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
    for (class_name, tablename), columns in TABLES.items():
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=name,
                db_column_name=name, column_class_name=column_class.__name__,
                column_class=column_class, params=params, schema=None)
    for name, column_class, params in CHANGE_LOG_COLUMNS:
        manager.add_column(
            table_class_name="ChangeLog", tablename="change_log", column_name=name,
            db_column_name=name, column_class_name=column_class.__name__,
            column_class=column_class, params=params, schema=None)
    return manager
