"""Django configured as the behavioural reference, and cheap hashers for speed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from manouche.testsupport import DJANGO_PASSWORD_HASHERS, TEST_SECRET_KEY, configure_django

DJANGO_DB = os.path.join(tempfile.mkdtemp(prefix="authkit-parity-"), "django.sqlite3")


def pytest_configure() -> None:
    configure_django(
        SECRET_KEY=TEST_SECRET_KEY,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DJANGO_DB}},
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        PASSWORD_HASHERS=DJANGO_PASSWORD_HASHERS,
        USE_I18N=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )


# -- databases and caches for the conformance suites --------------------------

BACKENDS = ["sqlite", "postgresql", "mariadb"]


class Databases:
    """orm-lite Databases with authkit's tables, one per backend, made on first use."""

    def __init__(self, request: pytest.FixtureRequest, tmp: pytest.TempPathFactory) -> None:
        self.request = request
        self.tmp = tmp
        self.made: dict[str, Any] = {}

    def get(self, backend: str) -> Any:
        from manouche import orm_lite

        if backend not in self.made:
            if backend == "sqlite":
                url = f"sqlite:///{self.tmp.mktemp('sqlite') / 'auth.sqlite3'}"
            else:
                url = str(self.request.getfixturevalue(f"{backend}_url"))
            db = orm_lite.Database(url, default=False)
            db.create_all(all_models())
            self.made[backend] = db
        db = self.made[backend]
        empty_tables(db)
        return db

    def close(self) -> None:
        # The server databases are fresh ones, dropped whole by testkit.
        for db in self.made.values():
            db.dispose()


@pytest.fixture(scope="session")
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    made = Databases(request, tmp_path_factory)
    yield made
    made.close()


@pytest.fixture
def auth_models() -> list[Any]:
    """authkit's models, parents first: what a database needs for users and sessions."""
    return all_models()


def all_models() -> list[Any]:
    from manouche.authkit.models import ContentType, Group, Permission, User
    from manouche.authkit.sessions.models import Session

    return [ContentType, Permission, Group, User, Session]


def all_tables() -> list[Any]:
    metadata = all_models()[0].__table__.metadata
    return [t for t in metadata.sorted_tables if t.name.startswith(("auth_", "django_"))]


def empty_tables(db: Any) -> None:
    with db.engine.begin() as conn:
        for table in reversed(all_tables()):
            conn.execute(table.delete())


@pytest.fixture
def fast_hashers() -> Iterator[Any]:
    """Cheap hashers as the default (tests that are not about hashing cost)."""
    from manouche.authkit import hashers

    fast = hashers.PasswordHashers(
        [hashers.PBKDF2PasswordHasher(iterations=1000), hashers.MD5PasswordHasher]
    )
    previous = hashers.set_default_hashers(fast)
    yield fast
    hashers.set_default_hashers(previous)


@pytest.fixture
def redis_cache(redis_url: str) -> Iterator[Any]:
    """A cachelib RedisCache on the test Redis, under a unique prefix (cleared after)."""
    import secrets

    import redis
    from cachelib import RedisCache

    client = redis.Redis.from_url(redis_url)
    prefix = f"authkit-test-{secrets.token_hex(4)}:"
    yield RedisCache(host=client, key_prefix=prefix)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def django_db() -> Iterator[Any]:
    """Django's tables made by Django's migrate in its SQLite file, opened by orm-lite."""
    from django.core.management import call_command

    from manouche import orm_lite

    call_command("migrate", verbosity=0)
    db = orm_lite.Database(f"sqlite:///{DJANGO_DB}", default=False)
    yield db
    db.dispose()
