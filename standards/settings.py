"""Settings read once from an environment mapping at the edges (CLI, app factory, piccolo conf)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from standards.errors import ConfigurationError

DEFAULT_HOME = "var"
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much an import file may hold, so that no file can exhaust memory or time.

    Every limit is a setting (the environment variable in brackets); each refusal names the
    limit and its variable.

    Attributes:
        max_inflated_bytes: decompressed bytes of a gzip file, or the uncompressed size of an
            XLSX workbook's parts together (``STDTRACK_IMPORT_MAX_INFLATED_MB``).
        max_ratio: decompressed size over compressed size, for gzip streams and each part of
            a workbook (``STDTRACK_IMPORT_MAX_RATIO``); a zip/gzip bomb fails it at once.
        max_document_bytes: a file (or workbook part) that must be held whole to be parsed:
            JSON and XML documents, HTML pages, YAML, a workbook's styles; its shared strings
            (read lean) may be 4 times this (``STDTRACK_IMPORT_MAX_DOCUMENT_MB``). 16 MB of
            the worst HTML (7 million empty tags) peaks near 600 MB in lxml.
        max_field_chars: characters of any one field of a record; a longer field rejects its
            row (``STDTRACK_IMPORT_MAX_FIELD_CHARS``). A line or row may hold 16 times this.
        max_title_chars: characters of a standard's title (``STDTRACK_IMPORT_MAX_TITLE_CHARS``).
        max_rows: rows (records) of one file (``STDTRACK_IMPORT_MAX_ROWS``).
        max_shared_strings: entries of a workbook's shared-string table, which the XLSX reader
            holds in memory (``STDTRACK_IMPORT_MAX_SHARED_STRINGS``).
    """

    max_inflated_bytes: int = 1024 * MB
    max_ratio: int = 100
    max_document_bytes: int = 16 * MB
    max_field_chars: int = 10_000
    max_title_chars: int = 1_000
    max_rows: int = 500_000
    max_shared_strings: int = 1_000_000

    @property
    def max_line_chars(self) -> int:
        """Characters of one line or row: room for many fields at their limit."""
        return 16 * self.max_field_chars

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ReadLimits:
        """The limits from ``STDTRACK_IMPORT_*`` variables, defaults for those not set.

        Raises:
            ConfigurationError: a value is not a positive number (the message names it).
        """
        default = cls()
        return cls(
            max_inflated_bytes=_megabytes(environ, "STDTRACK_IMPORT_MAX_INFLATED_MB",
                                          default.max_inflated_bytes),
            max_ratio=_count(environ, "STDTRACK_IMPORT_MAX_RATIO", default.max_ratio),
            max_document_bytes=_megabytes(environ, "STDTRACK_IMPORT_MAX_DOCUMENT_MB",
                                          default.max_document_bytes),
            max_field_chars=_count(environ, "STDTRACK_IMPORT_MAX_FIELD_CHARS",
                                   default.max_field_chars),
            max_title_chars=_count(environ, "STDTRACK_IMPORT_MAX_TITLE_CHARS",
                                   default.max_title_chars),
            max_rows=_count(environ, "STDTRACK_IMPORT_MAX_ROWS", default.max_rows),
            max_shared_strings=_count(environ, "STDTRACK_IMPORT_MAX_SHARED_STRINGS",
                                      default.max_shared_strings),
        )


def _number(environ: Mapping[str, str], name: str, unit: str) -> float | None:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={raw!r}: expected a number of {unit}") from exc
    if not value > 0 or value != value or value == float("inf"):
        raise ConfigurationError(f"{name}={raw!r}: expected a positive number of {unit}")
    return value


