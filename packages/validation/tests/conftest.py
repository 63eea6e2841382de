"""Django configured once, as the behavioural reference of the differential tests."""

from __future__ import annotations

import pytest

from manouche.testsupport import configure_django


@pytest.fixture(scope="session", autouse=True)
def django_reference() -> None:
    configure_django(USE_I18N=False, USE_TZ=False)
