"""The same pages on PostgreSQL and MariaDB (skipped, naming the server, when not answering)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import webtest
from shop import MODELS, Product, Review, build_site, fill

from manouche import orm_lite as models
from manouche.adminkit.history import log_table
from manouche.authkit import ContentType, Group, Permission, Session, User, create_permissions
from manouche.testkit.services import fresh_database


@pytest.fixture(params=["postgresql", "mariadb"])
def server_app(
    request: pytest.FixtureRequest, wrap: Any, make_user: Any, login: Any
) -> Iterator[tuple[webtest.TestApp, Any]]:
    with fresh_database(request.param, prefix="adminkit") as url:
        db = models.Database(url)
        db.make_default()
        try:
            db.create_all([ContentType, Permission, Group, User, Session, *MODELS])
            create_permissions(MODELS)
            fill(db)
            app = webtest.TestApp(wrap(build_site(db)))
            make_user("root", superuser=True)
            login(app, "root")
            yield app, db
        finally:
            db.dispose()


def test_change_list_on_server(server_app: tuple[webtest.TestApp, Any]) -> None:
    app, _db = server_app
    page = app.get("/admin/shop/product/?status__exact=live&_facets=True&o=-2&all=")
    rows = page.html.find(id="result_list").find("tbody").find_all("tr")
    assert len(rows) == 4
    assert "Draft (5)" in page.html.find(id="changelist-filter").get_text(" ", strip=True)
    assert [a.get_text() for a in page.html.find(class_="date-hierarchy").find_all("a")] == [
        "2025",
        "2026",
    ]
    assert (
        len(
            app.get("/admin/shop/product/?created__year=2026&created__month=2&all=").html.select(
                "#result_list tbody tr"
            )
        )
        == 1
    )
    # Searching text, and a number column through a cast.
    assert "Hammer" in app.get("/admin/shop/product/?q=ham").text
    assert "Hammer" in app.get("/admin/shop/review/?q=Solid").text
    assert (
        len(app.get("/admin/shop/product/?q=toys&all=").html.select("#result_list tbody tr")) == 6
    )


def test_writes_on_server(server_app: tuple[webtest.TestApp, Any]) -> None:
    app, db = server_app
    form = app.get("/admin/shop/product/add/").forms["product_form"]
    form["name"], form["slug"], form["price"] = "Saw", "saw", "12.50"
    form["review_set-0-author"], form["review_set-0-text"] = "dee", "Sharp"
    assert form.submit("_save").status_int == 302
    saw = Product.objects.get(slug="saw")
    assert [r.author for r in Review.objects.filter(product=saw)] == ["dee"]
    page = app.get(f"/admin/shop/product/{saw.pk}/delete/")
    assert "dee: Sharp" in page.html.find(class_="deleted-objects").get_text()
    page.forms["delete-form"].submit()
    assert not Product.objects.filter(slug="saw").exists()
    flags = [r.action_flag for r in db.execute(log_table.select().order_by(log_table.c.id))]
    assert flags == [1, 3]


def test_full_text_search(server_app: tuple[webtest.TestApp, Any], monkeypatch: Any) -> None:
    from shop import ProductAdmin

    app, db = server_app
    monkeypatch.setattr(ProductAdmin, "search_fields", ["@description"])
    page = app.get("/admin/shop/product/?q=descriptions+11")
    names = [th.get_text(strip=True) for th in page.html.select("#result_list tbody th")]
    if db.engine.dialect.name == "postgresql":
        assert names == ["Item 11"]  # to_tsvector: "descriptions" is stemmed to "descript"
    else:
        assert names == []  # elsewhere "@" is a substring search
