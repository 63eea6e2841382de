"""Views, viewsets and routers over real HTTP semantics (WebTest against the WSGI app)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import webob
import webtest

from manouche import orm_lite
from manouche.restkit import (
    decorators,
    filters,
    generics,
    pagination,
    permissions,
    routers,
    serializers,
    throttling,
    versioning,
    viewsets,
)
from manouche.restkit.authentication import TokenAuthentication
from manouche.restkit.queries import SQLAlchemyQuery
from manouche.restkit.response import Response
from manouche.restkit.reverse import reverse
from manouche.restkit.views import APIView, api_view
from manouche.urlmap import URLMap, include, path


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def models(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The orm-lite models on each database, seven books by two authors (PostgreSQL and
    MariaDB through testkit's fixtures: a fresh database each, skipped when the server
    does not answer, failing with MANOUCHE_REQUIRE_SERVICES=1)."""
    import models as m

    url = (
        "sqlite://"
        if request.param == "sqlite"
        else request.getfixturevalue(f"{request.param}_url")
    )
    db = orm_lite.Database(url)
    db.create_all()
    ann = m.Author.objects.create(name="Ann")
    bob = m.Author.objects.create(name="Bob")
    for i in range(1, 8):
        m.Book.objects.create(
            title=f"Book {i}", author=ann if i % 2 else bob, genre="f", pages=i * 10
        )
    yield m
    db.drop_all()  # the server databases last the session: the next module starts empty
    db.dispose()


class User:
    is_authenticated = True
    is_active = True
    is_staff = False
    pk = 1

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return "restkit_ref.delete_book" not in perms


TOKENS = {"secret-token": User()}


def make_app(m: Any) -> webtest.TestApp:
    class AuthorSerializer(serializers.HyperlinkedModelSerializer):
        class Meta:
            model = m.Author
            fields = ["url", "id", "name"]

    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = m.Book
            fields = ["id", "title", "author", "pages", "genre"]

    class Pages(pagination.PageNumberPagination):
        page_size = 3
        page_size_query_param = "size"
        max_page_size = 5

    class BookViewSet(viewsets.ModelViewSet):
        """Books of the library."""

        queryset = m.Book.objects.all()
        serializer_class = BookSerializer
        pagination_class = Pages
        filter_backends = [filters.SearchFilter, filters.OrderingFilter, filters.FieldFilter]
        search_fields = ["title", "=author__name"]
        ordering_fields = ["pages", "title"]
        ordering = ["pk"]
        filterset_fields = ["author", "pages"]
        authentication_classes = [TokenAuthentication(TOKENS.get)]
        permission_classes = [permissions.IsAuthenticatedOrReadOnly]

        @decorators.action(detail=True, methods=["post"])
        def double(self, request: Any, pk: str) -> Response:
            book = self.get_object()
            book.pages *= 2
            book.save()
            return Response({"pages": book.pages})

        @decorators.action(detail=False, url_path="longest-first")
        def longest(self, request: Any) -> Response:
            books = self.get_queryset().order_by("-pages")[:2]
            return Response(self.get_serializer(books, many=True).data)

    class AuthorViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = m.Author.objects.all()
        serializer_class = AuthorSerializer

    class GuardedBooks(generics.ListCreateAPIView):
        queryset = m.Book.objects.all()
        serializer_class = BookSerializer
        authentication_classes = [TokenAuthentication(TOKENS.get)]
        permission_classes = [permissions.DjangoModelPermissions]
        pagination_class = pagination.LimitOffsetPagination

    class CursorBooks(generics.ListAPIView):
        queryset = m.Book.objects.all()
        serializer_class = BookSerializer

        class pagination_class(pagination.CursorPagination):  # noqa: N801
            page_size = 3
            ordering = "pk"

    class Throttled(APIView):
        class throttle(throttling.AnonRateThrottle):  # noqa: N801
            rate = "2/min"
            cache = throttling._LocalCache()

        throttle_classes = [throttle]

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    class Versioned(APIView):
        versioning_class = type(
            "V", (versioning.URLPathVersioning,), {"allowed_versions": ("v1", "v2")}
        )

        def get(self, request: Any, version: str) -> Response:
            return Response({"version": request.version})

    class Problems(APIView):
        problem_details = True

        def post(self, request: Any) -> Response:
            s = BookSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            return Response(s.data)

    @api_view(["GET", "POST"])
    def echo(request: Any) -> Response:
        """Echo the body."""
        return Response({"method": request.method, "data": request.data})

    router = routers.DefaultRouter()
    router.register("books", BookViewSet)
    router.register("authors", AuthorViewSet)
    urls = URLMap(
        [
            path("api/", include(router.urls)),
            path("guarded/", GuardedBooks.as_view(), name="guarded"),
            path("cursor/", CursorBooks.as_view(), name="cursor"),
            path("throttled/", Throttled.as_view()),
            path("<str:version>/ping/", Versioned.as_view()),
            path("problems/", Problems.as_view()),
            path("echo/", echo),
        ]
    )
    app = webtest.TestApp(urls)
    app.urls = urls  # type: ignore[attr-defined]
    return app


