"""Form data and uploads from WebOb, Werkzeug and plain dicts; Jinja2; translations."""

from __future__ import annotations

import io
from typing import Any

import pytest

from manouche import formkit

BOUNDARY = "formkitboundary"


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> bytes:
    parts = []
    for name, value in fields:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    body = "".join(parts).encode()
    for name, filename, content in files:
        body += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        body += content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


def _environ(body: bytes) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "PATH_INFO": "/",
        "wsgi.url_scheme": "http",
    }


class Upload(formkit.Form):
    title = formkit.CharField(max_length=10)
    tags = formkit.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    doc = formkit.FileField(max_size=20)
    extra = formkit.FileField(required=False)


FIELDS = [("title", "Report"), ("tags", "a"), ("tags", "c")]


def _check_valid(form: Upload) -> None:
    assert form.is_valid(), form.errors.get_json_data()
    assert form.cleaned_data["title"] == "Report"
    assert form.cleaned_data["tags"] == ["a", "c"]
    doc = form.cleaned_data["doc"]
    assert isinstance(doc, formkit.UploadedFile)
    assert doc.name == "r.txt" and doc.size == 5 and doc.read() == b"hello"
    assert b"".join(doc.chunks(2)) == b"hello"
    assert doc.content_type == "text/plain"
    assert form.cleaned_data["extra"] is None


def test_webob_post_with_uploads_in_post() -> None:
    import webob

    request = webob.Request(_environ(_multipart(FIELDS, [("doc", "r.txt", b"hello")])))
    _check_valid(Upload(request.POST, request.POST))
    request = webob.Request(_environ(_multipart(FIELDS, [("doc", "r.txt", b"hello")])))
    _check_valid(Upload(request.POST))  # uploads found in data too


def test_werkzeug_form_and_files() -> None:
    from werkzeug.wrappers import Request

    environ = _environ(_multipart(FIELDS, [("doc", "r.txt", b"hello"), ("extra", "", b"")]))
    request = Request(environ)
    try:
        _check_valid(Upload(request.form, request.files))
    finally:
        request.close()


def test_plain_dict_and_file_errors(dj: Any) -> None:
    upload = formkit.UploadedFile(io.BytesIO(b"x" * 21), "big.txt", "text/plain")
    form = Upload({"title": "t", "tags": ["a"]}, {"doc": upload})
    assert form.errors.as_data()["doc"][0].code == "max_size"
    empty = formkit.UploadedFile(io.BytesIO(b""), "e.txt")
    form = Upload({"title": "t", "tags": ["a"]}, {"doc": empty})
    assert form.errors.as_data()["doc"][0].code == "empty"
    form = Upload({"title": "t", "tags": ["a"]}, {})
    assert form.errors.as_data()["doc"][0].code == "required"
    form = Upload({"title": "t", "tags": ["a"], "doc": "not a file"}, {})
    assert form.errors.as_data()["doc"][0].code == "invalid"


def test_file_field_clear_and_contradiction_like_django(dj: Any) -> None:
    from django.core.exceptions import ValidationError as DjangoError
    from django.core.files.uploadedfile import SimpleUploadedFile

    class Initial:
        url = "/m/a.txt"
        name = "a.txt"
        size = 1

    theirs = dj.FileField(required=False)
    ours = formkit.FileField(required=False)
    django_file = SimpleUploadedFile("n.txt", b"new")
    our_file = formkit.UploadedFile(io.BytesIO(b"new"), "n.txt")

    def kind(value: Any) -> str:
        if isinstance(value, Initial):
            return "initial"
        return "upload" if getattr(value, "name", None) == "n.txt" else repr(value)

    results = []
    for their_data, our_data in [(False, False), (None, None), (django_file, our_file)]:
        results.append(kind(theirs.clean(their_data, Initial())))
        assert kind(ours.clean(our_data, Initial())) == results[-1]
    assert results == ["False", "initial", "upload"]
    widget = formkit.ClearableFileInput()
    value = widget.value_from_datadict({"f-clear": "on"}, {"f": our_file}, "f")
    with pytest.raises(formkit.ValidationError) as ours_error:
        ours.clean(value, Initial())
    dwidget = dj.ClearableFileInput()
    dvalue = dwidget.value_from_datadict({"f-clear": "on"}, {"f": django_file}, "f")
    with pytest.raises(DjangoError) as theirs_error:
        theirs.clean(dvalue, Initial())
    assert ours_error.value.error_list[0].code == theirs_error.value.error_list[0].code


