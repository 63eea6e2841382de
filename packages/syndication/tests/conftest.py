"""Django, the behavioural reference, configured once: UTC, any host, no database."""

from __future__ import annotations

import pytest

from manouche.testsupport import configure_django


def _configure() -> None:
    configure_django(USE_I18N=False, LANGUAGE_CODE="en-us", DATABASES={})


@pytest.fixture(scope="session")
def django_ready() -> None:
    pytest.importorskip("django")
    _configure()