@pytest.fixture(scope="module")
def app(models: Any) -> webtest.TestApp:
    return make_app(models)


TOKEN = {"Authorization": "Token secret-token"}


def test_router_names_and_reverse(app: webtest.TestApp) -> None:
    urls = app.urls  # type: ignore[attr-defined]
    assert reverse("book-list", urlconf=urls) == "/api/books/"
    assert reverse("book-detail", kwargs={"pk": 3}, urlconf=urls) == "/api/books/3/"
    assert reverse("book-double", kwargs={"pk": 3}, urlconf=urls) == "/api/books/3/double/"
    assert reverse("book-longest", urlconf=urls) == "/api/books/longest-first/"
    assert reverse("api-root", urlconf=urls) == "/api/"


def test_api_root(app: webtest.TestApp) -> None:
    res = app.get("/api/")
    assert res.json == {
        "books": "http://localhost/api/books/",
        "authors": "http://localhost/api/authors/",
    }


def test_list_paginates_filters_and_orders(app: webtest.TestApp) -> None:
    res = app.get("/api/books/")
    assert res.json["count"] == 7
    assert [b["title"] for b in res.json["results"]] == ["Book 1", "Book 2", "Book 3"]
    assert res.json["next"] == "http://localhost/api/books/?page=2"
    assert res.json["previous"] is None
    res = app.get("/api/books/?page=3")
    assert [b["id"] for b in res.json["results"]] == [7]
    assert res.json["previous"] == "http://localhost/api/books/?page=2"
    assert app.get("/api/books/?page=9", status=404).json == {"detail": "Invalid page."}
    assert app.get("/api/books/?page=x", status=404).json == {"detail": "Invalid page."}
    assert len(app.get("/api/books/?size=50").json["results"]) == 5
    res = app.get("/api/books/?ordering=-pages")
    assert [b["pages"] for b in res.json["results"]] == [70, 60, 50]
    res = app.get("/api/books/?search=book 3")
    assert [b["title"] for b in res.json["results"]] == ["Book 3"]
    res = app.get("/api/books/?search=bob")
    assert [b["title"] for b in res.json["results"]] == ["Book 2", "Book 4", "Book 6"]
    res = app.get("/api/books/?author=2&ordering=bogus")
    assert res.json["count"] == 3
    assert app.get("/api/books/?pages=many", status=400).json == {
        "pages": ["A valid integer is required."]
    }
    assert app.get("/api/books/?author=99", status=400).json == {
        "author": ['Invalid pk "99" - object does not exist.']
    }


