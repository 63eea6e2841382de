"""``Model`` and its metaclass: fields, ``Meta``, the table, and instance behaviour."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

import sqlalchemy as sa

from manouche.orm_lite import _constraints, _inheritance
from manouche.orm_lite import _signals as signals
from manouche.orm_lite._async import AsyncModelMixin
from manouche.orm_lite._exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    FieldError,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)
from manouche.orm_lite._expressions import Expression
from manouche.orm_lite._fields import BigAutoField, Field
from manouche.orm_lite._i18n import gettext
from manouche.orm_lite._managers import BaseManager
from manouche.orm_lite._options import Options, registry

if TYPE_CHECKING:
    from manouche.orm_lite._database import Database
    from manouche.orm_lite._queryset import Manager, QuerySet


class ModelState:
    """Per-instance state: the database it came from (or was saved to) and ``adding``."""

    __slots__ = ("db", "adding")

    def __init__(self, db: Database | None = None, adding: bool = True) -> None:
        self.db = db
        self.adding = adding

    @property
    def fields_cache(self) -> dict[str, Any]:
        return {}


class ModelBase(type):
    """Builds ``_meta``, the fields, the managers and the ``sqlalchemy.Table`` of a model class."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any
    ) -> Any:
        parents = [b for b in bases if isinstance(b, ModelBase)]
        if not parents:
            return super().__new__(mcs, name, bases, attrs, **kwargs)
        module = attrs.get("__module__", "")
        meta = attrs.pop("Meta", None)
        contributable = {
            k: v
            for k, v in attrs.items()
            if not isinstance(v, type) and hasattr(v, "contribute_to_class")
        }
        plain = {k: v for k, v in attrs.items() if k not in contributable}
        cls: Any = super().__new__(mcs, name, bases, plain, **kwargs)
        model_parents = [p for p in parents if hasattr(p, "_meta")]
        concrete = _inheritance.concrete_parents(model_parents)
        abstract_parents = [p._meta for p in model_parents if p._meta.abstract]
        opts = Options(meta, name, module, abstract_parents)
        proxy_of = _inheritance.proxy_base(name, model_parents) if opts.proxy else None
        mti_parents = (
            _inheritance.mti_parents(name, concrete) if concrete and proxy_of is None else []
        )
        cls._meta = opts
        opts.model = cls
        opts.concrete_model = cls
        if not opts.abstract:
            # A child's exceptions subclass its concrete parents' ones, as in Django.
            cls.DoesNotExist = type(
                "DoesNotExist",
                tuple(p.DoesNotExist for p in concrete) or (ObjectDoesNotExist,),
                {"__module__": module, "__qualname__": f"{name}.DoesNotExist"},
            )
            cls.MultipleObjectsReturned = type(
                "MultipleObjectsReturned",
                tuple(p.MultipleObjectsReturned for p in concrete) or (MultipleObjectsReturned,),
                {"__module__": module, "__qualname__": f"{name}.MultipleObjectsReturned"},
            )
        if proxy_of is not None:
            _inheritance.finish_proxy(cls, proxy_of, meta, contributable)
            # The proxy's own class decides whether rows may skip ``__init__``.
            opts.plain_init = cls.__init__ is Model.__init__
            registry.register(cls)
            return cls
        # Fields inherited from abstract bases, and managers from every base (as Django
        # does since 1.10: a multi-table child keeps its parent's managers), overridable
        # by the subclass.
        inherited: dict[str, Any] = {}
        inherited_managers: dict[str, tuple[int, BaseManager[Any]]] = {}
        model_bases = [b for b in cls.__mro__[1:] if isinstance(getattr(b, "_meta", None), Options)]
        for depth, parent in reversed(list(enumerate(model_bases, start=1))):
            popts = parent._meta
            for m in popts.managers:
                if m._inherited_depth == 0:  # the parent's own managers
                    inherited_managers[m.name] = (depth, m)
            if not popts.abstract:
                continue
            for f in [*popts.local_fields, *popts.local_many_to_many]:
                inherited[f.name] = f
        for fname, f in sorted(inherited.items(), key=lambda kv: kv[1].creation_counter):
            if fname in contributable or (fname in plain and plain[fname] is None):
                continue
            f.clone().contribute_to_class(cls, fname)
        if mti_parents:
            _inheritance.add_parent_links(cls, mti_parents, meta, contributable)
        items = sorted(contributable.items(), key=lambda kv: getattr(kv[1], "creation_counter", 0))
        for key, value in items:
            value.contribute_to_class(cls, key)
        for mname, (depth, m) in inherited_managers.items():
            if mname not in contributable:
                clone = copy.copy(m)
                clone.name = mname
                clone._inherited_depth = depth
                clone.contribute_to_class(cls, mname)
        if opts.abstract:
            # Django keeps an abstract model's Meta reachable for ``class Meta(Base.Meta)``.
            cls.Meta = meta
            return cls
        declared_pk: Any = opts.pk
        if declared_pk is None:
            auto = BigAutoField(verbose_name="ID", primary_key=True)
            auto.auto_created = True
            auto.creation_counter = -1
            auto.contribute_to_class(cls, "id")
        if not opts.managers:
            from manouche.orm_lite._queryset import Manager

            manager: Manager[Any] = Manager()
            manager.creation_counter = -1
            manager.contribute_to_class(cls, "objects")
        # Django's order: the class's own managers, then each base's, nearest first.
        opts.managers.sort(key=lambda m: (m._inherited_depth, m.creation_counter))
        opts.plain_init = cls.__init__ is Model.__init__
        _build_table(cls)
        if mti_parents:
            _set_init_fields(opts, [*opts.parent_fields, *opts.init_fields])
        registry.register(cls)
        for f in [*opts.local_fields, *opts.local_many_to_many]:
            if f.is_relation:
                f.setup_relation()  # type: ignore[attr-defined]
        _add_constraints(cls)
        return cls

    @property
    def _default_manager(cls) -> Any:
        return cls._meta.default_manager  # type: ignore[attr-defined]

    @property
    def _base_manager(cls) -> Any:
        return cls._meta.base_manager  # type: ignore[attr-defined]


