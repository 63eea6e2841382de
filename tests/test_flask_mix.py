"""The Flask example over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._serve import BIN, request, serving


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'notes.sqlite3'}"
    else:
        import sqlalchemy as sa

        url = request.getfixturevalue("postgresql_url")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS notes, flask_mix_bookmark"))
        engine.dispose()
    cmd = [str(BIN / "manouche-serve"), "examples.flask_mix.app:app", "--host", "127.0.0.1"]
    with serving(
        [*cmd, "--port", "0"], r"Serving on (http://127\.0\.0\.1:\d+/)", {"DATABASE_URL": url}
    ) as base:
        yield base


def _csrf(site: str) -> tuple[str, dict[str, str]]:
    """The form's token and the cookie a browser would send back with it."""
    status, headers, body = request(site, "GET", "/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    return token.group(1), {"Cookie": cookie}


def test_flask_app_with_manouche_parts(site: str) -> None:
    status, _, body = request(site, "GET", "/")
    assert status == 200 and '<input type="url" name="url" required id="id_url">' in body
    token, cookie = _csrf(site)

    form = {"url": "https://example.org/page", "title": "<Example>", "csrfmiddlewaretoken": token}
    status, headers, _ = request(site, "POST", "/bookmarks", form, cookie)
    assert status == 303 and headers["Location"] in ("/", site.rstrip("/") + "/")  # WebOb: absolute
    status, _, body = request(site, "GET", "/")
    # orm-lite row, escaped by Jinja2, with the tplkit library's filter.
    assert '<a href="https://example.org/page">&lt;Example&gt;</a> (example.org)' in body
    # The signal receiver wrote to the app's own SQLAlchemy table.
    assert "<li>Bookmarked &lt;Example&gt;</li>" in body

    bad = {"url": "not a url", "title": "", "csrfmiddlewaretoken": token}
    status, _, body = request(site, "POST", "/bookmarks", bad, cookie)
    assert status == 400
    assert re.search(
        r'<li>Enter a valid URL\.</li></ul>\s*<input type="url" name="url" value="not a url"', body
    )
    assert "This field is required." in body
    assert body.count("<li>Bookmarked") == 1  # nothing was saved


def test_flask_app_refuses_a_post_without_the_form_s_token(site: str) -> None:
    form = {"url": "https://example.org/forged", "title": "Forged"}
    status, _, body = request(site, "POST", "/bookmarks", form)
    assert status == 403 and "CSRF" in body
    _token, cookie = _csrf(site)
    stolen_cookie_only = request(site, "POST", "/bookmarks", form, cookie)
    assert stolen_cookie_only[0] == 403
    assert "Forged" not in request(site, "GET", "/")[2]
