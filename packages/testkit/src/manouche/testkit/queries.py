"""Counting the SQL statements sent through SQLAlchemy: ``assert_num_queries(n)``.

Statements are seen through SQLAlchemy's ``before_cursor_execute`` event, so
everything counts that reaches the database driver: orm-lite's queries, plain
SQLAlchemy Core and ORM statements, savepoints (as Django counts them).
Needs SQLAlchemy, imported when a function here is called.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, overload

__all__ = ["CapturedQueries", "Query", "assert_num_queries", "capture_queries"]

#: ``Connection.info`` key: names of the savepoints the test harness opened on
#: that connection in place of a transaction; they are not counted.
HARNESS_SAVEPOINTS = "manouche.testkit.harness_savepoints"


@dataclass(frozen=True)
class Query:
    """One statement sent to the database driver."""

    statement: str
    parameters: Any
    executemany: bool

    def __str__(self) -> str:
        params = "" if self.parameters in (None, (), [], {}) else f"  -- params {self.parameters!r}"
        many = "  -- executemany" if self.executemany else ""
        return f"{self.statement}{params}{many}"


class CapturedQueries:
    """The statements seen inside a :func:`capture_queries` block, in order.

    Behaves as a sequence of :class:`Query`; :attr:`statements` has the SQL
    text only. The savepoints that the ``db`` fixture's sessions open in
    place of their own transaction are left out: in production that
    transaction is a ``BEGIN``/``COMMIT`` the driver sends without a cursor,
    which is not counted either.
    """

    def __init__(self) -> None:
        self._seen: list[tuple[Query, str | None, dict[Any, Any] | None]] = []

    def _record(self, query: Query, savepoint: str | None = None, info: Any = None) -> None:
        self._seen.append((query, savepoint, info))

    @property
    def queries(self) -> list[Query]:
        return [
            query
            for query, savepoint, info in self._seen
            if savepoint is None
            or info is None
            or savepoint not in info.get(HARNESS_SAVEPOINTS, ())
        ]

    def __len__(self) -> int:
        return len(self.queries)

    def __iter__(self) -> Iterator[Query]:
        return iter(self.queries)

    @overload
    def __getitem__(self, index: int) -> Query: ...
    @overload
    def __getitem__(self, index: slice) -> list[Query]: ...
    def __getitem__(self, index: int | slice) -> Query | list[Query]:
        return self.queries[index]

    def __repr__(self) -> str:
        return f"<CapturedQueries: {len(self)} queries>"

    def _freeze(self) -> None:
        """Settle which savepoints count, while the connections still know."""
        self._seen = [(query, None, None) for query in self.queries]

    @property
    def statements(self) -> list[str]:
        return [q.statement for q in self.queries]

    def format(self) -> str:
        """The statements as a numbered list, one per line."""
        if not self.queries:
            return "(no queries)"
        width = len(str(len(self.queries)))
        return "\n".join(f"{i:>{width}}. {q}" for i, q in enumerate(self.queries, 1))


def _target(using: Any) -> Any:
    import sqlalchemy as sa

    if using is None:
        return sa.Engine  # every engine, existing and future
    if isinstance(using, sa.Engine | sa.Connection):
        return using
    engine = getattr(using, "engine", None)
    if isinstance(engine, sa.Engine):
        return engine
    raise TypeError(
        f"capture_queries() counts on an Engine, a Connection or an object with an "
        f".engine (orm-lite's Database), not {using!r}"
    )


@contextmanager
def capture_queries(using: Any = None) -> Iterator[CapturedQueries]:
    """Record the SQL statements executed inside the block.

    ``using`` limits the count to one ``Engine``, ``Connection`` or orm-lite
    ``Database``; by default statements of every engine count, in every
    thread (a live server's too)::

        with capture_queries() as queries:
            Book.objects.filter(title="x").exists()
        assert "LIMIT" in queries[0].statement
    """
    from sqlalchemy import event
    from sqlalchemy.sql.expression import (
        ReleaseSavepointClause,
        RollbackToSavepointClause,
        SavepointClause,
    )

    savepoint_clauses = (SavepointClause, RollbackToSavepointClause, ReleaseSavepointClause)
    captured = CapturedQueries()
    target = _target(using)

    def record(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        query = Query(statement, parameters, executemany)
        clause = getattr(getattr(context, "compiled", None), "statement", None)
        if isinstance(clause, savepoint_clauses):
            captured._record(query, clause.ident, conn.info)
        else:
            captured._record(query)

    event.listen(target, "before_cursor_execute", record)
    try:
        yield captured
    finally:
        event.remove(target, "before_cursor_execute", record)
        captured._freeze()


@contextmanager
def assert_num_queries(num: int, using: Any = None) -> Iterator[CapturedQueries]:
    """Fail unless the block executes exactly ``num`` SQL statements.

    Django's ``assertNumQueries`` as a context manager; the failure lists
    the statements that ran. ``using`` is as for :func:`capture_queries`.
    """
    if not isinstance(num, int) or isinstance(num, bool) or num < 0:
        raise ValueError(f"assert_num_queries() needs a count >= 0, not {num!r}")
    with capture_queries(using) as captured:
        yield captured
    if len(captured) != num:
        raise AssertionError(
            f"{len(captured)} queries executed, {num} expected. Queries:\n{captured.format()}"
        )
