"""Database routers: read replicas, per-model databases, relations kept on one database.

A router is any object with Django's methods, each optional and answering
``None`` for "no opinion"::

    class Router:
        def db_for_read(self, model, **hints): ...      # a Database or None
        def db_for_write(self, model, **hints): ...
        def allow_relation(self, obj1, obj2, **hints): ...  # True, False or None

``routers.register(router)`` puts it in use. From then on a QuerySet without
``using()`` reads from ``db_for_read(model)`` and writes to
``db_for_write(model)`` (the first router with an answer wins; the default
database otherwise). Reads inside a transaction of the write database go to
it, so a block sees its own writes. Instances remember where they belong and
are saved to the write database. ``using(db)`` still names a database outright.

:class:`ReplicaRouter` is the usual setup: writes to a primary, reads spread
over replicas.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from manouche.orm_lite import _database

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._database import Database


class BaseRouter(Protocol):
    """What ``routers.register`` accepts (every method optional)."""


class ReplicaRouter:
    """Writes to ``primary``; reads from ``replicas`` (round robin, or at random).

    :param models: route only these models (labels ``"app.Model"`` or classes); all by default.
    """

    def __init__(
        self,
        primary: Database,
        replicas: Sequence[Database],
        *,
        models: Iterable[Any] | None = None,
        choose: str = "round_robin",
    ) -> None:
        if not replicas:
            raise ValueError("ReplicaRouter needs at least one replica")
        if choose not in ("round_robin", "random"):
            raise ValueError("choose must be 'round_robin' or 'random'")
        self.primary = primary
        self.replicas = list(replicas)
        self._models = None if models is None else {_label(m) for m in models}
        self._cycle = itertools.cycle(self.replicas)
        self._lock = threading.Lock()
        self._random = choose == "random"

    def _routes(self, model: type[Model]) -> bool:
        return self._models is None or _label(model) in self._models

    def db_for_read(self, model: type[Model], **hints: Any) -> Database | None:
        if not self._routes(model):
            return None
        if self._random:
            return random.choice(self.replicas)  # noqa: S311 - load spreading, not security
        with self._lock:
            return next(self._cycle)

    def db_for_write(self, model: type[Model], **hints: Any) -> Database | None:
        return self.primary if self._routes(model) else None

    def databases(self) -> list[Database]:
        """Every database this router sends statements to: the primary, then the replicas."""
        return [self.primary, *self.replicas]

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        pool = {id(self.primary), *(id(r) for r in self.replicas)}
        if id(home(obj1)) in pool and id(home(obj2)) in pool:
            return True
        return None


def _label(model: Any) -> str:
    if isinstance(model, str):
        return model.lower()
    return str(model._meta.label_lower)


class ConnectionRouter:
    """The routers in use, asked in order (a registry: ``register``/``unregister``/``get``)."""

    def __init__(self) -> None:
        self._routers: list[Any] = []
        self._facades: dict[type[Any], RoutedDatabase] = {}

    def register(self, router: Any) -> None:
        methods = ("db_for_read", "db_for_write", "allow_relation")
        if not any(callable(getattr(router, m, None)) for m in methods):
            raise TypeError(f"{router!r} is not a router: it has none of {', '.join(methods)}")
        self._routers.append(router)

    def unregister(self, router: Any) -> None:
        try:
            self._routers.remove(router)
        except ValueError:
            raise LookupError(f"{router!r} is not registered") from None
        if not self._routers:
            self._facades.clear()

    def get(self) -> list[Any]:
        """The registered routers, in the order they are asked."""
        return list(self._routers)

    def clear(self) -> None:
        self._routers.clear()
        self._facades.clear()

    def __bool__(self) -> bool:
        return bool(self._routers)

    def _ask(self, method: str, *args: Any, **hints: Any) -> Any:
        for router in self._routers:
            fn = getattr(router, method, None)
            if fn is None:
                continue
            answer = fn(*args, **hints)
            if answer is not None:
                return answer
        return None

    def reachable_from(self, db: Database) -> list[Database]:
        """The databases a router that knows ``db`` may send statements to instead.

        A router says which databases it uses with a ``databases()`` method
        (:class:`ReplicaRouter` has one); ``db`` itself comes first.
        """
        found: dict[int, Database] = {id(db): db}
        for router in self._routers:
            listed = getattr(router, "databases", None)
            if not callable(listed):
                continue
            group = list(listed())
            if any(member is db for member in group):
                for member in group:
                    found.setdefault(id(member), member)
        return list(found.values())

    def db_for_read(self, model: type[Model], **hints: Any) -> Database:
        db = self._ask("db_for_read", model, **hints)
        return db if db is not None else _instance_db(hints) or _default()

    def db_for_write(self, model: type[Model], **hints: Any) -> Database:
        db = self._ask("db_for_write", model, **hints)
        return db if db is not None else _instance_db(hints) or _default()

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        answer = self._ask("allow_relation", obj1, obj2, **hints)
        if answer is not None:
            return bool(answer)
        return home(obj1) is home(obj2)

    def database_for(self, model: type[Model]) -> Database:
        """What a QuerySet of ``model`` runs on without ``using()`` (no routers: the default)."""
        if not self._routers:
            return _database.get_default_database()
        facade = self._facades.get(model)
        if facade is None:
            facade = RoutedDatabase(self, model)
            self._facades[model] = facade
        return facade  # type: ignore[return-value]


def _default() -> Database:
    return _database.get_default_database()


def _instance_db(hints: dict[str, Any]) -> Database | None:
    instance = hints.get("instance")
    state = getattr(instance, "_state", None)
    db = getattr(state, "db", None)
    return db.write_database() if isinstance(db, RoutedDatabase) else db


def home(obj: Any) -> Database | None:
    """The database an instance belongs to (its write database when it came through routing)."""
    db = getattr(getattr(obj, "_state", None), "db", None)
    if isinstance(db, RoutedDatabase):
        return db.write_database()
    return getattr(db, "_origin", db)


#: The routers orm-lite asks (empty: everything goes to the default database).
routers = ConnectionRouter()


def check_relation(instance: Any, value: Any, field_name: str) -> None:
    """Refuse to relate two saved instances that the routers keep on different databases."""
    if not routers or value is None:
        return
    # As Django: an instance not yet tied to a database goes where the router writes it.
    inst_state, value_state = getattr(instance, "_state", None), getattr(value, "_state", None)
    if inst_state is None or value_state is None:
        return
    if inst_state.db is None:
        inst_state.db = routers.db_for_write(type(instance), instance=value)
    if value_state.db is None:
        value_state.db = routers.db_for_write(type(value), instance=instance)
    if not routers.allow_relation(value, instance):
        raise ValueError(
            f'Cannot assign "{value!r}": the current database router prevents this relation '
            f"({type(instance).__name__}.{field_name} on {home(instance)!r}, "
            f"the value on {home(value)!r})."
        )


class RoutedDatabase:
    """The database a QuerySet of one model sees when routers are in use.

    Statements that read go to ``db_for_read(model)`` (unless the write database
    has a transaction open in this thread); everything else goes to
    ``db_for_write(model)``, whose transaction state, connection and engine this
    object shares.
    """

    def __init__(self, router: ConnectionRouter, model: type[Model]) -> None:
        self._router = router
        self.model = model

    def __repr__(self) -> str:
        return f"<RoutedDatabase for {self.model._meta.label}>"

    def write_database(self) -> Database:
        return self._router.db_for_write(self.model)

    def read_database(self) -> Database:
        write = self.write_database()
        if write.in_atomic_block or write._state.bound:
            return write
        return self._router.db_for_read(self.model)

    # The write database's face: transactions, connections, dialect.
    @property
    def _state(self) -> Any:
        return self.write_database()._state

    @property
    def engine(self) -> sa.Engine:
        return self.write_database().engine

    @property
    def vendor(self) -> str:
        return self.write_database().vendor

    @property
    def metadata(self) -> sa.MetaData:
        return self.write_database().metadata

    @property
    def in_atomic_block(self) -> bool:
        return self.write_database().in_atomic_block

    @property
    def autocommits(self) -> bool:
        return self.write_database().autocommits

    def connection(self) -> sa.Connection:
        return self.write_database().connection()

    def atomic(self, *args: Any, **kwargs: Any) -> Any:
        return self.write_database().atomic(*args, **kwargs)

    def on_commit(self, *args: Any, **kwargs: Any) -> None:
        self.write_database().on_commit(*args, **kwargs)

    def execute(self, statement: Any, params: Any = None) -> list[Any]:
        return self.write_database().execute(statement, params)

    def _run(self, statement: Any, params: Any = None) -> tuple[list[Any], int, Any]:
        return self.write_database()._run(statement, params)

    # Reads.
    def _fetch(self, statement: Any, params: Any = None) -> list[Any]:
        return self.read_database()._fetch(statement, params)

    def _stream(self, statement: Any, chunk_size: int) -> Iterator[Any]:
        return self.read_database()._stream(statement, chunk_size)

    #: The other ``Database`` methods that only read (compiled fast paths): they go where reads go.
    _READS = frozenset({"_fetch_converted", "_run_plan", "_raw_rows", "_plan"})

    def __getattr__(self, name: str) -> Any:
        # Anything else (async engine, bind_connection, ...) is the write database's.
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._READS or name.startswith(("_fetch", "_stream")):
            return getattr(self.read_database(), name)
        return getattr(self.write_database(), name)


__all__ = [
    "BaseRouter",
    "ConnectionRouter",
    "ReplicaRouter",
    "RoutedDatabase",
    "check_relation",
    "home",
    "routers",
]