def test_filename_length_like_django(dj: Any) -> None:
    from django.core.exceptions import ValidationError as DjangoError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(DjangoError) as theirs:
        dj.FileField(max_length=3).clean(SimpleUploadedFile("long.txt", b"x"))
    with pytest.raises(formkit.ValidationError) as ours:
        formkit.FileField(max_length=3).clean(formkit.UploadedFile(io.BytesIO(b"x"), "long.txt"))
    assert ours.value.messages == theirs.value.messages


def test_werkzeug_multidict_multiple_values() -> None:
    from werkzeug.datastructures import MultiDict

    class F(formkit.Form):
        tags = formkit.TypedMultipleChoiceField(choices=[(1, "1"), (2, "2")], coerce=int)

    form = F(MultiDict([("tags", "1"), ("tags", "2")]))
    assert form.is_valid() and form.cleaned_data["tags"] == [1, 2]


def test_jinja2_renders_form_and_fields_escaped_once() -> None:
    import jinja2

    class Post(formkit.Form):
        title = formkit.CharField(help_text="<i>short</i>")

    env = jinja2.Environment(autoescape=True)
    form = Post({"title": '<b>"bold"</b>'})
    whole = env.from_string("<form>{{ form }}</form>").render(form=form)
    assert str(form) in whole
    assert "&lt;b&gt;&#34;bold&#34;&lt;/b&gt;" in whole
    assert "&amp;lt;" not in whole
    field = env.from_string("{{ form.title }}|{{ form.title.label_tag() }}|{{ form.title.errors }}")
    text = field.render(form=form)
    assert text.startswith('<input type="text" name="title"')
    assert '<label for="id_title">Title:</label>' in text
    items = env.from_string("{% for f in form %}{{ f.label }}={{ f.value() }};{% endfor %}")
    assert items.render(form=form) == "Title=&lt;b&gt;&#34;bold&#34;&lt;/b&gt;;"


def test_translation_hook() -> None:
    catalog = {
        "This field is required.": "Ce champ est obligatoire.",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).": (
            "Au plus %(limit_value)d caractères (%(show_value)d)."
        ),
    }

    def plural(singular: str, plural_form: str, n: int) -> str:
        return catalog.get(plural_form if n != 1 else singular, plural_form)

    class F(formkit.Form):
        a = formkit.CharField(max_length=2)
        b = formkit.CharField()

    formkit.set_translation(lambda m: catalog.get(m, m), plural)
    try:
        form = F({"a": "abc"})
        assert form.errors["b"] == ["Ce champ est obligatoire."]
        assert form.errors["a"] == ["Au plus 2 caractères (3)."]
        assert form.errors.as_data()["a"][0].code == "max_length"
    finally:
        formkit.set_translation()
    assert F({"a": "abc"}).errors["b"] == ["This field is required."]


def test_every_message_goes_through_the_hook() -> None:
    seen: list[str] = []

    def mark(message: str) -> str:
        seen.append(message)
        return "¡" + message

    def mark_plural(singular: str, plural: str, n: int) -> str:
        return "¡" + (singular if n == 1 else plural)

    class F(formkit.Form):
        name = formkit.CharField(max_length=1)
        when = formkit.DateField()
        kind = formkit.ChoiceField(choices=[("a", "A")])
        flag = formkit.NullBooleanField()
        doc = formkit.FileField(required=False)

    formkit.set_translation(mark, mark_plural)
    try:
        form = F({"name": "ab", "when": "x", "kind": "z"})
        assert form.errors["name"] == ["¡Ensure this value has at most 1 character (it has 2)."]
        assert form.errors["when"] == ["¡Enter a valid date."]
        assert form.errors["kind"] == [
            "¡Select a valid choice. z is not one of the available choices."
        ]
        html = str(form)
        assert ">¡Unknown</option>" in html and ">¡Yes</option>" in html
        assert "Name¡:</label>" in html
        formset = formkit.formset_factory(F, can_delete=True, can_order=True)()
        assert "¡Order¡:</label>" in str(formset) and "¡Delete¡:</label>" in str(formset)
        bad = formkit.formset_factory(F)({"form-TOTAL_FORMS": "x"})
        assert bad.non_form_errors()[0].startswith("¡ManagementForm data is missing")
    finally:
        formkit.set_translation()
    assert ":" in seen
