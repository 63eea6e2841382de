"""URL patterns: ``path()``, ``re_path()``, ``include()`` and ``mount()``.

``path()`` routes are read by Routes: Django's ``<converter:name>`` parts are
translated into Routes' ``{name}`` with the converter's regex as the Routes
requirement, and Routes' own ``{name}`` / ``{name:regex}`` parts are passed
through, so both syntaxes mix in one route. Routes builds the regular
expression; urlmap adds the converters, the end anchor and Django's matching
rules. ``re_path()`` takes a regular expression as Django's does.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import routes.route

from manouche.urlmap._regexes import combinable, literal_prefix, safe_length
from manouche.urlmap.converters import Converter, ConverterRegistry, default_converters
from manouche.urlmap.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from manouche.urlmap.types import WSGIApp

__all__ = [
    "Mount",
    "RegexPattern",
    "RoutePattern",
    "TranslatedPattern",
    "URLPattern",
    "URLResolver",
    "include",
    "mount",
    "path",
    "re_path",
]

_DJANGO_PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_WHITESPACE = frozenset(string.whitespace)
_ROUTES_SPECIAL = str.maketrans({c: "\\" + c for c in "\\:*{}"})
_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)


class _BasePattern:
    """What the resolver needs from a pattern (route or regex)."""

    regex: re.Pattern[str]
    converters: dict[str, Converter]
    _is_endpoint: bool
    #: the pattern's regex source (with '^'), for reverse templates.
    regex_text: str
    #: True when ``match`` uses fullmatch rather than an anchored search.
    _fullmatch: bool = False
    #: Longer paths are not tried (see ``_regexes.safe_length``); None: no bound.
    _max_length: int | None = None
    #: True for a translated pattern (its text a lazy string): its regex follows
    #: the text of the moment, so it is never indexed or combined.
    translated: bool = False

    def match(self, path: str) -> tuple[str, tuple[str, ...], dict[str, Any]] | None:
        raise NotImplementedError

    # -- what the matching index reads ------------------------------------

    def index_key(self) -> str | None:
        """The first path segment (with its '/') every match starts with.

        For a fully literal endpoint without '/', the whole literal. ``None``
        when the pattern can match paths starting with anything.
        """
        prefix = literal_prefix(self.regex_text)
        if prefix is None:
            return None
        slash = prefix.find("/")
        if slash >= 0:
            return prefix[: slash + 1]
        if self._is_endpoint and self._literal_route() == prefix:
            return prefix
        return None

    def _literal_route(self) -> str | None:
        return None

    def alternative(self) -> str | None:
        """This pattern's regex rewritten for a combined alternation, or None."""
        if self._max_length is not None:
            return None  # tried alone, with its length bound
        body = combinable(self.regex_text)
        if body is None:
            return None
        if self._fullmatch:
            return f"(?:{body})\\Z"
        if body.startswith("^"):
            return body
        # search() semantics: the leftmost match anywhere.
        return f"[\\s\\S]*?(?:{body})"

    def describe(self) -> str:
        return repr(str(self))


def _is_lazy_text(obj: object) -> bool:
    """A lazy string (``gettext_lazy(...)``, ``reverse_lazy(...)``, any such object).

    Not a ``str``, of a class outside the builtins that defines ``__str__``.
    """
    cls = type(obj)
    return (
        not isinstance(obj, str)
        and cls.__module__ != "builtins"
        and any("__str__" in vars(klass) for klass in cls.__mro__[:-1])
    )


