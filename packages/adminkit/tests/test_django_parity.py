"""Differential tests: adminkit and Django's admin, same options, same rows, same answers.

Both admins read one SQLite file that orm-lite writes. Django (the test-only
reference in the workspace environment) is configured in this process with an
app of its own for the same tables; its ``ChangeList`` and its forms are
compared with adminkit's for the rows shown and their order (``?o=``,
numbered as Django numbers the columns), the count, search, the filter
choices with their facet counts, the header sort links, and the change
form's validation errors.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import webob

from manouche import orm_lite as models
from manouche.adminkit import AdminSite, ModelAdmin
from manouche.adminkit._changelist import ChangeList

django = pytest.importorskip("django")

APP = "parity"
STATUS = [("draft", "Draft"), ("live", "Live"), ("gone", "Withdrawn")]
OPTIONS: dict[str, Any] = {
    "list_display": ["name", "status", "price", "active", "group", "released"],
    "list_filter": ["status", "active", "group", "released", "code"],
    "search_fields": ["^name", "=code", "group__title"],
    "list_per_page": 7,
    "radio_fields": {"status": 1, "group": 2},  # admin.HORIZONTAL, admin.VERTICAL
}


class Group(models.Model):
    title = models.CharField(max_length=50)

    class Meta:
        app_label = APP
        ordering = ["-title"]  # a sort by the group column follows it, as in Django

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=STATUS)
    price = models.IntegerField()
    active = models.BooleanField(default=True)
    released = models.DateField(null=True, blank=True)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        app_label = APP
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _fill(db: models.Database) -> None:
    import datetime as dt

    groups = [Group.objects.using(db).create(title=t) for t in ("Tools", "Garden", "Kitchen")]
    for i in range(40):
        Item.objects.using(db).create(
            name=f"{'Alpha Beta Gamma'.split()[i % 3]} {i % 7:02d}",  # repeated names: ties
            code=f"C{i % 5}",
            status=STATUS[i % 3][0],
            price=(i * 7) % 11,  # ties again
            active=i % 4 != 0,
            released=None if i % 6 == 0 else dt.date(2026, 1 + i % 12, 1 + i % 27),
            group=None if i % 8 == 0 else groups[i % 3],
        )


def _reachable_postgresql() -> str | None:
    """testkit's PostgreSQL URL when the server answers (``MANOUCHE_TEST_POSTGRESQL_URL``)."""
    from manouche.testkit.services import get_service, service_answers

    return get_service("postgresql").url if service_answers("postgresql") else None


@pytest.fixture(scope="module")
def django_side(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, Any]:
    path = tmp_path_factory.mktemp("parity") / "parity.sqlite3"
    postgresql = _reachable_postgresql()
    return _django(path, postgresql), path, postgresql


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def both(
    request: pytest.FixtureRequest, django_side: tuple[dict[str, Any], Path, Any]
) -> Iterator[dict[str, Any]]:
    """The two admins on one database: an SQLite file, then PostgreSQL when it answers."""
    theirs, path, postgresql = django_side
    if request.param == "sqlite":
        url, alias = f"sqlite:///{path}", "default"
    elif postgresql is None:
        from manouche.testkit.services import require_service

        require_service("postgresql")  # skips, or fails when the servers are required
        raise AssertionError("unreachable: PostgreSQL answered after all")
    else:
        url, alias = postgresql, "pg"
    db = models.Database(url, default=False)
    db.drop_all([Item, Group])
    db.create_all([Group, Item])
    _fill(db)
    # Django reads where the router of this module says: this database.
    _ROUTE["alias"] = alias
    try:
        yield {"ours": _ours(db), "django": theirs}
    finally:
        db.drop_all([Item, Group])
        db.dispose()


def _ours(db: models.Database) -> ModelAdmin:
    site = AdminSite(db=db, authorize=lambda request: True, user_id=lambda request: None)
    site.register(Item, type("ItemAdmin", (ModelAdmin,), dict(OPTIONS)))
    site.register(Group, ModelAdmin)
    return site._registry[Item]


_ROUTE = {"alias": "default"}


