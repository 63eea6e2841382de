"""What the shim modules share: the orm-lite database the tests run on, and placeholders.

One orm-lite :class:`~manouche.orm_lite.Database` per worker process: an
SQLite file in a temporary folder (threads of a test each get a connection),
or the database named by ``MANOUCHE_DJANGO_SUITE_DATABASE_URL``. Its tables are
created for every orm-lite model the test apps defined so far
(:func:`ensure_tables`, called by the shim's test cases before each class).

A Django name orm-lite does not have is a :func:`missing` placeholder: a class
that can be named, subclassed and imported, and raises ``NotImplementedError``
naming what is missing when it is called, so a test module still loads and
only the tests that use the name fail.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

import sqlalchemy as sa

from manouche import orm_lite

_state: dict[str, Any] = {}


def database() -> orm_lite.Database:
    """The orm-lite database of this worker process (created on first use)."""
    db = _state.get("db")
    if db is None:
        url = os.environ.get("MANOUCHE_DJANGO_SUITE_DATABASE_URL")
        if not url:
            folder = tempfile.mkdtemp(prefix="ormlite-django-suite-")
            url = f"sqlite:///{os.path.join(folder, 'suite.sqlite3')}"
        db = orm_lite.Database(url)
        _state["db"] = db
    return db


def ensure_tables() -> None:
    """Create the tables of the models defined since the last call.

    A model whose relation points at a model that does not exist here (one
    of Django's contrib models, ``contenttypes.ContentType``) gets no table:
    its tests fail, the others run.
    """
    db = database()
    done: set[str] = _state.setdefault("created", set())
    # The models of the apps' models modules, as Django's test runner creates
    # the tables of the installed apps (and shim_contrib's ContentType); a
    # model a test defines is the test's.
    todo = [
        m
        for m in orm_lite.registry.get_models()
        if (
            m.__module__.endswith(".models")
            or ".models." in m.__module__  # a models package (serializers.models.base)
            or m.__module__ == "shim_contrib"
        )
        and not m._meta.abstract
        and m._meta.db_table not in done
    ]
    if not todo:
        return
    ready = []
    for model in todo:
        try:
            model._default_manager.get_queryset()  # checks that its relations resolve
        except orm_lite.ImproperlyConfigured:
            continue
        ready.append(model)
    # Together, so that the database sees the tables in dependency order
    # (PostgreSQL and MariaDB check a foreign key's table when creating it).
    try:
        db.create_all(ready)
    except sa.exc.DBAPIError:
        for model in ready:  # one at a time: the others get their tables
            try:
                db.create_all([model])
            except sa.exc.DBAPIError:
                continue
    done.update(model._meta.db_table for model in ready)


def resolve(using: Any) -> orm_lite.Database:
    """Django's alias (``"default"``, ``None``) or a ``Database`` -> the suite's database."""
    if using is None or isinstance(using, str):
        if using not in (None, "default"):
            raise NotImplementedError(f"the orm-lite suite has one database, not {using!r}")
        return database()
    return using  # type: ignore[no-any-return]


_placeholders: dict[str, type] = {}


def inert(placeholder: type, depth: int) -> Any:
    """An inert ``placeholder`` if the frame ``depth`` up is a class body; else raise."""
    caller = sys._getframe(depth).f_locals
    if "__module__" in caller and "__qualname__" in caller:
        return object.__new__(placeholder)
    raise Missing(f"manouche.orm_lite has no {placeholder.__name__}")


class Missing(NotImplementedError, AttributeError):
    """Django has it, orm-lite does not (an ``AttributeError`` too, so ``hasattr`` is False)."""


def missing(name: str) -> type:
    """A placeholder for Django's ``name``: importable, raising when used.

    Called in a class body (a model field orm-lite does not have, say
    ``models.ForeignObject(...)``), it gives an inert object instead, so the
    model is defined without that field and only the tests using it fail;
    every attribute of that object raises :class:`Missing`.
    """
    found = _placeholders.get(name)
    if found is not None:
        return found

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        return inert(cls, 2)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        pass

    def __getattr__(self: Any, attr: str) -> Any:  # noqa: N807
        raise Missing(f"manouche.orm_lite has no {name} (.{attr})")

    placeholder = type(
        name,
        (),
        {
            "__new__": __new__,
            "__init__": __init__,
            "__getattr__": __getattr__,
            "__doc__": f"Django's {name}: orm-lite has none.",
        },
    )
    _placeholders[name] = placeholder
    return placeholder
