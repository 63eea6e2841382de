"""Django's template-based rendering API, against Django.

Three ways to the same HTML: formkit's default (Python) renderer, formkit's
Jinja2 renderer, and Django's own renderers (DjangoTemplates and Jinja2, with
Django's templates) rendering formkit's forms through the context API; and the
custom-template hooks (template_name*, field and widget templates,
bound_field_class, render(context=...)) against Django with the same template.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest

from manouche import formkit
from manouche.formkit.renderers import Jinja2Renderer, PythonRenderer, TemplateDoesNotExist
from manouche.testsupport import assert_html_equal


def sample_form(forms: Any, **kwargs: Any) -> Any:
    class Sample(forms.Form):
        required_css_class = "req"
        error_css_class = "err"
        title = forms.CharField(max_length=5, help_text="Five at most")
        kind = forms.ChoiceField(
            choices=[("a", "A & B"), ("b", "B")], widget=forms.RadioSelect, required=False
        )
        when = forms.SplitDateTimeField(required=False)
        token = forms.CharField(widget=forms.HiddenInput, max_length=2)
        agree = forms.BooleanField(label="I agree?", required=False)

        def clean(self) -> Any:
            if self.data.get("title") == "boom":
                raise forms.ValidationError("The <whole> form is wrong.")
            return self.cleaned_data

    return Sample(**kwargs)


DATASETS: list[dict[str, Any] | None] = [
    None,
    {"title": "toolong", "kind": "z", "token": "xyz"},
    {"title": "boom", "token": "ok", "agree": "on"},
    {"title": "fine", "token": "ok", "when_0": "2024-01-02", "when_1": "10:00"},
]
LAYOUTS = ["as_div", "as_p", "as_table", "as_ul", "render", "__str__"]


def django_renderers(dj: Any) -> dict[str, Any]:
    from django.forms.renderers import DjangoTemplates, Jinja2

    return {"django-templates": DjangoTemplates(), "django-jinja2": Jinja2()}


@pytest.mark.parametrize("data", DATASETS)
def test_django_renderers_render_our_forms_as_our_default(dj: Any, data: Any) -> None:
    for name, renderer in django_renderers(dj).items():
        for layout in LAYOUTS:
            ours = getattr(sample_form(formkit, data=data), layout)()
            theirs = getattr(sample_form(formkit, data=data, renderer=renderer), layout)()
            assert "&lt;" not in str(theirs).replace("&lt;whole&gt;", "")
            try:
                assert_html_equal(theirs, ours)
            except AssertionError as exc:
                raise AssertionError(f"{name} {layout}: {exc}") from None


@pytest.mark.parametrize("data", DATASETS)
def test_jinja2_renderer_renders_as_django(dj: Any, data: Any) -> None:
    renderer = Jinja2Renderer()
    for layout in LAYOUTS:
        ours = getattr(sample_form(formkit, data=data, renderer=renderer), layout)()
        theirs = getattr(sample_form(dj, data=data), layout)()
        assert_html_equal(ours, theirs)
    form = sample_form(formkit, data=data, renderer=renderer)
    reference = sample_form(dj, data=data)
    for name in ("title", "kind", "when", "agree"):
        assert_html_equal(form[name].as_field_group(), reference[name].as_field_group())
        assert_html_equal(form[name].label_tag(), reference[name].label_tag())
    # Django's text templates escape HTML in plain text; formkit's do not (README).
    assert form.errors.as_text() == html.unescape(reference.errors.as_text())
    assert str(form.errors) == str(sample_form(formkit, data=data).errors)
    for name in form.errors:
        assert form.errors[name].as_text() == html.unescape(reference.errors[name].as_text())


@pytest.mark.parametrize("layout", ["as_div", "as_p", "as_table", "as_ul", "render"])
def test_formsets_through_every_renderer(dj: Any, layout: str) -> None:
    from django.forms.renderers import DjangoTemplates

    def run(forms: Any, renderer: Any = None) -> str:
        class Item(forms.Form):
            name = forms.CharField()
            price = forms.IntegerField(required=False)

        factory = forms.formset_factory(Item, extra=2, can_delete=True, renderer=renderer)
        formset = factory(initial=[{"name": "x"}])
        return str(getattr(formset, layout)())

    reference = run(dj)
    for renderer in (None, Jinja2Renderer(), DjangoTemplates()):
        assert_html_equal(run(formkit, renderer), reference)


def test_get_context_has_djangos_shape(dj: Any) -> None:
    data = {"title": "toolong", "token": "xyz"}
    ours = sample_form(formkit, data=data).get_context()
    theirs = sample_form(dj, data=data).get_context()
    assert ours.keys() == theirs.keys()
    assert [bf.name for bf, _ in ours["fields"]] == [bf.name for bf, _ in theirs["fields"]]
    for (_, a), (_, b) in zip(ours["fields"], theirs["fields"], strict=True):
        assert_html_equal(a, b)
    assert [bf.name for bf in ours["hidden_fields"]] == ["token"]
    assert list(ours["errors"]) == list(theirs["errors"])


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    files = {
        "custom/form.html": (
            "<form-body>{% for field in form %}<row>{{ field.label }}={{ field }}</row>"
            "{% endfor %}{{ form.errors }}</form-body>"
        ),
        "custom/div.html": "<custom-div>{{ form.title }}</custom-div>",
        "custom/field.html": (
            "<one-field>{{ field.label }}: {{ field }} {{ field.errors }}</one-field>"
        ),
        "custom/with_extra.html": "<extra>{{ shout }}</extra>",
        "custom/label.html": "<b>{{ label }}</b>",
        "custom/widget.html": (
            '<input class="custom" type="{{ widget.type }}" name="{{ widget.name }}"'
            '{% if widget.value != None %} value="{{ widget.value }}"{% endif %}>'
        ),
        "custom/errors.html": ("{% for e in errors %}<err>{{ e }}</err>{% endfor %}"),
    }
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return tmp_path


def django_dir_renderer(folder: Path) -> Any:
    import django.forms
    from django.forms.renderers import BaseRenderer
    from django.template.backends.django import DjangoTemplates

    builtin = Path(django.forms.__file__).parent / "templates"
    backend = DjangoTemplates(
        {"DIRS": [str(folder), str(builtin)], "APP_DIRS": False, "NAME": "custom", "OPTIONS": {}}
    )

    class FolderRenderer(BaseRenderer):
        def get_template(self, template_name: str) -> Any:
            return backend.get_template(template_name)

    return FolderRenderer()


def custom_forms(forms: Any, renderer: Any) -> dict[str, str]:
    class Big(forms.Form):
        template_name = "custom/form.html"
        title = forms.CharField(max_length=3)
        note = forms.CharField(required=False, template_name="custom/field.html")

    class Divided(forms.Form):
        template_name_div = "custom/div.html"
        template_name_label = "custom/label.html"
        title = forms.CharField()

    class Shouting(forms.BoundField):
        def shout(self) -> str:
            return self.name.upper()

    class WithClass(forms.Form):
        bound_field_class = Shouting
        title = forms.CharField()

    class CustomInput(forms.TextInput):
        template_name = "custom/widget.html"

    class Widgeted(forms.Form):
        title = forms.CharField(widget=CustomInput, initial="v<1>")

    class Errors(forms.utils.ErrorList if forms is not formkit else formkit.ErrorList):
        template_name = "custom/errors.html"

    data = {"title": "toolong"}
    big = Big(data, renderer=renderer)
    divided = Divided(renderer=renderer)
    with_class = WithClass(renderer=renderer)
    return {
        "form": str(big),
        "field template": str(big["note"].as_field_group()),
        "field render()": str(big["title"].render("custom/field.html")),
        "render(context=)": str(big.render("custom/with_extra.html", context={"shout": "<HEY>"})),
        "div": str(divided.as_div()),
        "label": str(divided["title"].label_tag()),
        "bound_field_class": with_class["title"].shout(),
        "widget": str(Widgeted(renderer=renderer)["title"]),
        "errors": str(Errors(["a <b>", "c"], renderer=renderer)),
    }


def test_custom_templates_as_django(dj: Any, templates: Path) -> None:
    ours = custom_forms(formkit, Jinja2Renderer(dirs=[templates]))
    theirs = custom_forms(dj, django_dir_renderer(templates))
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert_html_equal(ours[key], theirs[key])
    assert ours["bound_field_class"] == "TITLE"
    assert "&lt;HEY&gt;" in ours["render(context=)"]


def test_our_forms_with_django_renderer_and_custom_templates(dj: Any, templates: Path) -> None:
    ours = custom_forms(formkit, django_dir_renderer(templates))
    theirs = custom_forms(dj, django_dir_renderer(templates))
    for key in ours:
        assert_html_equal(ours[key], theirs[key])


def test_jinja2_renderer_on_a_given_environment(templates: Path) -> None:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=False)
    env.globals["site"] = "Shop"
    renderer = Jinja2Renderer(env)
    (templates / "custom" / "site.html").write_text("{{ site }}:{{ form.title }}")

    class Small(formkit.Form):
        title = formkit.CharField(initial='"x"')

    form = Small(renderer=renderer)
    assert (
        form.render("custom/site.html")
        == 'Shop:<input type="text" name="title" value="&#34;x&#34;" required id="id_title">'
    )
    assert_html_equal(form.as_p(), Small().as_p())  # formkit's own templates behind yours
    assert env.autoescape is False  # the given environment is left as it was


def test_python_renderer_templates_and_missing_ones() -> None:
    def compact(context: Any) -> str:
        return " ".join(f"{bf.name}={bf.value()}" for bf, _ in context["fields"])

    renderer = PythonRenderer(templates={"compact": compact})

    class Small(formkit.Form):
        template_name = "compact"
        a = formkit.CharField(initial="1")
        b = formkit.CharField(initial="2")

    assert str(Small(renderer=renderer)) == "a=1 b=2"
    with pytest.raises(TemplateDoesNotExist, match="compact"):
        str(Small())
    with pytest.raises(TemplateDoesNotExist):
        Jinja2Renderer().get_template("nope.html")


def test_default_renderer_class_attribute(templates: Path) -> None:
    class ViaClass(formkit.Form):
        default_renderer = Jinja2Renderer
        title = formkit.CharField()

    class ViaInstance(formkit.Form):
        default_renderer = PythonRenderer(templates={"django/forms/div.html": lambda c: "X"})
        title = formkit.CharField()

    class Same(formkit.Form):
        title = formkit.CharField()

    assert isinstance(ViaClass().renderer, Jinja2Renderer)
    assert isinstance(Same().renderer, PythonRenderer)
    assert_html_equal(str(ViaClass()), str(Same()))
    assert str(ViaInstance()) == "X"
    explicit = PythonRenderer()
    assert ViaInstance(renderer=explicit).renderer is explicit


def test_bound_field_class_precedence(dj: Any) -> None:
    def run(forms: Any) -> list[str]:
        class A(forms.BoundField):
            pass

        class B(forms.BoundField):
            pass

        class C(forms.BoundField):
            pass

        class Renderer(type(forms.Form().renderer)):  # type: ignore[misc]
            bound_field_class = C

        class Pick(forms.Form):
            bound_field_class = A
            own = forms.CharField(bound_field_class=B)
            plain = forms.CharField()

        class Plain(forms.Form):
            plain = forms.CharField()

        return [
            type(Pick()["own"]).__name__,
            type(Pick()["plain"]).__name__,
            type(Pick(bound_field_class=C)["plain"]).__name__,
            type(Plain(renderer=Renderer())["plain"]).__name__,
            type(Plain()["plain"]).__name__,
        ]

    assert run(formkit) == run(dj) == ["B", "A", "C", "C", "BoundField"]


def test_set_default_renderer_and_fallback(templates: Path) -> None:
    from manouche.formkit import get_default_renderer, set_default_renderer

    class Small(formkit.Form):
        template_name = "custom/div.html"
        title = formkit.CharField()

    with pytest.raises(TemplateDoesNotExist):
        str(Small())
    combined = PythonRenderer(fallback=Jinja2Renderer(dirs=[templates]))
    set_default_renderer(combined)
    try:
        assert get_default_renderer() is combined
        assert Small().renderer is combined
        assert formkit.ErrorList(["x"]).renderer is combined
        assert str(Small()).startswith("<custom-div><input")  # the fallback's template
        assert_html_equal(Small().as_p(), Small(renderer=PythonRenderer()).as_p())
        assert formkit.formset_factory(Small)().renderer is combined
    finally:
        set_default_renderer(None)
    assert isinstance(get_default_renderer(), PythonRenderer)
    assert get_default_renderer() is not combined
