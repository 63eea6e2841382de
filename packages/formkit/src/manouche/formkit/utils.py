"""Error containers and small HTML helpers shared by forms, fields and widgets."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from markupsafe import Markup, escape

from manouche.formkit.exceptions import ValidationError

__all__ = ["ErrorDict", "ErrorList", "flatatt", "pretty_name"]


def pretty_name(name: str) -> str:
    """``first_name`` -> ``First name``: the default label of a field."""
    if not name:
        return ""
    return name.replace("_", " ").capitalize()


def flatatt(attrs: Mapping[str, Any]) -> Markup:
    """Render HTML attributes, escaped, each with a leading space.

    ``True`` renders a bare boolean attribute, ``False`` and ``None`` drop it.
    """
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {escape(name)}")
        elif value is not False and value is not None:
            parts.append(f' {escape(name)}="{escape(value)}"')
    return Markup("".join(parts))


class ErrorList:
    """The errors of one field (or the non-field errors), renderable as HTML.

    Iterating gives the messages; :meth:`as_data` the :class:`ValidationError`
    objects. ``str()`` and ``__html__`` give ``<ul class="errorlist">``.
    """

    __slots__ = ("data", "error_class", "field_id")

    def __init__(
        self,
        initlist: Iterable[ValidationError | str] | None = None,
        error_class: str | None = None,
        field_id: str | None = None,
    ) -> None:
        self.data: list[ValidationError | str] = list(initlist) if initlist else []
        self.error_class = "errorlist" if error_class is None else f"errorlist {error_class}"
        self.field_id = field_id

    # -- list behaviour --------------------------------------------------------

    def __iter__(self) -> Iterator[str]:
        for error in self.data:
            if isinstance(error, ValidationError):
                yield from error
            else:
                yield str(error)

    def __len__(self) -> int:
        return len(self.data)

    def __bool__(self) -> bool:
        return bool(self.data)

    def __getitem__(self, index: int) -> str:
        error = self.data[index]
        if isinstance(error, ValidationError):
            return str(next(iter(error)))
        return str(error)

    def __contains__(self, item: object) -> bool:
        return item in list(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ErrorList):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def append(self, error: ValidationError | str) -> None:
        self.data.append(error)

    def extend(self, errors: Iterable[ValidationError | str]) -> None:
        self.data.extend(errors)

    def copy(self) -> ErrorList:
        copy = ErrorList(self.data, field_id=self.field_id)
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

    def as_ul(self) -> Markup:
        if not self.data:
            return Markup("")
        id_attr = f' id="{escape(self.field_id)}_error"' if self.field_id else ""
        items = "".join(f"<li>{escape(message)}</li>" for message in self)
        return Markup(f'<ul class="{escape(self.error_class)}"{id_attr}>{items}</ul>')

    def as_text(self) -> str:
        return "\n".join(f"* {message}" for message in self)

    def __html__(self) -> Markup:
        return self.as_ul()

    def __str__(self) -> Markup:
        return self.as_ul()

    def __repr__(self) -> str:
        return repr(list(self))


class ErrorDict(dict[str, ErrorList]):
    """Errors per field name (``__all__`` for the whole form), renderable as HTML."""

    def as_data(self) -> dict[str, list[ValidationError]]:
        return {field: errors.as_data() for field, errors in self.items()}

    def get_json_data(self, escape_html: bool = False) -> dict[str, list[dict[str, str]]]:
        return {field: errors.get_json_data(escape_html) for field, errors in self.items()}

    def as_json(self, escape_html: bool = False) -> str:
        return json.dumps(self.get_json_data(escape_html))

    def as_ul(self) -> Markup:
        if not self:
            return Markup("")
        items = "".join(
            f"<li>{escape(field)}{errors.as_ul()}</li>" for field, errors in self.items()
        )
        return Markup(f'<ul class="errorlist">{items}</ul>')

    def as_text(self) -> str:
        lines = []
        for field, errors in self.items():
            lines.append(f"* {field}")
            lines.extend(f"  * {message}" for message in errors)
        return "\n".join(lines)

    def __html__(self) -> Markup:
        return self.as_ul()

    def __str__(self) -> Markup:
        return self.as_ul()
