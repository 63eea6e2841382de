"""forms.Media against Django's: declarations, inheritance, merge order, rendering."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal

LISTS: list[list[list[str]]] = [
    [["/a.js", "/b.js"], ["/b.js", "/c.js"]],
    [["/a.js", "/b.js"], ["/c.js", "/a.js"]],
    [["/x.js", "/y.js", "/z.js"], ["/y.js"], ["/w.js", "/x.js"]],
    [[], ["/a.js"], []],
    [["/a.js", "/a.js", "/b.js"]],
]


@pytest.fixture
def django_static(dj: Any) -> Any:
    from django.test.utils import override_settings

    with override_settings(STATIC_URL="/static/"):
        yield dj


@pytest.mark.parametrize("lists", LISTS)
def test_merge_keeps_every_relative_order(django_static: Any, lists: list[list[str]]) -> None:
    from django.forms.widgets import Media

    assert formkit.Media.merge(*lists) == Media.merge(*lists)


def test_opposite_orders_warn(django_static: Any) -> None:
    from django.forms.widgets import Media, MediaOrderConflictWarning

    lists = [["/a.js", "/b.js"], ["/b.js", "/a.js"]]
    with pytest.warns(formkit.MediaOrderConflictWarning):
        ours = formkit.Media.merge(*lists)
    with pytest.warns(MediaOrderConflictWarning):
        theirs = Media.merge(*lists)
    assert ours == theirs


def _media(forms: Any) -> dict[str, Any]:
    class Base(forms.TextInput):
        class Media:
            css = {"all": ["base.css"], "print": ["https://cdn.example/print.css"]}
            js = ["/shared.js", "base.js"]

    class Child(Base):
        class Media:
            css = {"all": ["child.css"]}
            js = ["/shared.js", "child.js"]

    class Alone(Base):
        class Media:
            extend = False
            js = ["alone.js"]

    class OnlyCss(Base):
        class Media:
            extend = ("css",)
            js = ["own.js"]

    class Plain(Base):
        pass

    class Pair(forms.MultiWidget):
        def __init__(self) -> None:
            super().__init__([Child(), Alone()])

        def decompress(self, value: Any) -> list[Any]:
            return [None, None]

    class Sample(forms.Form):
        a = forms.CharField(widget=Child)
        b = forms.CharField(widget=OnlyCss)
        c = forms.CharField(widget=Pair)

        class Media:
            js = ["form.js", "/shared.js"]

    widgets = {"base": Base, "child": Child, "alone": Alone, "only_css": OnlyCss, "plain": Plain}
    result = {name: str(cls().media) for name, cls in widgets.items()}
    result["pair"] = str(Pair().media)
    form = Sample()
    result["form"] = str(form.media)
    result["form_js"] = str(form.media["js"])
    result["form_css"] = str(form.media["css"])
    result["sum"] = str(Child().media + Alone().media + forms.Media(js=["extra.js"]))
    result["explicit"] = str(
        forms.Media(css={"screen": ["s.css"], "all": ["a.css"]}, js=["/x.js", "http://h/y.js"])
    )
    fs = forms.formset_factory(Sample)
    result["formset"] = str(fs().media)
    return result


def test_declared_media_render_as_django(django_static: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours, theirs = _media(formkit), _media(django_static)
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert_html_equal(ours[key], theirs[key])
        assert ours[key] == theirs[key], key  # the order of the tags too


def test_media_is_markup_and_escaped(django_static: Any) -> None:
    from django.forms.widgets import Media

    ours = formkit.Media(js=['/a".js'], css={"all": ["<b>.css"]})
    theirs = Media(js=['/a".js'], css={"all": ["<b>.css"]})
    assert hasattr(ours.render(), "__html__")
    assert_html_equal(str(ours["js"]), str(theirs["js"]))
    assert "<b>" not in str(ours)  # Django's static() quotes the URL, formkit escapes it
    with pytest.raises(KeyError, match="Unknown media type"):
        ours["fonts"]


def test_static_url_of_a_subclass() -> None:
    class CdnMedia(formkit.Media):
        static_url = "https://cdn.example/assets/"

    assert str(CdnMedia(js=["app.js", "/local.js"])) == (
        '<script src="https://cdn.example/assets/app.js"></script>\n'
        '<script src="/local.js"></script>'
    )


def test_merge_skips_missing_lists(django_static: Any) -> None:
    from django.forms.widgets import Media

    lists: list[Any] = [["/a.js", "/b.js"], None, [], ["/b.js", "/c.js"]]
    assert formkit.Media.merge(*lists) == Media.merge(*lists) == ["/a.js", "/b.js", "/c.js"]
