"""Shared fixtures: Django REST framework configured once as the behavioural reference."""

from __future__ import annotations

from typing import Any

import pytest


def setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="restkit-tests",
            USE_TZ=False,
            USE_I18N=False,
            INSTALLED_APPS=[
                "django.contrib.contenttypes",
                "django.contrib.auth",
                "rest_framework",
                "restkit_ref",
            ],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            ROOT_URLCONF="restkit_ref.urls",
            REST_FRAMEWORK={"UNAUTHENTICATED_USER": None},
        )
        django.setup()


@pytest.fixture(scope="session")
def drf() -> Any:
    """DRF's serializers module, configured (English messages, naive datetimes)."""
    setup_django()
    from rest_framework import serializers

    return serializers


def plain(detail: Any) -> Any:
    """Errors as plain data with their codes: ``("message", "code")`` leaves."""
    if isinstance(detail, dict):
        return {key: plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [plain(item) for item in detail]
    return (str(detail), getattr(detail, "code", None))
