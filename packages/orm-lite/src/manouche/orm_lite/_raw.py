"""``Manager.raw()``: instances built from your own SQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from manouche.orm_lite._exceptions import FieldError

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._database import Database


class RawQuerySet:
    """Instances built from a raw SQL query's columns (matched by name)."""

    def __init__(
        self,
        raw_query: str,
        model: type[Model],
        params: Any,
        translations: dict[str, str] | None,
        using: Database | None,
    ) -> None:
        self.raw_query = raw_query
        self.model = model
        self.params = params
        self.translations = translations or {}
        self._db = using

    def __iter__(self) -> Iterator[Any]:
        from manouche.orm_lite._base import ModelState
        from manouche.orm_lite._database import get_default_database

        db = self._db or get_default_database()
        sql = self.raw_query
        params = self.params
        if db.vendor == "sqlite" and isinstance(params, list | tuple):
            sql = sql.replace("%%", "\x00").replace("%s", "?").replace("\x00", "%")
        conn = db.connection()
        autocommit = db.autocommits
        try:
            result = conn.exec_driver_sql(
                sql, tuple(params) if isinstance(params, list) else params
            )
            names = [self.translations.get(c, c) for c in result.keys()]
            rows = result.all()
            if autocommit:
                conn.commit()
        except BaseException:
            if autocommit:
                conn.rollback()
            raise
        opts = self.model._meta
        by_column = {f.column: f for f in opts.concrete_fields}
        by_column.update({f.attname: f for f in opts.concrete_fields})
        if opts.pk.column not in names and opts.pk.attname not in names:
            raise FieldError("Raw query must include the primary key")
        processors = []
        for name in names:
            f = by_column.get(name)
            proc = (
                f.sa_column.type.dialect_impl(db.engine.dialect).result_processor(
                    db.engine.dialect, None
                )
                if f is not None
                else None
            )
            processors.append((f.attname if f is not None else name, proc))
        for row in rows:
            obj = self.model.__new__(self.model)
            d: dict[str, Any] = {"_state": ModelState(db, False)}
            for (name, proc), value in zip(processors, row, strict=True):
                d[name] = proc(value) if proc is not None else value
            obj.__dict__ = d
            yield obj

    def __repr__(self) -> str:
        return f"<RawQuerySet: {self.raw_query}>"
