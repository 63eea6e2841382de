"""The browsable API page: tplkit's template, its override, the built-in fallback, its forms."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webtest

from manouche import orm_lite
from manouche.restkit import pagination, permissions, renderers, routers, serializers, viewsets
from manouche.restkit.authentication import TokenAuthentication
from manouche.urlmap import URLMap, include, path


class User:
    is_authenticated = True
    is_active = True
    is_staff = False
    pk = 1


TOKEN = {"Authorization": "Token secret-token"}
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def m() -> Iterator[Any]:
    import models

    db = orm_lite.Database("sqlite://")
    db.create_all()
    ann = models.Author.objects.create(name="Ann")
    for i in range(1, 5):
        models.Book.objects.create(title=f"Book {i}", author=ann, genre="f", pages=i)
    models.Book.objects.create(title="<script>alert(1)</script>", author=ann, genre="f")
    yield models
    db.drop_all()
    db.dispose()


def make_app(m: Any, renderer: type = renderers.BrowsableAPIRenderer) -> webtest.TestApp:
    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = m.Book
            fields = ["id", "title", "author", "pages", "genre"]

    class Pages(pagination.PageNumberPagination):
        page_size = 2

    class BookViewSet(viewsets.ModelViewSet):
        """Books of the library."""

        queryset = m.Book.objects.all()
        serializer_class = BookSerializer
        pagination_class = Pages
        renderer_classes = [renderers.JSONRenderer, renderer]
        authentication_classes = [TokenAuthentication({"secret-token": User()}.get)]
        permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    router = routers.DefaultRouter()
    router.register("books", BookViewSet)
    return webtest.TestApp(URLMap([path("api/", include(router.urls))]))


@pytest.fixture(autouse=True)
def fresh_environments() -> Iterator[None]:
    renderers._ENVIRONMENTS.clear()
    yield
    renderers._ENVIRONMENTS.clear()


def test_page_shows_name_description_methods_and_links(m: Any) -> None:
    page = make_app(m).get("/api/books/?page=2", headers=HTML)
    assert page.content_type == "text/html"
    assert "<h1>Book List</h1>" in page.text
    assert "Books of the library." in page.text
    assert "<code>GET</code>, <code>POST</code>" in page.text
    assert 'rel="next" href="http://localhost/api/books/?page=3"' in page.text
    assert 'rel="prev" href="http://localhost/api/books/"' in page.text
    # The response is pretty JSON, escaped.
    assert "&quot;title&quot;: &quot;Book 3&quot;" in page.text
    # The raw-data form for POST starts from the serializer's fields.
    form = page.forms[0]
    assert form.method.lower() == "post" and "_method" not in form.fields
    assert json.loads(form["_content"].value).keys() >= {"title", "author"}


def test_script_in_the_data_is_escaped(m: Any) -> None:
    book = m.Book.objects.get(title="<script>alert(1)</script>")
    page = make_app(m).get(f"/api/books/{book.pk}/", headers=HTML)
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    methods = {f.fields["_method"][0].value for f in page.forms.values() if "_method" in f.fields}
    assert methods == {"PUT", "PATCH", "DELETE"}


def test_the_form_posts_and_creates_an_object(m: Any) -> None:
    app = make_app(m)
    form = app.get("/api/books/", headers=HTML).forms[0]
    author = m.Author.objects.get(name="Ann")
    form["_content"] = json.dumps({"title": "Posted", "author": author.pk, "genre": "f"})
    res = form.submit(headers=dict(TOKEN, **HTML), status=201)
    assert "Posted" in res.text
    assert m.Book.objects.filter(title="Posted").count() == 1


def test_the_put_form_overrides_the_method(m: Any) -> None:
    app = make_app(m)
    book = m.Book.objects.get(title="Book 1")
    page = app.get(f"/api/books/{book.pk}/", headers=HTML)
    patch = next(
        f
        for f in page.forms.values()
        if f.get("_method", default=None) is not None and f["_method"].value == "PATCH"
    )
    patch["_content"] = json.dumps({"pages": 77})
    patch.submit(headers=dict(TOKEN, **HTML), status=200)
    assert m.Book.objects.get(pk=book.pk).pages == 77
    # Without the token the override is refused as the method it names.
    app.post(f"/api/books/{book.pk}/", {"_method": "DELETE"}, status=401)
    bad = app.post(f"/api/books/{book.pk}/", {"_method": "TRACE"}, headers=TOKEN, status=400)
    assert "_method" in bad.json["detail"]


def test_csrf_token_in_the_forms_with_authkit(m: Any) -> None:
    page = make_app(m).get("/api/books/", headers=HTML)
    assert page.forms[0]["csrfmiddlewaretoken"].value


def test_override_template_wins(m: Any, tmp_path: Path) -> None:
    (tmp_path / "restkit").mkdir()
    (tmp_path / "restkit" / "api.html").write_text(
        '{% extends "restkit/base.html" %}'
        "{% block branding %}<b>My site</b> {{ name }}{% endblock %}"
    )

    class MyRenderer(renderers.BrowsableAPIRenderer):
        template_dirs = (str(tmp_path),)

    page = make_app(m, MyRenderer).get("/api/books/", headers=HTML)
    assert "<b>My site</b> Book List" in page.text
    assert "<h1>Book List</h1>" in page.text  # the rest of restkit's page stays


def test_without_tplkit_the_builtin_page(m: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "manouche.tplkit", None)
    app = make_app(m)
    book = m.Book.objects.get(title="<script>alert(1)</script>")
    page = app.get(f"/api/books/{book.pk}/", headers=HTML)
    assert "<h1>Book Instance</h1>" in page.text
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    listing = app.get("/api/books/", headers=HTML)
    assert 'rel="next"' in listing.text
    form = listing.forms[0]
    form["_content"] = json.dumps({"title": "Plain", "author": book.author_id, "genre": "f"})
    form.submit(headers=TOKEN, status=201)
    assert m.Book.objects.filter(title="Plain").count() == 1


def test_unsafe_pagination_links_are_dropped() -> None:
    assert renderers._safe_link("javascript:alert(1)") is None
    assert renderers._safe_link("//evil.example/") is None
    assert renderers._safe_link("/api/?page=2") == "/api/?page=2"