class _Router:
    """Django's reads and writes go to the database of the running tests."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return _ROUTE["alias"]

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return _ROUTE["alias"]


def _databases(path: Path, postgresql: str | None) -> dict[str, dict[str, Any]]:
    import sqlalchemy as sa

    found: dict[str, dict[str, Any]] = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    }
    if postgresql is not None:
        parts = sa.engine.make_url(postgresql)
        found["pg"] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.database,
            "USER": parts.username or "",
            "PASSWORD": parts.password or "",
            "HOST": parts.host or "",
            "PORT": str(parts.port or ""),
        }
    return found


def _django(path: Path, postgresql: str | None) -> dict[str, Any]:
    from django.conf import settings

    if settings.configured:  # pragma: no cover - another module configured Django first
        pytest.skip("Django is configured by something else in this process")
    settings.configure(
        SECRET_KEY="parity-tests-only",
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        DATABASES=_databases(path, postgresql),
        DATABASE_ROUTERS=[_Router()],
        USE_TZ=False,
        USE_I18N=False,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        ROOT_URLCONF=__name__,
    )
    django.setup()
    from django.apps import AppConfig, apps
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.db import models as dj
    from django.test import RequestFactory

    config = AppConfig(APP, sys.modules[__name__])
    config.label = APP
    config.apps = apps
    config.models = apps.all_models[APP]
    apps.app_configs[APP] = config
    apps.clear_cache()

    class DjangoGroup(dj.Model):
        title = dj.CharField(max_length=50)

        class Meta:
            app_label = APP
            db_table = f"{APP}_group"
            ordering = ["-title"]

        def __str__(self) -> str:
            return self.title

    class DjangoItem(dj.Model):
        name = dj.CharField(max_length=100)
        code = dj.CharField(max_length=10)
        status = dj.CharField(max_length=10, choices=STATUS)
        price = dj.IntegerField()
        active = dj.BooleanField(default=True)
        released = dj.DateField(null=True, blank=True)
        group = dj.ForeignKey(DjangoGroup, on_delete=dj.CASCADE, null=True, blank=True)

        class Meta:
            app_label = APP
            db_table = f"{APP}_item"
            ordering = ["name"]

        def __str__(self) -> str:
            return self.name

    site = admin.AdminSite()
    site.register(DjangoItem, type("ItemAdmin", (admin.ModelAdmin,), dict(OPTIONS)))
    site.register(DjangoGroup)
    user = User(username="parity", is_staff=True, is_superuser=True, is_active=True)
    return {
        "admin": site.get_model_admin(DjangoItem),
        "model": DjangoItem,
        "user": user,
        "factory": RequestFactory(),
    }


urlpatterns: list[Any] = []


# -- one change list, each side ------------------------------------------------------


def _our_list(model_admin: ModelAdmin, query: str) -> tuple[ChangeList, Any]:
    request = webob.Request.blank("/parity/item/?" + query, base_url="http://localhost/admin")
    actions = model_admin.get_actions(request)
    cl = ChangeList(request, model_admin, model_admin.admin_site.store, bool(actions))
    cl.get_results()
    return cl, request


def _django_list(theirs: dict[str, Any], query: str) -> Any:
    request = theirs["factory"].get("/admin/parity/item/?" + query)
    request.user = theirs["user"]
    return theirs["admin"].get_changelist_instance(request)


def _pks(objects: Any) -> list[int]:
    return [int(obj.pk) for obj in objects]


def _params(query_string: str) -> dict[str, str]:
    return dict(parse_qsl(query_string.lstrip("?"), keep_blank_values=True))


QUERIES = [
    "",
    "o=1",
    "o=-1",
    "o=3",
    "o=-3.1",
    "o=2.-3",
    "o=3.2.-1",
    "o=4",
    "o=5",
    "o=-6.3",
    "o=5.1",
    "o=-5.-1",
    "o=0",  # the action checkbox: not sortable
    "o=99",  # no such column
    "o=x.-3",
    "p=2",
    "p=3&o=-3",
    "q=Alpha",
    "q=alp",
    "q=Beta+05",
    "q=c3",
    "q=tools",
    "q=garden+gamma",
    "q=zzz",
    "status__exact=live",
    "status__exact=live&o=3",
    "active__exact=0",
    "active__exact=1&q=beta",
    "group__id__exact=2",
    "group__isnull=True",
    "code=C1",
    "code=C1&status__exact=gone",
    "released__isnull=True",
    "_facets=True",
    "_facets=True&status__exact=draft",
    "_facets=True&group__id__exact=1&active__exact=1",
    "_facets=True&q=gamma",
]


@pytest.mark.parametrize("query", QUERIES)
def test_rows_count_and_order_match_django(both: dict[str, Any], query: str) -> None:
    ours, _request = _our_list(both["ours"], query)
    theirs = _django_list(both["django"], query)
    assert ours.result_count == theirs.result_count
    assert ours.page_num == theirs.page_num
    assert _pks(ours.result_list) == _pks(theirs.result_list)


@pytest.mark.parametrize("query", [q for q in QUERIES if "p=" not in q])
def test_filter_choices_and_facets_match_django(both: dict[str, Any], query: str) -> None:
    ours, _request = _our_list(both["ours"], query)
    theirs = _django_list(both["django"], query)
    # Django keeps the verbose name as it is and capitalises it in the template.
    assert [str(spec.title).lower() for spec in ours.filter_specs] == [
        str(spec.title).lower() for spec in theirs.filter_specs
    ]
    for mine, django_spec in zip(ours.filter_specs, theirs.filter_specs, strict=True):
        our_choices = list(mine.choices(ours))
        django_choices = list(django_spec.choices(theirs))
        assert [(c["selected"], str(c["display"])) for c in our_choices] == [
            (c["selected"], str(c["display"])) for c in django_choices
        ], mine.title
        assert [_params(c["query_string"]) for c in our_choices] == [
            _params(c["query_string"]) for c in django_choices
        ], mine.title


@pytest.mark.parametrize("query", ["", "o=1", "o=-3.1", "o=2.-3.5", "o=0", "q=alpha&o=-6"])
def test_header_sort_links_match_django(both: dict[str, Any], query: str) -> None:
    from django.contrib.admin.templatetags.admin_list import result_headers

    ours, _request = _our_list(both["ours"], query)
    theirs = _django_list(both["django"], query)
    django_headers = list(result_headers(theirs))[1:]  # column 0 is the checkbox
    our_headers = both["ours"]._headers(ours)
    assert len(our_headers) == len(django_headers)
    for mine, django_header in zip(our_headers, django_headers, strict=True):
        assert mine["sortable"] == django_header["sortable"]
        if not mine["sortable"]:
            continue
        assert bool(mine["sorted"]) == django_header["sorted"]
        if mine["sorted"]:
            assert (mine["sorted"] == "ascending") == django_header["ascending"]
            assert _params(mine["remove_url"]).get("o", "") == _params(
                django_header["url_remove"]
            ).get("o", "")
        assert _params(mine["url"])["o"] == _params(django_header["url_primary"])["o"]


FORM_DATA = [
    {},
    {"name": "", "code": "C1", "status": "live", "price": "3"},
    {"name": "x" * 101, "code": "C1", "status": "live", "price": "3"},
    {"name": "Ok", "code": "C1", "status": "nope", "price": "3"},
    {"name": "Ok", "code": "C1", "status": "live", "price": "three"},
    {"name": "Ok", "code": "C1", "status": "live", "price": "3", "released": "2026-02-30"},
    {"name": "Ok", "code": "C1", "status": "live", "price": "3", "group": "999"},
    {"name": "Ok", "code": "C1", "status": "live", "price": "3", "group": "2"},
]


@pytest.mark.parametrize("data", FORM_DATA)
def test_change_form_errors_match_django(both: dict[str, Any], data: dict[str, str]) -> None:
    request = webob.Request.blank("/parity/item/add/", base_url="http://localhost/admin")
    our_form = both["ours"].get_form(request)(data)
    theirs = both["django"]
    django_request = theirs["factory"].get("/admin/parity/item/add/")
    django_request.user = theirs["user"]
    django_form = theirs["admin"].get_form(django_request)(data)
    assert list(our_form.fields) == list(django_form.fields)
    assert our_form.is_valid() == django_form.is_valid()
    assert {k: [str(m) for m in v] for k, v in our_form.errors.items()} == {
        k: [str(m) for m in v] for k, v in django_form.errors.items()
    }


def test_radio_fields_match_django(both: dict[str, Any]) -> None:
    request = webob.Request.blank("/parity/item/add/", base_url="http://localhost/admin")
    our_form = both["ours"].get_form(request)()
    theirs = both["django"]
    django_request = theirs["factory"].get("/admin/parity/item/add/")
    django_request.user = theirs["user"]
    django_form = theirs["admin"].get_form(django_request)()
    for name in ("status", "group"):
        mine, django_field = our_form.fields[name], django_form.fields[name]
        # Django wraps a foreign key's widget (its add/change links); the radios are inside.
        django_widget = getattr(django_field.widget, "widget", django_field.widget)
        assert mine.widget.input_type == django_widget.input_type == "radio"
        assert mine.widget.attrs["class"] == django_widget.attrs["class"]
        assert [(str(v), str(label)) for v, label in mine.choices] == [
            (str(v), str(label)) for v, label in django_field.choices
        ]
