"""Authorization, CSRF, and the pages of one object: add, change, delete, history."""

from __future__ import annotations

from typing import Any

import pytest
import webtest
from shop import Category, Contract, Product, Review, Supplier, build_site

from manouche.adminkit import AdminSite, ImproperlyConfigured, _security
from manouche.adminkit.history import log_table

URLS = [
    "/admin/",
    "/admin/shop/product/",
    "/admin/shop/product/add/",
    "/admin/shop/product/1/change/",
    "/admin/shop/product/1/delete/",
    "/admin/shop/product/1/history/",
    "/admin/autocomplete/?app_label=shop&model_name=product&field_name=category",
]


def test_no_authorization_rule_no_pages(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_security, "authkit", None)
    site = build_site(db)
    with pytest.raises(ImproperlyConfigured, match="authorization rule"):
        webtest.TestApp(site).get("/")


def test_callable_rule_answers_403_everywhere(db: Any) -> None:
    site = build_site(db, authorize=lambda request: request.headers.get("X-Staff") == "yes")
    app = webtest.TestApp(
        webtest.lint.middleware(site) if False else site, extra_environ={"SCRIPT_NAME": "/admin"}
    )
    for url in URLS:
        app.get(url, status=403)
    assert app.get("/admin/shop/product/", headers={"X-Staff": "yes"}).status_int == 200


def test_anonymous_is_sent_to_login(app: webtest.TestApp) -> None:
    for url in URLS:
        response = app.get(url, status=302)
        assert response.location.startswith("http://localhost/admin/login/?next=")


def test_non_staff_cannot_log_in(app: webtest.TestApp, db: Any, make_user: Any) -> None:
    make_user("visitor", staff=False)
    page = app.get("/admin/login/")
    form = page.forms["login-form"]
    form["username"], form["password"] = "visitor", "a long test password 42"
    response = form.submit()
    assert response.status_int == 200
    assert "correct username and password for a staff account" in response.text
    app.get("/admin/", status=302)


def test_login_next_stays_on_site(app: webtest.TestApp, db: Any, make_user: Any) -> None:
    make_user("root", superuser=True)
    page = app.get("/admin/login/?next=https://evil.example/")
    form = page.forms["login-form"]
    form["username"], form["password"] = "root", "a long test password 42"
    assert form.submit().location == "http://localhost/admin/"


def test_model_permissions(app: webtest.TestApp, db: Any, login: Any, make_user: Any) -> None:
    make_user("viewer", perms=("shop.view_product",))
    login(app, "viewer")
    assert app.get("/admin/shop/product/").status_int == 200
    page = app.get("/admin/shop/product/1/change/")
    assert "Save" not in page.html.find("main").get_text()
    for url in [
        "/admin/shop/product/add/",
        "/admin/shop/product/1/delete/",
        "/admin/shop/category/",
    ]:
        app.get(url, status=403)
    token = page.html.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    app.post(
        "/admin/shop/product/1/change/", {"csrfmiddlewaretoken": token, "name": "x"}, status=403
    )
    app.post(
        "/admin/shop/product/1/delete/", {"csrfmiddlewaretoken": token, "post": "yes"}, status=403
    )
    assert Product.objects.filter(pk=1).exists()
    # No permission on Category: its autocomplete answers 403 too.
    app.get(URLS[-1] + "&term=T", status=403)
    index = app.get("/admin/")
    assert "Products" in index.text and "Categories" not in index.text


def test_csrf_required(admin_app: webtest.TestApp) -> None:
    admin_app.post("/admin/shop/product/1/delete/", {"post": "yes"}, status=403)
    assert Product.objects.filter(pk=1).exists()


