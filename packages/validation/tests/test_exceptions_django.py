"""ValidationError against Django's: built the same ways, it says the same things."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from manouche.validation import NON_FIELD_ERRORS, ValidationError


def _shape(error: Any) -> Any:
    """Everything a caller reads from an error, in plain data."""
    out: dict[str, Any] = {"messages": error.messages, "str": str(error)}
    if hasattr(error, "error_dict"):
        out["message_dict"] = error.message_dict
        out["codes"] = {k: [e.code for e in v] for k, v in error.error_dict.items()}
        out["params"] = {k: [e.params for e in v] for k, v in error.error_dict.items()}
    else:
        out["codes"] = [e.code for e in error.error_list]
        out["params"] = [e.params for e in error.error_list]
        out["list"] = list(error)
    if hasattr(error, "message"):
        out["message"] = (error.message, error.code, error.params)
    try:
        error.message_dict  # noqa: B018
    except AttributeError:
        out["no_message_dict"] = True
    return out


BUILDS: list[Callable[[type[Exception]], Any]] = [
    lambda E: E("Too short."),
    lambda E: E("At most %(max)d.", code="max", params={"max": 3}),
    lambda E: E(["One.", "Two."]),
    lambda E: E([E("One.", code="a"), E(["Two.", E("Three.", code="c")])]),
    lambda E: E({"name": "Required.", "age": ["Too old.", E("Bad %(n)s.", params={"n": 2})]}),
    lambda E: E({"name": E(["a", "b"]), NON_FIELD_ERRORS: "Whole."}),
    lambda E: E([E({"x": "In a dict."}), "Plain."]),
    lambda E: E(E("Wrapped.", code="w")),
    lambda E: E(E({"f": "Wrapped dict."})),
    lambda E: E(E(["Wrapped", "list"])),
]


@pytest.mark.parametrize("build", BUILDS)
def test_error_like_django(build: Callable[[type[Exception]], Any]) -> None:
    from django.core.exceptions import ValidationError as DjangoError

    assert _shape(build(ValidationError)) == _shape(build(DjangoError))


@pytest.mark.parametrize("build", BUILDS)
def test_update_error_dict_like_django(build: Callable[[type[Exception]], Any]) -> None:
    from django.core.exceptions import ValidationError as DjangoError

    def merged(error_class: type[Exception]) -> dict[str, list[Any]]:
        start = {"name": [error_class("Earlier.")]}
        result = build(error_class).update_error_dict(start)
        return {k: [(e.message, e.code) for e in v] for k, v in result.items()}

    assert merged(ValidationError) == merged(DjangoError)


def test_equality_and_hash_like_django() -> None:
    a = ValidationError("x %(n)s", code="c", params={"n": 1})
    assert a == ValidationError("x %(n)s", code="c", params={"n": 1})
    assert a != ValidationError("x %(n)s", code="d", params={"n": 1})
    assert hash(a) == hash(ValidationError("x %(n)s", code="c", params={"n": 1}))
    assert ValidationError({"f": ["a", "b"]}) == ValidationError({"f": ["a", "b"]})
    assert ValidationError(["a", "b"]) == ValidationError(["b", "a"])  # Django: order-free
    assert len({a, ValidationError("x %(n)s", code="c", params={"n": 1})}) == 1


def test_a_placeholder_without_its_param_shows_the_message_as_written() -> None:
    # Django raises KeyError while listing the messages (a 500 in a view);
    # here the message is shown unformatted.
    error = ValidationError("Bad %(value)s and %(missing)s.", params={"value": "x"})
    assert error.messages == ["Bad %(value)s and %(missing)s."]
