"""The test app: orm-lite models with every kind of field, and their admins."""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa

from manouche import orm_lite as models
from manouche.adminkit import (
    AdminSite,
    ModelAdmin,
    SimpleListFilter,
    StackedInline,
    TabularInline,
    action,
    display,
)

STATUS = [("draft", "Draft"), ("live", "Live"), ("gone", "Withdrawn")]


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)

    class Meta:
        app_label = "shop"
        verbose_name_plural = "categories"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    label = models.CharField(max_length=50)

    class Meta:
        app_label = "shop"

    def __str__(self) -> str:
        return self.label


class Product(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0"))
    in_stock = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=STATUS, default="draft")
    released = models.DateField(null=True, blank=True)
    created = models.DateTimeField(default=lambda: dt.datetime(2026, 1, 2, 3, 4, 5))
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    stock = models.IntegerField(default=0)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True)

    class Meta:
        app_label = "shop"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/products/{self.pk}/"


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    author = models.CharField(max_length=100)
    text = models.TextField()
    stars = models.IntegerField(default=5)

    class Meta:
        app_label = "shop"

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:20]}"


class Supplier(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        app_label = "shop"

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT)
    title = models.CharField(max_length=100)

    class Meta:
        app_label = "shop"

    def __str__(self) -> str:
        return self.title


MODELS = [Category, Tag, Product, Review, Supplier, Contract]


class PriceBand(SimpleListFilter):
    title = "price band"
    parameter_name = "band"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("cheap", "Under 10"), ("dear", "10 and over")]

    def queryset(self, request, statement):  # type: ignore[no-untyped-def]
        price = Product.__table__.c.price
        if self.value() == "cheap":
            return statement.where(price < 10)
        if self.value() == "dear":
            return statement.where(price >= 10)
        return statement


class ReviewInline(TabularInline):
    model = Review
    extra = 1


class ReviewStacked(StackedInline):
    model = Review
    extra = 1


@action(description="Mark selected products as live", permissions=["change"])
def make_live(modeladmin, request, objects):  # type: ignore[no-untyped-def]
    for obj in objects:
        obj.status = "live"
        obj.save()


class ProductAdmin(ModelAdmin):
    list_display = [
        "name",
        "price",
        "in_stock",
        "status",
        "category",
        "category__slug",
        "shouting",
        "is_cheap",
    ]
    list_display_links = ["name"]
    list_filter = ["status", "in_stock", "released", "category", PriceBand]
    search_fields = ["^name", "=slug", "description", "category__name"]
    date_hierarchy = "created"
    actions = [make_live]
    inlines = [ReviewInline]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created"]
    autocomplete_fields = ["category"]
    save_as = True
    list_per_page = 5

    @display(description="Loud name", ordering="name")
    def shouting(self, obj):  # type: ignore[no-untyped-def]
        return obj.name.upper()

    @display(boolean=True, description="Cheap?")
    def is_cheap(self, obj):  # type: ignore[no-untyped-def]
        return obj.price < 10


class CategoryAdmin(ModelAdmin):
    list_display = ["name", "slug"]
    list_editable = ["slug"]
    search_fields = ["name"]


class ReviewAdmin(ModelAdmin):
    list_display = ["author", "product", "stars"]
    raw_id_fields = ["product"]
    list_select_related = ["product"]


def build_site(db: models.Database, **kwargs: object) -> AdminSite:
    site = AdminSite(db=db, **kwargs)  # type: ignore[arg-type]
    site.register(Product, ProductAdmin)
    site.register(Category, CategoryAdmin)
    site.register(Review, ReviewAdmin)
    site.register(Tag, search_fields=["label"])
    site.register(Supplier)
    site.register(Contract)
    return site


def fill(db: models.Database) -> None:
    with db.atomic():
        tools = Category.objects.using(db).create(name="Tools", slug="tools")
        toys = Category.objects.using(db).create(name="Toys", slug="toys")
        for i in range(12):
            Product.objects.using(db).create(
                name=f"Item {i:02d}",
                slug=f"item-{i:02d}",
                price=decimal.Decimal(i * 2),
                in_stock=i % 3 != 0,
                status=STATUS[i % 3][0],
                released=dt.date(2025, 1 + i % 12, 1),
                created=dt.datetime(2025 + i % 2, 1 + i % 12, 5, 12, 0),
                category=tools if i % 2 else toys,
                description=f"Description {i}",
            )
        hammer = Product.objects.using(db).create(
            name="Hammer", slug="hammer", price=15, category=tools
        )
        Review.objects.using(db).create(product=hammer, author="ann", text="Solid", stars=5)
        Review.objects.using(db).create(product=hammer, author="bob", text="Heavy", stars=3)
        acme = Supplier.objects.using(db).create(name="Acme")
        Contract.objects.using(db).create(supplier=acme, title="Anvils")
        Supplier.objects.using(db).create(name="Free")


def count_statements(db: models.Database) -> list[str]:
    seen: list[str] = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    return seen
