"""Many clients at once over real HTTP (waitress, 8 threads) get the single-client answers."""

from __future__ import annotations

import concurrent.futures
import functools
import urllib.error
import urllib.request
from typing import Any

import webob
from test_queryset import Article, Limited, db  # noqa: F401 - db is the fixture (3 backends)

from manouche.sitemaps import index, sitemap
from manouche.testkit.servers import LiveServer


def _app(maps: dict[str, Any]) -> Any:
    show = functools.partial(sitemap, sitemaps=maps, section="articles")
    show_index = functools.partial(index, sitemaps=maps)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = webob.Request(environ)
        view = show_index if request.path == "/sitemap.xml" else show
        return view(request)(environ, start_response)

    return app


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_many_clients_same_answers(db: Any) -> None:  # noqa: F811
    maps = {
        "articles": Limited({"queryset": Article.objects.using(db).all(), "date_field": "updated"})
    }
    with LiveServer(_app(maps), server="waitress", threads=8) as server:
        paths = ["/sitemap.xml", "/s.xml?p=1", "/s.xml?p=2", "/s.xml?p=3", "/s.xml?p=4"]
        expected = {path: _fetch(server.url + path) for path in paths}
        assert [expected[p][0] for p in paths] == [200, 200, 200, 200, 404]
        jobs = [paths[n % len(paths)] for n in range(60)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(lambda path: (path, _fetch(server.url + path)), jobs))
    assert len(answers) == 60
    for path, answer in answers:
        assert answer == expected[path], path
