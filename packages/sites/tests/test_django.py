"""Differential tests: Django's sites, redirects and flat pages and ours, on the same rows.

Each scenario database is written once by Django (its migrations make the
tables) and once by orm-lite (``create_all``); Django and manouche.sites
then answer every host and path of the scenario, and must give the same
status, ``Location`` and page body.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    HOSTS,
    PATHS,
    ask_django,
    ask_ours,
    create_tables,
    django_migrate,
    fill_with_django,
    fill_with_ours,
    our_app,
    point_django_at,
)

from manouche import orm_lite as models
from manouche.sites import FlatPage, Redirect, Site


@pytest.fixture(params=["django-wrote", "orm-lite-wrote"])
def scenario(request: Any, django_ready: None, tmp_path: Path) -> Iterator[models.Database]:
    path = tmp_path / "scenario.sqlite3"
    if request.param == "django-wrote":
        django_migrate(path)
        fill_with_django()
        db = models.Database(f"sqlite:///{path}", default=False)
    else:
        db = models.Database(f"sqlite:///{path}", default=False)
        create_tables(db)
        fill_with_ours(db)
        point_django_at(path)
    Site.objects.clear_cache()
    yield db
    db.dispose()
    Site.objects.clear_cache()


def test_every_host_and_path_answered_as_django(scenario: models.Database) -> None:
    app = our_app(scenario)
    mismatches = []
    statuses = set()
    for host in HOSTS:
        for path in PATHS:
            for user in (False, True):
                theirs = ask_django(host, path, user)
                ours = ask_ours(app, host, path, user)
                statuses.add(theirs[0])
                if ours != theirs:
                    mismatches.append((host, path, user, ours, theirs))
    assert mismatches == []
    # The scenario reaches every kind of answer.
    assert statuses == {200, 301, 302, 400, 404, 410}


def test_orm_lite_reads_the_rows_django_wrote(django_ready: None, tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite3"
    django_migrate(path)
    fill_with_django()
    db = models.Database(f"sqlite:///{path}", default=False)
    try:
        assert [(s.pk, s.domain, s.name) for s in Site.objects.using(db)] == sorted(
            [
                (1, "example.com", "Example"),
                (2, "other.test", "Other"),
                (3, "port.test:8080", "Port"),
            ],
            key=lambda t: t[1],
        )
        about = FlatPage.objects.using(db).get(url="/about/")
        assert sorted(s.domain for s in about.sites.all()) == ["example.com", "other.test"]
        assert Redirect.objects.using(db).filter(site__domain="other.test").get().new_path == (
            "/other-new/"
        )
        # The tables Django's migrations made are the tables our models describe.
        assert models.Migrations(db).diff("sites") == []
        assert models.Migrations(db).diff("redirects") == []
        assert models.Migrations(db).diff("flatpages") == []
    finally:
        db.dispose()


def test_django_reads_the_rows_orm_lite_wrote(django_ready: None, tmp_path: Path) -> None:
    from django.contrib.flatpages.models import FlatPage as DjFlatPage
    from django.contrib.redirects.models import Redirect as DjRedirect

    path = tmp_path / "o.sqlite3"
    db = models.Database(f"sqlite:///{path}", default=False)
    try:
        create_tables(db)
        fill_with_ours(db)
        point_django_at(path)
        page = DjFlatPage.objects.get(url="/trail/")
        assert sorted(page.sites.values_list("domain", flat=True)) == [
            "example.com",
            "port.test:8080",
        ]
        assert DjRedirect.objects.get(site_id=1, old_path="/gone/").new_path == ""
    finally:
        db.dispose()
