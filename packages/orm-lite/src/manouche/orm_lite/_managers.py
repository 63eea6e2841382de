"""Managers: ``Model.objects`` and the related managers (``author.book_set``, ``book.tags``)."""

from __future__ import annotations

import functools
import importlib
import inspect
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from manouche.orm_lite import _signals as signals
from manouche.orm_lite._async import AsyncManagerMixin

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._queryset import QuerySet

_counter = itertools.count()

#: The model a manager returns instances of: ``Manager[Book]``.
_M = TypeVar("_M", bound="Model")


class BaseManager(AsyncManagerMixin, Generic[_M]):
    """A manager: the entry point of queries, ``Model.objects``."""

    _queryset_class: type[QuerySet[Any]]
    #: How far up the bases the manager was declared (0: on the model itself).
    _inherited_depth = 0
    #: Made by ``QuerySet.as_manager()`` (``deconstruct()`` names the QuerySet class then).
    _built_with_as_manager = False
    _constructor_args: tuple[tuple[Any, ...], dict[str, Any]] = ((), {})

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # The arguments the manager was made with, for ``deconstruct()``.
        obj = super().__new__(cls)
        obj._constructor_args = (args, kwargs)
        return obj

    def __init__(self) -> None:
        self.model: type[_M] = None  # type: ignore[assignment]
        self.name: str = ""
        self._db: Any = None
        self._hints: dict[str, Any] = {}
        self.creation_counter = next(_counter)

    def __class_getitem__(cls, item: Any) -> type[BaseManager[Any]]:
        return cls

    def contribute_to_class(self, cls: type[_M], name: str) -> None:
        self.name = self.name or name
        self.model = cls
        setattr(cls, name, ManagerDescriptor(self))
        cls._meta.managers.append(self)

    def __repr__(self) -> str:
        where = f"{self.model._meta.label}.{self.name}" if self.model is not None else "unbound"
        return f"<{type(self).__name__}: {where}>"

    def deconstruct(self) -> tuple[bool, str | None, str | None, Any, Any]:
        """``(as_manager, manager_path, queryset_path, args, kwargs)`` that rebuild it.

        As Django's: a manager made by ``QuerySet.as_manager()`` names its QuerySet
        class; any other names its own class, which must be importable from its
        module (a class made by ``from_queryset()`` must be given a module-level name).
        """
        qs_class = self._queryset_class
        if self._built_with_as_manager:
            return True, None, f"{qs_class.__module__}.{qs_class.__name__}", None, None
        module_name = type(self).__module__
        name = type(self).__name__
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            raise ValueError(
                f"Could not find manager {name} in {module_name}.\n"
                "Please note that you need to inherit from managers you dynamically "
                "generated with 'from_queryset()'."
            )
        args, kwargs = self._constructor_args
        return False, f"{module_name}.{name}", None, args, kwargs

    @classmethod
    def from_queryset(
        cls, queryset_class: type[QuerySet[Any]], class_name: str | None = None
    ) -> type[Any]:
        """A manager class whose methods include ``queryset_class``'s own."""
        attrs: dict[str, Any] = {"_queryset_class": queryset_class}
        base = getattr(cls, "_queryset_class", None)
        # Django's rule: every function of the QuerySet class the manager does not have,
        # but the private ones (unless ``queryset_only = False``) and ``queryset_only`` ones.
        for name, attr in inspect.getmembers(queryset_class, predicate=inspect.isfunction):
            if hasattr(cls, name):
                continue
            if base is not None and getattr(base, name, None) is attr:
                continue
            queryset_only = getattr(attr, "queryset_only", None)
            if queryset_only or (queryset_only is None and name.startswith("_")):
                continue
            attrs[name] = _proxy(name, attr)
        return type(class_name or f"{cls.__name__}From{queryset_class.__name__}", (cls,), attrs)

    def get_queryset(self) -> QuerySet[Any]:
        """The QuerySet this manager starts from; override it to change every query."""
        if self.model._meta.pending:
            from manouche.orm_lite._related import check_resolved

            check_resolved(self.model)
        return self._queryset_class(model=self.model, using=self._db, hints=self._hints)

    def all(self) -> QuerySet[Any]:
        return self.get_queryset()

    def db_manager(self, using: Any) -> Self:
        import copy

        obj = copy.copy(self)
        obj._db = using
        return obj

    @property
    def db(self) -> Any:
        from manouche.orm_lite._database import get_default_database

        return self._db or get_default_database()


def _proxy(name: str, original: Any) -> Any:
    @functools.wraps(original)
    def method(self: BaseManager[Any], *args: Any, **kwargs: Any) -> Any:
        return getattr(self.get_queryset(), name)(*args, **kwargs)

    return method


