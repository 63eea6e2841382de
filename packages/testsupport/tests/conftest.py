"""Django configured as the reference for this suite (through the helper under test)."""

from __future__ import annotations

from manouche.testsupport import configure_django


def pytest_configure() -> None:
    configure_django(USE_I18N=False)
