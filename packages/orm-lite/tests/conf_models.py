"""The models of the conformance suite (app label ``conf``): every field type, every
``on_delete``, abstract inheritance, constraints and indexes."""

from __future__ import annotations

import datetime
import uuid

from manouche import orm_lite as models


def next_year() -> int:
    return datetime.date.today().year + 1


class Timestamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created"]


class Everything(models.Model):
    char = models.CharField("the char", max_length=20, help_text="short text", db_index=True)
    text = models.TextField(blank=True, default="")
    integer = models.IntegerField(default=7)
    big = models.BigIntegerField(null=True)
    small = models.SmallIntegerField(null=True)
    positive = models.PositiveIntegerField(null=True)
    positive_small = models.PositiveSmallIntegerField(null=True)
    flt = models.FloatField(null=True)
    dec = models.DecimalField(max_digits=8, decimal_places=3, null=True)
    flag = models.BooleanField(default=False)
    nullable_flag = models.BooleanField(null=True)
    day = models.DateField(null=True)
    moment = models.DateTimeField(null=True)
    clock = models.TimeField(null=True)
    span = models.DurationField(null=True)
    email = models.EmailField(null=True, blank=True)
    url = models.URLField(null=True, blank=True)
    slug = models.SlugField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4)
    data = models.JSONField(null=True)
    blob = models.BinaryField(null=True)
    ip = models.GenericIPAddressField(null=True)
    year = models.IntegerField(default=next_year, editable=False)
    size = models.CharField(
        max_length=1, choices=[("S", "Small"), ("M", "Medium"), ("L", "Large")], default="M"
    )
    renamed = models.IntegerField(db_column="the_column", null=True)
    bounded = models.IntegerField(
        null=True, validators=[models.MinValueValidator(0), models.MaxValueValidator(10)]
    )

    class Meta:
        app_label = "conf"
        verbose_name = "everything at once"
        verbose_name_plural = "everythings"


class Author(Timestamped):
    name = models.CharField(max_length=50)
    age = models.IntegerField(default=30)

    class Meta(Timestamped.Meta):
        app_label = "conf"

    def __str__(self) -> str:
        return str(self.name)


class Tag(models.Model):
    name = models.CharField(max_length=20, unique=True)

    class Meta:
        app_label = "conf"
        ordering = ["name"]


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    pages = models.IntegerField(default=100)
    price = models.DecimalField(max_digits=6, decimal_places=2, default=10)
    tags = models.ManyToManyField(Tag, related_name="books", blank=True)

    class Meta:
        app_label = "conf"
        unique_together = [("title", "author")]
        constraints = [
            models.CheckConstraint(condition=models.Q(pages__gte=0), name="conf_book_pages_gte_0"),
        ]
        indexes = [models.Index(fields=["title", "pages"], name="conf_book_title_pages")]


class Chapter(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="chapters")
    number = models.IntegerField()

    class Meta:
        app_label = "conf"
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="conf_chapter_unique")
        ]


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="reviews")
    stars = models.IntegerField()

    class Meta:
        app_label = "conf"


class Shelf(models.Model):
    name = models.CharField(max_length=20)

    class Meta:
        app_label = "conf"
        db_table = "conf_custom_shelf"


class Placement(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="placements")
    shelf = models.ForeignKey(Shelf, on_delete=models.RESTRICT, related_name="placements")

    class Meta:
        app_label = "conf"


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.SET_NULL, null=True, related_name="loans")
    fallback = models.ForeignKey(
        Shelf, on_delete=models.SET_DEFAULT, null=True, default=None, related_name="loans"
    )
    who = models.CharField(max_length=20)

    class Meta:
        app_label = "conf"


class Log(models.Model):
    book = models.ForeignKey(
        Book, on_delete=models.DO_NOTHING, db_constraint=False, related_name="logs"
    )
    line = models.CharField(max_length=50)

    class Meta:
        app_label = "conf"


class Profile(models.Model):
    author = models.OneToOneField(Author, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(blank=True)

    class Meta:
        app_label = "conf"


class Group(models.Model):
    name = models.CharField(max_length=20)
    members = models.ManyToManyField(Author, through="Membership", related_name="groups")

    class Meta:
        app_label = "conf"


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, default="member")

    class Meta:
        app_label = "conf"


ALL = [
    Everything,
    Author,
    Tag,
    Book,
    Chapter,
    Review,
    Shelf,
    Placement,
    Loan,
    Log,
    Profile,
    Group,
    Membership,
]


def tables() -> list[object]:
    """Every table, parents first (m2m tables after both ends)."""
    out: list[object] = []
    for m in ALL:
        out.append(m.__table__)
        for f in m._meta.local_many_to_many:
            if f.through._meta.auto_created:
                out.append(f.through.__table__)
    return out
