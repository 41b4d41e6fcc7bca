"""Indicator facts: per-product facts, the cube of their counts, the stale-product queue, and
the foreign-advanced bodies (seeded with the defaults of DESIGN §7).

Columns are listed as (name, class, params) and added in a loop: the same calls piccolo's
auto-migrations write one by one. The cube's unique key, the seeded bodies and the queued
full computation of the facts are the next migration (piccolo runs raw steps before table
steps).
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: indicator facts, cube, stale queue, foreign-advanced bodies"

def _params(**given: Any) -> dict[str, Any]:
    params = {"null": False, "primary_key": False, "unique": False, "index": False,
              "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
              "secret": False}
    params.update(given)
    return params


def _varchar(name: str, length: int, default: str = "", *, unique: bool = False
             ) -> tuple[str, type, dict[str, Any]]:
    return (name, Varchar, _params(length=length, default=default, unique=unique))


def _integer(name: str, default: int | None = 0, *, null: bool = False, index: bool = False,
             primary_key: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Integer, _params(default=default, null=null, index=index,
                                   primary_key=primary_key))


def _date(name: str, *, index: bool = False) -> tuple[str, type, dict[str, Any]]:
    return (name, Date, _params(default=None, null=True, index=index))


TABLES: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("ProductFact", "product_fact"): [
        _integer("product", None, primary_key=True),
        _integer("enterprise", index=True),
        _varchar("region_code", 6),
        _varchar("sector", 100),
        _varchar("key_fields", 300),
        _integer("main"),
        _integer("in_scope"),
        _integer("covered"),
        _varchar("reason", 40),
        _integer("mask"),
        _date("valid_from", index=True),
        _date("valid_until", index=True),
        _date("valid_since"),
    ],
    ("IndicatorCube", "indicator_cube"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("region_code", 6),
        _varchar("sector", 100),
        _varchar("key_fields", 300),
        _integer("main"),
        _integer("covered"),
        _varchar("reason", 40),
        _integer("mask"),
        _integer("products"),
    ],
    ("ProductFactStale", "product_fact_stale"): [
        ("id", Serial, _params(primary_key=True)),
        _integer("product", None, null=True),
    ],
    ("ForeignBody", "foreign_body"): [
        ("id", Serial, _params(primary_key=True)),
        _varchar("body", 40, unique=True),
        _varchar("name", 200),
        ("created_at", Timestamptz, _params(default=TimestamptzNow())),
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
