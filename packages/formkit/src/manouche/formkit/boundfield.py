"""BoundField: a field of one form instance, with its data, errors and HTML."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from manouche.formkit.exceptions import ValidationError
from manouche.formkit.renderers import _render_html
from manouche.formkit.translation import gettext
from manouche.formkit.utils import ErrorList, pretty_name
from manouche.formkit.widgets import MultiWidget, Textarea, TextInput, Widget

if TYPE_CHECKING:
    from manouche.formkit.fields import Field
    from manouche.formkit.forms import BaseForm

__all__ = ["BoundField", "BoundWidget"]


class BoundField:
    """A field bound to a form: ``{{ form.title }}`` renders its widget.

    ``str()``/``__html__`` give the widget's HTML; :meth:`as_field_group`
    the label, help text, errors and widget together; :meth:`label_tag`,
    :attr:`errors`, :attr:`help_text`, :meth:`value` the parts.
    """

    def __init__(self, form: BaseForm, field: Field, name: str) -> None:
        self.form = form
        self.field = field
        self.name = name
        self.renderer: Any = form.renderer
        self.html_name = form.add_prefix(name)
        self.html_initial_name = form.add_initial_prefix(name)
        self.html_initial_id = form.add_initial_prefix(self.auto_id)
        self.label: str = pretty_name(name) if field.label is None else field.label
        self.help_text = field.help_text or ""
        self._initial_cache: list[Any] = []
        self._subwidgets: list[BoundWidget] | None = None

    # -- values --------------------------------------------------------------------

    @property
    def initial(self) -> Any:
        if not self._initial_cache:
            self._initial_cache.append(self.form.get_initial_for_field(self.field, self.name))
        return self._initial_cache[0]

    @property
    def data(self) -> Any:
        """The submitted value, ``None`` when absent."""
        return self.form._widget_data_value(self.field.widget, self.html_name)

    def value(self) -> Any:
        """The value to display: the data when bound, else the initial value."""
        data = self.initial
        if self.form.is_bound:
            data = self.field.bound_data(self.data, data)
        return self.field.prepare_value(data)

    def _has_changed(self) -> bool:
        field = self.field
        if field.show_hidden_initial:
            hidden = field.hidden_widget()
            initial = self.form._widget_data_value(hidden, self.html_initial_name)
            try:
                initial = field.to_python(initial)
            except ValidationError:
                return True
        else:
            initial = self.initial
        return field.has_changed(initial, self.data)

    @property
    def errors(self) -> ErrorList:
        """The field's errors (an empty ErrorList when none)."""
        return self.form.errors.get(self.name) or self.form.error_class(
            renderer=self.form.renderer, field_id=self.auto_id or None
        )

    # -- identity ------------------------------------------------------------------

    @property
    def auto_id(self) -> str:
        """The ``id`` of the widget from the form's ``auto_id`` (``""`` when off)."""
        auto_id = self.form.auto_id
        if auto_id and "%s" in str(auto_id):
            return str(auto_id) % self.html_name
        if auto_id:
            return self.html_name
        return ""

    @property
    def id_for_label(self) -> str:
        widget = self.field.widget
        return str(widget.id_for_label(widget.attrs.get("id") or self.auto_id))

    @property
    def is_hidden(self) -> bool:
        return bool(self.field.widget.is_hidden)

    @property
    def use_fieldset(self) -> bool:
        return bool(self.field.widget.use_fieldset)

    @property
    def widget_type(self) -> str:
        return re.sub(r"widget$|input$", "", type(self.field.widget).__name__.lower())

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(f"{self.auto_id}_helptext")
            if self.errors:
                ids.append(f"{self.auto_id}_error")
        return " ".join(ids)

    # -- rendering -------------------------------------------------------------------

    def build_widget_attrs(
        self, attrs: Mapping[str, Any], widget: Widget | None = None
    ) -> dict[str, Any]:
        widget = widget or self.field.widget
        result = dict(attrs)
        if (
            widget.use_required_attribute(self.initial)
            and self.field.required
            and self.form.use_required_attribute
        ):
            field = self.field
            if (
                hasattr(field, "require_all_fields")
                and not field.require_all_fields
                and isinstance(field.widget, MultiWidget)
                and isinstance(widget, MultiWidget)
            ):
                for subfield, subwidget in zip(
                    getattr(field, "fields", []), widget.widgets, strict=False
                ):
                    subwidget.attrs["required"] = (
                        subwidget.use_required_attribute(self.initial) and subfield.required
                    )
            else:
                result["required"] = True
        if self.field.disabled:
            result["disabled"] = True
        if not widget.is_hidden and self.errors:
            result["aria-invalid"] = "true"
        if not result.get("aria-describedby") and not self.use_fieldset:
            describedby = self.aria_describedby
            if describedby:
                result["aria-describedby"] = describedby
        return result

    def as_widget(
        self,
        widget: Widget | None = None,
        attrs: Mapping[str, Any] | None = None,
        only_initial: bool = False,
    ) -> Markup:
        """Render ``widget`` (the field's by default) with this field's name and value."""
        widget = widget or self.field.widget
        if self.field.localize:
            widget.is_localized = True
        final_attrs = self.build_widget_attrs(attrs or {}, widget)
        if self.auto_id and "id" not in widget.attrs:
            final_attrs.setdefault("id", self.html_initial_id if only_initial else self.auto_id)
        if only_initial and self.html_initial_name in self.form.data:
            value = self.form._widget_data_value(self.field.hidden_widget(), self.html_initial_name)
        else:
            value = self.value()
        name = self.html_initial_name if only_initial else self.html_name
        return widget.render(name, value, final_attrs, renderer=self.form.renderer)

    def as_text(self, attrs: Mapping[str, Any] | None = None, **kwargs: Any) -> Markup:
        return self.as_widget(TextInput(), attrs, **kwargs)

    def as_textarea(self, attrs: Mapping[str, Any] | None = None, **kwargs: Any) -> Markup:
        return self.as_widget(Textarea(), attrs, **kwargs)

    def as_hidden(self, attrs: Mapping[str, Any] | None = None, **kwargs: Any) -> Markup:
        return self.as_widget(self.field.hidden_widget(), attrs, **kwargs)

    def label_tag(
        self,
        contents: str | None = None,
        attrs: Mapping[str, Any] | None = None,
        label_suffix: str | None = None,
        tag: str | None = None,
    ) -> Markup:
        """``<label for="id_x">Label:</label>``, escaped (a Markup label is kept).

        Rendered through the form's ``template_name_label`` with Django's context
        (``field``, ``label``, ``attrs``, ``use_tag``, ``tag``).
        """
        text = contents or self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        label = escape(text)
        if label_suffix and text and text[-1] not in gettext(":?.!"):
            label += escape(label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        final: dict[str, Any] = dict(attrs or {})
        if id_:
            id_for_label = widget.id_for_label(id_)
            if id_for_label:
                final["for"] = id_for_label
            required_css = getattr(self.form, "required_css_class", None)
            if self.field.required and required_css:
                final["class"] = (
                    f"{final['class']} {required_css}" if "class" in final else required_css
                )
        context = {
            "field": self,
            "label": label,
            "attrs": final,
            "use_tag": bool(id_),
            "tag": tag or "label",
        }
        return self.form.render(self.form.template_name_label, context)

    def legend_tag(
        self,
        contents: str | None = None,
        attrs: Mapping[str, Any] | None = None,
        label_suffix: str | None = None,
    ) -> Markup:
        return self.label_tag(contents, attrs, label_suffix, tag="legend")

    def css_classes(self, extra_classes: Any = None) -> str:
        """The CSS classes of the field's row: extra, error and required classes."""
        if hasattr(extra_classes, "split"):
            extra_classes = extra_classes.split()
        classes = list(dict.fromkeys(extra_classes or []))
        error_css = getattr(self.form, "error_css_class", None)
        if self.errors and error_css and error_css not in classes:
            classes.append(error_css)
        required_css = getattr(self.form, "required_css_class", None)
        if self.field.required and required_css and required_css not in classes:
            classes.append(required_css)
        return " ".join(classes)

    def help_text_html(self, tag: str = "div") -> Markup:
        """The help text in ``<div class="helptext" id="..._helptext">``, escaped."""
        if not self.help_text:
            return Markup("")
        id_attr = f' id="{escape(self.auto_id)}_helptext"' if self.auto_id else ""
        return Markup(f'<{tag} class="helptext"{id_attr}>{escape(self.help_text)}</{tag}>')

    @property
    def template_name(self) -> str:
        """The field's ``template_name``, else the renderer's field template."""
        return str(self.field.template_name or self.form.renderer.field_template_name)

    def get_context(self) -> dict[str, Any]:
        return {"field": self}

    def render(
        self,
        template_name: str | None = None,
        context: Mapping[str, Any] | None = None,
        renderer: Any = None,
    ) -> Markup:
        """The field group through ``template_name`` (the field's template by default).

        .. versionadded:: 0.2
        """
        return _render_html(
            renderer or self.form.renderer,
            template_name or self.template_name,
            context or self.get_context(),
        )

    def as_field_group(self) -> Markup:
        """Label (or legend in a fieldset), help text, errors and widget."""
        return self.render()

    # -- containers --------------------------------------------------------------------

    @property
    def subwidgets(self) -> list[BoundWidget]:
        """One BoundWidget per option for choice widgets (radio buttons...)."""
        if self._subwidgets is None:
            widget = self.field.widget
            id_ = widget.attrs.get("id") or self.auto_id
            attrs = self.build_widget_attrs({"id": id_} if id_ else {})
            self._subwidgets = [
                BoundWidget(widget, data)
                for data in widget.subwidgets(self.html_name, self.value(), attrs=attrs)
            ]
        return self._subwidgets

    def __iter__(self) -> Iterator[BoundWidget]:
        return iter(self.subwidgets)

    def __len__(self) -> int:
        return len(self.subwidgets)

    def __getitem__(self, index: int | slice) -> Any:
        if not isinstance(index, (int, slice)):
            raise TypeError(
                f"BoundField indices must be integers or slices, not {type(index).__name__}."
            )
        return self.subwidgets[index]

    def __bool__(self) -> bool:
        return True

    def __html__(self) -> Markup:
        return self.__str__()

    def __str__(self) -> Markup:
        if self.field.show_hidden_initial:
            return self.as_widget() + self.as_hidden(only_initial=True)
        return self.as_widget()

    def __repr__(self) -> str:
        return f"<BoundField {self.name!r} of {type(self.form).__name__}>"


class BoundWidget:
    """One option of a choice widget: ``tag()``, ``choice_label``, ``id_for_label``."""

    def __init__(self, parent_widget: Widget, data: dict[str, Any]) -> None:
        self.parent_widget = parent_widget
        self.data = data

    def tag(self, wrap_label: bool = False) -> Markup:
        render_option = getattr(self.parent_widget, "render_option", None)
        if render_option is None:
            return self.parent_widget.render_context(self.data)
        return Markup(render_option(self.data, wrap_label=wrap_label))

    @property
    def id_for_label(self) -> Any:
        return self.data["attrs"].get("id")

    @property
    def choice_label(self) -> Any:
        return self.data["label"]

    def __html__(self) -> Markup:
        return self.tag(wrap_label=True)

    def __str__(self) -> Markup:
        return self.__html__()


# A date/time value loses its microseconds when the widget cannot show them.
def _strip_microseconds(value: Any, widget: Widget) -> Any:
    if isinstance(value, (datetime.datetime, datetime.time)) and not widget.supports_microseconds:
        return value.replace(microsecond=0)
    return value
