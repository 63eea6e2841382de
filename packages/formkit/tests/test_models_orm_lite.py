"""ModelForm and model formsets on orm-lite models, against Django's on the same models.

The same three models (Author, Tag, Book) are declared in orm-lite and in
Django, filled with the same rows, and the same data goes into a formkit
ModelForm and a Django ModelForm: same fields, HTML, cleaned values, errors,
unique checks. Saving is checked on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import decimal
import itertools
from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal, form_reference_models

models = pytest.importorskip("manouche.orm_lite")

_counter = itertools.count()


def _orm_lite_models() -> dict[str, Any]:
    return form_reference_models(models, models, app_label=f"fk{next(_counter)}")


@pytest.fixture(scope="module")
def django_models(dj: Any) -> dict[str, Any]:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("Django reference models need Django configured on SQLite")
    try:
        from formkit_ref.models import Author, Book, Tag
    except RuntimeError:
        pytest.skip("Django was configured without the formkit_ref reference app")

    with connection.schema_editor() as editor:
        for model in (Author, Tag, Book):
            editor.create_model(model)
    Author.objects.create(name="Ann")
    Author.objects.create(name="Bob <b>")
    Tag.objects.create(label="red")
    Tag.objects.create(label="blue")
    book = Book.objects.create(title="Existing", author_id=1, kind="f")
    book.tags.set([1])
    return {"Author": Author, "Tag": Tag, "Book": Book}


@pytest.fixture
def ours(tmp_path: Any) -> Any:
    found = _orm_lite_models()
    db = models.Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    tables = [m.__table__ for m in found.values()]
    db.create_all(tables[0].metadata)
    author, tag, book = found["Author"], found["Tag"], found["Book"]
    with db.atomic():
        author(name="Ann").save(using=db)
        author(name="Bob <b>").save(using=db)
        tag(label="red").save(using=db)
        tag(label="blue").save(using=db)
        existing = book(title="Existing", author_id=1, kind="f")
        existing.save(using=db)
        existing.tags.set([1])
    found["db"] = db
    yield found
    db.close()
    db.dispose()


def _form_pair(dj: Any, ours: Any, django_models: Any, fields: Any = "__all__") -> Any:
    fields_spec = fields

    class Theirs(dj.ModelForm):
        class Meta:
            model = django_models["Book"]
            fields = fields_spec

    class Ours(formkit.ModelForm):
        class Meta:
            model = ours["Book"]
            fields = fields_spec

    return Ours, Theirs


def _codes(form: Any) -> dict[str, list[str]]:
    return {name: [e.code for e in errs] for name, errs in form.errors.as_data().items()}


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return ("obj", value.pk, str(value))
    if isinstance(value, (list, tuple)) or type(value).__name__ == "QuerySet":
        return [_plain(v) for v in value]
    return value


BOOK_DATA = [
    {"title": "R", "author": "1", "kind": "f", "pages": "1", "rating": "9"},
    {"title": "R", "author": "1", "kind": "f", "pages": "1", "rating": "0"},
    {"title": "R", "author": "1", "kind": "f", "pages": "1", "rating": "4"},
    {"title": "New", "author": "2", "kind": "n", "pages": "10", "tags": ["1", "2"]},
    {"title": "Existing", "author": "1", "kind": "f", "pages": "5"},
    {"title": "", "author": "9", "kind": "x", "pages": "-1", "price": "1.234", "tags": ["7"]},
    {"title": "T", "author": "abc", "kind": "f", "pages": "1", "tags": ["x"]},
    {"title": "T", "author": "1", "kind": "f", "pages": "1", "tags": "1"},
    {"title": "T" * 101, "author": "", "kind": "", "price": "12345"},
]


def test_fields_and_html_like_django(dj: Any, ours: Any, django_models: Any) -> None:
    Ours, Theirs = _form_pair(dj, ours, django_models)
    assert list(Ours.base_fields) == list(Theirs.base_fields)
    mine, theirs = Ours(db=ours["db"]), Theirs()
    for name in Theirs.base_fields:
        assert type(mine.fields[name]).__name__ == type(theirs.fields[name]).__name__, name
        assert mine.fields[name].required == theirs.fields[name].required, name
        assert mine[name].label == theirs[name].label
    assert_html_equal(mine.as_div(), theirs.as_div())
    assert_html_equal(mine.as_table(), theirs.as_table())


@pytest.mark.parametrize("index", range(len(BOOK_DATA)))
def test_cleaning_and_unique_checks_like_django(
    dj: Any, ours: Any, django_models: Any, index: int
) -> None:
    Ours, Theirs = _form_pair(dj, ours, django_models)
    data = BOOK_DATA[index]
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    from webob.multidict import MultiDict

    pairs = [(k, x) for k, v in data.items() for x in (v if isinstance(v, list) else [v])]
    mine, theirs = Ours(MultiDict(pairs), db=ours["db"]), Theirs(query)
    assert _codes(mine) == _codes(theirs)
    assert mine.errors.get_json_data() == theirs.errors.get_json_data()
    if theirs.is_valid():
        assert {k: _plain(v) for k, v in mine.cleaned_data.items()} == {
            k: _plain(v) for k, v in theirs.cleaned_data.items()
        }
    assert_html_equal(mine.as_div(), theirs.as_div())


def test_editing_an_instance_like_django(dj: Any, ours: Any, django_models: Any) -> None:
    Ours, Theirs = _form_pair(dj, ours, django_models, ["title", "author", "tags", "pages"])
    book = ours["Book"].objects.using(ours["db"]).get(pk=1)
    book.tags.set([1])
    assert formkit.model_to_dict(book, ["title", "author", "tags"]) == {
        "title": "Existing",
        "author": 1,
        "tags": [1],
    }
    mine = Ours(instance=book, db=ours["db"])
    theirs = Theirs(instance=django_models["Book"].objects.get(pk=1))
    assert_html_equal(mine.as_div(), theirs.as_div())


def test_save_assigns_only_form_fields(ours: Any) -> None:
    db = ours["db"]

    class BookForm(formkit.ModelForm):
        class Meta:
            model = ours["Book"]
            fields = ["title", "author", "kind", "tags"]

    data = {
        "title": "Dune",
        "author": "2",
        "kind": "f",
        "tags": ["1", "2"],
        "price": "9.99",  # not a form field: never assigned
        "id": "77",
        "pages": "999",
    }
    form = BookForm(data, db=db)
    assert form.is_valid(), form.errors.get_json_data()
    book = form.save()
    assert book.pk is not None and book.pk != 77
    assert book.price is None and book.pages == 100
    assert book.author_id == 2
    rows = db.execute("SELECT title, author_id, price, pages FROM " + book.__table__.name)
    assert ("Dune", 2, None, 100) in [tuple(r) for r in rows]
    assert sorted(t.pk for t in book.tags.all()) == [1, 2]
    with pytest.raises(ValueError, match="didn't validate"):
        BookForm({"title": ""}, db=db).save()


def test_save_commit_false_then_save_m2m(ours: Any) -> None:
    db = ours["db"]

    class BookForm(formkit.ModelForm):
        class Meta:
            model = ours["Book"]
            exclude = ["price", "summary"]

    form = BookForm(
        {"title": "Later", "author": "1", "kind": "n", "pages": "3", "rating": "2", "tags": ["2"]},
        db=db,
    )
    book = form.save(commit=False)
    assert book.pk is None
    book.price = decimal.Decimal("1.50")
    book.save()
    form.save_m2m()
    assert [t.pk for t in book.tags.all()] == [2]


def test_column_ranges_and_localized_fields(ours: Any) -> None:
    class BookForm(formkit.ModelForm):
        class Meta:
            model = ours["Book"]
            fields = ["rating", "pages"]
            localized_fields = ["pages"]

    form = BookForm({"rating": str(2**31), "pages": str(2**31)}, db=ours["db"])
    codes = {k: [e.code for e in v] for k, v in form.errors.as_data().items()}
    assert codes == {"rating": ["max_value"], "pages": ["max_value"]}
    assert isinstance(form.fields["pages"].widget, formkit.TextInput)
    assert isinstance(form.fields["rating"].widget, formkit.NumberInput)


def test_meta_options_labels_widgets_and_errors(ours: Any) -> None:
    with pytest.raises(formkit.ImproperlyConfigured, match="fields"):

        class NoFields(formkit.ModelForm):
            class Meta:
                model = ours["Book"]

    with pytest.raises(formkit.ImproperlyConfigured, match="Unknown field"):

        class Unknown(formkit.ModelForm):
            class Meta:
                model = ours["Book"]
                fields = ["title", "nope"]

    class Custom(formkit.ModelForm):
        extra = formkit.CharField(required=False)

        class Meta:
            model = ours["Book"]
            fields = ["title", "summary"]
            labels = {"title": "Name <i>"}
            widgets = {"title": formkit.Textarea(attrs={"rows": 2})}
            help_texts = {"summary": "Short"}

    form = Custom(db=ours["db"])
    assert list(form.fields) == ["title", "summary", "extra"]
    html = str(form)
    assert "Name &lt;i&gt;" in html and 'rows="2"' in html and "Short" in html
    assert isinstance(form.fields["summary"].widget, formkit.Textarea)
    factory = formkit.modelform_factory(ours["Book"], fields=["title"])
    assert list(factory.base_fields) == ["title"]


def test_model_formsets_take_a_renderer(ours: Any) -> None:
    from manouche.formkit.renderers import Jinja2Renderer

    renderer = Jinja2Renderer()
    db = ours["db"]
    AuthorFormSet = formkit.modelformset_factory(
        ours["Author"], fields=["name"], extra=1, renderer=renderer
    )
    formset = AuthorFormSet(db=db)
    assert formset.renderer is renderer
    assert all(form.renderer is renderer for form in formset)
    assert formset.empty_form.renderer is renderer
    plain = formkit.modelformset_factory(ours["Author"], fields=["name"], extra=1)(db=db)
    assert_html_equal(str(formset), str(plain))  # the Jinja2 templates, the same HTML
    BookFormSet = formkit.inlineformset_factory(
        ours["Author"], ours["Book"], fields=["title"], renderer=renderer
    )
    assert BookFormSet(db=db).renderer is renderer


def test_model_formset_and_inline_formset(ours: Any) -> None:
    db = ours["db"]
    Author, Book = ours["Author"], ours["Book"]
    AuthorFormSet = formkit.modelformset_factory(Author, fields=["name"], extra=1, can_delete=True)
    formset = AuthorFormSet(db=db)
    assert formset.total_form_count() == 3
    assert 'name="form-0-id" value="1"' in str(formset)
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "2",
        "form-0-id": "1",
        "form-0-name": "Ann Renamed",
        "form-1-id": "2",
        "form-1-name": "Bob <b>",
        "form-1-DELETE": "on",
        "form-2-name": "Cleo",
    }
    formset = AuthorFormSet(data, db=db)
    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    saved = formset.save()
    assert sorted(a.name for a in saved) == ["Ann Renamed", "Cleo"]
    names = sorted(row[0] for row in db.execute("SELECT name FROM " + Author.__table__.name))
    assert names == ["Ann Renamed", "Cleo"]
    tampered = dict(data, **{"form-0-id": "999"})
    bad = AuthorFormSet(tampered, db=db)
    assert not bad.is_valid()
    assert bad.errors[0]["id"].as_data()[0].code == "invalid_choice"
    garbage = AuthorFormSet({"form-TOTAL_FORMS": "x"}, db=db)
    assert not garbage.is_valid()
    assert garbage.non_form_errors().as_data()[0].code == "missing_management_form"

    BookInline = formkit.inlineformset_factory(Author, Book, fields=["title", "kind"], extra=1)
    ann = next(a for a in AuthorFormSet(db=db).get_queryset() if a.pk == 1)
    inline = BookInline(instance=ann, db=db)
    assert inline.prefix == "book_set"
    assert inline.initial_form_count() == 1
    data = {
        "book_set-TOTAL_FORMS": "2",
        "book_set-INITIAL_FORMS": "1",
        "book_set-0-id": "1",
        "book_set-0-title": "Existing",
        "book_set-0-kind": "n",
        "book_set-1-title": "Sequel",
        "book_set-1-kind": "f",
    }
    inline = BookInline(data, instance=ann, db=db)
    assert inline.is_valid(), inline.errors
    inline.save()
    rows = db.execute("SELECT title, kind, author_id FROM " + Book.__table__.name)
    assert sorted(tuple(r) for r in rows) == [("Existing", "n", 1), ("Sequel", "f", 1)]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
def test_save_and_unique_on_each_database(request: Any, backend: str, tmp_path: Any) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    else:
        url = request.getfixturevalue(f"{backend}_url")
    found = _orm_lite_models()
    db = models.Database(url)
    metadata = found["Book"].__table__.metadata
    db.create_all(metadata)
    try:
        with db.atomic():
            found["Author"](name="Ann").save(using=db)

        class AuthorForm(formkit.ModelForm):
            class Meta:
                model = found["Author"]
                fields = ["name", "email"]

        assert AuthorForm({"name": "Ann"}, db=db).errors.as_data()["name"][0].code == "unique"
        created = AuthorForm({"name": "Zoe", "email": "z@example.com"}, db=db).save()
        assert created.pk is not None

        class BookForm(formkit.ModelForm):
            class Meta:
                model = found["Book"]
                fields = ["title", "author", "kind", "pages", "price"]

        form = BookForm(
            {"title": "A", "author": str(created.pk), "kind": "f", "pages": "1", "price": "2.5"},
            db=db,
        )
        book = form.save()
        again = BookForm(
            {"title": "A", "author": str(created.pk), "kind": "n", "pages": "2"}, db=db
        )
        assert again.errors.as_data()["__all__"][0].code == "unique_together"
        edit = BookForm(
            {"title": "A", "author": str(created.pk), "kind": "n", "pages": "2", "price": "2.5"},
            instance=book,
            db=db,
        )
        assert edit.is_valid(), edit.errors.get_json_data()
        edit.save()
        rows = db.execute(f"SELECT kind, price FROM {book.__table__.name}")
        assert [(r[0], decimal.Decimal(r[1])) for r in rows] == [("n", decimal.Decimal("2.5"))]
    finally:
        db.drop_all(metadata)
        db.close()
        db.dispose()


def _formset_summary(formset: Any) -> dict[str, Any]:
    valid = formset.is_valid()
    return {
        "valid": valid,
        "non_form": [(e.code, next(iter(e))) for e in formset.non_form_errors().as_data()],
        "forms": [
            {
                name: [(e.code, next(iter(e))) for e in errs]
                for name, errs in f.errors.as_data().items()
            }
            for f in formset.forms
        ],
    }


AUTHOR_ROWS = {
    "form-TOTAL_FORMS": "4",
    "form-INITIAL_FORMS": "2",
    "form-0-id": "1",
    "form-0-name": "Ann",
    "form-1-id": "2",
    "form-1-name": "Bob <b>",
}


@pytest.mark.parametrize(
    "data",
    [
        {**AUTHOR_ROWS, "form-2-name": "Cy", "form-3-name": "Dee"},
        {**AUTHOR_ROWS, "form-2-name": "Cy", "form-3-name": "Cy"},
        {**AUTHOR_ROWS, "form-1-name": "Ann"},
        {**AUTHOR_ROWS, "form-2-name": "Ann"},
        {**AUTHOR_ROWS, "form-1-DELETE": "on", "form-2-name": "Bob <b>"},
        {**AUTHOR_ROWS, "form-0-id": "99"},
        {**AUTHOR_ROWS, "form-0-id": "x", "form-2-email": "bad"},
        {**AUTHOR_ROWS, "form-TOTAL_FORMS": "x"},
    ],
)
def test_model_formset_like_django(
    dj: Any, ours: Any, django_models: Any, data: dict[str, str]
) -> None:
    from django.forms import modelformset_factory as django_factory

    theirs_class = django_factory(
        django_models["Author"], fields=["name", "email"], extra=2, can_delete=True
    )
    ours_class = formkit.modelformset_factory(
        ours["Author"], fields=["name", "email"], extra=2, can_delete=True
    )
    queryset = django_models["Author"].objects.order_by("pk")
    unbound_t, unbound_o = theirs_class(queryset=queryset), ours_class(db=ours["db"])
    assert_html_equal(unbound_o.as_div(), unbound_t.as_div())
    theirs = theirs_class(data, queryset=queryset)
    mine = ours_class(data, db=ours["db"])
    assert _formset_summary(mine) == _formset_summary(theirs)


BOOK_ROWS = {
    "book_set-TOTAL_FORMS": "3",
    "book_set-INITIAL_FORMS": "1",
    "book_set-0-id": "1",
    "book_set-0-title": "Existing",
    "book_set-0-kind": "f",
    "book_set-0-pages": "100",
}


@pytest.mark.parametrize(
    "data",
    [
        {**BOOK_ROWS, "book_set-1-title": "New", "book_set-1-kind": "n", "book_set-1-pages": "1"},
        {**BOOK_ROWS, "book_set-1-title": "Existing", "book_set-1-kind": "n"},
        {
            **BOOK_ROWS,
            "book_set-1-title": "Twin",
            "book_set-1-kind": "n",
            "book_set-1-pages": "1",
            "book_set-2-title": "Twin",
            "book_set-2-kind": "f",
            "book_set-2-pages": "2",
        },
        {**BOOK_ROWS, "book_set-0-DELETE": "on", "book_set-0-kind": "x"},
    ],
)
def test_inline_formset_like_django(
    dj: Any, ours: Any, django_models: Any, data: dict[str, str]
) -> None:
    from django.forms import inlineformset_factory as django_factory

    fields = ["title", "kind", "pages", "tags"]
    theirs_class = django_factory(
        django_models["Author"], django_models["Book"], fields=fields, extra=2
    )
    ours_class = formkit.inlineformset_factory(ours["Author"], ours["Book"], fields=fields, extra=2)
    their_parent = django_models["Author"].objects.get(pk=1)
    our_parent = ours["Author"].objects.using(ours["db"]).get(pk=1)
    mine_unbound = ours_class(instance=our_parent, db=ours["db"])
    theirs_unbound = theirs_class(instance=their_parent)
    assert mine_unbound.prefix == theirs_unbound.prefix
    assert_html_equal(mine_unbound.as_div(), theirs_unbound.as_div())
    mine = ours_class(data, instance=our_parent, db=ours["db"])
    theirs = theirs_class(data, instance=their_parent)
    assert _formset_summary(mine) == _formset_summary(theirs)


def test_model_formset_save_like_django(dj: Any, ours: Any, django_models: Any) -> None:
    from django.db import transaction
    from django.forms import modelformset_factory as django_factory

    data = {
        **AUTHOR_ROWS,
        "form-0-name": "Ann Renamed",
        "form-1-DELETE": "on",
        "form-2-name": "Cy",
        "form-2-email": "cy@example.com",
    }
    theirs_class = django_factory(
        django_models["Author"], fields=["name", "email"], extra=2, can_delete=True
    )
    ours_class = formkit.modelformset_factory(
        ours["Author"], fields=["name", "email"], extra=2, can_delete=True
    )
    with transaction.atomic():
        theirs = theirs_class(data, queryset=django_models["Author"].objects.order_by("pk"))
        assert theirs.is_valid()
        their_saved = sorted(obj.name for obj in theirs.save())
        their_rows = sorted(django_models["Author"].objects.values_list("name", "email"))
        their_deleted = [obj.name for obj in theirs.deleted_objects]
        transaction.set_rollback(True)
    mine = ours_class(data, db=ours["db"])
    assert mine.is_valid()
    assert sorted(obj.name for obj in mine.save()) == their_saved
    assert [obj.name for obj in mine.deleted_objects] == their_deleted
    table = ours["Author"].__table__.name
    rows = sorted(tuple(r) for r in ours["db"].execute(f"SELECT name, email FROM {table}"))
    assert rows == their_rows
