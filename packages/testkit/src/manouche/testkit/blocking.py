"""Database access outside the database fixtures is an error, as under pytest-django.

A test that forgets ``db`` would otherwise write to the real database and
commit, and a later test would fail far from the cause. While a test that
requests neither ``db`` nor ``transactional_db`` runs (its body and its
function-scoped fixtures), every statement sent through SQLAlchemy (orm-lite
included) raises :class:`DatabaseAccessBlocked`, which names the fixture to
request. Session-, module- and class-scoped fixtures are not blocked (that is
where tables are created). If the code under test swallows the error (a WSGI
app answering 500), the test still fails with it.

Opting out: ``@pytest.mark.own_database`` on a test that manages its own
database, ``manouche_own_database_paths`` in the pytest configuration for the
suites (folders or files, relative to the configuration file) whose tests do, or
``manouche_block_database = false`` for every test of the session.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

__all__ = ["DatabaseAccessBlocked", "blocked_for", "guard", "install", "message"]

#: The fixtures that give a test its database.
DATABASE_FIXTURES = ("db", "transactional_db")
MARKER = "own_database"
INI_OPTION = "manouche_block_database"
PATHS_OPTION = "manouche_own_database_paths"


class DatabaseAccessBlocked(RuntimeError):
    """A test used the database without asking for it."""


class _State:
    """Which test is blocked now, and what it tried (shared by every thread it starts)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.test: str | None = None
        self.attempts: list[str] = []


_STATE = _State()


def message(test: str, statement: str) -> str:
    """The error for ``test`` sending ``statement``: what to request instead."""
    return (
        f"{test} used the database without asking for it ({statement!r}). "
        "Request the `db` fixture (the test runs in a transaction rolled back after it) "
        "or `transactional_db` (real commits, tables emptied after it); mark the test "
        "`@pytest.mark.own_database` if it manages a database of its own."
    )


def blocked_for(item: pytest.Item) -> bool:
    """Whether ``item`` runs with database access blocked."""
    if not item.config.getini(INI_OPTION):
        return False
    if any(name in DATABASE_FIXTURES for name in getattr(item, "fixturenames", ())):
        return False
    if item.get_closest_marker(MARKER) is not None:
        return False
    path = item.path
    return not any(path == own or own in path.parents for own in item.config.getini(PATHS_OPTION))


def _before_cursor_execute(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    test = _STATE.test
    if test is None:
        return
    short = " ".join(str(statement).split())[:80]
    with _STATE.lock:
        _STATE.attempts.append(short)
    raise DatabaseAccessBlocked(message(test, short))


_installed = False


def install() -> bool:
    """Listen to every SQLAlchemy engine (once); ``False`` without SQLAlchemy."""
    global _installed
    if _installed:
        return True
    try:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
    except ImportError:
        return False
    event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
    _installed = True
    return True


class guard:  # noqa: N801 - used as a context manager, like contextlib's
    """Block database access while the block runs, on behalf of ``test``."""

    def __init__(self, test: str) -> None:
        self.test = test
        self.previous: str | None = None

    def __enter__(self) -> guard:
        with _STATE.lock:
            self.previous = _STATE.test
            _STATE.test = self.test
        return self

    def __exit__(self, *exc: object) -> None:
        with _STATE.lock:
            _STATE.test = self.previous

    @staticmethod
    def take_attempts() -> list[str]:
        """The statements refused since the last call (the list is emptied)."""
        with _STATE.lock:
            attempts = list(_STATE.attempts)
            _STATE.attempts.clear()
        return attempts
