"""What restkit reads from a model beyond validation's ``describe_model()``.

The model itself is read once, by :func:`manouche.validation.describe_model`
(the one reader that forms, the admin and serialization share). Only the
REST framework's own questions are answered here: whether a field is the
database's autoincrementing key, whether it has a default (including a
server default), its length limit, the Django field named in
``Column.info``, and whether the model saves itself (orm-lite) or through a
session (plain SQLAlchemy).
"""

from __future__ import annotations

from typing import Any

from manouche.validation import ModelField, ModelInfo, describe_model

_AUTO_FIELDS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})


def describe(model: Any) -> ModelInfo:
    """The model's :class:`~manouche.validation.ModelInfo`; a model without a key is refused."""
    info = describe_model(model)
    if info.stale():
        info = describe_model(model, refresh=True)
    if info.pk is None:
        raise TypeError(f"{getattr(model, '__name__', model)} has no primary key")
    return info


def primary_key(info: ModelInfo) -> ModelField:
    """The model's primary key field (:func:`describe` refused a model without one)."""
    if info.pk is None:
        raise TypeError(f"{getattr(info.model, '__name__', info.table)} has no primary key")
    return info.pk


def is_auto(mf: ModelField) -> bool:
    """The database's autoincrementing integer key: read-only, never asked for."""
    return mf.primary_key and mf.internal_type in _AUTO_FIELDS and mf.kind == "column"


def is_column(mf: ModelField) -> bool:
    """A field serialized by value: a plain column, or a foreign key column without a
    relationship (``author_id`` on a plain SQLAlchemy model takes the key itself)."""
    return mf.kind == "column" or (mf.kind == "fk" and not mf.assign_instance)


def has_default(mf: ModelField) -> bool:
    column = mf.column
    if column is None:
        return False
    return "default" in mf.info or column.default is not None or column.server_default is not None


def is_blank(mf: ModelField, info: ModelInfo) -> bool:
    """Whether an empty value is accepted: ``blank`` as the model says it.

    A column is blank only when ``Column.info`` says so (DRF's rule for a
    Django field, whose ``blank`` defaults to False: a nullable column takes
    ``null``, not ``""``). An orm-lite many-to-many says ``blank`` itself; a
    SQLAlchemy relationship may be left empty unless its ``info`` says otherwise.
    """
    if mf.kind == "m2m":
        if hasattr(getattr(info.model, "_meta", None), "many_to_many"):
            return mf.blank
        return bool(mf.info.get("blank", True))
    return bool(mf.info.get("blank", False))


def max_length(mf: ModelField) -> int | None:
    found = mf.info.get("max_length") or getattr(getattr(mf.column, "type", None), "length", None)
    return found if isinstance(found, int) else None


def django_field(mf: ModelField) -> str:
    """The Django field type named in ``Column.info`` (``EmailField``), else ``""``."""
    return str(mf.info.get("django_field") or "")


def has_manager(info: ModelInfo) -> bool:
    """Whether the model saves itself (orm-lite's ``Model.objects``), not through a session."""
    manager = getattr(info.model, "objects", None)
    return manager is not None and hasattr(manager, "filter")
