"""The database the site reads and writes, whatever the user handed over.

An orm-lite ``Database`` (rows come back as model instances through
``Model.from_db``, saves and deletes go through the model, so signals and
cascades are orm-lite's), or a SQLAlchemy ``Session`` (a Flask-SQLAlchemy
``db.session`` included: instances are loaded through the ORM and the
session is committed at the end of a successful write).

Every list, filter, count and search is one SQLAlchemy Core statement on the
model's table; only the instances shown are built.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa


def is_orm_lite(model: Any) -> bool:
    return hasattr(model, "from_db") and hasattr(getattr(model, "_meta", None), "concrete_fields")


class Store:
    """Queries on the site's database (``db``), or on each orm-lite model's own."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.is_session = db is not None and hasattr(db, "scalars") and hasattr(db, "get_bind")

    def database_for(self, model: Any) -> Any:
        if self.db is not None:
            return self.db
        manager = getattr(model, "objects", None)
        db = getattr(manager, "db", None) if manager is not None else None
        if db is None:
            raise TypeError(
                f"no database for {getattr(model, '__name__', model)!r}: pass db=... to "
                "AdminSite (an orm-lite Database or a SQLAlchemy Session)"
            )
        return db

    def form_db(self, model: Any) -> Any:
        """What formkit's ModelForm takes as ``db`` for ``model``."""
        if is_orm_lite(model):
            return self.db if self.db is not None else None
        return self.database_for(model)

    # -- reading -----------------------------------------------------------

    def execute(self, model: Any, statement: Any) -> list[Any]:
        db = self.database_for(model)
        if hasattr(db, "scalars") and hasattr(db, "get_bind"):
            return list(db.execute(statement).all())
        if hasattr(db, "atomic") and hasattr(db, "execute"):
            return list(db.execute(statement))
        with db.connect() as conn:
            return list(conn.execute(statement).all())

    def scalar(self, model: Any, statement: Any) -> Any:
        rows = self.execute(model, statement)
        return rows[0][0] if rows else None

    def instances(self, model: Any, statement: Any) -> list[Any]:
        """Instances for a ``select()`` of the model's table columns (in table order)."""
        db = self.database_for(model)
        table = model.__table__
        if is_orm_lite(model):
            names = [
                f.attname
                for f in model._meta.concrete_fields
                if getattr(f, "column", None) is not None
            ]
            columns = [table.c[f.column] for f in model._meta.concrete_fields if f.column]
            statement = statement.with_only_columns(*columns)
            return [model.from_db(db, names, row) for row in self.execute(model, statement)]
        if hasattr(db, "scalars") and hasattr(db, "get_bind"):
            # The Core statement's rows, mapped to instances by the ORM (identity map kept).
            columns = statement.with_only_columns(*table.columns, maintain_column_froms=True)
            return list(db.scalars(sa.select(model).from_statement(columns)).unique().all())
        mapper = sa.inspect(model)
        keys = [mapper.get_property_by_column(c).key for c in table.columns]
        statement = statement.with_only_columns(*table.columns)
        return [
            model(**dict(zip(keys, row, strict=True))) for row in self.execute(model, statement)
        ]

    def by_pks(self, model: Any, pk_column: Any, pks: Sequence[Any]) -> list[Any]:
        if not pks:
            return []
        statement = sa.select(model.__table__).where(pk_column.in_(list(pks))).order_by(pk_column)
        return self.instances(model, statement)

    # -- writing -----------------------------------------------------------

    @contextlib.contextmanager
    def atomic(self, model: Any) -> Iterator[None]:
        """One transaction around a write; a Session is committed when it succeeds."""
        db = self.database_for(model)
        if hasattr(db, "atomic"):
            with db.atomic():
                yield
        elif hasattr(db, "scalars") and hasattr(db, "get_bind"):
            try:
                yield
                db.commit()
            except BaseException:
                db.rollback()
                raise
        else:
            yield

    def run(self, model: Any, statement: Any) -> None:
        db = self.database_for(model)
        if hasattr(db, "atomic") and hasattr(db, "execute"):
            db.execute(statement)
        elif hasattr(db, "scalars") and hasattr(db, "get_bind"):
            db.execute(statement)
        else:
            with db.begin() as conn:
                conn.execute(statement)

    def delete(self, model: Any, obj: Any) -> None:
        db = self.database_for(model)
        if is_orm_lite(model):
            obj.delete(using=db) if self.db is not None else obj.delete()
        elif hasattr(db, "scalars") and hasattr(db, "get_bind"):
            db.delete(obj)
            db.flush()
        else:
            raise TypeError("deleting a SQLAlchemy model needs a Session as the site's db")

    def engine_of(self, model: Any) -> Any:
        db = self.database_for(model)
        if hasattr(db, "get_bind"):
            return db.get_bind()
        return getattr(db, "engine", db)

    def save(self, model: Any, obj: Any) -> None:
        db = self.database_for(model)
        if is_orm_lite(model):
            obj.save(using=db) if self.db is not None else obj.save()
        elif hasattr(db, "scalars") and hasattr(db, "get_bind"):
            db.add(obj)
            db.flush()
        else:
            raise TypeError("saving a SQLAlchemy model needs a Session as the site's db")
