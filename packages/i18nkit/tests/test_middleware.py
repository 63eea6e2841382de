"""LocaleMiddleware and get_language_from_request on WebOb requests."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import webob

from manouche import i18nkit

SITE = ["en", "fr", "de", "pt-br"]


def view(request: webob.Request) -> webob.Response:
    body = (
        f"{i18nkit.get_language()}|{request.script_name}|{request.path_info}|"
        f"{i18nkit.gettext('Enter a number.')}"
    )
    return webob.Response(body, content_type="text/plain", charset="utf-8")


def call(app: Any, path: str = "/polls/", **headers: str) -> webob.Response:
    request = webob.Request.blank(path, headers=headers)
    return app(request)


def test_accept_language_negotiated_and_labelled() -> None:
    app = i18nkit.LocaleMiddleware(view, languages=SITE)
    response = call(app, **{"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
    assert response.text == "fr||/polls/|Saisissez un nombre."
    assert response.headers["Content-Language"] == "fr"
    assert response.headers["Vary"] == "Accept-Language"
    assert i18nkit.get_language() == "en-us"  # restored after the request


def test_default_when_nothing_matches_and_on_a_bad_header() -> None:
    app = i18nkit.LocaleMiddleware(view, languages=SITE, default="de")
    assert call(app, **{"Accept-Language": "ja, zh"}).text.startswith("de|")
    assert call(app, **{"Accept-Language": ";;;garbage"}).text.startswith("de|")
    assert call(app).text.startswith("de|")
    # "*" stops the search: the default, not a later range.
    assert call(app, **{"Accept-Language": "ja, *, fr"}).text.startswith("de|")


def test_q_zero_is_not_acceptable() -> None:
    app = i18nkit.LocaleMiddleware(view, languages=SITE)
    assert call(app, **{"Accept-Language": "fr;q=0, de;q=0.1"}).text.startswith("de|")


def test_cookie_before_header_and_unknown_cookie_ignored() -> None:
    app = i18nkit.LocaleMiddleware(view, languages=SITE)
    headers = {"Accept-Language": "fr", "Cookie": "django_language=de"}
    assert call(app, **headers).text.startswith("de|")
    headers["Cookie"] = "django_language=xx"
    assert call(app, **headers).text.startswith("fr|")
    headers["Cookie"] = "django_language=pt"
    assert call(app, **headers).text.startswith("pt-br|")
    named = i18nkit.LocaleMiddleware(view, languages=SITE, cookie_name=None)
    assert call(named, **{"Accept-Language": "fr", "Cookie": "django_language=de"}).text.startswith(
        "fr|"
    )


def test_view_content_language_and_vary_kept() -> None:
    def labelled(request: webob.Request) -> webob.Response:
        response = webob.Response("x")
        response.headers["Content-Language"] = "es"
        response.headers["Vary"] = "Cookie"
        return response

    response = call(i18nkit.LocaleMiddleware(labelled, languages=SITE))
    assert response.headers["Content-Language"] == "es"
    assert response.headers["Vary"] == "Cookie, Accept-Language"


ENTER_A_NUMBER = {
    "fr": "Saisissez un nombre.",
    "de": "Bitte eine Zahl eingeben.",
    "pt-br": "Informe um número.",
    "en": "Enter a number.",
}


def test_url_prefix_moves_the_language_to_script_name() -> None:
    app = i18nkit.LocaleMiddleware(view, languages=SITE, prefix=True)
    response = call(app, "/fr/polls/", **{"Accept-Language": "de"})
    assert response.text == "fr|/fr|/polls/|Saisissez un nombre."
    assert "Vary" not in response.headers
    assert response.headers["Content-Language"] == "fr"
    assert call(app, "/pt-br").text == "pt-br|/pt-br|/|Informe um número."


def test_url_prefix_redirects_unprefixed_urls() -> None:
    app = i18nkit.LocaleMiddleware(view, languages=SITE, prefix=True)
    response = call(app, "/polls/?page=2", **{"Accept-Language": "de"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/de/polls/?page=2")
    assert "Accept-Language" in response.headers["Vary"]
    # An unsupported first segment is part of the path, not a language.
    response = call(app, "/xx/polls/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/xx/polls/")


def test_url_prefix_without_default_prefix() -> None:
    app = i18nkit.LocaleMiddleware(
        view, languages=SITE, default="en", prefix=True, prefix_default_language=False
    )
    assert call(app, "/polls/", **{"Accept-Language": "de"}).text.startswith("en||/polls/")
    assert call(app, "/de/polls/").text.startswith("de|/de|/polls/")


def test_bad_configuration_is_named() -> None:
    with pytest.raises(ValueError, match="at least one language"):
        i18nkit.LocaleMiddleware(view, languages=[])
    with pytest.raises(ValueError, match="invalid language code in languages: 'e n'"):
        i18nkit.LocaleMiddleware(view, languages=["e n"])


def test_concurrent_requests_each_in_their_language() -> None:
    barrier = threading.Barrier(12)

    def slow_view(request: webob.Request) -> webob.Response:
        barrier.wait()  # every request is inside its view at once
        return view(request)

    app = i18nkit.LocaleMiddleware(slow_view, languages=SITE)
    langs = ["fr", "en", "de", "pt-br"] * 3
    out: dict[int, str] = {}

    def client(i: int) -> None:
        out[i] = call(app, **{"Accept-Language": langs[i]}).text

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(langs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, lang in enumerate(langs):
        expected = ENTER_A_NUMBER[lang]
        assert out[i] == f"{lang}||/polls/|{expected}"


REQUESTS = [
    {},
    {"HTTP_ACCEPT_LANGUAGE": "de-AT,de;q=0.9"},
    {"HTTP_ACCEPT_LANGUAGE": "zh-TW,en;q=0.5"},
    {"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9,*;q=0.5"},
    {"HTTP_ACCEPT_LANGUAGE": "xx, pt;q=0.3, es-MX;q=0.4"},
    {"HTTP_ACCEPT_LANGUAGE": "*, de"},
    {"HTTP_ACCEPT_LANGUAGE": "en-gb"},
    {"HTTP_ACCEPT_LANGUAGE": "garbage;;", "cookie": "de"},
    {"HTTP_ACCEPT_LANGUAGE": "fr", "cookie": "de-at"},
    {"HTTP_ACCEPT_LANGUAGE": "fr", "cookie": "xx"},
    {"HTTP_ACCEPT_LANGUAGE": "fr", "cookie": "pt"},
    {"HTTP_ACCEPT_LANGUAGE": "sr-latn-rs, ja;q=0.9"},
]


@pytest.mark.parametrize("case", REQUESTS)
def test_get_language_from_request_as_django(case: dict[str, str], django_trans) -> None:
    from django.conf import global_settings
    from django.test import RequestFactory

    meta = {k: v for k, v in case.items() if k != "cookie"}
    django_request = RequestFactory().get("/", **meta)
    headers = {}
    if "HTTP_ACCEPT_LANGUAGE" in case:
        headers["Accept-Language"] = case["HTTP_ACCEPT_LANGUAGE"]
    if "cookie" in case:
        django_request.COOKIES["django_language"] = case["cookie"]
        headers["Cookie"] = f"django_language={case['cookie']}"
    request = webob.Request.blank("/", headers=headers)
    supported = [c for c, _ in global_settings.LANGUAGES]
    expected = django_trans.get_language_from_request(django_request)
    assert i18nkit.get_language_from_request(request, supported, "en-us") == expected