class RoutePattern(_BasePattern):
    """A ``path()`` route: literal text, ``<converter:name>`` and ``{name:regex}`` parts.

    The route may be a lazy string (``gettext_lazy("about/")``): see
    :class:`TranslatedPattern`.
    """

    def __new__(cls, route: Any, *args: Any, **kwargs: Any) -> RoutePattern:
        if cls is RoutePattern and _is_lazy_text(route):
            return super().__new__(_TranslatedRoutePattern)
        return super().__new__(cls)

    def __init__(
        self,
        route: str,
        name: str | None = None,
        is_endpoint: bool = False,
        converters: ConverterRegistry | None = None,
    ) -> None:
        if not isinstance(route, str):
            raise TypeError(f"route must be a str, not {type(route).__name__}.")
        self._route = route
        self.name = name
        self._is_endpoint = is_endpoint
        registry = converters if converters is not None else default_converters
        self.converters, routes_path, requirements, self._routes_vars = _translate(route, registry)
        try:
            self._routes_route = routes.route.Route(
                None, routes_path, requirements=requirements, _explicit=True
            )
            body = self._routes_route.buildfullreg([], include_names=True)
        except Exception as exc:  # Routes raises bare errors on bad syntax
            raise ImproperlyConfigured(f"URL route {route!r} is not valid: {exc}") from exc
        body = body.removesuffix("$")
        self.regex_text = "^" + body + ("\\Z" if is_endpoint else "")
        try:
            self.regex = re.compile(self.regex_text)
        except re.error as exc:
            raise ImproperlyConfigured(f"URL route {route!r} is not valid: {exc}") from exc
        self._plain = not self.regex.groups and not self._routes_vars
        self._max_length = None if self._plain else safe_length(self.regex_text)

    def _literal_route(self) -> str | None:
        return self._route if self._plain else None

    def match(self, path: str) -> tuple[str, tuple[str, ...], dict[str, Any]] | None:
        if self._max_length is not None and len(path) > self._max_length:
            return None
        if self._plain:
            # No parameters: a string comparison, as Django does.
            if self._is_endpoint:
                return ("", (), {}) if path == self._route else None
            if path.startswith(self._route):
                return path[len(self._route) :], (), {}
            return None
        m = self.regex.search(path)
        if m is None:
            return None
        kwargs = self.convert(m.groupdict())
        if kwargs is None:
            return None
        return path[m.end() :], (), kwargs

    def convert(self, groups: dict[str, str | None]) -> dict[str, Any] | None:
        """Converted keyword arguments, or None when a converter says no."""
        kwargs: dict[str, Any] = {}
        converters = self.converters
        for key, value in groups.items():
            if value is None:
                continue  # an optional Routes part ({.format}) not given
            converter = converters.get(key)
            if converter is None:
                kwargs[key] = value
                continue
            try:
                kwargs[key] = converter.to_python(value)
            except ValueError:
                return None
        return kwargs

    def __str__(self) -> str:
        return self._route


class RegexPattern(_BasePattern):
    """A ``re_path()`` regular expression, matched as Django matches it.

    The regex may be a lazy string: see :class:`TranslatedPattern`.
    """

    def __new__(cls, regex: Any, *args: Any, **kwargs: Any) -> RegexPattern:
        if cls is RegexPattern and _is_lazy_text(regex):
            return super().__new__(_TranslatedRegexPattern)
        return super().__new__(cls)

    def __init__(self, regex: str, name: str | None = None, is_endpoint: bool = False) -> None:
        if not isinstance(regex, str):
            raise TypeError(f"regex must be a str, not {type(regex).__name__}.")
        self._regex = regex
        self.name = name
        self._is_endpoint = is_endpoint
        self.converters = {}
        self.regex_text = regex
        try:
            self.regex = re.compile(regex)
        except re.error as exc:
            # Raised when the regex is used, as Django does; re_path() checks
            # at once, so a URLconf shows the mistake where it is written.
            self._error = ImproperlyConfigured(
                f'"{regex}" is not a valid regular expression: {exc}'
            )
            self._error.__cause__ = exc
            return
        self._fullmatch = is_endpoint and regex.endswith("$")
        anchored = regex.startswith(("^", "\\A")) or self._fullmatch
        self._max_length = safe_length(regex, searched=not anchored)

    def __getattr__(self, name: str) -> Any:
        # Only reached for 'regex' (and what follows it) of an invalid regex.
        error = vars(self).get("_error")
        if error is not None and name in ("regex", "_fullmatch", "_max_length"):
            raise error
        raise AttributeError(name)

    def match(self, path: str) -> tuple[str, tuple[str, ...], dict[str, Any]] | None:
        if self._max_length is not None and len(path) > self._max_length:
            return None
        m = self.regex.fullmatch(path) if self._fullmatch else self.regex.search(path)
        if m is None:
            return None
        groupdict = m.groupdict()
        args: tuple[str, ...] = () if groupdict else m.groups()
        kwargs = {k: v for k, v in groupdict.items() if v is not None}
        return path[m.end() :], args, kwargs

    def __str__(self) -> str:
        return self._regex