def _is_reverse_name(reverse: dict[str, Any], name: str) -> bool:
    return any(rel.name == name for rel in reverse.values())


def _build_table(cls: type[Model]) -> None:
    opts = cls._meta
    md = opts.metadata
    if opts.db_table in md.tables:
        old = md.tables[opts.db_table]
        previous = old.info.get("_model")
        if previous is not None:
            registry.unregister(previous)
        md.remove(old)
    opts.local_fields.sort()
    columns = []
    for f in opts.local_fields:
        col = f.make_column()
        f.sa_column = col
        columns.append(col)
    unique_together = [
        sa.UniqueConstraint(
            *cols,
            name=_constraints.unique_together_name(opts.db_table, cols),
            info={_constraints.AUTO_NAMED: True},
        )
        for cols in ([opts.get_field(n).column for n in names] for names in opts.unique_together)
    ]
    auto_pk = opts.pk.django_name.endswith("AutoField")
    table = sa.Table(
        opts.db_table,
        md,
        *columns,
        *unique_together,
        info={
            "app_label": opts.app_label,
            "model_name": opts.model_name,
            "verbose_name": opts.verbose_name,
            "verbose_name_plural": opts.verbose_name_plural,
            "unique_together": [tuple(u) for u in opts.unique_together],
            "ordering": list(opts.ordering),
            "_model": cls,
        },
        sqlite_autoincrement=auto_pk,
    )
    _constraints.name_unique_columns(table)
    opts.table = table
    cls.__table__ = table
    opts.attnames = tuple(f.attname for f in opts.local_fields)
    opts.columns = tuple(columns)
    _set_init_fields(opts, [f for f in opts.local_fields if f.concrete])


def _set_init_fields(opts: Options, fields: list[Field]) -> None:
    """The fields an instance holds (in row order), and ``Model.__init__``'s plan for them."""
    opts.init_fields = fields
    opts.row_maker = None
    # (name, attname, is relation, field, constant default) per init field: Model.__init__'s loop.
    opts.init_attnames = tuple(f.attname for f in opts.init_fields)
    opts.attname_set = frozenset(opts.init_attnames)
    opts.init_plan = tuple(
        (f.name, f.attname, bool(f.is_relation), f, _constant_default(f)) for f in opts.init_fields
    )


