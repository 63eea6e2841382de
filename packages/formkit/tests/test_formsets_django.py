"""Formsets against Django's: same data, same forms, errors, deletions, order, HTML."""

from __future__ import annotations

from typing import Any

import pytest

from manouche import formkit
from manouche.testsupport import assert_html_equal


def _article_form(module: Any) -> type:
    class ArticleForm(module.Form):
        title = module.CharField(max_length=20)
        pub_date = module.DateField(required=False)

    return ArticleForm


def _formsets(dj: Any, **options: Any) -> tuple[type, type]:
    from django.forms import formset_factory as django_factory

    theirs = django_factory(_article_form(dj), **options)
    ours = formkit.formset_factory(_article_form(formkit), **options)
    return ours, theirs


def _management(total: Any, initial: Any = 0, prefix: str = "form") -> dict[str, Any]:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def summary(formset: Any) -> dict[str, Any]:
    valid = formset.is_valid()
    result: dict[str, Any] = {
        "valid": valid,
        "total": formset.total_form_count(),
        "initial": formset.initial_form_count(),
        "forms": len(formset.forms),
        "non_form": [
            (e.code, e.formatted() if hasattr(e, "formatted") else e.message % (e.params or {}))
            for e in formset.non_form_errors().as_data()
        ],
        "errors": [
            {name: [e.code for e in errs] for name, errs in form_errors.as_data().items()}
            for form_errors in formset.errors
        ],
        "changed": formset.has_changed(),
        "error_count": formset.total_error_count(),
    }
    if valid:
        result["cleaned"] = formset.cleaned_data
        result["deleted"] = [form.prefix for form in formset.deleted_forms]
        if formset.can_order:
            result["ordered"] = [form.prefix for form in formset.ordered_forms]
    return result


ROW = {"form-0-title": "One", "form-1-title": "Two", "form-2-title": ""}

SCENARIOS: list[tuple[dict[str, Any], dict[str, Any], list[dict[str, str]] | None]] = [
    ({}, {**_management(2), **ROW}, None),
    ({}, {**_management(3), **ROW}, None),
    ({}, {**_management(2), "form-0-title": "x" * 30, "form-1-pub_date": "bad"}, None),
    ({}, {}, None),
    ({}, {"form-TOTAL_FORMS": "abc", "form-INITIAL_FORMS": "0"}, None),
    ({}, {"form-TOTAL_FORMS": "2"}, None),
    ({}, {**_management(10**9), **ROW}, None),
    ({}, {**_management(-3), **ROW}, None),
    ({"max_num": 1, "validate_max": True}, {**_management(2), **ROW}, None),
    ({"max_num": 2, "validate_max": True}, {**_management(3), **ROW}, None),
    ({"min_num": 2, "validate_min": True}, {**_management(3), "form-0-title": "a"}, None),
    ({"min_num": 2, "validate_min": True, "extra": 0}, {**_management(2), **ROW}, None),
    ({"min_num": 1}, {**_management(1)}, None),
    (
        {"can_delete": True},
        {**_management(3, 2), **ROW, "form-1-DELETE": "on", "form-2-title": "Three"},
        [{"title": "One"}, {"title": "Two"}],
    ),
    (
        {"can_delete": True, "can_delete_extra": False},
        {**_management(3, 1), **ROW, "form-1-DELETE": "on"},
        [{"title": "One"}],
    ),
    (
        {"can_delete": True, "min_num": 2, "validate_min": True},
        {**_management(2, 2), **ROW, "form-1-DELETE": "on", "form-1-title": "x" * 30},
        [{"title": "One"}, {"title": "Two"}],
    ),
    (
        {"can_order": True},
        {
            **_management(3, 2),
            **ROW,
            "form-0-ORDER": "2",
            "form-1-ORDER": "1",
            "form-2-title": "Three",
            "form-2-ORDER": "",
        },
        [{"title": "One"}, {"title": "Two"}],
    ),
    (
        {"can_order": True, "can_delete": True},
        {**_management(2, 2), **ROW, "form-0-ORDER": "5", "form-1-DELETE": "on"},
        [{"title": "One"}, {"title": "Two"}],
    ),
]


