"""Model inheritance beyond abstract bases: proxy models (``class Meta: proxy = True``)
and multi-table inheritance (a child of one or more concrete models, at any depth).

A proxy model is a Python class of its own (methods, managers, ordering, verbose
names) over its concrete parent's table: it has no table, no fields and no
migration of its own, its queries return proxy instances, and its signals name
the proxy as sender, as in Django.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from manouche.orm_lite._exceptions import FieldError
from manouche.orm_lite._fields import Field

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._options import Options

#: What a proxy's ``_meta`` keeps for itself; everything else (fields, table, the
#: primary key, the prepared column lists) is its concrete model's, shared.
_OWN_OPTIONS = frozenset(
    {
        "model",
        "object_name",
        "model_name",
        "app_label",
        "verbose_name",
        "verbose_name_plural",
        "ordering",
        "get_latest_by",
        "default_related_name",
        "managers",
        "abstract",
        "inheritable",
        "proxy",
        "concrete_model",
        "proxy_for_model",
        "known_shapes",
        "pending",
        "auto_created",
        "_field_cache",
        "default_manager_name",
        "base_manager_name",
        "_base_manager",
    }
)

#: Options a child of a concrete model inherits when its own Meta does not set them.
_INHERITED_FROM_CONCRETE = ("ordering", "get_latest_by")


def concrete_parents(model_parents: list[Any]) -> list[type[Model]]:
    """The bases of a new model that are concrete (non-abstract) models."""
    return [p for p in model_parents if not p._meta.abstract]


def proxy_base(name: str, model_parents: list[Any]) -> type[Model]:
    """The one concrete model a proxy called ``name`` stands for (a clear error otherwise)."""
    concrete = concrete_parents(model_parents)
    if not concrete:
        raise TypeError(f"Proxy model '{name}' has no non-abstract model base class.")
    # Several bases are allowed when they share one concrete model (proxies of one model).
    targets = {p._meta.concrete_model for p in concrete}
    if len(targets) > 1:
        raise TypeError(f"Proxy model '{name}' has more than one non-abstract model base class.")
    for p in model_parents:
        if p._meta.abstract and (p._meta.local_fields or p._meta.local_many_to_many):
            raise TypeError(
                f"Abstract base class containing model fields not permitted for proxy model "
                f"'{name}'."
            )
    return concrete[0]


def finish_proxy(
    cls: type[Model], base: type[Model], meta: Any, contributable: dict[str, Any]
) -> None:
    """Make ``cls`` a proxy of ``base``: share its table and fields, add its own managers."""
    opts = cls._meta
    fields = [k for k, v in contributable.items() if isinstance(v, Field)]
    if fields:
        raise FieldError(f"Proxy model '{cls.__name__}' contains model fields: {', '.join(fields)}")
    parent = base._meta
    for key, value in vars(parent).items():
        if key not in _OWN_OPTIONS:
            setattr(opts, key, value)
    opts.proxy = True
    opts.proxy_for_model = base
    opts.concrete_model = parent.concrete_model
    inherit_from_concrete(opts, meta, parent)
    cls.__table__ = parent.table
    own = sorted(contributable.items(), key=lambda kv: getattr(kv[1], "creation_counter", 0))
    for key, value in own:
        value.contribute_to_class(cls, key)
    # Managers: the proxy's own first (the first is the default), then its parent's.
    for m in list(parent.managers):
        if m.name in contributable:
            continue
        clone = copy.copy(m)
        clone.contribute_to_class(cls, m.name)
    # Then the managers its abstract bases declare (a mixin's ``excluder = ...``).
    have = {m.name for m in opts.managers}
    for base in cls.__mro__[1:]:
        bopts = getattr(base, "_meta", None)
        if bopts is None or not getattr(bopts, "abstract", False):
            continue
        for m in list(bopts.managers):
            if m.name in have or m._inherited_depth:
                continue
            clone = copy.copy(m)
            clone._inherited_depth = 1
            clone.contribute_to_class(cls, m.name)
            have.add(m.name)


def inherit_from_concrete(opts: Options, meta: Any, parent: Options) -> None:
    """``ordering`` and ``get_latest_by`` come from a concrete parent unless Meta sets them."""
    for name in _INHERITED_FROM_CONCRETE:
        if meta is None or not hasattr(meta, name):
            setattr(opts, name, copy.copy(getattr(parent, name)))


def mti_parents(name: str, concrete: list[type[Model]]) -> list[type[Model]]:
    """The concrete parents of a multi-table child, in the order of its bases.

    A proxy base stands for its concrete model. Parents may be children themselves
    (any depth) and there may be several; two parents that share a concrete
    ancestor (a diamond) are refused, as their common fields would clash.
    """
    parents: list[type[Model]] = []
    for base in concrete:
        model = base._meta.concrete_model
        if model not in parents:
            parents.append(model)
    owner: dict[type[Model], type[Model]] = {}
    for parent in parents:
        for ancestor in (parent, *parent._meta.get_parent_list()):
            first = owner.setdefault(ancestor, parent)
            if first is not parent:
                raise TypeError(
                    f"{name}: its parents {first.__name__} and {parent.__name__} both inherit "
                    f"from {ancestor.__name__}; a model can inherit a concrete model's table once"
                )
    return parents


def add_parent_links(
    cls: type[Model], parents: list[type[Model]], meta: Any, contributable: dict[str, Any]
) -> None:
    """Give a multi-table child its link to each parent (``<parent>_ptr`` unless declared
    with ``parent_link=True``) and its parents' fields; the first link is the primary key
    unless the child declares one."""
    from manouche.orm_lite._deletion import CASCADE
    from manouche.orm_lite._related import OneToOneField

    opts = cls._meta
    declared_pk = any(getattr(v, "primary_key", False) for v in contributable.values())
    seen: dict[str, type[Model]] = {}
    for parent in parents:
        for f in parent._meta.init_fields:
            first = seen.setdefault(f.name, parent)
            if first is not parent:
                raise FieldError(
                    f"The field {f.name!r} from parent model {first.__name__!r} clashes with "
                    f"the field {f.name!r} from parent model {parent.__name__!r}."
                )
    clash = sorted(k for k, v in contributable.items() if isinstance(v, Field) and k in seen)
    if clash:
        raise FieldError(
            f"Local field {clash[0]!r} in class {cls.__name__!r} clashes with field of the same "
            f"name from base class {seen[clash[0]].__name__!r}."
        )
    links: dict[type[Model], Any] = {}
    for i, parent in enumerate(parents):
        pmeta = parent._meta
        declared = [
            v
            for v in contributable.values()
            if isinstance(v, OneToOneField) and v.parent_link and _names(v.to, parent)
        ]
        if len(declared) > 1:
            raise TypeError(f"{cls.__name__} has more than one parent link to {parent.__name__}")
        if declared:
            link = declared[0]
            if i == 0 and not declared_pk:
                link.primary_key = True
        else:
            link = OneToOneField(
                parent, on_delete=CASCADE, parent_link=True, primary_key=i == 0 and not declared_pk
            )
            # Before the child's own fields, later parents' links first, as Django's
            # auto-created links.
            link.creation_counter = -1 - i
            link.contribute_to_class(cls, f"{pmeta.model_name}_ptr")
        links[parent] = link
    opts.parents = links
    opts.parent_fields = [f for parent in parents for f in parent._meta.init_fields]
    inherit_from_concrete(opts, meta, parents[0]._meta)


def _names(to: Any, parent: type[Model]) -> bool:
    if isinstance(to, str):
        return to.lower() in (parent._meta.label_lower, parent._meta.model_name)
    return to is parent
