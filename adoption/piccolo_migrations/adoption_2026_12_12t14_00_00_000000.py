"""Accounts for people: a username and an argon2 password hash beside (or instead of) the API
token; server-side sessions; the failed sign-in throttle; enterprise registrations.

A person's account may hold no token, so ``account.token_hash`` becomes nullable (and loses its
'' default, which two token-less rows would share under the unique key). PostgreSQL alters the
column; SQLite cannot, so the table is rebuilt the way SQLite documents (create the new table,
copy, drop, rename) — nothing references ``account`` yet. This step is raw SQL, which piccolo's
auto-migration snapshot does not see; ``adoption/tables.py`` states the column as it now is.
Piccolo runs raw steps before table steps: the rebuild happens first, then the new columns and
tables are added. Not reversible (token-less accounts would have nowhere to go).

Columns are listed as (name, class, params) and added in a loop: the same calls piccolo's
auto-migrations write one by one. Unique keys are the next migration.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-12T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: people's accounts (username, password), sessions, throttle, registrations"

SQLITE_REBUILD = (
    'CREATE TABLE "account_rebuilt" ("id" INTEGER PRIMARY KEY NOT NULL, '
    '"role" VARCHAR(20) NOT NULL DEFAULT \'\', "name" VARCHAR(200) NOT NULL DEFAULT \'\', '
    '"uscc" VARCHAR(18) DEFAULT null, "token_hash" VARCHAR(64) UNIQUE DEFAULT null, '
    '"token_hint" VARCHAR(12) NOT NULL DEFAULT \'\', '
    '"created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
    '"disabled_at" TIMESTAMPTZ DEFAULT null)',
    'INSERT INTO "account_rebuilt" (id, role, name, uscc, token_hash, token_hint, created_at, '
    'disabled_at) SELECT id, role, name, uscc, token_hash, token_hint, created_at, disabled_at '
    'FROM "account"',
    'DROP TABLE "account"',
    'ALTER TABLE "account_rebuilt" RENAME TO "account"',
    'CREATE INDEX account_uscc ON "account" ("uscc")',
)
POSTGRES_ALTER = (
    'ALTER TABLE "account" ALTER COLUMN "token_hash" DROP NOT NULL',
    'ALTER TABLE "account" ALTER COLUMN "token_hash" DROP DEFAULT',
)


class Account(Table, tablename="account", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False,
                index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


class _Runner(Table, tablename="account"):
    """Only used to send raw SQL through the migration's engine and transaction."""


def _params(**given: Any) -> dict[str, Any]:
    params = {"null": False, "primary_key": False, "unique": False, "index": False,
              "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
              "secret": False}
    params.update(given)
    return params


def _varchar(name: str, length: int, default: str | None = "", *, null: bool = False,
             unique: bool = False, index: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Varchar, _params(length=length, default=default, null=null, unique=unique,
                                   index=index))


def _timestamp(name: str, *, null: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Timestamptz, _params(default=None if null else TimestamptzNow(), null=null))


def _account_key(name: str, on_delete: OnDelete, *, null: bool, index: bool = False
                 ) -> tuple[str, type, dict[str, Any]]:
    return (name, ForeignKey, _params(references=Account, on_delete=on_delete,
                                      on_update=OnUpdate.cascade, target_column=None,
                                      null=null, default=None, index=index))


NEW_ACCOUNT_COLUMNS: list[tuple[str, type, dict[str, Any]]] = [
    _varchar("username", 64, None, null=True),
    _varchar("password_hash", 200, None, null=True),
    ("must_change_password", Boolean, _params(default=False)),
    _timestamp("password_changed_at", null=True),
]

TABLES: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("AccountSession", "account_session"): [
        ("id", Serial, _params(primary_key=True)),
        _account_key("account", OnDelete.cascade, null=False, index=True),
        _varchar("id_hash", 64, unique=True),
        _varchar("csrf_token", 64),
        _varchar("via", 20, "password"),
        _timestamp("created_at"),
        _timestamp("last_seen_at"),
        _timestamp("expires_at"),
    ],
    ("SignInThrottle", "sign_in_throttle"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("key", 200, unique=True),
        ("failures", Integer, _params(default=0)),
        _timestamp("window_started_at"),
        _timestamp("locked_until", null=True),
    ],
    ("Registration", "registration"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("uscc", 18, index=True),
        _varchar("name", 300),
        _varchar("region_code", 6),
        _varchar("contact_name", 100),
        _varchar("contact_phone", 40),
        _varchar("username", 64, index=True),
        _varchar("password_hash", 200),
        _varchar("status", 20, "pending", index=True),
        _varchar("reason", 500),
        _timestamp("submitted_at"),
        _timestamp("decided_at", null=True),
        _varchar("decided_by", 200),
        _account_key("account", OnDelete.set_null, null=True),
    ],
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)

    async def token_optional() -> None:
        engine = engine_finder()
        _Runner._meta.db = engine
        statements = SQLITE_REBUILD if engine.engine_type == "sqlite" else POSTGRES_ALTER
        for statement in statements:
            await _Runner.raw(statement)

    manager.add_raw(token_optional)
    for name, column_class, params in NEW_ACCOUNT_COLUMNS:
        manager.add_column(
            table_class_name="Account", tablename="account", column_name=name,
            db_column_name=name, column_class_name=column_class.__name__,
            column_class=column_class, params=params, schema=None)
    for class_name, tablename in TABLES:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
    for (class_name, tablename), columns in TABLES.items():
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=name,
                db_column_name=name, column_class_name=column_class.__name__,
                column_class=column_class, params=params, schema=None)
    return manager