#: In ``Options.init_plan``: the field's default must be asked for each instance.
CALL_DEFAULT: Any = object()


def _constant_default(f: Field) -> Any:
    """``f.get_default()`` when it is the same every time (not callable), else ``CALL_DEFAULT``."""
    if type(f).get_default is not Field.get_default or callable(f.default):
        return CALL_DEFAULT
    return f.get_default()


def _add_constraints(cls: type[Model]) -> None:
    from manouche.orm_lite._constraints import BaseConstraint, Index

    opts = cls._meta
    for c in opts.constraints:
        if not isinstance(c, BaseConstraint):
            raise TypeError(f"{cls.__name__}.Meta.constraints: {c!r} is not a constraint")
        c.attach(cls)
    for idx in opts.indexes:
        if not isinstance(idx, Index):
            raise TypeError(f"{cls.__name__}.Meta.indexes: {idx!r} is not an Index")
        idx.attach(cls)


def _computed(values: dict[str, Any]) -> dict[str, Any]:
    """Move the SQL expressions out of ``values`` (the bound parameters) into their own dict:
    the statement computes those, the rest stay bound parameters."""
    exprs = {k: v for k, v in values.items() if isinstance(v, sa.ClauseElement)}
    for k in exprs:
        del values[k]
    return exprs


