"""Many clients at once over real HTTP (waitress, 8 threads) get the single-client answers."""

from __future__ import annotations

import concurrent.futures
import urllib.error
import urllib.request
from typing import Any

import webob
from test_views import OurAtom, OurByTag, OurLatest

from manouche.testkit.servers import LiveServer

FEEDS = {"latest": OurLatest(), "atom": OurAtom(), "tag": OurByTag()}


def app(environ: dict[str, Any], start_response: Any) -> Any:
    request = webob.Request(environ)
    parts = request.path.strip("/").split("/")
    feed = FEEDS[parts[0]]
    response = feed(request, tag=parts[1]) if parts[0] == "tag" else feed(request)
    return response(environ, start_response)


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_many_clients_same_answers() -> None:
    with LiveServer(app, server="waitress", threads=8) as server:
        paths = ["/latest/", "/atom/", "/tag/news/", "/tag/nope/"]
        expected = {path: _fetch(server.url + path) for path in paths}
        assert [expected[p][0] for p in paths] == [200, 200, 200, 404]
        jobs = [paths[n % len(paths)] for n in range(80)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(lambda path: (path, _fetch(server.url + path)), jobs))
            stale = list(
                pool.map(
                    lambda _: _fetch(
                        server.url + "/atom/",
                        {"If-Modified-Since": "Sun, 06 Dec 2026 00:00:00 GMT"},
                    ),
                    range(20),
                )
            )
    assert len(answers) == 80
    for path, answer in answers:
        assert answer == expected[path], path
    assert stale == [(304, b"")] * 20