def test_retrieve_and_errors(app: webtest.TestApp) -> None:
    assert app.get("/api/books/1/").json == {
        "id": 1, "title": "Book 1", "author": 1, "pages": 10, "genre": "f",
    }  # fmt: skip
    assert app.get("/api/books/999/", status=404).json == {"detail": "Not found."}
    assert app.get("/api/books/abc/", status=404).json == {"detail": "Not found."}
    res = app.delete("/api/books/", status=401)
    assert res.json == {"detail": "Authentication credentials were not provided."}
    assert res.headers["WWW-Authenticate"] == "Token"
    res = app.delete("/api/books/", headers=TOKEN, status=405)
    assert res.json == {"detail": 'Method "DELETE" not allowed.'}
    assert res.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    bad = app.get("/api/books/1/", headers={"Authorization": "Token nope"}, status=401)
    assert bad.json == {"detail": "Invalid token."}


def test_create_update_delete(app: webtest.TestApp, models: Any) -> None:
    res = app.post_json(
        "/api/books/", {"title": "Fresh", "author": 1, "genre": "n"}, headers=TOKEN, status=201
    )
    pk = res.json["id"]
    assert res.json == {"id": pk, "title": "Fresh", "author": 1, "pages": 100, "genre": "n"}
    res = app.post_json("/api/books/", {"title": "Fresh", "author": 1, "genre": "q"},
                        headers=TOKEN, status=400)  # fmt: skip
    assert res.json == {"genre": ['"q" is not a valid choice.']}
    res = app.post_json("/api/books/", {"title": "Fresh", "author": 1, "genre": "n"},
                        headers=TOKEN, status=400)  # fmt: skip
    assert res.json == {"non_field_errors": ["The fields title, author must make a unique set."]}
    res = app.patch_json(f"/api/books/{pk}/", {"pages": 5}, headers=TOKEN)
    assert res.json["pages"] == 5
    res = app.put_json(f"/api/books/{pk}/", {"title": "Fresher", "author": 2, "genre": "f"},
                       headers=TOKEN)  # fmt: skip
    assert res.json == {"id": pk, "title": "Fresher", "author": 2, "pages": 5, "genre": "f"}
    assert app.post(f"/api/books/{pk}/double/", headers=TOKEN).json == {"pages": 10}
    app.delete(f"/api/books/{pk}/", headers=TOKEN, status=204)
    assert not models.Book.objects.filter(pk=pk).exists()
    assert [b["pages"] for b in app.get("/api/books/longest-first/").json] == [70, 60]


def test_form_and_malformed_bodies(app: webtest.TestApp) -> None:
    res = app.post("/echo/", {"a": "1", "b": "2"})
    assert res.json == {"method": "POST", "data": {"a": "1", "b": "2"}}
    res = app.post("/echo/", "{nope", content_type="application/json", status=400)
    assert res.json["detail"].startswith("JSON parse error - ")
    res = app.post("/echo/", "NaN", content_type="application/json", status=400)
    assert res.json["detail"].startswith("JSON parse error - ")
    res = app.post("/echo/", b"\xff\xfe", content_type="application/json", status=400)
    assert res.json["detail"].startswith("JSON parse error - ")
    res = app.post("/echo/", "x", content_type="text/csv", status=415)
    assert res.json == {"detail": 'Unsupported media type "text/csv" in request.'}
    big = json.dumps({"x": "a" * 3_000_000})
    res = app.post("/echo/", big, content_type="application/json", status=413)
    assert res.json == {"detail": "The request body is larger than 2621440 bytes."}
    deep = "[" * 100_000 + "]" * 100_000
    res = app.post("/echo/", deep, content_type="application/json", status=400)
    assert res.json["detail"].startswith("JSON parse error - ")
    res = app.post("/echo/", "a=%ff", content_type="application/x-www-form-urlencoded")
    assert res.status_code == 200
    res = app.get("/echo/", headers={"Accept": "text/csv"}, status=406)
    assert res.json == {"detail": "Could not satisfy the request Accept header."}
    res = app.get("/echo/?format=xml", status=404)
    assert res.json == {"detail": 'Format "xml" is not available.'}


