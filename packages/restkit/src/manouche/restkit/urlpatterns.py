"""Format suffixes on URL patterns: ``/books/1.json`` as DRF's ``format_suffix_patterns``.

Each pattern gets a twin that ends in ``.<format>`` (the trailing slash
dropped, as in DRF) and passes ``format`` to the view, which renders with the
renderer of that ``format`` (404 for a format none of its renderers has).
``?format=json`` works without any of this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from manouche.urlmap import ConverterRegistry, URLPattern, URLResolver, path, re_path

__all__ = ["format_suffix_patterns"]


class _FormatConverter:
    """The suffix after the dot: a lowercase word, or one of the allowed formats."""

    def __init__(self, allowed: Iterable[str] | None) -> None:
        self.regex = "|".join(re.escape(f) for f in allowed) if allowed else "[a-z0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: Any) -> str:
        return str(value)


_CONVERTER_IN_ROUTE = re.compile(r"<(?:(?P<type>[^>:]+):)?(?P<name>[^>]+)>")


def _route_twin(
    pattern: URLPattern, suffix_kwarg: str, allowed: Iterable[str] | None
) -> URLPattern | None:
    route = str(pattern.pattern)
    registry = ConverterRegistry()
    known = getattr(pattern.pattern, "converters", {})
    for found in _CONVERTER_IN_ROUTE.finditer(route):
        kind, name = found.group("type"), found.group("name")
        if kind and name in known:
            try:
                registry.register(known[name], kind)
            except Exception:  # a built-in already registered under that name
                pass
    registry.register(_FormatConverter(allowed), "format_suffix")
    twin = route.rstrip("$").rstrip("/") + f".<format_suffix:{suffix_kwarg}>"
    made = path(twin, pattern.callback, pattern.default_args, pattern.name, converters=registry)
    return made if isinstance(made, URLPattern) else None


def _regex_twin(
    pattern: URLPattern, suffix_kwarg: str, allowed: Iterable[str] | None
) -> URLPattern | None:
    regex = str(pattern.pattern).rstrip("$").rstrip("/")
    choices = "|".join(re.escape(f) for f in allowed) if allowed else "[a-z0-9]+"
    made = re_path(
        regex + rf"\.(?P<{suffix_kwarg}>{choices})/?$",
        pattern.callback,
        pattern.default_args,
        pattern.name,
    )
    return made if isinstance(made, URLPattern) else None


def _is_regex(pattern: Any) -> bool:
    return type(pattern.pattern).__name__ == "RegexPattern"


def format_suffix_patterns(
    urlpatterns: Iterable[Any],
    suffix_required: bool = False,
    allowed: Iterable[str] | None = None,
) -> list[Any]:
    """``urlpatterns`` with a ``.<format>`` twin after each view's pattern.

    ``suffix_required=True`` keeps only the twins; ``allowed`` (``["json",
    "html"]``) limits the suffixes matched. Included patterns get twins too.
    A pattern whose route already ends in ``.<format>`` is kept as it is.
    """
    allowed = list(allowed) if allowed is not None else None
    suffix_kwarg = "format"
    result: list[Any] = []
    for pattern in urlpatterns:
        if isinstance(pattern, URLResolver):
            result.append(
                URLResolver(
                    pattern.pattern,
                    format_suffix_patterns(pattern.url_patterns, suffix_required, allowed),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                    host=pattern.host,
                )
            )
            continue
        if not isinstance(pattern, URLPattern) or f"<{suffix_kwarg}>" in str(pattern.pattern):
            result.append(pattern)
            continue
        if str(pattern.pattern).rstrip("$").endswith(f".<format_suffix:{suffix_kwarg}>"):
            result.append(pattern)
            continue
        make = _regex_twin if _is_regex(pattern) else _route_twin
        twin = make(pattern, suffix_kwarg, allowed)
        if not suffix_required or twin is None:
            result.append(pattern)
        if twin is not None:
            if pattern.methods is not None:
                twin.methods = pattern.methods
            twin.host = pattern.host
            result.append(twin)
    return result
