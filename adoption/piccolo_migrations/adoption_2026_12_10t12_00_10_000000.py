"""The self-declaration portal: indicators of enterprise standards, bulk files held between
preview and commit, and the declaration that superseded another.

Columns are listed as (name, class, params) and added in a loop, as in the drafting migration.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Bytea,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-10T12:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: standard indicators, declaration uploads, superseded_by"


class Standard(Table, tablename="standard", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


class Enterprise(Table, tablename="enterprise", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


def _params(**given: Any) -> dict[str, Any]:
    params = {"null": False, "primary_key": False, "unique": False, "index": False,
              "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
              "secret": False}
    params.update(given)
    return params


def _varchar(name: str, length: int, default: str | None = "", *, null: bool = False,
             index: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Varchar, _params(length=length, default=default, null=null, index=index))


def _integer(name: str, default: int | None = 0, *, null: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, Integer, _params(default=default, null=null))


def _timestamp(name: str, *, null: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Timestamptz, _params(default=None if null else TimestamptzNow(), null=null))


def _foreign(name: str, references: type[Table], on_delete: OnDelete, *, index: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, ForeignKey, _params(references=references, on_delete=on_delete,
                                      on_update=OnUpdate.cascade, target_column=None,
                                      null=True, index=index))


TABLES: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("StandardIndicator", "standard_indicator"): [
        ("id", Serial, _params(primary_key=True)),
        _foreign("standard", Standard, OnDelete.cascade, index=True),
        _foreign("enterprise", Enterprise, OnDelete.restrict),
        _varchar("kind", 20),
        _integer("position"),
        _varchar("name", 200),
        _varchar("value", 200),
        _varchar("unit", 50),
        _varchar("test_method", 300),
        _timestamp("created_at"),
        _timestamp("retired_at", null=True),
    ],
    ("DeclarationUpload", "declaration_upload"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("token", 64, index=True),
        _integer("position"),
        _integer("account", None, null=True),
        _varchar("uscc", 18, None, null=True),
        _varchar("name", 300),
        _varchar("sha256", 64),
        _integer("size"),
        ("content", Bytea, _params(default=None, null=True)),
        _timestamp("created_at"),
        _timestamp("committed_at", null=True),
        _integer("import_id", None, null=True),
    ],
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)
    for class_name, tablename in TABLES:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
    for (class_name, tablename), columns in TABLES.items():
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=name,
                db_column_name=name, column_class_name=column_class.__name__,
                column_class=column_class, params=params, schema=None)
    name, column_class, params = _integer("superseded_by", None, null=True)
    manager.add_column(
        table_class_name="Declaration", tablename="declaration", column_name=name,
        db_column_name=name, column_class_name=column_class.__name__, column_class=column_class,
        params=params, schema=None)
    return manager
