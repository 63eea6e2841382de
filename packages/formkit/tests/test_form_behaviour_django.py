"""Form corners against Django: each case runs on both and must give the same answer."""

from __future__ import annotations

from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal

MODULES = ["django", "formkit"]


@pytest.fixture(params=MODULES)
def forms(request: pytest.FixtureRequest, dj: Any) -> Any:
    return dj if request.param == "django" else formkit


def test_overridden_add_prefix_reads_the_data_it_renders(dj: Any) -> None:
    def run(forms: Any) -> tuple[bool, dict[str, Any], str]:
        class Person(forms.Form):
            first_name = forms.CharField()
            birthday = forms.DateField()

            def add_prefix(self, field_name: str) -> str:
                return f"{self.prefix}-prefix-{field_name}" if self.prefix else field_name

        data = {"foo-prefix-first_name": "John", "foo-prefix-birthday": "1940-10-09"}
        form = Person(data, prefix="foo")
        return form.is_valid(), form.cleaned_data, str(form["first_name"])

    ours, theirs = run(formkit), run(dj)
    assert ours[:2] == theirs[:2]
    assert ours[0] is True
    assert_html_equal(ours[2], theirs[2])


def test_empty_form_of_a_formset_with_form_kwargs(dj: Any) -> None:
    def run(forms: Any) -> tuple[str, bool, str]:
        class Item(forms.Form):
            name = forms.CharField()

        class ItemFormSet(forms.BaseFormSet):
            def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
                return {"empty_permitted": False, "use_required_attribute": True}

        formset = forms.formset_factory(Item, formset=ItemFormSet)()
        empty = formset.empty_form
        return empty.prefix, empty.empty_permitted, str(empty)

    ours, theirs = run(formkit), run(dj)
    assert ours[:2] == theirs[:2] == ("form-__prefix__", True)
    assert_html_equal(ours[2], theirs[2])


def test_deleted_field_leaves_the_bound_field_cache(forms: Any) -> None:
    class Named(forms.Form):
        name = forms.CharField(max_length=10)
        surname = forms.CharField(max_length=10)

    form = Named()
    assert form["name"].name == "name"
    del form.fields["name"]
    with pytest.raises(KeyError):
        form["name"]
    assert [bf.name for bf in form] == ["surname"]


@pytest.mark.parametrize("bound", [True, False])
def test_disabled_field_callable_initial_called_once(forms: Any, bound: bool) -> None:
    calls: list[int] = []

    def initial() -> str:
        calls.append(1)
        return f"v{len(calls)}"

    class Locked(forms.Form):
        code = forms.CharField(disabled=True, initial=initial)
        other = forms.CharField(required=False)

    form = Locked({"code": "tampered", "other": "x"} if bound else None)
    if bound:
        assert form.is_valid()
        assert form.cleaned_data["code"] == "v1"
        assert form.has_changed()
        assert form.changed_data == ["other"]
    assert form["code"].value() == "v1"
    assert 'value="v1"' in str(form["code"])
    assert len(calls) == 1


def test_update_error_dict_stores_messages(dj: Any) -> None:
    def run(forms: Any) -> tuple[dict[str, list[str]], dict[str, list[str]], bool]:
        utils = forms.utils if forms is dj else formkit

        class CodeForm(forms.Form):
            code = forms.CharField(max_length=10)

            def clean(self) -> None:
                for error in (
                    forms.ValidationError({"code": [forms.ValidationError("Code error 1.")]}),
                    forms.ValidationError({"code": utils.ErrorList(["Code <error> 2."])}),
                    forms.ValidationError("Non-field error 1."),
                    forms.ValidationError([forms.ValidationError("Non-field error 2.")]),
                ):
                    try:
                        raise error
                    except forms.ValidationError as exc:
                        self._errors = exc.update_error_dict(self._errors)
                for field, error_list in self._errors.items():
                    if not isinstance(error_list, self.error_class):
                        self._errors[field] = self.error_class(error_list)

        form = CodeForm({"code": "hello"})
        assert not form.is_valid()
        data = {k: [e.message for e in v] for k, v in form.errors.as_data().items()}
        return (
            {k: list(v) for k, v in form.errors.items()},
            data,
            isinstance(form._errors, utils.ErrorDict),
        )

    ours, theirs = run(formkit), run(dj)
    assert ours == theirs
    assert ours[0]["code"] == ["Code error 1.", "Code <error> 2."]


class _DjangoTemplateCheck:
    """Render through a Django template: what __html__/markup-safety changes."""

    @staticmethod
    def render(source: str, **context: Any) -> str:
        from django.template import Context, Engine

        return Engine().from_string(source).render(Context(context))


