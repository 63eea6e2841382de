"""How one value of a row is shown: in a change list cell, a read-only field, history."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from manouche.adminkit._i18n import gettext
from manouche.adminkit._meta import Opts, capfirst, opts_of
from manouche.validation import ModelField, base_type

EMPTY = "-"


def boolean_icon(value: Any) -> Markup:
    if value is None:
        return Markup(
            '<span class="bool bool-unknown" role="img" aria-label="%s">?</span>'
        ) % gettext("Unknown")
    if value:
        return Markup('<span class="bool bool-yes" role="img" aria-label="%s">✔</span>') % gettext(
            "Yes"
        )
    return Markup('<span class="bool bool-no" role="img" aria-label="%s">✘</span>') % gettext("No")


def display_value(value: Any, field: ModelField | None, empty: str = EMPTY) -> Any:
    """A field's value for display: choices by their label, booleans as icons."""
    if field is not None and field.choices:
        for key, label in _flat(field.choices):
            if key == value:
                return str(label)
    if isinstance(value, bool) or (
        field is not None and field.column is not None and _is_bool(field)
    ):
        return boolean_icon(value)
    if value is None or value == "":
        return empty
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        return str(value)
    return value


def _is_bool(field: ModelField) -> bool:
    import sqlalchemy as sa

    return isinstance(base_type(field.column), sa.Boolean)


def _flat(choices: Any) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = []
    for key, label in choices or ():
        if isinstance(label, (list, tuple)):
            out.extend(label)
        else:
            out.append((key, label))
    return out


def follow(obj: Any, opts: Opts, path: str) -> tuple[Any, ModelField | None]:
    """The value at ``a__b__c`` from ``obj`` and the last field, through foreign keys."""
    parts = path.split("__")
    field: ModelField | None = None
    current_opts: Opts | None = opts
    value = obj
    for part in parts:
        if value is None:
            return None, field
        field = None
        if current_opts is not None:
            try:
                field = current_opts.get_field(part)
            except LookupError:
                field = None
        if field is not None and field.kind == "fk":
            value = getattr(value, field.name, None)
            current_opts = opts_of(field.related_model) if field.related_model is not None else None
        elif field is not None:
            value = getattr(value, field.attname, None)
            current_opts = None
        else:
            value = getattr(value, part, None)
            if callable(value):
                value = value()
            current_opts = None
    return value, field


def label_for(name: Any, opts: Opts, model_admin: Any) -> str:
    """A list_display entry's column header (Django's ``label_for_field``)."""
    if callable(name):
        if hasattr(name, "short_description"):
            return str(name.short_description)
        return capfirst(getattr(name, "__name__", "").replace("_", " "))
    if name == "__str__":
        return capfirst(opts.verbose_name)
    attr = getattr(model_admin, name, None)
    if attr is not None and callable(attr):
        return str(getattr(attr, "short_description", capfirst(name.replace("_", " "))))
    if "__" in name:
        head, rest = name.split("__", 1)
        try:
            field = opts.get_field(head)
        except LookupError:
            field = None
        if field is not None and field.kind == "fk":
            return label_for(rest, opts_of(field.related_model), None)
    try:
        return capfirst(opts.get_field(name).verbose_name)
    except LookupError:
        pass
    attr = getattr(opts.model, name, None)
    if attr is not None and hasattr(attr, "short_description"):
        return str(attr.short_description)
    return capfirst(name.replace("_", " "))


def lookup(name: Any, obj: Any, opts: Opts, model_admin: Any) -> tuple[Any, Any, ModelField | None]:
    """(the thing found, its value, the field if any) for a list_display entry on ``obj``."""
    if callable(name):
        return name, name(obj), None
    if name == "__str__":
        return None, str(obj), None
    attr = getattr(model_admin, name, None) if model_admin is not None else None
    if attr is not None and callable(attr):
        return attr, attr(obj), None
    try:
        value, field = follow(obj, opts, name)
    except LookupError:
        value, field = None, None
    if field is None:
        found = getattr(type(obj), name, None)
        return found, value, None
    return None, value, field


def cell(name: Any, obj: Any, opts: Opts, model_admin: Any) -> Any:
    found, value, field = lookup(name, obj, opts, model_admin)
    empty = str(
        getattr(found, "empty_value_display", None)
        or getattr(model_admin, "empty_value_display", EMPTY)
    )
    if field is None:
        if getattr(found, "boolean", False):
            return boolean_icon(value)
        if value is None or value == "":
            return empty
        if isinstance(value, Markup):
            return value
        return (
            escape(str(value))
            if not isinstance(value, (dt.date, dt.time))
            else display_value(value, None)
        )
    if field.kind == "fk":
        return empty if value is None else str(value)
    return display_value(value, field, empty)


def cell_function(name: Any, opts: Opts, model_admin: Any) -> Callable[[Any], Any]:
    """``cell(name, obj, opts, model_admin)`` as a function of ``obj`` alone, for one
    change list column: a plain field's lookups (the field, its choices' labels, its
    boolean icons) are made once, not once per row. Anything else (callables,
    ``__str__``, related paths, model attributes) goes through ``cell()``.
    """

    def generic(obj: Any) -> Any:
        return cell(name, obj, opts, model_admin)

    if not isinstance(name, str) or name == "__str__" or "__" in name:
        return generic
    attr = getattr(model_admin, name, None) if model_admin is not None else None
    if attr is not None and callable(attr):
        return generic
    try:
        field = opts.get_field(name)
    except LookupError:
        return generic
    empty = str(getattr(model_admin, "empty_value_display", EMPTY))
    if field.kind == "fk":
        key = field.name

        def related(obj: Any) -> Any:
            value = getattr(obj, key, None)
            return empty if value is None else str(value)

        return related
    if field.kind != "column" or field.column is None:
        return generic
    attname = field.attname
    if field.choices:
        labels = {key: str(label) for key, label in _flat(field.choices)}

        def choice(obj: Any) -> Any:
            value = getattr(obj, attname, None)
            try:
                return labels[value]
            except (KeyError, TypeError):
                return display_value(value, field, empty)

        return choice
    if field.column is not None and _is_bool(field):
        icons = {None: boolean_icon(None), True: boolean_icon(True), False: boolean_icon(False)}

        def flag(obj: Any) -> Any:
            value = getattr(obj, attname, None)
            return icons[None] if value is None else icons[bool(value)]

        return flag

    def plain(obj: Any) -> Any:
        return display_value(getattr(obj, attname, None), None, empty)

    return plain
