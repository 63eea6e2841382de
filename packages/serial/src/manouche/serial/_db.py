"""Where serial reads and writes: a Connection, an Engine or an orm-lite ``Database``.

``using`` arguments take any of the three. A ``Database`` is recognised by its
surface (``connection()`` and ``atomic()``, docs/contracts.md), never imported.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

Using = Any  # sa.Connection | sa.Engine | a Database-like object | None


def default_using() -> Any:
    """orm-lite's default database when orm-lite is in use, else ``None``."""
    orm = sys.modules.get("manouche.orm_lite")
    getter = getattr(orm, "get_default_database", None)
    if getter is None:
        return None
    try:
        return getter()
    except RuntimeError:
        return None


def connection_for(using: Using) -> sa.Connection | None:
    """A Connection to read with (``None`` when there is nothing to read from)."""
    if using is None:
        using = default_using()
    if using is None:
        return None
    if isinstance(using, sa.Connection):
        return using
    if isinstance(using, sa.Engine):
        return using.connect()
    conn = getattr(using, "connection", None)
    if callable(conn):
        result = conn()
        if isinstance(result, sa.Connection):
            return result
    engine = getattr(using, "engine", None)
    if isinstance(engine, sa.Engine):
        return engine.connect()
    raise TypeError(
        f"using= must be a Connection, an Engine or a Database, not {type(using).__name__}"
    )


@contextmanager
def transaction(using: Using) -> Iterator[sa.Connection]:
    """One transaction (a savepoint when one is already open) and its Connection."""
    if using is None:
        using = default_using()
    if using is None:
        raise TypeError("Nothing to save to: pass using= (a Connection, an Engine or a Database)")
    if isinstance(using, sa.Engine):
        with using.begin() as conn:
            yield conn
        return
    if isinstance(using, sa.Connection):
        if using.in_transaction():
            with using.begin_nested():
                yield using
        else:
            with using.begin():
                yield using
        return
    atomic = getattr(using, "atomic", None)
    if callable(atomic):
        with atomic():
            bound = connection_for(using)
            assert bound is not None
            yield bound
        return
    raise TypeError(
        f"using= must be a Connection, an Engine or a Database, not {type(using).__name__}"
    )
