"""Models as forms see them, and talking to their database.

A model is read by manouche-validation's one reader (:func:`describe`, for
orm-lite models and plain SQLAlchemy declarative ones alike); this module adds
what forms need on top: queries and transactions on whatever ``db`` the user
handed over, and orm-lite's managers. SQLAlchemy is imported lazily, so that
``manouche.formkit`` imports without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from manouche.validation.modelinfo import NOT_PROVIDED, ModelField, ModelInfo, describe_model

__all__ = [
    "NOT_PROVIDED",
    "Data",
    "ModelField",
    "ModelInfo",
    "describe",
    "is_database",
    "manager_database",
    "manager_queryset",
    "pk_value",
    "sqlalchemy",
]

_SQLALCHEMY_HINT = (
    "model forms read models through SQLAlchemy: install it with "
    "pip install 'manouche-formkit[sqlalchemy]'"
)


def sqlalchemy() -> Any:
    try:
        import sqlalchemy as sa
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(_SQLALCHEMY_HINT) from exc
    return sa


def describe(model: Any) -> ModelInfo:
    """The model as manouche-validation's reader describes it (cached there)."""
    try:
        return describe_model(model)
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(_SQLALCHEMY_HINT) from exc


def pk_value(instance: Any) -> Any:
    info = describe(type(instance))
    return getattr(instance, info.pk_name, None)


# -- the database ---------------------------------------------------------------


class Data:
    """Queries and transactions on whatever the user handed over as ``db``.

    A SQLAlchemy ``Session`` (instances are loaded through the ORM, so they are
    persistent), an object with ``execute()`` and ``atomic()`` (orm-lite's
    ``Database``), an ``Engine`` or a ``Connection``.
    """

    def __init__(self, db: Any) -> None:
        if db is None:
            raise TypeError("no database given")
        self.db = db
        self.is_session = hasattr(db, "scalars") and hasattr(db, "get_bind")

    def rows(self, statement: Any) -> list[Any]:
        db = self.db
        if self.is_session:
            return list(db.execute(statement).all())
        if hasattr(db, "atomic") and hasattr(db, "execute"):
            return list(db.execute(statement))
        if hasattr(db, "connect"):
            with db.connect() as conn:
                return list(conn.execute(statement).all())
        return list(db.execute(statement).all())

    def instances(self, model: Any, where: Any = None, order_by: Any = None) -> list[Any]:
        """Instances of ``model`` matching ``where`` (a SQLAlchemy clause)."""
        sa = sqlalchemy()
        info = describe(model)
        if self.is_session and info.mapped:
            statement = sa.select(model)
            if where is not None:
                statement = statement.where(where)
            statement = statement.order_by(*(order_by or info.table.primary_key.columns))
            return list(self.db.scalars(statement).all())
        statement = sa.select(info.table)
        if where is not None:
            statement = statement.where(where)
        statement = statement.order_by(*(order_by or info.table.primary_key.columns))
        by_column = {f.column.key: f.attname for f in info.fields if f.column is not None}
        return [
            model(**{by_column[key]: value for key, value in row._mapping.items()})
            for row in self.rows(statement)
        ]

    def exists(self, table: Any, where: Any) -> bool:
        sa = sqlalchemy()
        statement = sa.select(sa.literal(1)).select_from(table).where(where).limit(1)
        return bool(self.rows(statement))

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        db = self.db
        if hasattr(db, "atomic"):
            with db.atomic():
                yield
        elif self.is_session:
            with db.begin_nested():
                yield
        elif hasattr(db, "begin_nested") and hasattr(db, "in_transaction"):
            # A Connection: a savepoint inside the caller's transaction, else one.
            with db.begin_nested() if db.in_transaction() else db.begin():
                yield
        else:
            yield


# -- managers (orm-lite's ``Model.objects``, Django's API) ----------------------


def is_database(db: Any) -> bool:
    """Whether ``db`` is a database object of orm-lite's kind (``atomic()`` and ``execute()``)."""
    is_session = hasattr(db, "scalars") and hasattr(db, "get_bind")
    return not is_session and hasattr(db, "atomic") and hasattr(db, "execute")


def manager_queryset(model: Any, db: Any = None) -> Any:
    """``model.objects.all()`` (or ``.using(db)``), or None when that does not apply.

    A model with a Django-style manager (``objects`` offering ``filter``) is
    queried through it when no database is given, or when the database given is
    of the manager's kind; a SQLAlchemy Session, Engine or Connection keeps the
    SQLAlchemy path.
    """
    manager = getattr(model, "objects", None)
    if manager is None or not hasattr(manager, "filter") or not hasattr(manager, "all"):
        return None
    if db is None:
        return manager.all()
    if is_database(db) and hasattr(manager, "using"):
        return manager.using(db)
    return None


def manager_database(instance_or_model: Any) -> Any:
    """The database an instance (or model) with a Django-style manager saves to, or None."""
    if isinstance(instance_or_model, type):
        model = instance_or_model
    else:
        model = type(instance_or_model)
        state_db = getattr(getattr(instance_or_model, "_state", None), "db", None)
        if state_db is not None and is_database(state_db):
            return state_db
    manager = getattr(model, "objects", None)
    if manager is None or not hasattr(manager, "filter"):
        return None
    try:
        db = getattr(manager, "db", None)
    except RuntimeError:  # no default database configured: save() will say so
        return None
    return db if db is not None and is_database(db) else None
