"""Background jobs and daily schedules: the ``job`` table (state, progress, report, the worker
holding it), ``job_file`` (uploads and outputs kept in the database so that every host reads
them) and ``schedule_run`` (one row per daily task and day).

Columns are listed as (name, class, params) and added in a loop, as in the adoption migrations.
The unique key of ``schedule_run`` is the next migration.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import (
    Boolean,
    Bytea,
    Date,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-20T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "background jobs, their files, daily schedule runs"


def _params(**given: Any) -> dict[str, Any]:
    params = {"null": False, "primary_key": False, "unique": False, "index": False,
              "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
              "secret": False}
    params.update(given)
    return params


def _varchar(name: str, length: int, default: str = "", *, index: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, Varchar, _params(length=length, default=default, index=index))


def _integer(name: str, default: int | None = 0, *, null: bool = False, index: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, Integer, _params(default=default, null=null, index=index))


def _text(name: str, default: str = "") -> tuple[str, type, dict[str, Any]]:
    return (name, Text, _params(default=default))


def _timestamp(name: str, *, null: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Timestamptz, _params(default=None if null else TimestamptzNow(), null=null))


TABLES: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("Job", "job"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("kind", 40),
        _varchar("state", 20, "queued", index=True),
        _text("params", "{}"),
        _integer("read_count"),
        _integer("created_count"),
        _integer("rejected_count"),
        _integer("total", None, null=True),
        _text("report", "{}"),
        _text("error"),
        _integer("attempts"),
        ("cancel_requested", Boolean, _params(default=False)),
        _varchar("worker", 200),
        _varchar("host", 255),
        _timestamp("heartbeat_at", null=True),
        _integer("batch_id", None, null=True),
        _varchar("created_by", 200),
        _timestamp("created_at"),
        _timestamp("started_at", null=True),
        _timestamp("finished_at", null=True),
    ],
    ("JobFile", "job_file"): [
        ("id", Serial, _params(primary_key=True)),
        _integer("job", index=True),
        _varchar("role", 10, "input"),
        _integer("position"),
        _varchar("name", 300),
        _varchar("sha256", 64, index=True),
        _integer("size"),
        ("content", Bytea, _params(default=b"")),
        _timestamp("created_at"),
    ],
    ("ScheduleRun", "schedule_run"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("name", 80),
        ("day", Date, _params(default=DateNow())),
        _varchar("state", 20, "running"),
        _varchar("worker", 200),
        _timestamp("started_at"),
        _timestamp("finished_at", null=True),
        _text("outcome"),
    ],
}


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
    return manager
