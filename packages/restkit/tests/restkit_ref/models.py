"""Django twins of the orm-lite models in tests/models.py (DRF's side of the differential tests)."""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50, unique=True)
    email = models.EmailField(blank=True)

    class Meta:
        app_label = "restkit_ref"


class Tag(models.Model):
    label = models.SlugField(max_length=20)

    class Meta:
        app_label = "restkit_ref"


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    pages = models.PositiveIntegerField(default=100)
    isbn = models.CharField(max_length=13, blank=True)
    price = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    published = models.DateField(null=True, blank=True)
    genre = models.CharField(max_length=1, choices=[("f", "Fiction"), ("n", "Non-fiction")])
    tags = models.ManyToManyField(Tag, blank=True)

    class Meta:
        app_label = "restkit_ref"
        unique_together = [("title", "author")]
