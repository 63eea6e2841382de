"""formkit's own behaviour beyond Django's: options, guards and small contracts."""

from __future__ import annotations

import datetime

import pytest

from manouche import formkit


def test_datetime_field_timezone() -> None:
    paris = datetime.timezone(datetime.timedelta(hours=1))
    field = formkit.DateTimeField(timezone=paris)
    value = field.clean("2024-01-02 10:00")
    assert value == datetime.datetime(2024, 1, 2, 10, 0, tzinfo=paris)
    aware = field.clean("2024-01-02T10:00:00Z")
    assert aware.utcoffset() == datetime.timedelta(0)
    shown = field.prepare_value(aware)
    assert shown.utcoffset() == datetime.timedelta(hours=1) and shown.hour == 11
    naive = formkit.DateTimeField().clean("2024-01-02 10:00")
    assert naive.tzinfo is None
    split = formkit.SplitDateTimeField(timezone=paris).clean(["2024-01-02", "10:00"])
    assert split.tzinfo is paris


def test_non_text_values_are_invalid_not_exceptions() -> None:
    for field in (formkit.DateField(), formkit.TimeField(), formkit.DateTimeField()):
        with pytest.raises(formkit.ValidationError) as info:
            field.clean(12345)
        assert info.value.error_list[0].code == "invalid"


def test_localize_uses_a_text_input_for_numbers() -> None:
    assert isinstance(formkit.IntegerField(localize=True).widget, formkit.TextInput)
    assert isinstance(formkit.IntegerField().widget, formkit.NumberInput)


def test_add_error_outside_cleaning_and_unknown_field() -> None:
    class F(formkit.Form):
        a = formkit.CharField()

    form = F({"a": "x"})
    form.add_error("a", "Taken.")
    assert form.errors["a"] == ["Taken."] and "a" not in form.cleaned_data
    with pytest.raises(ValueError, match="no field named 'b'"):
        form.add_error("b", "x")
    with pytest.raises(TypeError):
        form.add_error("a", formkit.ValidationError({"a": "x"}))
    with pytest.raises(KeyError, match="Choices are: a"):
        form["b"]


def test_unbound_form_is_not_valid_and_has_no_errors() -> None:
    class F(formkit.Form):
        a = formkit.CharField()

    form = F()
    assert not form.is_bound and not form.is_valid() and form.errors == {}
    assert repr(form).startswith("<F bound=False")


def test_validation_error_shapes() -> None:
    error = formkit.ValidationError({"a": ["x", formkit.ValidationError("y", code="c")]})
    assert error.message_dict == {"a": ["x", "y"]}
    assert sorted(error.messages) == ["x", "y"]
    listed = formkit.ValidationError(["one", formkit.ValidationError("%(n)s!", params={"n": 2})])
    assert listed.messages == ["one", "2!"]
    with pytest.raises(AttributeError):
        listed.message_dict  # noqa: B018
    assert formkit.ValidationError("a", code="x") == formkit.ValidationError("a", code="x")


def test_error_list_and_dict_api() -> None:
    errors = formkit.ErrorList([formkit.ValidationError("<b>", code="bad")], field_id="id_x")
    assert errors.as_ul() == ('<ul class="errorlist" id="id_x_error"><li>&lt;b&gt;</li></ul>')
    assert errors.get_json_data(escape_html=True) == [{"message": "&lt;b&gt;", "code": "bad"}]
    assert errors.as_text() == "* <b>" and "<b>" in errors and errors[0] == "<b>"
    dct = formkit.ErrorDict({"x": errors})
    assert dct.as_text() == "* x\n  * <b>"
    assert dct.as_data()["x"][0].code == "bad"


def test_choices_from_a_callable_are_read_each_time() -> None:
    options = [("a", "A")]
    field = formkit.ChoiceField(choices=lambda: list(options))
    assert field.clean("a") == "a"
    options.append(("b", "B"))
    assert field.clean("b") == "b"
    assert 'value="b"' in field.widget.render("x", "b")


def test_formset_renders_in_jinja2() -> None:
    import jinja2

    class F(formkit.Form):
        name = formkit.CharField(label="<Name>")

    formset = formkit.formset_factory(F, extra=2)()
    html = jinja2.Environment(autoescape=True).from_string("{{ fs }}").render(fs=formset)
    assert html.count('name="form-') == 6 and "&lt;Name&gt;" in html


def test_model_forms_need_a_model() -> None:
    with pytest.raises(ValueError, match="no model class"):
        formkit.ModelForm()
    with pytest.raises(TypeError, match="__table__"):
        formkit.fields_for_model(object)


def test_uploaded_file_from_unseekable_stream() -> None:
    class Stream:
        def __init__(self) -> None:
            self.data = [b"abc", b""]

        def read(self, size: int = -1) -> bytes:
            return self.data.pop(0) if self.data else b""

    upload = formkit.UploadedFile(Stream(), "x.bin")  # type: ignore[arg-type]
    assert upload.size == 3 and upload.read() == b"abc"
    assert formkit.wrap_upload("") is None and formkit.wrap_upload(None) is None


def test_deeply_nested_json_is_invalid_not_a_crash() -> None:
    field = formkit.JSONField()
    with pytest.raises(formkit.ValidationError) as info:
        field.clean("[" * 100_000 + "]" * 100_000)
    assert info.value.error_list[0].code == "invalid"
    assert field.clean('{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}


def test_forms_work_without_sqlalchemy() -> None:
    import subprocess
    import sys

    script = """
import sys
class Block:
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] == 'sqlalchemy':
            raise ImportError('blocked')
sys.meta_path.insert(0, Block())
from manouche import formkit
assert 'sqlalchemy' not in sys.modules
class F(formkit.Form):
    a = formkit.CharField()
assert F({'a': 'x'}).is_valid()
try:
    class M(formkit.ModelForm):
        class Meta:
            model = type('X', (), {'__table__': object()})
            fields = '__all__'
except ImportError as exc:
    assert "manouche-formkit[sqlalchemy]" in str(exc)
else:
    raise AssertionError('no ImportError')
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_public_name_is_exported_from_the_top() -> None:
    import importlib

    modules = [
        "boundfield",
        "exceptions",
        "fields",
        "files",
        "forms",
        "media",
        "formsets",
        "modelfields",
        "modelformsets",
        "models",
        "renderers",
        "translation",
        "utils",
        "validators",
        "widgets",
    ]
    for name in modules:
        module = importlib.import_module(f"manouche.formkit.{name}")
        for public in module.__all__:
            assert public in formkit.__all__, f"{name}.{public}"
            assert getattr(formkit, public) is getattr(module, public)