class ManagerDescriptor:
    def __init__(self, manager: BaseManager[Any]) -> None:
        self.manager = manager

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is not None:
            raise AttributeError(
                f"Manager isn't accessible via {type(instance).__name__} instances"
            )
        if owner is not None and owner._meta.abstract:  # type: ignore[attr-defined]
            raise AttributeError(f"Manager isn't available; '{owner.__name__}' is abstract")
        return self.manager


def _need_pk(instance: Model, what: str) -> None:
    if instance.pk is None:
        raise ValueError(
            f"'{type(instance).__name__}' instance needs to have a primary key value before "
            f"{what} can be used."
        )


def create_reverse_many_to_one_manager(superclass: type[Any], rel: Any) -> type[Any]:
    """The manager class of ``author.book_set`` (rows whose foreign key is the instance)."""

    class RelatedManager(superclass):  # type: ignore[misc]
        def __init__(self, instance: Model) -> None:
            super().__init__()
            self.instance = instance
            self.model = rel.related_model
            self.field = rel.field
            self._db = instance._state.db
            self._hints = {"instance": instance}

        def __call__(self, *, manager: str) -> Any:
            """The same relation through another manager of the related model."""
            other = getattr(self.model, manager)
            return create_reverse_many_to_one_manager(type(other), rel)(self.instance)

        def _apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
            value = getattr(self.instance, self.field.target_field.attname)
            if value is None:
                raise ValueError(
                    f"'{type(self.instance).__name__}' instance needs to have a primary key value "
                    "before this relationship can be used."
                )
            qs = qs.filter(**{self.field.name: value})
            qs._known_related = (self.field, self.instance)
            return qs

        def _forget_prefetched(self) -> None:
            self.instance.__dict__.get("_prefetched_objects_cache", {}).pop(
                rel.get_accessor_name(), None
            )

        def get_queryset(self) -> QuerySet[Any]:
            cache = self.instance.__dict__.get("_prefetched_objects_cache", {})
            name = rel.get_accessor_name()
            if name in cache:
                return cache[name]  # type: ignore[no-any-return]
            return self._apply(super().get_queryset())

        def _check(self, objs: Iterable[Any]) -> list[Any]:
            out = []
            for obj in objs:
                if not isinstance(obj, self.model):
                    raise TypeError(
                        f"'{self.model._meta.object_name}' instance expected, got {obj!r}"
                    )
                out.append(obj)
            return out

        def add(self, *objs: Any, bulk: bool = True) -> None:
            _need_pk(self.instance, "this relationship")
            objs_ = self._check(objs)
            value = getattr(self.instance, self.field.target_field.attname)
            if bulk:
                pks = []
                for obj in objs_:
                    if obj._state.adding or obj.pk is None:
                        raise ValueError(
                            f"{obj!r} instance isn't saved. Use bulk=False or save the object "
                            "first."
                        )
                    pks.append(obj.pk)
                    setattr(obj, self.field.name, self.instance)
                self.model._base_manager.using(self._db).filter(pk__in=pks).update(
                    **{self.field.name: value}
                )
            else:
                for obj in objs_:
                    setattr(obj, self.field.name, self.instance)
                    obj.save(using=self._db)
            self._forget_prefetched()

        def create(self, **kwargs: Any) -> Any:
            _need_pk(self.instance, "this relationship")
            self._forget_prefetched()
            kwargs[self.field.name] = self.instance
            obj = self.model(**kwargs)
            obj.save(force_insert=True, using=self._db)
            return obj

        def get_or_create(self, defaults: Any = None, **kwargs: Any) -> Any:
            self._forget_prefetched()
            kwargs[self.field.name] = self.instance
            return self.model._default_manager.using(self._db).get_or_create(defaults, **kwargs)

        def update_or_create(self, defaults: Any = None, **kwargs: Any) -> Any:
            self._forget_prefetched()
            kwargs[self.field.name] = self.instance
            return self.model._default_manager.using(self._db).update_or_create(defaults, **kwargs)

        def remove(self, *objs: Any, bulk: bool = True) -> None:
            if not self.field.null:
                raise AttributeError(
                    f"remove() is not available: {self.model.__name__}.{self.field.name} cannot "
                    "be null"
                )
            if not objs:
                return
            value = getattr(self.instance, self.field.target_field.attname)
            pks = []
            for obj in self._check(objs):
                if getattr(obj, self.field.attname) != value:
                    raise self.field.remote_field.model.DoesNotExist(
                        f"{obj!r} is not related to {self.instance!r}."
                    )
                pks.append(obj.pk)
            # Only the rows this manager sees (a manager filtering its rows leaves the others).
            self._clear(self._apply(super().get_queryset()).filter(pk__in=pks), bulk)

        def clear(self, *, bulk: bool = True) -> None:
            if not self.field.null:
                raise AttributeError(
                    f"clear() is not available: {self.model.__name__}.{self.field.name} cannot be "
                    "null"
                )
            self._clear(self._apply(super().get_queryset()), bulk)

        def _clear(self, qs: QuerySet[Any], bulk: bool) -> None:
            self._forget_prefetched()
            qs = qs.using(self._db)
            if bulk:
                qs.update(**{self.field.name: None})
            else:
                from manouche.orm_lite._database import Atomic, get_default_database

                with Atomic(self._db or get_default_database(), savepoint=False):
                    for obj in qs:
                        setattr(obj, self.field.name, None)
                        obj.save(update_fields=[self.field.name])

        def set(self, objs: Iterable[Any], bulk: bool = True, clear: bool = False) -> None:
            objs = self._check(list(objs))
            if self.field.null:
                if clear:
                    self.clear(bulk=bulk)
                    self.add(*objs, bulk=bulk)
                    return
                wanted = {o.pk for o in objs}
                current = list(self._apply(super().get_queryset()).using(self._db))
                self.remove(*[o for o in current if o.pk not in wanted], bulk=bulk)
                have = {o.pk for o in current}
                self.add(*[o for o in objs if o.pk not in have], bulk=bulk)
            else:
                self.add(*objs, bulk=bulk)

    return RelatedManager


