"""Seeing the SQL: every statement a database runs, counted, timed, logged; N+1 detection.

All of it rides on SQLAlchemy's ``before_cursor_execute``/``after_cursor_execute``
engine events, on the database's engine and on its async engine alike, so
statements are seen whoever issues them (QuerySets, raw SQL, migrations).

``watch(db, callback)`` calls ``callback(event)`` for each statement;
``log_queries(db)`` logs them; ``count_queries(db)`` is a context manager that
collects them; ``detect_n_plus_one(db)`` fails a block that loads related rows
one query per row.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

if TYPE_CHECKING:
    import sqlalchemy as sa

    from manouche.orm_lite._database import Database

logger = logging.getLogger("manouche.orm_lite.sql")

_OWN_FRAMES = re.compile(
    r"[\\/](sqlalchemy|manouche[\\/]orm_lite|contextlib|asyncio|greenlet)[\\/]"
)


@dataclass(frozen=True)
class QueryEvent:
    """One statement: its SQL, parameters, duration in seconds and where the code issued it."""

    sql: str
    parameters: Any
    duration: float
    executemany: bool
    database: Any
    location: str = ""

    @property
    def is_select(self) -> bool:
        return self.sql.lstrip().upper().startswith(("SELECT", "WITH"))


def _caller() -> str:
    """The innermost frame outside SQLAlchemy and orm-lite: the code that asked for the query."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        if not _OWN_FRAMES.search(frame.filename):
            return f"{frame.filename}:{frame.lineno} in {frame.name}"
    return ""


class Watch:
    """A callback receiving every statement of one database; ``remove()`` stops it."""

    def __init__(
        self, db: Database, callback: Callable[[QueryEvent], Any], locate: bool = False
    ) -> None:
        self.db = db
        self.callback = callback
        self.locate = locate
        self._engines: list[sa.Engine] = []
        self._listen(db.engine)
        async_engine = db.__dict__.get("_async_engine")
        if async_engine is not None:
            self._listen(async_engine.sync_engine)
        db.__dict__.setdefault("_watches", []).append(self)

    def _listen(self, engine: sa.Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        self._engines.append(engine)

    def _before(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        conn.info.setdefault("manouche.query_start", []).append(time.perf_counter())

    def _after(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        starts = conn.info.get("manouche.query_start") or [time.perf_counter()]
        duration = time.perf_counter() - starts.pop()
        self.callback(
            QueryEvent(
                statement,
                parameters,
                duration,
                executemany,
                self.db,
                _caller() if self.locate else "",
            )
        )

    def remove(self) -> None:
        for engine in self._engines:
            event.remove(engine, "before_cursor_execute", self._before)
            event.remove(engine, "after_cursor_execute", self._after)
        self._engines.clear()
        watches = self.db.__dict__.get("_watches", [])
        if self in watches:
            watches.remove(self)


def attach_async(db: Database, sync_engine: sa.Engine) -> None:
    """Called when ``db`` gets its async engine: the watches see its statements too."""
    for watch in db.__dict__.get("_watches", []):
        watch._listen(sync_engine)


def watch(db: Database, callback: Callable[[QueryEvent], Any], *, locate: bool = False) -> Watch:
    """Call ``callback(QueryEvent)`` for each statement of ``db`` (``locate``: find the caller)."""
    return Watch(_real(db), callback, locate)


def _real(db: Any) -> Database:
    write = getattr(db, "write_database", None)
    return write() if write is not None else db  # type: ignore[no-any-return]


def log_queries(
    db: Database, log: logging.Logger | None = None, level: int = logging.DEBUG
) -> Watch:
    """Log every statement (``manouche.orm_lite.sql`` at DEBUG by default) with its duration."""
    target = log or logger

    def emit(ev: QueryEvent) -> None:
        if target.isEnabledFor(level):
            target.log(level, "(%.3f ms) %s; params=%r", ev.duration * 1000, ev.sql, ev.parameters)

    return watch(db, emit)


@dataclass
class QueryCount:
    """The statements seen in a :func:`count_queries` block."""

    events: list[QueryEvent] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.events)

    def __len__(self) -> int:
        return len(self.events)

    @property
    def statements(self) -> list[str]:
        return [e.sql for e in self.events]

    def repeated(self, threshold: int = 2) -> list[tuple[str, int]]:
        """SELECTs run at least ``threshold`` times (same SQL, other parameters), most first."""
        counts = Counter(e.sql for e in self.events if e.is_select)
        return [(sql, n) for sql, n in counts.most_common() if n >= threshold]


def _with_routed(dbs: tuple[Database, ...], routed: bool) -> list[Database]:
    """``dbs`` and, when ``routed``, every database a router may send their statements to."""
    found: dict[int, Database] = {}
    for db in dbs:
        real = _real(db)
        if routed:
            from manouche.orm_lite._routers import routers

            group = routers.reachable_from(real) if routers else [real]
        else:
            group = [real]
        for member in group:
            found.setdefault(id(member), member)
    return list(found.values())


@contextmanager
def count_queries(
    *dbs: Database, locate: bool = False, routed: bool = True
) -> Iterator[QueryCount]:
    """``with count_queries(db) as q: ...`` then ``q.count``, ``q.statements``.

    With routers registered, the statements a router sends to another
    database in place of ``db`` (its read replicas) count too; ``routed=False``
    watches the databases given and nothing else.
    """
    result = QueryCount()
    watches = [watch(db, result.events.append, locate=locate) for db in _with_routed(dbs, routed)]
    try:
        yield result
    finally:
        for w in watches:
            w.remove()


class NPlusOneError(AssertionError):
    """A block ran the same SELECT once per row (load it with select_related/prefetch_related)."""


class NPlusOneWarning(UserWarning):
    """As :class:`NPlusOneError`, when asked to warn rather than fail."""


@contextmanager
def detect_n_plus_one(
    *dbs: Database, threshold: int = 3, warn: bool = False, routed: bool = True
) -> Iterator[QueryCount]:
    """Fail (or warn) when a SELECT runs ``threshold`` times or more in the block.

    Loading ``book.author`` in a loop over books runs one ``SELECT ... WHERE id = ?``
    per book: the same SQL with other parameters. The message names the SQL, how
    many times it ran, and the line of code that issued it. As
    :func:`count_queries`, it watches the replicas routers read from too
    (``routed=False``: only ``dbs``).
    """
    if threshold < 2:
        raise ValueError("threshold must be at least 2")
    with count_queries(*dbs, locate=True, routed=routed) as seen:
        yield seen
    offenders = seen.repeated(threshold)
    if not offenders:
        return
    lines = []
    for sql, n in offenders:
        where = {e.location for e in seen.events if e.sql == sql and e.location}
        lines.append(
            f"{n} x {' '.join(sql.split())}"
            + (f"\n    from {', '.join(sorted(where))}" if where else "")
        )
    message = "Possible N+1 queries (the same SELECT once per row):\n  " + "\n  ".join(lines)
    if warn:
        warnings.warn(message, NPlusOneWarning, stacklevel=3)
    else:
        raise NPlusOneError(message)


__all__ = [
    "NPlusOneError",
    "NPlusOneWarning",
    "QueryCount",
    "QueryEvent",
    "Watch",
    "count_queries",
    "detect_n_plus_one",
    "log_queries",
    "watch",
]
