"""Error containers and small HTML helpers shared by forms, fields and widgets."""

from __future__ import annotations

import json
from collections import UserList
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from markupsafe import Markup, escape

from manouche.formkit.exceptions import ValidationError
from manouche.formkit.renderers import RenderableMixin, _render_html, get_default_renderer

__all__ = ["ErrorDict", "ErrorList", "flatatt", "pretty_name"]


def pretty_name(name: str) -> str:
    """``first_name`` -> ``First name``: the default label of a field."""
    if not name:
        return ""
    return name.replace("_", " ").capitalize()


def flatatt(attrs: Mapping[str, Any]) -> Markup:
    """Django's ``flatatt``: ``name="value"`` pairs sorted, then boolean attributes sorted.

    Escaped, each with a leading space; ``True`` renders a bare attribute,
    ``False`` and ``None`` drop it.
    """
    pairs = sorted((k, v) for k, v in attrs.items() if not isinstance(v, bool) and v is not None)
    flags = sorted(k for k, v in attrs.items() if v is True)
    return Markup(
        "".join(f' {escape(k)}="{escape(v)}"' for k, v in pairs)
        + "".join(f" {escape(k)}" for k in flags)
    )


def _flatatt(attrs: Mapping[str, Any]) -> Markup:
    """HTML attributes in their order, escaped, each with a leading space (widgets).

    ``True`` renders a bare boolean attribute, ``False`` and ``None`` drop it.
    """
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {escape(name)}")
        elif value is not False and value is not None:
            parts.append(f' {escape(name)}="{escape(value)}"')
    return Markup("".join(parts))


_BUILTIN_LIST_TEMPLATES = frozenset(
    {
        "django/forms/errors/list/default.html",
        "django/forms/errors/list/ul.html",
        "django/forms/errors/list/text.txt",
    }
)


class ErrorList(UserList, list):  # type: ignore[type-arg,misc]  # Django's shape
    """The errors of one field (or the non-field errors), renderable as HTML.

    Iterating gives the messages; :meth:`as_data` the :class:`ValidationError`
    objects. ``str()`` and ``__html__`` give ``<ul class="errorlist">``. As
    Django's, it is a ``list`` (``isinstance`` and ``json.dumps`` work) whose
    errors live in ``data``.
    """

    template_name = "django/forms/errors/list/default.html"
    template_name_text = "django/forms/errors/list/text.txt"
    template_name_ul = "django/forms/errors/list/ul.html"

    def __init__(
        self,
        initlist: Iterable[ValidationError | str] | None = None,
        error_class: str | None = None,
        renderer: Any = None,
        field_id: str | None = None,
    ) -> None:
        self.data: list[ValidationError | str] = list(initlist) if initlist else []
        self.error_class = "errorlist" if error_class is None else f"errorlist {error_class}"
        self.renderer: Any = renderer or get_default_renderer()
        self.field_id = field_id

    # -- list behaviour --------------------------------------------------------

    def __iter__(self) -> Iterator[Any]:
        # The messages; an item that is not a ValidationError (a nested ErrorDict,
        # a lazy string) is given as it is, as Django's list does.
        for error in self.data:
            if isinstance(error, ValidationError):
                yield from error
            else:
                yield error

    def __len__(self) -> int:
        return len(self.data)

    def __bool__(self) -> bool:
        return bool(self.data)

    def __getitem__(self, index: int) -> Any:  # type: ignore[override]
        error = self.data[index]
        if isinstance(error, ValidationError):
            return next(iter(error))
        return error

    def __reduce_ex__(self, protocol: Any) -> Any:
        # The list part of the class is empty (the errors live in ``data``): copies
        # and pickles must not add its items a second time.
        reduced: Any = super(UserList, self).__reduce_ex__(protocol)
        return (*reduced[:3], None, None)

    def __contains__(self, item: object) -> bool:
        return item in list(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ErrorList):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None

    def append(self, error: ValidationError | str) -> None:
        self.data.append(error)

    def extend(self, errors: Iterable[ValidationError | str]) -> None:
        self.data.extend(errors)

    def copy(self) -> ErrorList:
        copy = ErrorList(self.data, renderer=self.renderer, field_id=self.field_id)
        copy.error_class = self.error_class
        return copy

    # -- data ----------------------------------------------------------------

    def as_data(self) -> list[ValidationError]:
        """The errors as :class:`ValidationError` objects (one message each)."""
        return ValidationError(self.data).error_list

    def get_json_data(self, escape_html: bool = False) -> list[dict[str, str]]:
        """``[{"message": ..., "code": ...}]``, messages escaped if asked."""
        result = []
        for error in self.as_data():
            message = error.formatted()
            result.append(
                {
                    "message": str(escape(message)) if escape_html else message,
                    "code": error.code or "",
                }
            )
        return result

    def as_json(self, escape_html: bool = False) -> str:
        return json.dumps(self.get_json_data(escape_html))

    # -- rendering -------------------------------------------------------------

    def get_context(self) -> dict[str, Any]:
        return {"errors": self, "error_class": self.error_class}

    def render(
        self,
        template_name: str | None = None,
        context: Mapping[str, Any] | None = None,
        renderer: Any = None,
    ) -> Markup:
        """The errors through ``template_name`` (``<ul class="errorlist">`` by default)."""
        template_name = template_name or self.template_name
        if not self.data and context is None and template_name in _BUILTIN_LIST_TEMPLATES:
            return Markup("")  # the built-in templates render nothing for no errors
        return _render_html(renderer or self.renderer, template_name, context or self.get_context())

    def as_ul(self) -> Markup:
        return self.render(self.template_name_ul)

    def as_text(self) -> str:
        return str(self.render(self.template_name_text))

    def __html__(self) -> Markup:
        return self.render()

    def __str__(self) -> Markup:
        return self.render()

    def __repr__(self) -> str:
        return repr(list(self))


class ErrorDict(RenderableMixin, dict[str, ErrorList]):
    """Errors per field name (``__all__`` for the whole form), renderable as HTML."""

    template_name = "django/forms/errors/dict/default.html"
    template_name_text = "django/forms/errors/dict/text.txt"
    template_name_ul = "django/forms/errors/dict/ul.html"

    def __init__(self, *args: Any, renderer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.renderer: Any = renderer or get_default_renderer()

    def get_context(self) -> dict[str, Any]:
        return {"errors": self.items(), "error_class": "errorlist"}

    def as_data(self) -> dict[str, list[ValidationError]]:
        return {field: errors.as_data() for field, errors in self.items()}

    def get_json_data(self, escape_html: bool = False) -> dict[str, list[dict[str, str]]]:
        return {field: errors.get_json_data(escape_html) for field, errors in self.items()}

    def as_json(self, escape_html: bool = False) -> str:
        return json.dumps(self.get_json_data(escape_html))

    def as_ul(self) -> Markup:
        return self.render(self.template_name_ul)

    def as_text(self) -> str:
        return str(self.render(self.template_name_text))

    def __html__(self) -> Markup:
        return self.render()

    def __str__(self) -> Markup:
        return self.render()