def test_own_csrf_without_authkit(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_security, "authkit", None)
    site = build_site(db, authorize=lambda request: True)
    app = webtest.TestApp(site, extra_environ={"SCRIPT_NAME": "/admin"})
    page = app.get("/admin/shop/category/add/")
    app.post("/admin/shop/category/add/", {"name": "X", "slug": "x"}, status=403)
    app.post(
        "/admin/shop/category/add/",
        {"name": "X", "slug": "x", "csrfmiddlewaretoken": "wrong"},
        status=403,
    )
    form = page.forms["category_form"]
    token = form["csrfmiddlewaretoken"].value
    # The token is masked: the cookie's secret never appears in a page as is.
    assert token != app.cookies["adminkit_csrf"] and app.cookies["adminkit_csrf"] not in page.text
    app.post(
        "/admin/shop/category/add/",
        {"name": "X", "slug": "x", "csrfmiddlewaretoken": app.cookies["adminkit_csrf"]},
        status=403,
    )
    form["name"], form["slug"] = "Garden", "garden"
    assert form.submit("_save").status_int == 302
    assert Category.objects.filter(slug="garden").exists()
    app.post(
        "/admin/shop/category/add/",
        {"name": "Y", "slug": "y", "csrfmiddlewaretoken": form["csrfmiddlewaretoken"].value},
        headers={"Origin": "https://evil.example"},
        status=403,
    )


