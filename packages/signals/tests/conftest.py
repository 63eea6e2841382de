"""Fixtures: each differential test runs once on our Signal and once on Django's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.dispatch import Signal as DjangoSignal

from manouche.signals import Signal


@pytest.fixture(params=["manouche", "django"])
def make_signal(request: pytest.FixtureRequest) -> Callable[[], Any]:
    """A factory of fresh signals: ours, then Django's (same test, same assertions)."""
    if request.param == "manouche":
        return lambda: Signal("test")
    return lambda: DjangoSignal()


def names(responses: list[tuple[Any, Any]]) -> list[tuple[str, Any]]:
    """``[(receiver name, response)]``, comparable across implementations."""
    return [(getattr(r, "__name__", type(r).__name__), value) for r, value in responses]
