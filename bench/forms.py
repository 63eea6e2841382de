"""Form workloads: formkit against Django forms and WTForms.

- validate: 10,000 submissions of an eight-field form (text, email, integer
  with bounds, decimal, date, choice, checkbox, optional URL), 90% valid and
  10% invalid in one field each, bound and validated (``is_valid()`` plus
  reading the cleaned data or the errors);
- validate + render: a ten-field form bound to a valid submission, validated
  and rendered whole to HTML (``as_div`` for formkit and Django, each field's
  label and widget for WTForms, which has no whole-form rendering);
- model form: 1,000 submissions of a model form (a title unique per writer,
  and a writer chosen from ``Writer.objects.filter(active=True)`` set in the
  form's ``__init__``), 90% valid, on SQLite: formkit on orm-lite models
  against Django's ModelForm on the same models (WTForms has no model forms).
  Each submission costs both two queries (the chosen writer, the unique check).

Every contender gets the same submissions as its own toolkit's multi-value
mapping (Django's ``QueryDict``, Werkzeug's ``MultiDict`` for formkit and
WTForms). WTForms checks the e-mail with a regular expression (its Email
validator needs an extra package), so it does less work there than the other
two.
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._runner import Workload

SUBMISSIONS = 10_000
RENDERS = 1_000
COUNTRIES = [(code, code.upper()) for code in ("fr", "de", "it", "es", "pt", "nl", "be", "ch")]

VALID = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "age": "36",
    "price": "1234.50",
    "birthday": "1815-12-10",
    "country": "fr",
    "agree": "on",
    "website": "https://example.com/ada",
}
BREAKERS = [
    ("name", ""),
    ("email", "not-an-email"),
    ("age", "200"),
    ("price", "12.345"),
    ("birthday", "1815-13-10"),
    ("country", "xx"),
    ("agree", ""),
    ("website", "not a url"),
]
EXTRA = {"nickname": "ada", "bio": "Analyst <of> engines & more"}


def submissions() -> list[dict[str, str]]:
    rng = random.Random(5)
    result = []
    for i in range(SUBMISSIONS):
        data = dict(VALID, name=f"Ada {i}", age=str(rng.randint(0, 150)))
        if i % 10 == 9:
            field, bad = BREAKERS[(i // 10) % len(BREAKERS)]
            data[field] = bad
        result.append(data)
    return result


# -- formkit -------------------------------------------------------------------


def formkit_form(extra: bool) -> type:
    from manouche import formkit as forms

    class Signup(forms.Form):
        name = forms.CharField(max_length=100)
        email = forms.EmailField()
        age = forms.IntegerField(min_value=0, max_value=150)
        price = forms.DecimalField(max_digits=8, decimal_places=2)
        birthday = forms.DateField()
        country = forms.ChoiceField(choices=COUNTRIES)
        agree = forms.BooleanField()
        website = forms.URLField(required=False)

    if not extra:
        return Signup

    class Profile(Signup):
        nickname = forms.CharField(max_length=30, help_text="Shown to others")
        bio = forms.CharField(widget=forms.Textarea, required=False)

    return Profile


# -- Django ----------------------------------------------------------------------


def django_form(extra: bool) -> type:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-only",
            USE_TZ=False,
            USE_I18N=False,
            INSTALLED_APPS=[],
            DATABASES={},
        )
        django.setup()
    from django import forms

    class Signup(forms.Form):
        name = forms.CharField(max_length=100)
        email = forms.EmailField()
        age = forms.IntegerField(min_value=0, max_value=150)
        price = forms.DecimalField(max_digits=8, decimal_places=2)
        birthday = forms.DateField()
        country = forms.ChoiceField(choices=COUNTRIES)
        agree = forms.BooleanField()
        website = forms.URLField(required=False)

    if not extra:
        return Signup

    class Profile(Signup):
        nickname = forms.CharField(max_length=30, help_text="Shown to others")
        bio = forms.CharField(widget=forms.Textarea, required=False)

    return Profile


def django_data(data: dict[str, str]) -> Any:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(data)
    return query


# -- WTForms -----------------------------------------------------------------------


def wtforms_form(extra: bool) -> type:
    import wtforms
    from wtforms import validators as v

    class Signup(wtforms.Form):
        name = wtforms.StringField(validators=[v.InputRequired(), v.Length(max=100)])
        email = wtforms.EmailField(
            validators=[v.InputRequired(), v.Regexp(r"^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$")]
        )
        age = wtforms.IntegerField(validators=[v.InputRequired(), v.NumberRange(0, 150)])
        price = wtforms.DecimalField(places=2, validators=[v.InputRequired()])
        birthday = wtforms.DateField(validators=[v.InputRequired()])
        country = wtforms.SelectField(choices=COUNTRIES)
        agree = wtforms.BooleanField(validators=[v.InputRequired()])
        website = wtforms.URLField(validators=[v.Optional(), v.URL()])

        def validate_price(self, field: Any) -> None:
            if field.data is not None and field.data.as_tuple().exponent < -2:
                raise v.ValidationError("Ensure that there are no more than 2 decimal places.")

    if not extra:
        return Signup

    class Profile(Signup):
        nickname = wtforms.StringField(
            validators=[v.InputRequired(), v.Length(max=30)], description="Shown to others"
        )
        bio = wtforms.TextAreaField()

    return Profile


def werkzeug_data(data: dict[str, str]) -> Any:
    from werkzeug.datastructures import MultiDict

    return MultiDict(data)


# -- runners -------------------------------------------------------------------------


def _validator(
    form_class: type, datasets: list[Any], make: Callable[[type, Any], Any]
) -> Callable[[], None]:
    def run() -> None:
        for data in datasets:
            form = make(form_class, data)
            result = form.cleaned_data["email"] if form.is_valid() else form.errors
            if result is None:
                raise RuntimeError("no result")

    return run


def _check(form_class: type, data: Any, make: Callable[[type, Any], Any], valid: bool) -> None:
    form = make(form_class, data)
    if bool(form.is_valid()) != valid:
        raise RuntimeError(f"{form_class.__module__}: expected valid={valid}: {form.errors}")


def _wt_make(form_class: type, data: Any) -> Any:
    form = form_class(data)

    class Adapter:
        def is_valid(self) -> bool:
            return bool(form.validate())

        @property
        def cleaned_data(self) -> Any:
            return form.data

        @property
        def errors(self) -> Any:
            return form.errors

    return Adapter()


def _plain_make(form_class: type, data: Any) -> Any:
    return form_class(data)


# -- model forms -----------------------------------------------------------------

MODEL_SUBMISSIONS = 1_000
WRITERS = 200
MODEL_APP = "benchforms"


def _define_models(models: Any) -> tuple[Any, Any]:
    """Writer and Essay, written once for Django's ``models`` and orm-lite's."""

    class Writer(models.Model):
        name = models.CharField(max_length=40, unique=True)
        active = models.BooleanField(default=True)

        class Meta:
            app_label = MODEL_APP

        def __str__(self) -> str:
            return str(self.name)

    class Essay(models.Model):
        title = models.CharField(max_length=60)
        writer = models.ForeignKey(Writer, on_delete=models.CASCADE)

        class Meta:
            app_label = MODEL_APP
            unique_together = [("title", "writer")]

    return Writer, Essay


def _writer_rows() -> list[tuple[int, str, bool]]:
    return [(i, f"writer {i}", i % 5 != 0) for i in range(1, WRITERS + 1)]


def model_submissions() -> list[dict[str, str]]:
    """90% valid; the rest choose an inactive writer or repeat a taken title."""
    rng = random.Random(7)
    result = []
    for i in range(MODEL_SUBMISSIONS):
        writer = rng.choice([pk for pk, _, active in _writer_rows() if active])
        data = {"title": f"essay {i}", "writer": str(writer)}
        if i % 10 == 9:
            data = {"title": "taken", "writer": "1"} if i % 20 == 9 else dict(data, writer="5")
        result.append(data)
    return result


def formkit_model_form() -> tuple[type, Any]:
    from manouche import formkit as forms
    from manouche import orm_lite as models

    writer, essay = _define_models(models)
    path = Path(tempfile.mkdtemp(prefix="bench-forms-")) / "forms.sqlite3"
    db = models.Database(f"sqlite:///{path}", default=False)
    db.create_all([writer, essay])
    with db.atomic():
        for pk, name, active in _writer_rows():
            writer.objects.using(db).create(id=pk, name=name, active=active)
        essay.objects.using(db).create(title="taken", writer_id=1)

    class EssayForm(forms.ModelForm):
        class Meta:
            model = essay
            fields = ["title", "writer"]

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["writer"].queryset = writer.objects.using(db).filter(active=True)

    def make(form_class: type, data: Any) -> Any:
        return form_class(data, db=db)

    return EssayForm, make


def django_model_form() -> type:
    django_form(False)  # settings
    from django.apps import AppConfig, apps
    from django.db import connections, models

    default = connections.settings.get("default", {})
    if default.get("ENGINE", "django.db.backends.dummy") == "django.db.backends.dummy":
        # Settings made without databases (by another workload): an in-memory one.
        memory = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        connections.settings["default"] = connections.configure_settings({"default": memory})[
            "default"
        ]
        if hasattr(connections._connections, "default"):
            del connections["default"]
    if MODEL_APP not in apps.app_configs:
        config = AppConfig(__name__, sys.modules[__name__])
        config.label = MODEL_APP
        config.apps = apps
        config.models = apps.all_models[MODEL_APP]
        apps.app_configs[MODEL_APP] = config
        apps.clear_cache()
    writer, essay = _define_models(models)
    with connections["default"].schema_editor() as editor:
        editor.create_model(writer)
        editor.create_model(essay)
    writer.objects.bulk_create(
        [writer(id=pk, name=name, active=active) for pk, name, active in _writer_rows()]
    )
    essay.objects.create(title="taken", writer_id=1)
    from django import forms

    class EssayForm(forms.ModelForm):
        class Meta:
            model = essay
            fields = ["title", "writer"]

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["writer"].queryset = writer.objects.filter(active=True)

    return EssayForm


def _model_workload() -> Workload:
    raw = model_submissions()
    ours, make = formkit_model_form()
    theirs = django_model_form()
    ours_data = [werkzeug_data(d) for d in raw]
    django_datasets = [django_data(d) for d in raw]
    for index in range(40):
        valid = index % 10 != 9
        _check(ours, ours_data[index], make, valid)
        _check(theirs, django_datasets[index], _plain_make, valid)
        mine, their = make(ours, ours_data[index]), theirs(django_datasets[index])
        mine.is_valid(), their.is_valid()
        if mine.errors.get_json_data() != their.errors.get_json_data():
            raise RuntimeError(f"model form {index}: {mine.errors} != {their.errors}")

    def run(form_class: type, datasets: list[Any], maker: Callable[[type, Any], Any]) -> Any:
        def go() -> None:
            for data in datasets:
                form = maker(form_class, data)
                result = form.cleaned_data["writer"] if form.is_valid() else form.errors
                if result is None:
                    raise RuntimeError("no result")

        return go

    return Workload(
        name=f"validate {MODEL_SUBMISSIONS:,} submissions of a model form (queryset FK, unique)",
        contenders={
            "Manouche formkit": run(ours, ours_data, make),
            "Django forms": run(theirs, django_datasets, _plain_make),
        },
        ops=MODEL_SUBMISSIONS,
    )


def workloads() -> list[Workload]:
    raw = submissions()
    invalid = sum(1 for i in range(SUBMISSIONS) if i % 10 == 9)
    assert invalid == SUBMISSIONS // 10
    ours, theirs, wt = formkit_form(False), django_form(False), wtforms_form(False)
    ours_data = [werkzeug_data(d) for d in raw]
    django_datasets = [django_data(d) for d in raw]
    for index in (0, 9, 19, 29, 39, 49, 59, 69, 79):
        valid = index % 10 != 9
        _check(ours, ours_data[index], _plain_make, valid)
        _check(theirs, django_datasets[index], _plain_make, valid)
        _check(wt, ours_data[index], _wt_make, valid)
    validate = Workload(
        name=f"validate {SUBMISSIONS:,} submissions of an 8-field form (90% valid)",
        contenders={
            "Manouche formkit": _validator(ours, ours_data, _plain_make),
            "Django forms": _validator(theirs, django_datasets, _plain_make),
            "WTForms": _validator(wt, ours_data, _wt_make),
        },
        ops=SUBMISSIONS,
        goals={"Django forms": 2.0},
    )

    full = dict(VALID, **EXTRA)
    ours10, theirs10, wt10 = formkit_form(True), django_form(True), wtforms_form(True)
    ours_full, django_full = werkzeug_data(full), django_data(full)

    def render_ours() -> None:
        for _ in range(RENDERS):
            form = ours10(ours_full)
            form.is_valid()
            form.as_div()

    def render_django() -> None:
        for _ in range(RENDERS):
            form = theirs10(django_full)
            form.is_valid()
            form.as_div()

    def render_wtforms() -> None:
        for _ in range(RENDERS):
            form = wt10(ours_full)
            form.validate()
            "".join(f"<div>{field.label()}{field()}</div>" for field in form)

    for make, cls, data in ((_plain_make, ours10, ours_full), (_plain_make, theirs10, django_full)):
        _check(cls, data, make, True)
    _check(wt10, ours_full, _wt_make, True)
    render = Workload(
        name=f"validate and render a 10-field form ({RENDERS:,} times)",
        contenders={
            "Manouche formkit": render_ours,
            "Django forms": render_django,
            "WTForms": render_wtforms,
        },
        ops=RENDERS,
        goals={"Django forms": 2.0},
    )
    return [validate, render, _model_workload()]
