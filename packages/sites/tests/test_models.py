"""Site, the current site of a request and its cache."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import webob
from conftest import create_tables, fill_with_ours

from manouche import orm_lite as models
from manouche.sites import (
    RequestSite,
    Site,
    configure_site_cache,
    get_current_site,
    split_domain_port,
)
from manouche.sites import models as site_models


@pytest.fixture
def db() -> Iterator[models.Database]:
    database = models.Database("sqlite://", default=False)
    create_tables(database)
    fill_with_ours(database)
    Site.objects.clear_cache()
    yield database
    Site.objects.clear_cache()
    database.dispose()


def _request(host: str) -> webob.Request:
    return webob.Request.blank("/", headers={"Host": host})


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "Example.COM:8000",
        "example.com.",
        "[::1]:80",
        "[::1]",
        "127.0.0.1:8000",
        "bad host",
        "exa_mple.com",
        "example.com:port",
        "",
        "[::1",
        "ünï.example",
    ],
)
def test_split_domain_port_as_django(host: str) -> None:
    django_http = pytest.importorskip("django.http.request")
    assert split_domain_port(host) == django_http.split_domain_port(host)


def test_current_site_by_host_with_and_without_port(db: models.Database) -> None:
    manager = Site.objects.db_manager(db)
    assert manager.get_current(_request("EXAMPLE.com")).pk == 1
    assert manager.get_current(_request("example.com:8000")).pk == 1
    assert manager.get_current(_request("port.test:8080")).pk == 3
    with pytest.raises(Site.DoesNotExist):
        manager.get_current(_request("port.test"))
    with pytest.raises(Site.DoesNotExist):
        manager.get_current(_request("unknown.test"))
    assert manager.get_current(site_id=2).domain == "other.test"
    with pytest.raises(ValueError, match="request or a site_id"):
        manager.get_current()


def test_cached_site_needs_no_query_and_saving_clears_it(db: models.Database) -> None:
    manager = Site.objects.db_manager(db)
    assert manager.get_current(_request("other.test")).name == "Other"
    with models.count_queries(db) as seen:
        assert manager.get_current(_request("other.test")).name == "Other"
    assert len(seen) == 0
    site = Site.objects.using(db).get(pk=2)
    site.name = "Renamed"
    site.save()
    assert manager.get_current(_request("other.test")).name == "Renamed"
    Site.objects.using(db).filter(pk=2).first().delete()  # type: ignore[union-attr]
    with pytest.raises(Site.DoesNotExist):
        manager.get_current(_request("other.test"))


@pytest.fixture
def restore_cache() -> Iterator[None]:
    yield
    configure_site_cache()
    site_models._cache.clock = time.monotonic


def test_cache_is_bounded_whatever_the_hosts(db: models.Database, restore_cache: None) -> None:
    configure_site_cache(size=16)
    manager = Site.objects.db_manager(db)
    for port in range(1, 200):
        assert manager.get_current(_request(f"example.com:{port}")).pk == 1
    assert len(site_models._cache) == 16
    # Misses are never cached.
    for port in range(200):
        with pytest.raises(Site.DoesNotExist):
            manager.get_current(_request(f"nowhere.test:{port}"))
    assert len(site_models._cache) == 16


def test_get_current_site_uses_the_default_database(db: models.Database) -> None:
    default = models.Database("sqlite://")
    try:
        create_tables(default)
        Site.objects.create(domain="default.test", name="Default")
        assert get_current_site(_request("default.test")).name == "Default"
        with pytest.raises(Site.DoesNotExist):
            get_current_site(_request("example.com"))  # only in the other database
    finally:
        default.dispose()


def test_request_site() -> None:
    site = RequestSite(_request("example.com:8000"))
    assert (site.domain, site.name, str(site)) == ("example.com:8000",) * 3
    with pytest.raises(NotImplementedError):
        site.save()
    with pytest.raises(NotImplementedError):
        site.delete()


def test_domain_with_spaces_is_invalid() -> None:
    with pytest.raises(models.ValidationError, match="spaces or tabs"):
        Site(domain="exa mple.com", name="x").full_clean(validate_unique=False)


def test_cached_sites_expire_so_other_processes_changes_are_seen(
    db: models.Database, restore_cache: None
) -> None:
    ticks = [1000.0]
    configure_site_cache(ttl=30)
    site_models._cache.clock = lambda: ticks[0]
    manager = Site.objects.db_manager(db)
    assert manager.get_current(_request("other.test")).name == "Other"
    # Another process renames the site: no signal reaches this one.
    with db.engine.begin() as conn:
        conn.execute(Site.__table__.update().where(Site.__table__.c.id == 2).values(name="New"))
    ticks[0] += 29.9
    assert manager.get_current(_request("other.test")).name == "Other"  # still cached
    ticks[0] += 0.1
    assert manager.get_current(_request("other.test")).name == "New"


def test_cache_off(db: models.Database, restore_cache: None) -> None:
    configure_site_cache(ttl=0)
    manager = Site.objects.db_manager(db)
    for _ in range(3):
        with models.count_queries(db) as seen:
            assert manager.get_current(_request("other.test")).pk == 2
        assert len(seen) == 1
    assert len(site_models._cache) == 0
    with pytest.raises(ValueError, match="size and a ttl"):
        configure_site_cache(size=-1)
