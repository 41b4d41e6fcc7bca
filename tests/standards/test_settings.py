from pathlib import Path

import pytest

from standards.errors import ConfigurationError
from standards.settings import ReadLimits, Settings


def test_defaults_put_sqlite_under_home(tmp_path: Path) -> None:
    settings = Settings.from_env({"STDTRACK_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'stdtrack.sqlite3'}"
    assert settings.engine_kind == "sqlite"
    assert settings.search_backend == "whoosh"
    assert settings.index_dir == tmp_path / "index"


def test_postgres_url_is_taken_as_is() -> None:
    url = "postgresql://postgres@127.0.0.1:5432/stdtrack"
    settings = Settings.from_env({"DATABASE_URL": url, "STDTRACK_SEARCH": "postgres"})
    assert settings.database_url == url
    assert settings.engine_kind == "postgres"
    assert settings.search_backend == "postgres"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL='mysql://x'"),
        ({"STDTRACK_SEARCH": "solr"}, "STDTRACK_SEARCH='solr'"),
        ({"STDTRACK_SEARCH": "postgres"}, "STDTRACK_SEARCH=postgres"),
        ({"STDTRACK_UPLOAD_LIMIT_MB": "lots"}, "STDTRACK_UPLOAD_LIMIT_MB='lots'"),
        ({"STDTRACK_PUBLIC_URL": "bz.example.cn"}, "STDTRACK_PUBLIC_URL='bz.example.cn'"),
        ({"STDTRACK_PUBLIC_URL": "ftp://bz.example.cn"}, "STDTRACK_PUBLIC_URL="),
        ({"STDTRACK_IMPORT_MAX_RATIO": "-3"}, "STDTRACK_IMPORT_MAX_RATIO='-3'"),
        ({"STDTRACK_IMPORT_MAX_ROWS": "many"}, "STDTRACK_IMPORT_MAX_ROWS='many'"),
        ({"STDTRACK_IMPORT_MAX_INFLATED_MB": "nan"}, "STDTRACK_IMPORT_MAX_INFLATED_MB='nan'"),
        ({"STDTRACK_DB_LOCK_TIMEOUT": "0"}, "STDTRACK_DB_LOCK_TIMEOUT='0'"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigurationError, match=names.replace("(", r"\(")):
        Settings.from_env(env)


def test_the_public_url_loses_its_trailing_slash() -> None:
    settings = Settings.from_env({"STDTRACK_PUBLIC_URL": " https://bz.example.gov.cn/portal/ "})
    assert settings.public_url == "https://bz.example.gov.cn/portal"
    assert Settings.from_env({}).public_url is None


def test_read_limits_and_lock_timeout_come_from_the_environment() -> None:
    defaults = Settings.from_env({})
    assert defaults.read_limits == ReadLimits()
    assert (defaults.read_limits.max_inflated_bytes, defaults.db_lock_timeout) == (
        1024 * 1024 * 1024, 60.0)
    settings = Settings.from_env({
        "STDTRACK_IMPORT_MAX_INFLATED_MB": "200", "STDTRACK_IMPORT_MAX_RATIO": "50",
        "STDTRACK_IMPORT_MAX_DOCUMENT_MB": "0.5", "STDTRACK_IMPORT_MAX_FIELD_CHARS": "4000",
        "STDTRACK_IMPORT_MAX_TITLE_CHARS": "300", "STDTRACK_IMPORT_MAX_ROWS": "1000",
        "STDTRACK_IMPORT_MAX_SHARED_STRINGS": "20000", "STDTRACK_DB_LOCK_TIMEOUT": "2.5"})
    assert settings.read_limits == ReadLimits(
        max_inflated_bytes=200 * 1024 * 1024, max_ratio=50, max_document_bytes=512 * 1024,
        max_field_chars=4000, max_title_chars=300, max_rows=1000, max_shared_strings=20000)
    assert settings.read_limits.max_line_chars == 64_000
    assert settings.db_lock_timeout == 2.5
