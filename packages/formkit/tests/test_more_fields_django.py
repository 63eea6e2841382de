"""The fields, widgets and validators added in 0.2, each against Django."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path
from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal


def outcome(call: Any, *args: Any) -> Any:
    """The value returned, or the (codes, messages) of the ValidationError raised."""
    try:
        return ("ok", call(*args))
    except Exception as exc:  # both ValidationError classes
        if not hasattr(exc, "error_list"):
            raise
        return ("error", [e.code for e in exc.error_list], list(exc.messages))


def test_color_input(dj: Any) -> None:
    for value in (None, "#ff0000", '"><script>'):
        assert_html_equal(
            formkit.ColorInput(attrs={"class": "c"}).render("colour", value),
            dj.ColorInput(attrs={"class": "c"}).render("colour", value),
        )


INT_LISTS = ["1,2,3", "1", "", "1,,2", "1,2,", ",1", "-1,2", "1,-2", "a,b", "1;2", "1 ,2", "١,٢"]


@pytest.mark.parametrize("kwargs", [{}, {"allow_negative": True}, {"sep": ";"}, {"sep": "."}])
def test_int_list_validator(dj: Any, kwargs: dict[str, Any]) -> None:
    from django.core import validators

    ours = formkit.int_list_validator(**kwargs)
    theirs = validators.int_list_validator(**kwargs)
    for value in INT_LISTS + ["1;2;3", "1.2", "-1;-2"]:
        assert outcome(ours, value) == outcome(theirs, value), value


def test_comma_separated_integer_list(dj: Any) -> None:
    from django.core import validators

    for value in INT_LISTS:
        assert outcome(formkit.validate_comma_separated_integer_list, value) == outcome(
            validators.validate_comma_separated_integer_list, value
        )


def _png(size: tuple[int, int] = (3, 2)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def test_validate_image_file_extension(dj: Any) -> None:
    from django.core import validators
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert "png" in formkit.get_available_image_extensions()
    assert formkit.get_available_image_extensions() == validators.get_available_image_extensions()
    for name in ("a.png", "a.PNG", "a.txt", "a", "a.png.exe"):
        ours = formkit.UploadedFile(io.BytesIO(b"x"), name)
        theirs = SimpleUploadedFile(name, b"x")
        assert (
            outcome(formkit.validate_image_file_extension, ours)[:2]
            == outcome(validators.validate_image_file_extension, theirs)[:2]
        ), name


IMAGES = {
    "image": ("red.png", _png),
    "text named png": ("notes.png", lambda: b"not an image at all"),
    "truncated": ("cut.png", lambda: _png()[:40]),
    "wrong extension": ("red.txt", _png),
    "empty": ("red.png", lambda: b""),
}


@pytest.mark.parametrize("case", list(IMAGES))
def test_image_field(dj: Any, case: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    name, make = IMAGES[case]
    content = make()
    ours = formkit.ImageField()
    theirs = dj.ImageField()
    mine = outcome(ours.clean, formkit.UploadedFile(io.BytesIO(content), name))
    reference = outcome(theirs.clean, SimpleUploadedFile(name, content))
    assert mine[0] == reference[0]
    if mine[0] == "ok":
        assert mine[1].content_type == reference[1].content_type == "image/png"
        assert mine[1].image.size == reference[1].image.size
        assert mine[1].read() == content  # the file is rewound for saving
    else:
        assert mine[1:] == reference[1:]


def test_image_field_widget_and_a_decompression_bomb(dj: Any, monkeypatch: Any) -> None:
    from PIL import Image

    assert_html_equal(
        formkit.ImageField().widget.render("photo", None, {"accept": "image/*"}),
        dj.ImageField().widget.render("photo", None, {"accept": "image/*"}),
    )
    assert formkit.ImageField().widget_attrs(formkit.FileInput()) == {"accept": "image/*"}
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 4)
    upload = formkit.UploadedFile(io.BytesIO(_png((3, 2))), "big.png")
    assert outcome(formkit.ImageField().clean, upload)[1] == ["invalid_image"]


COMBO_VALUES = ["", None, "a@example.com", "long-address-here@example.com", "nope", " x@y.org "]


@pytest.mark.parametrize("required", [True, False])
def test_combo_field(dj: Any, required: bool) -> None:
    def make(forms: Any) -> Any:
        return forms.ComboField(
            fields=[forms.CharField(max_length=20), forms.EmailField()], required=required
        )

    ours, theirs = make(formkit), make(dj)
    for value in COMBO_VALUES:
        assert outcome(ours.clean, value) == outcome(theirs.clean, value), value


def test_combo_field_in_a_form_is_copied_per_form(dj: Any) -> None:
    class Mail(formkit.Form):
        to = formkit.ComboField(fields=[formkit.CharField(max_length=5), formkit.EmailField()])

    first = Mail({"to": "a@b.c"})
    first.fields["to"].fields[0].max_length = 99  # type: ignore[attr-defined]
    assert Mail.base_fields["to"].fields[0].max_length == 5  # type: ignore[attr-defined]
    assert Mail({"to": "long@b.c"}).errors.as_data()["to"][0].code == "max_length"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for folder in ("a", "b", "__pycache__", "b/inner"):
        (tmp_path / folder).mkdir()
    for name in ("z.py", "y.txt", "a/one.py", "b/two.py", "b/inner/three.txt", "__pycache__/x.pyc"):
        (tmp_path / name).write_text("x")
    return tmp_path


FILE_PATH_OPTIONS = [
    {},
    {"match": r"\.py$"},
    {"recursive": True},
    {"recursive": True, "match": r"^t"},
    {"allow_folders": True},
    {"allow_folders": True, "allow_files": False},
    {"recursive": True, "allow_folders": True, "allow_files": False},
    {"required": False},
    {"recursive": True, "required": False, "match": "txt"},
]


@pytest.mark.parametrize("kwargs", FILE_PATH_OPTIONS)
def test_file_path_field(dj: Any, tree: Path, kwargs: dict[str, Any]) -> None:
    ours = formkit.FilePathField(path=str(tree), **kwargs)
    theirs = dj.FilePathField(path=str(tree), **kwargs)
    assert ours.choices == list(theirs.choices)
    assert ours.choices
    for value in ["", str(tree / "z.py"), str(tree / "a"), str(tree / "nope"), "/etc/passwd"]:
        assert outcome(ours.clean, value) == outcome(theirs.clean, value), value
    assert_html_equal(ours.widget.render("path", ""), theirs.widget.render("path", ""))


SELECT_DATE_VALUES = [
    None,
    "",
    datetime.date(2010, 4, 15),
    "2010-04-15",
    "2010-2-31",
    "0-0-0",
    "2010-0-15",
    "15.04.2010",
]


@pytest.mark.parametrize("value", SELECT_DATE_VALUES)
@pytest.mark.parametrize(
    "kwargs",
    [
        {"years": (2009, 2010, 2011)},
        {"years": (2010,), "empty_label": "Choose"},
        {"years": (2010,), "empty_label": ("Y", "M", "D"), "attrs": {"class": "d"}},
        {"years": (2010,), "months": {1: "Jan", 4: "Apr"}},
    ],
)
def test_select_date_widget_renders_as_django(dj: Any, value: Any, kwargs: dict[str, Any]) -> None:
    ours = formkit.SelectDateWidget(**kwargs)
    theirs = dj.SelectDateWidget(**kwargs)
    assert_html_equal(ours.render("when", value), theirs.render("when", value))
    ours.is_required = theirs.is_required = True
    assert_html_equal(
        ours.render("when", value, {"id": "id_when"}),
        theirs.render("when", value, {"id": "id_when"}),
    )


SELECT_DATE_DATA: list[dict[str, str]] = [
    {},
    {"when_year": "2010", "when_month": "4", "when_day": "15"},
    {"when_year": "", "when_month": "", "when_day": ""},
    {"when_year": "2010", "when_month": "2", "when_day": "31"},
    {"when_year": "2010", "when_month": "", "when_day": "3"},
    {"when_year": "x", "when_month": "2", "when_day": "3"},
    {"when_year": "99999999999999999999", "when_month": "1", "when_day": "1"},
    {"when_year": "2010", "when_month": "4"},
    {"when": "2011-01-02"},
]


@pytest.mark.parametrize("data", SELECT_DATE_DATA)
def test_select_date_widget_in_a_form(dj: Any, data: dict[str, str]) -> None:
    def run(forms: Any) -> tuple[Any, ...]:
        class Event(forms.Form):
            when = forms.DateField(
                widget=forms.SelectDateWidget(years=(2010, 2011)), required=False
            )

        form = Event(data)
        widget = form.fields["when"].widget
        return (
            form.is_valid(),
            form.cleaned_data.get("when"),
            {k: [e.code for e in v] for k, v in form.errors.as_data().items()},
            widget.value_from_datadict(data, {}, "when"),
            widget.value_omitted_from_data(data, {}, "when"),
            form["when"].id_for_label,
            str(form["when"]),
            form.as_div(),
        )

    ours, theirs = run(formkit), run(dj)
    assert ours[:6] == theirs[:6]
    assert_html_equal(ours[6], theirs[6])
    assert_html_equal(ours[7], theirs[7])


def test_select_date_widget_empty_label_must_have_three(dj: Any) -> None:
    for forms in (formkit, dj):
        with pytest.raises(ValueError, match="3 elements"):
            forms.SelectDateWidget(empty_label=("a", "b"))


def test_enum_choices(dj: Any) -> None:
    from django.db import models

    class Suit(models.IntegerChoices):
        DIAMOND = 1, "Diamond"
        SPADE = 2, "Spade"

    class Vehicle(models.TextChoices):
        CAR = "C", "Carriage"
        TRUCK = "T", "Big <truck>"

    def run(forms: Any) -> tuple[Any, ...]:
        class Pick(forms.Form):
            suit = forms.TypedChoiceField(choices=Suit, coerce=int)
            vehicle = forms.ChoiceField(choices=Vehicle, initial=Vehicle.TRUCK)
            grouped = forms.ChoiceField(choices=[("Cars", Vehicle)], required=False)
            many = forms.MultipleChoiceField(choices=Vehicle, required=False)

        unbound = Pick()
        good = Pick({"suit": "2", "vehicle": "C", "grouped": "T", "many": ["C", "T"]})
        bad = Pick({"suit": "3", "vehicle": "X"})
        return (
            unbound.as_div(),
            good.is_valid(),
            good.cleaned_data,
            {k: [e.code for e in v] for k, v in bad.errors.as_data().items()},
            list(unbound.fields["vehicle"].choices),
        )

    ours, theirs = run(formkit), run(dj)
    assert_html_equal(ours[0], theirs[0])
    assert ours[1:] == theirs[1:]
    assert ours[1] is True


def test_any_enum_with_choices_and_label(dj: Any) -> None:
    import enum

    class Size(enum.Enum):
        S = "s"
        L = "l"

        @property
        def label(self) -> str:
            return self.name.title()

    Size.choices = [(m.value, m.label) for m in Size]  # type: ignore[attr-defined]
    field = formkit.ChoiceField(choices=Size)
    assert field.choices == [("s", "S"), ("l", "L")]
    assert field.clean("l") == "l"


def test_file_path_field_missing_folder_is_an_error(dj: Any, tmp_path: Path) -> None:
    for forms in (formkit, dj):
        with pytest.raises(FileNotFoundError):
            forms.FilePathField(path=os.fspath(tmp_path / "missing"))
