"""Admin workload: the change list of a 1,000,000-row table, adminkit against Django's admin.

One page as a staff user asks for it: 20 rows of ``Entry`` filtered by
``status`` (``?status__exact=2``, a fifth of the rows) and sorted by
``published`` descending (an indexed column; ``?o=-3`` in both, whose column 0
is the action checkbox), with a search box, the status
filter's choices, the actions and the pagination. Both admins are configured
alike (``list_display``, ``list_filter``, ``search_fields``, ``list_per_page
= 20``, ``show_full_result_count = False``) and read the same table: the rows
are written once per database (SQLite in ``.cache/bench``, and PostgreSQL when
``MANOUCHE_TEST_POSTGRESQL_URL`` answers), with indexes on ``published`` and
``status``. A contender is the whole view: request in, HTML out (Django's
``changelist_view`` plus ``render()``, adminkit's WSGI app through
``webob.Request.get_response``), so ops/s is pages per second and its inverse
the server time of one page.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._runner import Workload

ROWS = int(os.environ.get("MANOUCHE_BENCH_ADMIN_ROWS", "1000000"))
APP = "adminbench"
TABLE = f"{APP}_entry"
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bench"
SQLITE_FILE = CACHE / f"admin-{ROWS}.sqlite3"
STATUS = [(1, "Draft"), (2, "Review"), (3, "Live"), (4, "Archived"), (5, "Gone")]
PAGE = "20 rows, one filter, sorted by an index"
OURS_URL = "/adminbench/entry/?status__exact=2&o=-3"
DJANGO_URL = "/admin/adminbench/entry/?status__exact=2&o=-3"

CREATE = f"""
CREATE TABLE {TABLE} (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    status INTEGER NOT NULL,
    published TIMESTAMP NOT NULL,
    active BOOLEAN NOT NULL,
    score INTEGER NOT NULL
)"""
INDEXES = [
    f"CREATE INDEX {TABLE}_published ON {TABLE} (published)",
    f"CREATE INDEX {TABLE}_status ON {TABLE} (status)",
]


def _fill_sqlite(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(partial)
    conn.execute(CREATE)
    start = 1_700_000_000

    def rows() -> Any:
        for i in range(1, ROWS + 1):
            moment = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + i * 37 % 90_000_000))
            yield (i, f"Entry number {i}", 1 + i * 7 % 5, moment, i % 3 != 0, i * 13 % 1000)

    conn.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?)", rows())
    for statement in INDEXES:
        conn.execute(statement)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    partial.rename(path)


def _fill_postgresql(url: str) -> bool:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            have = sa.inspect(conn).has_table(TABLE)
            count = conn.execute(sa.text(f"SELECT count(*) FROM {TABLE}")).scalar() if have else 0
            if count != ROWS:
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {TABLE}"))
                conn.execute(sa.text(CREATE))
                conn.execute(
                    sa.text(
                        f"INSERT INTO {TABLE} SELECT i, 'Entry number ' || i, 1 + i * 7 % 5, "
                        "to_timestamp(1700000000 + (i::bigint * 37) % 90000000) "
                        "AT TIME ZONE 'UTC', "
                        f"i % 3 <> 0, i * 13 % 1000 FROM generate_series(1, {ROWS}) AS i"
                    )
                )
                for statement in INDEXES:
                    conn.execute(sa.text(statement))
        # As autovacuum leaves a table: its visibility map lets counts read the index only.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f"VACUUM ANALYZE {TABLE}"))
        return True
    except Exception as exc:  # no server: the PostgreSQL workload is left out
        print(f"  (PostgreSQL left out: {type(exc).__name__}: {exc})")
        return False
    finally:
        engine.dispose()


# -- Django's admin ------------------------------------------------------------------


def _django(databases: dict[str, dict[str, Any]]) -> dict[str, Callable[[], Any]]:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        DATABASES=databases,
        ROOT_URLCONF=__name__,
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        USE_I18N=False,
        USE_TZ=False,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()
    from django.apps import AppConfig, apps
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.db import models
    from django.test import RequestFactory

    config = AppConfig(__name__, sys.modules[__name__])
    config.label = APP
    config.apps = apps
    config.models = apps.all_models[APP]
    apps.app_configs[APP] = config
    apps.clear_cache()

    class Entry(models.Model):
        title = models.CharField(max_length=200)
        status = models.IntegerField(choices=STATUS)
        published = models.DateTimeField(db_index=True)
        active = models.BooleanField()
        score = models.IntegerField()

        class Meta:
            app_label = APP
            db_table = TABLE

        def __str__(self) -> str:
            return self.title

    class EntryAdmin(admin.ModelAdmin):
        list_display = ["title", "status", "published", "active", "score"]
        list_filter = ["status"]
        search_fields = ["title"]
        list_per_page = 20
        show_full_result_count = False

    site = admin.AdminSite()
    site.register(Entry, EntryAdmin)
    global urlpatterns
    from django.urls import path

    urlpatterns = [path("admin/", site.urls)]
    model_admin = site.get_model_admin(Entry)
    user = User(username="bench", is_staff=True, is_superuser=True, is_active=True)
    factory = RequestFactory()

    def page(alias: str) -> Callable[[], Any]:
        def get() -> Any:
            request = factory.get(DJANGO_URL)
            request.user = user
            # The database of this workload: Django's admin reads through the default manager.
            Entry.objects._db = alias  # type: ignore[attr-defined]
            response = model_admin.changelist_view(request)
            response.render()
            assert response.status_code == 200 and b"Entry number" in response.content
            return response

        return get

    return {alias: page(alias) for alias in databases}


urlpatterns: list[Any] = []


# -- adminkit --------------------------------------------------------------------------


_model: Any = None


def _entry_model() -> Any:
    global _model
    if _model is None:
        from manouche import orm_lite as models

        class Entry(models.Model):
            title = models.CharField(max_length=200)
            status = models.IntegerField(choices=STATUS)
            published = models.DateTimeField(db_index=True)
            active = models.BooleanField()
            score = models.IntegerField()

            class Meta:
                app_label = APP
                db_table = TABLE

            def __str__(self) -> str:
                return self.title

        _model = Entry
    return _model


def _ours(url: str, count_limit: int | None = 10_000) -> Callable[[], Any]:
    import webob

    from manouche import orm_lite as models
    from manouche.adminkit import AdminSite, ModelAdmin

    db = models.Database(url, default=False)

    class EntryAdmin(ModelAdmin):
        list_display = ["title", "status", "published", "active", "score"]
        list_filter = ["status"]
        search_fields = ["title"]
        list_per_page = 20
        show_full_result_count = False
        list_count_limit = count_limit

    site = AdminSite(db=db, authorize=lambda request: True, user_id=lambda request: None)
    site.register(_entry_model(), EntryAdmin)
    path, _, query = OURS_URL.partition("?")

    def get() -> Any:
        request = webob.Request.blank(path + "?" + query, base_url="http://localhost/admin")
        response = request.get_response(site)
        assert response.status_int == 200 and b"Entry number" in response.body, response.status
        return response

    return get


def _count_alone(url: str) -> Callable[[], Any]:
    """The one query both admins make for an exact count, alone: the floor of a page
    that counts every matching row, whoever renders it."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    statement = sa.text(f"SELECT COUNT(*) FROM {TABLE} WHERE status = 2")

    def get() -> Any:
        with engine.connect() as conn:
            return conn.execute(statement).scalar()

    return get


