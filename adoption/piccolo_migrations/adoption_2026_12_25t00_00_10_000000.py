"""An index for the implementation evaluation: a region's declarations counted per standard
(distinct enterprises and products declaring it on a day and a year before) read from the
index alone, without visiting the million declaration rows (bench/bench_reviews.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from adoption.piccolo_migrations import index_migration

ID = "2026-12-25T00:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: declarations by standard with their enterprise, product and dates"

INDEXES = {
    "declaration_standard_counts": (
        "CREATE INDEX declaration_standard_counts ON declaration "
        "(standard, enterprise, product, declared_on, withdrawn_on)"),
}


async def forwards() -> MigrationManager:
    return index_migration(ID, DESCRIPTION, "declaration", INDEXES)
