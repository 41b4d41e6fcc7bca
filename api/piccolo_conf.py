"""Piccolo's configuration: the engine named by DATABASE_URL and the apps whose migrations run.

Piccolo's migration manager finds its engine through this module (``PICCOLO_CONF``); the app
and the CLI replace ``DB`` with the engine they built from their settings (see api/database.py).
"""

import os

from piccolo.conf.apps import AppRegistry

from standards.db import create_engine
from standards.settings import Settings

DB = create_engine(Settings.from_env(os.environ).database_url)

APP_REGISTRY = AppRegistry(apps=["standards.piccolo_app", "adoption.piccolo_app"])
