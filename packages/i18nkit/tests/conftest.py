"""Shared fixtures: a Catalogs installed per test, a fresh language, Django as reference."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from manouche import i18nkit
from manouche.testsupport import configure_django


@pytest.fixture
def use_catalogs() -> Iterator[Callable[..., i18nkit.Catalogs]]:
    """Install a Catalogs for the test, restore the previous one afterwards."""
    previous = i18nkit.get_catalogs()

    def install(*paths: Path, **kwargs: object) -> i18nkit.Catalogs:
        catalogs = i18nkit.Catalogs(paths, **kwargs)  # type: ignore[arg-type]
        i18nkit.set_catalogs(catalogs)
        return catalogs

    yield install
    i18nkit.set_catalogs(previous)
    i18nkit.deactivate()


@pytest.fixture(autouse=True)
def _fresh_language() -> Iterator[None]:
    i18nkit.deactivate()
    yield
    i18nkit.deactivate()


@pytest.fixture(scope="session")
def django_trans() -> object:
    """Django's trans_real with default settings (all its languages), or skip without Django."""
    pytest.importorskip("django")
    configure_django(USE_I18N=True, LANGUAGE_CODE="en-us")
    from django.utils.translation import trans_real

    return trans_real
