"""The expressions' own API against Django's: equality and hashing by value, repr,
argument checks of the aggregates and of aggregate()/annotate(), functions
registered as transforms."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models as djm
from django.db.models import functions as djf

from manouche import orm_lite as olm

SIDES = [pytest.param((djm, djf), id="django"), pytest.param((olm, olm), id="orm_lite")]

REPRS = {
    "avg": lambda m, f: m.Avg("a"),
    "count_star_distinct": lambda m, f: m.Count("*", distinct=True),
    "count_distinct": lambda m, f: m.Count("a", distinct=True),
    "filtered": lambda m, f: m.Avg("a", filter=m.Q(a=1)),
    "stddev": lambda m, f: m.StdDev("a"),
    "variance_sample": lambda m, f: m.Variance("a", sample=True),
    "coalesce": lambda m, f: f.Coalesce("a", "b"),
    "lower": lambda m, f: f.Lower("a"),
    "func": lambda m, f: m.Func("published", function="TO_CHAR"),
    "q": lambda m, f: m.Q(a=1) | ~m.Q(b=2),
    "abs": lambda m, f: f.Abs("x"),
}


@pytest.mark.parametrize("name", list(REPRS))
def test_repr_is_djangos(name: str) -> None:
    build = REPRS[name]
    assert repr(build(olm, olm)) == repr(build(djm, djf))


@pytest.mark.parametrize("side", SIDES)
def test_values_compare_and_hash_by_value(side: Any) -> None:
    m, _ = side
    assert m.Value("name") == m.Value("name")
    assert m.Value("name") != m.Value("other")
    assert {m.Value("name"): "Bob"}[m.Value("name")] == "Bob"
    same = m.Value("x", output_field=m.CharField())
    assert same == m.Value("x", output_field=m.CharField())
    assert same != m.Value("x", output_field=m.TimeField())
    assert same != m.Value("x")
    assert m.Sum("a", filter=m.Q(b=1)) == m.Sum("a", filter=m.Q(b=1))
    assert m.Sum("a") != m.Max("a")


@pytest.mark.parametrize("side", SIDES)
def test_order_by_compares_by_value_and_refuses_false_nulls(side: Any) -> None:
    m, _ = side
    assert m.F("f").desc(nulls_last=True) == m.F("f").desc(nulls_last=True)
    assert hash(m.F("f").asc(nulls_last=True)) == hash(m.F("f").asc(nulls_last=True))
    assert m.F("f").asc(nulls_last=True) != m.F("f").asc()
    with pytest.raises(ValueError, match="must be True or None"):
        m.F("f").asc(nulls_first=False)


@pytest.mark.parametrize("side", SIDES)
def test_aggregate_argument_errors(side: Any) -> None:
    m, _ = side
    with pytest.raises(TypeError, match=r"takes exactly 1 argument \(2 given\)"):
        m.Avg(m.Value(1), m.Value(2))
    with pytest.raises(TypeError, match="Count does not allow default"):
        m.Count("a", default=0)
    with pytest.raises(ValueError, match="Star cannot be used with filter"):
        m.Count("*", filter=m.Q(a=1))


@pytest.mark.parametrize("side", SIDES)
def test_reversed_logical_operators_say_use_bit_methods(side: Any) -> None:
    m, _ = side
    with pytest.raises(NotImplementedError, match="bitand"):
        object() & m.F("a")  # noqa: B018
    with pytest.raises(NotImplementedError, match="bitor"):
        object() | m.F("a")  # noqa: B018
    assert -m.F("a") == m.F("a") * -1
    assert repr(7 % m.F("a")) == repr(m.Value(7) % m.F("a"))


def test_function_registered_as_a_transform(backend_db: Any) -> None:
    """``IntegerField.register_lookup(Abs)``: ``F("age__abs")`` and ``age__abs=`` use it."""
    from tests.conf_models import Author

    Author.objects.create(name="Ann", age=5)
    Author.objects.create(name="Bob", age=0)
    Author.objects.filter(name="Bob").update(age=olm.F("age") - 7)
    olm.IntegerField.register_lookup(olm.Abs)
    try:
        assert sorted(Author.objects.values_list(olm.F("age__abs"), flat=True)) == [5, 7]
        assert list(Author.objects.filter(age__abs=7).values_list("name", flat=True)) == ["Bob"]
        assert list(Author.objects.filter(age__abs__lt=6).values_list("name", flat=True)) == ["Ann"]
    finally:
        olm.IntegerField.unregister_lookup(olm.Abs)


def test_aggregate_and_annotate_name_non_expressions(backend_db: Any) -> None:
    from tests.conf_models import Book

    with pytest.raises(TypeError, match=r"aggregate\(\) received non-expression\(s\): True\."):
        Book.objects.aggregate(is_book=True)
    with pytest.raises(TypeError, match="Complex annotations require an alias"):
        Book.objects.annotate(olm.Sum(olm.F("pages") + 1))
    with pytest.raises(TypeError, match="Complex aggregates require an alias"):
        Book.objects.aggregate(olm.Sum(1))
    assert Book.objects.aggregate() == {}


def test_aggregate_over_no_rows_evaluates_coalesce(backend_db: Any) -> None:
    from tests.conf_models import Book

    got = Book.objects.none().aggregate(
        total=olm.Coalesce(olm.Sum("pages"), 0), n=olm.Count("pk"), s=olm.Sum("pages")
    )
    assert got == {"total": 0, "n": 0, "s": None}


def test_aggregate_default_may_be_an_expression(backend_db: Any) -> None:
    from tests.conf_models import Author, Book

    ann = Author.objects.create(name="Ann")
    Book.objects.create(title="a", author=ann, pages=5)
    assert Book.objects.filter(pages__gt=100).aggregate(
        s=olm.Sum("pages", default=olm.Value(1) + 2)
    ) == {"s": 3}
    assert Book.objects.aggregate(s=olm.Sum("pages", default=olm.Value(1) + 2)) == {"s": 5}


@pytest.mark.parametrize("side", SIDES)
def test_func_subclass_keeps_its_output_field(side: Any) -> None:
    m, _ = side

    class Shout(m.Func):
        function = "UPPER"
        output_field = m.CharField()

    assert isinstance(Shout("name").output_field, m.CharField)


def test_order_by_an_aggregate_not_annotated_is_refused(backend_db: Any) -> None:
    from tests.conf_models import Author

    with pytest.raises(olm.FieldError, match=r"without also including it in annotate\(\)"):
        Author.objects.values("age").order_by(olm.Avg("books__pages"))
    with pytest.raises(olm.FieldError, match=r"is not allowed: Count\(F\(books\)\)"):
        Author.objects.order_by(olm.Count("books").desc())


def test_negated_value_and_field_filter(backend_db: Any) -> None:
    from tests.conf_models import Author, Book

    ann = Author.objects.create(name="Ann", age=5)
    Book.objects.create(title="x", author=ann, pages=7)
    rows = Author.objects.annotate(yes=~olm.Value(False)).values_list("name", "yes")
    assert list(rows) == [("Ann", True)]
    assert list(
        Book.objects.filter(pages__in=[olm.F("pages"), 3]).values_list("title", flat=True)
    ) == ["x"]
    assert list(
        Book.objects.filter(pages__range=(olm.F("pages") - 1, 9)).values_list("title", flat=True)
    ) == ["x"]
    assert not Book.objects.filter(pages__in=[olm.F("pages") + 1]).exists()


def test_update_reads_annotations_of_its_own_table(backend_db: Any) -> None:
    from tests.conf_models import Author, Book

    ann = Author.objects.create(name="Ann", age=5)
    Book.objects.create(title="x", author=ann, pages=7)
    Author.objects.annotate(older=olm.F("age") + 10).update(age=olm.F("older"))
    assert Author.objects.get().age == 15
    with pytest.raises(olm.FieldError, match="Joined field references are not permitted"):
        Author.objects.annotate(n=olm.Max("books__pages")).update(age=olm.F("n"))
    assert Author.objects.get().age == 15
