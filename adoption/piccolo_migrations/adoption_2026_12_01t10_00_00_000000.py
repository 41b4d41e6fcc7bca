"""Drafting projects, their stage history and imports; domain rules and derived standard
domains; goals.

Columns are listed as (name, class, params) and added in a loop: the same calls piccolo's
auto-migrations write one by one.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Boolean,
    Date,
    DoublePrecision,
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

ID = "2026-12-01T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: drafting projects, stage history, drafting imports, domains, goals"


class Standard(Table, tablename="standard", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


class DraftingProject(Table, tablename="drafting_project", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


def _params(**given: Any) -> dict[str, Any]:
    params = {"null": False, "primary_key": False, "unique": False, "index": False,
              "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
              "secret": False}
    params.update(given)
    return params


def _serial() -> tuple[str, type, dict[str, Any]]:
    return ("id", Serial, _params(primary_key=True))


def _varchar(name: str, length: int, default: str | None = "", *, null: bool = False,
             unique: bool = False, index: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Varchar, _params(length=length, default=default, null=null, unique=unique,
                                   index=index))


def _text(name: str, default: str | None = "", *, null: bool = False
          ) -> tuple[str, type, dict[str, Any]]:
    return (name, Text, _params(default=default, null=null))


def _date(name: str, *, null: bool = True) -> tuple[str, type, dict[str, Any]]:
    return (name, Date, _params(default=None, null=null))


def _timestamp(name: str, *, null: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Timestamptz, _params(default=None if null else TimestamptzNow(), null=null))


def _integer(name: str, default: int | None = 0, *, null: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, Integer, _params(default=default, null=null))


def _boolean(name: str, default: bool) -> tuple[str, type, dict[str, Any]]:
    return (name, Boolean, _params(default=default))


def _foreign(name: str, references: type[Table], on_delete: OnDelete, *, index: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, ForeignKey, _params(references=references, on_delete=on_delete,
                                      on_update=OnUpdate.cascade, target_column=None,
                                      null=True, index=index))


TABLES: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("DraftingProject", "drafting_project"): [
        _serial(),
        _varchar("plan_no", 100, unique=True),
        _integer("plan_year", None, null=True),
        _text("title"),
        _varchar("kind", 20, "new"),
        _varchar("revises", 200, None, null=True),
        _varchar("revises_key", 200, None, null=True, index=True),
        _foreign("revises_standard", Standard, OnDelete.set_null),
        _varchar("region_code", 6, index=True),
        _text("domains", "[]"),
        _varchar("domain_label", 200),
        _varchar("proposer", 300),
        _text("drafters"),
        _date("deadline"),
        _varchar("stage", 20, "initiated"),
        _date("stage_on"),
        _varchar("code", 200, None, null=True),
        _varchar("code_key", 200, None, null=True, index=True),
        _foreign("standard", Standard, OnDelete.set_null, index=True),
        _varchar("source", 60),
        _timestamp("created_at"),
        _timestamp("updated_at"),
    ],
    ("DraftingStageEntry", "drafting_stage"): [
        _serial(),
        _foreign("project", DraftingProject, OnDelete.cascade, index=True),
        _varchar("stage", 20),
        _date("stage_on", null=False),
        _date("deadline"),
        _text("note"),
        _varchar("source", 60),
        _timestamp("recorded_at"),
    ],
    ("DraftingImport", "drafting_import"): [
        _serial(),
        _text("files", "[]"),
        _varchar("actor", 200),
        _timestamp("started_at"),
        _timestamp("finished_at", null=True),
        _integer("created"),
        _integer("updated"),
        _integer("unchanged"),
        _integer("rejected"),
        _text("report", "{}"),
    ],
    ("DomainRule", "domain_rule"): [
        _serial(),
        _varchar("field", 20),
        _varchar("pattern", 100),
        _varchar("domain", 40),
        _text("note"),
        _boolean("builtin", False),
        _boolean("enabled", True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
    ],
    ("StandardDomain", "standard_domain"): [
        _serial(),
        _foreign("standard", Standard, OnDelete.cascade, index=True),
        _varchar("domain", 40, index=True),
    ],
    ("Goal", "goal"): [
        _serial(),
        _varchar("name", 300, unique=True),
        _varchar("name_en", 300),
        _varchar("metric", 40),
        ("target", DoublePrecision, _params(default=0.0)),
        _varchar("region", 6, None, null=True),
        _varchar("domain", 40, None, null=True),
        _varchar("kinds", 40, "new,revision"),
        _varchar("sector", 100, None, null=True),
        _varchar("key_field", 40, None, null=True),
        _date("start_on"),
        _date("deadline", null=False),
        _text("note"),
        _varchar("source", 60),
        _timestamp("created_at"),
        _timestamp("updated_at"),
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
    return manager
