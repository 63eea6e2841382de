"""The add and change pages: fieldsets, exclusions, form overrides, hooks, inlines, widgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import webtest
from shop import Category, Product, Review, ReviewStacked

from manouche.adminkit import AdminSite, ModelAdmin
from manouche.formkit import ModelForm, ValidationError


@pytest.fixture
def site_with(db: Any, wrap: Any) -> Callable[[Any, type[ModelAdmin]], webtest.TestApp]:
    """A site with ``model`` registered through ``admin`` (and Category), as a TestApp."""

    def make(model: Any, admin: type[ModelAdmin]) -> webtest.TestApp:
        site = AdminSite(db=db, authorize=lambda request: True, user_id=lambda request: None)
        site.register(model, admin)
        if model is not Category:
            site.register(Category, search_fields=["name"])
        return webtest.TestApp(wrap(site))

    return make


def test_fieldsets_and_readonly(db: Any, site_with: Any) -> None:
    class Admin(ModelAdmin):
        fieldsets = [
            (None, {"fields": ["name", ("price", "stock")]}),
            (
                "Details",
                {
                    "fields": ["description", "created"],
                    "classes": ["collapse"],
                    "description": "More <b>",
                },
            ),
        ]
        readonly_fields = ["created"]

    app = site_with(Product, Admin)
    page = app.get("/admin/shop/product/1/change/")
    fieldsets = page.html.find_all("fieldset", class_="module")
    assert [
        fs.find("legend").get_text(strip=True) if fs.find("legend") else None for fs in fieldsets
    ] == [None, "Details"]
    assert "collapse" in fieldsets[1]["class"]
    assert "More &lt;b&gt;" in str(fieldsets[1])
    assert page.html.find(class_="form-row multi") is not None
    form = page.forms["product_form"]
    assert set(k for k in form.fields if k != "csrfmiddlewaretoken") >= {
        "name",
        "price",
        "stock",
        "description",
    }
    assert "status" not in form.fields and "created" not in form.fields
    # Labels are tied to their inputs.
    for label in page.html.select("fieldset.module label[for]"):
        assert page.html.find(id=label["for"]) is not None


def test_exclude(db: Any, site_with: Any) -> None:
    class Admin(ModelAdmin):
        exclude = ["description", "tags", "website"]

    form = site_with(Product, Admin).get("/admin/shop/product/add/").forms["product_form"]
    assert (
        "description" not in form.fields and "website" not in form.fields and "name" in form.fields
    )


def test_form_override_and_save_model_hook(db: Any, site_with: Any) -> None:
    class ProductForm(ModelForm):
        class Meta:
            model = Product
            fields = ["name", "slug", "price"]

        def clean_name(self) -> str:
            name = str(self.cleaned_data["name"])
            if name.lower() == "forbidden":
                raise ValidationError("That name is not allowed.")
            return name

    seen: list[Any] = []

    class Admin(ModelAdmin):
        form = ProductForm
        fields = ["name", "slug", "price"]

        def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
            obj.description = "set by save_model"
            seen.append(change)
            super().save_model(request, obj, form, change)

    app = site_with(Product, Admin)
    form = app.get("/admin/shop/product/add/").forms["product_form"]
    form["name"], form["slug"], form["price"] = "forbidden", "f", "1"
    response = form.submit("_save", status=400)
    assert "That name is not allowed." in response.text
    form = response.forms["product_form"]
    form["name"] = "Allowed"
    form.submit("_save")
    assert Product.objects.get(name="Allowed").description == "set by save_model"
    assert seen == [False]


def test_get_queryset_hides_rows_everywhere(db: Any, site_with: Any) -> None:
    class Admin(ModelAdmin):
        def get_queryset(self, request: Any) -> Any:
            return super().get_queryset(request).where(Product.__table__.c.status == "live")

    app = site_with(Product, Admin)
    page = app.get("/admin/shop/product/?all=")
    assert "4 products" in page.text
    hidden = Product.objects.filter(status="draft").first()
    assert hidden is not None
    app.get(f"/admin/shop/product/{hidden.pk}/change/", status=404)
    app.get(f"/admin/shop/product/{hidden.pk}/delete/", status=404)


def test_stacked_inline(db: Any, site_with: Any) -> None:
    class Admin(ModelAdmin):
        inlines = [ReviewStacked]

    app = site_with(Product, Admin)
    hammer = Product.objects.get(slug="hammer")
    page = app.get(f"/admin/shop/product/{hammer.pk}/change/")
    assert len(page.html.select("fieldset.inline-related")) == 3  # two rows and one extra
    form = page.forms["product_form"]
    form["review_set-2-author"], form["review_set-2-text"] = "eve", "Fine"
    form.submit("_save")
    assert sorted(r.author for r in Review.objects.filter(product=hammer)) == ["ann", "bob", "eve"]


def test_raw_id_and_prepopulated_and_autocomplete_widgets(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/review/1/change/")
    assert page.forms["review_form"]["product"].value == str(Review.objects.get(pk=1).product_id)
    assert (
        page.html.find("template", class_="raw-id-source")["data-url"]
        == "/admin/shop/product/?_popup=1&_to_field=id"
    )
    form = page.forms["review_form"]
    form["product"] = "99999"
    assert "Select a valid choice" in form.submit("_save", status=400).text
    page = admin_app.get("/admin/shop/product/add/")
    assert (
        page.html.find("form", id="product_form")["data-prepopulated"] == '{"id_slug": ["id_name"]}'
    )
    source = page.html.find("template", class_="autocomplete-source")
    assert source["data-field"] == "id_category" and "field_name=category" in source["data-url"]
    assert source["data-text"] == ""
    # The change page names the current choice, so the search box can show it.
    hammer = Product.objects.get(slug="hammer")
    page = admin_app.get(f"/admin/shop/product/{hammer.pk}/change/")
    source = page.html.find("template", class_="autocomplete-source")
    assert source["data-text"] == str(hammer.category) == "Tools"
    assert source["data-none"] == "No results found"


def test_raw_id_lookup_popup_offers_keys(admin_app: webtest.TestApp) -> None:
    page = admin_app.get("/admin/shop/product/?_popup=1&_to_field=id")
    links = page.html.select("#result_list a[data-popup-value]")
    offered = {a.get_text(strip=True): a["data-popup-value"] for a in links}
    assert offered and all(
        value == str(Product.objects.get(name=name).pk) for name, value in offered.items()
    )
    # Not a lookup: the rows are plain links.
    assert not admin_app.get("/admin/shop/product/").html.select("a[data-popup-value]")
    # Only the key (or a column a foreign key points at) can be asked for.
    page = admin_app.get("/admin/shop/product/?_popup=1&_to_field=description", status=400)
    assert "cannot be referenced" in page.text
    admin_app.get("/admin/shop/product/?_popup=1&_to_field=nothing", status=400)


def test_add_prefills_from_query(admin_app: webtest.TestApp) -> None:
    form = admin_app.get("/admin/shop/product/add/?name=Pre&nonsense=1").forms["product_form"]
    assert form["name"].value == "Pre"


def test_change_buttons(admin_app: webtest.TestApp) -> None:
    form = admin_app.get("/admin/shop/category/1/change/").forms["category_form"]
    response = form.submit("_addanother")
    assert response.location.endswith("/admin/shop/category/add/")
    form = admin_app.get(
        "/admin/shop/product/1/change/?_changelist_filters=status__exact%3Dlive"
    ).forms["product_form"]
    assert form.submit("_save").location.endswith("/admin/shop/product/?status__exact=live")


def test_user_with_change_only_on_inline_parent(
    app: webtest.TestApp, db: Any, login: Any, make_user: Any
) -> None:
    make_user("editor", perms=("shop.change_product", "shop.view_review"))
    login(app, "editor")
    hammer = Product.objects.get(slug="hammer")
    page = app.get(f"/admin/shop/product/{hammer.pk}/change/")
    form = page.forms["product_form"]
    # The reviews are shown but cannot be added or deleted without those permissions.
    assert "review_set-2-author" not in form.fields and "review_set-0-DELETE" not in form.fields
    app.get("/admin/shop/product/add/", status=403)


def test_object_history_for_deleted_view_is_404(admin_app: webtest.TestApp) -> None:
    admin_app.get("/admin/shop/product/424242/history/", status=404)


def test_many_to_many_through_inline(db: Any, site_with: Any) -> None:
    from shop import Tag

    from manouche.adminkit import TabularInline

    class TagInline(TabularInline):
        model = Product.tags.through
        extra = 1

    class Admin(ModelAdmin):
        fields = ["name", "slug", "price"]
        inlines = [TagInline]

    red = Tag.objects.create(label="red")
    app = site_with(Product, Admin)
    hammer = Product.objects.get(slug="hammer")
    page = app.get(f"/admin/shop/product/{hammer.pk}/change/")
    prefix = (
        TagInline(Product, AdminSite(authorize=lambda r: True))
        .get_formset(page.request)
        .get_default_prefix()
    )
    form = page.forms["product_form"]
    form[f"{prefix}-0-tag"] = str(red.pk)
    form.submit("_save")
    assert [t.label for t in hammer.tags.all()] == ["red"]


def test_radio_fields(db: Any, site_with: Any) -> None:
    from manouche.adminkit import HORIZONTAL, VERTICAL

    class Admin(ModelAdmin):
        fields = ["name", "status", "category", "price"]
        radio_fields = {"status": HORIZONTAL, "category": VERTICAL}

    app = site_with(Product, Admin)
    page = app.get("/admin/shop/product/1/change/")
    status = page.html.find(id="id_status")
    assert status.name == "div" and status["class"] == ["radiolist", "inline"]
    # Not blank: no empty choice; the stored value is checked.
    assert [(i["value"], i.parent.get_text(strip=True)) for i in status.find_all("input")] == [
        ("draft", "Draft"),
        ("live", "Live"),
        ("gone", "Withdrawn"),
    ]
    assert all(i["type"] == "radio" and i["name"] == "status" for i in status.find_all("input"))
    product = Product.objects.get(pk=1)
    assert status.find("input", checked=True)["value"] == product.status
    # Each group is a fieldset named by its legend.
    assert status.find_parent("fieldset").find("legend").get_text(strip=True) == "Status:"
    category = page.html.find(id="id_category")
    assert category["class"] == ["radiolist"]
    labels = [i.parent.get_text(strip=True) for i in category.find_all("input")]
    # Blank foreign key: "None" first, then every category.
    assert labels[0] == "None" and sorted(labels[1:]) == sorted(
        c.name for c in Category.objects.all()
    )
    form = page.forms["product_form"]
    other = next(v for v in ("draft", "live", "gone") if v != product.status)
    form["status"] = other
    form["category"] = ""
    assert form.submit("_save").status_int == 302
    saved = Product.objects.get(pk=1)
    assert saved.status == other and saved.category_id is None
    # A value outside the choices is refused, nothing saved.
    form = app.get("/admin/shop/product/1/change/").forms["product_form"]
    fields = dict(form.submit_fields())
    fields["status"] = "nope"
    response = app.post("/admin/shop/product/1/change/", fields, status=400)
    assert "Select a valid choice" in response.text
    assert Product.objects.get(pk=1).status == other


def test_radio_fields_refuse_a_bad_layout_or_field(db: Any) -> None:
    import pytest

    from manouche.adminkit import ImproperlyConfigured

    class BadLayout(ModelAdmin):
        radio_fields = {"status": 3}

    class NoChoices(ModelAdmin):
        radio_fields = {"name": 1}  # admin.HORIZONTAL

    import webob

    for admin in (BadLayout, NoChoices):
        site = AdminSite(db=db, authorize=lambda request: True, user_id=lambda request: None)
        site.register(Product, admin)
        with pytest.raises(ImproperlyConfigured, match="radio_fields"):
            site._registry[Product].get_form(webob.Request.blank("/"))


def test_radio_fields_in_an_inline(db: Any, site_with: Any) -> None:
    from manouche.adminkit import VERTICAL, TabularInline

    class ProductInline(TabularInline):
        model = Product
        fields = ["name", "status"]
        radio_fields = {"status": VERTICAL}
        extra = 1

    class Admin(ModelAdmin):
        inlines = [ProductInline]

    app = site_with(Category, Admin)
    category = Category.objects.filter(product__isnull=False).first()
    page = app.get(f"/admin/shop/category/{category.pk}/change/")
    boxes = page.html.select("div.radiolist")
    assert boxes and all(box["id"].endswith("-status") for box in boxes)
    assert {i["type"] for box in boxes for i in box.find_all("input")} == {"radio"}


def test_radio_fields_empty_choice_in_the_request_language(db: Any, wrap: Any) -> None:
    """The blank entry's "None" is Django's admin translation of it in the page's language."""
    import gettext as gettext_module
    from pathlib import Path

    import django

    from manouche.adminkit import VERTICAL

    class Admin(ModelAdmin):
        fields = ["name", "category"]
        radio_fields = {"category": VERTICAL}

    site = AdminSite(db=db, authorize=lambda request: True, languages=["en", "de", "fr"])
    site.register(Product, Admin)
    site.register(Category, search_fields=["name"])
    app = webtest.TestApp(wrap(site))
    admin_locale = Path(django.__file__).parent / "contrib" / "admin" / "locale"
    for language in ("de", "fr"):
        expected = gettext_module.translation("django", admin_locale, [language]).gettext("None")
        assert expected != "None"
        page = app.get("/admin/shop/product/1/change/", headers={"Accept-Language": language})
        first = page.html.find(id="id_category").find("input")
        assert (first["value"], first.parent.get_text(strip=True)) == ("", expected)
