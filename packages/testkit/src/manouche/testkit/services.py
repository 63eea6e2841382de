"""Real servers for tests: PostgreSQL, MariaDB, Redis and memcached on 127.0.0.1.

A test that needs a server asks for it with :func:`require_service`. When the
server does not answer, the test is skipped with a reason that names the
server; when ``MANOUCHE_REQUIRE_SERVICES=1`` is set (CI sets it), it fails.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest


@dataclass(frozen=True)
class Service:
    """A server a test may need, and where it is expected to answer."""

    name: str
    label: str
    default_url: str

    @property
    def url(self) -> str:
        """The URL from ``MANOUCHE_TEST_<NAME>_URL``, else the default."""
        return os.environ.get(f"MANOUCHE_TEST_{self.name.upper()}_URL", self.default_url)

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url if "://" in self.url else f"tcp://{self.url}")
        return parts.hostname or "127.0.0.1", parts.port or 0


#: The servers the plugin knows, by name (``postgresql``, ``mariadb``, ``redis``, ``memcached``):
#: where each is looked for and the environment variable that overrides it.
SERVICES: dict[str, Service] = {
    s.name: s
    for s in (
        Service("postgresql", "PostgreSQL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        Service("mariadb", "MariaDB", "mysql+pymysql://root@127.0.0.1:3306/test"),
        Service("redis", "Redis", "redis://127.0.0.1:6379/0"),
        Service("memcached", "memcached", "memcached://127.0.0.1:11211"),
    )
}


def services_required() -> bool:
    """True when ``MANOUCHE_REQUIRE_SERVICES`` asks for servers to be present."""
    return os.environ.get("MANOUCHE_REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def get_service(name: str) -> Service:
    try:
        return SERVICES[name]
    except KeyError:
        known = ", ".join(sorted(SERVICES))
        raise ValueError(f"unknown service {name!r}; known services: {known}") from None


def service_answers(name: str, timeout: float = 1.0) -> bool:
    """Whether the server accepts a TCP connection."""
    host, port = get_service(name).address
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def require_service(name: str) -> str:
    """Return the service's URL, or skip (fail when required) if it is down."""
    service = get_service(name)
    if service_answers(name):
        return service.url
    host, port = service.address
    reason = f"{service.label} does not answer on {host}:{port}"
    if services_required():
        pytest.fail(f"{reason} (MANOUCHE_REQUIRE_SERVICES is set)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def fresh_database(name: str, prefix: str = "manouche") -> Iterator[str]:
    """Create a uniquely named database on PostgreSQL or MariaDB; drop it after.

    Yields the SQLAlchemy URL of the new database. Needs the ``db`` extra.
    """
    if name not in ("postgresql", "mariadb"):
        raise ValueError(f"fresh_database() supports postgresql and mariadb, not {name!r}")
    try:
        import sqlalchemy as sa
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "fresh_database() needs SQLAlchemy: pip install 'manouche-testkit[db]'"
        ) from exc
    base = sa.make_url(require_service(name))
    dbname = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}".lower()
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    quoted = f'"{dbname}"' if name == "postgresql" else f"`{dbname}`"
    extra = " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" if name == "mariadb" else ""
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {quoted}{extra}"))
    try:
        yield base.set(database=dbname).render_as_string(hide_password=False)
    finally:
        force = " WITH (FORCE)" if name == "postgresql" else ""
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted}{force}"))
        admin.dispose()
