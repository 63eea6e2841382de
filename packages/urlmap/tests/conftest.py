"""Django as the behavioural reference (manouche-testsupport); the shared views."""

from __future__ import annotations

from typing import Any

import pytest
from urlmap_views import class_view, view_a, view_b

from manouche.testsupport import configure_django


def pytest_configure() -> None:
    configure_django(ROOT_URLCONF=None, USE_I18N=False)


@pytest.fixture
def views() -> dict[str, Any]:
    return {"a": view_a, "b": view_b, "cls": class_view}
