"""``LocaleMiddleware``: pick each request's language and activate it while the view runs.

A middleware factory in the project's shape, ``mw(get_response) ->
callable(request) -> response``, over WebOb-style requests and responses (it
reads ``path_info``, ``script_name``, ``headers`` and ``cookies``; it never
imports WebOb).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from manouche.i18nkit import translation
from manouche.i18nkit.negotiation import (
    get_language_from_path,
    get_supported_language_variant,
    is_language_code,
    parse_accept_lang_header,
)

__all__ = ["LANGUAGE_COOKIE_NAME", "LocaleMiddleware", "get_language_from_request"]

#: The cookie a language switcher sets (Django's ``"django_language"``).
LANGUAGE_COOKIE_NAME = "django_language"


def get_language_from_request(
    request: Any,
    languages: Sequence[str],
    default: str,
    *,
    cookie_name: str | None = LANGUAGE_COOKIE_NAME,
    check_path: bool = False,
) -> str:
    """The language to serve ``request`` in, chosen as Django's ``get_language_from_request``.

    In order: the URL's first segment (when ``check_path``), the language
    cookie, the ``Accept-Language`` header by descending ``q``, the default.
    Unlike Django, a range with ``q=0`` ("not acceptable", RFC 9110) is never
    chosen.
    """
    if check_path:
        found = get_language_from_path(request.path_info, languages)
        if found is not None:
            return found
    if cookie_name:
        value = request.cookies.get(cookie_name)
        if value:
            try:
                return get_supported_language_variant(value, languages)
            except LookupError:
                pass
    header = request.headers.get("Accept-Language", "")
    for lang, q in parse_accept_lang_header(header):
        if lang == "*":
            break
        if q == 0 or not is_language_code(lang):
            continue
        try:
            return get_supported_language_variant(lang, languages)
        except LookupError:
            continue
    try:
        return get_supported_language_variant(default, languages)
    except LookupError:
        return default


def _add_vary(response: Any, header: str) -> None:
    current = response.headers.get("Vary", "")
    names = [v.strip() for v in current.split(",") if v.strip()]
    if "*" in names or header.lower() in (n.lower() for n in names):
        return
    response.headers["Vary"] = ", ".join([*names, header])


class LocaleMiddleware:
    """Activate the request's language for the view, then label the response with it.

    Parameters:
        get_response: the next handler, ``callable(request) -> response``.
        languages: the language codes the site is served in (Django's
            ``LANGUAGES``), e.g. ``["en", "de", "pt-br"]``.
        default: the language when nothing else decides (Django's
            ``LANGUAGE_CODE``); the first of ``languages`` if not given.
        cookie_name: the cookie a language switcher sets; ``None`` ignores cookies.
        prefix: languages in URLs (Django's ``i18n_patterns``): ``/de/polls/``
            is served in German with ``/de`` moved from ``path_info`` to
            ``script_name``, so the application below sees ``/polls/``.
        prefix_default_language: with ``prefix`` or ``check_path``, whether the
            default language has a prefix too. When it has, an unprefixed URL is
            redirected (302) to the negotiated language's prefix; when not,
            unprefixed URLs are served in the default language.
        check_path: for urlmap's ``i18n_patterns`` (some routes prefixed, some
            not): the URL's first segment, when it is one of ``languages``, is
            the language, and the path is left as it is for the URL map to
            match the prefix. An unprefixed URL is served in the negotiated
            language (the default one with ``prefix_default_language=False``);
            when that gives 404 and ``is_valid_path`` (a callable of the
            prefixed path, such as a resolver check) does not object, the
            response is a redirect to the prefixed URL, as Django's middleware
            does.

    The response gets ``Content-Language`` (unless the view set one) and, when
    the language was negotiated from headers or cookies rather than read from
    the URL, ``Vary: Accept-Language`` so caches keep one copy per language.
    """

    def __init__(
        self,
        get_response: Callable[[Any], Any],
        *,
        languages: Iterable[str],
        default: str | None = None,
        cookie_name: str | None = LANGUAGE_COOKIE_NAME,
        prefix: bool = False,
        prefix_default_language: bool = True,
        check_path: bool = False,
        is_valid_path: Callable[[str], bool] | None = None,
    ) -> None:
        self.get_response = get_response
        self.languages = tuple(languages)
        if not self.languages:
            raise ValueError("LocaleMiddleware needs at least one language")
        for code in self.languages:
            if not is_language_code(code):
                raise ValueError(f"invalid language code in languages: {code!r}")
        self.default = default if default is not None else self.languages[0]
        self.cookie_name = cookie_name
        self.prefix = prefix
        self.prefix_default_language = prefix_default_language
        if prefix and check_path:
            raise ValueError(
                "prefix=True strips the language from the URL, check_path=True leaves it for "
                "i18n_patterns: choose one"
            )
        self.check_path = check_path
        self.is_valid_path = is_valid_path

    def __call__(self, request: Any) -> Any:
        from_path = False
        if self.prefix:
            language = get_language_from_path(request.path_info, self.languages, strict=True)
            if language is not None:
                from_path = True
                segment = request.path_info.lstrip("/").partition("/")[0]
                rest = request.path_info.lstrip("/")[len(segment) :]
                request.script_name = request.script_name + "/" + segment
                request.path_info = rest or "/"
            elif self.prefix_default_language:
                return self._redirect(request, self._negotiate(request))
            else:
                # Unprefixed URLs are the default language's (Django's behaviour).
                language = self.default
        elif self.check_path:
            found = get_language_from_path(request.path_info, self.languages, strict=True)
            from_path = found is not None
            if found is not None:
                language = found
            elif self.prefix_default_language:
                language = self._negotiate(request)
            else:
                language = self.default
        else:
            language = self._negotiate(request)
        request.language_code = language
        with translation.override(language):
            response = self.get_response(request)
        if (
            self.check_path
            and not from_path
            and self.prefix_default_language
            and getattr(response, "status_code", None) == 404
        ):
            prefixed = "/" + language + request.path_info
            if self.is_valid_path is None or self.is_valid_path(prefixed):
                return self._redirect(request, language)
        if not from_path:
            _add_vary(response, "Accept-Language")
        if "Content-Language" not in response.headers:
            response.headers["Content-Language"] = language
        return response

    def _negotiate(self, request: Any) -> str:
        return get_language_from_request(
            request, self.languages, self.default, cookie_name=self.cookie_name
        )

    def _redirect(self, request: Any, language: str) -> Any:
        location = (
            request.script_name + "/" + language + quote(request.path_info, safe="/;:@&=+$,%")
        )
        if request.query_string:
            location += "?" + request.query_string
        response = request.ResponseClass(status=302)
        response.headers["Location"] = location
        _add_vary(response, "Accept-Language")
        if self.cookie_name:
            _add_vary(response, "Cookie")
        return response
