"""Unique keys of people's accounts and registrations (a migration of its own because piccolo
runs raw steps before its table steps, and SQLite cannot add a UNIQUE column).

- one account per username (token-only accounts have none: NULLs never collide);
- one pending registration per credit code;
- expired sessions are found by their absolute expiry.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.table import Table

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


class _Runner(Table, tablename="account"):
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
