"""The reference models, declared once for Django and for orm-lite.

orm-lite keeps Django's names, so one declaration serves both: the functions
take the models module (``django.db.models`` or ``manouche.orm_lite``) and
return the classes. Django registers a model class once per app label, so call
a function once per label on the Django side (in the reference app's
``models.py``); orm-lite accepts a fresh label per call. ``module`` names the
module the classes are said to belong to (their ``__module__``), for code that
finds a module's models by scanning it (``serial``'s ``--models``).
"""

from __future__ import annotations

from typing import Any


def form_reference_models(
    models: Any, validators: Any, *, app_label: str, module: str | None = None
) -> dict[str, type]:
    """Author, Tag and Book as formkit's ModelForm tests use them: verbose names,
    choices, defaults, validators (from ``validators``: ``django.core.validators``
    or ``manouche.orm_lite``), a foreign key, a many-to-many and ``unique_together``."""
    label = app_label

    class Author(models.Model):  # type: ignore[misc]
        name = models.CharField(max_length=50, unique=True, help_text="Full name")
        email = models.EmailField(blank=True)

        class Meta:
            app_label = label

        def __str__(self) -> str:
            return str(self.name)

    class Tag(models.Model):  # type: ignore[misc]
        label = models.CharField(max_length=20)

        class Meta:
            app_label = label

        def __str__(self) -> str:
            return str(self.label)

    class Book(models.Model):  # type: ignore[misc]
        title = models.CharField(max_length=100, verbose_name="book title")
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        kind = models.CharField(max_length=1, choices=[("f", "Fiction"), ("n", "Non-fiction")])
        pages = models.PositiveIntegerField(default=100)
        rating = models.IntegerField(
            default=3,
            validators=[validators.MinValueValidator(1), validators.MaxValueValidator(5)],
        )
        price = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
        summary = models.TextField(blank=True)
        tags = models.ManyToManyField(Tag, blank=True)

        class Meta:
            app_label = label
            unique_together = [("title", "author")]

    return _owned(module, Author=Author, Tag=Tag, Book=Book)


def form_choice_models(
    models: Any, *, app_label: str, module: str | None = None
) -> dict[str, type]:
    """Writer, Essay and Badge as formkit's model-choice tests use them: ordering,
    a many-to-many to the same model under a ``related_name``, a foreign key to a
    ``to_field``."""
    label = app_label

    class Writer(models.Model):  # type: ignore[misc]
        name = models.CharField(max_length=40, unique=True)
        code = models.CharField(max_length=10, unique=True)
        active = models.BooleanField(default=True)

        class Meta:
            app_label = label
            ordering = ["name"]

        def __str__(self) -> str:
            return f"{self.name} ({self.code})"

    class Essay(models.Model):  # type: ignore[misc]
        title = models.CharField(max_length=60)
        writer = models.ForeignKey(Writer, on_delete=models.CASCADE)
        reviewers = models.ManyToManyField(Writer, related_name="reviewed", blank=True)

        class Meta:
            app_label = label
            unique_together = [("title", "writer")]

        def __str__(self) -> str:
            return str(self.title)

    class Badge(models.Model):  # type: ignore[misc]
        label = models.CharField(max_length=20)
        holder = models.ForeignKey(Writer, to_field="code", on_delete=models.CASCADE)

        class Meta:
            app_label = label

    return _owned(module, Writer=Writer, Essay=Essay, Badge=Badge)


def form_profile_model(
    models: Any, *, app_label: str, module: str | None = None
) -> dict[str, type]:
    """Profile, a column of each field type formkit maps (nullable and not, choices,
    defaults, ``auto_now_add``, a self-referencing foreign key)."""
    label = app_label

    class Profile(models.Model):  # type: ignore[misc]
        user_name = models.CharField(max_length=30, unique=True)
        nickname = models.CharField(max_length=20, null=True, blank=True)
        age = models.PositiveSmallIntegerField(null=True, blank=True)
        score = models.FloatField(default=0.5)
        active = models.BooleanField(default=True)
        verified = models.BooleanField(null=True)
        level = models.IntegerField(choices=[(1, "Low"), (2, "High")], default=1)
        joined = models.DateField(null=True, blank=True)
        created = models.DateTimeField(auto_now_add=True)
        last_seen = models.DateTimeField(null=True, blank=True)
        website = models.URLField(blank=True)
        slug = models.SlugField(max_length=40, blank=True)
        token = models.UUIDField(null=True, blank=True)
        ip = models.GenericIPAddressField(null=True, blank=True)
        data = models.JSONField(default=dict, blank=True)
        mentor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
        idle = models.DurationField(null=True, blank=True)

        class Meta:
            app_label = label

        def __str__(self) -> str:
            return str(self.user_name)

    return _owned(module, Profile=Profile)


def serial_reference_models(
    models: Any, *, app_label: str = "serialtest", module: str | None = None
) -> dict[str, type]:
    """Author (with natural keys), Tag and Book with a column of every type serial
    writes: decimals, floats, dates, times, durations, UUIDs, JSON, bytes."""
    label = app_label

    class AuthorManager(models.Manager):  # type: ignore[misc]
        def get_by_natural_key(self, name: str) -> Any:
            return self.get(name=name)

    class Author(models.Model):  # type: ignore[misc]
        name = models.CharField(max_length=50, unique=True)
        birth = models.DateField(null=True)
        objects = AuthorManager()

        class Meta:
            app_label = label

        def natural_key(self) -> tuple[str]:
            return (self.name,)

    class Tag(models.Model):  # type: ignore[misc]
        label = models.SlugField(max_length=50)

        class Meta:
            app_label = label

    class Book(models.Model):  # type: ignore[misc]
        title = models.CharField(max_length=200)
        author = models.ForeignKey(Author, on_delete=models.CASCADE, null=True)
        price = models.DecimalField(max_digits=8, decimal_places=2)
        rating = models.FloatField(null=True)
        in_print = models.BooleanField(default=True)
        published = models.DateTimeField(null=True)
        released = models.DateField(null=True)
        at = models.TimeField(null=True)
        length = models.DurationField(null=True)
        code = models.UUIDField(null=True)
        data = models.JSONField(null=True)
        blob = models.BinaryField(null=True)
        pages = models.PositiveIntegerField(default=0)
        email = models.EmailField(blank=True)
        tags = models.ManyToManyField(Tag, blank=True)

        class Meta:
            app_label = label

    return _owned(module, Author=Author, Tag=Tag, Book=Book)


def _owned(module: str | None, **classes: type) -> dict[str, type]:
    if module is not None:
        for cls in classes.values():
            cls.__module__ = module
    return classes
