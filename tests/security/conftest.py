"""The example sites, each served for real over HTTP by ``manouche-serve``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._serve import BIN, serving

SERVING_ON = r"Serving on (http://127\.0\.0\.1:\d+/)"


def serve_cmd(target: str, *extra: str) -> list[str]:
    return [str(BIN / "manouche-serve"), target, "--host", "127.0.0.1", "--port", "0", *extra]


def fresh_polls_tables(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ("polls_choice", "polls_question", "polls_activity", "alembic_version"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def polls(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The polls site on SQLite, PostgreSQL and MariaDB."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('polls') / 'polls.sqlite3'}"
    else:
        url = request.getfixturevalue(f"{request.param}_url")
        fresh_polls_tables(url)
    with serving(
        serve_cmd("examples.polls.app:application"), SERVING_ON, {"DATABASE_URL": url}
    ) as base:
        yield base


@pytest.fixture(scope="module")
def hello(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    static = tmp_path_factory.mktemp("static")
    (static / "app.css").write_text("body { color: black }\n")
    (static / "page.html").write_text("<!doctype html><p>static</p>\n")
    with serving(
        serve_cmd("examples.hello.app:application", "--static", f"/static={static}"), SERVING_ON
    ) as base:
        yield base


@pytest.fixture(scope="module")
def flask_mix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('flask') / 'notes.sqlite3'}"
    with serving(
        serve_cmd("examples.flask_mix.app:app"), SERVING_ON, {"DATABASE_URL": url}
    ) as base:
        yield base


def here() -> Path:
    return Path(__file__).parent
