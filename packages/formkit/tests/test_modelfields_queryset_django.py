"""Model choice fields given Django-style querysets, and model forms without ``db=``.

Twin models (Writer, Essay) are declared in orm-lite here and in Django in
formkit_ref, filled with the same rows; the same querysets
(``Writer.objects.filter(active=True)``...) and the same raw inputs go to
formkit's and Django's fields and forms: same cleaned instances, error codes
and HTML. formkit reads the orm-lite querysets by duck typing only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal, form_choice_models

models = pytest.importorskip("manouche.orm_lite")


_choice = form_choice_models(models, app_label="formkit_qs", module=__name__)
Writer = _choice["Writer"]
Essay = _choice["Essay"]
Badge = _choice["Badge"]


WRITERS = [
    ("Dee", "dee", True),
    ("Bob <b>", "bob", False),
    ("Ann", "ann", True),
    ("Cy", "cy", False),
]


def _fill(writer: Any, essay: Any, badge: Any = None) -> None:
    for name, code, active in WRITERS:
        writer.objects.create(name=name, code=code, active=active)
    intro = essay.objects.create(title="Intro", writer_id=3)
    intro.reviewers.set([1])
    if badge is not None:
        badge.objects.create(label="gold", holder_id="ann")


@pytest.fixture(scope="module")
def theirs(dj: Any) -> dict[str, Any]:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("Django reference models need Django configured on SQLite")
    try:
        from formkit_ref.models import Badge as DjangoBadge
        from formkit_ref.models import Essay as DjangoEssay
        from formkit_ref.models import Writer as DjangoWriter
    except RuntimeError:
        pytest.skip("Django was configured without the formkit_ref reference app")
    with connection.schema_editor() as editor:
        editor.create_model(DjangoWriter)
        editor.create_model(DjangoEssay)
        editor.create_model(DjangoBadge)
    _fill(DjangoWriter, DjangoEssay, DjangoBadge)
    return {"Writer": DjangoWriter, "Essay": DjangoEssay, "Badge": DjangoBadge}


def _open(url: str) -> Any:
    db = models.Database(url)  # becomes the default database of Model.objects
    db.create_all([Writer, Essay, Badge])
    return db


@pytest.fixture
def ours(tmp_path: Any) -> Iterator[Any]:
    db = _open(f"sqlite:///{tmp_path / 'qs.sqlite3'}")
    _fill(Writer, Essay, Badge)
    yield db
    db.close()
    db.dispose()


def _query(data: dict[str, Any]) -> tuple[Any, Any]:
    """The same submission as a WebOb MultiDict (ours) and a QueryDict (Django's)."""
    from django.http import QueryDict
    from webob.multidict import MultiDict

    query = QueryDict(mutable=True)
    pairs = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        query.setlist(key, values)
        pairs.extend((key, v) for v in values)
    return MultiDict(pairs), query


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return ("obj", value.pk, str(value))
    if isinstance(value, (list, tuple)) or type(value).__name__ == "QuerySet":
        return [_plain(v) for v in value]
    return value


def _outcome(form: Any) -> dict[str, Any]:
    valid = form.is_valid()
    return {
        "valid": valid,
        "errors": form.errors.get_json_data(),
        "cleaned": {k: _plain(v) for k, v in form.cleaned_data.items()} if valid else None,
    }


def _compare(ours_form: type, theirs_form: type, data: dict[str, Any] | None) -> None:
    if data is None:
        mine, theirs = ours_form(), theirs_form()
    else:
        ours_data, theirs_data = _query(data)
        mine, theirs = ours_form(ours_data), theirs_form(theirs_data)
        assert _outcome(mine) == _outcome(theirs)
    assert_html_equal(mine.as_div(), theirs.as_div())


def _single_forms(
    dj: Any, theirs: Any, options: Any = None, their_options: Any = None
) -> tuple[type, type]:
    options = options or {}
    their_options = options if their_options is None else their_options

    class Mine(formkit.Form):
        writer = formkit.ModelChoiceField(queryset=Writer.objects.filter(active=True), **options)

    class Theirs(dj.Form):
        writer = dj.ModelChoiceField(
            queryset=theirs["Writer"].objects.filter(active=True), **their_options
        )

    return Mine, Theirs


SINGLE_INPUTS = ["3", "1", "2", "4", "", "abc", "01", " 3", "99", "-1", "3\x00", "1.5", "ann"]


@pytest.mark.parametrize("value", [None, *SINGLE_INPUTS])
def test_model_choice_queryset_like_django(dj: Any, theirs: Any, ours: Any, value: Any) -> None:
    Mine, Theirs = _single_forms(dj, theirs)
    _compare(Mine, Theirs, None if value is None else {"writer": value})


@pytest.mark.parametrize("value", ["ann", "bob", "ANN", "3", "", "zz\x00"])
@pytest.mark.parametrize(
    "options",
    [
        {"to_field_name": "code"},
        {"to_field_name": "code", "required": False, "empty_label": "(nobody)"},
        {"to_field_name": "code", "empty_label": None},
        {"to_field_name": "code", "widget": "radio"},
    ],
)
def test_model_choice_options_like_django(
    dj: Any, theirs: Any, ours: Any, value: str, options: dict[str, Any]
) -> None:
    if options.get("widget") == "radio":
        mine, their = (
            dict(options, widget=formkit.RadioSelect),
            dict(options, widget=dj.RadioSelect),
        )
    else:
        mine, their = options, options
    Mine, Theirs = _single_forms(dj, theirs, mine, their)
    _compare(Mine, Theirs, {"writer": value})


MULTI_INPUTS: list[Any] = [
    ["1", "3"],
    ["3", "1", "3"],
    ["1", "2"],
    ["x"],
    ["01"],
    [" 1"],
    ["99"],
    ["1\x00"],
    [],
    "1",
]


@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("value", [None, *MULTI_INPUTS])
def test_model_multiple_choice_queryset_like_django(
    dj: Any, theirs: Any, ours: Any, value: Any, required: bool
) -> None:
    class Mine(formkit.Form):
        writers = formkit.ModelMultipleChoiceField(
            Writer.objects.filter(active=True), required=required
        )

    class Theirs(dj.Form):
        writers = dj.ModelMultipleChoiceField(
            theirs["Writer"].objects.filter(active=True), required=required
        )

    if isinstance(value, str):
        # Not a list: a plain dict gives the widget one string (invalid_list).
        mine, their = Mine({"writers": value}), Theirs({"writers": value})
        assert _outcome(mine) == _outcome(their)
        return
    _compare(Mine, Theirs, None if value is None else {"writers": value})


def test_multiple_clean_value_is_a_queryset_like_django(theirs: Any, ours: Any) -> None:
    field = formkit.ModelMultipleChoiceField(queryset=Writer.objects.all(), required=False)
    chosen = field.clean(["2", "3"])
    assert type(chosen).__name__ == "QuerySet"
    assert [w.name for w in chosen] == ["Ann", "Bob <b>"]  # the queryset's ordering
    empty = field.clean([])
    assert type(empty).__name__ == "QuerySet" and list(empty) == []


def _narrowing_forms(dj: Any, theirs: Any) -> tuple[type, type]:
    class Mine(formkit.Form):
        writer = formkit.ModelChoiceField(queryset=Writer.objects.all())
        reviewers = formkit.ModelMultipleChoiceField(queryset=Writer.objects, required=False)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["writer"].queryset = Writer.objects.filter(active=False)
            self.fields["reviewers"].queryset = Writer.objects.exclude(code="dee")

    their_writer = theirs["Writer"]

    class Theirs(dj.Form):
        writer = dj.ModelChoiceField(queryset=their_writer.objects.all())
        reviewers = dj.ModelMultipleChoiceField(queryset=their_writer.objects, required=False)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["writer"].queryset = their_writer.objects.filter(active=False)
            self.fields["reviewers"].queryset = their_writer.objects.exclude(code="dee")

    return Mine, Theirs


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"writer": "2", "reviewers": ["3", "4"]},
        {"writer": "3", "reviewers": ["1"]},
        {"writer": "4", "reviewers": []},
    ],
)
def test_queryset_set_in_init_like_django(
    dj: Any, theirs: Any, ours: Any, data: dict[str, Any] | None
) -> None:
    Mine, Theirs = _narrowing_forms(dj, theirs)
    _compare(Mine, Theirs, data)
    # The class's own field keeps its queryset: each form narrowed its copy.
    assert sorted(w.pk for w in Mine.base_fields["writer"].queryset) == [1, 2, 3, 4]