class Model(AsyncModelMixin, metaclass=ModelBase):
    """The base class of models: ``class Book(models.Model): title = models.CharField(...)``."""

    _meta: ClassVar[Options]
    __table__: ClassVar[sa.Table]
    DoesNotExist: ClassVar[type[ObjectDoesNotExist]]
    MultipleObjectsReturned: ClassVar[type[MultipleObjectsReturned]]
    #: ``Book.objects`` is a ``Manager[Book]``: ``Book.objects.get()`` is a ``Book``.
    objects: ClassVar[Manager[Self]]
    _state: ModelState

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        opts = cls._meta
        if opts.abstract:
            raise TypeError(f"Abstract models cannot be instantiated: {cls.__name__}")
        if signals.pre_init.receivers:
            signals.pre_init.send(cls, args=args, kwargs=kwargs)
        d = self.__dict__
        d["_state"] = ModelState()
        fields = opts.init_fields
        if len(args) > len(fields):
            raise IndexError("Number of args exceeds number of fields")
        for f, value in zip(fields, args, strict=False):
            if f.name in kwargs or f.attname in kwargs:
                raise TypeError(
                    f"{cls.__name__}() got both positional and keyword arguments for field "
                    f"'{f.name}'."
                )
            d[f.attname] = value
        for name, attname, is_relation, f, default in opts.init_plan[len(args) :]:
            if name in kwargs:
                if is_relation:
                    setattr(self, name, kwargs.pop(name))
                else:
                    d[attname] = kwargs.pop(name)
            elif is_relation and attname in kwargs:
                d[attname] = kwargs.pop(attname)
            else:
                d[attname] = f.get_default() if default is CALL_DEFAULT else default
        if kwargs:
            unexpected = []
            for key, value in kwargs.items():
                if key == "pk":
                    d[opts.pk.attname] = value
                    continue
                found: Any
                try:
                    found = opts.get_field(key)
                except FieldDoesNotExist:
                    found = None
                if found is not None and found.many_to_many:
                    raise TypeError(
                        f"Direct assignment to the forward side of a many-to-many set is "
                        f"prohibited. Use {key}.set() instead."
                    )
                attr = getattr(cls, key, None)
                if isinstance(attr, property) and attr.fset is not None:
                    setattr(self, key, value)
                    continue
                unexpected.append(key)
            if unexpected:
                raise TypeError(
                    f"{cls.__name__}() got unexpected keyword arguments: "
                    f"{', '.join(repr(k) for k in unexpected)}"
                )
        if signals.post_init.receivers:
            signals.post_init.send(cls, instance=self)

    @classmethod
    def from_db(
        cls, db: Database | None, field_names: Iterable[str], values: Iterable[Any]
    ) -> Model:
        """An instance of a row read from ``db`` (``_state.adding`` False, ``_state.db`` set).

        ``field_names`` are attnames; when they are fewer than the concrete fields
        the others are deferred. A model that keeps ``Model.__init__`` and has no
        ``pre_init``/``post_init`` receivers gets its values set directly, without
        running ``__init__``; otherwise the instance is made through ``__init__``,
        which sends the init signals, as Django does.
        """
        opts = cls._meta
        plain = opts.plain_init and (
            not (signals.pre_init.receivers or signals.post_init.receivers)
            or builds_without_init(cls)
        )
        names: Sequence[str]
        vals: Sequence[Any]
        if plain and type(values) is tuple and type(field_names) is tuple:
            names, vals = field_names, values  # (the common case: no conversion)
        else:
            names = field_names if isinstance(field_names, (list, tuple)) else list(field_names)
            vals = values if isinstance(values, (list, tuple)) else list(values)
        if plain:
            if len(names) == len(vals) == len(opts.init_attnames):
                # A whole row: one generated call makes the instance.
                made: Model = (opts.row_maker or _row_maker(opts))(cls, db, *vals)
                return made
            if opts.attname_set.issuperset(names):
                d = dict(zip(names, vals, strict=True))
                d["_state"] = ModelState(db, False)
                obj = cls.__new__(cls)
                obj.__dict__ = d
                return obj
        if len(names) == len(opts.init_fields):
            obj = cls(*vals)
        else:
            known = dict(zip(names, vals, strict=True))
            obj = cls(**{k: v for k, v in known.items()})
            for f in opts.init_fields:
                if f.attname not in known:
                    obj.__dict__.pop(f.attname, None)
        obj._state = ModelState(db, False)
        return obj

    # -- identity ----------------------------------------------------------------------

    def _get_pk_val(self) -> Any:
        return getattr(self, self._meta.pk.attname)

    def _set_pk_val(self, value: Any) -> None:
        setattr(self, self._meta.pk.attname, value)

    pk = property(_get_pk_val, _set_pk_val)

    def _is_pk_set(self) -> bool:
        """Whether the primary key has a value (Django 5.2's helper, used by ported code)."""
        return self._get_pk_val() is not None

    def __str__(self) -> str:
        return f"{type(self).__name__} object ({self.pk})"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        if self._meta.concrete_model is not other._meta.concrete_model:
            return False
        pk = self.pk
        if pk is None:
            return self is other
        return bool(pk == other.pk)

    def __hash__(self) -> int:
        pk = self.pk
        if pk is None:
            raise TypeError("Model instances without primary key value are unhashable")
        return hash(pk)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        st = state.get("_state")
        state["_state"] = ModelState(None, st.adding if st is not None else True)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- persistence -------------------------------------------------------------------

    def _db_for(self, using: Database | None) -> Database:
        if using is not None:
            return using
        db = self._state.db
        if db is not None:
            return db
        default = type(self)._default_manager._db
        if default is not None:
            return default  # type: ignore[no-any-return]
        from manouche.orm_lite._routers import routers

        return routers.database_for(type(self))

    def _check_related_saved(self) -> None:
        for f in self._meta.init_fields:
            if f.is_relation:
                cached = self.__dict__.get(f"_{f.name}_cache")
                if cached is not None:
                    if cached.pk is None:
                        if f.one_to_one:  # the unsaved object forgets this one, as Django
                            reverse = f.remote_field.get_accessor_name()
                            cached.__dict__.pop(f"_{reverse}_cache", None)
                        raise ValueError(
                            "save() prohibited to prevent data loss due to unsaved related "
                            f"object '{f.name}'."
                        )
                    if self.__dict__.get(f.attname) is None:
                        self.__dict__[f.attname] = getattr(cached, f.target_field.attname)  # type: ignore[attr-defined]

    def save(
        self,
        *,
        force_insert: bool = False,
        force_update: bool = False,
        using: Database | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        """INSERT or UPDATE this row (only ``update_fields`` if given), sending the save signals."""
        self._save(force_insert, force_update, using, update_fields, raw=False)

    def save_base(
        self,
        *,
        raw: bool = False,
        force_insert: bool = False,
        force_update: bool = False,
        using: Database | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        """Django's lower-level save, what fixture loading calls with ``raw=True``.

        A raw save writes the instance's values as they are: only the model's own
        table (a multi-table child's parents are left alone, its parent link is its
        primary key), no field's ``pre_save`` (``auto_now`` keeps the loaded value),
        no check of unsaved related objects, and ``pre_save``/``post_save`` receive
        ``raw=True``.
        """
        self._save(force_insert, force_update, using, update_fields, raw=raw)

    def _save(
        self,
        force_insert: bool,
        force_update: bool,
        using: Database | None,
        update_fields: Iterable[str] | None,
        raw: bool,
    ) -> None:
        if force_insert and (force_update or update_fields):
            raise ValueError("Cannot force both insert and updating in model saving.")
        cls = type(self)
        opts = cls._meta
        if opts.pending:
            from manouche.orm_lite._related import check_resolved

            check_resolved(cls)
        db = self._db_for(using)
        if not raw:
            self._check_related_saved()
        fields = [f for f in opts.init_fields if not f.primary_key]
        ufields: frozenset[str] | None = None
        if update_fields is not None:
            names = frozenset(update_fields)
            if not names:
                return
            chosen = [f for f in fields if f.name in names or f.attname in names]
            found = {f.name for f in chosen} | {f.attname for f in chosen}
            bad = sorted(names - found)
            if bad:
                raise ValueError(
                    "The following fields do not exist in this model, are m2m fields, or are "
                    f"non-concrete fields: {', '.join(bad)}"
                )
            fields = chosen
            ufields = frozenset(f.name for f in chosen)
        if signals.pre_save.receivers:
            signals.pre_save.send(cls, instance=self, raw=raw, using=db, update_fields=ufields)
        if opts.parents and raw:
            # A raw save writes the child's own table only; its parent link is its pk.
            concrete = opts.concrete_model
            fields = [f for f in fields if f.model is concrete]
            all_fields = [f for f in opts.init_fields if f.model is concrete]
        elif opts.parents:
            # Multi-table inheritance: the ancestors' rows first (farthest first), their
            # keys are the child's links.
            concrete = opts.concrete_model
            parent_created = self._save_parents(
                concrete, fields, db, force_insert, force_update, update_fields, {}
            )
            fields = [f for f in fields if f.model is concrete]
            if update_fields is not None and not fields:
                self._state = ModelState(db, False)
                if signals.post_save.receivers:
                    signals.post_save.send(
                        cls,
                        instance=self,
                        created=False,
                        update_fields=ufields,
                        raw=raw,
                        using=db,
                    )
                return
            all_fields = [f for f in opts.init_fields if f.model is concrete]
            force_insert = force_insert or parent_created
        else:
            all_fields = opts.init_fields
        created = self._save_table(
            opts.table,
            opts.pk,
            all_fields,
            fields,
            db,
            force_insert,
            force_update,
            update_fields,
            raw,
        )
        self._state = ModelState(db, False)
        if signals.post_save.receivers:
            signals.post_save.send(
                cls, instance=self, created=created, update_fields=ufields, raw=raw, using=db
            )

    def _save_parents(
        self,
        model: type[Model],
        fields: list[Field],
        db: Database,
        force_insert: bool,
        force_update: bool,
        update_fields: Iterable[str] | None,
        saved: dict[type[Model], bool],
    ) -> bool:
        """Save the rows of ``model``'s ancestors, farthest first, and set the links to them.

        ``fields`` are the fields to write (of any table); ``saved`` maps each ancestor
        saved so far to whether its row was inserted. True when a row was inserted.
        """
        d = self.__dict__
        inserted = False
        for parent, link in model._meta.parents.items():
            pmeta = parent._meta
            ppk = pmeta.pk
            if d.get(ppk.attname) is None and d.get(link.attname) is not None:
                d[ppk.attname] = d[link.attname]
            created = saved.get(parent)
            if created is None:
                above = self._save_parents(
                    parent, fields, db, force_insert, force_update, update_fields, saved
                )
                chosen = [f for f in fields if f.model is parent]
                created = False
                if update_fields is None or chosen:
                    created = self._save_table(
                        pmeta.table,
                        ppk,
                        [f for f in pmeta.init_fields if f.model is parent],
                        chosen,
                        db,
                        force_insert or above,
                        force_update,
                        update_fields,
                    )
                saved[parent] = created
            inserted = inserted or created
            d[link.attname] = d[ppk.attname]
            d.pop(f"_{link.name}_cache", None)
        return inserted

    def _save_table(
        self,
        table: sa.Table,
        pk: Field,
        all_fields: list[Field],
        fields: list[Field],
        db: Database,
        force_insert: bool,
        force_update: bool,
        update_fields: Iterable[str] | None,
        raw: bool = False,
    ) -> bool:
        """UPDATE or INSERT one table's row of this instance; True when it was inserted.

        ``raw``: the values as they are, without the fields' ``pre_save``.
        """
        pk_val = self.__dict__.get(pk.attname)
        adding = self._state.adding
        created = False
        updated = False
        if (
            pk_val is not None
            and not force_insert
            and not (adding and pk.has_default() and not force_update)
        ):
            values = {f.column: self._save_value(f, False, table, raw, db) for f in fields}
            pkcol = table.c[pk.column]
            if values:
                stmt = table.update().where(pkcol == sa.bindparam("_orm_pk", type_=pkcol.type))
                exprs = _computed(values)
                if exprs:
                    stmt = stmt.values(exprs)
                _, n, _ = db._run(stmt, {**values, "_orm_pk": pk_val})
                updated = n > 0
            else:
                updated = bool(db._fetch(sa.select(sa.literal(1)).where(pkcol == pk_val)))
            if not updated:
                if force_update:
                    raise _database_error("Forced update did not affect any rows.")
                if update_fields is not None:
                    raise _database_error("Save with update_fields did not affect any rows.")
        if not updated:
            values = {}
            for f in all_fields:
                if f.primary_key and self.__dict__.get(f.attname) is None:
                    continue
                values[f.column] = self._save_value(f, True, table, raw, db)
            exprs = _computed(values)
            insert = table.insert().values(exprs) if exprs else table.insert()
            _, _, inserted = db._run(insert, values)
            if self.__dict__.get(pk.attname) is None and inserted:
                self.__dict__[pk.attname] = inserted[0]
            created = True
        return created

    def _save_value(
        self, f: Field, add: bool, table: sa.Table, raw: bool = False, db: Database | None = None
    ) -> Any:
        """The value ``f`` writes: its prepared Python value, or an expression compiled
        into the statement (``obj.n = F("n") + 1``, ``obj.name = Lower(Value("X"))``), as
        Django does; an expression is never bound as a parameter (its repr would be stored).
        """
        value = self.__dict__.get(f.attname) if raw else f.pre_save(self, add)
        if not isinstance(value, Expression):
            if f._db_prep_hooks:
                return f.get_db_prep_save(value, db)
            return f.get_prep_value(value)
        from manouche.orm_lite._query import Query

        scratch = Query(f.model)
        res = value.resolve(scratch, None)
        if scratch.joins:
            raise FieldError("Joined field references are not permitted in this query")
        if res.is_aggregate:
            raise FieldError(
                f"Aggregate functions are not allowed in this query ({f.name}={value!r})."
            )
        if add and any(
            isinstance(e, sa.Column) and e.table is table for e in sa.sql.visitors.iterate(res.expr)
        ):
            raise ValueError(
                f'Failed to insert expression "{value!r}" on {f}. F() expressions can only be '
                "used to update, not to insert."
            )
        return res.expr

    def delete(
        self, using: Database | None = None, keep_parents: bool = False
    ) -> tuple[int, dict[str, int]]:
        """Delete this row and what ``on_delete`` says goes with it; returns counts per model."""
        from manouche.orm_lite._deletion import Collector

        if self.pk is None:
            raise ValueError(
                f"{type(self).__name__} object can't be deleted because its "
                f"{self._meta.pk.attname} attribute is set to None."
            )
        collector = Collector(self._db_for(using), origin=self)
        collector.keep_parents = keep_parents
        collector.collect([self])
        return collector.delete()

    def refresh_from_db(
        self,
        using: Database | None = None,
        fields: Iterable[str] | None = None,
        from_queryset: QuerySet[Any] | None = None,
    ) -> None:
        """Reload field values from the database (all, or ``fields``), as Django's.

        A prefetched relation named in ``fields`` is dropped (and loaded again on use);
        the cached related objects of the reloaded fields are forgotten, unless
        ``from_queryset`` loaded them again (``select_related``).
        """
        cls = type(self)
        opts = cls._meta
        data = self.__dict__
        reverse = {}
        for rel in opts.related_objects:
            if not rel.many_to_many and not rel.one_to_many:
                reverse[rel.get_accessor_name()] = rel
        wanted = None
        if fields is None:
            data.pop("_prefetched_objects_cache", None)
        else:
            wanted = set(fields)
            prefetched = data.get("_prefetched_objects_cache") or {}
            for name in list(wanted):
                if name in prefetched:
                    del prefetched[name]
                    wanted.discard(name)
            if not wanted:
                return
            if any("__" in name for name in wanted):
                raise ValueError(
                    'Found "__" in fields argument. Relations and transforms are not allowed '
                    "in fields."
                )
        for name, rel in reverse.items():
            if wanted is None or name in wanted or rel.name in wanted:
                data.pop(f"_{name}_cache", None)
        if from_queryset is None:
            qs = cls._base_manager.get_queryset().using(self._db_for(using))
        else:
            qs = from_queryset if using is None else from_queryset.using(using)
        qs = qs.filter(pk=self.pk)
        if wanted is not None:
            names = [
                opts.get_field(name).attname
                for name in wanted
                if name not in reverse and not _is_reverse_name(reverse, name)
            ]
            if not names:
                return
            rows = list(qs.values(*names)[:2])
            if not rows:
                raise cls.DoesNotExist(f"{opts.object_name} matching query does not exist.")
            fresh: dict[str, Any] = rows[0]
            loaded: Model | None = None
        else:
            loaded = qs.get()
            fresh = loaded.__dict__
        for f in opts.init_fields:
            if f.attname not in fresh:
                continue
            data[f.attname] = fresh[f.attname]
            if f.is_relation:
                cache = f"_{f.name}_cache"
                if loaded is not None and cache in fresh:
                    data[cache] = fresh[cache]
                else:
                    data.pop(cache, None)
        self._state.db = loaded._state.db if loaded is not None else self._db_for(using)
        self._state.adding = False

    # -- validation ----------------------------------------------------------------------

    def clean(self) -> None:
        """Model-wide validation hook (raise ``ValidationError``)."""

    def clean_fields(self, exclude: Iterable[str] | None = None) -> None:
        excluded = set(exclude or ())
        errors: dict[str, list[ValidationError]] = {}
        for f in self._meta.init_fields:
            if f.name in excluded:
                continue
            raw = getattr(self, f.attname)
            if f.blank and raw in f.empty_values():
                continue
            try:
                setattr(self, f.attname, f.clean(raw, self))
            except ValidationError as exc:
                errors[f.name] = exc.error_list
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude: Iterable[str] | None = None) -> None:
        excluded = set(exclude or ())
        opts = self._meta
        checks: list[tuple[str, ...]] = [
            (f.name,)
            for f in opts.init_fields
            if f.unique and not (f.primary_key and f.django_name.endswith("AutoField"))
        ]
        checks.extend(tuple(u) for u in opts.unique_together)
        from manouche.orm_lite._constraints import UniqueConstraint

        checks.extend(
            tuple(c.fields)
            for c in opts.constraints
            if isinstance(c, UniqueConstraint) and c.condition is None and c.fields
        )
        errors: dict[str, list[ValidationError]] = {}
        for names in checks:
            if any(n in excluded for n in names):
                continue
            lookup = {}
            for n in names:
                f = opts.get_field(n)
                value = getattr(self, f.attname)
                if value is None:
                    break
                lookup[f.attname] = value
            else:
                qs = type(self)._base_manager.using(self._db_for(None)).filter(**lookup)
                if self.pk is not None and not self._state.adding:
                    qs = qs.exclude(pk=self.pk)
                if qs.exists():
                    if len(names) == 1:
                        label = opts.get_field(names[0]).verbose_name
                        error = ValidationError(
                            gettext("%(model_name)s with this %(field_label)s already exists."),
                            code="unique",
                            params={
                                "model_name": str(opts.verbose_name).capitalize(),
                                "field_label": str(label).capitalize(),
                            },
                        )
                        errors.setdefault(names[0], []).append(error)
                    else:
                        labels = [str(opts.get_field(n).verbose_name).capitalize() for n in names]
                        error = ValidationError(
                            gettext("%(model_name)s with this %(field_labels)s already exists."),
                            code="unique_together",
                            params={
                                "model_name": str(opts.verbose_name).capitalize(),
                                "field_labels": f" {gettext('and')} ".join(labels),
                            },
                        )
                        errors.setdefault(NON_FIELD_ERRORS, []).append(error)
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: Iterable[str] | None = None) -> None:
        from manouche.orm_lite._constraints import CheckConstraint

        errors: list[ValidationError] = []
        for c in self._meta.constraints:
            if isinstance(c, CheckConstraint):
                try:
                    c.validate(type(self), self, self._db_for(None))
                except ValidationError as exc:
                    errors.extend(exc.error_list)
        if errors:
            raise ValidationError({NON_FIELD_ERRORS: errors})

    def full_clean(
        self,
        exclude: Iterable[str] | None = None,
        validate_unique: bool = True,
        validate_constraints: bool = True,
    ) -> None:
        """Run ``clean_fields``, ``clean``, ``validate_unique`` and ``validate_constraints``."""
        errors: dict[str, list[ValidationError]] = {}
        excluded = set(exclude or ())
        for step in (
            lambda: self.clean_fields(excluded),
            self.clean,
            (lambda: self.validate_unique(excluded)) if validate_unique else None,
            (lambda: self.validate_constraints(excluded)) if validate_constraints else None,
        ):
            if step is None:
                continue
            try:
                step()
            except ValidationError as exc:
                exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def serializable_value(self, field_name: str) -> Any:
        try:
            f = self._meta.get_field(field_name)
        except FieldDoesNotExist:
            return getattr(self, field_name)
        return getattr(self, f.attname)


