"""The fragment cache tag: ``{% cache 300 "sidebar", user.id %}...{% endcache %}``.

The first expression is the timeout in seconds (cachelib's meaning: ``0``
keeps it until evicted, ``None`` is the cache's default), the second the
fragment's name, the rest the values it varies on. The body is rendered once
per distinct (name, values) and kept in the environment's ``fragment_cache``,
any object with cachelib's ``get(key)``/``set(key, value, timeout)``
(``cachelib.SimpleCache``, ``RedisCache``, ``MemcachedCache``...).

Keys are Django's (:func:`make_template_fragment_key`), so code that clears a
fragment after a change computes the same key Django would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

__all__ = ["FragmentCacheExtension", "make_template_fragment_key"]


def make_template_fragment_key(fragment_name: str, vary_on: Iterable[Any] | None = None) -> str:
    """The cache key of a fragment, the same string as Django's function of this name."""
    hasher = hashlib.md5(usedforsecurity=False)
    for value in vary_on or ():
        hasher.update(str(value).encode())
        hasher.update(b":")
    return f"template.cache.{fragment_name}.{hasher.hexdigest()}"


class FragmentCacheExtension(Extension):
    """Adds the ``cache`` tag; the cache is ``env.fragment_cache`` (set it, or pass
    ``fragment_cache=`` to ``create_environment``)."""

    tags = {"cache"}  # noqa: RUF012 - Jinja2's declared class attribute

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        if not hasattr(environment, "fragment_cache"):
            environment.extend(fragment_cache=None)

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        if parser.stream.current.type == "block_end":
            parser.fail("'cache' tag needs a timeout and a fragment name", lineno)
        timeout = parser.parse_expression()
        parser.stream.skip_if("comma")
        if parser.stream.current.type == "block_end":
            parser.fail("'cache' tag needs a fragment name after the timeout", lineno)
        name = parser.parse_expression()
        vary: list[nodes.Expr] = []
        while parser.stream.current.type != "block_end":
            parser.stream.skip_if("comma")
            vary.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_cached", [timeout, name, nodes.List(vary)], lineno=lineno)
        return nodes.CallBlock(call, [], [], body, lineno=lineno)

    def _cached(
        self, timeout: Any, name: Any, vary: list[Any], caller: Callable[[], str]
    ) -> Markup:
        cache = getattr(self.environment, "fragment_cache", None)
        if cache is None:
            raise jinja2.TemplateRuntimeError(
                "the 'cache' tag needs a fragment cache: create_environment(fragment_cache=...) "
                "or env.fragment_cache = <a cachelib cache>"
            )
        if timeout is not None:
            try:
                timeout = int(timeout)
            except (TypeError, ValueError):
                raise jinja2.TemplateRuntimeError(
                    f"'cache' tag timeout must be a whole number of seconds, got {timeout!r}"
                ) from None
            if timeout < 0:
                raise jinja2.TemplateRuntimeError(
                    f"'cache' tag timeout must not be negative, got {timeout}"
                )
        key = make_template_fragment_key(str(name), vary)
        hit = cache.get(key)
        if hit is not None:
            return Markup(hit)
        value = str(caller())
        cache.set(key, value, timeout=timeout)
        return Markup(value)
