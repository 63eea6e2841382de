"""Turning DBAPI rows into what a QuerySet yields: instances, dicts, tuples, values.

Instances are made by a row builder written out once per set of columns (see
``row_builder``); ``select_related`` objects are attached from the columns
after the model's own.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from manouche.orm_lite._plans import related_plan

if TYPE_CHECKING:
    from manouche.orm_lite._database import Database
    from manouche.orm_lite._queryset import QuerySet

#: What a QuerySet yields: instances, dicts, tuples, single values, namedtuples.
MODELS, VALUES, VALUES_LIST, FLAT, NAMED = range(5)


def plan_models(
    qs: QuerySet[Any], plan: Any, rows: Sequence[Any], description: Any, db: Database
) -> list[Any]:
    """What this chain yields (instances, dicts, tuples...) from the DBAPI rows of its plan."""
    from manouche.orm_lite._base import ModelState

    if qs._kind != MODELS:
        converted = plan.converters(db.engine.dialect, description).convert(rows)
        return values_rows(qs._kind, plan.names, converted, qs._row_class)
    procs = plan_converters(plan, db, description)
    related = plan.extra[2]
    build = (
        related_row_builder(plan.names, procs, related)
        if related
        else row_builder(plan.names, procs)
    )
    objs: list[Any] = build(rows, qs.model, db, ModelState)
    return objs


def build_plain_models(
    qs: QuerySet[Any], raw: Sequence[Any], procs: Any, db: Database
) -> list[Any]:
    """Instances straight from DBAPI rows, by a row builder made for these columns."""
    from manouche.orm_lite._base import ModelState

    names, _ = qs._query.model_columns()
    build = row_builder((*names, *qs._query.annotation_order), tuple(procs))
    objs: list[Any] = build(raw, qs.model, db, ModelState)
    return objs


def convert(
    qs: QuerySet[Any], rows: Sequence[Any], layout: list[tuple[Any, ...]] | None = None
) -> list[Any]:
    """What ``qs`` yields for converted ``rows``; ``layout``: its ``related_plan``, if known."""
    kind = qs._kind
    if kind == MODELS:
        return build_models(qs, rows, layout)
    return values_rows(kind, qs._query.values_names or [], rows, qs._row_class)


def values_rows(kind: int, names: Sequence[str], rows: Sequence[Any], cls: Any) -> list[Any]:
    """``values()``/``values_list()`` results of converted rows selecting ``names`` first."""
    n = len(names)
    if kind == VALUES:
        return [dict(zip(names, row, strict=False)) for row in rows]
    if kind == FLAT:
        return [row[0] for row in rows]
    if kind == NAMED:
        return [cls(*row[:n]) for row in rows]
    return [tuple(row[:n]) for row in rows]


@functools.lru_cache(maxsize=256)
def row_class(names: tuple[str, ...]) -> Any:
    """The namedtuple class of ``values_list(named=True)`` rows, made once per field list.

    A name that is no identifier is namedtuple's ``ValueError``, as Django's; the rows
    pickle (they unpickle through this function, by their names)."""

    def __reduce__(self: Any) -> Any:
        return _unpickle_row, (names, tuple(self))

    base = collections.namedtuple("Row", names)  # type: ignore[misc]
    return type("Row", (base,), {"__reduce__": __reduce__, "__slots__": ()})


def _unpickle_row(names: tuple[str, ...], values: tuple[Any, ...]) -> Any:
    return row_class(names)(*values)


def build_models(
    qs: QuerySet[Any], rows: Sequence[Any], layout: list[tuple[Any, ...]] | None = None
) -> list[Any]:
    from manouche.orm_lite._base import ModelState, builds_without_init

    cls: Any = qs.model
    q = qs._query
    db = qs.db
    names, mcols = q.model_columns()
    n = len(names)
    annotations = q.annotation_order
    if not builds_without_init(cls):
        objs = [cls.from_db(db, names, row[:n]) for row in rows]
    else:
        new = cls.__new__
        objs = []
        append = objs.append
        for row in rows:
            obj = new(cls)
            d = dict(zip(names, row, strict=False))
            d["_state"] = ModelState(db, False)
            obj.__dict__ = d
            append(obj)
    if annotations:
        for obj, row in zip(objs, rows, strict=True):
            d = obj.__dict__
            for i, name in enumerate(annotations, n):
                d[name] = row[i]
    if q.select_related and objs:
        plan = layout if layout else related_plan(qs)[0]
        plain = {target: builds_without_init(target) for _, _, target, *_ in plan}
        for obj, row in zip(objs, rows, strict=True):
            made: list[Any] = []
            for name, f, target, tnames, start, stop, parent in plan:
                owner = obj if parent < 0 else made[parent]
                values = row[start:stop]
                pk_index = tnames.index(target._meta.pk.attname)
                if owner is None or values[pk_index] is None:
                    rel_obj = None
                elif not plain[target]:
                    rel_obj = target.from_db(db, tnames, values)
                else:
                    rel_obj = target.__new__(target)
                    rd = dict(zip(tnames, values, strict=True))
                    rd["_state"] = ModelState(db, False)
                    rel_obj.__dict__ = rd
                made.append(rel_obj)
                if owner is not None:
                    cache = (
                        f"_{f.get_accessor_name()}_cache" if f.auto_created else f"_{name}_cache"
                    )
                    owner.__dict__[cache] = rel_obj
    return objs


def get_instance(
    qs: QuerySet[Any], plan: Any, raw: Sequence[Any], description: Any, db: Any
) -> Any:
    """The instance of the DBAPI row of a ``get(pk=)`` plan (shared with ``aget``).

    The plan keeps the row builder of its converters: one call makes the instance.
    """
    from manouche.orm_lite._base import ModelState, builds_without_init

    cls = qs.model
    converters = plan.converters(db.engine.dialect, description)
    made = plan.extra
    if made is None or made[0] is not converters:
        made = plan.extra = (converters, row_builder(plan.names, converters.procs))
    if builds_without_init(cls):
        return made[1](raw, cls, db, ModelState)[0]
    return cls.from_db(db, plan.names, converters.convert(raw)[0])


def plan_converters(plan: Any, db: Database, description: Any) -> tuple[Any, ...]:
    from manouche.orm_lite._database import _converters

    return _converters(plan.types, db.engine.dialect, description).procs


_builders: dict[Any, Any] = {}


def row_builder(names: tuple[str, ...], procs: tuple[tuple[int, Any], ...]) -> Any:
    """A function turning DBAPI rows into instances of the given columns, made once.

    The loop is written out for the columns (a dict display, each converter
    called inline), which is what makes loading rows cheap.
    """
    key = (names, procs)
    found = _builders.get(key)
    if found is not None:
        return found
    converted = dict(procs)
    width = len(names)
    args = ", ".join(f"v{i}" for i in range(width))
    items = []
    for i, name in enumerate(names):
        if i in converted:
            items.append(f"{name!r}: None if v{i} is None else p{i}(v{i})")
        else:
            items.append(f"{name!r}: v{i}")
    items.append("'_state': state(db, False)")

    def loop(target: str, indent: str) -> str:
        return (
            f"{indent}for {target} in raw:\n"
            f"{indent}    obj = new(cls)\n"
            f"{indent}    obj.__dict__ = {{{', '.join(items)}}}\n"
            f"{indent}    append(obj)\n"
        )

    if width:
        # Rows exactly as wide as the names unpack without building a list of the
        # rest (select_related and other extras add columns after them).
        loops = (
            f"    if raw and len(raw[0]) == {width}:\n{loop(f'({args},)', '        ')}"
            f"    else:\n{loop(f'({args}, *_rest)', '        ')}"
        )
    else:
        loops = loop("_rest", "    ")
    source = (
        "def build(raw, cls, db, state):\n"
        "    new = cls.__new__\n"
        "    out = []\n"
        "    append = out.append\n"
        f"{loops}"
        "    return out\n"
    )
    namespace: dict[str, Any] = {f"p{i}": proc for i, proc in procs}
    exec(compile(source, "<orm-lite row builder>", "exec"), namespace)  # noqa: S102
    if len(_builders) > 1024:
        _builders.clear()
    found = _builders[key] = namespace["build"]
    return found


def related_row_builder(
    names: tuple[str, ...], procs: tuple[tuple[int, Any], ...], related: tuple[Any, ...]
) -> Any:
    """``row_builder`` for rows with ``select_related`` columns after the model's own.

    ``related`` is a plan's ``related_spec``: each related object is made from
    its columns (None when its primary key is NULL, or when the object it hangs
    on is None) and stored in that object's relation cache, written out once.
    """
    key = (names, procs, related)
    found = _builders.get(key)
    if found is not None:
        return found
    converted = dict(procs)
    namespace: dict[str, Any] = {f"p{i}": proc for i, proc in procs}

    def value(i: int) -> str:
        return f"(None if (x := row[{i}]) is None else p{i}(x))" if i in converted else f"row[{i}]"

    def display(attnames: Sequence[str], start: int) -> str:
        items = [f"{name!r}: {value(start + j)}" for j, name in enumerate(attnames)]
        return "{" + ", ".join([*items, "'_state': state(db, False)"]) + "}"

    lines = [
        "def build(raw, cls, db, state):",
        "    new = cls.__new__",
        "    out = []",
        "    append = out.append",
        "    for row in raw:",
        "        obj = new(cls)",
        f"        obj.__dict__ = {display(names, 0)}",
    ]
    for k, (target, tnames, start, parent, cache, pk_index) in enumerate(related):
        namespace[f"T{k}"] = target
        namespace[f"n{k}"] = target.__new__
        owner = "obj" if parent < 0 else f"r{parent}"
        empty = f"row[{start + pk_index}] is None"
        if parent >= 0:
            empty = f"{owner} is None or {empty}"
        lines += [
            f"        if {empty}:",
            f"            r{k} = None",
            "        else:",
            f"            r{k} = n{k}(T{k})",
            f"            r{k}.__dict__ = {display(tnames, start)}",
        ]
        if parent < 0:
            lines.append(f"        obj.__dict__[{cache!r}] = r{k}")
        else:
            lines.append(f"        if {owner} is not None:")
            lines.append(f"            {owner}.__dict__[{cache!r}] = r{k}")
    lines += ["        append(obj)", "    return out"]
    exec(compile("\n".join(lines) + "\n", "<orm-lite related row builder>", "exec"), namespace)  # noqa: S102
    if len(_builders) > 1024:
        _builders.clear()
    found = _builders[key] = namespace["build"]
    return found