def _row_maker(opts: Options) -> Callable[..., Model]:
    """``opts.row_maker(cls, db, *values)``: an instance of ``cls`` read from ``db``, made from
    the concrete fields' values in order without ``__init__`` (made once per model)."""
    params = [f"v{i}" for i in range(len(opts.init_attnames))]
    items = "".join(f"{a!r}: {p}, " for a, p in zip(opts.init_attnames, params, strict=True))
    source = (
        f"def row_maker(cls, db, {', '.join(params)}):\n"
        "    state = new_state(State)\n"
        "    state.db = db\n"
        "    state.adding = False\n"
        "    obj = cls.__new__(cls)\n"
        f"    obj.__dict__ = {{{items}'_state': state}}\n"
        "    return obj\n"
    )
    namespace: dict[str, Any] = {"State": ModelState, "new_state": object.__new__}
    exec(compile(source, f"<orm-lite row maker {opts.label}>", "exec"), namespace)  # noqa: S102
    fn: Callable[..., Model] = namespace["row_maker"]
    opts.row_maker = fn
    return fn


def builds_without_init(cls: type[Model]) -> bool:
    """Whether instances of ``cls`` read from the database may skip ``__init__``.

    True when the class keeps ``Model.__init__`` (an override must run, as in
    Django) and no ``pre_init``/``post_init`` receiver would be called for it.
    """
    if not cls._meta.plain_init:
        return False
    pre, post = signals.pre_init, signals.post_init
    return not (
        (pre.receivers and pre.has_listeners(cls)) or (post.receivers and post.has_listeners(cls))
    )


def _database_error(msg: str) -> Exception:
    return sa.exc.DatabaseError(msg, None, Exception(msg))


_ = Field
