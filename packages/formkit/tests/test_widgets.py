"""Widget HTML, against Django's widgets, and escaping of everything shown."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal

EVIL = '"><script>alert(1)</script>'

CHOICES = [("a", "Apple"), ("b", "B & <b>"), ("Group <g>", [("c", "Cherry"), (EVIL, EVIL)])]

WIDGET_CASES: list[tuple[str, dict[str, Any], Any, dict[str, Any]]] = [
    ("TextInput", {}, "hello", {"id": "id_x", "required": True}),
    ("TextInput", {"attrs": {"class": "big", "placeholder": EVIL}}, EVIL, {}),
    ("TextInput", {"attrs": {"type": "color"}}, "#fff", {}),
    ("TextInput", {}, None, {"disabled": True, "data-x": False}),
    ("NumberInput", {"attrs": {"step": "any"}}, 3.5, {}),
    ("EmailInput", {}, "a@example.com", {}),
    ("URLInput", {}, "https://example.com/?a=1&b=2", {}),
    ("SearchInput", {}, "q", {}),
    ("TelInput", {}, "+331", {}),
    ("PasswordInput", {}, "hunter2", {}),
    ("PasswordInput", {"render_value": True}, "hunter2", {}),
    ("HiddenInput", {}, EVIL, {"id": "h"}),
    ("MultipleHiddenInput", {}, ["a", EVIL], {"id": "m"}),
    ("Textarea", {}, "line1\n</textarea><b>", {"id": "t"}),
    ("Textarea", {"attrs": {"rows": 3}}, "", {}),
    ("CheckboxInput", {}, True, {}),
    ("CheckboxInput", {}, False, {}),
    ("CheckboxInput", {}, "on", {"id": "c"}),
    ("CheckboxInput", {"check_test": lambda v: v == "yes"}, "no", {}),
    ("Select", {"choices": CHOICES}, "b", {"id": "s"}),
    ("Select", {"choices": CHOICES}, EVIL, {}),
    ("Select", {"choices": [("", "---"), (1, "One"), (None, "None")]}, 1, {"required": True}),
    ("SelectMultiple", {"choices": CHOICES}, ["a", "c"], {"id": "sm"}),
    ("SelectMultiple", {"choices": CHOICES}, None, {}),
    ("NullBooleanSelect", {}, True, {}),
    ("NullBooleanSelect", {}, None, {}),
    ("NullBooleanSelect", {}, "false", {}),
    ("RadioSelect", {"choices": CHOICES}, "c", {"id": "r", "class": "radios"}),
    ("RadioSelect", {"choices": CHOICES}, None, {}),
    ("CheckboxSelectMultiple", {"choices": CHOICES}, ["a", EVIL], {"id": "cb"}),
    ("DateInput", {}, datetime.date(2024, 1, 2), {}),
    ("DateInput", {"format": "%d/%m/%Y"}, datetime.date(2024, 1, 2), {}),
    ("DateInput", {}, "not a date", {}),
    ("DateTimeInput", {}, datetime.datetime(2024, 1, 2, 3, 4, 5), {}),
    ("TimeInput", {}, datetime.time(3, 4, 5), {}),
    ("TimeInput", {"format": "%H:%M"}, datetime.time(3, 4, 5), {}),
    ("FileInput", {}, "ignored", {"id": "f"}),
    ("ClearableFileInput", {}, None, {"id": "cf"}),
    ("SplitDateTimeWidget", {}, datetime.datetime(2024, 1, 2, 3, 4, 5), {"id": "sdt"}),
    ("SplitDateTimeWidget", {"date_format": "%d.%m.%Y"}, None, {}),
    ("SplitHiddenDateTimeWidget", {}, datetime.datetime(2024, 1, 2, 3, 4), {"id": "h"}),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "value", "attrs"),
    WIDGET_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(WIDGET_CASES)],
)
def test_widget_renders_like_django(
    dj: Any, name: str, kwargs: dict[str, Any], value: Any, attrs: dict[str, Any]
) -> None:
    theirs = getattr(dj, name)(**kwargs).render("field", value, attrs=dict(attrs))
    ours = getattr(formkit, name)(**kwargs).render("field", value, attrs=dict(attrs))
    assert_html_equal(ours, theirs)
    assert "<script>" not in ours


class FakeFile:
    url = "/media/a&b.txt"

    def __str__(self) -> str:
        return "a&b.txt"


@pytest.mark.parametrize("required", [False, True])
def test_clearable_file_input_with_initial_file(dj: Any, required: bool) -> None:
    theirs_widget = dj.ClearableFileInput()
    ours_widget = formkit.ClearableFileInput()
    theirs_widget.is_required = ours_widget.is_required = required
    theirs = theirs_widget.render("doc", FakeFile(), attrs={"id": "id_doc"})
    ours = ours_widget.render("doc", FakeFile(), attrs={"id": "id_doc"})
    assert_html_equal(ours, theirs)
    assert "a&amp;b.txt" in ours


@pytest.mark.parametrize(
    ("name", "kwargs", "data", "key"),
    [
        ("TextInput", {}, {"x": "1"}, "x"),
        ("TextInput", {}, {}, "x"),
        ("CheckboxInput", {}, {"x": "false"}, "x"),
        ("CheckboxInput", {}, {"x": "True"}, "x"),
        ("CheckboxInput", {}, {"x": ""}, "x"),
        ("CheckboxInput", {}, {}, "x"),
        ("NullBooleanSelect", {}, {"x": "2"}, "x"),
        ("NullBooleanSelect", {}, {"x": "unknown"}, "x"),
        ("SelectMultiple", {}, {"x": ["a", "b"]}, "x"),
        ("CheckboxSelectMultiple", {}, {}, "x"),
        ("SplitDateTimeWidget", {}, {"x_0": "2024-01-01", "x_1": "10:00"}, "x"),
        ("ClearableFileInput", {}, {"x-clear": "on"}, "x"),
    ],
)
def test_value_from_datadict_like_django(
    dj: Any, name: str, kwargs: dict[str, Any], data: dict[str, Any], key: str
) -> None:
    theirs = getattr(dj, name)(**kwargs)
    ours = getattr(formkit, name)(**kwargs)
    assert ours.value_from_datadict(data, {}, key) == theirs.value_from_datadict(data, {}, key)
    assert ours.value_omitted_from_data(data, {}, key) == theirs.value_omitted_from_data(
        data, {}, key
    )


def test_password_never_rerendered_in_a_bound_form() -> None:
    class Login(formkit.Form):
        user = formkit.CharField()
        password = formkit.CharField(widget=formkit.PasswordInput)

    form = Login({"user": "", "password": "s3cret"})
    assert not form.is_valid()
    assert "s3cret" not in str(form)
    assert "s3cret" not in str(form["password"])


def test_labels_help_text_and_errors_are_escaped() -> None:
    class Evil(formkit.Form):
        name = formkit.CharField(label=EVIL, help_text=EVIL, initial=EVIL)
        kind = formkit.ChoiceField(choices=[(EVIL, EVIL)], widget=formkit.RadioSelect)

        def clean_name(self) -> str:
            raise formkit.ValidationError(EVIL)

    for form in (Evil(), Evil({"name": EVIL, "kind": EVIL})):
        for html in (form.as_div(), form.as_p(), form.as_table(), form.as_ul()):
            assert "<script>" not in html
            assert "&lt;script&gt;" in html
        assert "<script>" not in str(form.errors)
        assert "<script>" not in form.errors.as_json(escape_html=True)
        assert "<script>" not in form["name"].label_tag()


def test_markup_help_text_is_kept() -> None:
    from markupsafe import Markup

    class F(formkit.Form):
        name = formkit.CharField(help_text=Markup("<em>trusted</em>"))

    assert "<em>trusted</em>" in str(F())


def test_optgroups_and_ids_of_choice_widgets() -> None:
    widget = formkit.CheckboxSelectMultiple(choices=CHOICES)
    html = widget.render("x", ["c"], attrs={"id": "id_x"})
    assert 'id="id_x_2_0"' in html
    assert widget.id_for_label("id_x") == ""
    assert widget.id_for_label("id_x", "1") == "id_x_1"
    assert formkit.RadioSelect().id_for_label("id_x") == ""
    assert formkit.Select().use_required_attribute(None) is False
    assert formkit.Select(choices=[("", "-")]).use_required_attribute(None) is True


def test_file_input_refuses_multiple() -> None:
    with pytest.raises(ValueError, match="multiple"):
        formkit.FileInput(attrs={"multiple": True})