def test_a_key_too_large_for_the_column_is_a_400(app: webtest.TestApp) -> None:
    huge = "6188345062335114534503579648"
    body = {"title": "Big", "author": huge, "genre": "f"}
    form = app.post("/api/books/", body, headers=TOKEN, status=400)
    sent = app.post_json("/api/books/", dict(body, author=int(huge)), headers=TOKEN, status=400)
    for res in (form, sent):
        assert res.json == {"author": [f'Invalid pk "{huge}" - object does not exist.']}


def test_browsable_html(app: webtest.TestApp) -> None:
    res = app.get("/api/books/1/", headers={"Accept": "text/html"})
    assert res.content_type == "text/html"
    assert "<h1>Book Instance</h1>" in res.text
    assert "&quot;title&quot;: &quot;Book 1&quot;" in res.text
    assert "<script" not in res.text and "http" not in res.text.split("<main>")[0].split(
        "</style>"
    )[1].replace('href="/"', "")


def test_format_suffixes_and_format_parameter(app: webtest.TestApp) -> None:
    urls = app.urls  # type: ignore[attr-defined]
    # DefaultRouter gives each route a .<format> twin, as DRF's does.
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    as_json = app.get("/api/books/1.json", headers=browser)
    assert as_json.content_type == "application/json" and as_json.json["id"] == 1
    as_html = app.get("/api/books/1.api")
    assert as_html.content_type == "text/html" and "<h1>Book Instance</h1>" in as_html.text
    assert app.get("/api/books.json").json["count"] == 7
    # The root links keep the format, as in DRF.
    assert app.get("/api/.json").json["books"] == "http://localhost/api/books.json"
    assert app.get("/api/books/1.xml", status=404).json == {
        "detail": 'Format "xml" is not available.'
    }
    assert app.get("/api/books/1/?format=api").content_type == "text/html"
    assert reverse("book-detail", kwargs={"pk": 2, "format": "json"}, urlconf=urls) == (
        "/api/books/2.json"
    )
    assert reverse("book-detail", kwargs={"pk": 2}, urlconf=urls) == "/api/books/2/"


def test_format_suffix_patterns_on_plain_routes() -> None:
    from manouche.restkit.urlpatterns import format_suffix_patterns

    class Hello(APIView):
        def get(self, request: Any, name: str, format: str | None = None) -> Response:
            return Response({"hello": name, "format": format})

    patterns = [path("hello/<slug:name>/", Hello.as_view(), name="hello")]
    site = webtest.TestApp(URLMap(format_suffix_patterns(patterns, allowed=["json"])))
    assert site.get("/hello/ann/").json == {"hello": "ann", "format": None}
    assert site.get("/hello/ann.json").json == {"hello": "ann", "format": "json"}
    site.get("/hello/ann.api", status=404)  # not an allowed suffix: no route
    only = webtest.TestApp(URLMap(format_suffix_patterns(patterns, suffix_required=True)))
    only.get("/hello/ann/", status=404)
    assert only.get("/hello/ann.json").json["format"] == "json"


def test_permissions_model_and_object(app: webtest.TestApp) -> None:
    res = app.get("/guarded/?limit=2&offset=2", headers=TOKEN)
    assert res.json["next"] == "http://localhost/guarded/?limit=2&offset=4"
    assert res.json["previous"] == "http://localhost/guarded/?limit=2"
    assert [b["id"] for b in res.json["results"]] == [3, 4]
    app.get("/guarded/", status=401)


def test_cursor_pagination(app: webtest.TestApp) -> None:
    res = app.get("/cursor/")
    assert [b["id"] for b in res.json["results"]] == [1, 2, 3]
    assert res.json["previous"] is None
    res = app.get(res.json["next"])
    assert [b["id"] for b in res.json["results"]] == [4, 5, 6]
    back = app.get(res.json["previous"])
    assert [b["id"] for b in back.json["results"]] == [1, 2, 3]
    res = app.get(res.json["next"])
    assert [b["id"] for b in res.json["results"]] == [7]
    assert res.json["next"] is None
    assert app.get("/cursor/?cursor=garbage!", status=404).json == {"detail": "Invalid cursor"}
    assert app.get("/cursor/?cursor=eyJwIjpbXX0", status=404).json == {"detail": "Invalid cursor"}


