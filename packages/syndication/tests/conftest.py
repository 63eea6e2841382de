"""Django, the behavioural reference, configured once: UTC, any host, no database."""

from __future__ import annotations

import pytest


def _configure() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            USE_TZ=True,
            TIME_ZONE="UTC",
            USE_I18N=False,
            LANGUAGE_CODE="en-us",
            ALLOWED_HOSTS=["*"],
            INSTALLED_APPS=[],
            DATABASES={},
        )
    import django

    django.setup()


@pytest.fixture(scope="session")
def django_ready() -> None:
    pytest.importorskip("django")
    _configure()
