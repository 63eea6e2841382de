"""``Meta.constraints`` and ``Meta.indexes``: UniqueConstraint, CheckConstraint, Index."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.orm_lite._exceptions import ValidationError
from manouche.orm_lite._expressions import Q

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._database import Database


#: The longest name every supported database takes (PostgreSQL's 63; MariaDB takes 64).
MAX_NAME_LENGTH = 63


#: ``info`` key of the constraints and indexes named by orm-lite (not by the user): a
#: database object on the same columns under another name is taken for them.
AUTO_NAMED = "manouche_auto_name"


def names_digest(*args: str, length: int) -> str:
    """Django's short digest of names (the hex MD5 of their concatenation, cut)."""
    h = hashlib.md5(usedforsecurity=False)
    for arg in args:
        h.update(arg.encode())
    return h.hexdigest()[:length]


def django_index_name(table: str, columns: Sequence[str], suffix: str = "") -> str:
    """The name Django's schema editor gives an index or constraint on ``columns``.

    ``<table>_<columns>_<digest><suffix>``, shortened as Django shortens it for
    PostgreSQL when it is longer than :data:`MAX_NAME_LENGTH`.
    """
    hash_suffix = names_digest(table, *columns, length=8) + suffix
    name = f"{table}_{'_'.join(columns)}_{hash_suffix}"
    if len(name) <= MAX_NAME_LENGTH:
        return name
    if len(hash_suffix) > MAX_NAME_LENGTH / 3:
        hash_suffix = hash_suffix[: MAX_NAME_LENGTH // 3]
    other = (MAX_NAME_LENGTH - len(hash_suffix)) // 2 - 1
    name = f"{table[:other]}_{'_'.join(columns)[:other]}_{hash_suffix}"
    if name[0] == "_" or name[0].isdigit():
        name = f"D{name[:-1]}"
    return name


def foreign_key_name(table: str, column: str, to_table: str, to_column: str) -> str:
    """Django's name for a foreign key constraint (``..._fk_<to_table>_<to_column>``)."""
    return django_index_name(table, [column], f"_fk_{to_table}_{to_column}")


def unique_together_name(table: str, columns: Sequence[str]) -> str:
    """Django's name for a ``unique_together`` constraint (``..._uniq``)."""
    return django_index_name(table, columns, "_uniq")


def unique_column_name(table: str, column: str) -> str:
    """The name PostgreSQL gives a column's ``UNIQUE`` (``<table>_<column>_key``), which is
    what a Django-made PostgreSQL database has: the longer part is cut first to fit."""
    avail = MAX_NAME_LENGTH - len("_key") - 1
    t, c = len(table), len(column)
    while t + c > avail:
        if t > c:
            t -= 1
        else:
            c -= 1
    return f"{table[:t]}_{column[:c]}_key"


def name_unique_columns(table: sa.Table) -> None:
    """Give each unnamed single-column ``UNIQUE`` of ``table`` its deterministic name, and
    each field's own index (``db_index``, foreign keys) Django's name for it."""
    for index in table.indexes:
        if getattr(index, "_column_flag", False) and len(index.columns) == 1:
            (column,) = index.columns
            index.name = sa.sql.quoted_name(django_index_name(table.name, [column.name]), None)
            index.info[AUTO_NAMED] = True
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and not constraint.name:
            cols = [c.name for c in constraint.columns]
            constraint.name = (
                unique_column_name(table.name, cols[0])
                if len(cols) == 1
                else unique_together_name(table.name, cols)
            )
            constraint.info[AUTO_NAMED] = True


def _column(model: type[Model], name: str) -> sa.Column[Any]:
    f = model._meta.get_field(name)
    col: sa.Column[Any] = model._meta.table.c[f.column]
    return col


class BaseConstraint:
    """The base of ``Meta.constraints`` entries: a ``name`` and the message of a violation."""

    def __init__(self, *, name: str, violation_error_message: str | None = None) -> None:
        if not name:
            raise ValueError("A constraint needs a name")
        self.name = name
        self.violation_error_message = (
            violation_error_message or f"Constraint “{name}” is violated."
        )

    def attach(self, model: type[Model]) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: name={self.name!r}>"


class UniqueConstraint(BaseConstraint):
    """Unique ``fields`` (with ``condition=Q(...)``: a partial unique index)."""

    def __init__(
        self,
        *expressions: Any,
        fields: Sequence[str] = (),
        name: str,
        condition: Q | None = None,
        violation_error_message: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, violation_error_message=violation_error_message)
        if expressions:
            raise NotImplementedError(
                "UniqueConstraint on expressions is not supported by orm-lite"
            )
        if not fields:
            raise ValueError("UniqueConstraint needs fields=")
        self.fields = tuple(fields)
        self.condition = condition

    def attach(self, model: type[Model]) -> None:
        table = model._meta.table
        cols = [_column(model, f) for f in self.fields]
        if self.condition is None:
            table.append_constraint(sa.UniqueConstraint(*cols, name=self.name))
            return
        from manouche.orm_lite._query import Query

        where = Query(model).compile_q(self.condition, None)
        sa.Index(self.name, *cols, unique=True, sqlite_where=where, postgresql_where=where)


class CheckConstraint(BaseConstraint):
    """A CHECK constraint from a ``Q`` on the model's own fields: ``condition=Q(price__gte=0)``."""

    def __init__(
        self,
        *,
        condition: Q | None = None,
        check: Q | None = None,
        name: str,
        violation_error_message: str | None = None,
    ) -> None:
        super().__init__(name=name, violation_error_message=violation_error_message)
        cond = condition if condition is not None else check
        if not isinstance(cond, Q):
            raise TypeError("CheckConstraint needs condition=Q(...)")
        self.condition = cond

    def attach(self, model: type[Model]) -> None:
        from manouche.orm_lite._query import Query

        q = Query(model)
        expr = q.compile_q(self.condition, None)
        if q.joins:
            raise ValueError(f"CheckConstraint {self.name!r} cannot refer to other tables")
        model._meta.table.append_constraint(sa.CheckConstraint(expr, name=self.name))

    def validate(self, model: type[Model], instance: Model, db: Database) -> None:
        from manouche.orm_lite._query import Query

        q = Query(model)
        expr = q.compile_q(self.condition, None)
        # Evaluate the condition on the instance's values, without a table.
        values = {}
        for f in model._meta.init_fields:
            values[f.column] = sa.literal(
                getattr(instance, f.attname), type_=model._meta.table.c[f.column].type
            )
        replaced = sa.sql.visitors.replacement_traverse(  # type: ignore[call-overload]
            expr,
            {},
            lambda el: (
                values.get(el.name)
                if isinstance(el, sa.Column) and el.table is model._meta.table
                else None
            ),
        )
        rows = db._fetch(sa.select(sa.case((replaced, 1), else_=0)))
        if rows and rows[0][0] == 0:
            # NULL results satisfy a CHECK (SQL semantics): only a definite false fails.
            none = db._fetch(sa.select(sa.case((sa.not_(replaced), 1), else_=0)))
            if none and none[0][0] == 1:
                raise ValidationError(self.violation_error_message)


class Index:
    """An index on ``fields`` (``"-name"`` for descending), named ``name`` or derived."""

    def __init__(
        self,
        *expressions: Any,
        fields: Sequence[str] = (),
        name: str | None = None,
        condition: Q | None = None,
        **kwargs: Any,
    ) -> None:
        if expressions:
            raise NotImplementedError("Index on expressions is not supported by orm-lite")
        if not fields:
            raise ValueError("Index needs fields=")
        self.fields = list(fields)
        self.name = name
        self.condition = condition

    def attach(self, model: type[Model]) -> None:
        cols: list[Any] = []
        for f in self.fields:
            col = _column(model, f.lstrip("-"))
            cols.append(col.desc() if f.startswith("-") else col)
        name = (
            self.name
            or f"{model._meta.db_table}_{'_'.join(f.lstrip('-') for f in self.fields)}_idx"[:60]
        )
        kwargs: dict[str, Any] = {}
        if self.condition is not None:
            from manouche.orm_lite._query import Query

            where = Query(model).compile_q(self.condition, None)
            kwargs = {"sqlite_where": where, "postgresql_where": where}
        idx = sa.Index(name, *cols, **kwargs)
        if not any(isinstance(c, sa.Column) for c in cols):
            model._meta.table.append_constraint(idx)
        self.name = name

    def __repr__(self) -> str:
        return f"<Index: fields={self.fields!r} name={self.name!r}>"