def test_cursor_pagination_needs_a_unique_ordering(models: Any) -> None:
    import sqlalchemy as sa
    from sqlalchemy.orm import DeclarativeBase

    def cut_on(ordering: Any, queryset: Any) -> str:
        class Paginator(pagination.CursorPagination):
            pass

        Paginator.ordering = ordering
        return Paginator().get_ordering(None, queryset, None)

    books, authors = models.Book.objects.all(), models.Author.objects.all()
    assert cut_on("-pk", books) == "-pk"
    assert cut_on("id", books) == "id"
    assert cut_on(["-name", "id"], authors) == "-name"  # unique=True
    # A repeating field would skip or repeat rows at a page's edge: refused, explained.
    for ordering in ("-pages", ["title", "pk"], "author"):
        with pytest.raises(AssertionError, match="needs a unique ordering: Book"):
            cut_on(ordering, books)
    with pytest.raises(AssertionError, match="double underscore"):
        cut_on("author__name", books)
    with pytest.raises(AssertionError, match="Expected string or tuple"):
        cut_on(3, books)

    class Base(DeclarativeBase):
        pass

    class Event(Base):
        __tablename__ = "event"
        __table_args__ = (sa.UniqueConstraint("slug"), sa.Index("ix_seq", "seq", unique=True))
        id = sa.Column(sa.Integer, primary_key=True)
        slug = sa.Column(sa.String(20))
        seq = sa.Column(sa.Integer)
        day = sa.Column(sa.Integer, index=True)

    events = SQLAlchemyQuery(Event, None)
    assert [cut_on(o, events) for o in ("-id", "slug", "-seq")] == ["-id", "slug", "-seq"]
    with pytest.raises(AssertionError, match="Event.day is not unique"):
        cut_on("day", events)


def test_throttling(app: webtest.TestApp) -> None:
    app.get("/throttled/")
    app.get("/throttled/")
    res = app.get("/throttled/", status=429)
    assert res.json["detail"].startswith("Request was throttled. Expected available in ")
    assert int(res.headers["Retry-After"]) > 0


def test_versioning(app: webtest.TestApp) -> None:
    assert app.get("/v2/ping/").json == {"version": "v2"}
    assert app.get("/v9/ping/", status=404).json == {"detail": "Invalid version in URL path."}


def test_problem_details(app: webtest.TestApp) -> None:
    res = app.post_json("/problems/", {"title": ""}, status=400)
    assert res.content_type == "application/problem+json"
    assert res.json["type"] == "about:blank"
    assert res.json["status"] == 400 and res.json["title"] == "Bad Request"
    assert res.json["errors"]["title"] == ["This field may not be blank."]
    assert res.json["instance"] == "/problems/"


def test_hyperlinked(app: webtest.TestApp) -> None:
    res = app.get("/api/authors/")
    assert res.json[0] == {"url": "http://localhost/api/authors/1/", "id": 1, "name": "Ann"}


def test_options_and_head(app: webtest.TestApp) -> None:
    res = app.options("/api/books/")
    assert res.json["name"] == "Book List"
    assert res.json["description"] == "Books of the library."
    assert app.head("/api/books/1/").body == b""


def test_api_view_is_a_plain_view() -> None:
    @api_view()
    def hello(request: Any) -> Response:
        return Response({"hello": request.query_params.get("name", "you")})

    res = hello(webob.Request.blank("/?name=ann"))
    assert res.status_code == 200 and res.json == {"hello": "ann"}
    assert hello(webob.Request.blank("/", method="POST")).status_code == 405
    assert getattr(hello, "csrf_exempt", False) is True
