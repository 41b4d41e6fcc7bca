"""Piccolo app of the standards core: its tables and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from standards.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="standards",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)
