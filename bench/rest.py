"""Web API workloads: restkit against Django REST framework and django-ninja.

- serialize: 10,000 model instances (eight fields: integers, text, a decimal,
  a date, a choice, a foreign key) read out by a ModelSerializer: restkit on
  orm-lite instances, DRF on Django instances of the same models, ninja's
  (pydantic) ``Schema`` built from the Django instances;
- validate: 10,000 payloads (90% valid, 10% invalid in one field each)
  through a seven-field Serializer (bounded text, integer, decimal, date,
  choice, e-mail, a list of strings), ``is_valid()`` then the validated data or
  the errors; ninja validates the same payloads with its Schema (its e-mail
  check is a regular expression: pydantic's needs another package);
- HTTP: GET a list of 100 books, GET one book, POST a new one, each a full
  request through the framework's WSGI stack (URL dispatch, negotiation,
  rendering to JSON) called in-process with the same environ, on SQLite with
  the same 1,000 rows: restkit viewsets under urlmap, DRF viewsets under
  Django's router, ninja's operations under Django.
"""

import datetime
import decimal
import io
import json
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._runner import Workload

INSTANCES = 10_000
PAYLOADS = 10_000
ROWS = 1_000
APP = "benchrest"
GENRES = [("f", "Fiction"), ("n", "Non-fiction"), ("p", "Poetry")]
TMP = Path(tempfile.mkdtemp(prefix="bench-rest-"))
urlpatterns: list[Any] = []  # Django's URLconf (ROOT_URLCONF = "bench.rest"), filled below


def _django() -> Any:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-only",
            ALLOWED_HOSTS=["localhost"],
            INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
            DATABASES={
                "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(TMP / "dj.db")}
            },
            ROOT_URLCONF="bench.rest",
            MIDDLEWARE=[],
            USE_I18N=False,
            USE_TZ=False,
            REST_FRAMEWORK={
                "UNAUTHENTICATED_USER": None,
                "DEFAULT_AUTHENTICATION_CLASSES": [],
                "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
                "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            },
        )
        django.setup()
    from bench._django import django_app

    return django_app(APP, "default", TMP / "dj.db", __name__)


def _define(models: Any) -> tuple[Any, Any]:
    class Author(models.Model):
        name = models.CharField(max_length=50)

        class Meta:
            app_label = APP

    class Book(models.Model):
        title = models.CharField(max_length=100)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        pages = models.PositiveIntegerField(default=100)
        isbn = models.CharField(max_length=13, blank=True)
        price = models.DecimalField(max_digits=6, decimal_places=2)
        published = models.DateField()
        genre = models.CharField(max_length=1, choices=GENRES)

        class Meta:
            app_label = APP

    return Author, Book


def _row(i: int) -> dict[str, Any]:
    return {
        "title": f"Book {i}",
        "pages": 50 + i % 400,
        "isbn": f"{i:013d}",
        "price": decimal.Decimal(i % 5000) / 100,
        "published": datetime.date(1900 + i % 120, 1 + i % 12, 1 + i % 28),
        "genre": GENRES[i % 3][0],
    }


def _book_fields() -> list[str]:
    return ["id", "title", "author", "pages", "isbn", "price", "published", "genre"]


# -- payloads for validation ------------------------------------------------------

VALID = {
    "title": "Dune",
    "pages": "412",
    "price": "9.99",
    "published": "1965-08-01",
    "genre": "f",
    "contact": "editor@example.com",
    "tags": ["sf", "classic"],
}
BREAKERS = [
    ("title", ""),
    ("pages", "many"),
    ("price", "1.234"),
    ("published", "1965-13-01"),
    ("genre", "x"),
    ("contact", "nope"),
    ("tags", "sf"),
]


