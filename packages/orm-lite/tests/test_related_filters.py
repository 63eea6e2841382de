"""Relation filters given model instances and QuerySets, as Django's: the related
field's ``to_field`` value is compared, unsaved or wrong-type instances are refused
with Django's errors, a sliced QuerySet is an exact lookup's value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from manouche import orm_lite as models


class Food(models.Model):
    name = models.CharField(max_length=20, unique=True)

    class Meta:
        app_label = "relfilters"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Eaten(models.Model):
    food = models.ForeignKey(Food, on_delete=models.CASCADE, to_field="name", null=True)
    meal = models.CharField(max_length=20)

    class Meta:
        app_label = "relfilters"
        ordering = ["meal"]


class Company(models.Model):
    name = models.CharField(max_length=20)

    class Meta:
        app_label = "relfilters"
        ordering = [models.Lower("name")]


class Employment(models.Model):
    employer = models.ForeignKey(Company, on_delete=models.CASCADE)

    class Meta:
        app_label = "relfilters"


MODELS = [Food, Eaten, Company, Employment]


@pytest.fixture
def rdb(conf_db: Any) -> Iterator[Any]:
    conf_db.create_all(MODELS)
    conf_db.make_default()
    try:
        yield conf_db
    finally:
        conf_db.close()
        conf_db.drop_all(MODELS)


@pytest.fixture
def meals(rdb: Any) -> dict[str, Any]:
    apple = Food.objects.create(name="apple")
    pear = Food.objects.create(name="pear")
    # The pks differ from the order of the names, so pk and to_field cannot be confused.
    Food.objects.create(name="zzz")
    lunch = Eaten.objects.create(food=apple, meal="lunch")
    dinner = Eaten.objects.create(food=pear, meal="dinner")
    return {"apple": apple, "pear": pear, "lunch": lunch, "dinner": dinner}


def test_instance_compares_the_to_field(meals: dict[str, Any]) -> None:
    pear = Food.objects.get(name="pear")
    assert list(Eaten.objects.filter(food=pear)) == [meals["dinner"]]
    assert list(Eaten.objects.filter(food__in=[pear])) == [meals["dinner"]]
    assert list(Eaten.objects.exclude(food=pear)) == [meals["lunch"]]


def test_queryset_of_instances_selects_the_to_field(meals: dict[str, Any]) -> None:
    qs = Eaten.objects.filter(food__in=Food.objects.filter(name="apple"))
    assert list(qs) == [meals["lunch"]]


def test_unsaved_instance_is_refused(rdb: Any) -> None:
    msg = "Model instances passed to related filters must be saved."
    company = Company.objects.create(name="c")
    with pytest.raises(ValueError, match=msg):
        Employment.objects.filter(employer=Company(name="unsaved"))
    with pytest.raises(ValueError, match=msg):
        Employment.objects.exclude(employer__in=[company, Company(name="unsaved")])
    with pytest.raises(ValueError, match="Unsaved model instance .* cannot be used"):
        Employment.objects.update(employer=Company(name="unsaved"))


def test_instance_of_another_model_is_refused(meals: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match='Cannot query "apple": Must be "Company" instance.'):
        Employment.objects.filter(employer=meals["apple"])


def test_exact_takes_a_queryset_sliced_to_one_row(rdb: Any) -> None:
    a = Company.objects.create(name="a")
    b = Company.objects.create(name="b")
    ea = Employment.objects.create(employer=a)
    eb = Employment.objects.create(employer=b)
    ordered = Company.objects.order_by("name")
    assert list(Employment.objects.filter(employer=ordered[:1])) == [ea]
    assert list(Employment.objects.filter(employer=ordered[1:2])) == [eb]
    with pytest.raises(ValueError, match="must be limited to one result using slicing"):
        Employment.objects.filter(employer=ordered[:2])
    with pytest.raises(ValueError, match=r"must have 1 selected fields \(received 2\)"):
        Employment.objects.filter(employer_id=Company.objects.values("id", "name")[:1])


def test_in_bulk_errors(rdb: Any) -> None:
    with pytest.raises(TypeError, match=r"Cannot use 'limit' or 'offset' with in_bulk\(\)\."):
        Company.objects.all()[:1].in_bulk([1])
    with pytest.raises(TypeError, match="in_bulk.. cannot be used with values"):
        Company.objects.values().in_bulk()


def test_ordering_by_a_relation_follows_its_expression_ordering(rdb: Any) -> None:
    made = [Employment.objects.create(employer=Company.objects.create(name=n)) for n in "bAc"]
    by_name = [made[1], made[0], made[2]]
    assert list(Employment.objects.order_by("employer")) == by_name
    assert list(Employment.objects.order_by("-employer")) == by_name[::-1]
    # The attname orders by the column itself, not by the related model's ordering.
    assert list(Employment.objects.order_by("employer_id")) == made
