"""Shared fixtures: Django REST framework configured once as the behavioural reference."""

from __future__ import annotations

from typing import Any

import pytest

from manouche.testsupport import configure_django


def setup_django() -> None:
    """Django REST framework as the reference: naive datetimes, English messages."""
    configure_django(
        USE_TZ=False,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "restkit_ref",
        ],
        ROOT_URLCONF="restkit_ref.urls",
        REST_FRAMEWORK={"UNAUTHENTICATED_USER": None},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )


@pytest.fixture(scope="session")
def drf() -> Any:
    """DRF's serializers module, configured (English messages, naive datetimes)."""
    setup_django()
    from rest_framework import serializers

    return serializers
