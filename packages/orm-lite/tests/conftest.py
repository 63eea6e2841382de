"""Shared fixtures: Django configured on an SQLite file (the behavioural reference),
and the ``backend_db`` fixture of the conformance suite, parametrized over the three backends."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from manouche.testsupport import configure_django

DJANGO_DB = os.path.join(tempfile.mkdtemp(prefix="orm-lite-parity-"), "django.sqlite3")
BACKENDS = ["sqlite", "postgresql", "mariadb"]


def pytest_configure() -> None:
    configure_django(
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DJANGO_DB}},
        INSTALLED_APPS=["tests.djparity.apps.ParityConfig"],
        USE_TZ=False,
        USE_I18N=True,
    )


@pytest.fixture(scope="session")
def django_db_file() -> str:
    """The SQLite file Django's reference runs on; orm-lite opens the same file."""
    from django.conf import settings

    if settings.DATABASES["default"]["NAME"] != DJANGO_DB:
        pytest.skip("Django was configured elsewhere in this process; parity needs its own file")
    return DJANGO_DB


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


@pytest.fixture(scope="session", params=BACKENDS)
def conf_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """A ``Database`` of each backend with the conformance tables (created once)."""
    from manouche import orm_lite
    from tests import conf_models

    db = orm_lite.Database(url_for(request, request.param, tmp_path_factory), default=False)
    db.create_all(conf_models.ALL)
    yield db
    db.drop_all(conf_models.ALL)
    db.dispose()


@pytest.fixture
def backend_db(conf_db: Any) -> Iterator[Any]:
    """The backend's database as the default, emptied after each test (named apart from
    testkit's ``db``, the rolled-back transaction, which these tests do not use)."""
    from tests import conf_models

    conf_db.make_default()
    yield conf_db
    conf_db.close()
    delete_all(conf_db, conf_models.tables())


# What a parity query chain may use, per side: the models and the expression names.
NAMES = [
    "Q",
    "F",
    "Value",
    "Count",
    "Sum",
    "Avg",
    "Min",
    "Max",
    "Prefetch",
    "Lower",
    "Upper",
    "Length",
    "Coalesce",
]


def _side(ns: Any, *mods: Any) -> Any:
    from types import SimpleNamespace

    extra = {n: getattr(mod, n) for mod in mods for n in NAMES if hasattr(mod, n)}
    return SimpleNamespace(**vars(ns), **extra)


@pytest.fixture(scope="session")
def sides() -> Iterator[Any]:
    """(Django side, orm-lite side, orm-lite Database) over one SQLite file made by Django."""
    from django.conf import settings
    from django.db import connection
    from django.db import models as djm
    from django.db.models import functions as djf

    from manouche import orm_lite
    from tests.djparity.models import DJ
    from tests.olparity import OL
    from tests.shared_models import load

    if settings.DATABASES["default"]["NAME"] != DJANGO_DB:
        pytest.skip("Django was configured elsewhere in this process; parity needs its own file")
    if "parity_book" not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            for m in (DJ.Publisher, DJ.Author, DJ.Tag, DJ.Book, DJ.Profile, DJ.Club, DJ.Membership):
                editor.create_model(m)
        load(DJ)
    db = orm_lite.Database(f"sqlite:///{DJANGO_DB}", default=False)
    yield _side(DJ, djm, djf), _side(OL, orm_lite), db
    db.dispose()
