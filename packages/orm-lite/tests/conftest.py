"""Shared fixtures: Django configured on an SQLite file (the behavioural reference),
and the ``db`` fixture of the conformance suite, parametrized over the three backends."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

DJANGO_DB = os.path.join(tempfile.mkdtemp(prefix="orm-lite-parity-"), "django.sqlite3")
BACKENDS = ["sqlite", "postgresql", "mariadb"]


def pytest_configure() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DJANGO_DB}},
            INSTALLED_APPS=["tests.djparity.apps.ParityConfig"],
            USE_TZ=False,
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        )
        django.setup()


@pytest.fixture(scope="session")
def backend_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh database of the backend named by ``request.param``."""
    name = request.param
    if name == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'conf.sqlite3'}"
    else:
        yield request.getfixturevalue(f"{name}_url")


def url_for(
    request: pytest.FixtureRequest, name: str, tmp_path_factory: pytest.TempPathFactory
) -> str:
    if name == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'conf.sqlite3'}"
    return str(request.getfixturevalue(f"{name}_url"))


def delete_all(db: Any, tables: list[Any]) -> None:
    """Empty ``tables`` (children first) so the next test starts clean."""
    with db.engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(table.delete())
