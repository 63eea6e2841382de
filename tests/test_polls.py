"""The polls example over real HTTP: SQLite and PostgreSQL, waitress and gunicorn."""

from __future__ import annotations

import re
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._serve import BIN, ROOT, request, serving

SERVE = [str(BIN / "manouche-serve"), "examples.polls.app:application", "--host", "127.0.0.1"]
SERVING_ON = r"Serving on (http://127\.0\.0\.1:\d+/)"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'polls.sqlite3'}"
    url: str = request.getfixturevalue("postgresql_url")
    # A fresh schema for each test: the site migrates and seeds an empty database.
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ("polls_choice", "polls_question", "polls_activity", "alembic_version"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def site(database_url: str) -> Iterator[str]:
    with serving([*SERVE, "--port", "0"], SERVING_ON, {"DATABASE_URL": database_url}) as url:
        yield url


def votes(base: str, question: int) -> dict[str, int]:
    status, _, body = request(base, "GET", f"/{question}/results/")
    assert status == 200, body
    pairs = re.findall(
        r'<span class="choice">([^<]+)</span> —\s*<span class="votes">(\d+)</span>', body
    )
    return {choice: int(n) for choice, n in pairs}


def test_list_detail_vote_results(site: str) -> None:
    status, headers, body = request(site, "GET", "/")
    assert status == 200
    assert "Tabs or spaces?" in body
    assert "New poll: Tabs or spaces?" in body  # written by the post_save receiver
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    question = int(re.search(r'href="/(\d+)/">Tabs or spaces\?', body).group(1))  # type: ignore[union-attr]

    status, _, body = request(site, "GET", f"/{question}/")
    assert status == 200
    spaces = int(re.search(r'value="(\d+)"[^>]*> Spaces', body).group(1))  # type: ignore[union-attr]

    status, headers, _ = request(site, "POST", f"/{question}/vote/", {"choice": str(spaces)})
    assert status == 303
    assert headers["Location"].endswith(f"/{question}/results/")
    assert votes(site, question) == {"Tabs": 0, "Spaces": 1}

    # No choice: the error is shown next to the field and nothing is counted.
    status, _, body = request(site, "POST", f"/{question}/vote/", {})
    assert status == 400
    assert '<ul class="errorlist" id="id_choice_error"><li>You didn&#39;t select a choice.' in body
    # A choice of another question is not a valid choice of this one.
    status, _, body = request(site, "POST", f"/{question}/vote/", {"choice": "1"})
    assert status == 400 and "Select a valid choice." in body
    assert votes(site, question) == {"Tabs": 0, "Spaces": 1}

    assert request(site, "GET", "/999/")[0] == 404
    assert request(site, "GET", f"/{question}/vote/")[0] == 405
    assert request(site, "GET", f"/{question}")[0] == 301  # append slash


def test_votes_sent_at_once_are_all_counted(site: str) -> None:
    per_thread, threads = 15, 2
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def voter() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                assert request(site, "POST", "/1/vote/", {"choice": "1"})[0] == 303
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=voter) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    assert sum(votes(site, 1).values()) == per_thread * threads


@pytest.mark.skipif(
    shutil.which("gunicorn", path=str(BIN)) is None, reason="gunicorn not installed"
)
def test_under_gunicorn_with_several_workers(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'polls.sqlite3'}"
    cmd = [str(BIN / "gunicorn"), "-w", "3", "--preload", "-b", "127.0.0.1:0"]
    cmd += ["examples.polls.app:application"]
    with serving(
        cmd, r"Listening at: (http://127\.0\.0\.1:\d+)", {"DATABASE_URL": database_url}
    ) as url:
        for _ in range(12):  # spread over the workers
            assert request(url, "POST", "/2/vote/", {"choice": "4"})[0] == 303
        assert votes(url, 2)["gunicorn"] == 12


def test_readme_demo_command_serves_the_polls_site(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    demo_command = block.strip().splitlines()[1]
    assert demo_command == "python3 dev.py demo"
    env = {"MANOUCHE_DEMO_PORT": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    with serving([sys.executable, "dev.py", "demo"], SERVING_ON, env) as url:
        status, _, body = request(url, "GET", "/")
        assert status == 200 and "What&#39;s your favourite batteries-included part?" in body


def test_feed_and_sitemaps(site: str) -> None:
    """The latest-questions feed and the sitemaps (syndication, sitemaps) over real HTTP."""
    import http.client
    import urllib.parse
    import xml.etree.ElementTree as ET

    status, headers, body = request(site, "GET", "/feeds/latest/")
    assert status == 200
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8", headers
    channel = ET.fromstring(body).find("channel")
    assert channel is not None
    titles = [item.findtext("title") for item in channel.iter("item")]
    assert "Tabs or spaces?" in titles and len(titles) == 3
    host = urllib.parse.urlsplit(site).netloc
    links = [item.findtext("link") or "" for item in channel.iter("item")]
    assert all(re.fullmatch(rf"http://{re.escape(host)}/\d+/", link) for link in links), links

    etag = {k.lower(): v for k, v in headers.items()}["etag"]
    parts = urllib.parse.urlsplit(site)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", "/feeds/latest/", headers={"If-None-Match": etag})
        again = conn.getresponse()
        assert again.status == 304 and again.read() == b""
    finally:
        conn.close()

    status, headers, body = request(site, "GET", "/sitemap.xml")
    assert status == 200 and headers["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert f"<loc>http://{host}/sitemap-questions.xml</loc>" in body
    assert f"<loc>http://{host}/sitemap-static.xml</loc>" in body
    status, _, body = request(site, "GET", "/sitemap-questions.xml")
    assert status == 200
    assert sorted(re.findall(r"<loc>([^<]+)</loc>", body)) == sorted(links)
    assert request(site, "GET", "/sitemap-questions.xml?p=2")[0] == 404
    assert request(site, "GET", "/sitemap-nope.xml")[0] == 404
