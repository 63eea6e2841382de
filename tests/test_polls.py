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
DEMO_PASSWORD = "demo-pass-for-tests"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'polls.sqlite3'}"
    url: str = request.getfixturevalue("postgresql_url")
    # A fresh schema for each test: the site migrates and seeds an empty database.
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in (
            "polls_choice",
            "polls_question",
            "polls_activity",
            "alembic_version",
            "auth_user_groups",
            "auth_user_user_permissions",
            "auth_group_permissions",
            "auth_user",
            "auth_group",
            "auth_permission",
            "django_content_type",
            "django_session",
            "django_flatpage_sites",
            "django_flatpage",
            "django_site",
        ):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def site(database_url: str) -> Iterator[str]:
    env = {"DATABASE_URL": database_url, "POLLS_DEMO_PASSWORD": DEMO_PASSWORD}
    with serving([*SERVE, "--port", "0"], SERVING_ON, env) as url:
        yield url


def csrf_of(base: str, page: str) -> dict[str, str]:
    """GET ``page``; the CSRF cookie and form token it hands out, to send back."""
    status, headers, body = request(base, "GET", page)
    assert status == 200, body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token, body
    return {"Cookie": headers["Set-Cookie"].split(";", 1)[0], "token": token.group(1)}


def post(
    base: str, path: str, form: dict[str, str], csrf: dict[str, str]
) -> tuple[int, dict[str, str], str]:
    """POST ``form`` with the CSRF token and cookie from :func:`csrf_of`."""
    fields = {**form, "csrfmiddlewaretoken": csrf["token"]}
    return request(base, "POST", path, fields, {"Cookie": csrf["Cookie"]})


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

    csrf = csrf_of(site, f"/{question}/")
    status, headers, _ = post(site, f"/{question}/vote/", {"choice": str(spaces)}, csrf)
    assert status == 303
    assert headers["Location"].endswith(f"/{question}/results/")
    assert votes(site, question) == {"Tabs": 0, "Spaces": 1}

    # No choice: the error is shown next to the field and nothing is counted.
    status, _, body = post(site, f"/{question}/vote/", {}, csrf)
    assert status == 400
    assert '<ul class="errorlist" id="id_choice_error"><li>You didn&#39;t select a choice.' in body
    # A choice of another question is not a valid choice of this one.
    status, _, body = post(site, f"/{question}/vote/", {"choice": "1"}, csrf)
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
            csrf = csrf_of(site, "/1/")
            barrier.wait()
            for _ in range(per_thread):
                assert post(site, "/1/vote/", {"choice": "1"}, csrf)[0] == 303
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=voter) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    assert sum(votes(site, 1).values()) == per_thread * threads


def test_votes_need_the_csrf_token_and_this_origin(site: str) -> None:
    assert request(site, "POST", "/1/vote/", {"choice": "1"})[0] == 403  # no token
    csrf = csrf_of(site, "/1/")
    evil = {"Cookie": csrf["Cookie"], "Origin": "http://evil.example"}
    fields = {"choice": "1", "csrfmiddlewaretoken": csrf["token"]}
    status, _, body = request(site, "POST", "/1/vote/", fields, evil)
    assert status == 403 and "Origin checking failed" in body
    other = csrf_of(site, "/1/")  # another visitor's token does not fit this cookie
    stolen = {"Cookie": csrf["Cookie"]}
    assert (
        request(
            site, "POST", "/1/vote/", {**fields, "csrfmiddlewaretoken": other["token"]}, stolen
        )[0]
        == 403
    )
    assert sum(votes(site, 1).values()) == 0


def test_adding_a_poll_needs_a_login(site: str) -> None:
    status, headers, _ = request(site, "GET", "/add/")
    assert status == 302 and headers["Location"].endswith("/login/?next=/add/")
    csrf = csrf_of(site, "/login/?next=/add/")
    status, _, body = post(site, "/login/?next=/add/", {"username": "demo", "password": "x"}, csrf)
    assert status == 400 and "didn&#39;t match" in body
    # An open redirect through next is refused: the login lands on the site.
    status, headers, _ = post(
        site, "/login/?next=//evil.example/", {"username": "demo", "password": DEMO_PASSWORD}, csrf
    )
    assert status == 303 and headers["Location"].startswith(site.rstrip("/"))
    assert "evil" not in headers["Location"]
    status, headers, _ = post(
        site, "/login/?next=/add/", {"username": "demo", "password": DEMO_PASSWORD}, csrf
    )
    assert status == 303 and headers["Location"].endswith("/add/")
    session = headers["Set-Cookie"].split(";", 1)[0]
    assert session.startswith("sessionid=")
    # The login rotated the CSRF secret: the page hands out the new cookie and token.
    status, headers, body = request(site, "GET", "/add/", None, {"Cookie": session})
    assert status == 200 and "Add a poll" in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token
    cookies = f"{session}; {headers['Set-Cookie'].split(';', 1)[0]}"
    fields = {
        "question_text": "Cheese or chocolate?",
        "choices": "Cheese\nChocolate\n",
        "csrfmiddlewaretoken": token.group(1),
    }
    status, headers, _ = request(site, "POST", "/add/", fields, {"Cookie": cookies})
    assert status == 303
    status, _, body = request(site, "GET", "/")
    assert "Cheese or chocolate?" in body


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
        csrf = csrf_of(url, "/2/")  # one secret, checked by every worker
        for _ in range(12):  # spread over the workers
            assert post(url, "/2/vote/", {"choice": "4"}, csrf)[0] == 303
        assert votes(url, 2)["gunicorn"] == 12


