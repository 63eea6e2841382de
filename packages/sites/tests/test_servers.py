"""The same answers on PostgreSQL and MariaDB, and under concurrent requests.

The scenario's answers on SQLite are checked against Django's in
test_django.py; here they are the reference for the real servers, and for
many threads asking at once while a site is being renamed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import HOSTS, PATHS, ask_ours, create_tables, drop_tables, fill_with_ours, our_app

from manouche import orm_lite as models
from manouche.sites import Site
from manouche.testkit.services import require_service


def _answers(db: models.Database) -> dict[tuple[str, str, bool], Any]:
    app = our_app(db)
    return {
        (host, path, user): ask_ours(app, host, path, user)
        for host in HOSTS
        for path in PATHS
        for user in (False, True)
    }


@pytest.fixture
def sqlite_answers() -> dict[tuple[str, str, bool], Any]:
    db = models.Database("sqlite://", default=False)
    try:
        create_tables(db)
        fill_with_ours(db)
        Site.objects.clear_cache()
        return _answers(db)
    finally:
        db.dispose()


@pytest.fixture(params=["postgresql", "mariadb"])
def server_db(request: Any) -> Iterator[models.Database]:
    db = models.Database(require_service(request.param), default=False)
    drop_tables(db)
    create_tables(db)
    fill_with_ours(db)
    Site.objects.clear_cache()
    yield db
    Site.objects.clear_cache()
    drop_tables(db)
    db.dispose()


def test_servers_answer_as_sqlite(
    server_db: models.Database, sqlite_answers: dict[tuple[str, str, bool], Any]
) -> None:
    Site.objects.clear_cache()
    assert _answers(server_db) == sqlite_answers


def _hammer(db: models.Database, expected: dict[tuple[str, str, bool], Any]) -> None:
    """Eight threads ask every question while the main thread keeps saving a site."""
    app = our_app(db)
    errors: list[Any] = []
    answered = []

    def client(n: int) -> None:
        count = 0
        try:
            for _ in range(1):
                for key, want in expected.items():
                    got = ask_ours(app, *key)
                    if got != want:
                        errors.append((key, got, want))
                    count += 1
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            answered.append(count)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    saves = 0
    site = Site.objects.using(db).get(pk=2)
    while any(t.is_alive() for t in threads):
        site.save()  # clears every cached site while the clients read
        saves += 1
        time.sleep(0.005)
    for t in threads:
        t.join()
    assert errors == []
    assert answered == [len(expected)] * 8
    assert saves > 0


def test_concurrent_requests_sqlite_file(
    tmp_path: Path, sqlite_answers: dict[tuple[str, str, bool], Any]
) -> None:
    db = models.Database(f"sqlite:///{tmp_path / 'c.sqlite3'}", default=False)
    try:
        create_tables(db)
        fill_with_ours(db)
        Site.objects.clear_cache()
        _hammer(db, sqlite_answers)
    finally:
        db.dispose()


def test_concurrent_requests_postgresql(
    sqlite_answers: dict[tuple[str, str, bool], Any],
) -> None:
    db = models.Database(require_service("postgresql"), default=False)
    try:
        drop_tables(db)
        create_tables(db)
        fill_with_ours(db)
        Site.objects.clear_cache()
        _hammer(db, sqlite_answers)
    finally:
        drop_tables(db)
        db.dispose()
