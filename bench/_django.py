"""Django as a bench peer: settings once per process, one app and database per workload module."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def django_app(app: str, alias: str, db_file: Path, module: str) -> Any:
    """Configure Django (once), register ``app`` for ``module`` and a database ``alias``.

    Returns ``django.db.models``. Several workload modules share one process
    (``python -m bench``): each gets its own app label and SQLite file.
    """
    import django
    from django.conf import settings

    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(db_file)}
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-only",
            INSTALLED_APPS=[],
            DATABASES={"default": dict(sqlite), alias: dict(sqlite)},
            USE_I18N=False,
            USE_TZ=False,
        )
        django.setup()
    from django.apps import AppConfig, apps
    from django.db import connections, models

    if app not in apps.app_configs:
        # An installed app, so that reverse relations (Count("books")) resolve.
        config = AppConfig(module, sys.modules[module])
        config.label = app
        config.apps = apps
        config.models = apps.all_models[app]
        apps.app_configs[app] = config
        apps.clear_cache()
    if alias not in connections.settings:
        # Django insists on a "default" entry in whatever it is given to complete.
        conf = connections.configure_settings(
            {"default": dict(settings.DATABASES["default"]), alias: dict(sqlite)}
        )
        connections.settings[alias] = conf[alias]
    return models
