"""Settings read once from an environment mapping at the edges (CLI, app factory, piccolo conf)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from standards.errors import ConfigurationError

DEFAULT_HOME = "var"


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
    """

    home: Path
    database_url: str
    search_backend: str = "whoosh"
    upload_limit_bytes: int = 50 * 1024 * 1024
    public_url: str | None = None

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
        return cls(
            home=home,
            database_url=url,
            search_backend=search,
            upload_limit_bytes=limit,
            public_url=public_url,
        )

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
