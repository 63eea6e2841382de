"""Q's own API (combining, deconstruct, equality, hashing) against Django's Q."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models as djm

from manouche import orm_lite as olm

BUILDS = {
    "or_flattens": lambda m: m.Q(a=1) | m.Q(b=2) | m.Q(c=3),
    "and_of_or": lambda m: (m.Q(a=1) | m.Q(b=2)) & m.Q(c=3),
    "xor": lambda m: m.Q(a=1) ^ m.Q(b=2),
    "negated": lambda m: ~(m.Q(a=1) & m.Q(b__in=[1, 2])),
    "empty_left": lambda m: m.Q() & m.Q(a=1),
    "empty_right": lambda m: m.Q(a=1) | m.Q(),
    "kwargs_sorted": lambda m: m.Q(z=1, a=2),
    "nested": lambda m: m.Q(m.Q(a=1), b=2),
    "create": lambda m: m.Q.create([("a", 1), ("b", 2)], connector=m.Q.OR),
}


def _shape(q: Any) -> Any:
    _, args, kwargs = q.deconstruct()
    return tuple(_shape(a) if hasattr(a, "deconstruct") else a for a in args), kwargs


@pytest.mark.parametrize("name", list(BUILDS))
def test_deconstruct_matches_django(name: str) -> None:
    ours, theirs = BUILDS[name](olm), BUILDS[name](djm)
    assert _shape(ours) == _shape(theirs)
    path, args, kwargs = ours.deconstruct()
    assert path == "manouche.orm_lite.Q"
    assert olm.Q(*args, **kwargs) == ours


def test_equality_and_hash_ignore_the_container_of_values() -> None:
    assert olm.Q(pk__in=[1, 2]) == olm.Q(("pk__in", (1, 2))) == olm.Q(pk__in={1: 0, 2: 0}.keys())
    assert hash(olm.Q(pk__in=[1, 2])) == hash(olm.Q(("pk__in", (1, 2))))
    assert olm.Q(a=1) != olm.Q(a=2)


def test_bad_connector_and_non_conditions_are_refused() -> None:
    with pytest.raises(ValueError, match="_connector must be one of 'AND', 'OR', 'XOR', or None"):
        olm.Q(_connector="evil")
    obj = object()
    with pytest.raises(TypeError, match=str(obj).replace("(", r"\(").replace(")", r"\)")):
        olm.Q(a=1) | obj


def test_conditions_combine_with_q() -> None:
    exists = olm.Exists(None)  # only combined here, never run
    combined = exists & olm.Q(a=1)
    assert isinstance(combined, olm.Q) and combined.children == [exists, ("a", 1)]
    combined = olm.Q(a=1) | ~exists
    assert isinstance(combined, olm.Q) and combined.connector == olm.Q.OR


@pytest.mark.parametrize("alias", ["x y", "a;b", "a--b", "a/*b*/", "q'uote", 'dq"', "h#sh", "nl\n"])
def test_column_aliases_that_could_carry_sql_are_refused(alias: str) -> None:
    from tests.conf_models import Author

    msg = "Column aliases cannot contain whitespace characters, hashes, control characters"
    with pytest.raises(ValueError, match=msg):
        Author.objects.annotate(**{alias: olm.F("age")})
    with pytest.raises(ValueError, match=msg):
        Author.objects.values(**{alias: olm.F("age")})
    with pytest.raises(ValueError, match=msg):
        Author.objects.extra(select={alias: "1"})
    with pytest.raises(ValueError, match=msg):
        Author.objects.aggregate(**{alias: olm.Max("age")})


def test_bad_slices_of_f_are_djangos_errors() -> None:
    with pytest.raises(ValueError, match="Negative indexing is not supported."):
        olm.F("name")[-1]
    with pytest.raises(ValueError, match="Step argument is not supported."):
        olm.F("name")[1:5:2]
    with pytest.raises(ValueError, match="Slice stop must be greater than slice start."):
        olm.F("name")[5:2]
    with pytest.raises(TypeError, match="Argument to slice must be either int or slice instance."):
        olm.F("name")["x"]
    with pytest.raises(TypeError, match="argument of type 'F' is not iterable"):
        "" in olm.F("name")  # noqa: B015 - the check is that it raises (and does not loop)
    with pytest.raises(TypeError, match="not iterable"):
        list(olm.F("name"))


def test_q_repr_is_djangos() -> None:
    assert repr(olm.Q(a=1)) == "<Q: (AND: ('a', 1))>"
    assert repr(~olm.Q(a=1)) == "<Q: (NOT (AND: ('a', 1)))>"
    assert str(olm.Q(a=1) | olm.Q(b="x")) == "(OR: ('a', 1), ('b', 'x'))"
    # The same text as Django's Q.
    q = (djm.Q(a=1) | ~djm.Q(b="x")) & djm.Q(c=None)
    ours = (olm.Q(a=1) | ~olm.Q(b="x")) & olm.Q(c=None)
    assert repr(ours) == repr(q)