def payloads() -> list[dict[str, Any]]:
    rng = random.Random(7)
    result = []
    for i in range(PAYLOADS):
        data = dict(VALID, title=f"Book {i}", pages=str(rng.randint(1, 5000)))
        if i % 10 == 9:
            key, bad = BREAKERS[(i // 10) % len(BREAKERS)]
            data[key] = bad
        result.append(data)
    return result


def _payload_serializer(module: Any) -> Any:
    class Payload(module.Serializer):
        title = module.CharField(max_length=100)
        pages = module.IntegerField(min_value=1, max_value=10_000)
        price = module.DecimalField(max_digits=6, decimal_places=2)
        published = module.DateField()
        genre = module.ChoiceField(choices=GENRES)
        contact = module.EmailField()
        tags = module.ListField(child=module.CharField(max_length=20), max_length=5)

    return Payload


def _validator(serializer_class: Any, data: list[dict[str, Any]]) -> Callable[[], None]:
    def run() -> None:
        for item in data:
            s = serializer_class(data=item)
            result = s.validated_data if s.is_valid() else s.errors
            if not result:
                raise RuntimeError("no result")

    return run


def _ninja_schemas() -> tuple[Any, Any]:
    from typing import Annotated, Literal

    from ninja import Schema
    from pydantic import Field, StringConstraints

    Short = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    Tag = Annotated[str, StringConstraints(min_length=1, max_length=20, strip_whitespace=True)]
    # pydantic's EmailStr needs the email-validator package: a regular expression
    # instead, so ninja does less e-mail work than the other two.
    Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$")]

    class PayloadIn(Schema):
        title: Short
        pages: int = Field(ge=1, le=10_000)
        price: decimal.Decimal = Field(max_digits=6, decimal_places=2)
        published: datetime.date
        genre: Literal["f", "n", "p"]
        contact: Email
        tags: list[Tag] = Field(max_length=5)

    class BookOut(Schema):
        id: int
        title: str
        author_id: int
        pages: int
        isbn: str
        price: decimal.Decimal
        published: datetime.date
        genre: str

    return PayloadIn, BookOut


def _ninja_validator(schema: Any, data: list[dict[str, Any]]) -> Callable[[], None]:
    from pydantic import ValidationError

    def run() -> None:
        for item in data:
            try:
                result: Any = schema.model_validate(item).model_dump()
            except ValidationError as exc:
                result = exc.errors()
            if not result:
                raise RuntimeError("no result")

    return run


# -- the two databases ------------------------------------------------------------------


def _setup() -> dict[str, Any]:
    dj_models = _django()
    from django.db import connection

    DjAuthor, DjBook = _define(dj_models)
    with connection.schema_editor() as editor:
        editor.create_model(DjAuthor)
        editor.create_model(DjBook)
    authors = DjAuthor.objects.bulk_create([DjAuthor(name=f"Author {i}") for i in range(50)])
    DjBook.objects.bulk_create(
        [DjBook(author=authors[i % 50], **_row(i)) for i in range(ROWS)], batch_size=500
    )

    from manouche import orm_lite

    db = orm_lite.Database(f"sqlite:///{TMP / 'ml.db'}")
    OrmAuthor, OrmBook = _define(orm_lite)
    db.create_all()
    with db.atomic():
        OrmAuthor.objects.bulk_create([OrmAuthor(name=f"Author {i}") for i in range(50)])
        mine = list(OrmAuthor.objects.order_by("id"))
        OrmBook.objects.bulk_create([OrmBook(author=mine[i % 50], **_row(i)) for i in range(ROWS)])
    return {"dj": (DjAuthor, DjBook), "orm": (OrmAuthor, OrmBook), "db": db}


# -- HTTP stacks ------------------------------------------------------------------------


def _restkit_app(OrmBook: Any) -> Any:
    from manouche.restkit import routers, serializers, viewsets
    from manouche.restkit.renderers import JSONRenderer
    from manouche.urlmap import URLMap

    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = OrmBook
            fields = _book_fields()

    class BookViewSet(viewsets.ModelViewSet):
        queryset = OrmBook.objects.all()
        serializer_class = BookSerializer
        authentication_classes = []
        renderer_classes = [JSONRenderer]

        def get_queryset(self) -> Any:
            qs = OrmBook.objects.order_by("id")
            return qs[:100] if self.action == "list" else qs

    router = routers.SimpleRouter()
    router.register("books", BookViewSet)
    return URLMap(router.urls)


def _drf_urls(DjBook: Any) -> list[Any]:
    from rest_framework import routers, serializers, viewsets

    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = DjBook
            fields = _book_fields()

    class BookViewSet(viewsets.ModelViewSet):
        queryset = DjBook.objects.all()
        serializer_class = BookSerializer

        def get_queryset(self) -> Any:
            qs = DjBook.objects.order_by("id")
            return qs[:100] if self.action == "list" else qs

    router = routers.SimpleRouter()
    router.register("books", BookViewSet, basename="djbook")
    return list(router.urls)


def _ninja_urls(DjBook: Any, BookOut: Any) -> list[Any]:
    from ninja import NinjaAPI, Schema

    class BookIn(Schema):
        title: str
        author: int
        pages: int = 100
        isbn: str = ""
        price: decimal.Decimal
        published: datetime.date
        genre: str

    api = NinjaAPI(urls_namespace="ninja")

    @api.get("/books/", response=list[BookOut])
    def list_books(request: Any) -> Any:
        return list(DjBook.objects.order_by("id")[:100])

    @api.get("/books/{pk}/", response=BookOut)
    def get_book(request: Any, pk: int) -> Any:
        from django.shortcuts import get_object_or_404

        return get_object_or_404(DjBook, pk=pk)

    @api.post("/books/", response={201: BookOut})
    def create_book(request: Any, payload: BookIn) -> Any:
        data = payload.dict()
        data["author_id"] = data.pop("author")
        return 201, DjBook.objects.create(**data)

    from django.urls import path

    return [path("ninja/", api.urls)]


def _environ(path: str, method: str = "GET", body: bytes = b"") -> dict[str, Any]:
    import webob

    req = webob.Request.blank(path, method=method, headers={"Accept": "application/json"})
    req.host = "localhost"
    if body:
        req.body = body
        req.content_type = "application/json"
    return dict(req.environ)


def _caller(
    app: Any, path: str, method: str, body: bytes, n: int, status: str
) -> Callable[[], None]:
    template = _environ(path, method, body)

    def start_response(code: str, headers: Any, exc_info: Any = None) -> None:
        if not code.startswith(status):
            raise RuntimeError(f"{path}: {code}")

    def run() -> None:
        for _ in range(n):
            environ = dict(template)
            environ["wsgi.input"] = io.BytesIO(body)
            chunks = app(environ, start_response)
            b"".join(chunks)
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    return run


def workloads() -> list[Workload]:
    from rest_framework import serializers as drf

    from manouche.restkit import serializers as ours

    data = _setup()
    DjAuthor, DjBook = data["dj"]
    OrmAuthor, OrmBook = data["orm"]
    PayloadIn, BookOut = _ninja_schemas()

    # -- serialize ----------------------------------------------------------------
    class MyBook(ours.ModelSerializer):
        class Meta:
            model = OrmBook
            fields = _book_fields()

    class TheirBook(drf.ModelSerializer):
        class Meta:
            model = DjBook
            fields = _book_fields()

    my_books = [OrmBook(id=i + 1, author_id=1 + i % 50, **_row(i)) for i in range(INSTANCES)]
    their_books = [DjBook(id=i + 1, author_id=1 + i % 50, **_row(i)) for i in range(INSTANCES)]
    mine_out = MyBook(my_books[:3], many=True).data
    theirs_out = TheirBook(their_books[:3], many=True).data
    if json.loads(json.dumps(mine_out)) != json.loads(json.dumps(theirs_out)):
        raise RuntimeError(f"different output:\n{mine_out}\n{theirs_out}")
    serialize = Workload(
        name=f"serialize {INSTANCES:,} model instances (8 fields, ModelSerializer many=True)",
        contenders={
            "Manouche restkit": lambda: MyBook(my_books, many=True).data,
            "DRF": lambda: TheirBook(their_books, many=True).data,
            "django-ninja (pydantic)": lambda: [
                BookOut.model_validate(b, from_attributes=True).model_dump() for b in their_books
            ],
        },
        ops=INSTANCES,
        goals={"DRF": 5.0},
    )

    # -- validate -----------------------------------------------------------------
    raw = payloads()
    mine_v, theirs_v = _payload_serializer(ours), _payload_serializer(drf)
    for index in range(0, 80, 9):
        a, b = mine_v(data=raw[index]), theirs_v(data=raw[index])
        if a.is_valid() != b.is_valid():
            raise RuntimeError(f"payload {index}: {a.errors} vs {b.errors}")
    validate = Workload(
        name=f"validate {PAYLOADS:,} payloads of a 7-field serializer (90% valid)",
        contenders={
            "Manouche restkit": _validator(mine_v, raw),
            "DRF": _validator(theirs_v, raw),
            "django-ninja (pydantic)": _ninja_validator(PayloadIn, raw),
        },
        ops=PAYLOADS,
        goals={"DRF": 3.0},
    )

    # -- HTTP -----------------------------------------------------------------------
    from django.core.handlers.wsgi import WSGIHandler

    mine_app = _restkit_app(OrmBook)
    urlpatterns[:] = _drf_urls(DjBook) + _ninja_urls(DjBook, BookOut)
    django_app = WSGIHandler()
    body = json.dumps(
        {"title": "New", "author": 3, "price": "12.50", "published": "2001-02-03", "genre": "n"}
    ).encode()
    n_list, n_detail, n_create = 50, 500, 300
    http = []
    for label, path_, method, payload, n, status in (
        ("GET a list of 100 books", "/books/", "GET", b"", n_list, "200"),
        ("GET one book", "/books/7/", "GET", b"", n_detail, "200"),
        ("POST a new book", "/books/", "POST", body, n_create, "201"),
    ):
        http.append(
            Workload(
                name=f"{label} (full WSGI request, SQLite)",
                contenders={
                    "Manouche restkit": _caller(mine_app, path_, method, payload, n, status),
                    "DRF": _caller(django_app, path_, method, payload, n, status),
                    "django-ninja": _caller(
                        django_app, "/ninja" + path_, method, payload, n, status
                    ),
                },
                ops=n,
            )
        )
    return [serialize, validate, *http]


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run with: python3 dev.py bench rest")
