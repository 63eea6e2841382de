"""``set_language``: the view a language switcher posts to (Django's ``django.views.i18n``).

A view in the project's shape, ``view(request, **route_kwargs) -> response``,
over WebOb-style requests (it reads ``method``, ``POST``, ``GET``,
``headers``, ``host_url`` and builds its response with
``request.ResponseClass``; it never imports WebOb). Wire it with the site's
languages as route kwargs::

    path("i18n/setlang/", set_language, {"languages": ["en", "de", "ar"]}, name="set_language")

It changes state, so it answers POST only (405 otherwise, where Django
redirects without changing anything). It has no CSRF exemption: behind
authkit's ``CsrfViewMiddleware`` a post without the form's token is refused
(403) like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from manouche.i18nkit.middleware import LANGUAGE_COOKIE_NAME
from manouche.i18nkit.negotiation import get_supported_language_variant, is_language_code

__all__ = ["LANGUAGE_COOKIE_AGE", "is_safe_redirect", "set_language", "translate_url"]

# Django's LANGUAGE_COOKIE_AGE is None (a session cookie); a switcher's choice
# is meant to last, so a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

MAX_NEXT_LENGTH = 2048


def is_safe_redirect(url: str, host: str | None = None) -> bool:
    """Whether ``url`` stays on this site: a local path, or an http(s) URL to ``host``.

    Refuses scheme-relative ``//evil.example``, backslash tricks (``/\\evil``),
    other schemes (``javascript:``), control characters and over-long values.
    """
    if not url or len(url) > MAX_NEXT_LENGTH or url != url.strip():
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    if "\\" in url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return url.startswith("/") and not url.startswith("//")
    if parts.scheme not in ("http", "https") or host is None:
        return False
    return parts.netloc.lower() == host.lower()


def translate_url(
    url: str,
    language: str,
    languages: Sequence[str],
    *,
    default: str | None = None,
    prefix_default_language: bool = True,
) -> str:
    """``url`` with its language prefix changed to ``language`` (Django's ``translate_url``).

    ``/de/polls/3/`` becomes ``/fr/polls/3/``; with ``prefix_default_language=False``
    the default language's URL has no prefix. A URL without a language prefix
    is returned unchanged.
    """
    parts = urlsplit(url)
    segment, slash, rest = parts.path.lstrip("/").partition("/")
    if segment not in languages:
        return url
    if language == default and not prefix_default_language:
        new_path = "/" + rest
    else:
        new_path = "/" + language + slash + rest
    return parts._replace(path=new_path).geturl()


def set_language(
    request: Any,
    *,
    languages: Sequence[str],
    default: str | None = None,
    prefix_default_language: bool = True,
    cookie_name: str = LANGUAGE_COOKIE_NAME,
    cookie_age: int | None = LANGUAGE_COOKIE_AGE,
    cookie_secure: bool = False,
) -> Any:
    """Remember the posted ``language`` in the language cookie and redirect to ``next``.

    ``next`` (posted, else in the query string, else the ``Referer``) is used
    only when it stays on this site (:func:`is_safe_redirect`), else ``/``; a
    language-prefixed ``next`` is turned into the chosen language's URL. An
    unknown language leaves the cookie alone (Django's behaviour) and still
    redirects.
    """
    if request.method != "POST":
        response = request.ResponseClass(status=405)
        response.headers["Allow"] = "POST"
        return response
    host = request.host
    candidates = [request.POST.get("next"), request.GET.get("next"), request.headers.get("Referer")]
    target = next(
        (str(c) for c in candidates if c and is_safe_redirect(str(c), host)),
        "/",
    )
    response = request.ResponseClass(status=302)
    code = str(request.POST.get("language") or "")
    if code and is_language_code(code):
        try:
            language = get_supported_language_variant(code, languages, strict=True)
        except LookupError:
            language = None
        if language is not None:
            target = translate_url(
                target,
                language,
                languages,
                default=default,
                prefix_default_language=prefix_default_language,
            )
            # Written out: the value is a checked language code, and WebOb's
            # set_cookie(max_age=) still calls the deprecated datetime.utcnow().
            cookie = f"{cookie_name}={language}; Path=/; SameSite=Lax"
            if cookie_age is not None:
                cookie += f"; Max-Age={int(cookie_age)}"
            if cookie_secure:
                cookie += "; Secure"
            response.headers.add("Set-Cookie", cookie)
    response.headers["Location"] = target
    response.headers["Cache-Control"] = "no-store"
    return response
