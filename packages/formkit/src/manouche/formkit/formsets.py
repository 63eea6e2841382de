"""Formsets: many copies of one form on a page, counted by a management form.

A tampered or missing management form is a validation error of the formset
(``missing_management_form``), never an exception; the number of forms built
from submitted data is capped by ``absolute_max``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from manouche.formkit._i18n import gettext_noop
from manouche.formkit._messages import Message, Plural, resolve
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.fields import BooleanField, IntegerField
from manouche.formkit.forms import BaseForm, Form
from manouche.formkit.media import Media
from manouche.formkit.renderers import RenderableMixin, get_default_renderer
from manouche.formkit.translation import gettext
from manouche.formkit.utils import ErrorList
from manouche.formkit.widgets import CheckboxInput, HiddenInput, NumberInput, Widget

__all__ = [
    "DEFAULT_MAX_NUM",
    "DEFAULT_MIN_NUM",
    "DELETION_FIELD_NAME",
    "INITIAL_FORM_COUNT",
    "MAX_NUM_FORM_COUNT",
    "MIN_NUM_FORM_COUNT",
    "ORDERING_FIELD_NAME",
    "TOTAL_FORM_COUNT",
    "BaseFormSet",
    "ManagementForm",
    "all_valid",
    "formset_factory",
]

#: The management form's field of the number of forms sent (``"TOTAL_FORMS"``).
TOTAL_FORM_COUNT = "TOTAL_FORMS"
#: The management form's field of the number of initial forms (``"INITIAL_FORMS"``).
INITIAL_FORM_COUNT = "INITIAL_FORMS"
#: The management form's field of ``min_num`` (``"MIN_NUM_FORMS"``).
MIN_NUM_FORM_COUNT = "MIN_NUM_FORMS"
#: The management form's field of ``max_num`` (``"MAX_NUM_FORMS"``).
MAX_NUM_FORM_COUNT = "MAX_NUM_FORMS"
#: The name of a formset form's ordering field (``"ORDER"``).
ORDERING_FIELD_NAME = "ORDER"
#: The name of a formset form's deletion checkbox (``"DELETE"``).
DELETION_FIELD_NAME = "DELETE"
#: A formset's default ``min_num`` (0).
DEFAULT_MIN_NUM = 0
#: A formset's default ``max_num`` (1000, as Django's).
DEFAULT_MAX_NUM = 1000


class ManagementForm(Form):
    """The hidden counters of a formset: total and initial forms (min/max for scripts)."""

    TOTAL_FORMS = IntegerField(widget=HiddenInput)
    INITIAL_FORMS = IntegerField(widget=HiddenInput)
    MIN_NUM_FORMS = IntegerField(required=False, widget=HiddenInput)
    MAX_NUM_FORMS = IntegerField(required=False, widget=HiddenInput)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        assert cleaned is not None
        # An invalid management form means the count is unknown: build no forms.
        cleaned.setdefault(TOTAL_FORM_COUNT, 0)
        cleaned.setdefault(INITIAL_FORM_COUNT, 0)
        return cleaned


class BaseFormSet(RenderableMixin):
    """A list of forms of one class (``form``), bound and validated together.

    Built by :func:`formset_factory`, which sets ``form``, ``extra``,
    ``min_num``, ``max_num``, ``absolute_max``, ``validate_min``,
    ``validate_max``, ``can_order``, ``can_delete`` and ``can_delete_extra``.
    """

    form: type[BaseForm]
    extra = 1
    can_order = False
    can_delete = False
    can_delete_extra = True
    min_num = DEFAULT_MIN_NUM
    max_num = DEFAULT_MAX_NUM
    absolute_max = 2 * DEFAULT_MAX_NUM
    validate_min = False
    validate_max = False
    renderer: Any = None
    template_name_div = "django/forms/formsets/div.html"
    template_name_p = "django/forms/formsets/p.html"
    template_name_table = "django/forms/formsets/table.html"
    template_name_ul = "django/forms/formsets/ul.html"
    deletion_widget: type[Widget] = CheckboxInput
    ordering_widget: type[Widget] = NumberInput
    default_error_messages: dict[str, Message] = {
        "missing_management_form": (
            gettext_noop(
                "ManagementForm data is missing or has been tampered with. Missing fields: "
                "%(field_names)s. You may need to file a bug report if the issue persists."
            )
        ),
        "too_many_forms": Plural(
            "Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "num"
        ),
        "too_few_forms": Plural(
            "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "num"
        ),
    }

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        auto_id: str | bool = "id_%s",
        prefix: str | None = None,
        initial: Sequence[Mapping[str, Any]] | None = None,
        error_class: type[ErrorList] = ErrorList,
        form_kwargs: Mapping[str, Any] | None = None,
        error_messages: Mapping[str, Message] | None = None,
    ) -> None:
        self.is_bound = data is not None or files is not None
        self.prefix = prefix or self.get_default_prefix()
        self.auto_id = auto_id
        self.data: Any = {} if data is None else data
        self.files: Any = {} if files is None else files
        self.initial = initial
        self.form_kwargs = dict(form_kwargs or {})
        self.error_class = error_class
        self._errors: list[Any] | None = None
        self._non_form_errors: ErrorList | None = None
        self._forms: list[BaseForm] | None = None
        self._management_form: ManagementForm | None = None
        messages: dict[str, Message] = {}
        for cls in reversed(type(self).__mro__):
            messages.update(getattr(cls, "default_error_messages", {}))
        messages.update(error_messages or {})
        self.error_messages = messages
        # The forms get the renderer the factory was given (their own default otherwise).
        self.form_renderer: Any = self.renderer
        self.renderer = self.renderer or get_default_renderer()

    def __iter__(self) -> Iterator[BaseForm]:
        return iter(self.forms)

    def __getitem__(self, index: int) -> BaseForm:
        return self.forms[index]

    def __len__(self) -> int:
        return len(self.forms)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        if self._errors is None:
            is_valid: Any = "Unknown"
        else:
            is_valid = self.is_bound and not self._non_form_errors and not any(self._errors)
        return (
            f"<{type(self).__qualname__}: bound={self.is_bound} valid={is_valid} "
            f"total_forms={self.total_form_count()}>"
        )

    # -- counting ------------------------------------------------------------------

    @property
    def management_form(self) -> ManagementForm:
        """The ManagementForm: read from the data when bound, else built to render."""
        if self._management_form is None:
            if self.is_bound:
                form = ManagementForm(
                    self.data, auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer
                )
                form.full_clean()
            else:
                form = ManagementForm(
                    auto_id=self.auto_id,
                    prefix=self.prefix,
                    renderer=self.renderer,
                    initial={
                        TOTAL_FORM_COUNT: self.total_form_count(),
                        INITIAL_FORM_COUNT: self.initial_form_count(),
                        MIN_NUM_FORM_COUNT: self.min_num,
                        MAX_NUM_FORM_COUNT: self.max_num,
                    },
                )
            self._management_form = form
        return self._management_form

    def total_form_count(self) -> int:
        """How many forms: from the management form when bound (capped), else computed."""
        if self.is_bound:
            return int(min(self.management_form.cleaned_data[TOTAL_FORM_COUNT], self.absolute_max))
        initial_forms = self.initial_form_count()
        total = max(initial_forms, self.min_num) + self.extra
        if initial_forms > self.max_num >= 0:
            total = initial_forms
        elif total > self.max_num >= 0:
            total = self.max_num
        return total

    def initial_form_count(self) -> int:
        """How many forms show existing data."""
        if self.is_bound:
            return int(self.management_form.cleaned_data[INITIAL_FORM_COUNT])
        return len(self.initial) if self.initial else 0

    # -- forms ------------------------------------------------------------------------

    @property
    def forms(self) -> list[BaseForm]:
        if self._forms is None:
            self._forms = [
                self._construct_form(i, **self.get_form_kwargs(i))
                for i in range(self.total_form_count())
            ]
        return self._forms

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        """Extra keyword arguments for the form at ``index`` (``None``: empty_form)."""
        return self.form_kwargs.copy()

    def _construct_form(self, i: int, **kwargs: Any) -> BaseForm:
        defaults: dict[str, Any] = {
            "auto_id": self.auto_id,
            "prefix": self.add_prefix(i),
            "error_class": self.error_class,
            "use_required_attribute": False,
            "renderer": self.form_renderer,
        }
        if self.is_bound:
            defaults["data"] = self.data
            defaults["files"] = self.files
        if self.initial and "initial" not in kwargs and i < len(self.initial):
            defaults["initial"] = self.initial[i]
        if i >= self.initial_form_count() and i >= self.min_num:
            defaults["empty_permitted"] = True
        defaults.update(kwargs)
        form = self.form(**defaults)
        self.add_fields(form, i)
        return form

    @property
    def initial_forms(self) -> list[BaseForm]:
        return self.forms[: self.initial_form_count()]

    @property
    def extra_forms(self) -> list[BaseForm]:
        return self.forms[self.initial_form_count() :]

    @property
    def empty_form(self) -> BaseForm:
        """A form with ``__prefix__`` in its names, for scripts adding rows."""
        form_kwargs = {
            **self.get_form_kwargs(None),
            "auto_id": self.auto_id,
            "prefix": self.add_prefix("__prefix__"),
            "empty_permitted": True,
            "use_required_attribute": False,
            "renderer": self.form_renderer,
        }
        form = self.form(**form_kwargs)
        self.add_fields(form, None)
        return form

    def add_fields(self, form: BaseForm, index: int | None) -> None:
        """Add the ORDER and DELETE fields when ordering and deletion are on."""
        initial_count = self.initial_form_count()
        if self.can_order:
            if index is not None and index < initial_count:
                form.fields[ORDERING_FIELD_NAME] = IntegerField(
                    label=gettext("Order"),
                    initial=index + 1,
                    required=False,
                    widget=self.get_ordering_widget(),
                )
            else:
                form.fields[ORDERING_FIELD_NAME] = IntegerField(
                    label=gettext("Order"), required=False, widget=self.get_ordering_widget()
                )
        if self.can_delete and (
            self.can_delete_extra or (index is not None and index < initial_count)
        ):
            form.fields[DELETION_FIELD_NAME] = BooleanField(
                label=gettext("Delete"), required=False, widget=self.get_deletion_widget()
            )

    def add_prefix(self, index: int | str) -> str:
        return f"{self.prefix}-{index}"

    @classmethod
    def get_default_prefix(cls) -> str:
        return "form"

    @classmethod
    def get_deletion_widget(cls) -> type[Widget]:
        return cls.deletion_widget

    @classmethod
    def get_ordering_widget(cls) -> type[Widget]:
        return cls.ordering_widget

    # -- validation -----------------------------------------------------------------

    @property
    def cleaned_data(self) -> list[dict[str, Any]]:
        if not self.is_valid():
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'cleaned_data'")
        return [form.cleaned_data for form in self.forms]

    @property
    def deleted_forms(self) -> list[BaseForm]:
        """Forms marked for deletion (changed extra forms and initial ones)."""
        if not self.is_valid() or not self.can_delete:
            return []
        return [self.forms[i] for i in self._deleted_form_indexes()]

    def _deleted_form_indexes(self) -> list[int]:
        indexes = []
        for i, form in enumerate(self.forms):
            if i >= self.initial_form_count() and not form.has_changed():
                continue
            if self._should_delete_form(form):
                indexes.append(i)
        return indexes

    @property
    def ordered_forms(self) -> list[BaseForm]:
        """Forms sorted by their ORDER field (empty orders last)."""
        if not self.is_valid() or not self.can_order:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'ordered_forms'")
        ordering: list[tuple[int, Any]] = []
        for i, form in enumerate(self.forms):
            if i >= self.initial_form_count() and not form.has_changed():
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            ordering.append((i, form.cleaned_data[ORDERING_FIELD_NAME]))
        ordering.sort(key=lambda item: (1, 0) if item[1] is None else (0, item[1]))
        return [self.forms[i] for i, _order in ordering]

    def _should_delete_form(self, form: BaseForm) -> bool:
        return bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME, False))

    @property
    def errors(self) -> list[Any]:
        """The errors of each form (deleted forms left out)."""
        if self._errors is None:
            self.full_clean()
        return self._errors or []

    def non_form_errors(self) -> ErrorList:
        """Errors of the formset as a whole (counts, ``clean()``, management form)."""
        if self._non_form_errors is None:
            self.full_clean()
        if self._non_form_errors is None:  # full_clean() overridden without calling ours
            return self.error_class(error_class="nonform", renderer=self.renderer)
        return self._non_form_errors

    def total_error_count(self) -> int:
        return len(self.non_form_errors()) + sum(len(errors) for errors in self.errors)

    def is_valid(self) -> bool:
        if not self.is_bound:
            return False
        self.errors  # noqa: B018 - cleans the first time only
        forms_valid = all(
            [
                form.is_valid()
                for form in self.forms
                if not (self.can_delete and self._should_delete_form(form))
            ]
        )
        return forms_valid and not self.non_form_errors()

    def full_clean(self) -> None:
        """Clean every form, check the counts, then run ``clean()``."""
        self._errors = []
        self._non_form_errors = self.error_class(error_class="nonform", renderer=self.renderer)
        if not self.is_bound:
            return
        management = self.management_form
        if not management.is_valid():
            names = ", ".join(management.add_prefix(name) for name in management.errors)
            params: dict[str, Any] = {"field_names": names}
            self._non_form_errors.append(
                ValidationError(
                    resolve(self.error_messages["missing_management_form"], params),
                    code="missing_management_form",
                    params=params,
                )
            )
        empty_forms_count = 0
        for i, form in enumerate(self.forms):
            if not form.has_changed() and i >= self.initial_form_count():
                empty_forms_count += 1
            form_errors = form.errors
            if self.can_delete and self._should_delete_form(form):
                continue
            self._errors.append(form_errors)
        try:
            deleted = len(self.deleted_forms)
            submitted = management.cleaned_data[TOTAL_FORM_COUNT]
            if (
                self.validate_max and self.total_form_count() - deleted > self.max_num
            ) or submitted > self.absolute_max:
                params = {"num": self.max_num}
                raise ValidationError(
                    resolve(self.error_messages["too_many_forms"], params) % params,
                    code="too_many_forms",
                )
            if (
                self.validate_min
                and self.total_form_count() - deleted - empty_forms_count < self.min_num
            ):
                params = {"num": self.min_num}
                raise ValidationError(
                    resolve(self.error_messages["too_few_forms"], params) % params,
                    code="too_few_forms",
                )
            self.clean()
        except ValidationError as exc:
            self._non_form_errors = self.error_class(
                exc.error_list, error_class="nonform", renderer=self.renderer
            )

    def clean(self) -> None:
        """Cross-form validation hook; errors raised here are non-form errors."""

    def has_changed(self) -> bool:
        return any(form.has_changed() for form in self)

    @property
    def media(self) -> Media:
        """The media of the forms (of the empty form when there are none)."""
        if self.forms:
            return self.forms[0].media
        return self.empty_form.media

    def is_multipart(self) -> bool:
        if self.forms:
            return self.forms[0].is_multipart()
        return self.empty_form.is_multipart()

    # -- rendering -------------------------------------------------------------------

    @property
    def template_name(self) -> str:
        return str(self.renderer.formset_template_name)

    def get_context(self) -> dict[str, Any]:
        return {"formset": self}

    def as_div(self) -> Markup:
        return self.render(self.template_name_div)

    def as_p(self) -> Markup:
        return self.render(self.template_name_p)

    def as_table(self) -> Markup:
        return self.render(self.template_name_table)

    def as_ul(self) -> Markup:
        return self.render(self.template_name_ul)

    def __html__(self) -> Markup:
        return self.render()

    def __str__(self) -> Markup:
        return self.render()


def formset_factory(
    form: type[BaseForm],
    formset: type[BaseFormSet] = BaseFormSet,
    extra: int = 1,
    can_order: bool = False,
    can_delete: bool = False,
    max_num: int | None = None,
    validate_max: bool = False,
    min_num: int | None = None,
    validate_min: bool = False,
    absolute_max: int | None = None,
    can_delete_extra: bool = True,
    renderer: Any = None,
) -> type[BaseFormSet]:
    """A FormSet class for ``form``, as Django's ``formset_factory``.

    ``absolute_max`` (``max_num + 1000`` by default) caps the forms built from
    submitted data, whatever the management form claims.
    """
    if min_num is None:
        min_num = DEFAULT_MIN_NUM
    if max_num is None:
        max_num = DEFAULT_MAX_NUM
    if absolute_max is None:
        absolute_max = max_num + DEFAULT_MAX_NUM
    if max_num > absolute_max:
        raise ValueError("'absolute_max' must be greater or equal to 'max_num'.")
    attrs = {
        "form": form,
        "extra": extra,
        "can_order": can_order,
        "can_delete": can_delete,
        "can_delete_extra": can_delete_extra,
        "min_num": min_num,
        "max_num": max_num,
        "absolute_max": absolute_max,
        "validate_min": validate_min,
        "validate_max": validate_max,
        "renderer": renderer,
    }
    name = form.__name__
    name = name + "Set" if name.endswith("Form") else name + "FormSet"
    return type(name, (formset,), attrs)


def all_valid(formsets: Iterable[BaseFormSet]) -> bool:
    """Validate every formset (no short-circuit), True when all are valid."""
    return all([formset.is_valid() for formset in formsets])
