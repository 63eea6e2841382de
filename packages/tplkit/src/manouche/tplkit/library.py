"""Template libraries: Django's ``templatetags`` modules, for any Jinja2 environment.

A module makes a :class:`Library` and registers filters, tests, globals and
simple tags on it::

    from manouche.tplkit import Library

    register = Library()

    @register.filter
    def shout(value):
        return f"{value}!"

    @register.simple_tag(takes_context=True)
    def greeting(context, name):
        return f"Hello {name}, from {context['site']}"

``register.install(env)`` puts them into an environment (tplkit's or Flask's
``app.jinja_env``); :func:`load_libraries` installs every library that
installed packages announce in the ``manouche.tplkit.libraries`` entry point
group, so a package can ship filters that a site picks up by installing it.

A simple tag is used as ``{% greeting "Ann" %}`` (arguments are expressions,
separated by commas or spaces, ``key=value`` allowed) or
``{% greeting "Ann" as text %}`` to store the result instead of printing it.
Its result is escaped under autoescape unless it is ``Markup``, as Django
escapes a simple tag's result.
"""

from __future__ import annotations

import importlib.metadata
import types
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context

__all__ = ["ENTRY_POINT_GROUP", "Library", "LibraryError", "load_libraries"]

#: The entry point group through which installed packages offer template libraries.
ENTRY_POINT_GROUP = "manouche.tplkit.libraries"

# Jinja2's own statements: the parser handles them before any extension sees them.
_JINJA_STATEMENTS = frozenset(
    "for if block extends print macro include from import set with autoescape filter call".split()
)

F = TypeVar("F", bound=Callable[..., Any])


class LibraryError(Exception):
    """A library could not be registered or loaded (the message says which and why)."""


class _SimpleTags(Extension):
    """The extension that parses the simple tags of every library installed in an env."""

    tags: set[str] = set()  # noqa: RUF012 - replaced per instance

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.tags = set()
        self.registry: dict[str, tuple[Callable[..., Any], bool]] = {}

    def register(self, name: str, func: Callable[..., Any], takes_context: bool) -> None:
        self.tags.add(name)
        self.registry[name] = (func, takes_context)

    def parse(self, parser: Parser) -> nodes.Node:
        token = next(parser.stream)
        name = token.value
        args: list[nodes.Expr] = []
        kwargs: list[nodes.Keyword] = []
        target: nodes.Expr | None = None
        stream = parser.stream
        while stream.current.type != "block_end":
            if args or kwargs:
                stream.skip_if("comma")
            if stream.current.test("name:as") and stream.look().type == "name":
                next(stream)
                target = parser.parse_assign_target(name_only=True)
                if stream.current.type != "block_end":
                    parser.fail(
                        f"'{name}' tag: nothing may follow 'as {getattr(target, 'name', '')}'"
                    )
                break
            if stream.current.type == "name" and stream.look().type == "assign":
                key = next(stream).value
                next(stream)
                kwargs.append(nodes.Keyword(key, parser.parse_expression(), lineno=token.lineno))
            else:
                args.append(parser.parse_expression())
        call = self.call_method(
            "_call",
            [nodes.Const(name), nodes.ContextReference(), nodes.List(args)],
            kwargs,
            lineno=token.lineno,
        )
        if target is not None:
            return nodes.Assign(target, call, lineno=token.lineno)
        return nodes.Output([call], lineno=token.lineno)

    def _call(self, name: str, context: Context, args: list[Any], **kwargs: Any) -> Any:
        func, takes_context = self.registry[name]
        if takes_context:
            return func(context, *args, **kwargs)
        return func(*args, **kwargs)


