"""The test schema as orm-lite models (same tables and columns as serial_djapp)."""

from manouche import orm_lite as models


class AuthorManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Author(models.Model):
    name = models.CharField(max_length=50, unique=True)
    birth = models.DateField(null=True)
    objects = AuthorManager()

    class Meta:
        app_label = "serialtest"

    def natural_key(self):
        return (self.name,)


class Tag(models.Model):
    label = models.SlugField(max_length=50)

    class Meta:
        app_label = "serialtest"


class Book(models.Model):
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
        app_label = "serialtest"