def create_forward_many_to_many_manager(
    superclass: type[Any], field: Any, reverse: bool
) -> type[Any]:
    """The manager class of ``book.tags`` (and, reversed, ``tag.book_set``)."""

    class ManyRelatedManager(superclass):  # type: ignore[misc]
        def __init__(self, instance: Model) -> None:
            super().__init__()
            self.instance = instance
            self.reverse = reverse
            if not reverse:
                self.model = field.related_model
                self.source_name = field.m2m_field_name()
                self.target_name = field.m2m_reverse_field_name()
                self.symmetrical = field.symmetrical
                self.cache_name = field.name
            else:
                self.model = field.model
                self.source_name = field.m2m_reverse_field_name()
                self.target_name = field.m2m_field_name()
                self.symmetrical = False
                self.cache_name = field.remote_field.get_accessor_name()
            self.through = field.through
            self._db = instance._state.db
            through_opts = self.through._meta
            source = through_opts.get_field(self.source_name)
            self.source_attname = source.attname
            self.target_attname = through_opts.get_field(self.target_name).attname
            target_field = getattr(source, "target_field", None) or instance._meta.pk
            if getattr(instance, target_field.attname) is None:
                raise ValueError(
                    f'"{instance!r}" needs to have a value for field "{target_field.name}" '
                    "before this many-to-many relationship can be used."
                )
            self._hints = {"instance": instance}

        def __call__(self, *, manager: str) -> Any:
            """The same relation through another manager of the related model."""
            other = getattr(self.model, manager)
            return create_forward_many_to_many_manager(type(other), field, reverse)(self.instance)

        def _visible(self, pks: Any) -> Any:
            """``pks``, or the subquery of those this manager sees when it filters its rows."""
            qs = super().get_queryset()
            if not qs._has_filters():
                return pks
            if pks is None:
                return qs.using(self._db).values("pk")
            return qs.using(self._db).filter(pk__in=list(pks)).values("pk")

        def _through(self) -> QuerySet[Any]:
            return self.through._base_manager.using(self._db).filter(  # type: ignore[no-any-return]
                **{self.source_attname: self._pk()}
            )

        def _pk(self) -> Any:
            pk = self.instance.pk
            if pk is None:
                raise ValueError(
                    f"'{type(self.instance).__name__}' instance needs to have a primary key value "
                    "before a many-to-many relationship can be used."
                )
            return pk

        def get_queryset(self) -> QuerySet[Any]:
            cache = self.instance.__dict__.get("_prefetched_objects_cache", {})
            if self.cache_name in cache:
                return cache[self.cache_name]  # type: ignore[no-any-return]
            sub = self._through().values(self.target_attname)
            return super().get_queryset().filter(pk__in=sub)  # type: ignore[no-any-return]

        def _to_pks(self, objs: Iterable[Any]) -> list[Any]:
            from manouche.orm_lite._base import Model

            pks = []
            for obj in objs:
                if isinstance(obj, Model):
                    if not isinstance(obj, self.model):
                        raise TypeError(
                            f"'{self.model._meta.object_name}' instance expected, got {obj!r}"
                        )
                    if obj.pk is None:
                        raise ValueError(
                            f'Cannot add "{obj!r}": instance is on database "default", value is '
                            "None"
                        )
                    pks.append(obj.pk)
                else:
                    pks.append(self.model._meta.pk.get_prep_value(obj))
            return pks

        def _send(self, action: str, pk_set: set[Any] | None) -> None:
            if signals.m2m_changed.receivers:
                signals.m2m_changed.send(
                    self.through,
                    instance=self.instance,
                    action=action,
                    reverse=self.reverse,
                    model=self.model,
                    pk_set=pk_set,
                    using=self.db,
                )

        def _invalidate(self) -> None:
            self.instance.__dict__.get("_prefetched_objects_cache", {}).pop(self.cache_name, None)

        def add(self, *objs: Any, through_defaults: dict[str, Any] | None = None) -> None:
            from manouche.orm_lite._database import Atomic, get_default_database

            db = self._db or get_default_database()
            with Atomic(db, savepoint=False):
                self._add(
                    self.source_attname,
                    self.target_attname,
                    self._pk(),
                    self._to_pks(objs),
                    through_defaults,
                )
                if self.symmetrical:
                    for pk in self._to_pks(objs):
                        self._add(
                            self.source_attname,
                            self.target_attname,
                            pk,
                            [self._pk()],
                            through_defaults,
                            send=False,
                        )
            self._invalidate()

        def _add(
            self,
            src: str,
            dst: str,
            src_pk: Any,
            pks: list[Any],
            defaults: dict[str, Any] | None,
            send: bool = True,
        ) -> None:
            manager = self.through._base_manager.using(self._db)
            listened = bool(signals.m2m_changed.receivers) and signals.m2m_changed.has_listeners(
                self.through
            )
            if self.through._meta.auto_created and not listened:
                # As Django: without m2m_changed receivers the links are inserted in one
                # statement that skips the existing ones (its unique pair), no SELECT first.
                new = list(dict.fromkeys(pks))
                if new:
                    manager.bulk_create(
                        [self.through(**{src: src_pk, dst: pk}) for pk in new],
                        ignore_conflicts=True,
                    )
                return
            existing = set(
                manager.filter(**{src: src_pk, f"{dst}__in": pks}).values_list(dst, flat=True)
            )
            new = [pk for pk in dict.fromkeys(pks) if pk not in existing]
            if send:
                self._send("pre_add", set(new))
            if new:
                manager.bulk_create(
                    [self.through(**{src: src_pk, dst: pk, **(defaults or {})}) for pk in new]
                )
            if send:
                self._send("post_add", set(new))

        def remove(self, *objs: Any) -> None:
            pks = set(self._to_pks(objs))
            self._send("pre_remove", set(pks))
            removed = self._visible(list(pks))
            self._through().filter(**{f"{self.target_attname}__in": removed}).delete()
            if self.symmetrical:
                self.through._base_manager.using(self._db).filter(
                    **{f"{self.source_attname}__in": removed, self.target_attname: self._pk()}
                ).delete()
            self._send("post_remove", set(pks))
            self._invalidate()

        def clear(self) -> None:
            self._send("pre_clear", None)
            removed = self._visible(None)
            through = self._through()
            if removed is not None:
                through = through.filter(**{f"{self.target_attname}__in": removed})
            through.delete()
            if self.symmetrical:
                reverse_rows = self.through._base_manager.using(self._db).filter(
                    **{self.target_attname: self._pk()}
                )
                if removed is not None:
                    reverse_rows = reverse_rows.filter(**{f"{self.source_attname}__in": removed})
                reverse_rows.delete()
            self._send("post_clear", None)
            self._invalidate()

        def set(
            self,
            objs: Iterable[Any],
            clear: bool = False,
            through_defaults: dict[str, Any] | None = None,
        ) -> None:
            objs = list(objs)
            if clear:
                self.clear()
                self.add(*objs, through_defaults=through_defaults)
                return
            wanted = self._to_pks(objs)
            current = set(self._through().values_list(self.target_attname, flat=True))
            old = [pk for pk in current if pk not in set(wanted)]
            if old:
                self.remove(*old)
            new = [pk for pk in wanted if pk not in current]
            if new:
                self.add(*new, through_defaults=through_defaults)

        def create(self, through_defaults: dict[str, Any] | None = None, **kwargs: Any) -> Any:
            obj = self.model._default_manager.using(self._db).create(**kwargs)
            self.add(obj, through_defaults=through_defaults)
            return obj

        def get_or_create(
            self, defaults: Any = None, through_defaults: Any = None, **kwargs: Any
        ) -> Any:
            obj, created = self.model._default_manager.using(self._db).get_or_create(
                defaults, **kwargs
            )
            if created or not self.get_queryset().filter(pk=obj.pk).exists():
                self.add(obj, through_defaults=through_defaults)
            return obj, created

    return ManyRelatedManager
