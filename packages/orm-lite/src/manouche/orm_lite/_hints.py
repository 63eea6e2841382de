"""Database errors that say what to do: a missing table names its model and the fix.

``no such table: zoo_pet`` (SQLite), ``relation "zoo_pet" does not exist``
(PostgreSQL) and ``Table 'test.zoo_pet' doesn't exist`` (MariaDB) get a
detail line naming the orm-lite model whose table it is and the two ways to
make it: ``db.create_all()`` or the migrations. The error itself (its class,
its driver error) is unchanged, so code that catches it still does.

The listener is SQLAlchemy's ``handle_error`` event on every ``Engine``: it
adds a line only for tables of registered orm-lite models. The compiled
plans, which run on the driver's cursor, call :func:`explain` themselves.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from manouche.orm_lite._options import registry

_MISSING_TABLE = re.compile(
    r"no such table: (?:main\.)?(?P<sqlite>[\w$]+)"
    r"|relation \"(?:[\w$]+\.)?(?P<pg>[\w$]+)\" does not exist"
    r"|Table '(?:[\w$]+\.)?(?P<my>[\w$]+)' doesn't exist"
)


def missing_table_hint(message: str) -> str | None:
    """The advice for a driver message about a missing table, if the table is a model's."""
    found = _MISSING_TABLE.search(message)
    if found is None:
        return None
    table = found.group("sqlite") or found.group("pg") or found.group("my")
    models = [
        m
        for m in registry.get_models(include_auto_created=True)
        if m._meta.db_table.lower() == table.lower()
    ]
    if not models:
        return None
    owner = models[0]._meta.label
    return (
        f"The table {table!r} of model {owner} does not exist in this database: create it "
        "with db.create_all() (a new database without migrations), or apply the migrations "
        "(`manouche-orm migrate`, or Migrations(db).migrate())."
    )


def explain(error: sa.exc.StatementError) -> sa.exc.StatementError:
    """Add the advice for ``error`` to its details (if any); returns ``error``."""
    hint = missing_table_hint(str(error.orig))
    if hint is not None and hint not in error.detail:
        error.add_detail(hint)
    return error


def _explain(context: Any) -> None:
    error = context.sqlalchemy_exception
    if isinstance(error, sa.exc.StatementError):
        explain(error)


_installed = False


def install() -> None:
    """Listen on every engine (once per process)."""
    global _installed
    if not _installed:
        event.listen(sa.engine.Engine, "handle_error", _explain)
        _installed = True


install()
