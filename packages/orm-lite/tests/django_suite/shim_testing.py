"""``django.test`` (and ``django.test.testcases``) for Django's ORM tests, on orm-lite.

Django's ``SimpleTestCase`` and every other name stay Django's. Replaced:

- ``TestCase``: the class opens a connection to the suite's orm-lite
  database, begins a transaction on it and binds orm-lite to it
  (``Database.bind_connection``, as testkit's ``db`` fixture does);
  ``setUpTestData`` runs in a savepoint of that transaction, its class
  attributes are deep-copied for each test (Django's ``TestData``), and each
  test runs in an orm-lite atomic block (a savepoint) rolled back after it.
  Everything is rolled back at the end of the class. orm-lite's async API
  commits on connections of its own, outside that transaction: the tables
  are emptied after a class that has async tests.
- ``TransactionTestCase``: the test commits for real; every table is emptied
  afterwards.
- ``assertNumQueries`` counts the statements orm-lite runs
  (``manouche.orm_lite.count_queries``).
- ``skipUnlessDBFeature``, ``skipIfDBFeature`` and ``skipUnlessAnyDBFeature``
  read the features of Django's backend for the database the suite runs on.
"""

from __future__ import annotations

import inspect
import unittest
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import _ormlite_suite
import sqlalchemy as sa
from django.test import *  # noqa: F403 - the names orm-lite does not replace
from django.test import SimpleTestCase
from django.test import TransactionTestCase as _DjangoTransactionTestCase
from django.test.testcases import TestData
from shim_db import connection

from manouche.orm_lite import count_queries

__all__ = [
    "SimpleTestCase",
    "TestCase",
    "TransactionTestCase",
    "skipIfDBFeature",
    "skipUnlessAnyDBFeature",
    "skipUnlessDBFeature",
]


def _has(feature: str) -> bool:
    return bool(getattr(connection.features, feature))


def skipUnlessDBFeature(*features: str) -> Callable[[Any], Any]:  # noqa: N802 - Django's name
    """Skip unless the database has every one of ``features``."""
    missing = [f for f in features if not _has(f)]
    return unittest.skipIf(
        bool(missing), f"Database doesn't support feature(s): {', '.join(features)}"
    )


def skipIfDBFeature(*features: str) -> Callable[[Any], Any]:  # noqa: N802
    """Skip if the database has any of ``features``."""
    return unittest.skipIf(
        any(_has(f) for f in features), f"Database has feature(s) {', '.join(features)}"
    )


def skipUnlessAnyDBFeature(*features: str) -> Callable[[Any], Any]:  # noqa: N802
    """Skip unless the database has at least one of ``features``."""
    return unittest.skipUnless(
        any(_has(f) for f in features),
        f"Database doesn't support any of the feature(s): {', '.join(features)}",
    )


class _NumQueries:
    def __init__(self, case: unittest.TestCase, num: int) -> None:
        self.case = case
        self.num = num

    def __enter__(self) -> _NumQueries:
        self._cm = count_queries(_ormlite_suite.database())
        self.seen = self._cm.__enter__()
        return self

    @property
    def captured_queries(self) -> list[dict[str, str]]:
        """As Django's ``CaptureQueriesContext``: ``{"sql": ..., "time": ...}`` a statement."""
        return [{"sql": e.sql, "time": f"{e.duration:.3f}"} for e in self.seen.events]

    def __getitem__(self, index: int) -> dict[str, str]:
        """``ctx[i]``: the i-th statement, as Django's context gives it."""
        return self.captured_queries[index]

    def __len__(self) -> int:
        return len(self.seen.events)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._cm.__exit__(exc_type, exc, tb)
        if exc_type is not None:
            return
        statements = [e.sql for e in self.seen.events]
        self.case.assertEqual(
            len(statements),
            self.num,
            f"{len(statements)} queries executed, {self.num} expected\n"
            "Captured queries were:\n" + "\n".join(statements),
        )


