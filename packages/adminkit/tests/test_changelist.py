"""The change list: columns, filters with counts, search, sorting, pages, actions."""

from __future__ import annotations

import re
from typing import Any

import webtest
from shop import Category, Product, ProductAdmin, Review, count_statements


def names(page: webtest.TestResponse) -> list[str]:
    table = page.html.find(id="result_list")
    rows = table.find("tbody").find_all("tr")
    return [row.find("th").get_text(strip=True) for row in rows if row.find("th")]


def column(page: webtest.TestResponse, index: int) -> list[str]:
    rows = page.html.find(id="result_list").find("tbody").find_all("tr")
    return [row.find_all(["th", "td"])[index].get_text(" ", strip=True) for row in rows]


def test_columns(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/?q=Hammer")
    headers = [th.get_text(" ", strip=True) for th in page.html.select("#result_list thead th")]
    # Meta.ordering = ["name"] marks the Name column as sorted, as Django's headers do.
    assert page.html.select("#result_list thead th")[1]["aria-sort"] == "ascending"
    assert headers[1] == "Name ▲ ×"
    assert headers[2:] == [
        "Price",
        "In stock",
        "Status",
        "Category",
        "Slug",
        "Loud name",
        "Cheap?",
    ]
    row = page.html.find(id="result_list").find("tbody").find("tr")
    cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])][1:]
    assert cells[0] == "Hammer"
    assert cells[1] == "15.00"
    assert cells[3] == "Draft"  # the choice's label
    assert cells[4] == "Tools" and cells[5] == "tools"  # a foreign key and a related path
    assert cells[6] == "HAMMER"
    assert row.find(class_="bool-no") is not None  # @display(boolean=True)
    link = row.find("th").find("a")["href"]
    assert re.match(r"/admin/shop/product/\d+/change/\?_changelist_filters=q%3DHammer", link)


def test_filters_and_facets(admin_app: webtest.TestApp) -> None:
    assert len(names(admin_app.get("/admin/shop/product/?status__exact=live&all="))) == 4
    assert len(names(admin_app.get("/admin/shop/product/?in_stock__exact=0&all="))) == 4
    assert len(names(admin_app.get("/admin/shop/product/?category__id__exact=1&all="))) == 7
    assert len(names(admin_app.get("/admin/shop/product/?band=cheap&all="))) == 5
    dates = "/admin/shop/product/?released__gte=2025-01-01&released__lt=2025-03-01&all="
    assert sorted(names(admin_app.get(dates))) == ["Item 00", "Item 01"]
    page = admin_app.get("/admin/shop/product/?status__exact=live&_facets=True")
    side = page.html.find(id="changelist-filter").get_text(" ", strip=True)
    # Counts of each choice under the other filters (status excluded from its own counts).
    assert "Draft (5)" in side and "Live (4)" in side and "Withdrawn (4)" in side
    assert "Yes (4)" in side and "No (0)" in side
    assert "Tools (2)" in side and "Toys (2)" in side
    assert "Under 10 (2)" in side
    assert (
        "("
        not in admin_app.get("/admin/shop/product/")
        .html.find(id="changelist-filter")
        .find("ul")
        .get_text()
    )


def test_bad_filter_is_400(admin_app: webtest.TestApp) -> None:
    admin_app.get("/admin/shop/product/?password__startswith=a", status=400)
    admin_app.get("/admin/shop/product/?stock__exact=abc", status=400)
    admin_app.get("/admin/shop/product/?p=x", status=400)
    admin_app.get("/admin/shop/product/?released__gte=notadate", status=400)


def test_search_prefixes(admin_app: webtest.TestApp, monkeypatch: Any) -> None:
    assert names(admin_app.get("/admin/shop/product/?q=ham")) == ["Hammer"]  # ^name
    assert names(admin_app.get("/admin/shop/product/?q=amme")) == []  # not a prefix of name
    assert names(admin_app.get("/admin/shop/product/?q=item-03")) == ["Item 03"]  # =slug
    assert names(admin_app.get("/admin/shop/product/?q=item-0")) == []  # = is exact
    assert names(admin_app.get("/admin/shop/product/?q=Description+11")) == ["Item 11"]
    assert len(names(admin_app.get("/admin/shop/product/?q=toys&all="))) == 6  # category__name
    # LIKE wildcards in the term are literal.
    assert names(admin_app.get("/admin/shop/product/?q=%25")) == []
    assert names(admin_app.get("/admin/shop/product/?q=%22Description+1%22&all="))[:1] == [
        "Item 01"
    ]