def test_add_change_delete_and_history(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/category/add/")
    form = page.forms["category_form"]
    form["name"], form["slug"] = "Garden", "garden"
    response = form.submit("_continue")
    garden = Category.objects.get(slug="garden")
    assert response.location.endswith(f"/admin/shop/category/{garden.pk}/change/")
    page = response.follow()
    assert "was added successfully" in page.text
    form = page.forms["category_form"]
    form["name"] = "Gardening"
    form.submit("_save").follow()
    assert Category.objects.get(pk=garden.pk).name == "Gardening"
    page = admin_app.get(f"/admin/shop/category/{garden.pk}/delete/")
    assert "Are you sure" in page.text
    page.forms["delete-form"].submit().follow()
    assert not Category.objects.filter(pk=garden.pk).exists()
    rows = Category.objects.db.execute(log_table.select().order_by(log_table.c.id))
    assert [(r.action_flag, r.object_id) for r in rows] == [
        (1, str(garden.pk)),
        (2, str(garden.pk)),
        (3, str(garden.pk)),
    ]
    assert '"Name"' in rows[1].change_message
    assert all(r.user_id is not None and r.content_type_id is not None for r in rows)


def test_history_page(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/category/1/change/")
    form = page.forms["category_form"]
    form["name"] = "Tools & more"
    form.submit("_save")
    history = admin_app.get("/admin/shop/category/1/history/")
    text = history.html.find(id="change-history").get_text(" ", strip=True)
    assert "root" in text and "Changed Name." in text


def test_validation_error_saves_nothing(admin_app: webtest.TestApp) -> None:
    before = Product.objects.count(), Review.objects.count()
    page = admin_app.get("/admin/shop/product/add/")
    form = page.forms["product_form"]
    form["name"] = ""
    form["price"] = "not a number"
    form["review_set-0-author"] = "cid"
    form["review_set-0-text"] = "Nice"
    response = form.submit("_save", status=400)
    assert "Please correct the errors below." in response.text
    assert (Product.objects.count(), Review.objects.count()) == before


def test_add_with_inline(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/add/")
    form = page.forms["product_form"]
    form["name"], form["slug"], form["price"] = "Saw", "saw", "12.50"
    form["review_set-0-author"], form["review_set-0-text"] = "dee", "Sharp"
    assert form.submit("_save").status_int == 302
    saw = Product.objects.get(slug="saw")
    assert [r.author for r in Review.objects.filter(product=saw)] == ["dee"]


def test_change_inline_delete_row(admin_app: webtest.TestApp) -> None:
    hammer = Product.objects.get(slug="hammer")
    page = admin_app.get(f"/admin/shop/product/{hammer.pk}/change/")
    form = page.forms["product_form"]
    form["review_set-0-DELETE"] = True
    form["review_set-1-text"] = "Very heavy"
    form.submit("_save")
    assert [(r.author, r.text) for r in Review.objects.filter(product=hammer)] == [
        ("bob", "Very heavy")
    ]
    history = admin_app.get(f"/admin/shop/product/{hammer.pk}/history/").text
    assert "Deleted review" in history and "Changed Text for review “bob: Very heavy”" in history


def test_delete_lists_cascades_and_forged_post_cannot_skip(admin_app: webtest.TestApp) -> None:
    hammer = Product.objects.get(slug="hammer")
    page = admin_app.get(f"/admin/shop/product/{hammer.pk}/delete/")
    listed = page.html.find(class_="deleted-objects").get_text(" ", strip=True)
    assert "ann: Solid" in listed and "bob: Heavy" in listed
    token = page.html.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    # Without post=yes the POST only shows the confirmation again.
    again = admin_app.post(
        f"/admin/shop/product/{hammer.pk}/delete/", {"csrfmiddlewaretoken": token}
    )
    assert "Are you sure" in again.text
    assert Product.objects.filter(pk=hammer.pk).exists()
    page.forms["delete-form"].submit()
    assert not Product.objects.filter(pk=hammer.pk).exists()
    assert not Review.objects.filter(product_id=hammer.pk).exists()


def test_protected_rows_block_delete(admin_app: webtest.TestApp) -> None:
    acme = Supplier.objects.get(name="Acme")
    page = admin_app.get(f"/admin/shop/supplier/{acme.pk}/delete/")
    assert "protected related objects" in page.text and "Anvils" in page.text
    token = page.html.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    admin_app.post(
        f"/admin/shop/supplier/{acme.pk}/delete/", {"csrfmiddlewaretoken": token, "post": "yes"}
    )
    assert Supplier.objects.filter(pk=acme.pk).exists() and Contract.objects.exists()


def test_save_as_new(admin_app: webtest.TestApp) -> None:
    hammer = Product.objects.get(slug="hammer")
    form = admin_app.get(f"/admin/shop/product/{hammer.pk}/change/").forms["product_form"]
    form["name"], form["slug"] = "Hammer II", "hammer-2"
    form.submit("_saveasnew")
    assert Product.objects.get(slug="hammer").name == "Hammer"
    assert Product.objects.get(slug="hammer-2").name == "Hammer II"


def test_view_on_site_and_readonly(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/1/change/")
    assert page.html.find("a", class_="viewsitelink")["href"] == "/products/1/"
    assert "2025-" in page.html.find(class_="readonly-value").get_text()
    assert "created" not in page.forms["product_form"].fields


def test_unknown_object_404_and_bad_id(admin_app: webtest.TestApp) -> None:
    admin_app.get("/admin/shop/product/999/change/", status=404)
    admin_app.get("/admin/shop/product/abc/change/", status=404)
    admin_app.get("/admin/shop/nothing/", status=404)


def test_autocomplete(admin_app: webtest.TestApp) -> None:
    data = admin_app.get(
        "/admin/autocomplete/?app_label=shop&model_name=product&field_name=category&term=too"
    ).json
    assert data == {"results": [{"id": "1", "text": "Tools"}], "pagination": {"more": False}}
    admin_app.get(
        "/admin/autocomplete/?app_label=shop&model_name=product&field_name=name", status=403
    )


def test_registry_errors(db: Any) -> None:
    from manouche.adminkit import AlreadyRegistered, NotRegistered

    site = AdminSite(db=db, authorize=lambda r: True)
    site.register(Product)
    with pytest.raises(AlreadyRegistered):
        site.register(Product)
    with pytest.raises(NotRegistered):
        site.unregister(Review)
    with pytest.raises(TypeError, match="not a model"):
        site.register(object)


def test_register_decorator(db: Any, wrap: Any) -> None:
    from manouche.adminkit import ModelAdmin, register

    site = AdminSite(db=db, authorize=lambda r: True)

    @register(Review, site=site)
    class ReviewAdmin(ModelAdmin):
        list_display = ["author"]

    assert isinstance(site.get_model_admin(Review), ReviewAdmin)
    app = webtest.TestApp(wrap(site))
    assert "ann" in app.get("/admin/shop/review/").text
