"""Unique keys of the review tables (a migration of its own: piccolo runs raw steps before
its table steps).

- one review per standard and day (an import read again updates it, never doubles it);
- one reminder per standard, kind and due date;
- one view-count row per standard and month.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from adoption.piccolo_migrations import index_migration

ID = "2026-12-24T00:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: one review per standard and day, one view count per standard and month"

INDEXES = {
    "standard_review_day": (
        "CREATE UNIQUE INDEX standard_review_day ON standard_review (standard, reviewed_on)"),
    "review_reminder_once": (
        "CREATE UNIQUE INDEX review_reminder_once ON review_reminder (standard, kind, due_on)"),
    "standard_view_count_month": (
        "CREATE UNIQUE INDEX standard_view_count_month ON standard_view_count (standard, month)"),
}


async def forwards() -> MigrationManager:
    return index_migration(ID, DESCRIPTION, "standard_review", INDEXES)
