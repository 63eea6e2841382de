"""XSS payloads in every kind of field stay text on the list, form, history and delete pages."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import webtest
from shop import Category, Product, Review, Tag

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "';alert(3);//",
    "javascript:alert(4)",
    "<svg/onload=alert(5)>",
    "{{ 7*7 }}{% raw %}",
]
MARKERS = ["<script>alert", "<img src=x", "<svg/onload", "onerror=alert(2)>"]


def assert_inert(page: webtest.TestResponse) -> None:
    body = page.text
    for marker in MARKERS:
        assert marker not in body, marker
    # Nothing the payloads carry became an element or an attribute.
    assert page.html.find("script", string=lambda s: bool(s) and "alert" in s) is None
    assert page.html.find(attrs={"onerror": True}) is None and page.html.find("svg") is None
    for a in page.html.find_all("a", href=True):
        assert not a["href"].lower().startswith("javascript:")


def seed(db: Any) -> tuple[Product, Category]:
    with db.atomic():
        category = Category.objects.create(name=PAYLOADS[0], slug="x")
        product = Product.objects.create(
            name=PAYLOADS[1],
            slug="xss",
            description="\n".join(PAYLOADS),
            price=decimal.Decimal("1.00"),
            status="live",
            released=dt.date(2025, 1, 1),
            email="a@example.com",
            website="https://example.com/?q=<script>",
            category=category,
        )
        Review.objects.create(product=product, author=PAYLOADS[4], text=PAYLOADS[2])
        product.tags.add(Tag.objects.create(label=PAYLOADS[3]))
    return product, category


def test_payloads_inert_everywhere(admin_app: webtest.TestApp, db: Any) -> None:
    product, category = seed(db)
    base = "/admin/shop/product/"
    pages = [
        base,
        base + "?q=%3Cimg",
        base + "?_facets=True",
        f"{base}{product.pk}/change/",
        "/admin/shop/review/",
        "/admin/shop/tag/",
        f"/admin/shop/category/{category.pk}/change/",
        "/admin/shop/category/",
        f"{base}?q={PAYLOADS[0]}",
        f"{base}?o=<script>",
    ]
    for url in pages:
        assert_inert(admin_app.get(url))
    # The value shows as text in the form's input.
    form = admin_app.get(f"{base}{product.pk}/change/").forms["product_form"]
    assert form["name"].value == PAYLOADS[1]
    assert form["description"].value == "\n".join(PAYLOADS)
    # Change it through the admin so the history carries payloads too.
    form["name"] = PAYLOADS[0]
    form["review_set-0-text"] = PAYLOADS[1]
    form.submit("_save").follow()
    assert_inert(admin_app.get(f"{base}{product.pk}/history/"))
    assert_inert(admin_app.get("/admin/"))
    delete = admin_app.get(f"{base}{product.pk}/delete/")
    assert_inert(delete)
    assert PAYLOADS[4] in delete.html.find(class_="deleted-objects").get_text()
    # The bulk delete confirmation of the category (cascading to the product).
    page = admin_app.get("/admin/shop/category/")
    form = page.forms["changelist-form"]
    form["action"] = "delete_selected"
    for i, box in enumerate(page.html.select("input.action-select")):
        form.get("_selected_action", index=i).checked = box["value"] == str(category.pk)
    assert_inert(form.submit())


def test_error_pages_escape(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/?%3Cscript%3Ealert(1)%3C/script%3E=1", status=400)
    assert_inert(page)
    page = admin_app.get(
        "/admin/shop/product/%3Cscript%3Ealert(1)%3C%2Fscript%3E/change/", status=404
    )
    assert_inert(page)


def test_login_next_is_escaped(app: webtest.TestApp) -> None:
    page = app.get('/admin/login/?next="><script>alert(1)</script>')
    assert_inert(page)


def test_headers(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in page.headers["Cache-Control"]
    # No asset from another host.
    for tag in page.html.find_all(["link", "script", "img"]):
        url = tag.get("href") or tag.get("src") or ""
        assert url.startswith("/admin/static/"), url


def test_radio_fields_and_value_filters_inert(db: Any, wrap: Any) -> None:
    """Payloads as radio labels (a foreign key's objects) and as the choices of an
    all-values filter stay text."""
    from manouche.adminkit import VERTICAL, AdminSite, ModelAdmin

    product, _category = seed(db)

    class Admin(ModelAdmin):
        list_filter = ["name", "category"]
        radio_fields = {"category": VERTICAL}

    site = AdminSite(db=db, authorize=lambda request: True, user_id=lambda request: None)
    site.register(Product, Admin)
    site.register(Category)
    app = webtest.TestApp(wrap(site))
    page = app.get(f"/admin/shop/product/{product.pk}/change/")
    assert_inert(page)
    labels = [i.parent.get_text(strip=True) for i in page.html.select("#id_category input")]
    assert PAYLOADS[0] in labels
    listing = app.get("/admin/shop/product/?_facets=True")
    assert_inert(listing)
    assert PAYLOADS[1] in listing.html.find(id="changelist-filter").get_text()
