"""Local standards after publication (issue 17): reviews (复审), reminders and imports,
implementation feedback, page-view counts, triage decisions.

Columns are listed as (name, class, params) and added in a loop: the same calls piccolo's
auto-migrations write one by one. Unique keys are the next migration.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Date,
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

ID = "2026-12-24T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: standard reviews, review imports, feedback, view counts, triage"


class Standard(Table, tablename="standard", schema=None):
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


def _timestamp(name: str, *, null: bool = False, index: bool = False
               ) -> tuple[str, type, dict[str, Any]]:
    return (name, Timestamptz, _params(default=None if null else TimestamptzNow(), null=null,
                                       index=index))


def _integer(name: str, default: int | None = 0, *, null: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, Integer, _params(default=default, null=null))


def _foreign(name: str, references: type[Table], on_delete: OnDelete, *, index: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, ForeignKey, _params(references=references, on_delete=on_delete,
                                      on_update=OnUpdate.cascade, target_column=None,
                                      null=True, index=index))


TABLES: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("StandardReview", "standard_review"): [
        _serial(),
        _foreign("standard", Standard, OnDelete.cascade, index=True),
        _varchar("code", 200),
        _date("reviewed_on", null=False),
        _varchar("conclusion", 20),
        _text("note"),
        _varchar("source", 60),
        _varchar("recorded_by", 200),
        _timestamp("created_at"),
        _timestamp("updated_at"),
    ],
    ("ReviewReminder", "review_reminder"): [
        _serial(),
        _foreign("standard", Standard, OnDelete.cascade, index=True),
        _varchar("kind", 20),
        _date("due_on", null=False),
        _date("raised_on", null=False),
        _date("cleared_on"),
    ],
    ("ReviewImport", "review_import"): [
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
    ("StandardFeedback", "standard_feedback"): [
        _serial(),
        _foreign("standard", Standard, OnDelete.cascade, index=True),
        _varchar("kind", 20),
        _text("text"),
        _varchar("contact", 200),
        _varchar("status", 20, "pending", index=True),
        _varchar("address_hash", 64, index=True),
        _timestamp("submitted_at", index=True),
        _timestamp("moderated_at", null=True),
        _varchar("moderated_by", 200),
    ],
    ("StandardViewCount", "standard_view_count"): [
        _serial(),
        _foreign("standard", Standard, OnDelete.cascade, index=True),
        _varchar("month", 7),
        _integer("views"),
        _integer("searches"),
    ],
    ("TriageDecision", "triage_decision"): [
        _serial(),
        _foreign("standard", Standard, OnDelete.cascade, index=True),
        _varchar("action", 20),
        _text("note"),
        _date("decided_on", null=False),
        _varchar("decided_by", 200),
        _timestamp("created_at"),
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
