"""A relation to a model that is never defined is an error naming the field and the model meant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche.orm_lite._options import registry


@pytest.fixture
def zoo() -> Iterator[tuple[type[models.Model], type[models.Model]]]:
    md = sa.MetaData()

    class Pet(models.Model):
        name = models.CharField(max_length=20)

        class Meta:
            app_label = "lazyzoo"
            metadata = md

    class Owner(models.Model):
        name = models.CharField(max_length=20)
        pet = models.ForeignKey("Pett", on_delete=models.CASCADE, null=True)
        toys = models.ManyToManyField("lazyzoo.Toyy")

        class Meta:
            app_label = "lazyzoo"
            metadata = md

    yield Pet, Owner
    for model in (Owner, Pet):
        registry.unregister(model)
    registry._waiting.pop("lazyzoo.pett", None)
    registry._waiting.pop("lazyzoo.toyy", None)


EXPECTED = (
    "lazyzoo.Owner.pet: the field was declared with a lazy reference to 'lazyzoo.pett', "
    "but app 'lazyzoo' doesn't provide model 'pett'; did you mean 'lazyzoo.Pet'?"
)


def test_querying_names_the_field_the_reference_and_the_closest_model(zoo: tuple) -> None:
    _pet, owner = zoo
    with pytest.raises(models.ImproperlyConfigured) as info:
        owner.objects.filter(pet__name="Rex")
    message = str(info.value)
    assert EXPECTED in message
    assert "lazyzoo.Owner.toys" in message and "'lazyzoo.toyy'" in message
    assert "define or import that model" in message


def test_create_all_and_save_name_it_too(zoo: tuple) -> None:
    _pet, owner = zoo
    db = models.Database("sqlite://", default=False)
    try:
        with pytest.raises(models.ImproperlyConfigured, match="did you mean 'lazyzoo.Pet'"):
            db.create_all([owner])
        with pytest.raises(models.ImproperlyConfigured, match="lazyzoo.Owner.pet"):
            owner(name="Ann").save(using=db)
    finally:
        db.dispose()


def test_a_reference_defined_later_resolves_and_clears_the_error() -> None:
    md = sa.MetaData()

    class Keeper(models.Model):
        animal = models.ForeignKey("Animal", on_delete=models.CASCADE)

        class Meta:
            app_label = "lazyzoo2"
            metadata = md

    with pytest.raises(models.ImproperlyConfigured, match="lazyzoo2.Keeper.animal"):
        Keeper.objects.all()

    class Animal(models.Model):
        class Meta:
            app_label = "lazyzoo2"
            metadata = md

    try:
        assert Keeper._meta.pending == []
        db = models.Database("sqlite://", default=False)
        db.create_all([Animal, Keeper])
        a = Animal.objects.using(db).create()
        k = Keeper.objects.using(db).create(animal=a)
        assert Keeper.objects.using(db).get(pk=k.pk).animal == a
        db.dispose()
    finally:
        registry.unregister(Keeper)
        registry.unregister(Animal)


def test_a_missing_table_names_its_model_and_the_fix(zoo: tuple) -> None:
    pet, _owner = zoo
    db = models.Database("sqlite://", default=False)
    try:
        with pytest.raises(sa.exc.OperationalError) as info:
            list(pet.objects.using(db).all())
        message = str(info.value)
        assert "no such table: lazyzoo_pet" in message
        assert "The table 'lazyzoo_pet' of model lazyzoo.Pet does not exist" in message
        assert "db.create_all()" in message and "migrate" in message
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "driver_message",
    [
        "no such table: lazyzoo_pet",
        'relation "lazyzoo_pet" does not exist\nLINE 1: SELECT ...',
        "(1146, \"Table 'test.lazyzoo_pet' doesn't exist\")",
    ],
)
def test_each_backend_s_wording_is_recognised(zoo: tuple, driver_message: str) -> None:
    from manouche.orm_lite._hints import missing_table_hint

    hint = missing_table_hint(driver_message)
    assert hint is not None and "lazyzoo.Pet" in hint
    assert missing_table_hint("no such table: somebody_elses") is None


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_a_missing_table_on_a_server(zoo: tuple, server: str) -> None:
    from manouche.testkit import require_service

    pet, _owner = zoo
    db = models.Database(require_service(server), default=False)
    try:
        with pytest.raises(sa.exc.ProgrammingError) as info:
            list(pet.objects.using(db).all())
        assert "of model lazyzoo.Pet does not exist" in str(info.value)
    finally:
        db.dispose()