def _megabytes(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _number(environ, name, "megabytes")
    return default if value is None else max(1, int(value * MB))


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _number(environ, name, "units")
    return default if value is None else max(1, int(value))


def _switch(environ: Mapping[str, str], name: str) -> bool | None:
    raw = (environ.get(name) or "").strip().lower()
    if not raw or raw == "auto":
        return None
    if raw in {"on", "1", "true", "yes"}:
        return True
    if raw in {"off", "0", "false", "no"}:
        return False
    raise ConfigurationError(f"{name}={raw!r}: expected on, off or auto")


SCHEDULE_PREFIX = "STDTRACK_SCHEDULE_"


def _schedule_times(environ: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    times = []
    for key, value in sorted(environ.items()):
        if not key.startswith(SCHEDULE_PREFIX) or key == "STDTRACK_SCHEDULES":
            continue
        name = key.removeprefix(SCHEDULE_PREFIX).lower().replace("_", "-")
        raw = value.strip()
        hours, sep, minutes = raw.partition(":")
        if not (sep and hours.isdigit() and minutes.isdigit() and int(hours) < 24
                and int(minutes) < 60 and len(minutes) == 2):
            raise ConfigurationError(f"{key}={raw!r}: expected a time of day such as 02:30")
        times.append((name, f"{int(hours):02d}:{minutes}"))
    return tuple(times)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything stdtrack reads from its environment.

    Attributes:
        home: data directory (SQLite file, search index, archived import files).
        database_url: ``sqlite:///path`` or ``postgresql://user@host:port/db``.
        search_backend: ``whoosh`` (embedded) or ``postgres``.
        upload_limit_bytes: cap on an uploaded import file.
        public_url: the site's public address (``https://bz.example.gov.cn``), for links that
            leave the site such as an enterprise page's QR code; ``None``: the request's own.
        read_limits: what an import file may hold (:class:`ReadLimits`).
        db_lock_timeout: seconds a write waits for another writer's lock (SQLite's write
            lock, PostgreSQL's import lock) before it fails (``STDTRACK_DB_LOCK_TIMEOUT``).
        jobs_in_app: the app process runs background jobs itself (``STDTRACK_JOBS_IN_APP``
            ``on``/``off``; by default on with SQLite, off with PostgreSQL, where
            ``stdtrack worker`` processes run them).
        schedules_enabled: workers run the daily tasks (``STDTRACK_SCHEDULES=off`` stops them).
        schedule_times: ``(task name, "HH:MM")`` pairs, local time, from
            ``STDTRACK_SCHEDULE_<NAME>`` (``STDTRACK_SCHEDULE_ALERTS_REFRESH=01:30``).
        schedule_start_delay: seconds after its start before a worker running inside the app
            first looks for due daily tasks (``STDTRACK_DAILY_TASKS_DELAY``, 60 by
            default), so a restart's catch-up does not compete with the first page views;
            ``stdtrack worker`` processes serve no pages and look at once.
        job_stale_seconds: a running job whose worker's heartbeat is older than this is taken
            back (queued again, or failed after its last attempt) (``STDTRACK_JOB_STALE_SECONDS``).
        check_rate_per_hour: 标准查新 requests one address may make per hour without signing
            in (``STDTRACK_CHECK_RATE_PER_HOUR``).
        smtp_url: where watch notifications are mailed, ``smtp://host:port`` (or
            ``smtps://user:password@host:port``); ``None``: no e-mail (``STDTRACK_SMTP_URL``).
        mail_from: the sender of those e-mails (``STDTRACK_MAIL_FROM``).
        webhook_allow_private: watch webhooks may go to loopback, private and other
            non-public addresses (``STDTRACK_WEBHOOK_ALLOW_PRIVATE=on``; off by default: a saved
            URL must not make the server POST into its own network).
        review_cycle_years: years between reviews of a local standard (复审周期,
            ``STDTRACK_REVIEW_CYCLE_YEARS``, 1 to 10; 5 by default).
    """

    home: Path
    database_url: str
    search_backend: str = "whoosh"
    upload_limit_bytes: int = 50 * MB
    public_url: str | None = None
    read_limits: ReadLimits = ReadLimits()
    db_lock_timeout: float = 60.0
    jobs_in_app: bool | None = None
    schedules_enabled: bool = True
    schedule_times: tuple[tuple[str, str], ...] = ()
    schedule_start_delay: float = 60.0
    job_stale_seconds: float = 60.0
    check_rate_per_hour: int = 60
    smtp_url: str | None = None
    mail_from: str = "stdtrack@localhost"
    webhook_allow_private: bool = False
    review_cycle_years: int = 5

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from a mapping such as ``os.environ``.

        Raises:
            ConfigurationError: a value is malformed (the message names the variable).
        """
        home = Path(environ.get("STDTRACK_HOME") or DEFAULT_HOME).expanduser().absolute()
        url = environ.get("DATABASE_URL") or f"sqlite:///{home / 'stdtrack.sqlite3'}"
        scheme = urlsplit(url).scheme
        if scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ConfigurationError(
                f"DATABASE_URL={url!r}: expected sqlite:///path or postgresql://user@host:port/db"
            )
        search = (environ.get("STDTRACK_SEARCH") or "whoosh").strip().lower()
        if search not in {"whoosh", "postgres"}:
            raise ConfigurationError(f"STDTRACK_SEARCH={search!r}: expected 'whoosh' or 'postgres'")
        if search == "postgres" and scheme == "sqlite":
            raise ConfigurationError("STDTRACK_SEARCH=postgres needs a PostgreSQL DATABASE_URL")
        limit_raw = environ.get("STDTRACK_UPLOAD_LIMIT_MB") or "50"
        try:
            limit = int(float(limit_raw) * 1024 * 1024)
        except ValueError as exc:
            raise ConfigurationError(
                f"STDTRACK_UPLOAD_LIMIT_MB={limit_raw!r}: expected a number of megabytes"
            ) from exc
        public_url = (environ.get("STDTRACK_PUBLIC_URL") or "").strip().rstrip("/") or None
        if public_url is not None:
            parts = urlsplit(public_url)
            if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
                raise ConfigurationError(
                    f"STDTRACK_PUBLIC_URL={public_url!r}: expected the site's address, "
                    "e.g. https://bz.example.gov.cn")
        lock_timeout = _number(environ, "STDTRACK_DB_LOCK_TIMEOUT", "seconds")
        stale = _number(environ, "STDTRACK_JOB_STALE_SECONDS", "seconds")
        start_delay = _number(environ, "STDTRACK_DAILY_TASKS_DELAY", "seconds")
        smtp_url = (environ.get("STDTRACK_SMTP_URL") or "").strip() or None
        if smtp_url is not None and (urlsplit(smtp_url).scheme not in {"smtp", "smtps"}
                                     or not urlsplit(smtp_url).hostname):
            raise ConfigurationError(
                f"STDTRACK_SMTP_URL: expected smtp://host:port or smtps://user:password@host:port"
                f" (got a value starting {smtp_url[:12]!r})")
        cycle_raw = (environ.get("STDTRACK_REVIEW_CYCLE_YEARS") or "5").strip()
        if not (cycle_raw.isascii() and cycle_raw.isdigit() and 1 <= int(cycle_raw) <= 10):
            raise ConfigurationError(
                f"STDTRACK_REVIEW_CYCLE_YEARS={cycle_raw!r}: expected whole years from 1 to 10")
        return cls(
            home=home,
            database_url=url,
            search_backend=search,
            upload_limit_bytes=limit,
            public_url=public_url,
            read_limits=ReadLimits.from_env(environ),
            db_lock_timeout=60.0 if lock_timeout is None else lock_timeout,
            jobs_in_app=_switch(environ, "STDTRACK_JOBS_IN_APP"),
            schedules_enabled=_switch(environ, "STDTRACK_SCHEDULES") is not False,
            schedule_times=_schedule_times(environ),
            schedule_start_delay=60.0 if start_delay is None else start_delay,
            job_stale_seconds=60.0 if stale is None else stale,
            check_rate_per_hour=_count(environ, "STDTRACK_CHECK_RATE_PER_HOUR", 60),
            smtp_url=smtp_url,
            mail_from=(environ.get("STDTRACK_MAIL_FROM") or "").strip() or "stdtrack@localhost",
            webhook_allow_private=_switch(environ, "STDTRACK_WEBHOOK_ALLOW_PRIVATE") is True,
            review_cycle_years=int(cycle_raw),
        )

    @property
    def runs_jobs_in_app(self) -> bool:
        """The app process runs jobs: as set, else on the embedded SQLite default only."""
        return self.engine_kind == "sqlite" if self.jobs_in_app is None else self.jobs_in_app

    @property
    def engine_kind(self) -> str:
        """``sqlite`` or ``postgres``."""
        return "sqlite" if self.database_url.startswith("sqlite") else "postgres"

    @property
    def archive_dir(self) -> Path:
        return self.home / "imports"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"
