"""Form and BaseForm: declared fields, binding, cleaning, errors, rendering."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from markupsafe import Markup

from manouche.formkit.boundfield import BoundField, _strip_microseconds
from manouche.formkit.exceptions import NON_FIELD_ERRORS, ValidationError
from manouche.formkit.fields import Field, FileField
from manouche.formkit.media import Media, MediaDefiningClass
from manouche.formkit.renderers import RenderableMixin, get_default_renderer
from manouche.formkit.translation import gettext
from manouche.formkit.utils import ErrorDict, ErrorList

__all__ = ["BaseForm", "DeclarativeFieldsMetaclass", "Form"]

_EMPTY: Mapping[str, Any] = {}


class DeclarativeFieldsMetaclass(MediaDefiningClass):
    """Collects the ``Field`` attributes of a class and its bases into ``base_fields``.

    Subclasses inherit fields; setting a name to ``None`` removes one.
    """

    def __new__(
        mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]
    ) -> DeclarativeFieldsMetaclass:
        declared = {key: value for key, value in attrs.items() if isinstance(value, Field)}
        for key in declared:
            attrs.pop(key)
        attrs["declared_fields"] = declared
        new_class: DeclarativeFieldsMetaclass = super().__new__(mcs, name, bases, attrs)
        fields: dict[str, Field] = {}
        for base in reversed(new_class.__mro__):
            if hasattr(base, "declared_fields"):
                fields.update(base.declared_fields)
            for attr, value in base.__dict__.items():
                if value is None and attr in fields:
                    fields.pop(attr)
        new_class.base_fields = fields  # type: ignore[attr-defined]
        new_class.declared_fields = fields  # type: ignore[attr-defined]
        return new_class


class BaseForm(RenderableMixin):
    """A form without the declarative syntax: ``base_fields`` set by the caller.

    ``data`` is any mapping of submitted values: a WebOb or Werkzeug
    ``MultiDict`` (read with ``getlist`` where a field takes several values)
    or a plain dict. ``files`` holds uploads (WebOb ``FieldStorage``,
    Werkzeug ``FileStorage``); with WebOb, uploads found in ``data`` are used
    too. A form is bound when ``data`` or ``files`` is given.
    """

    base_fields: ClassVar[dict[str, Field]] = {}
    declared_fields: ClassVar[dict[str, Field]] = {}
    field_order: Sequence[str] | None = None
    prefix: str | None = None
    use_required_attribute = True
    label_suffix: str = ":"
    error_css_class: str | None = None
    required_css_class: str | None = None
    #: A renderer (or renderer class) for this form class; ``None``: the default one.
    default_renderer: Any = None
    template_name_div = "django/forms/div.html"
    template_name_p = "django/forms/p.html"
    template_name_table = "django/forms/table.html"
    template_name_ul = "django/forms/ul.html"
    template_name_label = "django/forms/label.html"
    #: The BoundField class of this form's fields (a field's own wins).
    bound_field_class: type[BoundField] | None = None

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        auto_id: str | bool = "id_%s",
        prefix: str | None = None,
        initial: Mapping[str, Any] | None = None,
        error_class: type[ErrorList] = ErrorList,
        label_suffix: str | None = None,
        empty_permitted: bool = False,
        field_order: Sequence[str] | None = None,
        use_required_attribute: bool | None = None,
        renderer: Any = None,
        bound_field_class: type[BoundField] | None = None,
    ) -> None:
        self.is_bound = data is not None or files is not None
        self.data: Any = _EMPTY if data is None else data
        self.files: Any = _EMPTY if files is None else files
        self.auto_id = auto_id
        if prefix is not None:
            self.prefix = prefix
        self.initial: Mapping[str, Any] = initial or {}
        self.error_class = error_class
        self.label_suffix = gettext(self.label_suffix) if label_suffix is None else label_suffix
        self.empty_permitted = empty_permitted
        self._errors: ErrorDict | None = None
        memo: dict[int, Any] = {}
        self.fields: dict[str, Field] = {
            name: field.__deepcopy__(memo) for name, field in self.base_fields.items()
        }
        self._bound_fields_cache: dict[str, BoundField] = {}
        self._changed_data: list[str] | None = None
        self.order_fields(self.field_order if field_order is None else field_order)
        if use_required_attribute is not None:
            self.use_required_attribute = use_required_attribute
        if self.empty_permitted and self.use_required_attribute:
            raise ValueError(
                "The empty_permitted and use_required_attribute arguments may not both be True."
            )
        if renderer is None:
            renderer = self.default_renderer
            if renderer is None:
                renderer = get_default_renderer()
            elif isinstance(renderer, type):
                renderer = renderer()
        self.renderer: Any = renderer
        self.bound_field_class = (
            bound_field_class
            or self.bound_field_class
            or getattr(renderer, "bound_field_class", None)
        )

    def order_fields(self, field_order: Sequence[str] | None) -> None:
        """Put the named fields first, in that order; unknown names are ignored."""
        if field_order is None:
            return
        fields: dict[str, Field] = {}
        for key in field_order:
            if key in self.fields:
                fields[key] = self.fields.pop(key)
        fields.update(self.fields)
        self.fields = fields

    def __repr__(self) -> str:
        if self._errors is None:
            is_valid: Any = "Unknown"
        else:
            is_valid = self.is_bound and not self._errors
        return (
            f"<{type(self).__name__} bound={self.is_bound}, valid={is_valid}, "
            f"fields=({';'.join(self.fields)})>"
        )

    # -- fields ---------------------------------------------------------------------

    def __iter__(self) -> Iterator[BoundField]:
        for name in self.fields:
            yield self[name]

    def __getitem__(self, name: str) -> BoundField:
        """The BoundField of ``name``: ``form["title"]``, ``{{ form.title }}``."""
        try:
            field = self.fields[name]
        except KeyError:
            # Checked first, so a field deleted from ``fields`` is gone from the cache too.
            raise KeyError(
                f"Key '{name}' not found in '{type(self).__name__}'. Choices are: "
                f"{', '.join(sorted(self.fields))}."
            ) from None
        try:
            return self._bound_fields_cache[name]
        except KeyError:
            pass
        bound = field.get_bound_field(self, name)
        self._bound_fields_cache[name] = bound
        return bound

    def add_prefix(self, field_name: str) -> str:
        return f"{self.prefix}-{field_name}" if self.prefix else field_name

    def add_initial_prefix(self, field_name: str) -> str:
        return f"initial-{self.add_prefix(field_name)}"

    def _widget_data_value(self, widget: Any, html_name: str) -> Any:
        return widget.value_from_datadict(self.data, self.files, html_name)

    def get_initial_for_field(self, field: Field, field_name: str) -> Any:
        """The initial value: the form's ``initial``, else the field's (called if callable)."""
        value = self.initial.get(field_name, field.initial)
        if callable(value):
            value = value()
        return _strip_microseconds(value, field.widget)

    def hidden_fields(self) -> list[BoundField]:
        return [bf for bf in self if bf.is_hidden]

    def visible_fields(self) -> list[BoundField]:
        return [bf for bf in self if not bf.is_hidden]

    @property
    def media(self) -> Media:
        """The media of every field's widget, merged (plus the form's own ``class Media``)."""
        media = Media()
        for field in self.fields.values():
            media += field.widget.media
        return media

    def is_multipart(self) -> bool:
        """Whether the form needs ``enctype="multipart/form-data"``."""
        return any(field.widget.needs_multipart_form for field in self.fields.values())

    # -- validation --------------------------------------------------------------------

    @property
    def errors(self) -> ErrorDict:
        """Errors per field name (cleaning on first access)."""
        if self._errors is None:
            self.full_clean()
        assert self._errors is not None
        return self._errors

    def is_valid(self) -> bool:
        """True when the form is bound and has no errors."""
        return self.is_bound and not self.errors

    def non_field_errors(self) -> ErrorList:
        return self.errors.get(NON_FIELD_ERRORS) or self.error_class(
            error_class="nonfield", renderer=self.renderer
        )

    def add_error(self, field: str | None, error: Any) -> None:
        """Attach ``error`` (message, list, dict or ValidationError) to ``field``.

        ``None`` means the whole form; with a dict of errors ``field`` must be
        ``None``. The field leaves ``cleaned_data``.
        """
        if not isinstance(error, ValidationError):
            error = ValidationError(error)
        if hasattr(error, "error_dict"):
            if field is not None:
                raise TypeError(
                    "The argument `field` must be `None` when the `error` argument "
                    "contains errors for multiple fields."
                )
            errors = error.error_dict
        else:
            errors = {field or NON_FIELD_ERRORS: error.error_list}
        current = self.errors  # cleans first when called outside of cleaning
        cleaned = getattr(self, "cleaned_data", {})
        for name, error_list in errors.items():
            if name not in current:
                if name != NON_FIELD_ERRORS and name not in self.fields:
                    raise ValueError(f"'{type(self).__name__}' has no field named '{name}'.")
                if name == NON_FIELD_ERRORS:
                    current[name] = self.error_class(error_class="nonfield", renderer=self.renderer)
                else:
                    current[name] = self.error_class(
                        field_id=self[name].auto_id or None, renderer=self.renderer
                    )
            current[name].extend(error_list)
            cleaned.pop(name, None)

    def has_error(self, field: str, code: str | None = None) -> bool:
        return field in self.errors and (
            code is None or any(e.code == code for e in self.errors[field].as_data())
        )

    def full_clean(self) -> None:
        """Clean every field, then the form (``clean()``), then ``_post_clean()``."""
        self._errors = ErrorDict(renderer=self.renderer)
        if not self.is_bound:
            return
        self.cleaned_data: dict[str, Any] = {}
        if self.empty_permitted and not self.has_changed():
            return
        self._clean_fields()
        self._clean_form()
        self._post_clean()

    def _clean_fields(self) -> None:
        data, files, cleaned = self.data, self.files, self.cleaned_data
        prefix = self.prefix
        # An overridden add_prefix() names the data read as well as the HTML written.
        add_prefix = self.add_prefix if type(self).add_prefix is not BaseForm.add_prefix else None
        for name, field in self.fields.items():
            try:
                if field.disabled:
                    # The BoundField's initial: a callable initial is called once per form.
                    value = self[name].initial
                else:
                    if add_prefix is not None:
                        html_name = add_prefix(name)
                    else:
                        html_name = f"{prefix}-{name}" if prefix else name
                    value = field.widget.value_from_datadict(data, files, html_name)
                if isinstance(field, FileField):
                    cleaned[name] = field.clean(value, self[name].initial)
                else:
                    cleaned[name] = field.clean(value)
                hook: Callable[[], Any] | None = getattr(self, f"clean_{name}", None)
                if hook is not None:
                    cleaned[name] = hook()
            except ValidationError as exc:
                self.add_error(name, exc)

    def _clean_form(self) -> None:
        try:
            cleaned_data = self.clean()
        except ValidationError as exc:
            self.add_error(None, exc)
        else:
            if cleaned_data is not None:
                self.cleaned_data = cleaned_data

    def _post_clean(self) -> None:
        """Hook run after ``clean()``; model forms validate the instance here."""

    def clean(self) -> dict[str, Any] | None:
        """Form-wide validation; errors raised here are non-field errors."""
        return self.cleaned_data

    def has_changed(self) -> bool:
        """Whether any field's data differs from its initial value."""
        return bool(self.changed_data)

    @property
    def changed_data(self) -> list[str]:
        if self._changed_data is None:
            self._changed_data = [name for name in self.fields if self[name]._has_changed()]
        return self._changed_data

    # -- rendering ----------------------------------------------------------------------

    @property
    def template_name(self) -> str:
        """The template of ``render()`` and ``str(form)``: the renderer's form template."""
        return str(self.renderer.form_template_name)

    def get_context(self) -> dict[str, Any]:
        """Django's form context: ``form``, ``fields`` as ``(bound field, errors HTML)``
        pairs, ``hidden_fields`` and ``errors`` (non-field errors, with the hidden
        fields' errors prefixed)."""
        top = self.non_field_errors().copy()
        fields: list[tuple[BoundField, Markup]] = []
        hidden: list[BoundField] = []
        for bf in self:
            if bf.is_hidden:
                for message in bf.errors:
                    top.append(
                        gettext("(Hidden field %(name)s) %(error)s")
                        % {"name": bf.name, "error": message}
                    )
                hidden.append(bf)
            else:
                fields.append((bf, bf.errors.__html__()))
        return {"form": self, "fields": fields, "hidden_fields": hidden, "errors": top}

    def as_div(self) -> Markup:
        """Each field in a ``<div>``: label, help text, errors, widget."""
        return self.render(self.template_name_div)

    def as_p(self) -> Markup:
        """Each field in a ``<p>``, errors above it."""
        return self.render(self.template_name_p)

    def as_table(self) -> Markup:
        """Table rows (no ``<table>``): label in ``<th>``, the rest in ``<td>``."""
        return self.render(self.template_name_table)

    def as_ul(self) -> Markup:
        """List items (no ``<ul>``): errors, label, widget, help text."""
        return self.render(self.template_name_ul)

    def __html__(self) -> Markup:
        return self.render()

    def __str__(self) -> Markup:
        return self.render()


class Form(BaseForm, metaclass=DeclarativeFieldsMetaclass):
    """A form declared as a class, Django style.

    For example::

        class ContactForm(Form):
            subject = CharField(max_length=100)
            email = EmailField()

        form = ContactForm(request.POST)
        if form.is_valid():
            send(form.cleaned_data["subject"])
    """
