"""The pytest plugin, registered through the ``pytest11`` entry point."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from manouche.testkit.services import fresh_database, require_service


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped after)."""
    with fresh_database("postgresql") as url:
        yield url


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """A fresh MariaDB database for this test session (dropped after)."""
    with fresh_database("mariadb") as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of Redis on 127.0.0.1."""
    return require_service("redis")
