"""What the admin needs to know about a model, read from its SQLAlchemy metadata.

Fields, labels, choices and foreign keys come from manouche-validation's
model reader (the same description formkit's ModelForm uses), so orm-lite models and plain
SQLAlchemy declarative models look the same here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manouche.validation import ModelField, ModelInfo, base_type, describe_model


@dataclass
class Opts:
    """Django's ``Model._meta`` subset the admin uses."""

    model: Any
    info: ModelInfo
    app_label: str
    model_name: str
    object_name: str
    verbose_name: str
    verbose_name_plural: str
    ordering: list[str]

    @property
    def pk_field(self) -> ModelField:
        return self.info.by_name[self.info.pk_name]

    @property
    def pk_column(self) -> Any:
        return self.info.pk_column

    def get_field(self, name: str) -> ModelField:
        if name == "pk":
            return self.pk_field
        for f in self.info.fields:
            if name in (f.name, f.attname):
                return f
        raise LookupError(f"{self.object_name} has no field named {name!r}")

    def perm(self, action: str) -> str:
        return f"{self.app_label}.{action}_{self.model_name}"


_cache: dict[Any, Opts] = {}


def opts_of(model: Any) -> Opts:
    try:
        return _cache[model]
    except KeyError:
        pass
    info = describe_model(model)
    meta = getattr(model, "_meta", None)
    table_info = dict(model.__table__.info)
    object_name = model.__name__
    app_label = str(
        getattr(meta, "app_label", None)
        or table_info.get("app_label")
        or model.__module__.split(".")[-2 if "." in model.__module__ else -1]
    )
    model_name = str(getattr(meta, "model_name", None) or object_name.lower())
    # The names stay as the model gives them: a lazy translation (gettext_lazy)
    # is turned into text where a page shows it, in the request's language.
    verbose = getattr(meta, "verbose_name", None) or table_info.get("verbose_name") or ""
    if not verbose:
        verbose = _words(object_name)
    plural = (
        getattr(meta, "verbose_name_plural", None)
        or table_info.get("verbose_name_plural")
        or f"{verbose}s"
    )
    ordering = list(getattr(meta, "ordering", None) or table_info.get("ordering") or [])
    opts = Opts(model, info, app_label, model_name, object_name, verbose, plural, ordering)
    _cache[model] = opts
    return opts


def _words(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append(" ")
        out.append(ch.lower())
    return "".join(out)


def capfirst(text: Any) -> str:
    value = str(text)
    return value[:1].upper() + value[1:]


def python_type(column: Any) -> Any:
    """The Python type of the column's values, or None when SQLAlchemy cannot say."""
    try:
        found = base_type(column).python_type
    except NotImplementedError:
        return None
    return None if found is object else found
