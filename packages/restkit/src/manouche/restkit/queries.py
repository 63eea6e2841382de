"""What generic views, filters and validators need of a queryset, for plain SQLAlchemy models.

An orm-lite ``QuerySet`` already has Django's API (``filter``, ``order_by``,
``get``, ``count``, slicing). ``SQLAlchemyQuery(Model, session)`` offers the
same few methods over a declarative model, so the same views and validators
work on a Flask-SQLAlchemy app's models.
"""

from __future__ import annotations

import sys
from typing import Any

import sqlalchemy as sa


def q_class(queryset: Any) -> Any:
    """The ``Q`` of the queryset's own ORM (orm-lite's, Django's), found without importing it."""
    module = sys.modules.get(type(queryset).__module__)
    found = getattr(module, "Q", None)
    if found is None:
        root = type(queryset).__module__.rsplit(".", 1)[0]
        found = getattr(sys.modules.get(root), "Q", None)
    return found


class SQLAlchemyQuery:
    """A lazy, chainable query over a declarative model with Django's method names.

    ``session`` is a ``Session`` or a callable returning one (Flask-SQLAlchemy's
    ``db.session`` is both).
    """

    def __init__(
        self,
        model: Any,
        session: Any,
        where: Any = None,
        ordering: tuple[Any, ...] = (),
        window: tuple[int, int | None] | None = None,
    ) -> None:
        self.model = model
        self._session = session
        self.where = where
        self.ordering = ordering
        self.window = window

    def _clone(self, **changes: Any) -> SQLAlchemyQuery:
        values = {
            "where": self.where,
            "ordering": self.ordering,
            "window": self.window,
        }
        values.update(changes)
        return SQLAlchemyQuery(self.model, self._session, **values)

    @property
    def session(self) -> Any:
        session = self._session
        if callable(session) and not hasattr(session, "execute"):
            session = session()
        return session

    def _column(self, name: str) -> Any:
        if name == "pk":
            return next(iter(sa.inspect(self.model).primary_key))
        attr = getattr(self.model, name, None)
        if attr is None or not hasattr(attr, "property"):
            raise ValueError(f"{self.model.__name__} has no column {name!r}")
        return attr

    def _clause(self, key: str, value: Any) -> Any:
        name, _, lookup = key.partition("__")
        column = self._column(name)
        if value is not None and lookup in ("", "exact", "gt", "gte", "lt", "lte"):
            try:
                python_type = column.type.python_type
            except (AttributeError, NotImplementedError):
                python_type = None
            if python_type in (int, float, str) and not isinstance(value, python_type):
                value = python_type(value)  # ValueError for "abc" as an integer key
        if lookup in ("", "exact"):
            return column.is_(None) if value is None else column == value
        if lookup == "icontains":
            return column.ilike(f"%{_escape_like(str(value))}%", escape="\\")
        if lookup == "gt":
            return column > value
        if lookup == "gte":
            return column >= value
        if lookup == "lt":
            return column < value
        if lookup == "lte":
            return column <= value
        if lookup == "in":
            return column.in_(list(value))
        raise ValueError(f"unsupported lookup {lookup!r}")

    def _narrowed(self, clause: Any) -> SQLAlchemyQuery:
        where = clause if self.where is None else sa.and_(self.where, clause)
        return self._clone(where=where)

    def filter(self, *clauses: Any, **lookups: Any) -> SQLAlchemyQuery:
        parts = [*clauses, *(self._clause(k, v) for k, v in lookups.items())]
        return self._narrowed(sa.and_(*parts)) if parts else self._clone()

    def exclude(self, **lookups: Any) -> SQLAlchemyQuery:
        parts = [self._clause(k, v) for k, v in lookups.items()]
        return self._narrowed(sa.not_(sa.and_(*parts)))

    def search(self, fields: list[str], terms: list[str]) -> SQLAlchemyQuery:
        """Rows where every term is in at least one of ``fields`` (case-insensitive)."""
        clauses = [
            sa.or_(*(self._clause(f"{name}__icontains", term) for name in fields)) for term in terms
        ]
        return self._narrowed(sa.and_(*clauses)) if clauses else self._clone()

    def exclude_instance(self, instance: Any) -> SQLAlchemyQuery:
        mapper = sa.inspect(self.model)
        clauses = [
            column != getattr(instance, mapper.get_property_by_column(column).key)
            for column in mapper.primary_key
        ]
        return self._narrowed(sa.or_(*clauses))

    def order_by(self, *names: str) -> SQLAlchemyQuery:
        ordering = []
        for name in names:
            column = self._column(name.lstrip("-"))
            ordering.append(column.desc() if name.startswith("-") else column.asc())
        return self._clone(ordering=tuple(ordering))

    def all(self) -> SQLAlchemyQuery:
        return self._clone()

    def _select(self) -> Any:
        statement = sa.select(self.model)
        if self.where is not None:
            statement = statement.where(self.where)
        ordering = self.ordering or tuple(sa.inspect(self.model).primary_key)
        statement = statement.order_by(*ordering)
        if self.window is not None:
            start, stop = self.window
            statement = statement.offset(start)
            if stop is not None:
                statement = statement.limit(max(0, stop - start))
        return statement

    def __iter__(self) -> Any:
        return iter(self.session.scalars(self._select()).all())

    def __len__(self) -> int:
        return len(list(self))

    def __getitem__(self, item: int | slice) -> Any:
        if isinstance(item, slice):
            if item.step not in (None, 1):
                raise ValueError("slices with a step are not supported")
            start = item.start or 0
            if start < 0 or (item.stop is not None and item.stop < 0):
                raise ValueError("negative indexing is not supported")
            base = self.window[0] if self.window else 0
            stop = None if item.stop is None else base + item.stop
            return list(self._clone(window=(base + start, stop)))
        found = self[item : item + 1]
        if not found:
            raise IndexError(item)
        return found[0]

    def count(self) -> int:
        statement = sa.select(sa.func.count()).select_from(self.model)
        if self.where is not None:
            statement = statement.where(self.where)
        return int(self.session.execute(statement).scalar_one())

    def exists(self) -> bool:
        statement = sa.select(sa.literal(1)).select_from(self.model)
        if self.where is not None:
            statement = statement.where(self.where)
        return self.session.execute(statement.limit(1)).first() is not None

    def get(self, **lookups: Any) -> Any:
        narrowed = self.filter(**lookups)
        found = narrowed.session.scalars(narrowed._select().limit(2)).all()
        if not found:
            raise LookupError(f"no {self.model.__name__} matches {lookups!r}")
        if len(found) > 1:
            raise LookupError(f"more than one {self.model.__name__} matches {lookups!r}")
        return found[0]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
