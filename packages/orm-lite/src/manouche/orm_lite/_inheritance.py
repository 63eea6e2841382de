"""Model inheritance beyond abstract bases: proxy models (``class Meta: proxy = True``).

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
        "get_stmt",
        "pending",
        "auto_created",
        "_field_cache",
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


def inherit_from_concrete(opts: Options, meta: Any, parent: Options) -> None:
    """``ordering`` and ``get_latest_by`` come from a concrete parent unless Meta sets them."""
    for name in _INHERITED_FROM_CONCRETE:
        if meta is None or not hasattr(meta, name):
            setattr(opts, name, copy.copy(getattr(parent, name)))


def mti_parent(name: str, concrete: list[type[Model]]) -> type[Model]:
    """The one concrete parent of a multi-table inheritance child (a clear error otherwise)."""
    if len(concrete) > 1:
        raise TypeError(
            f"{name}: multi-table inheritance from several concrete models "
            f"({', '.join(p.__name__ for p in concrete)}) is not supported by orm-lite"
        )
    parent = concrete[0]
    if parent._meta.parents or parent._meta.proxy:
        raise TypeError(
            f"{name}: multi-table inheritance is supported one level deep, from a model with a "
            f"table of its own; {parent.__name__} is itself a child or a proxy"
        )
    return parent


def add_parent_link(
    cls: type[Model], parent: type[Model], meta: Any, contributable: dict[str, Any]
) -> None:
    """Give a child of the concrete ``parent`` its link (``<parent>_ptr``) and its fields."""
    from manouche.orm_lite._deletion import CASCADE
    from manouche.orm_lite._related import OneToOneField

    opts = cls._meta
    pmeta = parent._meta
    links = [
        (k, v)
        for k, v in contributable.items()
        if isinstance(v, OneToOneField) and v.parent_link and _names(v.to, parent)
    ]
    if len(links) > 1:
        raise TypeError(f"{cls.__name__} has more than one parent link to {parent.__name__}")
    clash = sorted(
        k
        for k, v in contributable.items()
        if isinstance(v, Field) and any(f.name == k for f in pmeta.init_fields)
    )
    if clash:
        raise FieldError(
            f"Local field {clash[0]!r} in class {cls.__name__!r} clashes with field of the same "
            f"name from base class {parent.__name__!r}."
        )
    if links:
        link = links[0][1]
        if not any(getattr(v, "primary_key", False) for v in contributable.values()):
            link.primary_key = True
    else:
        link = OneToOneField(
            parent,
            on_delete=CASCADE,
            parent_link=True,
            primary_key=True,
        )
        link.creation_counter = -1  # first of the child's fields, as Django's auto link
        link.contribute_to_class(cls, f"{pmeta.model_name}_ptr")
    opts.parents = {parent: link}
    opts.parent_fields = list(pmeta.init_fields)
    inherit_from_concrete(opts, meta, pmeta)


def _names(to: Any, parent: type[Model]) -> bool:
    if isinstance(to, str):
        return to.lower() in (parent._meta.label_lower, parent._meta.model_name)
    return to is parent