def test_choices_are_read_again_at_each_render_and_clean(dj: Any, theirs: Any, ours: Any) -> None:
    from django.db import transaction

    Mine, Theirs = _single_forms(dj, theirs)
    mine_form, their_form = Mine(), Theirs()
    assert "Eve" not in str(mine_form)
    with transaction.atomic():
        theirs["Writer"].objects.create(name="Eve", code="eve", active=True)
        Writer.objects.create(name="Eve", code="eve", active=True)
        # The same form objects, rendered again, offer the new row (Django too).
        assert "Eve" in str(mine_form) and "Eve" in str(their_form)
        assert_html_equal(mine_form.as_div(), their_form.as_div())
        assert Mine({"writer": "5"}).is_valid() and Theirs({"writer": "5"}).is_valid()
        transaction.set_rollback(True)
    Writer.objects.filter(code="eve").delete()
    assert not Mine({"writer": "5"}).is_valid()


def test_label_from_instance_like_django(dj: Any, theirs: Any, ours: Any) -> None:
    class CodeChoice(formkit.ModelChoiceField):
        def label_from_instance(self, obj: Any) -> str:
            return f"#{obj.code} <{obj.pk}>"

    class TheirCodeChoice(dj.ModelChoiceField):
        def label_from_instance(self, obj: Any) -> str:
            return f"#{obj.code} <{obj.pk}>"

    class Mine(formkit.Form):
        writer = CodeChoice(queryset=Writer.objects.all())
        other = formkit.ModelChoiceField(queryset=Writer.objects.filter(active=True))

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["other"].label_from_instance = lambda obj: obj.name.upper()

    class Theirs(dj.Form):
        writer = TheirCodeChoice(queryset=theirs["Writer"].objects.all())
        other = dj.ModelChoiceField(queryset=theirs["Writer"].objects.filter(active=True))

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["other"].label_from_instance = lambda obj: obj.name.upper()

    _compare(Mine, Theirs, None)
    _compare(Mine, Theirs, {"writer": "2", "other": "1"})
    assert "#bob &lt;2&gt;" in str(Mine())