def workloads() -> list[Workload]:
    _fill_sqlite(SQLITE_FILE)
    databases: dict[str, dict[str, Any]] = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(SQLITE_FILE)},
    }
    pg_url = os.environ.get("MANOUCHE_TEST_POSTGRESQL_URL")
    if pg_url and _fill_postgresql(pg_url):
        import sqlalchemy as sa

        parts = sa.engine.make_url(pg_url)
        databases["pg"] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.database,
            "USER": parts.username or "",
            "PASSWORD": parts.password or "",
            "HOST": parts.host or "",
            "PORT": str(parts.port or ""),
        }
    django_pages = _django(databases)
    found = [
        Workload(
            name=f"change list of {ROWS:,} rows on SQLite: {PAGE} (pages/s)",
            contenders={
                "Manouche adminkit": _ours(f"sqlite:///{SQLITE_FILE}"),
                "Django admin": django_pages["default"],
                "adminkit, exact count": _ours(f"sqlite:///{SQLITE_FILE}", None),
                "the exact COUNT(*) alone": _count_alone(f"sqlite:///{SQLITE_FILE}"),
            },
            goals={"Django admin": 3.0},
        )
    ]
    if "pg" in databases:
        found.append(
            Workload(
                name=f"change list of {ROWS:,} rows on PostgreSQL: {PAGE} (pages/s)",
                contenders={
                    "Manouche adminkit": _ours(str(pg_url)),
                    "Django admin": django_pages["pg"],
                    "adminkit, exact count": _ours(str(pg_url), None),
                    "the exact COUNT(*) alone": _count_alone(str(pg_url)),
                },
                goals={"Django admin": 3.0},
            )
        )
    return found
