"""i18n_patterns: the active language's prefix, matched and reversed per thread, no i18n import."""

from __future__ import annotations

import contextvars
import threading
from typing import Any

import pytest

from manouche.urlmap import (
    ImproperlyConfigured,
    NoReverseMatch,
    Resolver404,
    i18n_patterns,
    is_language_prefix_patterns_used,
    path,
    resolve,
    reverse,
)

_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("lang", default=None)


def view(request: Any, **kwargs: Any) -> str:
    return "ok"


def _urls(**kwargs: Any) -> list[Any]:
    return [
        path("api/", view, name="api"),
        *i18n_patterns(
            path("polls/<int:pk>/", view, name="detail"),
            path("", view, name="home"),
            get_language=_language.get,
            **kwargs,
        ),
    ]


def test_reverse_and_resolve_in_the_active_language() -> None:
    urls = _urls()
    _language.set("de")
    assert reverse("detail", args=[3], urlconf=urls) == "/de/polls/3/"
    assert reverse("home", urlconf=urls) == "/de/"
    assert reverse("api", urlconf=urls) == "/api/"
    assert resolve("/de/polls/3/", urlconf=urls).kwargs == {"pk": 3}
    with pytest.raises(Resolver404):
        resolve("/fr/polls/3/", urlconf=urls)
    _language.set("pt-br")
    assert reverse("detail", args=[3], urlconf=urls) == "/pt-br/polls/3/"
    assert resolve("/pt-br/polls/3/", urlconf=urls).url_name == "detail"


def test_default_language_without_prefix() -> None:
    urls = _urls(prefix_default_language=False, default_language="en")
    _language.set("en")
    assert reverse("detail", args=[1], urlconf=urls) == "/polls/1/"
    assert resolve("/polls/1/", urlconf=urls).url_name == "detail"
    _language.set(None)  # nothing active: the default language
    assert reverse("home", urlconf=urls) == "/"
    _language.set("ar")
    assert reverse("detail", args=[1], urlconf=urls) == "/ar/polls/1/"


def test_threads_in_different_languages_at_once() -> None:
    urls = _urls()
    barrier = threading.Barrier(4)
    results: dict[str, list[str]] = {}

    def worker(lang: str) -> None:
        _language.set(lang)
        barrier.wait()
        results[lang] = [reverse("detail", args=[i], urlconf=urls) for i in range(200)]

    threads = [threading.Thread(target=worker, args=(lang,)) for lang in ["de", "fr", "ar", "ja"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for lang, urls_seen in results.items():
        assert urls_seen == [f"/{lang}/polls/{i}/" for i in range(200)]


def test_no_language_is_a_clear_error() -> None:
    urls = _urls()
    _language.set(None)
    with pytest.raises(ImproperlyConfigured, match="no active language"):
        reverse("home", urlconf=urls)
    with pytest.raises(ImproperlyConfigured, match="default_language"):
        i18n_patterns(path("", view), prefix_default_language=False)


def test_is_language_prefix_patterns_used() -> None:
    assert is_language_prefix_patterns_used(_urls()) == (True, True)
    assert is_language_prefix_patterns_used(
        _urls(prefix_default_language=False, default_language="en")
    ) == (True, False)
    assert is_language_prefix_patterns_used([path("x/", view)]) == (False, False)


def test_unknown_name_still_raises() -> None:
    _language.set("de")
    with pytest.raises(NoReverseMatch):
        reverse("nope", urlconf=_urls())
