"""Indicator facts, continued: the cube's unique key, the default foreign-advanced bodies of
DESIGN §7 (staff change them later: ``stdtrack foreign-bodies``), and a queued full computation
of the product facts (products may exist already). Raw steps, hence a migration of their own.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-01T09:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: indicator cube key, default foreign-advanced bodies, facts queued"

DEFAULT_BODIES = (
    ("ANSI", "American National Standards Institute"),
    ("ASTM", "ASTM International"),
    ("ASME", "American Society of Mechanical Engineers"),
    ("API", "American Petroleum Institute"),
    ("SAE", "SAE International"),
    ("IEEE", "Institute of Electrical and Electronics Engineers"),
    ("UL", "UL Standards & Engagement"),
    ("NFPA", "National Fire Protection Association"),
    ("BS", "British Standards Institution"),
    ("DIN", "Deutsches Institut für Normung"),
    ("EN", "CEN / CENELEC European Standards"),
    ("NF", "AFNOR (France)"),
    ("JIS", "Japanese Industrial Standards"),
    ("KS", "Korean Industrial Standards"),
    ("GOST", "GOST / GOST R (Russia)"),
    ("CSA", "CSA Group (Canada)"),
    ("AWWA", "American Water Works Association"),
    ("MSS", "Manufacturers Standardization Society"),
    ("MIL", "US military standards"),
)


CUBE_KEY = (
    "CREATE UNIQUE INDEX indicator_cube_key ON indicator_cube "
    "(region_code, sector, key_fields, main, covered, reason, mask)"
)


class _Runner(Table, tablename="foreign_body"):
    """Only used to send raw SQL through the migration's engine and transaction."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="adoption", description=DESCRIPTION)

    async def seed() -> None:
        # a Table caches its engine on first use: look it up for this run
        _Runner._meta.db = engine_finder()
        await _Runner.raw(CUBE_KEY)
        for body, name in DEFAULT_BODIES:
            await _Runner.raw("INSERT INTO foreign_body (body, name, created_at) "
                              "VALUES ({}, {}, CURRENT_TIMESTAMP)", body, name)
        await _Runner.raw("INSERT INTO product_fact_stale (product) VALUES (NULL)")

    async def unseed() -> None:
        _Runner._meta.db = engine_finder()
        await _Runner.raw("DROP INDEX IF EXISTS indicator_cube_key")
        await _Runner.raw("DELETE FROM foreign_body")

    manager.add_raw(seed)
    manager.add_raw_backwards(unseed)
    return manager