class Library:
    """Filters, tests, globals and simple tags to install into Jinja2 environments.

    Every registering method works as a decorator, bare or with a name
    (``@lib.filter``, ``@lib.filter("name")``, ``@lib.filter(name="name")``),
    and as a plain call (``lib.filter("name", func)``).
    """

    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self.filters: dict[str, Callable[..., Any]] = {}
        self.tests: dict[str, Callable[..., Any]] = {}
        self.globals: dict[str, Any] = {}
        self.simple_tags: dict[str, tuple[Callable[..., Any], bool]] = {}
        self.extensions: list[type[Extension] | str] = []

    def __repr__(self) -> str:
        return f"<Library {self.name or hex(id(self))}>"

    # -- registering --------------------------------------------------------

    def _register(
        self,
        table: dict[str, Any],
        kind: str,
        name: str | Callable[..., Any] | None,
        func: Callable[..., Any] | None,
    ) -> Any:
        def add(f: F, as_name: str | None = None) -> F:
            if not callable(f):
                raise LibraryError(f"a {kind} must be callable, got {f!r}")
            key = as_name or getattr(f, "__name__", None)
            if not key or not isinstance(key, str):
                raise LibraryError(f"a {kind} needs a name: {f!r} has none")
            table[key] = f
            return f

        if callable(name) and func is None:
            return add(name)
        if name is not None and not isinstance(name, str):
            raise LibraryError(f"a {kind} name must be a string, got {name!r}")
        if func is not None:
            return add(func, name)
        return lambda f: add(f, name)

    @overload
    def filter(self, name: F, func: None = None) -> F: ...
    @overload
    def filter(self, name: str | None = None, func: None = None) -> Callable[[F], F]: ...
    @overload
    def filter(self, name: str, func: F) -> F: ...
    def filter(self, name: Any = None, func: Any = None) -> Any:
        """Register a filter (``{{ value|name(arg) }}``)."""
        return self._register(self.filters, "filter", name, func)

    @overload
    def test(self, name: F, func: None = None) -> F: ...
    @overload
    def test(self, name: str | None = None, func: None = None) -> Callable[[F], F]: ...
    @overload
    def test(self, name: str, func: F) -> F: ...
    def test(self, name: Any = None, func: Any = None) -> Any:
        """Register a test (``{% if value is name %}``)."""
        return self._register(self.tests, "test", name, func)

    @overload
    def function(self, name: F, func: None = None) -> F: ...
    @overload
    def function(self, name: str | None = None, func: None = None) -> Callable[[F], F]: ...
    @overload
    def function(self, name: str, func: F) -> F: ...
    def function(self, name: Any = None, func: Any = None) -> Any:
        """Register a global function (``{{ name(arg) }}``)."""
        return self._register(self.globals, "global function", name, func)

    def add_global(self, name: str, value: Any) -> None:
        """Register a global value of any kind (``{{ name }}``)."""
        if not isinstance(name, str) or not name.isidentifier():
            raise LibraryError(f"a global name must be an identifier, got {name!r}")
        self.globals[name] = value

    @overload
    def simple_tag(self, func: F, *, name: str | None = None, takes_context: bool = False) -> F: ...
    @overload
    def simple_tag(
        self, func: None = None, *, name: str | None = None, takes_context: bool = False
    ) -> Callable[[F], F]: ...
    def simple_tag(
        self, func: Any = None, *, name: str | None = None, takes_context: bool = False
    ) -> Any:
        """Register a simple tag (``{% name arg, key=value %}``, ``{% name arg as var %}``).

        With ``takes_context=True`` the function gets the template context
        (``context["user"]``) as its first argument.
        """

        def add(f: F) -> F:
            if not callable(f):
                raise LibraryError(f"a simple tag must be callable, got {f!r}")
            key = name or f.__name__
            if not key.isidentifier():
                raise LibraryError(f"a tag name must be an identifier, got {key!r}")
            if key in _JINJA_STATEMENTS:
                raise LibraryError(f"{key!r} is a Jinja2 statement; a simple tag cannot take it")
            self.simple_tags[key] = (f, takes_context)
            return f

        if func is not None:
            return add(func)
        return add

    def add_extension(self, extension: type[Extension] | str) -> None:
        """Have :meth:`install` add a Jinja2 extension (a class or its import path)."""
        self.extensions.append(extension)

    # -- installing ---------------------------------------------------------

    def install(self, env: jinja2.Environment) -> jinja2.Environment:
        """Add everything registered here to ``env`` (later installs win on a name clash).

        Works on any ``jinja2.Environment``, Flask's ``app.jinja_env`` included.
        Returns ``env``.
        """
        env.filters.update(self.filters)
        env.tests.update(self.tests)
        env.globals.update(self.globals)
        for extension in self.extensions:
            env.add_extension(extension)
        if self.simple_tags:
            key = f"{_SimpleTags.__module__}.{_SimpleTags.__name__}"
            if key not in env.extensions:
                env.add_extension(_SimpleTags)
            tags = env.extensions[key]
            assert isinstance(tags, _SimpleTags)
            for tag, (func, takes_context) in self.simple_tags.items():
                tags.register(tag, func, takes_context)
        return env


def _as_library(obj: Any, where: str) -> Library:
    if isinstance(obj, Library):
        return obj
    if isinstance(obj, types.ModuleType):
        for attr in ("register", "library"):
            candidate = getattr(obj, attr, None)
            if isinstance(candidate, Library):
                return candidate
        raise LibraryError(f"{where}: module {obj.__name__} has no Library named 'register'")
    raise LibraryError(f"{where}: expected a Library or a module with one, got {obj!r}")


def load_libraries(
    env: jinja2.Environment,
    libraries: Iterable[Library | str] = (),
    *,
    entry_points: bool = False,
    group: str = ENTRY_POINT_GROUP,
) -> list[Library]:
    """Install libraries into ``env``: the given ones, then (optionally) announced ones.

    ``libraries`` holds :class:`Library` objects or import paths
    (``"myapp.templatetags"`` for a module with a ``register`` Library, or
    ``"myapp.templatetags:register"``). With ``entry_points=True``, every entry
    point of ``group`` is loaded too, in name order; an entry point names a
    Library or a module holding one. Returns the libraries installed.
    """
    found: list[Library] = []
    for item in libraries:
        if isinstance(item, str):
            found.append(_as_library(_import(item), f"library {item!r}"))
        else:
            found.append(_as_library(item, f"library {item!r}"))
    if entry_points:
        for ep in sorted(importlib.metadata.entry_points(group=group), key=lambda e: e.name):
            try:
                obj = ep.load()
            except Exception as exc:
                raise LibraryError(
                    f"entry point {ep.name!r} ({ep.value}) of group {group!r} failed to load: {exc}"
                ) from exc
            found.append(_as_library(obj, f"entry point {ep.name!r} ({ep.value})"))
    for library in found:
        library.install(env)
    return found


def _import(path: str) -> Any:
    import importlib

    module_name, _, attr = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LibraryError(f"cannot import library module {module_name!r}: {exc}") from exc
    if not attr:
        return module
    try:
        return getattr(module, attr)
    except AttributeError:
        raise LibraryError(f"module {module_name!r} has no attribute {attr!r}") from None
