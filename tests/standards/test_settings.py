from pathlib import Path

import pytest

from standards.errors import ConfigurationError
from standards.settings import Settings


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
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigurationError, match=names.replace("(", r"\(")):
        Settings.from_env(env)


def test_the_public_url_loses_its_trailing_slash() -> None:
    settings = Settings.from_env({"STDTRACK_PUBLIC_URL": " https://bz.example.gov.cn/portal/ "})
    assert settings.public_url == "https://bz.example.gov.cn/portal"
    assert Settings.from_env({}).public_url is None