class TranslatedPattern:
    """A pattern whose text is a lazy string, such as ``gettext_lazy("about/")``.

    The text is read (``str()``) each time the pattern is used, and a plain
    pattern is compiled once per distinct text, so a translated route matches
    and reverses in the language active at that moment, as in Django. Any
    lazy string object works (Django's ``gettext_lazy``, urlmap's
    ``reverse_lazy``, your own class with ``__str__``); urlmap imports no
    translation library. Nothing is switched in place: each use reads the
    compiled pattern of its own text, so threads serving different languages
    at once do not disturb each other. Translated patterns are matched on
    their own, outside the combined regexes of the index.

    .. versionadded:: 0.2.0
    """

    translated = True
    _source: Any
    _plain_args: tuple[Any, ...]
    _compiled: dict[str, _BasePattern]

    def _setup(self, source: Any, *args: Any) -> None:
        self._source = source
        self._plain_args = args
        self._compiled = {}
        self.current()  # the text of the moment must at least make a pattern

    def current(self) -> _BasePattern:
        """The plain pattern compiled from the text of the moment."""
        text = str(self._source)
        plain = self._compiled.get(text)
        if plain is None:
            plain = self._plain_class()(text, *self._plain_args)
            if len(self._compiled) >= 64:
                self._compiled = {}
            self._compiled[text] = plain
        return plain

    def _plain_class(self) -> Callable[..., _BasePattern]:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        # regex, regex_text, converters, ...: those of the text of the moment.
        if name.startswith("__") or name in ("_source", "_plain_args", "_compiled"):
            raise AttributeError(name)
        return getattr(self.current(), name)

    def match(self, path: str) -> tuple[str, tuple[str, ...], dict[str, Any]] | None:
        return self.current().match(path)

    def index_key(self) -> str | None:
        return None

    def alternative(self) -> str | None:
        return None

    def __str__(self) -> str:
        return str(self._source)


class _TranslatedRoutePattern(TranslatedPattern, RoutePattern):
    def __init__(
        self,
        route: Any,
        name: str | None = None,
        is_endpoint: bool = False,
        converters: ConverterRegistry | None = None,
    ) -> None:
        self.name = name
        self._setup(route, name, is_endpoint, converters)

    def _plain_class(self) -> Callable[..., _BasePattern]:
        return RoutePattern


class _TranslatedRegexPattern(TranslatedPattern, RegexPattern):
    def __init__(self, regex: Any, name: str | None = None, is_endpoint: bool = False) -> None:
        self.name = name
        self._setup(regex, name, is_endpoint)

    def _plain_class(self) -> Callable[..., _BasePattern]:
        return RegexPattern


