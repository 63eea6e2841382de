"""Relations on every backend: spanning, related managers, through models and each
``on_delete`` behaviour done the way Django does it."""

from __future__ import annotations

from typing import Any

import pytest

from manouche import orm_lite as models
from tests.conf_models import (
    Author,
    Book,
    Chapter,
    Group,
    Loan,
    Log,
    Membership,
    Placement,
    Profile,
    Review,
    Shelf,
    Tag,
)


@pytest.fixture
def book(backend_db: Any) -> Any:
    a = Author.objects.create(name="Ann")
    return Book.objects.create(title="T", author=a)


def test_cascade_reaches_grandchildren(book: Any) -> None:
    Chapter.objects.create(book=book, number=1)
    Chapter.objects.create(book=book, number=2)
    Profile.objects.create(author=book.author)
    count, per_model = book.author.delete()
    assert per_model == {
        "conf.Author": 1,
        "conf.Book": 1,
        "conf.Chapter": 2,
        "conf.Profile": 1,
    }
    assert count == 5
    assert Chapter.objects.count() == 0


def test_protect(book: Any) -> None:
    r = Review.objects.create(book=book, stars=5)
    with pytest.raises(models.ProtectedError) as info:
        book.delete()
    assert info.value.protected_objects == {r}
    with pytest.raises(models.ProtectedError):
        book.author.delete()  # through the cascade as well
    assert Book.objects.count() == 1
    r.delete()
    book.delete()
    assert Book.objects.count() == 0


def test_restrict(book: Any) -> None:
    shelf = Shelf.objects.create(name="S")
    Placement.objects.create(book=book, shelf=shelf)
    with pytest.raises(models.RestrictedError):
        shelf.delete()
    # deleting the book cascades to the placement, which then no longer restricts
    book.delete()
    shelf.delete()
    assert Shelf.objects.count() == 0


def test_restrict_allows_when_cascaded_through_other_path(backend_db: Any) -> None:
    a = Author.objects.create(name="A")
    b = Book.objects.create(title="T", author=a)
    shelf = Shelf.objects.create(name="S")
    Placement.objects.create(book=b, shelf=shelf)
    a.delete()  # author -> book -> placement: cascades, RESTRICT does not object
    assert Placement.objects.count() == 0 and Shelf.objects.count() == 1


def test_set_null_and_set_default(book: Any) -> None:
    shelf = Shelf.objects.create(name="S")
    loan = Loan.objects.create(book=book, fallback=shelf, who="x")
    book.delete()
    loan.refresh_from_db()
    assert loan.book_id is None
    shelf.delete()
    loan.refresh_from_db()
    assert loan.fallback_id is None  # its default


def test_do_nothing_leaves_rows(book: Any) -> None:
    Log.objects.create(book=book, line="kept")
    pk = book.pk
    book.delete()
    assert Log.objects.get().book_id == pk


def test_spanning_forward_reverse_m2m_o2o(backend_db: Any) -> None:
    a = Author.objects.create(name="Ann", age=50)
    b = Author.objects.create(name="Bob", age=20)
    t = Tag.objects.create(name="x")
    b1 = Book.objects.create(title="one", author=a, pages=10)
    Book.objects.create(title="two", author=b, pages=500)
    b1.tags.add(t)
    Profile.objects.create(author=a, bio="bio")
    assert list(Book.objects.filter(author__age__gt=30)) == [b1]
    assert list(Author.objects.filter(books__pages__gt=100)) == [b]
    assert list(Author.objects.filter(books__tags__name="x")) == [a]
    assert list(Tag.objects.filter(books__author__name="Ann")) == [t]
    assert list(Author.objects.filter(profile__bio="bio")) == [a]
    assert Profile.objects.get(author__books__title="one").author == a
    assert a.profile.bio == "bio"


def test_through_model_many_to_many(backend_db: Any) -> None:
    a, b = Author.objects.create(name="A"), Author.objects.create(name="B")
    g = Group.objects.create(name="G")
    g.members.add(a, through_defaults={"role": "chair"})
    Membership.objects.create(group=g, author=b)
    assert sorted(m.name for m in g.members.all()) == ["A", "B"]
    assert Membership.objects.get(author=a).role == "chair"
    assert list(a.groups.all()) == [g]
    assert list(Author.objects.filter(membership__role="chair")) == [a]
    g.members.remove(a)
    assert list(g.members.all()) == [b]


def test_fk_assignment_and_access(backend_db: Any) -> None:
    a = Author.objects.create(name="A")
    b = Book(title="t")
    b.author = a
    assert b.author_id == a.pk
    b.save()
    fresh = Book.objects.get(pk=b.pk)
    assert fresh.author == a and fresh.author.name == "A"
    fresh.author_id = Author.objects.create(name="B").pk
    assert fresh.author.name == "B"
    with pytest.raises(ValueError, match="Author"):
        b.author = Tag(name="no")