class TransactionTestCase(SimpleTestCase):
    """Tests that commit for real; every table is emptied after each test."""

    databases = {"default"}
    reset_sequences = False
    available_apps = None
    fixtures = None
    serialized_rollback = False

    assertQuerySetEqual = _DjangoTransactionTestCase.assertQuerySetEqual  # noqa: N815

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        _ormlite_suite.ensure_tables()

    def _post_teardown(self) -> None:
        super()._post_teardown()
        _flush()

    def assertNumQueries(  # noqa: N802 - Django's name
        self, num: int, func: Any = None, *args: Any, using: str = "default", **kwargs: Any
    ) -> Any:
        context = _NumQueries(self, num)
        if func is None:
            return context
        with context:
            func(*args, **kwargs)
        return None


def _flush() -> None:
    db = _ormlite_suite.database()
    db.close()
    with db.engine.begin() as conn:
        # Models a test defined without creating their tables (under isolate_apps) have
        # none to empty: a DELETE there would fail and roll back the whole flush.
        existing = set(sa.inspect(conn).get_table_names())
        for table in reversed(db.metadata.sorted_tables):
            if table.schema is not None or table.name in existing:
                conn.execute(table.delete())
        if db.vendor == "sqlite":
            has_sequences = conn.execute(
                sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            ).first()
            if has_sequences:
                conn.execute(sa.text("DELETE FROM sqlite_sequence"))


class TestCase(TransactionTestCase):
    """Each test in a savepoint of the class's transaction, rolled back after it."""

    _ol_class: Any = None

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls._ol_class = _class_transaction()
        next(cls._ol_class)
        try:
            pre_attrs = cls.__dict__.copy()
            cls.setUpTestData()
            for name, value in cls.__dict__.items():
                if value is not pre_attrs.get(name):
                    setattr(cls, name, TestData(name, value))
        except Exception:
            cls._ol_class.close()
            cls._ol_class = None
            super().tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        if cls._ol_class is not None:
            cls._ol_class.close()
            cls._ol_class = None
        if any(inspect.iscoroutinefunction(getattr(cls, name)) for name in dir(cls)):
            # orm-lite's async API runs on its own (async) connections, outside the class's
            # transaction: what its tests committed is removed here, so that it does not
            # leak into the next classes.
            _flush()
        super().tearDownClass()

    @classmethod
    def setUpTestData(cls) -> None:
        """Load initial data for the TestCase."""

    def _pre_setup(self) -> None:  # type: ignore[override]
        super()._pre_setup()
        # As Django's TestCase, the test runs inside an atomic block (a savepoint): an
        # ``atomic(savepoint=False)`` in the code under test joins it instead of opening
        # a savepoint of its own.
        self._ol_atomic = _ormlite_suite.database().atomic()
        self._ol_atomic.__enter__()

    def _post_teardown(self) -> None:
        atomic = getattr(self, "_ol_atomic", None)
        if atomic is not None:
            self._ol_atomic = None
            stack = atomic.db._state.stack
            while stack and stack[-1] is not atomic:  # blocks a failing test left open
                stack.pop()
            if stack:
                atomic.__exit__(_RolledBack, _RolledBack(), None)
        SimpleTestCase._post_teardown(self)

    @classmethod
    @contextmanager
    def captureOnCommitCallbacks(  # noqa: N802 - Django's name
        cls, *, using: str = "default", execute: bool = False
    ) -> Iterator[list[Callable[[], Any]]]:
        db = _ormlite_suite.database()
        callbacks: list[Callable[[], Any]] = []
        state = db._state
        start = len(state.callbacks)
        try:
            yield callbacks
        finally:
            new = state.callbacks[start:]
            callbacks[:] = [func for func, _robust in new]
            if execute:
                del state.callbacks[start:]
                for func in list(callbacks):
                    func()


class _RolledBack(Exception):
    """Ends a test's atomic block by rolling it back."""


def _class_transaction() -> Iterator[None]:
    """Open the class's transaction, bind orm-lite to it; roll it all back when closed."""
    db = _ormlite_suite.database()
    conn = db.engine.connect()
    conn.begin()
    savepoint = conn.begin_nested()  # on SQLite this is what opens the transaction
    try:
        with db.bind_connection(conn):
            yield
    finally:
        try:
            if savepoint.is_active:
                savepoint.rollback()
        finally:
            if conn.in_transaction():
                conn.rollback()
            conn.close()
