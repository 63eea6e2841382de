"""Time zones: stored in UTC, shown in the active zone, one zone per thread, task and request."""

from __future__ import annotations

import asyncio
import datetime
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import webob

from manouche import i18nkit
from manouche.i18nkit import timezone

MOMENT = datetime.datetime(2026, 7, 1, 12, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _no_zone() -> Iterator[None]:
    timezone.deactivate()
    yield
    timezone.deactivate()
    timezone.set_default_timezone("UTC")


def test_now_is_aware_utc() -> None:
    current = timezone.now()
    assert timezone.is_aware(current)
    assert current.utcoffset() == datetime.timedelta(0)


def test_localtime_and_the_active_zone() -> None:
    assert timezone.get_current_timezone_name() == "UTC"
    timezone.activate("Europe/Berlin")
    assert timezone.get_current_timezone_name() == "Europe/Berlin"
    assert timezone.localtime(MOMENT).hour == 14  # CEST
    assert timezone.localtime(MOMENT, "Asia/Tokyo").hour == 21
    with timezone.override("America/New_York"):
        assert timezone.localtime(MOMENT).hour == 8
    assert timezone.localtime(MOMENT).hour == 14
    with pytest.raises(ValueError, match="naive"):
        timezone.localtime(datetime.datetime(2026, 1, 1))


def test_make_aware_and_naive() -> None:
    naive = datetime.datetime(2026, 1, 15, 9, 0)
    aware = timezone.make_aware(naive, "Europe/Paris")
    assert aware.utcoffset() == datetime.timedelta(hours=1)
    assert timezone.make_naive(aware, "UTC") == datetime.datetime(2026, 1, 15, 8, 0)
    with pytest.raises(ValueError, match="naive"):
        timezone.make_aware(aware)


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "Europe/" + "x" * 80, ""])
def test_unknown_zone_is_a_clear_error(name: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        timezone.activate(name)


def test_formatting_shows_the_active_zone() -> None:
    with i18nkit.override("de"):
        assert i18nkit.datetime_format(MOMENT, "short") == "01.07.26, 12:30"
        with timezone.override("Asia/Tokyo"):
            assert i18nkit.datetime_format(MOMENT, "short") == "01.07.26, 21:30"
            assert i18nkit.time_format(MOMENT, "short") == "21:30"
            late = datetime.datetime(2026, 7, 1, 20, 0, tzinfo=datetime.UTC)
            assert i18nkit.date_format(late, "short") == "02.07.26"  # already tomorrow in Tokyo
        # A naive datetime is shown as it is.
        naive = datetime.datetime(2026, 7, 1, 12, 30)
        with timezone.override("Asia/Tokyo"):
            assert i18nkit.datetime_format(naive, "short") == "01.07.26, 12:30"


def test_threads_and_tasks_each_keep_their_zone() -> None:
    zones = ["Europe/Berlin", "Asia/Tokyo", "America/New_York", "UTC"] * 4
    barrier = threading.Barrier(len(zones))
    seen: dict[int, int] = {}

    def worker(i: int, zone: str) -> None:
        timezone.activate(zone)
        barrier.wait()
        seen[i] = timezone.localtime(MOMENT).hour

    threads = [threading.Thread(target=worker, args=(i, z)) for i, z in enumerate(zones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = {"Europe/Berlin": 14, "Asia/Tokyo": 21, "America/New_York": 8, "UTC": 12}
    assert seen == {i: expected[z] for i, z in enumerate(zones)}

    async def task(zone: str, go: asyncio.Event) -> int:
        with timezone.override(zone):
            await go.wait()
            await asyncio.sleep(0)
            return timezone.localtime(MOMENT).hour

    async def main() -> list[int]:
        go = asyncio.Event()
        tasks = [asyncio.create_task(task(z, go)) for z in zones]
        await asyncio.sleep(0)
        go.set()
        return list(await asyncio.gather(*tasks))

    assert asyncio.run(main()) == [expected[z] for z in zones]
    assert timezone.get_active_timezone() is None


def test_middleware_activates_the_cookies_zone() -> None:
    def view(request: webob.Request) -> webob.Response:
        return webob.Response(f"{timezone.get_current_timezone_name()} {request.timezone}")

    app = i18nkit.TimezoneMiddleware(view, default="Europe/Paris")
    assert app(webob.Request.blank("/")).text == "Europe/Paris Europe/Paris"
    response = app(webob.Request.blank("/", headers={"Cookie": "django_timezone=Asia/Tokyo"}))
    assert response.text == "Asia/Tokyo Asia/Tokyo"
    assert response.headers["Vary"] == "Cookie"
    bad = app(webob.Request.blank("/", headers={"Cookie": "django_timezone=../x"}))
    assert bad.text.startswith("Europe/Paris")
    assert timezone.get_active_timezone() is None
    timezone.set_default_timezone(ZoneInfo("America/Sao_Paulo"))
    plain = i18nkit.TimezoneMiddleware(view)
    assert plain(webob.Request.blank("/")).text.startswith("America/Sao_Paulo")
