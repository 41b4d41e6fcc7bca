"""An index for the implementation evaluation: a region's declarations counted per standard
(distinct enterprises and products declaring it on a day and a year before) read from the
index alone, without visiting the million declaration rows (bench/bench_reviews.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-25T00:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: declarations by standard with their enterprise, product and dates"

INDEXES = {
    "declaration_standard_counts": (
        "CREATE INDEX declaration_standard_counts ON declaration "
        "(standard, enterprise, product, declared_on, withdrawn_on)"),
}


class _Runner(Table, tablename="declaration"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)

    async def create() -> None:
        _Runner._meta.db = engine_finder()
        for statement in INDEXES.values():
            await _Runner.raw(statement)

    async def drop() -> None:
        _Runner._meta.db = engine_finder()
        for name in INDEXES:
            await _Runner.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
