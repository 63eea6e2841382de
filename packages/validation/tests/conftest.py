"""Django configured once, as the behavioural reference of the differential tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def django_reference() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False, USE_TZ=False, SECRET_KEY="validation-tests")
        django.setup()
