"""``Model._meta``: a model's options, its fields by name, and the model registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.orm_lite._exceptions import FieldDoesNotExist

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._fields import Field
    from manouche.orm_lite._related import ForeignObjectRel, ManyToManyField

#: The MetaData holding every model's table unless ``Meta.metadata`` says otherwise.
metadata = sa.MetaData()

META_OPTIONS = frozenset(
    {
        "app_label",
        "db_table",
        "ordering",
        "unique_together",
        "constraints",
        "indexes",
        "verbose_name",
        "verbose_name_plural",
        "abstract",
        "metadata",
        "get_latest_by",
        "default_related_name",
        "managed",
        "db_table_comment",
        "index_together",
        "default_manager_name",
        "base_manager_name",
        "permissions",
        "default_permissions",
        "required_db_features",
        "required_db_vendor",
        "select_on_save",
        "order_with_respect_to",
        "proxy",
        "swappable",
        "auto_created",
        "apps",
    }
)


def app_label_from_module(module: str) -> str:
    """Django's rule: the package name before ``.models`` (``blog.models`` -> ``blog``).

    A module not named ``models`` gives its last component (``blog.entries`` ->
    ``entries``'s package ``blog``); a top-level module gives its own name.
    """
    parts = module.split(".")
    if "models" in parts:
        idx = parts.index("models")
        if idx > 0:
            return parts[idx - 1]
    if len(parts) > 1:
        return parts[-2]
    return parts[0]


def _camel_to_words(name: str) -> str:
    return re.sub(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))", r" \1", name).lower().strip()


def _given(values: dict[str, Any], name: str) -> Any:
    """``values[name]`` when given and not empty; a lazy text is not turned into text."""
    value = values.get(name)
    if value is None or (isinstance(value, str) and not value):
        return None
    return value


class _PluralOf:
    """Django's default plural of a lazy verbose name: its text and an ``s``, on use.

    Duck-typed as the lazy strings are (orm-lite imports no i18n package):
    ``str()``, formatting, comparison and the ``str`` methods give the text of
    the moment.
    """

    __slots__ = ("_name",)

    def __init__(self, name: object) -> None:
        self._name = name

    def __str__(self) -> str:
        return f"{self._name}s"

    def __repr__(self) -> str:
        return f"<plural of {self._name!r}>"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return str(self) == (other if isinstance(other, str) else str(other))

    def __hash__(self) -> int:
        return hash(str(self))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)


class Options:
    """A model's metadata: Django's ``_meta`` surface that readers use."""

    def __init__(
        self, meta: Any, model_name: str, module: str, abstract_parents: list[Options]
    ) -> None:
        values: dict[str, Any] = {}
        self.inheritable: dict[str, Any]
        for parent in abstract_parents:
            values.update(parent.inheritable)
        if meta is not None:
            # ``class Meta(Base.Meta)`` inherits its parent's options, as in Django.
            own: dict[str, Any] = {}
            for klass in reversed(getattr(meta, "__mro__", (meta,))):
                if klass is object:
                    continue
                own.update(vars(klass))
            for key, value in own.items():
                if key.startswith("_") or (key == "abstract" and key not in vars(meta)):
                    continue
                if key not in META_OPTIONS:
                    raise TypeError(f"'class Meta' got invalid attribute(s): {key}")
                values[key] = value
        self.abstract: bool = bool(meta is not None and vars(meta).get("abstract", False))
        # What a subclass of an abstract model inherits (everything but abstract/db_table).
        self.inheritable = {k: v for k, v in values.items() if k not in ("abstract", "db_table")}
        self.object_name = model_name
        self.model_name = model_name.lower()
        self.app_label: str = values.get("app_label") or app_label_from_module(module)
        self.db_table: str = values.get("db_table") or f"{self.app_label}_{self.model_name}"
        self.ordering: list[str] = list(values.get("ordering") or [])
        ut = values.get("unique_together") or []
        if ut and isinstance(ut[0], str):
            ut = [ut]
        self.unique_together: list[tuple[str, ...]] = [tuple(u) for u in ut]
        self.constraints: list[Any] = list(values.get("constraints") or [])
        self.indexes: list[Any] = list(values.get("indexes") or [])
        # A verbose name may be a lazy translation (gettext_lazy): kept as it is,
        # and turned into text where it is shown, in the language of that moment.
        self.verbose_name: str = _given(values, "verbose_name") or _camel_to_words(model_name)
        self.verbose_name_plural: str = _given(values, "verbose_name_plural") or (
            f"{self.verbose_name}s"
            if isinstance(self.verbose_name, str)
            else _PluralOf(self.verbose_name)  # type: ignore[assignment]
        )
        self.metadata: sa.MetaData = values.get("metadata") or metadata
        self.get_latest_by: Any = values.get("get_latest_by")
        self.default_related_name: str | None = values.get("default_related_name")
        self.managed: bool = values.get("managed", True)
        self.auto_created: Any = values.get("auto_created", False)
        #: A proxy model: the table and fields of ``concrete_model``, a Python class of its own.
        self.proxy: bool = bool(values.get("proxy", False))
        self.proxy_for_model: type[Model] | None = None
        #: Multi-table inheritance: {direct concrete parent: the child's link field to it},
        #: in the order of the class's bases (the first link is the primary key).
        self.parents: dict[type[Model], Any] = {}
        #: The ancestors' concrete fields (each parent's, in order), readable on the child
        #: through the links; ``f.model`` is the ancestor whose table holds ``f``.
        self.parent_fields: list[Field] = []
        self.concrete_model: type[Model] = None  # type: ignore[assignment]
        self.model: type[Model] = None  # type: ignore[assignment]
        self.local_fields: list[Field] = []
        self.local_many_to_many: list[ManyToManyField] = []
        self.related_objects: list[ForeignObjectRel] = []
        self.pk: Field = None  # type: ignore[assignment]
        self.table: sa.Table = None  # type: ignore[assignment]
        self.managers: list[Any] = []
        self._field_cache: dict[str, Any] | None = None
        # Filled when the table is built: attnames of concrete fields in column order.
        self.attnames: tuple[str, ...] = ()
        self.columns: tuple[sa.Column[Any], ...] = ()
        #: Relations waiting for a model not defined yet (``_related.PendingRelation``).
        self.pending: list[Any] = []
        #: The keyword names ``get()`` takes for the primary key (made on first use).
        self.pk_get_keys: frozenset[str] | None = None
        #: Shapes of filter() calls that compiled once: later ones may wait to be built.
        self.known_shapes: set[Any] = set()
        self.init_plan: tuple[tuple[str, str, bool, Any, Any], ...] = ()
        self.init_fields: list[Field] = []
        #: The attnames of ``init_fields`` (in order, and as a set) for ``Model.from_db``.
        self.init_attnames: tuple[str, ...] = ()
        self.attname_set: frozenset[str] = frozenset()
        #: Concrete and keeping ``Model.__init__``: rows may be built without calling it.
        self.plain_init = False
        #: ``row_maker(cls, db, *values)`` -> an instance from the values of ``init_attnames``,
        #: without ``__init__`` (made on first use by ``from_db``).
        self.row_maker: Callable[..., Any] | None = None

    # -- fields -------------------------------------------------------------------

    def add_field(self, field: Field) -> None:
        if field.many_to_many:
            self.local_many_to_many.append(field)  # type: ignore[arg-type]
            self.local_many_to_many.sort()
        else:
            self.local_fields.append(field)
            self.local_fields.sort()
        if field.primary_key:
            if self.pk is not None and self.pk is not field:
                raise TypeError(
                    f"{self.object_name} has more than one primary key: "
                    f"{self.pk.name!r} and {field.name!r}"
                )
            self.pk = field
        self._field_cache = None

    def add_related_object(self, rel: ForeignObjectRel) -> None:
        if self.proxy:  # the list is the concrete model's: its caches are the ones to drop
            self.concrete_model._meta.add_related_object(rel)
            return
        self.related_objects.append(rel)
        self._field_cache = None

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.object_name}"

    @property
    def label_lower(self) -> str:
        return f"{self.app_label}.{self.model_name}"

    # -- multi-table inheritance -----------------------------------------------------

    def get_parent_list(self) -> list[type[Model]]:
        """Every concrete ancestor: the parents, then their ancestors (as Django's)."""
        found = list(self.parents)
        for parent in self.parents:
            for ancestor in parent._meta.get_parent_list():
                if ancestor not in found:
                    found.append(ancestor)
        return found

    def get_ancestor_link(self, ancestor: type[Model]) -> Any:
        """This model's link field on the way to ``ancestor`` (None when not an ancestor)."""
        if ancestor in self.parents:
            return self.parents[ancestor]
        for parent, link in self.parents.items():
            if parent._meta.get_ancestor_link(ancestor) is not None:
                return link
        return None

    def ancestor_path(self, ancestor: type[Model]) -> list[tuple[Any, type[Model]]]:
        """``[(link, parent), ...]``: the links from this model up to ``ancestor``'s table."""
        for parent, link in self.parents.items():
            if parent is ancestor:
                return [(link, parent)]
            rest = parent._meta.ancestor_path(ancestor)
            if rest:
                return [(link, parent), *rest]
        return []

    @property
    def concrete_fields(self) -> list[Field]:
        return [*self.parent_fields, *(f for f in self.local_fields if f.concrete)]

    @property
    def fields(self) -> list[Any]:
        """Forward fields (concrete, then many-to-many) and reverse relations, as Django."""
        return [
            *self.parent_fields,
            *self.local_fields,
            *self.local_many_to_many,
            *self.related_objects,
        ]

    @property
    def many_to_many(self) -> list[ManyToManyField]:
        return list(self.local_many_to_many)

    def get_fields(self) -> list[Any]:
        return [*self.related_objects, *self.local_fields, *self.local_many_to_many]

    def _fields_by_name(self) -> dict[str, Any]:
        if self.proxy:
            return self.concrete_model._meta._fields_by_name()
        if self._field_cache is None:
            cache: dict[str, Any] = {}
            for rel in self.related_objects:
                cache[rel.name] = rel
            for f in self.parent_fields:
                cache[f.name] = f
                cache.setdefault(f.attname, f)
            for f in [*self.local_fields, *self.local_many_to_many]:
                cache[f.name] = f
                cache.setdefault(f.attname, f)
            self._field_cache = cache
        return self._field_cache

    def get_field(self, name: str) -> Any:
        """The field (or reverse relation) called ``name``; a clear error listing the choices."""
        try:
            return self._fields_by_name()[name]
        except KeyError:
            raise FieldDoesNotExist(
                f"{self.object_name} has no field named {name!r}. "
                f"Choices are: {', '.join(self.field_names())}"
            ) from None

    def field_names(self) -> list[str]:
        """The names a query may use, as Django lists them in its errors: every field's
        name, a concrete field's attname too (``author_id``), hidden relations left out."""
        names: set[str] = set()
        for f in [*self.parent_fields, *self.local_fields]:
            names.update((f.name, f.attname))
        names.update(f.name for f in self.local_many_to_many)
        names.update(r.name for r in self.related_objects if not getattr(r, "hidden", False))
        return sorted(names)

    def __repr__(self) -> str:
        return f"<Options for {self.object_name}>"


class Registry:
    """Models by label, and the work waiting for a model that is not defined yet.

    ``register``/``unregister``/``get`` as every registry; ``lazy(ref, fn)`` runs
    ``fn(model)`` as soon as the model ``ref`` names exists. ``get_models()`` and
    ``get_model()`` are the public listing and lookup, as Django's ``apps``.
    """

    def __init__(self) -> None:
        self._models: dict[str, type[Model]] = {}
        self._by_name: dict[str, list[type[Model]]] = {}
        self._waiting: dict[str, list[Callable[[type[Model]], None]]] = {}

    def register(self, model: type[Model]) -> None:
        opts = model._meta
        key = opts.label_lower
        self._models[key] = model
        same = self._by_name.setdefault(opts.model_name, [])
        same[:] = [m for m in same if m._meta.label_lower != key]
        same.append(model)
        for fn in self._waiting.pop(key, []):
            fn(model)
        for fn in self._waiting.pop(opts.model_name, []) if len(same) == 1 else []:
            fn(model)

    def unregister(self, model: type[Model]) -> None:
        self._models.pop(model._meta.label_lower, None)
        same = self._by_name.get(model._meta.model_name, [])
        if model in same:
            same.remove(model)

    def get(self, label: str) -> type[Model]:
        """The model named ``"app_label.ModelName"`` (or ``"ModelName"`` when unambiguous)."""
        found = self._find(label.lower())
        if found is None:
            raise LookupError(
                f"No model named {label!r} is defined. Known: {', '.join(sorted(self._models))}"
            )
        return found

    def get_models(
        self, app_label: str | None = None, *, include_auto_created: bool = False
    ) -> list[type[Model]]:
        """The registered models, in the order they were defined.

        ``app_label`` keeps one app's models. As Django's
        ``apps.get_models()``, the automatic through models of many-to-many
        fields are left out unless ``include_auto_created=True``.
        """
        return [
            m
            for m in self._models.values()
            if (app_label is None or m._meta.app_label == app_label)
            and (include_auto_created or not m._meta.auto_created)
        ]

    def get_model(self, app_label: str, model_name: str | None = None) -> type[Model]:
        """The model named ``"app_label.ModelName"``, or by ``(app_label, model_name)``.

        As Django's ``apps.get_model()``: the model name is case-insensitive, the
        app label is not; ``LookupError`` names the unknown app or model,
        ``ValueError`` a label that is not ``app_label.ModelName``.
        """
        if model_name is None:
            parts = app_label.split(".")
            if len(parts) != 2 or not all(parts):
                raise ValueError(
                    f"Model label must be of the form 'app_label.ModelName', got {app_label!r}"
                )
            app_label, model_name = parts
        found = self._models.get(f"{app_label.lower()}.{model_name.lower()}")
        if found is not None and found._meta.app_label == app_label:
            return found
        if all(m._meta.app_label != app_label for m in self._models.values()):
            raise LookupError(f"No installed app with label '{app_label}'.")
        raise LookupError(f"App '{app_label}' doesn't have a '{model_name}' model.")

    def _find(self, key: str) -> type[Model] | None:
        if "." in key:
            return self._models.get(key)
        same = self._by_name.get(key, [])
        return same[0] if len(same) == 1 else None

    def lazy(self, ref: str, fn: Callable[[type[Model]], None]) -> None:
        key = ref.lower()
        found = self._find(key)
        if found is not None:
            fn(found)
        else:
            self._waiting.setdefault(key, []).append(fn)

    def unresolved(self) -> list[str]:
        return sorted(self._waiting)


#: Every model class defined, by ``app_label.ModelName`` (Django's app registry, for lookups by
#: name).
registry = Registry()
