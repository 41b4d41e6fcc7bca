"""Errors raised by the standards core.

StdtrackError
├── CodeError            a string is not a standard code (names the input and the reason)
├── NotFoundError        no standard matches a code or id
├── ConfigurationError   a setting is malformed (DATABASE_URL, STDTRACK_HOME...)
├── DatabaseError        the database cannot be reached or migrated
└── CurationError        a hand edit or a preference refused (a field staff do not edit,
    │                    dates out of order, an unknown choice)
    └── AlreadyResolved  a conflict staff already decided
"""


class StdtrackError(Exception):
    """Base of every error stdtrack raises on purpose."""


class CodeError(StdtrackError, ValueError):
    """A string could not be parsed as a standard code."""

    def __init__(self, raw: str, reason: str) -> None:
        self.raw = raw
        self.reason = reason
        super().__init__(f"not a standard code: {raw!r}: {reason}")


class NotFoundError(StdtrackError, LookupError):
    """Nothing in the catalogue matches."""


class ConfigurationError(StdtrackError):
    """A setting has a value stdtrack cannot use."""


class DatabaseError(StdtrackError):
    """The database could not be reached or brought up to date."""


class CurationError(StdtrackError, ValueError):
    """Staff curation refused: a field not edited by hand, dates out of order, a bad choice."""


class AlreadyResolved(CurationError):
    """The conflict was decided before (by someone else, or by a preference)."""
