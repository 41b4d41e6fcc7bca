"""Piccolo app of the adoption package: its tables and migrations (after the standards core's,
whose ``standard`` table declarations and alerts point at)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from adoption.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="adoption",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=list(TABLES),
    migration_dependencies=["standards.piccolo_app"],
    commands=[],
)