class _ListQuerySet:
    """A queryset by duck typing only: iteration, all() and filter(pk / pk__in)."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def all(self) -> _ListQuerySet:
        return _ListQuerySet(list(self.rows))

    def filter(self, **lookups: Any) -> _ListQuerySet:
        ((key, value),) = lookups.items()
        if key == "pk__in":
            wanted = {int(v) for v in value}
            return _ListQuerySet([r for r in self.rows if r.pk in wanted])
        return _ListQuerySet([r for r in self.rows if r.pk == int(value)])


class _Row:
    def __init__(self, pk: int, name: str) -> None:
        self.pk, self.name = pk, name

    def __str__(self) -> str:
        return self.name


def test_any_duck_typed_queryset() -> None:
    rows = _ListQuerySet([_Row(1, "one"), _Row(2, "two <2>")])
    field = formkit.ModelChoiceField(rows)
    assert field.clean("2").name == "two <2>"
    assert field.clean(rows.rows[0]) is rows.rows[0]
    for bad, code in [("3", "invalid_choice"), ("x", "invalid_choice"), ("", "required")]:
        with pytest.raises(formkit.ValidationError) as info:
            field.clean(bad)
        assert info.value.code == code
    html = field.widget.render("n", 2)
    assert '<option value="2" selected>two &lt;2&gt;</option>' in html
    many = formkit.ModelMultipleChoiceField(queryset=rows)
    assert [r.pk for r in many.clean(["2", "1"])] == [1, 2]
    with pytest.raises(formkit.ValidationError) as info:
        many.clean(["x"])
    assert info.value.code == "invalid_pk_value"
    with pytest.raises(TypeError, match="filter"):
        formkit.ModelChoiceField(queryset=[1, 2])
    with pytest.raises(TypeError, match="no choices"):
        str(formkit.ModelChoiceField(queryset=None).widget.render("n", None))


def test_django_querysets_work_too(dj: Any, theirs: Any) -> None:
    """A Django QuerySet is one more duck-typed queryset."""
    ours_field = formkit.ModelChoiceField(queryset=theirs["Writer"].objects.filter(active=True))
    their_field = dj.ModelChoiceField(queryset=theirs["Writer"].objects.filter(active=True))
    for value in ["3", "1", "2", "x", "01"]:
        try:
            expected = ("ok", their_field.clean(value).pk)
        except Exception as exc:
            expected = ("error", getattr(exc, "code", None))
        try:
            got = ("ok", ours_field.clean(value).pk)
        except formkit.ValidationError as exc:
            got = ("error", exc.code)
        assert got == expected, value
    assert_html_equal(ours_field.widget.render("w", 3), their_field.widget.render("w", 3))


# -- ModelForm through Model.objects, no db= ---------------------------------------


@pytest.mark.parametrize("data", [None, {"label": "x", "holder": "cy"}, {"holder": "3"}, "edit"])
def test_foreign_key_to_field_like_django(dj: Any, theirs: Any, ours: Any, data: Any) -> None:
    class Mine(formkit.ModelForm):
        class Meta:
            model = Badge
            fields = ["label", "holder"]

    class Theirs(dj.ModelForm):
        class Meta:
            model = theirs["Badge"]
            fields = ["label", "holder"]

    assert Mine.base_fields["holder"].to_field_name == "code"
    if data == "edit":
        mine = Mine(instance=Badge.objects.get(pk=1))
        their = Theirs(instance=theirs["Badge"].objects.get(pk=1))
        assert 'value="ann" selected' in str(mine["holder"])
        assert_html_equal(mine.as_div(), their.as_div())
        return
    _compare(Mine, Theirs, data)
    if data and "label" in data:
        badge = Mine(data).save()
        assert Badge.objects.get(pk=badge.pk).holder_id == "cy"


def _essay_forms(dj: Any, theirs: Any, with_init: bool = False) -> tuple[type, type]:
    class Mine(formkit.ModelForm):
        class Meta:
            model = Essay
            fields = ["title", "writer", "reviewers"]

        if with_init:

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.fields["writer"].queryset = Writer.objects.filter(active=True)
                # Django's idiom: narrow the field's own queryset.
                reviewers = self.fields["reviewers"]
                reviewers.queryset = reviewers.queryset.exclude(code="bob")

    class Theirs(dj.ModelForm):
        class Meta:
            model = theirs["Essay"]
            fields = ["title", "writer", "reviewers"]

        if with_init:

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.fields["writer"].queryset = theirs["Writer"].objects.filter(active=True)
                reviewers = self.fields["reviewers"]
                reviewers.queryset = reviewers.queryset.exclude(code="bob")

    return Mine, Theirs


ESSAY_DATA: list[Any] = [
    None,
    {"title": "Intro", "writer": "1", "reviewers": ["3", "4"]},
    {"title": "Intro", "writer": "3"},  # unique_together
    {"title": "Intro", "writer": "1", "reviewers": ["2", "4"]},
    {"title": "Outro", "writer": "2", "reviewers": ["9"]},
    {"title": "", "writer": "x", "reviewers": ["x"]},
]


@pytest.mark.parametrize("with_init", [False, True])
@pytest.mark.parametrize("data", ESSAY_DATA)
def test_model_form_without_db_like_django(
    dj: Any, theirs: Any, ours: Any, data: Any, with_init: bool
) -> None:
    Mine, Theirs = _essay_forms(dj, theirs, with_init)
    _compare(Mine, Theirs, data)


@pytest.mark.parametrize(
    "data",
    [{"name": "Ann", "code": "new"}, {"name": "New", "code": "ann"}, {"name": "Zed", "code": "z"}],
)
def test_unique_without_db_like_django(dj: Any, theirs: Any, ours: Any, data: Any) -> None:
    class Mine(formkit.ModelForm):
        class Meta:
            model = Writer
            fields = ["name", "code", "active"]

    class Theirs(dj.ModelForm):
        class Meta:
            model = theirs["Writer"]
            fields = ["name", "code", "active"]

    _compare(Mine, Theirs, data)
    # Editing Ann: her own name is not a clash.
    mine = Mine(dict(data, name="Ann"), instance=Writer.objects.get(pk=3))
    their = Theirs(dict(data, name="Ann"), instance=theirs["Writer"].objects.get(pk=3))
    assert _outcome(mine) == _outcome(their)


def test_save_without_db_like_django(dj: Any, theirs: Any, ours: Any) -> None:
    from django.db import transaction

    Mine, Theirs = _essay_forms(dj, theirs)
    data = {"title": "Outro", "writer": "1", "reviewers": ["4", "2"]}
    edit = {"title": "Intro 2", "writer": "3", "reviewers": ["1", "3"]}

    def snapshot(essay: Any) -> Any:
        return sorted(
            (e.pk, e.title, e.writer_id, sorted(r.pk for r in e.reviewers.all()))
            for e in essay.objects.all()
        )

    with transaction.atomic():
        their_new = Theirs(data).save()
        their_edit = Theirs(edit, instance=theirs["Essay"].objects.get(pk=1)).save()
        expected = snapshot(theirs["Essay"])
        transaction.set_rollback(True)
    mine_new = Mine(data).save()
    mine_edit = Mine(edit, instance=Essay.objects.get(pk=1)).save()
    assert (mine_new.pk, mine_edit.pk) == (their_new.pk, their_edit.pk)
    assert snapshot(Essay) == expected


def test_save_without_db_is_one_transaction(ours: Any) -> None:
    Mine = formkit.modelform_factory(Essay, fields=["title", "writer", "reviewers"])
    form = Mine({"title": "Doomed", "writer": "1", "reviewers": ["2"]})
    assert form.is_valid()

    def failing_m2m() -> None:
        assert Essay.objects.filter(title="Doomed").exists()  # the row was written...
        raise RuntimeError("many-to-many save failed")

    form._save_m2m = failing_m2m  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="many-to-many"):
        form.save()
    # ...and rolled back with the failed many-to-many save: one transaction.
    assert not Essay.objects.filter(title="Doomed").exists()


def test_model_formsets_without_db(dj: Any, theirs: Any, ours: Any) -> None:
    from django.forms import modelformset_factory as django_factory

    WriterFormSet = formkit.modelformset_factory(Writer, fields=["name", "code"], extra=1)
    TheirFormSet = django_factory(theirs["Writer"], fields=["name", "code"], extra=1)
    formset = WriterFormSet()
    # Ordered as the model says (Meta.ordering), as Django's formsets.
    assert [f.instance.name for f in formset.forms[:4]] == ["Ann", "Bob <b>", "Cy", "Dee"]
    assert_html_equal(formset.as_div(), TheirFormSet().as_div())
    data = {
        "form-TOTAL_FORMS": "5",
        "form-INITIAL_FORMS": "4",
        **{f"form-{i}-id": str(pk) for i, pk in enumerate([3, 2, 4, 1])},
        **{f"form-{i}-name": n for i, n in enumerate(["Ann", "Bob <b>", "Cy", "Dee"])},
        **{f"form-{i}-code": c for i, c in enumerate(["ann", "bob", "cy", "dee"])},
        "form-4-name": "Ann",
        "form-4-code": "new",
    }
    mine, their = WriterFormSet(data), TheirFormSet(data)
    assert mine.is_valid() == their.is_valid() is False
    assert [f.errors.get_json_data() for f in mine.forms] == [
        f.errors.get_json_data() for f in their.forms
    ]
    EssayInline = formkit.inlineformset_factory(Writer, Essay, fields=["title"], extra=1)
    inline = EssayInline(instance=Writer.objects.get(pk=3))
    assert [f.instance.title for f in inline.forms[:1]] == ["Intro"]
    data = {
        "essay_set-TOTAL_FORMS": "2",
        "essay_set-INITIAL_FORMS": "1",
        "essay_set-0-id": "1",
        "essay_set-0-title": "Intro",
        "essay_set-1-title": "Second",
    }
    inline = EssayInline(data, instance=Writer.objects.get(pk=3))
    assert inline.is_valid(), inline.errors
    inline.save()
    assert sorted(Essay.objects.filter(writer_id=3).values_list("title", flat=True)) == [
        "Intro",
        "Second",
    ]


def _inline_outcome(formset: Any) -> dict[str, Any]:
    valid = formset.is_valid()
    return {
        "valid": valid,
        "errors": [form.errors.get_json_data() for form in formset.forms],
        "non_form": list(formset.non_form_errors()),
        "changed": [form.changed_data for form in formset.forms],
        "initial": formset.initial_form_count(),
    }


def test_inline_formsets_like_django(dj: Any, theirs: Any, ours: Any) -> None:
    from django.db import transaction
    from django.forms import inlineformset_factory as django_factory

    Mine = formkit.inlineformset_factory(Writer, Essay, fields=["title"], extra=2)
    Theirs = django_factory(theirs["Writer"], theirs["Essay"], fields=["title"], extra=2)
    unchanged = {
        "essay_set-TOTAL_FORMS": "3",
        "essay_set-INITIAL_FORMS": "1",
        "essay_set-0-id": "1",
        "essay_set-0-writer": "3",
        "essay_set-0-title": "Intro",
        "essay_set-1-title": "",
        "essay_set-2-title": "",
    }
    # An unchanged row is not changed (its hidden key included): nothing is saved.
    mine = Mine(_query(unchanged)[0], instance=Writer.objects.get(pk=3))
    their = Theirs(_query(unchanged)[1], instance=theirs["Writer"].objects.get(pk=3))
    assert _inline_outcome(mine) == _inline_outcome(their)
    assert _inline_outcome(mine)["changed"] == [[], [], []]
    assert mine.save() == [] and mine.changed_objects == [] and mine.new_objects == []
    # Save as new: the posted rows (with the old rows' and old parent's keys)
    # become rows of a new parent; they validate, and the old rows stay.
    mine = Mine(_query(unchanged)[0], instance=Writer(name="Eve"), save_as_new=True)
    their = Theirs(_query(unchanged)[1], instance=theirs["Writer"](name="Eve"), save_as_new=True)
    assert _inline_outcome(mine) == _inline_outcome(their)
    assert _inline_outcome(mine)["valid"] and _inline_outcome(mine)["initial"] == 0
    # A key of another parent, outside save as new, is refused as Django refuses it.
    foreign = dict(unchanged, **{"essay_set-0-writer": "1"})
    mine = Mine(_query(foreign)[0], instance=Writer.objects.get(pk=3))
    their = Theirs(_query(foreign)[1], instance=theirs["Writer"].objects.get(pk=3))
    assert _inline_outcome(mine) == _inline_outcome(their)
    assert not _inline_outcome(mine)["valid"]
    # A changed row reports only the field that changed; saved, as Django saves it.
    edited = dict(unchanged, **{"essay_set-0-title": "Preface", "essay_set-1-title": "Coda"})
    mine = Mine(_query(edited)[0], instance=Writer.objects.get(pk=3))
    their = Theirs(_query(edited)[1], instance=theirs["Writer"].objects.get(pk=3))
    assert _inline_outcome(mine) == _inline_outcome(their)
    with transaction.atomic():
        their.save()
        expected = [(o.title, names) for o, names in their.changed_objects]
        expected_new = [o.title for o in their.new_objects]
        transaction.set_rollback(True)
    mine.save()
    assert [(o.title, names) for o, names in mine.changed_objects] == expected
    assert [o.title for o in mine.new_objects] == expected_new == ["Coda"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
def test_without_db_on_each_database(request: Any, backend: str, tmp_path: Any) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'each.sqlite3'}"
    else:
        url = request.getfixturevalue(f"{backend}_url")
    db = _open(url)
    try:
        _fill(Writer, Essay)
        Mine = formkit.modelform_factory(Essay, fields=["title", "writer", "reviewers"])
        form = Mine({"title": "Intro", "writer": "3"})
        assert form.errors.as_data()["__all__"][0].code == "unique_together"
        form = Mine()
        form.fields["writer"].queryset = Writer.objects.filter(active=True)
        html = str(form["writer"])
        assert html.index("Ann (ann)") < html.index("Dee (dee)") and "Bob" not in html
        essay = Mine({"title": "Outro", "writer": "1", "reviewers": ["2", "3"]}).save()
        assert sorted(r.pk for r in Essay.objects.get(pk=essay.pk).reviewers.all()) == [2, 3]
        edit = Mine({"title": "Outro", "writer": "1"}, instance=essay)
        assert edit.is_valid(), edit.errors.get_json_data()
        many = formkit.ModelMultipleChoiceField(queryset=Writer.objects.filter(active=False))
        assert [w.code for w in many.clean(["4", "2"])] == ["bob", "cy"]
        with pytest.raises(formkit.ValidationError) as info:
            many.clean(["1"])
        assert info.value.code == "invalid_choice"
    finally:
        db.drop_all([Writer, Essay, Badge])
        db.close()
        db.dispose()


def test_given_database_not_the_default(ours: Any, tmp_path: Any) -> None:
    """db= an orm-lite Database that is not the default: every query and the save go there."""
    other = models.Database(f"sqlite:///{tmp_path / 'other.sqlite3'}", default=False)
    other.create_all([Writer, Essay, Badge])
    try:
        Writer.objects.using(other).create(name="Only", code="only")
        Mine = formkit.modelform_factory(Essay, fields=["title", "writer", "reviewers"])
        html = str(Mine(db=other)["writer"])
        assert "Only (only)" in html and "Ann" not in html
        assert Mine({"title": "T", "writer": "3"}, db=other).errors.as_data()["writer"]
        essay = Mine({"title": "T", "writer": "1", "reviewers": ["1"]}, db=other).save()
        assert Essay.objects.using(other).get(pk=essay.pk).title == "T"
        assert not Essay.objects.filter(title="T").exists()  # not in the default database
        again = Mine({"title": "T", "writer": "1"}, db=other)
        assert again.errors.as_data()["__all__"][0].code == "unique_together"
        assert Mine({"title": "T", "writer": "3"}).is_valid()  # the default database's rows
    finally:
        other.close()
        other.dispose()


@pytest.mark.parametrize("data", [None, {"writer": "1", "writers": ["3"]}, {"writers": ["2"]}])
def test_initial_instances_and_checkboxes_like_django(
    dj: Any, theirs: Any, ours: Any, data: Any
) -> None:
    their_writer = theirs["Writer"]

    class Mine(formkit.Form):
        writer = formkit.ModelChoiceField(Writer.objects.all(), initial=Writer.objects.get(pk=3))
        writers = formkit.ModelMultipleChoiceField(
            Writer.objects.filter(active=True),
            widget=formkit.CheckboxSelectMultiple,
            initial=list(Writer.objects.filter(pk=1)),
            required=False,
        )
        chosen = formkit.ModelChoiceField(
            Writer.objects.all(), disabled=True, initial=Writer.objects.get(pk=2)
        )

    class Theirs(dj.Form):
        writer = dj.ModelChoiceField(
            their_writer.objects.all(), initial=their_writer.objects.get(pk=3)
        )
        writers = dj.ModelMultipleChoiceField(
            their_writer.objects.filter(active=True),
            widget=dj.CheckboxSelectMultiple,
            initial=list(their_writer.objects.filter(pk=1)),
            required=False,
        )
        chosen = dj.ModelChoiceField(
            their_writer.objects.all(), disabled=True, initial=their_writer.objects.get(pk=2)
        )

    _compare(Mine, Theirs, data)
    if data is not None:
        ours_data, theirs_data = _query(data)
        assert Mine(ours_data).changed_data == Theirs(theirs_data).changed_data