def test_sorting(admin_app: webtest.TestApp) -> None:
    default = names(admin_app.get("/admin/shop/product/?all="))
    assert default == sorted(default)  # Meta.ordering = ["name"]
    by_price = column(admin_app.get("/admin/shop/product/?o=-2&all="), 2)
    assert by_price[0] == "22.00" and by_price[-1] == "0.00"
    page = admin_app.get("/admin/shop/product/?o=4.-2&all=")
    stored = {"Draft": "draft", "Live": "live", "Withdrawn": "gone"}
    status = [stored[label] for label in column(page, 4)]
    assert status == sorted(status)  # by the stored value, as Django
    header = page.html.select("#result_list thead th")[4]
    assert header["aria-sort"] == "ascending"
    # @display(ordering="name") makes the callable sortable.
    assert names(admin_app.get("/admin/shop/product/?o=-7&all="))[0] == "Item 11"
    # A column that cannot be sorted is ignored; as in Django, a sorted list no longer
    # follows Meta.ordering, so what is left is the newest first.
    assert names(admin_app.get("/admin/shop/product/?o=8&all=")) == names(
        admin_app.get("/admin/shop/product/?o=0&all=")
    )
    unsorted = admin_app.get("/admin/shop/product/?o=8&all=")
    keys = [int(box["value"]) for box in unsorted.html.select("input.action-select")]
    assert len(keys) > 1 and keys == sorted(keys, reverse=True)


def test_pagination(admin_app: webtest.TestApp) -> None:
    first = admin_app.get("/admin/shop/product/")
    assert len(names(first)) == 5
    assert "13 products" in first.html.find(class_="paginator").get_text(" ", strip=True)
    third = admin_app.get("/admin/shop/product/?p=3")
    assert len(names(third)) == 3
    # Beyond the last page: the last page.
    assert names(admin_app.get("/admin/shop/product/?p=99")) == names(third)


def test_no_full_count_when_told(admin_app: webtest.TestApp, db: Any, monkeypatch: Any) -> None:
    seen = count_statements(db)
    admin_app.get("/admin/shop/product/?status__exact=live")
    counts = [s for s in seen if "count(" in s.lower() and "shop_product" in s]
    assert any("WHERE" not in s for s in counts)  # Django's "(13 total)"
    monkeypatch.setattr(ProductAdmin, "show_full_result_count", False)
    seen.clear()
    page = admin_app.get("/admin/shop/product/?status__exact=live")
    counts = [s for s in seen if "count(" in s.lower() and "shop_product" in s]
    assert counts and all("WHERE" in s for s in counts)
    assert "4 products" in page.text