def test_readme_demo_command_serves_the_polls_site(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    demo_command = block.strip().splitlines()[1]
    assert demo_command == "python3 dev.py demo"
    env = {"MANOUCHE_DEMO_PORT": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    with serving([sys.executable, "dev.py", "demo"], SERVING_ON, env) as url:
        status, _, body = request(url, "GET", "/")
        assert status == 200 and "What&#x27;s your favourite batteries-included part?" in body


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


def test_about_is_a_flat_page(site: str) -> None:
    """The "about" page is a row of django_flatpage, served in the site's layout."""
    status, headers, body = request(site, "GET", "/about/")
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Content-Security-Policy"] == "default-src 'self'"
    assert "<title>About Polls · Manouche</title>" in body
    assert "<h1>About Polls</h1>" in body
    assert "a <em>flat page</em>: a row of Django's <code>django_flatpage</code>" in body
    assert re.search(r'<link rel="stylesheet" href="/static/polls/style\.[0-9a-f]{12}\.css">', body)
    # Django's APPEND_SLASH for flat pages; other unknown paths stay 404.
    status, headers, _ = request(site, "GET", "/about")
    assert status == 301 and headers["Location"].endswith("/about/")
    assert request(site, "GET", "/no-such-page/")[0] == 404
    # Every page links to it.
    assert '<a href="/about/">About this site</a>' in request(site, "GET", "/")[2]


def test_collected_static_files_are_served_with_their_headers(tmp_path: Path) -> None:
    """collectstatic on the example, then every hashed URL of its manifest over HTTP."""
    import gzip
    import http.client
    import json
    import subprocess
    import urllib.parse

    root = tmp_path / "static_root"
    done = subprocess.run(
        [str(BIN / "manouche-collectstatic"), str(root), "examples/polls/static"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    paths = json.loads((root / "staticfiles.json").read_text())["paths"]
    assert set(paths) >= {"polls/style.css", "polls/ballot.svg"}
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'polls.sqlite3'}", "STATIC_ROOT": str(root)}
    with serving([*SERVE, "--port", "0"], SERVING_ON, env) as site:
        # The pages link the hashed stylesheet, whose url() names the hashed image.
        page = request(site, "GET", "/")[2]
        assert f'href="/static/{paths["polls/style.css"]}"' in page
        css = (root / paths["polls/style.css"]).read_text()
        assert f'url("{paths["polls/ballot.svg"].split("/")[-1]}")' in css
        parts = urllib.parse.urlsplit(site)
        # Installed packages' static folders are collected too (adminkit's admin.css, admin.js).
        types = {".css": "text/css", ".svg": "image/svg+xml", ".js": "text/javascript"}
        for name, hashed in paths.items():
            url = f"/static/{hashed}"
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            try:
                conn.request("GET", url)
                answer = conn.getresponse()
                body = answer.read()
                assert answer.status == 200, (url, answer.status)
                assert body == (root / hashed).read_bytes(), url
                assert answer.getheader("Cache-Control") == "max-age=31536000, public, immutable"
                assert answer.getheader("Content-Type", "").startswith(types[Path(name).suffix]), (
                    answer.getheader("Content-Type")
                )
                assert answer.getheader("X-Content-Type-Options") == "nosniff"
                etag = answer.getheader("ETag")
                assert etag and answer.getheader("Last-Modified")
                # A revalidation costs nothing: 304, no body.
                conn.request("GET", url, headers={"If-None-Match": etag})
                again = conn.getresponse()
                assert again.status == 304 and again.read() == b""
                # The precompressed copy when the client takes gzip.
                if (root / f"{hashed}.gz").exists():
                    conn.request("GET", url, headers={"Accept-Encoding": "gzip"})
                    zipped = conn.getresponse()
                    assert zipped.getheader("Content-Encoding") == "gzip"
                    assert "Accept-Encoding" in (zipped.getheader("Vary") or "")
                    assert gzip.decompress(zipped.read()) == body
                # One byte range.
                conn.request("GET", url, headers={"Range": "bytes=0-9"})
                ranged = conn.getresponse()
                assert ranged.status == 206 and ranged.read() == body[:10]
                assert ranged.getheader("Content-Range") == f"bytes 0-9/{len(body)}"
            finally:
                conn.close()
        # The unhashed names are served too, but not as immutable.
        status, headers, _ = request(site, "GET", "/static/polls/style.css")
        assert status == 200 and "immutable" not in headers.get("Cache-Control", "")
        assert request(site, "GET", "/static/../app.py")[0] == 404