@pytest.mark.parametrize(("options", "data", "initial"), SCENARIOS)
def test_bound_formsets_like_django(
    dj: Any, options: dict[str, Any], data: dict[str, Any], initial: Any
) -> None:
    ours_class, theirs_class = _formsets(dj, **options)
    ours = ours_class(data, initial=initial)
    theirs = theirs_class(data, initial=initial)
    assert summary(ours) == summary(theirs)
    if len(theirs.forms) <= 20:  # thousands of forms: the summary says enough
        assert_html_equal(ours.as_div(), theirs.as_div())


@pytest.mark.parametrize(
    ("options", "initial"),
    [
        ({}, None),
        ({"extra": 3}, [{"title": "A"}]),
        ({"extra": 2, "max_num": 2}, [{"title": "A"}, {"title": "B"}, {"title": "C"}]),
        ({"min_num": 3, "extra": 0}, None),
        ({"can_order": True, "can_delete": True}, [{"title": "A"}]),
        ({"can_delete": True, "can_delete_extra": False}, [{"title": "A"}]),
    ],
)
def test_unbound_formsets_render_like_django(
    dj: Any, options: dict[str, Any], initial: Any
) -> None:
    ours_class, theirs_class = _formsets(dj, **options)
    ours = ours_class(initial=initial)
    theirs = theirs_class(initial=initial)
    assert ours.total_form_count() == theirs.total_form_count()
    assert ours.initial_form_count() == theirs.initial_form_count()
    for method in ("as_div", "as_p", "as_table", "as_ul"):
        assert_html_equal(getattr(ours, method)(), getattr(theirs, method)())
    assert_html_equal(ours.empty_form.as_div(), theirs.empty_form.as_div())
    assert_html_equal(str(ours.management_form), str(theirs.management_form))
    assert not ours.is_valid() and not theirs.is_valid()


def test_custom_prefix_and_formset_clean(dj: Any) -> None:
    from django.core.exceptions import ValidationError as DjangoError
    from django.forms import BaseFormSet as DjangoBase
    from django.forms import formset_factory as django_factory

    def unique_titles(self: Any, error: type[Exception]) -> None:
        titles = [f.cleaned_data.get("title") for f in self.forms if f.cleaned_data]
        if len(titles) != len(set(titles)):
            raise error("Titles must be unique.", code="duplicate")

    class Ours(formkit.BaseFormSet):
        def clean(self) -> None:
            unique_titles(self, formkit.ValidationError)

    class Theirs(DjangoBase):
        def clean(self) -> None:
            unique_titles(self, DjangoError)

    data = {**_management(2, prefix="art"), "art-0-title": "A", "art-1-title": "A"}
    ours = formkit.formset_factory(_article_form(formkit), formset=Ours)(data, prefix="art")
    theirs = django_factory(_article_form(dj), formset=Theirs)(data, prefix="art")
    assert summary(ours) == summary(theirs)
    assert [e.code for e in ours.non_form_errors().as_data()] == ["duplicate"]
    assert formkit.all_valid([ours]) is False


def test_factory_arguments_and_names() -> None:
    formset = formkit.formset_factory(_article_form(formkit))
    assert formset.__name__ == "ArticleFormSet"
    with pytest.raises(ValueError, match="absolute_max"):
        formkit.formset_factory(_article_form(formkit), max_num=10, absolute_max=5)
    bound = formset({"form-TOTAL_FORMS": "5000", "form-INITIAL_FORMS": "0"})
    assert len(bound.forms) == 2000  # capped by absolute_max
    assert not bound.is_valid()
    with pytest.raises(AttributeError):
        bound.cleaned_data  # noqa: B018
