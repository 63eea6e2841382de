"""GenericSitemap over an orm-lite queryset (duck typing only) on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webob

from manouche.sitemaps import GenericSitemap, index, sitemap

models = pytest.importorskip("manouche.orm_lite")


class Article(models.Model):  # type: ignore[misc,name-defined]
    slug = models.CharField(max_length=50)
    updated = models.DateTimeField()

    class Meta:
        app_label = "sitemaptest"
        ordering = ["id"]

    def get_absolute_url(self) -> str:
        return f"/articles/{self.slug}/"


ROWS = 2_500
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "sqlite":
        database = models.Database(f"sqlite:///{tmp_path / 'db.sqlite3'}", default=False)
        yield from _filled(database)
        return
    from manouche.testkit.services import fresh_database

    with fresh_database(request.param, prefix="sitemaps") as url:
        yield from _filled(models.Database(url, default=False))


def _filled(database: Any) -> Iterator[Any]:
    try:
        database.create_all([Article])
        Article.objects.using(database).bulk_create(
            # Dates not in pk order, so the newest is found by the date, not by position.
            Article(slug=f"a-{n}&{n % 7}", updated=START + dt.timedelta(minutes=(n * 37) % ROWS))
            for n in range(ROWS)
        )
        yield database
    finally:
        database.dispose()


def _request(path: str) -> webob.Request:
    request = webob.Request.blank(path)
    request.environ["HTTP_HOST"] = "example.com"
    return request


class Limited(GenericSitemap):
    limit = 1_000


def test_queryset_pages_match_the_list(db: Any) -> None:
    queryset = Article.objects.using(db).all()
    rows = list(Article.objects.using(db).all())
    assert len(rows) == ROWS
    from_qs = Limited({"queryset": queryset, "date_field": "updated"}, priority=0.5)
    from_list = Limited({"queryset": rows, "date_field": "updated"}, priority=0.5)
    assert from_qs.num_pages == 3
    for page in ("1", "2", "3"):
        ours = sitemap(_request(f"/s.xml?p={page}"), {"a": from_qs})
        expected = sitemap(_request(f"/s.xml?p={page}"), {"a": from_list})
        body = b"".join(ours.app_iter)
        assert body == b"".join(expected.app_iter)
        assert body.count(b"<url>") == (1_000 if page != "3" else 500)
        assert ours.headers["Last-Modified"] == expected.headers["Last-Modified"]
    assert b"<loc>http://example.com/articles/a-1000&amp;6/</loc>" in b"".join(
        sitemap(_request("/s.xml?p=2"), {"a": from_qs}).app_iter
    )
    # The queryset was never evaluated into its cache by the sitemap.
    assert queryset._result_cache is None


def test_index_lastmod_from_the_database(db: Any) -> None:
    queryset = Article.objects.using(db).all()
    smap = Limited({"queryset": queryset, "date_field": "updated"})
    newest = smap.get_latest_lastmod()
    assert newest is not None
    assert newest.replace(tzinfo=dt.UTC) == START + dt.timedelta(minutes=ROWS - 1)
    body = b"".join(index(_request("/sitemap.xml"), {"a": smap}).app_iter).decode()
    assert body.count("<sitemap>") == 3
    assert body.count("<lastmod>2026-01-02T17:39:00") == 3
