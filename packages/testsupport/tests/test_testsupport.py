"""The shared helpers do what the suites rely on, and fail loudly when they should."""

from __future__ import annotations

from typing import Any

import pytest

from manouche.testsupport import (
    assert_html_equal,
    call_wsgi,
    configure_django,
    form_choice_models,
    form_profile_model,
    form_reference_models,
    html_equal,
    plain_errors,
    serial_reference_models,
)

# -- configure_django --------------------------------------------------------


def test_configure_is_idempotent_and_keeps_the_settings() -> None:
    first = configure_django(USE_I18N=False)
    again = configure_django(USE_I18N=False)
    assert first is again
    assert again.USE_I18N is False and again.USE_TZ is True


def test_a_conflicting_second_configuration_names_the_setting() -> None:
    with pytest.raises(RuntimeError, match=r"USE_I18N=False.*needs USE_I18N=True"):
        configure_django(USE_I18N=True)


def test_a_second_configuration_cannot_add_apps() -> None:
    with pytest.raises(RuntimeError, match="INSTALLED_APPS"):
        configure_django(INSTALLED_APPS=["never_installed"])


# -- HTML ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ('<input type="text" name="q">', '<input name="q" type="text">'),
        ('<p class="a b">x</p>', '<p class="b a">x</p>'),
        ("<ul>\n  <li>1</li>\n</ul>", "<ul><li>1</li></ul>"),
        ("<input required>", '<input required="">'),
    ],
)
def test_same_documents_are_equal(ours: str, theirs: str) -> None:
    assert html_equal(ours, theirs)
    assert_html_equal(ours, theirs)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ('<input type="text" name="q">', '<input type="text" name="r">'),
        ("<p>a</p>", "<p>b</p>"),
        ("<p>&lt;b&gt;</p>", "<p><b></b></p>"),
        ("<input required>", "<input>"),
    ],
)
def test_different_documents_differ_with_a_diff(ours: str, theirs: str) -> None:
    assert not html_equal(ours, theirs)
    with pytest.raises(AssertionError, match=r"(?s)HTML differs from Django's.*--- django"):
        assert_html_equal(ours, theirs, ours_name="formkit")


# -- call_wsgi ---------------------------------------------------------------------


def _echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Extra", "1")])
    text = f"{environ['REQUEST_METHOD']} {environ['HTTP_HOST']} {environ.get('x.extra')} "
    return [text.encode(), body]


def test_call_wsgi_makes_one_request_and_returns_the_response() -> None:
    response = call_wsgi(_echo, "/p", method="POST", body=b"hello", environ={"x.extra": "e"})
    assert response.status_code == 201
    assert response.headers["X-Extra"] == "1"
    assert response.body == b"POST localhost:80 e hello"
    assert call_wsgi(_echo, host="testserver").body == b"GET testserver None "


def test_call_wsgi_closes_the_body_iterator() -> None:
    closed = []

    class Body:
        def __iter__(self) -> Any:
            yield b"x"

        def close(self) -> None:
            closed.append(True)

    def app(environ: Any, start_response: Any) -> Body:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body()

    assert call_wsgi(app).body == b"x"
    assert closed == [True]


def test_call_wsgi_rejects_an_app_breaking_pep_3333() -> None:
    def bad(environ: Any, start_response: Any) -> Any:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["text, not bytes"]

    with pytest.raises(AssertionError):
        call_wsgi(bad)


# -- the reference models ------------------------------------------------------------


def test_form_models_have_the_same_columns_on_both_sides() -> None:
    from django.core import validators
    from django.db import models as dm

    from manouche import orm_lite

    theirs = form_reference_models(dm, validators, app_label="ts_form")
    ours = form_reference_models(orm_lite, orm_lite, app_label="ts_form")
    for name in ("Author", "Tag", "Book"):
        django_columns = {f.column for f in theirs[name]._meta.concrete_fields}
        orm_columns = {c.name for c in ours[name].__table__.columns}
        assert django_columns == orm_columns, name
    assert theirs["Book"]._meta.unique_together == (("title", "author"),)
    assert str(theirs["Author"](name="Ann")) == str(ours["Author"](name="Ann")) == "Ann"


def test_serial_models_have_the_same_tables_on_both_sides() -> None:
    from django.db import models as dm

    from manouche import orm_lite

    theirs = serial_reference_models(dm, app_label="ts_serial")
    ours = serial_reference_models(orm_lite, app_label="ts_serial")
    assert theirs["Book"]._meta.db_table == ours["Book"].__table__.name == "ts_serial_book"
    book_theirs = {f.column for f in theirs["Book"]._meta.concrete_fields}
    assert book_theirs == {c.name for c in ours["Book"].__table__.columns}
    assert ours["Author"](name="Zoë").natural_key() == ("Zoë",)


def test_models_belong_to_the_module_named() -> None:
    from manouche import orm_lite

    found = serial_reference_models(orm_lite, app_label="ts_owned", module="my_models")
    assert {cls.__module__ for cls in found.values()} == {"my_models"}
    default = serial_reference_models(orm_lite, app_label="ts_default")
    assert default["Book"].__module__ == "manouche.testsupport.models"


@pytest.mark.parametrize("declare", [form_choice_models, form_profile_model])
def test_the_other_form_models_match_on_both_sides(declare: Any) -> None:
    from django.db import models as dm

    from manouche import orm_lite

    label = f"ts_{declare.__name__}"
    theirs, ours = declare(dm, app_label=label), declare(orm_lite, app_label=label)
    assert theirs.keys() == ours.keys()
    for name in theirs:
        django_columns = {f.column for f in theirs[name]._meta.concrete_fields}
        assert django_columns == {c.name for c in ours[name].__table__.columns}, name


# -- plain_errors --------------------------------------------------------------


class _Detail(str):
    """An error message carrying a code, as DRF's ErrorDetail and restkit's do."""

    code: str | None

    def __new__(cls, text: str, code: str | None) -> _Detail:
        obj = super().__new__(cls, text)
        obj.code = code
        return obj


def test_plain_errors_keep_messages_and_codes_and_drop_the_classes() -> None:
    errors = {
        "name": [_Detail("This field is required.", "required")],
        "tags": {0: [_Detail("Not a tag.", "invalid")]},
        "non_field_errors": ["plain text"],
    }
    assert plain_errors(errors) == {
        "name": [("This field is required.", "required")],
        "tags": {0: [("Not a tag.", "invalid")]},
        "non_field_errors": [("plain text", None)],
    }
    # Two details with the same text and different codes stay different.
    assert plain_errors([_Detail("x", "a")]) != plain_errors([_Detail("x", "b")])


def test_the_reference_hashers_are_djangos_own_and_cover_its_defaults() -> None:
    from django.conf import global_settings  # type: ignore[import-untyped]
    from django.contrib.auth.hashers import BasePasswordHasher  # type: ignore[import-untyped]
    from django.utils.module_loading import import_string  # type: ignore[import-untyped]

    from manouche.testsupport import DJANGO_PASSWORD_HASHERS, TEST_SECRET_KEY

    assert len(TEST_SECRET_KEY) >= 50  # Django warns below 50 characters
    classes = [import_string(path) for path in DJANGO_PASSWORD_HASHERS]
    assert all(issubclass(cls, BasePasswordHasher) for cls in classes)
    assert len({cls.algorithm for cls in classes}) == len(classes)
    assert set(global_settings.PASSWORD_HASHERS) <= set(DJANGO_PASSWORD_HASHERS)
