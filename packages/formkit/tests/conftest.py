"""Django configured once as the behavioural reference (manouche-testsupport)."""

from __future__ import annotations

from typing import Any

import pytest

from manouche.testsupport import configure_django


def pytest_configure() -> None:
    # English messages and naive datetimes, as formkit's defaults; the reference
    # app holds the Django twins of the orm-lite models.
    configure_django(USE_TZ=False, USE_I18N=False, INSTALLED_APPS=["formkit_ref"])


@pytest.fixture(scope="session")
def dj() -> Any:
    """Django's forms module, configured (English messages, naive datetimes)."""
    from django import forms

    return forms
