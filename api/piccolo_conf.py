"""Piccolo's configuration: the engine named by DATABASE_URL and the apps whose migrations run.

Piccolo's migration manager finds its engine through this module (``PICCOLO_CONF``); the app
and the CLI replace ``DB`` with the engine they built from their settings (see api/database.py).
"""

import os

from piccolo.conf.apps import AppRegistry

from standards.db import create_engine
from standards.settings import Settings

_SETTINGS = Settings.from_env(os.environ)
DB = create_engine(_SETTINGS.database_url, _SETTINGS.db_lock_timeout)

APP_REGISTRY = AppRegistry(apps=["standards.piccolo_app", "adoption.piccolo_app"])
