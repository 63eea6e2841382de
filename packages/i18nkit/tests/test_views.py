"""set_language: POST only, the cookie, safe redirect targets, URLs moved to the new language."""

from __future__ import annotations

import pytest
import webob

from manouche import i18nkit
from manouche.i18nkit import LocaleMiddleware, is_safe_redirect, set_language, translate_url

LANGS = ["en", "de", "ar", "pt-br"]


def _post(data: dict[str, str], **headers: str) -> webob.Response:
    request = webob.Request.blank("/i18n/setlang/", POST=data, headers=headers)
    return set_language(request, languages=LANGS)


def test_post_sets_the_cookie_and_redirects_to_next() -> None:
    response = _post({"language": "de", "next": "/polls/?page=2"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/polls/?page=2"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("django_language=de;")
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()


def test_get_is_refused() -> None:
    response = set_language(webob.Request.blank("/i18n/setlang/?language=de"), languages=LANGS)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://evil.example@localhost.evil/",
        " /polls/",
        "/polls/\n",
        "/" + "a" * 3000,
    ],
)
def test_unsafe_next_goes_home(target: str) -> None:
    response = _post({"language": "de", "next": target})
    assert response.headers["Location"] == "/"
    assert not is_safe_redirect(target, "localhost:80")


def test_same_host_absolute_next_and_referer() -> None:
    assert _post({"language": "de", "next": "http://localhost:80/x"}).headers["Location"] == (
        "http://localhost:80/x"
    )
    response = _post({"language": "de"}, Referer="http://localhost:80/polls/")
    assert response.headers["Location"] == "http://localhost:80/polls/"
    response = _post({"language": "de"}, Referer="https://evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_language_keeps_the_cookie_alone() -> None:
    for code in ["xx", "../de", "de;q=1", ""]:
        response = _post({"language": code, "next": "/polls/"})
        assert response.status_code == 302
        assert "Set-Cookie" not in response.headers


def test_prefixed_next_moves_to_the_new_language() -> None:
    assert _post({"language": "ar", "next": "/de/polls/3/?x=1"}).headers["Location"] == (
        "/ar/polls/3/?x=1"
    )
    assert translate_url(
        "/de/polls/", "en", LANGS, default="en", prefix_default_language=False
    ) == ("/polls/")
    assert translate_url("/polls/", "de", LANGS) == "/polls/"
    assert translate_url("/pt-br/", "de", LANGS) == "/de/"


def test_the_cookie_then_chooses_the_language() -> None:
    cookie = _post({"language": "pt-br", "next": "/"}).headers["Set-Cookie"].split(";")[0]

    def view(request: webob.Request) -> webob.Response:
        return webob.Response(i18nkit.get_language() or "")

    app = LocaleMiddleware(view, languages=LANGS)
    response = app(webob.Request.blank("/", headers={"Cookie": cookie}))
    assert response.text == "pt-br"


def test_check_path_leaves_the_prefix_and_redirects_a_404() -> None:
    seen: list[tuple[str, str | None]] = []

    def view(request: webob.Request) -> webob.Response:
        seen.append((request.path_info, i18nkit.get_language()))
        status = 200 if request.path_info.startswith(("/de/", "/en/", "/api/")) else 404
        return webob.Response("x", status=status)

    app = LocaleMiddleware(view, languages=LANGS, check_path=True)
    assert app(webob.Request.blank("/de/polls/")).status_code == 200
    assert seen[-1] == ("/de/polls/", "de")
    response = app(webob.Request.blank("/polls/", headers={"Accept-Language": "de"}))
    assert response.status_code == 302
    assert response.headers["Location"] == "/de/polls/"
    assert app(webob.Request.blank("/api/x", headers={"Accept-Language": "de"})).status_code == 200
    strict = LocaleMiddleware(
        view, languages=LANGS, check_path=True, is_valid_path=lambda p: p.startswith("/de/p")
    )
    assert (
        strict(webob.Request.blank("/nothing/", headers={"Accept-Language": "de"})).status_code
        == 404
    )
    unprefixed = LocaleMiddleware(
        view, languages=LANGS, check_path=True, prefix_default_language=False
    )
    unprefixed(webob.Request.blank("/polls/", headers={"Accept-Language": "de"}))
    assert seen[-1] == ("/polls/", "en")
    with pytest.raises(ValueError, match="choose one"):
        LocaleMiddleware(view, languages=LANGS, check_path=True, prefix=True)
