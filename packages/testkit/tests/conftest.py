from __future__ import annotations

from pathlib import Path

import pytest

from manouche.testkit import require_service

# The plugin tests run pytest sessions of their own.
pytest_plugins = ["pytester"]

BACKENDS = ["sqlite", "postgresql", "mariadb"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of a database backend; servers that are down skip (fail when required)."""
    name: str = request.param
    if name != "sqlite":
        require_service(name)
    return name


@pytest.fixture
def backend_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of ``backend`` for this test (a fresh database per session on the servers)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    url: str = request.getfixturevalue(f"{backend}_url")
    return url