def _routes_part_end(route: str, start: int) -> int:
    """The index just past the ``}`` closing the Routes part opened at ``start``.

    Braces nest (``{year:[0-9]{4}}``) and ``\\`` escapes the next character,
    so a requirement regex can use counted repeats, which Routes' own parser
    cuts short at the first ``}``.
    """
    depth = 0
    i = start
    n = len(route)
    while i < n:
        ch = route[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ImproperlyConfigured(f"URL route {route!r} has an unclosed '{{' at position {start}.")


def _check_name(route: str, name: str, names: set[str]) -> None:
    if not name.isidentifier():
        raise ImproperlyConfigured(
            f"URL route {route!r} uses parameter name {name!r} which "
            "isn't a valid Python identifier."
        )
    if name in names:
        raise ImproperlyConfigured(f"URL route {route!r} uses parameter {name!r} twice.")
    names.add(name)


def _translate(
    route: str, registry: ConverterRegistry
) -> tuple[dict[str, Converter], str, dict[str, str], list[str]]:
    """Django and Routes parts to Routes parts.

    Returns ``(converters, routes_path, requirements, routes_names)``: each
    ``<converter:name>`` becomes ``{name}`` with the converter's regex as its
    requirement; each ``{name:regex}`` becomes ``{name}`` with ``regex`` as its
    requirement (so a regex may contain ``:`` and ``{m,n}``); literal text is
    escaped so Routes reads it literally.
    """
    converters: dict[str, Converter] = {}
    requirements: dict[str, str] = {}
    routes_names: list[str] = []
    names: set[str] = set()
    out: list[str] = []
    i = 0
    n = len(route)
    literal_start = 0
    while i < n:
        ch = route[i]
        if ch == "{":
            out.append(route[literal_start:i].translate(_ROUTES_SPECIAL))
            end = _routes_part_end(route, i)
            spec = route[i + 1 : end - 1]
            dot = spec.startswith(".")
            name, colon, regex = spec.removeprefix(".").partition(":")
            _check_name(route, name, names)
            if colon:
                try:
                    re.compile(regex)
                except re.error as exc:
                    raise ImproperlyConfigured(
                        f"URL route {route!r}: the regex {regex!r} of {{{name}}} is not valid: "
                        f"{exc}"
                    ) from exc
                requirements[name] = regex
            routes_names.append(name)
            out.append("{" + ("." if dot else "") + name + "}")
            i = literal_start = end
            continue
        m = _DJANGO_PART.match(route, i) if ch == "<" else None
        if m is None:
            i += 1
            continue
        out.append(route[literal_start:i].translate(_ROUTES_SPECIAL))
        i = literal_start = m.end()
        if not _WHITESPACE.isdisjoint(m[0]):
            raise ImproperlyConfigured(
                f"URL route {route!r} cannot contain whitespace in angle brackets <…>."
            )
        raw_converter = m["converter"] or "str"
        parameter = m["parameter"]
        if not parameter.isidentifier():
            raise ImproperlyConfigured(
                f"URL route {route!r} uses parameter name {parameter!r} which "
                "isn't a valid Python identifier."
            )
        if raw_converter not in registry:
            raise ImproperlyConfigured(
                f"URL route {route!r} uses invalid converter {raw_converter!r}."
            )
        _check_name(route, parameter, names)
        converter = registry.get(raw_converter)
        converters[parameter] = converter
        requirements[parameter] = converter.regex
        out.append("{" + parameter + "}")
    out.append(route[literal_start:].translate(_ROUTES_SPECIAL))
    return converters, "".join(out), requirements, routes_names


def _host_pattern(host: str | None, registry: ConverterRegistry | None) -> RoutePattern | None:
    if host is None:
        return None
    return RoutePattern(host.lower(), is_endpoint=True, converters=registry)


def _methods(methods: Iterable[str] | None) -> frozenset[str] | None:
    if methods is None:
        return None
    if isinstance(methods, str):
        raise TypeError("methods must be a list of method names, not a str.")
    upper = frozenset(m.upper() for m in methods)
    unknown = upper - _METHODS
    if unknown:
        raise ImproperlyConfigured(f"Unknown HTTP method(s): {', '.join(sorted(unknown))}.")
    if "GET" in upper:
        upper |= {"HEAD"}
    return upper


class URLPattern:
    """One route to one view (Django's ``URLPattern``)."""

    def __init__(
        self,
        pattern: _BasePattern,
        callback: Callable[..., Any],
        default_args: dict[str, Any] | None = None,
        name: str | None = None,
        *,
        methods: Iterable[str] | None = None,
        host: RoutePattern | None = None,
    ) -> None:
        self.pattern = pattern
        self.callback = callback
        self.default_args = default_args or {}
        self.name = name
        self.methods = _methods(methods)
        self.host = host

    def lookup_str(self) -> str:
        return _func_path(self.callback)

    def resolve(self, path: str) -> Any:
        """Django's ``URLPattern.resolve``: a ``ResolverMatch`` for ``path``, or ``None``.

        ``path`` is what is left below the including resolvers (no leading
        ``/`` at the root). Host and method restrictions are not applied.

        .. versionadded:: 0.2.0
        """
        from manouche.urlmap.resolvers import ResolverMatch

        matched = self.pattern.match(str(path))
        if matched is None:
            return None
        _rest, args, kwargs = matched
        return ResolverMatch(
            self.callback,
            args,
            {**kwargs, **self.default_args},
            self.name,
            route=str(self.pattern),
            captured_kwargs=kwargs,
            extra_kwargs=self.default_args,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.pattern.describe()}>"


class URLResolver:
    """A prefix and the patterns under it (Django's ``URLResolver``, made by ``include()``)."""

    def __init__(
        self,
        pattern: _BasePattern,
        urlconf_name: Any,
        default_kwargs: dict[str, Any] | None = None,
        app_name: str | None = None,
        namespace: str | None = None,
        *,
        host: RoutePattern | None = None,
    ) -> None:
        self.pattern = pattern
        self.urlconf_name = urlconf_name
        self.default_kwargs = default_kwargs or {}
        self.app_name = app_name
        self.namespace = namespace
        self.host = host
        self.methods: frozenset[str] | None = None
        self._url_patterns: list[URLPattern | URLResolver | Mount] | None = None
        self._engine: Any = None
        if not isinstance(urlconf_name, str) and not (
            isinstance(urlconf_name, ModuleType) and not hasattr(urlconf_name, "urlpatterns")
        ):
            # Patterns at hand are checked now, so mistakes show where they are
            # made; a module still being imported (one that includes itself)
            # and a dotted name are read on first use.
            self._url_patterns = self._read_patterns()

    @property
    def urlconf_module(self) -> Any:
        """The URLconf: the module named by a dotted ``urlconf_name``, imported on first use."""
        if isinstance(self.urlconf_name, str):
            return importlib.import_module(self.urlconf_name)
        return self.urlconf_name

    @property
    def url_patterns(self) -> list[URLPattern | URLResolver | Mount]:
        """The included patterns, read on first use (as Django reads them).

        .. versionchanged:: 0.2.0
           Read on first use rather than when the resolver is made, so a
           URLconf may include itself (or a module that includes it back)
           under a namespace.
        """
        found = self._url_patterns
        if found is None:
            found = self._url_patterns = self._read_patterns()
        return found

    def _read_patterns(self) -> list[URLPattern | URLResolver | Mount]:
        module = self.urlconf_module
        patterns = getattr(module, "urlpatterns", module)
        try:
            found: list[URLPattern | URLResolver | Mount] = list(patterns)
        except TypeError as exc:
            raise ImproperlyConfigured(
                f"The included URLconf '{self.urlconf_name}' does not appear to have "
                "any patterns in it. If you see the 'urlpatterns' variable with valid "
                "patterns in the file then the issue is probably caused by a circular "
                "import."
            ) from exc
        for item in found:
            if not isinstance(item, URLPattern | URLResolver | Mount):
                raise ImproperlyConfigured(
                    f"{item!r} in the URLconf {self.urlconf_name!r} is not a pattern; "
                    "use path(), re_path(), include() or mount()."
                )
        return found

    def resolve(self, path: str) -> Any:
        """Django's ``URLResolver.resolve``: this resolver's prefix, then its patterns.

        Returns a :class:`~manouche.urlmap.ResolverMatch`; raises
        :class:`~manouche.urlmap.Resolver404` when nothing matches.

        .. versionadded:: 0.2.0
        """
        from manouche.urlmap.resolvers import resolve_node

        return resolve_node(self, str(path))

    def reverse(self, lookup_view: Any, *args: Any, **kwargs: Any) -> str:
        """Django's ``URLResolver.reverse``: the URL below this resolver, without a prefix.

        .. versionadded:: 0.2.0
        """
        from manouche.urlmap.base import reverse_in

        return reverse_in(self, lookup_view, args, kwargs, None, None, None, "")

    @property
    def namespace_dict(self) -> dict[str, tuple[str, URLResolver]]:
        """Namespace -> (the regex text before it, its resolver), as Django's.

        .. versionadded:: 0.2.0
        """
        from manouche.urlmap.resolvers import table

        return {ns: (prefix, node) for ns, (prefix, node, _conv) in table(self).namespaces.items()}

    @property
    def app_dict(self) -> dict[str, list[str]]:
        """Application namespace -> its instance namespaces, as Django's.

        .. versionadded:: 0.2.0
        """
        from manouche.urlmap.resolvers import table

        return {app: list(namespaces) for app, namespaces in table(self).apps.items()}

    def resolve_error_handler(self, view_type: int) -> Callable[..., Any] | None:
        """The URLconf's ``handler<view_type>`` (``handler404 = "app.views.not_found"``).

        A dotted path is imported (:func:`~manouche.urlmap.get_callable`);
        ``None`` when the URLconf sets none (the dispatcher's default answers).

        .. versionadded:: 0.2.0
        """
        from manouche.urlmap.base import get_callable

        handler = getattr(self.urlconf_module, f"handler{view_type}", None)
        return None if handler is None else get_callable(handler)

    def __repr__(self) -> str:
        name = self.urlconf_name
        if isinstance(name, list) and name:
            urlconf_repr = f"<{type(name[0]).__name__} list>"
        else:
            urlconf_repr = repr(name)
        return (
            f"<{type(self).__name__} {urlconf_repr} ({self.app_name}:{self.namespace}) "
            f"{self.pattern.describe()}>"
        )


class Mount:
    """A WSGI application under a path prefix; made by ``mount()``."""

    def __init__(
        self,
        pattern: RoutePattern,
        app: WSGIApp,
        name: str | None = None,
        *,
        host: RoutePattern | None = None,
    ) -> None:
        self.pattern = pattern
        self.app = app
        self.name = name
        self.host = host
        self.methods: frozenset[str] | None = None
        self.default_args: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<Mount {self.pattern.describe()} -> {self.app!r}>"


_Include = tuple[Any, str | None, str | None]


def include(arg: Any, namespace: str | None = None) -> _Include:
    """Include a list of patterns, a module with ``urlpatterns``, a dotted module
    name, a ``URLMap`` or a ``(patterns, app_name)`` 2-tuple, as Django's ``include()``."""
    app_name = None
    if isinstance(arg, tuple):
        try:
            urlconf_module, app_name = arg
        except ValueError:
            if namespace:
                raise ImproperlyConfigured(
                    "Cannot override the namespace for a dynamic module that provides a namespace."
                ) from None
            raise ImproperlyConfigured(
                f"Passing a {len(arg)}-tuple to include() is not supported. Pass a "
                "2-tuple containing the list of patterns and app_name, and "
                "provide the namespace argument to include() instead."
            ) from None
    else:
        urlconf_module = arg
    if isinstance(urlconf_module, str):
        urlconf_module = importlib.import_module(urlconf_module)
    app_name = getattr(urlconf_module, "app_name", app_name)
    if namespace and not app_name:
        raise ImproperlyConfigured(
            "Specifying a namespace in include() without providing an app_name "
            "is not supported. Set the app_name attribute in the included "
            "module, or pass a 2-tuple containing the list of patterns and "
            "app_name instead."
        )
    namespace = namespace or app_name
    return (urlconf_module, app_name, namespace)


def _make(
    route: str,
    view: Any,
    kwargs: dict[str, Any] | None,
    name: str | None,
    pattern_factory: Callable[[bool], _BasePattern],
    methods: Iterable[str] | None,
    host: RoutePattern | None,
) -> URLPattern | URLResolver:
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError(f"kwargs argument must be a dict, but got {type(kwargs).__name__}.")
    if isinstance(view, list | ModuleType) or _is_urlmap(view):
        view = include(view)
    if isinstance(view, tuple):
        urlconf_module, app_name, namespace = view
        if methods is not None:
            raise ImproperlyConfigured("methods= applies to a view, not to include().")
        return URLResolver(
            pattern_factory(False), urlconf_module, kwargs, app_name, namespace, host=host
        )
    if callable(view):
        return URLPattern(pattern_factory(True), view, kwargs, name, methods=methods, host=host)
    if hasattr(type(view), "as_view"):  # an instance of a class-based view
        name = type(view).__name__
        raise TypeError(f"view must be a callable, pass {name}.as_view(), not {name}().")
    raise TypeError("view must be a callable or a list/tuple in the case of include().")


def _is_urlmap(obj: Any) -> bool:
    return hasattr(obj, "urlpatterns") and hasattr(obj, "resolve")


def path(
    route: str,
    view: Any,
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
    *,
    methods: Iterable[str] | None = None,
    host: str | None = None,
    converters: ConverterRegistry | None = None,
) -> URLPattern | URLResolver:
    """A route (``"blog/<int:year>/"`` or Routes' ``"blog/{year:\\d+}/"``) to a view or include().

    ``methods`` restricts the view to those HTTP methods (405 otherwise; GET
    implies HEAD). ``host`` restricts it to a host pattern written the same
    way (``"<slug:account>.example.com"``); its parameters join the kwargs.
    """
    return _make(
        route,
        view,
        kwargs,
        name,
        lambda endpoint: RoutePattern(route, name, endpoint, converters),
        methods,
        _host_pattern(host, converters),
    )


def re_path(
    route: str,
    view: Any,
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
    *,
    methods: Iterable[str] | None = None,
    host: str | None = None,
) -> URLPattern | URLResolver:
    """A regular expression route, as Django's ``re_path()``."""
    return _make(
        route,
        view,
        kwargs,
        name,
        lambda endpoint: _checked(RegexPattern(route, name, endpoint)),
        methods,
        _host_pattern(host, None),
    )


def _checked(pattern: RegexPattern) -> RegexPattern:
    plain = pattern.current() if isinstance(pattern, TranslatedPattern) else pattern
    error = vars(plain).get("_error")
    if error is not None:
        raise error
    return pattern


def mount(prefix: str, app: WSGIApp, name: str | None = None, *, host: str | None = None) -> Mount:
    """Mount a WSGI application (Flask, an admin, a file server) under ``prefix``.

    ``prefix`` is a route ending with ``/`` (parameters allowed). The matched
    segments move from ``PATH_INFO`` to ``SCRIPT_NAME``, so the mounted app
    sees itself at its root and generates correct URLs. ``"blog"`` without
    the slash is answered with a redirect to ``"blog/"`` by the URL map.
    """
    if not callable(app):
        raise TypeError("mount() needs a WSGI application (a callable).")
    if prefix and not prefix.endswith("/"):
        raise ImproperlyConfigured(f"mount() prefix {prefix!r} must end with '/'.")
    return Mount(RoutePattern(prefix, name, False), app, name, host=_host_pattern(host, None))


def _func_path(func: Any) -> str:
    if hasattr(func, "view_class"):
        func = func.view_class
    if not hasattr(func, "__name__"):
        return f"{type(func).__module__}.{type(func).__name__}"
    return f"{func.__module__}.{getattr(func, '__qualname__', func.__name__)}"


def flatten_names(patterns: Sequence[Any]) -> list[str]:
    """Every route string in ``patterns``, joined with its prefixes (for debug pages)."""
    out: list[str] = []
    for item in patterns:
        if isinstance(item, URLResolver):
            out += [str(item.pattern) + sub for sub in flatten_names(item.url_patterns)]
        else:
            out.append(str(item.pattern))
    return out
