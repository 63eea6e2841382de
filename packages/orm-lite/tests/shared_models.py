"""One model definition, run twice: once with Django's ``models``, once with orm-lite's.

That the same source builds both is the first parity check: Django model code
runs unchanged on orm-lite.
"""

from __future__ import annotations

import datetime
import decimal
import random
from types import SimpleNamespace
from typing import Any


def define(models: Any, app_label: str) -> SimpleNamespace:
    """The parity models, built with ``models`` (``django.db.models`` or ``manouche.orm_lite``)."""

    class Publisher(models.Model):
        name = models.CharField(max_length=50, unique=True)
        country = models.CharField(max_length=30, null=True, blank=True)

        class Meta:
            app_label = "parity"
            ordering = ["name"]

        def __str__(self) -> str:
            return str(self.name)

    class Author(models.Model):
        name = models.CharField(max_length=50)
        age = models.IntegerField()
        email = models.EmailField(null=True, blank=True)
        rating = models.FloatField(null=True)
        mentor = models.ForeignKey(
            "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentees"
        )

        class Meta:
            app_label = "parity"

    class Tag(models.Model):
        name = models.SlugField(unique=True)

        class Meta:
            app_label = "parity"

    class Book(models.Model):
        title = models.CharField(max_length=100)
        author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
        editor = models.ForeignKey(
            Author, null=True, on_delete=models.SET_NULL, related_name="edited"
        )
        publisher = models.ForeignKey(
            Publisher, null=True, on_delete=models.SET_NULL, related_name="books"
        )
        pages = models.IntegerField()
        price = models.DecimalField(max_digits=6, decimal_places=2)
        rating = models.FloatField(null=True)
        published = models.DateField()
        created = models.DateTimeField()
        in_print = models.BooleanField(default=True)
        genre = models.CharField(
            max_length=10, choices=[("fic", "Fiction"), ("sci", "Science"), ("his", "History")]
        )
        tags = models.ManyToManyField(Tag, related_name="books", blank=True)

        class Meta:
            app_label = "parity"

    class Profile(models.Model):
        author = models.OneToOneField(Author, on_delete=models.CASCADE, related_name="profile")
        bio = models.TextField(blank=True)
        website = models.URLField(null=True)

        class Meta:
            app_label = "parity"

    class Club(models.Model):
        name = models.CharField(max_length=40)
        members = models.ManyToManyField(Author, through="Membership", related_name="clubs")

        class Meta:
            app_label = "parity"

    class Membership(models.Model):
        club = models.ForeignKey(Club, on_delete=models.CASCADE)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        role = models.CharField(max_length=10)
        joined = models.DateField()

        class Meta:
            app_label = "parity"

    return SimpleNamespace(
        Publisher=Publisher,
        Author=Author,
        Tag=Tag,
        Book=Book,
        Profile=Profile,
        Club=Club,
        Membership=Membership,
        models=models,
    )


WORDS = [
    "Alpha",
    "beta",
    "Gamma",
    "delta",
    "Echo",
    "fox",
    "Golf",
    "hotel",
    "India",
    "jazz",
    "Kilo",
    "lima",
]


def load(ns: SimpleNamespace, seed: int = 7) -> None:
    """The same data every time (``ns`` may be Django's or orm-lite's models)."""
    rnd = random.Random(seed)
    pubs = [
        ns.Publisher.objects.create(name=n, country=c)
        for n, c in [
            ("Penguin", "UK"),
            ("Vintage", None),
            ("Tor", "US"),
            ("Orbit", "US"),
            ("Zed", None),
        ]
    ]
    tags = [
        ns.Tag.objects.create(name=n)
        for n in ["sf", "fantasy", "crime", "history", "classic", "short", "award"]
    ]
    authors = []
    for i in range(30):
        a = ns.Author.objects.create(
            name=f"{WORDS[i % len(WORDS)]} {chr(65 + i % 26)}{i}",
            age=20 + (i * 7) % 50,
            email=None if i % 5 == 0 else f"a{i}@example.{'org' if i % 2 else 'com'}",
            rating=None if i % 4 == 0 else round(rnd.uniform(1, 5), 2),
            mentor=authors[i // 3] if i % 3 == 1 and authors else None,
        )
        authors.append(a)
    base = datetime.datetime(2019, 1, 1, 8, 30)
    for i in range(160):
        author = authors[rnd.randrange(25)]  # authors 25..29 have no books
        b = ns.Book.objects.create(
            title=f"{WORDS[rnd.randrange(len(WORDS))]} {i} {'tale' if i % 3 else 'Story'}",
            author=author,
            editor=None if i % 3 == 0 else authors[rnd.randrange(30)],
            publisher=None if i % 7 == 0 else pubs[rnd.randrange(5)],
            pages=rnd.randrange(50, 900),
            price=decimal.Decimal(rnd.randrange(199, 9999)) / 100,
            rating=None if i % 6 == 0 else round(rnd.uniform(0, 10), 1),
            published=datetime.date(2000, 1, 1) + datetime.timedelta(days=rnd.randrange(9000)),
            created=base
            + datetime.timedelta(hours=rnd.randrange(20000), minutes=rnd.randrange(60)),
            in_print=bool(i % 4),
            genre=["fic", "sci", "his"][i % 3],
        )
        b.tags.set(rnd.sample(tags, rnd.randrange(0, 4)))
    for a in authors[::2]:
        ns.Profile.objects.create(
            author=a,
            bio=f"bio of {a.name}" if a.pk % 4 else "",
            website=None if a.pk % 3 else f"https://{a.pk}.example",
        )
    clubs = [ns.Club.objects.create(name=n) for n in ["Readers", "Writers", "Critics"]]
    for a in authors[:20]:
        for c in rnd.sample(clubs, rnd.randrange(0, 3)):
            ns.Membership.objects.create(
                club=c,
                author=a,
                role=rnd.choice(["chair", "member"]),
                joined=datetime.date(2010, 1, 1) + datetime.timedelta(days=rnd.randrange(4000)),
            )
