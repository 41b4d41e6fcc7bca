"""Unique keys of people's accounts and registrations (a migration of its own because piccolo
runs raw steps before its table steps, and SQLite cannot add a UNIQUE column).

- one account per username (token-only accounts have none: NULLs never collide);
- one pending registration per credit code;
- expired sessions are found by their absolute expiry.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from adoption.piccolo_migrations import index_migration

ID = "2026-12-12T14:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: unique usernames, one pending registration per USCC"

INDEXES = {
    "account_username": "CREATE UNIQUE INDEX account_username ON account (username)",
    "registration_pending_uscc": (
        "CREATE UNIQUE INDEX registration_pending_uscc ON registration (uscc) "
        "WHERE status = 'pending'"),
    "account_session_expires": (
        "CREATE INDEX account_session_expires ON account_session (expires_at)"),
}


async def forwards() -> MigrationManager:
    return index_migration(ID, DESCRIPTION, "account", INDEXES)
