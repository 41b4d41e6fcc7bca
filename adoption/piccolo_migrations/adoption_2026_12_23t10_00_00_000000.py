"""Watches (关注) and their notices: a person follows standards of a kind; the watch run
(``api.pipelines.watches.run_watch_digest``) turns catalogue changes into notices, mailed
daily or at once, or posted to a webhook (``webhook_delivery``: the delivery log, retried with
backoff). ``watch_cursor`` keeps how far the runs have read.

Columns are listed as (name, class, params) and added in a loop, as the accounts migration
does; the unique key of notices is the next migration.
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
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-23T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: watches, watch notices, webhook deliveries, watch cursor"


class Account(Table, tablename="account", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


class Standard(Table, tablename="standard", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


class Watch(Table, tablename="watch", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


def _params(**given: Any) -> dict[str, Any]:
    params = {"null": False, "primary_key": False, "unique": False, "index": False,
              "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
              "secret": False}
    params.update(given)
    return params


def _varchar(name: str, length: int, default: str | None = "", *, null: bool = False,
             unique: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Varchar, _params(length=length, default=default, null=null, unique=unique))


def _timestamp(name: str, *, null: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Timestamptz, _params(default=None if null else TimestamptzNow(), null=null))


def _key(name: str, references: type[Table]) -> tuple[str, type, dict[str, Any]]:
    return (name, ForeignKey, _params(references=references, on_delete=OnDelete.cascade,
                                      on_update=OnUpdate.cascade, target_column=None,
                                      null=False, default=None, index=True))


TABLES: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("Watch", "watch"): [
        ("id", Serial, _params(primary_key=True)),
        _key("account", Account),
        _varchar("kind", 20),
        _varchar("value", 200),
        _varchar("label", 200),
        _varchar("events", 200),
        ("upcoming_days", Integer, _params(default=30)),
        _varchar("digest", 20, "daily"),
        _varchar("email_to", 254, None, null=True),
        _varchar("webhook_url", 500, None, null=True),
        _varchar("webhook_secret", 100, None, null=True),
        _timestamp("created_at"),
    ],
    ("WatchNotice", "watch_notice"): [
        ("id", Serial, _params(primary_key=True)),
        _key("watch", Watch),
        _key("standard", Standard),
        _varchar("code", 200),
        ("title", Text, _params(default=None, null=True)),
        _varchar("event", 20),
        ("detail", Text, _params(default="")),
        ("occurred_on", Date, _params(default=DateNow())),
        _timestamp("created_at"),
        _timestamp("read_at", null=True),
        _timestamp("emailed_at", null=True),
        _timestamp("queued_at", null=True),
    ],
    ("WebhookDelivery", "webhook_delivery"): [
        ("id", Serial, _params(primary_key=True)),
        _key("watch", Watch),
        _varchar("url", 500),
        ("payload", Text, _params(default="")),
        _varchar("status", 20, "pending"),
        ("attempts", Integer, _params(default=0)),
        _timestamp("next_attempt_at"),
        ("last_status_code", Integer, _params(default=None, null=True)),
        ("last_error", Text, _params(default="")),
        _timestamp("created_at"),
        _timestamp("delivered_at", null=True),
    ],
    ("WatchCursor", "watch_cursor"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("name", 40, unique=True),
        ("position", Integer, _params(default=0)),
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
