"""Indexes on the days a product's facts change: a declaration made or withdrawn, a product
discontinued.

Deriving a past day from a stored one near it (``adoption.indicator_queries``) first lists the
products with such a day in between; without these indexes each kind of day was a scan of
every declaration or product (a fortnight at a province's 2 M declarations: 0.5 of 0.7 s).
Withdrawals and discontinuations are few: their indexes are partial.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from adoption.piccolo_migrations import index_migration

ID = "2026-12-27T00:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: declarations by the day made and withdrawn, products by discontinuation"

INDEXES = {
    "declaration_declared_on": "CREATE INDEX declaration_declared_on ON declaration (declared_on)",
    "declaration_withdrawn_on": (
        "CREATE INDEX declaration_withdrawn_on ON declaration (withdrawn_on) "
        "WHERE withdrawn_on IS NOT NULL"
    ),
    "product_discontinued_on": (
        "CREATE INDEX product_discontinued_on ON product (discontinued_on) "
        "WHERE discontinued_on IS NOT NULL"
    ),
}


async def forwards() -> MigrationManager:
    return index_migration(ID, DESCRIPTION, "declaration", INDEXES)
