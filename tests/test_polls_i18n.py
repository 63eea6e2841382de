"""The polls site in German and Arabic over real HTTP: /de/ and /ar/ (right to left),
translated form errors, localized dates, the language switcher behind CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests._serve import request, serving
from tests.test_polls import DEMO_PASSWORD, SERVE, SERVING_ON, csrf_of, post


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("polls-i18n") / "polls.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "POLLS_DEMO_PASSWORD": DEMO_PASSWORD}
    with serving([*SERVE, "--port", "0"], SERVING_ON, env) as url:
        yield url


def _question(body: str, prefix: str) -> int:
    found = re.search(rf'href="{prefix}/(\d+)/">Tabs or spaces\?', body)
    assert found, body
    return int(found.group(1))


def test_english_stays_at_the_root(site: str) -> None:
    status, headers, body = request(site, "GET", "/")
    assert status == 200
    assert '<html lang="en" dir="ltr">' in body
    assert "<h1>Polls</h1>" in body
    assert headers["Content-Language"] == "en"
    assert re.search(r"asked on [A-Z][a-z]{2} \d+, 20\d\d", body), body


def test_german_pages_errors_and_dates(site: str) -> None:
    status, headers, body = request(site, "GET", "/de/")
    assert status == 200
    assert '<html lang="de" dir="ltr">' in body
    assert "<h1>Umfragen</h1>" in body and "Letzte Aktivitäten" in body
    assert headers["Content-Language"] == "de"
    # CLDR's medium German date: "07.12.2026, 19:05:03".
    assert re.search(r"gefragt am \d\d\.\d\d\.20\d\d, \d\d:\d\d:\d\d", body), body
    question = _question(body, "/de")  # links are reversed in German
    csrf = csrf_of(site, f"/de/{question}/")
    status, _, body = post(site, f"/de/{question}/vote/", {}, csrf)
    assert status == 400
    assert "Sie haben keine Antwort ausgewählt." in body  # the form's own message
    assert '<button type="submit">Abstimmen</button>' in body
    status, _, body = post(site, f"/de/{question}/vote/", {"choice": "999"}, csrf)
    # formkit's message in Django's German wording.
    assert "Bitte eine gültige Auswahl treffen. 999 ist keine gültige Auswahl." in body
    spaces = re.search(r'value="(\d+)"[^>]*> Spaces', body).group(1)  # type: ignore[union-attr]
    status, headers, _ = post(site, f"/de/{question}/vote/", {"choice": spaces}, csrf)
    assert status == 303
    assert headers["Location"].endswith(f"/de/{question}/results/")
    status, _, body = request(site, "GET", f"/de/{question}/results/")
    assert '<span class="votes">1</span> Stimme' in body
    assert "Ergebnisse: Tabs or spaces?" in body


def test_arabic_is_right_to_left_with_six_plural_forms(site: str) -> None:
    status, headers, body = request(site, "GET", "/ar/")
    assert status == 200
    assert '<html lang="ar" dir="rtl">' in body
    assert "<h1>الاستطلاعات</h1>" in body
    assert headers["Content-Language"] == "ar"
    # The date in Arabic: month name in Arabic script.
    date = re.search(r"طُرح في ([^<]+)</small>", body)
    assert date and re.search(r"[\u0600-\u06ff]", date.group(1)), body
    question = _question(body, "/ar")
    csrf = csrf_of(site, f"/ar/{question}/")
    status, _, body = post(site, f"/ar/{question}/vote/", {}, csrf)
    assert status == 400
    assert "لم تختر أي خيار." in body
    status, _, body = request(site, "GET", f"/ar/{question}/results/")
    assert re.search(r'<span class="votes">\d+</span> (صوت|صوتان|أصوات)', body), body


def test_unknown_language_prefix_is_404(site: str) -> None:
    assert request(site, "GET", "/fr/")[0] == 404
    assert request(site, "GET", "/xx/1/")[0] == 404


def test_language_switcher_needs_the_csrf_token_and_stays_on_site(site: str) -> None:
    # Without the form's token: refused by authkit's CSRF middleware.
    status, _, _ = request(site, "POST", "/i18n/setlang/", {"language": "de", "next": "/"})
    assert status == 403
    csrf = csrf_of(site, "/")
    status, headers, _ = post(site, "/i18n/setlang/", {"language": "ar", "next": "/de/1/"}, csrf)
    assert status == 302
    assert headers["Location"] == f"{site}/ar/1/"  # WebOb writes it absolute
    assert "django_language=ar" in headers["Set-Cookie"]
    status, headers, _ = post(
        site, "/i18n/setlang/", {"language": "de", "next": "https://evil.example/"}, csrf
    )
    assert status == 302 and headers["Location"] == f"{site}/"
    status, headers, _ = post(site, "/i18n/setlang/", {"language": "en", "next": "/de/"}, csrf)
    assert headers["Location"] == f"{site}/"
    assert request(site, "GET", "/i18n/setlang/")[0] == 405


def test_time_zone_cookie_moves_the_dates(site: str) -> None:
    _, _, utc = request(site, "GET", "/de/")
    _, _, tokyo = request(site, "GET", "/de/", None, {"Cookie": "django_timezone=Asia/Tokyo"})
    first_utc = re.search(r"gefragt am [\d.]+, (\d\d):", utc)
    first_tokyo = re.search(r"gefragt am [\d.]+, (\d\d):", tokyo)
    assert first_utc and first_tokyo
    assert (int(first_utc.group(1)) + 9) % 24 == int(first_tokyo.group(1))


@pytest.mark.parametrize("prefix", ["/de", "/ar"])
def test_every_page_is_served_under_the_language_prefix(site: str, prefix: str) -> None:
    language = prefix.strip("/")
    _, _, body = request(site, "GET", f"{prefix}/")
    question = _question(body, prefix)
    pages = ["/", f"/{question}/", f"/{question}/results/", "/login/", "/about/"]
    pages += ["/feeds/latest/", "/sitemap.xml"]
    for page in pages:
        status, headers, body = request(site, "GET", f"{prefix}{page}")
        assert status == 200, page
        if "html" in headers["Content-Type"]:
            assert f'<html lang="{language}"' in body, page


def test_logging_in_stays_in_the_pages_language(site: str) -> None:
    # The page that needs a login sends to the login page of its own language.
    status, headers, _ = request(site, "GET", "/de/add/")
    assert status == 302 and headers["Location"].endswith("/de/login/?next=/de/add/")
    status, _, body = request(site, "GET", "/de/login/?next=/de/add/")
    assert status == 200 and "<h1>Anmelden</h1>" in body
    csrf = csrf_of(site, "/de/login/")
    status, _, body = post(site, "/de/login/", {"username": "demo", "password": "x"}, csrf)
    assert status == 400 and '<html lang="de"' in body
    status, headers, _ = post(
        site, "/de/login/?next=/de/add/", {"username": "demo", "password": DEMO_PASSWORD}, csrf
    )
    assert status == 303 and headers["Location"].endswith("/de/add/")
    session = headers["Set-Cookie"].split(";", 1)[0]
    status, _, body = request(site, "GET", "/de/add/", None, {"Cookie": session})
    assert status == 200 and '<html lang="de"' in body
    # Without a next, the login lands on the home page of the language.
    status, headers, _ = post(
        site, "/ar/login/", {"username": "demo", "password": DEMO_PASSWORD}, csrf
    )
    assert status == 303 and headers["Location"].endswith("/ar/")
