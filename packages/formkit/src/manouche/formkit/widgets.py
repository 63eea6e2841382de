"""Widgets: the HTML side of a field, and how its value is read from form data.

Each widget renders escaped HTML (a :class:`markupsafe.Markup`) equivalent to
Django's default templates, built directly in Python. Form data is any
mapping; where several values are expected it is read with ``getlist`` when
the mapping has one (WebOb and Werkzeug ``MultiDict``), else with ``get``.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from manouche.formkit import _i18n
from manouche.formkit._i18n import gettext_noop
from manouche.formkit.files import wrap_upload
from manouche.formkit.media import Media, MediaDefiningClass
from manouche.formkit.translation import gettext
from manouche.formkit.utils import _flatatt

__all__ = [
    "FILE_INPUT_CONTRADICTION",
    "CheckboxInput",
    "CheckboxSelectMultiple",
    "ChoiceWidget",
    "ClearableFileInput",
    "ColorInput",
    "DateInput",
    "DateTimeBaseInput",
    "DateTimeInput",
    "EmailInput",
    "FileInput",
    "HiddenInput",
    "Input",
    "MultiWidget",
    "MultipleHiddenInput",
    "NullBooleanSelect",
    "NumberInput",
    "PasswordInput",
    "RadioSelect",
    "SearchInput",
    "Select",
    "SelectDateWidget",
    "SelectMultiple",
    "SplitDateTimeWidget",
    "SplitHiddenDateTimeWidget",
    "TelInput",
    "TextInput",
    "Textarea",
    "TimeInput",
    "URLInput",
    "Widget",
    "normalize_choices",
]

#: Returned by ClearableFileInput when a file is uploaded and "clear" is ticked.
FILE_INPUT_CONTRADICTION = object()

_DATE_FORMAT = "%Y-%m-%d"
_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_TIME_FORMAT = "%H:%M:%S"


def _getlist(data: Any, name: str) -> Any:
    # Werkzeug and Django spell it getlist(), WebOb getall(); a plain dict has
    # neither and gives its value as is (a list, or a single value).
    getlist = getattr(data, "getlist", None) or getattr(data, "getall", None)
    if getlist is not None:
        return getlist(name)
    return data.get(name)


def normalize_choices(choices: Any) -> list[tuple[Any, Any]]:
    """Turn choices (pairs, a mapping, groups, a callable) into a list of pairs.

    A group is ``(group_label, [(value, label), ...])``; a mapping is read as
    ``{value: label}`` with nested mappings as groups. An enumeration class
    with a ``choices`` attribute (Django's ``TextChoices``/``IntegerChoices``,
    or any enum that offers the same) gives its ``choices``.
    """
    if isinstance(choices, type):
        if hasattr(choices, "choices"):
            choices = choices.choices
    elif callable(choices):
        choices = choices()
    if isinstance(choices, Mapping):
        choices = list(choices.items())
    result: list[tuple[Any, Any]] = []
    for choice in choices or ():
        try:
            value, label = choice
        except (TypeError, ValueError):
            # Not pairs: kept as given, as Django does (its checks report them).
            return list(choices)
        if isinstance(label, type) and hasattr(label, "choices"):
            label = label.choices
        if isinstance(label, Mapping):
            label = list(label.items())
        if isinstance(label, (list, tuple)):
            result.append((value, [tuple(item) for item in label]))
        else:
            result.append((value, label))
    return result


class Widget(metaclass=MediaDefiningClass):
    """Base class: attributes, value formatting, data reading, rendering.

    An inner ``class Media`` declares the widget's CSS and JavaScript
    (:class:`~manouche.formkit.media.Media`).
    """

    if TYPE_CHECKING:

        @property
        def media(self) -> Media: ...  # made by MediaDefiningClass

    input_type: str | None = None
    #: A template of the form's renderer; ``None``: rendered in Python (the fast path).
    template_name: str | None = None
    needs_multipart_form = False
    is_localized = False
    is_required = False
    supports_microseconds = True
    use_fieldset = False

    def __init__(self, attrs: Mapping[str, Any] | None = None) -> None:
        self.attrs: dict[str, Any] = {} if attrs is None else dict(attrs)

    def __deepcopy__(self, memo: dict[int, Any]) -> Widget:
        obj = object.__new__(type(self))
        obj.__dict__.update(self.__dict__)
        obj.attrs = self.attrs.copy()
        memo[id(self)] = obj
        return obj

    @property
    def is_hidden(self) -> bool:
        return self.input_type == "hidden"

    def format_value(self, value: Any) -> Any:
        """The value as it appears in HTML, ``None`` for no value.

        A localized widget (a field's ``localize=True``) shows numbers and
        dates in the active language's notation when i18nkit is installed.
        """
        if value is None or value == "":
            return None
        if self.is_localized:
            value = _i18n.localize_input(value)
        return str(value)

    def build_attrs(
        self, base_attrs: Mapping[str, Any], extra_attrs: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        return {**base_attrs, **(extra_attrs or {})}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """The submitted value for ``name``, ``None`` when absent."""
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def id_for_label(self, id_: str) -> str:
        return id_

    def use_required_attribute(self, initial: Any) -> bool:
        return not self.is_hidden

    def get_context(self, name: str, value: Any, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        """The data a renderer needs: name, formatted value, final attributes."""
        return {
            "name": name,
            "is_hidden": self.is_hidden,
            "required": self.is_required,
            "value": self.format_value(value),
            "attrs": self.build_attrs(self.attrs, attrs),
            "type": self.input_type,
        }

    def subwidgets(
        self, name: str, value: Any, attrs: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        yield self.get_context(name, value, attrs)

    def render(
        self, name: str, value: Any, attrs: Mapping[str, Any] | None = None, renderer: Any = None
    ) -> Markup:
        """The widget as escaped HTML.

        Built in Python, unless the widget has a ``template_name``: then ``renderer``
        (the form's) renders that template with Django's context ``{"widget": ...}``.
        """
        context = self.get_context(name, value, attrs)
        if self.template_name is None:
            return self.render_context(context)
        if renderer is None:
            from manouche.formkit.renderers import get_default_renderer

            renderer = get_default_renderer()
        return Markup(renderer.render(self.template_name, {"widget": context}))

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        raise NotImplementedError(f"{type(self).__name__} must define render_context()")


def _input_html(
    input_type: Any, name: str, value: Any, attrs: Mapping[str, Any], label: Any = None
) -> str:
    value_attr = "" if value is None else f' value="{escape(value)}"'
    return f'<input type="{escape(input_type)}" name="{escape(name)}"{value_attr}{_flatatt(attrs)}>'


class Input(Widget):
    """An ``<input>``; ``attrs={"type": ...}`` overrides the input type."""

    def __init__(self, attrs: Mapping[str, Any] | None = None) -> None:
        if attrs is not None:
            attrs = dict(attrs)
            self.input_type = attrs.pop("type", self.input_type)
        super().__init__(attrs)

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        return Markup(
            _input_html(context["type"], context["name"], context["value"], context["attrs"])
        )


class TextInput(Input):
    """``<input type="text">``."""

    input_type = "text"


class NumberInput(Input):
    """``<input type="number">``."""

    input_type = "number"


class EmailInput(Input):
    """``<input type="email">``."""

    input_type = "email"


class URLInput(Input):
    """``<input type="url">``."""

    input_type = "url"


class SearchInput(Input):
    """``<input type="search">``."""

    input_type = "search"


class ColorInput(Input):
    """``<input type="color">``.

    .. versionadded:: 0.2
    """

    input_type = "color"


class TelInput(Input):
    """``<input type="tel">``."""

    input_type = "tel"


class PasswordInput(Input):
    """A password input; the value is never sent back unless ``render_value``."""

    input_type = "password"

    def __init__(self, attrs: Mapping[str, Any] | None = None, render_value: bool = False):
        super().__init__(attrs)
        self.render_value = render_value

    def get_context(self, name: str, value: Any, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        if not self.render_value:
            value = None
        return super().get_context(name, value, attrs)


class HiddenInput(Input):
    """``<input type="hidden">``."""

    input_type = "hidden"


class MultipleHiddenInput(HiddenInput):
    """One hidden input per value of a list."""

    def format_value(self, value: Any) -> Any:
        return [] if value is None else value

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        attrs = context["attrs"]
        id_ = attrs.get("id")
        parts = []
        for index, value in enumerate(context["value"]):
            sub_attrs = dict(attrs)
            if id_:
                sub_attrs["id"] = f"{id_}_{index}"
            parts.append(_input_html("hidden", context["name"], str(value), sub_attrs))
        return Markup("\n".join(parts))

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return _getlist(data, name)


class FileInput(Input):
    """A file input; the value comes from ``files`` (or from ``data`` for WebOb)."""

    input_type = "file"
    needs_multipart_form = True
    allow_multiple_selected = False

    def __init__(self, attrs: Mapping[str, Any] | None = None) -> None:
        if attrs is not None and not self.allow_multiple_selected and attrs.get("multiple"):
            raise ValueError(f"{type(self).__qualname__} doesn't support uploading multiple files.")
        if self.allow_multiple_selected:
            attrs = {"multiple": True, **(attrs or {})}
        super().__init__(attrs)

    def format_value(self, value: Any) -> Any:
        return None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        source = files if files and name in files else data
        if self.allow_multiple_selected:
            values = _getlist(source, name)
            if values is None:
                return None
            if not isinstance(values, (list, tuple)):
                values = [values]
            return [upload for upload in map(wrap_upload, values) if upload is not None]
        return wrap_upload(source.get(name))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in (files or {}) and name not in data

    def use_required_attribute(self, initial: Any) -> bool:
        return super().use_required_attribute(initial) and not initial


class ClearableFileInput(FileInput):
    """A file input that shows the current file and offers to clear it."""

    clear_checkbox_label = gettext_noop("Clear")
    initial_text = gettext_noop("Currently")
    input_text = gettext_noop("Change")
    checked = False

    def clear_checkbox_name(self, name: str) -> str:
        return name + "-clear"

    def clear_checkbox_id(self, name: str) -> str:
        return name + "_id"

    def is_initial(self, value: Any) -> bool:
        return bool(value and getattr(value, "url", False))

    def format_value(self, value: Any) -> Any:
        return value if self.is_initial(value) else None

    def get_context(self, name: str, value: Any, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        checkbox_name = self.clear_checkbox_name(name)
        context.update(
            checkbox_name=checkbox_name,
            checkbox_id=self.clear_checkbox_id(checkbox_name),
            is_initial=self.is_initial(value),
        )
        context["attrs"].setdefault("disabled", False)
        context["attrs"]["checked"] = self.checked
        return context

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        attrs = context["attrs"]
        html = ""
        if context["is_initial"]:
            value = context["value"]
            html = (
                f"{escape(gettext(self.initial_text))}: "
                f'<a href="{escape(value.url)}">{escape(value)}</a>'
            )
            if not context["required"]:
                checkbox = {"disabled": attrs.get("disabled"), "checked": attrs.get("checked")}
                html += (
                    f'\n<input type="checkbox" name="{escape(context["checkbox_name"])}" '
                    f'id="{escape(context["checkbox_id"])}"{_flatatt(checkbox)}>\n'
                    f'<label for="{escape(context["checkbox_id"])}">'
                    f"{escape(gettext(self.clear_checkbox_label))}</label>"
                )
            html += f"<br>\n{escape(gettext(self.input_text))}:"
        html += "\n" + _input_html(context["type"], context["name"], None, attrs)
        return Markup(html)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        upload = super().value_from_datadict(data, files, name)
        checkbox = self.clear_checkbox_name(name)
        self.checked = checkbox in data
        if not self.is_required and CheckboxInput().value_from_datadict(data, files, checkbox):
            if upload:
                return FILE_INPUT_CONTRADICTION
            return False
        return upload

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return (
            super().value_omitted_from_data(data, files, name)
            and self.clear_checkbox_name(name) not in data
        )


class Textarea(Widget):
    """A ``<textarea>``, 40 columns by 10 rows unless told."""

    def __init__(self, attrs: Mapping[str, Any] | None = None) -> None:
        super().__init__({"cols": "40", "rows": "10", **(attrs or {})})

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        value = context["value"]
        return Markup(
            f'<textarea name="{escape(context["name"])}"{_flatatt(context["attrs"])}>\n'
            f"{escape(value) if value else ''}</textarea>"
        )


class DateTimeBaseInput(TextInput):
    """A text input showing dates and times in ``format`` (ISO by default)."""

    format_default = ""
    supports_microseconds = False

    def __init__(self, attrs: Mapping[str, Any] | None = None, format: str | None = None):
        super().__init__(attrs)
        self.format = format or None

    def format_value(self, value: Any) -> Any:
        if isinstance(value, (datetime.date, datetime.time)):
            if self.is_localized and not self.format:
                return str(_i18n.localize_input(value))
            return value.strftime(self.format or self.format_default)
        if value is None or value == "":
            return None
        return str(value)


class DateInput(DateTimeBaseInput):
    """``<input type="text">`` showing a date in the widget's ``format``."""

    format_default = _DATE_FORMAT


class DateTimeInput(DateTimeBaseInput):
    """``<input type="text">`` showing a date and time in the widget's ``format``."""

    format_default = _DATETIME_FORMAT


class TimeInput(DateTimeBaseInput):
    """``<input type="text">`` showing a time in the widget's ``format``."""

    format_default = _TIME_FORMAT


def _boolean_check(value: Any) -> bool:
    return not (value is False or value is None or value == "")


class CheckboxInput(Input):
    """A checkbox; absent from the data means ``False``."""

    input_type = "checkbox"

    def __init__(
        self,
        attrs: Mapping[str, Any] | None = None,
        check_test: Callable[[Any], bool] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.check_test = _boolean_check if check_test is None else check_test

    def format_value(self, value: Any) -> Any:
        if value is True or value is False or value is None or value == "":
            return None
        return str(value)

    def get_context(self, name: str, value: Any, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        if self.check_test(value):
            attrs = {**(attrs or {}), "checked": True}
        return super().get_context(name, value, attrs)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name not in data:
            return False
        value = data.get(name)
        if isinstance(value, str):
            lowered = value.lower()
            if lowered == "true":
                return True
            if lowered == "false":
                return False
        return bool(value)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class ChoiceWidget(Widget):
    """Base of the widgets offering choices: options, groups, selection."""

    allow_multiple_selected = False
    option_template_name: str | None = None
    add_id_index = True
    checked_attribute: dict[str, Any] = {"checked": True}
    option_inherits_attrs = True

    def __init__(self, attrs: Mapping[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(attrs)
        self.choices = choices

    @property
    def choices(self) -> Any:
        return self._choices

    @choices.setter
    def choices(self, value: Any) -> None:
        self._choices = value if isinstance(value, _LazyChoices) else normalize_choices(value)

    def __deepcopy__(self, memo: dict[int, Any]) -> Widget:
        obj = super().__deepcopy__(memo)
        assert isinstance(obj, ChoiceWidget)
        choices = self._choices
        obj._choices = list(choices) if isinstance(choices, list) else choices
        return obj

    def format_value(self, value: Any) -> Any:
        if value is None and self.allow_multiple_selected:
            return []
        if not isinstance(value, (tuple, list)):
            value = [value]
        return [str(v) if v is not None else "" for v in value]

    def subwidgets(
        self, name: str, value: Any, attrs: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        for _group, options, _index in self.optgroups(name, self.format_value(value), attrs):
            yield from options

    def options(
        self, name: str, value: Sequence[str], attrs: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every option, groups flattened."""
        for _group, options, _index in self.optgroups(name, value, attrs):
            yield from options

    def optgroups(
        self, name: str, value: Sequence[str], attrs: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, list[dict[str, Any]], int]]:
        """``(group label or None, options, index)`` for each top-level choice."""
        groups = []
        has_selected = False
        selected_values = set(value)
        base_attrs = self.build_attrs(self.attrs, attrs) if self.option_inherits_attrs else {}
        for index, (option_value, option_label) in enumerate(self.choices):
            if option_value is None:
                option_value = ""
            subgroup: list[dict[str, Any]] = []
            if isinstance(option_label, (list, tuple)):
                group_name = option_value
                subindex: int | None = 0
                choices: Iterable[tuple[Any, Any]] = option_label
            else:
                group_name = None
                subindex = None
                choices = [(option_value, option_label)]
            groups.append((group_name, subgroup, index))
            for subvalue, sublabel in choices:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    subvalue
                ) in selected_values
                has_selected |= selected
                subgroup.append(
                    self.create_option(
                        name, subvalue, sublabel, selected, index, subindex, base_attrs
                    )
                )
                if subindex is not None:
                    subindex += 1
        return groups

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        index_str = str(index) if subindex is None else f"{index}_{subindex}"
        option_attrs = dict(attrs or {})
        if selected:
            option_attrs.update(self.checked_attribute)
        if "id" in option_attrs:
            option_attrs["id"] = self.id_for_label(option_attrs["id"], index_str)
        return {
            "name": name,
            "value": value,
            "label": label,
            "selected": selected,
            "index": index_str,
            "attrs": option_attrs,
            "type": self.input_type,
            "template_name": self.option_template_name,
            "wrap_label": True,
        }

    def get_context(self, name: str, value: Any, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["optgroups"] = self.optgroups(name, context["value"], attrs)
        return context

    def id_for_label(self, id_: str, index: str = "0") -> str:
        if id_ and self.add_id_index:
            return f"{id_}_{index}"
        return id_

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.allow_multiple_selected:
            return _getlist(data, name)
        return data.get(name)

    def render_option(self, option: Mapping[str, Any], wrap_label: bool = True) -> str:
        raise NotImplementedError


class _LazyChoices:
    """Choices computed on each iteration (model choice fields query rows)."""

    def __init__(self, source: Callable[[], Iterable[tuple[Any, Any]]]) -> None:
        self.source = source

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.source())

    def __bool__(self) -> bool:
        return True


class Select(ChoiceWidget):
    """A ``<select>`` with ``<option>`` and ``<optgroup>`` elements."""

    input_type = "select"
    option_template_name = "django/forms/widgets/select_option.html"
    add_id_index = False
    checked_attribute = {"selected": True}
    option_inherits_attrs = False

    def get_context(self, name: str, value: Any, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if self.allow_multiple_selected:
            context["attrs"]["multiple"] = True
        return context

    def render_option(self, option: Mapping[str, Any], wrap_label: bool = True) -> str:
        return (
            f'<option value="{escape(option["value"])}"{_flatatt(option["attrs"])}>'
            f"{escape(option['label'])}</option>"
        )

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        parts = [f'<select name="{escape(context["name"])}"{_flatatt(context["attrs"])}>']
        for group_name, options, _index in context["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in options:
                parts.append("\n  " + self.render_option(option))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return Markup("".join(parts))

    def use_required_attribute(self, initial: Any) -> bool:
        # "required" on a <select> is only valid when the first option is empty.
        use = super().use_required_attribute(initial)
        if self.allow_multiple_selected:
            return use
        first = next(iter(self.choices), None)
        return use and first is not None and (first[0] is None or first[0] == "")


class NullBooleanSelect(Select):
    """Unknown / Yes / No, for a NullBooleanField."""

    def __init__(self, attrs: Mapping[str, Any] | None = None) -> None:
        super().__init__(
            attrs,
            [
                ("unknown", gettext_noop("Unknown")),
                ("true", gettext_noop("Yes")),
                ("false", gettext_noop("No")),
            ],
        )

    def format_value(self, value: Any) -> Any:
        mapping = {True: "true", False: "false", "true": "true", "false": "false"}
        mapping.update({"2": "true", "3": "false"})
        try:
            return mapping.get(value, "unknown")
        except TypeError:
            return "unknown"

    def optgroups(
        self, name: str, value: Any, attrs: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, list[dict[str, Any]], int]]:
        if isinstance(value, str):
            value = [value]
        return super().optgroups(name, value, attrs)

    def render_option(self, option: Mapping[str, Any], wrap_label: bool = True) -> str:
        option = {**option, "label": gettext(option["label"])}
        return super().render_option(option, wrap_label)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        truth = {True: True, "True": True, "true": True, "2": True}
        falsity = {False: False, "False": False, "false": False, "3": False}
        try:
            if value in truth:
                return True
            if value in falsity:
                return False
        except TypeError:
            pass
        return None


class SelectMultiple(Select):
    """``<select multiple>``: the value is the list of the chosen options."""

    allow_multiple_selected = True

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class RadioSelect(ChoiceWidget):
    """Radio buttons in ``<div>``s, each inside its ``<label>``; a fieldset in forms."""

    input_type = "radio"
    option_template_name = "django/forms/widgets/radio_option.html"
    use_fieldset = True

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        # No for="id_0" on the group label: it would toggle the first input.
        if index is None:
            return ""
        return super().id_for_label(id_, index)

    def render_option(self, option: Mapping[str, Any], wrap_label: bool = True) -> str:
        attrs = option["attrs"]
        html = _input_html(option["type"], option["name"], str(option["value"]), attrs)
        if not wrap_label:
            return html
        id_ = attrs.get("id")
        for_attr = f' for="{escape(id_)}"' if id_ else ""
        return f"<label{for_attr}>{html} {escape(option['label'])}</label>"

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        attrs = context["attrs"]
        id_ = attrs.get("id")
        css = attrs.get("class")
        head = "<div"
        if id_:
            head += f' id="{escape(id_)}"'
        if css:
            head += f' class="{escape(css)}"'
        parts = [head + ">"]
        for group, options, _index in context["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{escape(group)}</label>")
            for option in options:
                parts.append("<div>\n    " + self.render_option(option) + "</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return Markup("".join(parts))


class CheckboxSelectMultiple(RadioSelect):
    """Checkboxes, one per choice; never ``required`` (one box would have to be ticked)."""

    allow_multiple_selected = True
    input_type = "checkbox"
    option_template_name = "django/forms/widgets/checkbox_option.html"

    def use_required_attribute(self, initial: Any) -> bool:
        return False

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class MultiWidget(Widget):
    """Several widgets for one field, named ``name_0``, ``name_1``... (or by dict key)."""

    use_fieldset = True

    def __init__(
        self,
        widgets: Sequence[Widget | type[Widget]] | Mapping[str, Widget | type[Widget]],
        attrs: Mapping[str, Any] | None = None,
    ) -> None:
        if isinstance(widgets, Mapping):
            self.widgets_names = [f"_{name}" if name else "" for name in widgets]
            items = list(widgets.values())
        else:
            self.widgets_names = [f"_{i}" for i in range(len(widgets))]
            items = list(widgets)
        self.widgets = [w() if isinstance(w, type) else w for w in items]
        super().__init__(attrs)

    @property
    def is_hidden(self) -> bool:
        return all(w.is_hidden for w in self.widgets)

    @property
    def media(self) -> Media:
        """The media of every subwidget, merged."""
        media = Media()
        for widget in self.widgets:
            media += widget.media
        return media

    def decompress(self, value: Any) -> list[Any]:
        raise NotImplementedError("Subclasses must implement decompress().")

    def get_context(self, name: str, value: Any, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if not isinstance(value, (list, tuple)):
            value = self.decompress(value)
        final_attrs = context["attrs"]
        input_type = final_attrs.pop("type", None)
        id_ = final_attrs.get("id")
        subwidgets = []
        for i, (suffix, widget) in enumerate(zip(self.widgets_names, self.widgets, strict=True)):
            if input_type is not None:
                widget.input_type = input_type
            widget_value = value[i] if i < len(value) else None
            widget_attrs = dict(final_attrs)
            if id_:
                widget_attrs["id"] = f"{id_}{suffix}"
            subwidgets.append(
                (widget, widget.get_context(name + suffix, widget_value, widget_attrs))
            )
        context["subwidgets"] = subwidgets
        return context

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        return Markup("".join(w.render_context(c) for w, c in context["subwidgets"]))

    def id_for_label(self, id_: str) -> str:
        # The group is labelled by a <legend>, which takes no "for".
        return ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return [
            w.value_from_datadict(data, files, name + suffix)
            for suffix, w in zip(self.widgets_names, self.widgets, strict=True)
        ]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(
            w.value_omitted_from_data(data, files, name + suffix)
            for suffix, w in zip(self.widgets_names, self.widgets, strict=True)
        )

    @property
    def needs_multipart_form(self) -> bool:  # type: ignore[override]
        return any(w.needs_multipart_form for w in self.widgets)

    def __deepcopy__(self, memo: dict[int, Any]) -> Widget:
        obj = super().__deepcopy__(memo)
        assert isinstance(obj, MultiWidget)
        obj.widgets = copy.deepcopy(self.widgets, memo)
        return obj


class SplitDateTimeWidget(MultiWidget):
    """A date input and a time input for one datetime."""

    supports_microseconds = False

    def __init__(
        self,
        attrs: Mapping[str, Any] | None = None,
        date_format: str | None = None,
        time_format: str | None = None,
        date_attrs: Mapping[str, Any] | None = None,
        time_attrs: Mapping[str, Any] | None = None,
    ) -> None:
        widgets = (
            DateInput(attrs=attrs if date_attrs is None else date_attrs, format=date_format),
            TimeInput(attrs=attrs if time_attrs is None else time_attrs, format=time_format),
        )
        super().__init__(widgets)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.datetime):
            return [value.date(), value.time()]
        return [None, None]


class SplitHiddenDateTimeWidget(SplitDateTimeWidget):
    """The hidden twin of SplitDateTimeWidget."""

    def __init__(
        self,
        attrs: Mapping[str, Any] | None = None,
        date_format: str | None = None,
        time_format: str | None = None,
        date_attrs: Mapping[str, Any] | None = None,
        time_attrs: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs, date_format, time_format, date_attrs, time_attrs)
        for widget in self.widgets:
            widget.input_type = "hidden"


_MONTHS = {
    1: gettext_noop("January"),
    2: gettext_noop("February"),
    3: gettext_noop("March"),
    4: gettext_noop("April"),
    5: gettext_noop("May"),
    6: gettext_noop("June"),
    7: gettext_noop("July"),
    8: gettext_noop("August"),
    9: gettext_noop("September"),
    10: gettext_noop("October"),
    11: gettext_noop("November"),
    12: gettext_noop("December"),
}
_PSEUDO_ISO_DATE = re.compile(r"(\d{4}|0)-(\d\d?)-(\d\d?)$")


class SelectDateWidget(Widget):
    """Three ``<select>`` elements, month, day and year (Django's English order).

    ``years`` defaults to this year and the nine after; ``months`` maps month
    numbers to labels; ``empty_label`` is one label or three (year, month,
    day) for the empty option of a field that is not required. An impossible
    date (February 31) comes back as the pseudo-ISO ``"2024-2-31"`` so the
    field rejects it and the form shows it again as chosen.

    .. versionadded:: 0.2
    """

    none_value: tuple[Any, Any] = ("", "---")
    month_field = "%s_month"
    day_field = "%s_day"
    year_field = "%s_year"
    input_type = "select"
    select_widget: type[Select]
    use_fieldset = True

    def __init__(
        self,
        attrs: Mapping[str, Any] | None = None,
        years: Iterable[int] | None = None,
        months: Mapping[int, str] | None = None,
        empty_label: Any = None,
    ) -> None:
        super().__init__(attrs)
        if years:
            self.years: Iterable[int] = years
        else:
            this_year = datetime.date.today().year
            self.years = range(this_year, this_year + 10)
        self.months: Mapping[int, str] = months or _MONTHS
        if isinstance(empty_label, (list, tuple)):
            if len(empty_label) != 3:
                raise ValueError("empty_label list/tuple must have 3 elements.")
            self.year_none_value = ("", empty_label[0])
            self.month_none_value = ("", empty_label[1])
            self.day_none_value = ("", empty_label[2])
        else:
            if empty_label is not None:
                self.none_value = ("", empty_label)
            self.year_none_value = self.month_none_value = self.day_none_value = self.none_value

    def format_value(self, value: Any) -> Any:
        """``{"year": ..., "month": ..., "day": ...}``; an impossible date shows as chosen."""
        year: Any = None
        month: Any = None
        day: Any = None
        if isinstance(value, datetime.date):
            year, month, day = value.year, value.month, value.day
        elif isinstance(value, str):
            match = _PSEUDO_ISO_DATE.match(value)
            if match:
                year, month, day = (int(part) or "" for part in match.groups())
            else:
                try:
                    parsed = datetime.datetime.strptime(value, _DATE_FORMAT)
                except ValueError:
                    pass
                else:
                    year, month, day = parsed.year, parsed.month, parsed.day
        return {"year": year, "month": month, "day": day}

    def _selects(self, name: str, value: Mapping[str, Any], attrs: Mapping[str, Any]) -> list[Any]:
        parts: dict[str, tuple[str, list[tuple[Any, Any]], tuple[Any, Any]]] = {
            "year": (self.year_field, [(y, str(y)) for y in self.years], self.year_none_value),
            "month": (self.month_field, list(self.months.items()), self.month_none_value),
            "day": (self.day_field, [(d, d) for d in range(1, 32)], self.day_none_value),
        }
        result = []
        for part in ("month", "day", "year"):
            field_pattern, choices, none_value = parts[part]
            if not self.is_required:
                choices.insert(0, none_value)
            sub_name = field_pattern % name
            select = self.select_widget(self.attrs, choices=choices)
            context = select.get_context(sub_name, value[part], {**attrs, "id": f"id_{sub_name}"})
            result.append((select, context))
        return result

    def get_context(self, name: str, value: Any, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["subwidgets"] = self._selects(name, context["value"], context["attrs"])
        return context

    def render_context(self, context: Mapping[str, Any]) -> Markup:
        return Markup("".join(w.render_context(c) for w, c in context["subwidgets"]))

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_month"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        y = data.get(self.year_field % name)
        m = data.get(self.month_field % name)
        d = data.get(self.day_field % name)
        if y == m == d == "":
            return None
        if y is not None and m is not None and d is not None:
            try:
                return datetime.date(int(y), int(m), int(d)).strftime(_DATE_FORMAT)
            except ValueError:
                return f"{y or 0}-{m or 0}-{d or 0}"
            except OverflowError:
                return "0-0-0"
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}_{part}" in data for part in ("year", "month", "day"))


SelectDateWidget.select_widget = Select