def test_date_hierarchy(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/")
    links = [a.get_text() for a in page.html.find(class_="date-hierarchy").find_all("a")]
    assert links == ["2025", "2026"]
    page = admin_app.get("/admin/shop/product/?created__year=2026")
    months = [a.get_text() for a in page.html.find(class_="date-hierarchy").find_all("a")][1:]
    assert months == ["2026-01", "2026-02", "2026-04", "2026-06", "2026-08", "2026-10", "2026-12"]
    page = admin_app.get("/admin/shop/product/?created__year=2026&created__month=2&all=")
    assert names(page) == ["Item 01"]
    admin_app.get("/admin/shop/product/?created__year=2026&created__month=13", status=400)


def test_related_columns_in_one_query(admin_app: webtest.TestApp, db: Any) -> None:
    seen = count_statements(db)
    page = admin_app.get("/admin/shop/review/")
    assert "Hammer" in page.text
    assert len([s for s in seen if "FROM shop_product" in s]) == 1


def test_delete_selected_confirms(admin_app: webtest.TestApp) -> None:
    hammer = Product.objects.get(slug="hammer")
    page = admin_app.get("/admin/shop/product/?q=Hammer")
    form = page.forms["changelist-form"]
    form["action"] = "delete_selected"
    form.get("_selected_action", index=0).checked = True
    confirm = form.submit()
    assert confirm.status_int == 200
    text = confirm.html.find("main").get_text(" ", strip=True)
    assert "Product: Hammer" in text and "ann: Solid" in text and "Reviews: 2" in text
    assert Product.objects.filter(pk=hammer.pk).exists()
    done = confirm.forms["delete-form"].submit()
    assert done.status_int == 302
    assert "Successfully deleted 1 product." in done.follow().text
    assert not Product.objects.filter(pk=hammer.pk).exists() and not Review.objects.exists()


def test_custom_action_and_permissions(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/?status__exact=draft")
    options = [o.get_text() for o in page.html.find(id="action-select").find_all("option")]
    assert options == ["---------", "Delete selected products", "Mark selected products as live"]
    form = page.forms["changelist-form"]
    form["action"] = "make_live"
    for i in range(2):
        form.get("_selected_action", index=i).checked = True
    form.submit().follow()
    assert Product.objects.filter(status="draft").count() == 3


def test_action_without_selection(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/")
    form = page.forms["changelist-form"]
    form["action"] = "delete_selected"
    after = form.submit().follow()
    assert "Items must be selected" in after.text
    assert Product.objects.count() == 13


def test_list_editable(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/category/")
    form = page.forms["changelist-form"]
    assert form["form-0-slug"].value == "tools"
    form["form-0-slug"] = "all-tools"
    form.submit("_save").follow()
    assert Category.objects.get(name="Tools").slug == "all-tools"
    form = admin_app.get("/admin/shop/category/").forms["changelist-form"]
    form["form-0-slug"] = "bad slug!"
    response = form.submit("_save")
    assert response.status_int == 200 and "errorlist" in response.text
    assert Category.objects.get(name="Tools").slug == "all-tools"


def test_bounded_count(admin_app: webtest.TestApp, db: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(ProductAdmin, "show_full_result_count", False)
    monkeypatch.setattr(ProductAdmin, "list_count_limit", 6)
    seen = count_statements(db)
    page = admin_app.get("/admin/shop/product/")
    assert "More than 6 products" in page.html.find(class_="paginator").get_text(" ", strip=True)
    counted = [s for s in seen if "count(" in s.lower()]
    assert counted and all("LIMIT" in s for s in counted)
    # The pages go on past the rows counted: page 3 has the last three.
    assert len(names(admin_app.get("/admin/shop/product/?p=3"))) == 3
    links = [
        a.get_text() for a in admin_app.get("/admin/shop/product/?p=2").html.select(".paginator a")
    ]
    assert "3" in links
    # Under the limit the count is exact.
    page = admin_app.get("/admin/shop/product/?status__exact=live")
    assert "4 products" in page.html.find(class_="paginator").get_text(" ", strip=True)


def test_filter_class_given_with_the_field(admin_app: webtest.TestApp, monkeypatch: Any) -> None:
    from manouche.adminkit import AllValuesFieldListFilter

    monkeypatch.setattr(ProductAdmin, "list_filter", [("status", AllValuesFieldListFilter)])
    # Django's parameter for an all-values filter is the field's own name.
    admin_app.get("/admin/shop/product/?status__exact=gone&all=", status=400)
    page = admin_app.get("/admin/shop/product/?status=gone&all=")
    side = page.html.find(id="changelist-filter").get_text(" ", strip=True)
    assert "draft" in side and "gone" in side and "Withdrawn" not in side  # stored values
    assert len(names(page)) == 4


def test_column_functions_show_what_cell_shows(db: Any) -> None:
    """The per-page column functions of the change list give each row's cells exactly
    what the general ``cell()`` gives: choices, booleans (NULL too), foreign keys,
    empty values, callables, related paths."""
    from manouche.adminkit import AdminSite
    from manouche.adminkit._display import cell, cell_function

    site = AdminSite(db=db, authorize=lambda request: True, user_id=lambda request: None)
    site.register(Product, ProductAdmin)
    admin = site._registry[Product]
    extra = ["slug", "released", "created", "email", "stock", "description", "__str__"]
    products = list(Product.objects.all())
    Product.objects.create(name="Bare", status="nope", category=None)  # a value outside choices
    products.append(Product.objects.get(name="Bare"))
    assert len(products) > 10
    for name in [*ProductAdmin.list_display, *extra]:
        render = cell_function(name, admin.opts, admin)
        for product in products:
            assert str(render(product)) == str(cell(name, product, admin.opts, admin)), name