def test_rendered_pieces_are_markup_safe_in_django_and_jinja2(dj: Any) -> None:
    import jinja2

    def make(forms: Any) -> Any:
        class Sample(forms.Form):
            title = forms.CharField(max_length=3, help_text="Short")
            kind = forms.ChoiceField(choices=[("a", "A & B")], widget=forms.RadioSelect)

        return Sample({"title": "toolong", "kind": "z"})

    ours, theirs = make(formkit), make(dj)
    source = "{{ form }}|{{ form.title }}|{{ form.title.errors }}|{{ form.errors }}|{{ k }}"
    ours_html = _DjangoTemplateCheck.render(source, form=ours, k=ours["kind"][0])
    theirs_html = _DjangoTemplateCheck.render(source, form=theirs, k=theirs["kind"][0])
    for a, b in zip(ours_html.split("|"), theirs_html.split("|"), strict=True):
        assert "&lt;" not in a  # nothing escaped a second time
        assert_html_equal(a, b)
    for piece in (
        str(ours),
        str(ours["title"]),
        str(ours["title"].errors),
        str(ours.errors),
        str(ours["kind"][0]),
        ours.as_p(),
        ours["title"].label_tag(),
    ):
        assert hasattr(piece, "__html__")
    env = jinja2.Environment(autoescape=True)
    rendered = env.from_string("{{ form }}").render(form=ours)
    assert rendered == str(ours)


def test_typed_multiple_choice_empty_value(dj: Any) -> None:
    for kwargs in ({"empty_value": None}, {"empty_value": ""}, {}):
        for forms in (dj, formkit):
            field = forms.TypedMultipleChoiceField(
                choices=[(1, "+1"), (-1, "-1")], coerce=int, required=False, **kwargs
            )
            assert field.clean([]) == kwargs.get("empty_value", [])
            assert field.clean(["1"]) == [1]


def test_choice_widget_options_and_optgroups(dj: Any) -> None:
    choices = [("Audio", [("vinyl", "Vinyl"), ("cd", "CD")]), ("unknown", "Unknown")]
    for name in ("Select", "RadioSelect", "CheckboxSelectMultiple", "SelectMultiple"):
        ours = getattr(formkit, name)(choices=choices)
        theirs = getattr(dj, name)(choices=choices)
        assert list(ours.options("n", ["cd"])) == list(theirs.options("n", ["cd"]))
        assert ours.optgroups("n", ["cd"], {"id": "x"}) == theirs.optgroups(
            "n", ["cd"], {"id": "x"}
        )


def test_flatatt_is_djangos(dj: Any) -> None:
    from django.forms.utils import flatatt

    for attrs in (
        {"title": "Read <this>", "class": "news", "required": True, "hidden": False},
        {"id": "x", "data-n": 0, "none": None, "disabled": True, "autofocus": True},
        {},
    ):
        assert formkit.flatatt(attrs) == flatatt(attrs)


def test_field_init_is_cooperative(forms: Any) -> None:
    class Mixin:
        def __init__(self) -> None:
            self.mixed_in = True
            super().__init__()

    class Complex(forms.Field, Mixin):
        pass

    assert Complex().mixed_in is True


def test_clearable_file_input_checked_and_malformed_choices(dj: Any) -> None:
    class File:
        url = "/f.txt"

        def __str__(self) -> str:
            return "f.txt"

    for forms in (formkit, dj):
        widget = forms.ClearableFileInput()
        widget.checked = True
        html = widget.render("doc", File())
        assert html.count("checked") == 2
    assert_html_equal(
        formkit.ClearableFileInput(attrs={"checked": True}).render("doc", File()),
        dj.ClearableFileInput(attrs={"checked": True}).render("doc", File()),
    )
    assert formkit.RadioSelect(choices=[1, 2]).choices == dj.RadioSelect(choices=[1, 2]).choices


def test_error_dict_escapes_plain_string_values(dj: Any) -> None:
    from django.forms.utils import ErrorDict

    example = 'Link: <a href="http://example.com/">x</a>'
    assert_html_equal(str(formkit.ErrorDict({"name": example})), str(ErrorDict({"name": example})))
    assert "&lt;a" in str(formkit.ErrorDict({"name": example}))


def test_error_list_is_a_list_that_copies_pickles_and_serializes(dj: Any) -> None:
    import copy
    import json
    import pickle

    from django.forms.utils import ErrorDict as DjErrorDict
    from django.forms.utils import ErrorList as DjErrorList

    def build(error_list: Any, error_dict: Any, validation_error: Any) -> Any:
        nested = error_dict({"day": error_list([validation_error("Too small.")])})
        errors = error_list(["Foo", validation_error("Foo%(bar)s", params={"bar": "bar"})])
        return errors, error_dict({"__all__": errors, "date": error_list([nested])})

    ours, ours_dict = build(formkit.ErrorList, formkit.ErrorDict, formkit.ValidationError)
    theirs, theirs_dict = build(DjErrorList, DjErrorDict, dj.ValidationError)
    assert isinstance(ours, list)
    assert list(ours) == list(theirs) == ["Foo", "Foobar"]
    assert json.dumps(ours_dict) == json.dumps(theirs_dict)
    for clone in (copy.copy(ours), copy.deepcopy(ours), pickle.loads(pickle.dumps(ours))):
        assert list(clone) == ["Foo", "Foobar"]
        assert clone.error_class == ours.error_class
    assert copy.deepcopy(ours_dict) == ours_dict
    assert_html_equal(str(ours_dict), str(theirs_dict))
