"""Whole forms against Django: same data in, same cleaned_data, errors and HTML out."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal

CHOICES = [("", "---------"), ("py", "Python"), ("Compiled", [("c", "C"), ("rs", "Rust & co")])]

SPEC: dict[str, tuple[str, dict[str, Any]]] = {
    "title": ("CharField", {"max_length": 20, "help_text": "A short title"}),
    "count": ("IntegerField", {"min_value": 0, "initial": 3}),
    "price": ("DecimalField", {"max_digits": 6, "decimal_places": 2, "required": False}),
    "email": ("EmailField", {"label": "E-mail address"}),
    "when": ("DateField", {"required": False}),
    "lang": ("ChoiceField", {"choices": CHOICES}),
    "tags": ("MultipleChoiceField", {"choices": [("a", "A"), ("b", "B")], "required": False}),
    "agree": ("BooleanField", {}),
    "maybe": ("NullBooleanField", {"required": False}),
    "secret": ("CharField", {"widget": "HiddenInput", "required": False}),
    "notes": ("CharField", {"widget": "Textarea", "required": False}),
    "level": ("ChoiceField", {"choices": [("1", "One"), ("2", "Two")], "widget": "RadioSelect"}),
}


def build(module: Any, spec: dict[str, tuple[str, dict[str, Any]]], **attrs: Any) -> type:
    body: dict[str, Any] = dict(attrs)
    for name, (field_name, kwargs) in spec.items():
        kwargs = dict(kwargs)
        if isinstance(kwargs.get("widget"), str):
            kwargs["widget"] = getattr(module, kwargs["widget"])
        body[name] = getattr(module, field_name)(**kwargs)
    return type("SampleForm", (module.Form,), body)


def codes(form: Any) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()}


VALID = {
    "title": " Hello ",
    "count": "5",
    "price": "9.99",
    "email": "a@example.com",
    "when": "2024-05-06",
    "lang": "rs",
    "tags": ["a", "b"],
    "agree": "on",
    "maybe": "true",
    "notes": "x < y",
    "level": "2",
}

DATASETS = [
    VALID,
    {},
    {**VALID, "count": "-1", "price": "1234.567", "email": "nope", "lang": "cobol"},
    {**VALID, "title": "x" * 21, "tags": ["z"], "agree": "", "when": "2024-02-30"},
    {**VALID, "level": "3", "maybe": "unknown", "secret": "s3cr&t"},
]


def _multidict(data: dict[str, Any]) -> Any:
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            q.setlist(key, value)
        else:
            q[key] = value
    return q


def _ours_multidict(data: dict[str, Any]) -> Any:
    from webob.multidict import MultiDict

    items = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            items.append((key, item))
    return MultiDict(items)


@pytest.mark.parametrize("index", range(len(DATASETS)))
def test_same_cleaned_data_and_error_codes(dj: Any, index: int) -> None:
    data = DATASETS[index]
    theirs = build(dj, SPEC)(_multidict(data))
    ours = build(formkit, SPEC)(_ours_multidict(data))
    assert ours.is_valid() == theirs.is_valid()
    assert codes(ours) == codes(theirs)
    assert ours.cleaned_data == theirs.cleaned_data
    assert ours.errors.get_json_data() == theirs.errors.get_json_data()
    assert ours.changed_data == theirs.changed_data
    assert ours.has_changed() == theirs.has_changed()


@pytest.mark.parametrize("index", range(len(DATASETS)))
@pytest.mark.parametrize("method", ["as_div", "as_p", "as_table", "as_ul"])
def test_same_html(dj: Any, index: int, method: str) -> None:
    data = DATASETS[index]
    theirs = build(dj, SPEC)(_multidict(data))
    ours = build(formkit, SPEC)(_ours_multidict(data))
    assert_html_equal(getattr(ours, method)(), getattr(theirs, method)())


def test_same_html_unbound_with_initial_prefix_and_css(dj: Any) -> None:
    attrs = {"error_css_class": "error", "required_css_class": "required"}
    initial = {"title": "Start", "when": datetime.date(2020, 1, 2), "tags": ["b"], "lang": "c"}
    theirs = build(dj, SPEC, **attrs)(initial=initial, prefix="f", auto_id="x_%s")
    ours = build(formkit, SPEC, **attrs)(initial=initial, prefix="f", auto_id="x_%s")
    assert_html_equal(ours.as_div(), theirs.as_div())
    assert_html_equal(str(ours), str(theirs))
    bound_t = build(dj, SPEC, **attrs)(_multidict({"f-title": ""}), prefix="f")
    bound_o = build(formkit, SPEC, **attrs)(_ours_multidict({"f-title": ""}), prefix="f")
    assert_html_equal(bound_o.as_table(), bound_t.as_table())
    assert codes(bound_o) == codes(bound_t)


def test_field_parts_render_like_django(dj: Any) -> None:
    theirs = build(dj, SPEC)(_multidict(DATASETS[2]))
    ours = build(formkit, SPEC)(_ours_multidict(DATASETS[2]))
    for name in SPEC:
        assert_html_equal(str(ours[name]), str(theirs[name]))
        assert_html_equal(ours[name].label_tag(), theirs[name].label_tag())
        assert_html_equal(ours[name].as_field_group(), theirs[name].as_field_group())
        assert_html_equal(str(ours[name].errors), str(theirs[name].errors))
        assert ours[name].value() == theirs[name].value()
        assert ours[name].css_classes() == theirs[name].css_classes()
        assert ours[name].id_for_label == theirs[name].id_for_label
        assert ours[name].widget_type == theirs[name].widget_type


def test_no_auto_id_and_no_label_suffix(dj: Any) -> None:
    theirs = build(dj, SPEC)(auto_id=False, label_suffix="")
    ours = build(formkit, SPEC)(auto_id=False, label_suffix="")
    assert_html_equal(ours.as_p(), theirs.as_p())


def test_radio_subwidgets_like_django(dj: Any) -> None:
    theirs = build(dj, SPEC)(initial={"level": "2"})
    ours = build(formkit, SPEC)(initial={"level": "2"})
    pairs = list(zip(ours["level"], theirs["level"], strict=True))
    assert len(pairs) == 2
    for mine, theirs_option in pairs:
        assert_html_equal(str(mine), str(theirs_option))
        assert_html_equal(mine.tag(), theirs_option.tag())
        assert mine.choice_label == theirs_option.choice_label
        assert mine.id_for_label == theirs_option.id_for_label


HOOKS_SPEC = {
    "password": ("CharField", {"widget": "PasswordInput"}),
    "confirm": ("CharField", {"widget": "PasswordInput"}),
    "name": ("CharField", {}),
}


def _with_hooks(module: Any) -> type:
    base = build(module, HOOKS_SPEC)

    class HookForm(base):  # type: ignore[valid-type,misc]
        def clean_name(self) -> str:
            name = self.cleaned_data["name"]
            if name == "root":
                raise module.ValidationError("Reserved name.", code="reserved")
            return str(name).upper()

        def clean(self) -> Any:
            data = super().clean()
            if data.get("password") != data.get("confirm"):
                self.add_error("confirm", module.ValidationError("Mismatch", code="mismatch"))
                raise module.ValidationError("Fix the errors below.", code="form")
            return data

    return HookForm


def _django_validation_error(dj: Any) -> Any:
    from django.core.exceptions import ValidationError

    dj.ValidationError = ValidationError
    return dj


@pytest.mark.parametrize(
    "data",
    [
        {"password": "a", "confirm": "a", "name": "bob"},
        {"password": "a", "confirm": "b", "name": "root"},
        {"password": "a", "name": ""},
    ],
)
def test_clean_hooks_and_add_error(dj: Any, data: dict[str, str]) -> None:
    theirs = _with_hooks(_django_validation_error(dj))(_multidict(data))
    ours = _with_hooks(formkit)(data)
    assert codes(ours) == codes(theirs)
    assert ours.is_valid() == theirs.is_valid()
    assert ours.cleaned_data == theirs.cleaned_data
    assert_html_equal(ours.as_div(), theirs.as_div())
    assert ours.errors.as_json() == theirs.errors.as_json()
    assert ours.errors.as_text() == theirs.errors.as_text()
    assert ours.non_field_errors() == theirs.non_field_errors()


def test_disabled_fields_ignore_submitted_values(dj: Any) -> None:
    spec = {
        "owner": ("CharField", {"disabled": True, "initial": "alice"}),
        "n": ("IntegerField", {"disabled": True}),
        "title": ("CharField", {}),
    }
    data = {"owner": "mallory", "n": "5", "title": "t"}
    theirs = build(dj, spec)(_multidict(data), initial={"n": 2})
    ours = build(formkit, spec)(data, initial={"n": 2})
    assert ours.is_valid() and theirs.is_valid()
    assert ours.cleaned_data == theirs.cleaned_data == {"owner": "alice", "n": 2, "title": "t"}
    assert ours.changed_data == theirs.changed_data
    assert_html_equal(ours.as_div(), theirs.as_div())


def test_empty_permitted_skips_unchanged_forms(dj: Any) -> None:
    spec = {"a": ("CharField", {}), "b": ("IntegerField", {"initial": 1})}
    for data in ({}, {"b": "1"}, {"a": "x"}, {"b": "x"}):
        theirs = build(dj, spec)(
            _multidict(data), empty_permitted=True, use_required_attribute=False
        )
        ours = build(formkit, spec)(data, empty_permitted=True, use_required_attribute=False)
        assert ours.is_valid() == theirs.is_valid(), data
        assert codes(ours) == codes(theirs)
    with pytest.raises(ValueError):
        build(formkit, spec)(empty_permitted=True)


def test_field_order_and_inheritance(dj: Any) -> None:
    class A(formkit.Form):
        one = formkit.CharField()
        two = formkit.CharField()

    class B(A):
        three = formkit.CharField()
        one = None  # type: ignore[assignment]

    class DA(dj.Form):
        one = dj.CharField()
        two = dj.CharField()

    class DB(DA):
        three = dj.CharField()
        one = None

    assert list(B().fields) == list(DB().fields) == ["two", "three"]
    assert list(B(field_order=["three"]).fields) == list(DB(field_order=["three"]).fields)


def test_show_hidden_initial_and_use_required_attribute(dj: Any) -> None:
    spec = {"a": ("CharField", {"show_hidden_initial": True, "initial": "x"})}
    theirs = build(dj, spec)(use_required_attribute=False)
    ours = build(formkit, spec)(use_required_attribute=False)
    assert_html_equal(str(ours["a"]), str(theirs["a"]))
    data = {"a": "y", "initial-a": "y"}
    assert build(formkit, spec)(data).changed_data == build(dj, spec)(data).changed_data == []


def test_is_multipart_and_hidden_fields(dj: Any) -> None:
    ours = build(formkit, SPEC)()
    theirs = build(dj, SPEC)()
    assert ours.is_multipart() == theirs.is_multipart() is False
    assert [bf.name for bf in ours.hidden_fields()] == [bf.name for bf in theirs.hidden_fields()]
    assert [bf.name for bf in ours.visible_fields()] == [bf.name for bf in theirs.visible_fields()]
    spec = {"doc": ("FileField", {})}
    assert build(formkit, spec)().is_multipart() is True


def test_hidden_field_errors_go_to_the_top(dj: Any) -> None:
    spec = {"token": ("IntegerField", {"widget": "HiddenInput"}), "name": ("CharField", {})}
    data = {"token": "x", "name": "n"}
    theirs = build(dj, spec)(_multidict(data))
    ours = build(formkit, spec)(data)
    for method in ("as_div", "as_p", "as_table", "as_ul"):
        assert_html_equal(getattr(ours, method)(), getattr(theirs, method)())


def test_only_hidden_fields_with_errors(dj: Any) -> None:
    spec = {"token": ("IntegerField", {"widget": "HiddenInput"})}
    for data in ({"token": "x"}, {"token": "1"}):
        theirs = build(dj, spec)(_multidict(data))
        ours = build(formkit, spec)(data)
        for method in ("as_div", "as_p", "as_table", "as_ul"):
            assert_html_equal(getattr(ours, method)(), getattr(theirs, method)())
