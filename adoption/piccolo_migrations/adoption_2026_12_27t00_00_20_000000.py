"""The kept standing of every edition (PostgreSQL): ``edition_standing``.

A past day computed from declarations alone (no kept facts to help: the worst case) read every
edition's standing from the catalogue each time: its days in force and withdrawn (through the
replacing editions when a withdrawal has no known day) and its adoption bits (through the
adoption relations and the foreign bodies). At a province's 1 M editions that was a second of
the 3.4-4.1 s. The standing does not depend on the day asked, so it is kept in this table and
recomputed when the facts are rebuilt after a catalogue change
(``adoption.indicator_queries.refresh_standing``).

``edition_standing_state.fresh`` says whether the rows hold: every statement that writes
``standard`` (the columns the standing reads), ``relation`` or ``foreign_body`` sets it false
in its own transaction (a trigger, once per transaction), so no writer can forget it. Readers
read the flag and the rows in one snapshot and fall back to the catalogue when it is false.

PostgreSQL only: SQLite computes the standing in each query, as before.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from standards.piccolo_migrations import raw_migration

ID = "2026-12-27T00:00:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "adoption: the kept standing of every edition, marked stale by catalogue writes"

READ_COLUMNS = ("normalized_code", "family_key", "amendment", "level", "base_prefix",
                    "effective_on", "upcoming_undated", "withdrawn_on", "withdrawn_undated")
"""The columns of ``standard`` the standing reads: updates of other columns keep it."""

_UNMARKED = "WHEN (current_setting('stdtrack.standing_marked', true) IS DISTINCT FROM 'on')"

FORWARDS = (
    """CREATE TABLE IF NOT EXISTS edition_standing (
        id integer PRIMARY KEY,
        family_key varchar(200) NOT NULL,
        amendment varchar(60),
        eff date,
        wd date,
        gone integer NOT NULL,
        bits integer NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS edition_standing_family ON edition_standing (family_key) "
    "WHERE amendment IS NULL",
    """CREATE TABLE IF NOT EXISTS edition_standing_state (
        id integer PRIMARY KEY CHECK (id = 1),
        fresh boolean NOT NULL
    )""",
    "INSERT INTO edition_standing_state (id, fresh) VALUES (1, false) ON CONFLICT DO NOTHING",
    # one update of the flag per writing transaction (a bulk import runs thousands of
    # statements: updating one row each time would grow a chain of row versions); the
    # triggers' WHEN tests the same setting, so later statements do not even call the
    # function (relations are written row by row: 350,000 statements at a province)
    """CREATE OR REPLACE FUNCTION edition_standing_stale() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('stdtrack.standing_marked', true) IS DISTINCT FROM 'on' THEN
            UPDATE edition_standing_state SET fresh = false WHERE id = 1;
            PERFORM set_config('stdtrack.standing_marked', 'on', true);
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER standard_standing_stale AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF "
    f"{', '.join(READ_COLUMNS)} ON standard "
    f"FOR EACH STATEMENT {_UNMARKED} EXECUTE FUNCTION edition_standing_stale()",
    "CREATE TRIGGER relation_standing_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f"ON relation FOR EACH STATEMENT {_UNMARKED} EXECUTE FUNCTION edition_standing_stale()",
    "CREATE TRIGGER foreign_body_standing_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f"ON foreign_body FOR EACH STATEMENT {_UNMARKED} "
    "EXECUTE FUNCTION edition_standing_stale()",
)

BACKWARDS = (
    "DROP TRIGGER IF EXISTS standard_standing_stale ON standard",
    "DROP TRIGGER IF EXISTS relation_standing_stale ON relation",
    "DROP TRIGGER IF EXISTS foreign_body_standing_stale ON foreign_body",
    "DROP FUNCTION IF EXISTS edition_standing_stale()",
    "DROP TABLE IF EXISTS edition_standing_state",
    "DROP TABLE IF EXISTS edition_standing",
)


async def forwards() -> MigrationManager:
    return raw_migration(ID, "adoption", DESCRIPTION, "foreign_body", FORWARDS, BACKWARDS,
                         postgres_only=True)
