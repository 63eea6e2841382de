"""``reverse()``, ``resolve()`` and the script prefix, as in ``django.urls.base``.

There is no settings module: the functions take the URL map to use as
``urlconf=``, or use the one set for the current context with
``set_urlconf()`` (a ``URLMap`` sets itself while it dispatches a request,
so views and templates can call ``reverse()`` without passing it).
"""

from __future__ import annotations

import contextvars
import importlib
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from manouche.urlmap._lazy import LazyString
from manouche.urlmap.converters import IntConverter, StringConverter, UUIDConverter
from manouche.urlmap.exceptions import ImproperlyConfigured, NoReverseMatch, ViewDoesNotExist
from manouche.urlmap.resolvers import ResolverMatch, _Possibility, table

if TYPE_CHECKING:
    from manouche.urlmap.maps import URLMap
    from manouche.urlmap.patterns import URLResolver

__all__ = [
    "clear_url_caches",
    "escape_leading_slashes",
    "get_callable",
    "get_mod_func",
    "get_resolver",
    "get_root_urlconf",
    "get_script_prefix",
    "get_urlconf",
    "resolve",
    "reverse",
    "reverse_lazy",
    "set_root_urlconf",
    "set_script_prefix",
    "set_urlconf",
]

_script_prefix: contextvars.ContextVar[str] = contextvars.ContextVar(
    "manouche_urlmap_script_prefix", default="/"
)
_urlconf: contextvars.ContextVar[URLMap | None] = contextvars.ContextVar(
    "manouche_urlmap_urlconf", default=None
)

# Characters RFC 3986 allows unescaped in a path segment (pchar), as Django.
_SAFE = "!$&'()*+,;=/~:@"
_NEEDS_QUOTING = re.compile(r"[^A-Za-z0-9_.\-!$&'()*+,;=/~:@]")


def get_script_prefix() -> str:
    """The prefix generated URLs start with: ``SCRIPT_NAME`` plus ``/``, or ``/``."""
    return _script_prefix.get()


def set_script_prefix(prefix: str) -> contextvars.Token[str]:
    """Set the script prefix for this context; returns a token for ``reset``."""
    if not prefix.endswith("/"):
        prefix += "/"
    return _script_prefix.set(prefix)


def set_urlconf(urlconf: Any) -> contextvars.Token[URLMap | None]:
    """Make ``urlconf`` the URL map ``reverse()``/``resolve()`` use in this context.

    ``urlconf`` is a ``URLMap``, a module with ``urlpatterns``, a dotted module
    name, a list of patterns, or ``None`` to forget it.
    """
    return _urlconf.set(None if urlconf is None else _map(urlconf))


def get_urlconf() -> URLMap | None:
    """The URL map set for this context by ``set_urlconf``, or ``None``."""

    return _urlconf.get()


#: The process-wide default URLconf (Django's ROOT_URLCONF), as given.
_root_urlconf: Any = None


def set_root_urlconf(urlconf: Any) -> None:
    """Make ``urlconf`` the default URLconf of the process (Django's ``ROOT_URLCONF``).

    ``reverse()``, ``resolve()``, ``reverse_lazy()`` and ``get_resolver()``
    use it when they get no ``urlconf=`` and no ``set_urlconf()`` is in force.
    A dotted module name is imported on first use, so this may be called
    before the URLconf module can be imported. ``None`` forgets it.

    .. versionadded:: 0.2.0
    """
    global _root_urlconf
    _root_urlconf = urlconf


def get_root_urlconf() -> Any:
    """What :func:`set_root_urlconf` was given, or ``None``.

    .. versionadded:: 0.2.0
    """
    return _root_urlconf


def clear_url_caches() -> None:
    """Forget the URL maps built for modules and dotted names (Django's ``clear_url_caches``).

    .. versionadded:: 0.2.0
    """
    _built.clear()


def get_resolver(urlconf: Any = None) -> URLResolver:
    """The root resolver of ``urlconf`` (default: the root URLconf), cached per URLconf.

    It resolves (``resolver.resolve("/path/")``) and reverses without a
    prefix (``resolver.reverse("name", *args, **kwargs)``), as Django's.

    .. versionadded:: 0.2.0
    """
    if urlconf is None:
        urlconf = _root_urlconf
        if urlconf is None:
            raise ImproperlyConfigured(
                "No root URLconf: pass a URLconf or call set_root_urlconf() first."
            )
    return _map(urlconf)._root


def get_mod_func(callback: str) -> tuple[str, str]:
    """``"a.b.view"`` -> ``("a.b", "view")``; ``("name", "")`` without a dot.

    .. versionadded:: 0.2.0
    """
    dot = callback.rfind(".")
    if dot == -1:
        return callback, ""
    return callback[:dot], callback[dot + 1 :]


def get_callable(lookup_view: Any) -> Callable[..., Any]:
    """``lookup_view`` if it is callable, else the view its dotted path names.

    Raises :class:`ViewDoesNotExist` when the module exists but has no such
    callable, or the path is not a string; ``ImportError`` when the path is
    not dotted or its module fails to import (as Django's).

    .. versionadded:: 0.2.0
    """
    if callable(lookup_view):
        return lookup_view  # type: ignore[no-any-return]
    if not isinstance(lookup_view, str):
        raise ViewDoesNotExist(f"'{lookup_view}' is not a callable or a dot-notation path")
    mod_name, func_name = get_mod_func(lookup_view)
    if not func_name:
        raise ImportError(f"Could not import '{lookup_view}'. The path must be fully qualified.")
    try:
        module = importlib.import_module(mod_name)
    except ImportError:
        parent, sub = get_mod_func(mod_name)
        if sub and not _has_submodule(importlib.import_module(parent), sub):
            raise ViewDoesNotExist(
                f"Could not import '{lookup_view}'. Parent module {mod_name} does not exist."
            ) from None
        raise
    try:
        view = getattr(module, func_name)
    except AttributeError:
        raise ViewDoesNotExist(
            f"Could not import '{lookup_view}'. View does not exist in module {mod_name}."
        ) from None
    if not callable(view):
        raise ViewDoesNotExist(f"Could not import '{mod_name}.{func_name}'. View is not callable.")
    return view  # type: ignore[no-any-return]


def _has_submodule(package: ModuleType, name: str) -> bool:
    import importlib.util

    if not hasattr(package, "__path__"):
        return False
    try:
        return importlib.util.find_spec(f"{package.__name__}.{name}") is not None
    except ModuleNotFoundError:
        return False


#: URL maps built for modules and dotted names, as Django's cached get_resolver().
_built: dict[Any, URLMap] = {}
_MAX_BUILT = 64


def _map(urlconf: Any) -> URLMap:
    from manouche.urlmap.maps import URLMap

    if urlconf is None:
        found = _urlconf.get()
        if found is not None:
            return found
        urlconf = _root_urlconf
        if urlconf is None:
            raise ImproperlyConfigured(
                "No URL map: pass urlconf=<URLMap>, call set_urlconf(urlmap) or "
                "set_root_urlconf(urlconf) first."
            )
    if isinstance(urlconf, URLMap):
        return urlconf
    if not isinstance(urlconf, str | ModuleType):
        return URLMap(urlconf)  # a list: built each time, as it may change
    found = _built.get(urlconf)
    if found is None:
        found = URLMap(urlconf)
        if len(_built) >= _MAX_BUILT:
            _built.clear()
        _built[urlconf] = found
    return found


def escape_leading_slashes(url: str) -> str:
    """``//host`` would be scheme-relative: turn the second slash into ``%2F``."""
    if url.startswith("//"):
        return "/%2F" + url[2:]
    return url


def _quote(url: str) -> str:
    if _NEEDS_QUOTING.search(url) is None:
        return url
    return quote(url, safe=_SAFE)


def reverse(
    viewname: str | Callable[..., Any],
    urlconf: Any = None,
    args: Sequence[Any] | None = None,
    kwargs: Mapping[str, Any] | None = None,
    current_app: str | None = None,
    *,
    query: Any = None,
    fragment: str | None = None,
) -> str:
    """Django's ``reverse()``: the URL of a view name (``"blog:post"``) or a view."""
    return _map(urlconf).reverse(
        viewname, args, kwargs, current_app, query=query, fragment=fragment
    )


def reverse_lazy(
    viewname: str | Callable[..., Any],
    urlconf: Any = None,
    args: Sequence[Any] | None = None,
    kwargs: Mapping[str, Any] | None = None,
    current_app: str | None = None,
    *,
    query: Any = None,
    fragment: str | None = None,
) -> str:
    """:func:`reverse`, computed when the URL is used as text (Django's ``reverse_lazy``).

    For URLs needed at import time (a class attribute, a default argument,
    a URLconf's own views) before the URLconf can be read.

    .. versionadded:: 0.2.0
    """
    return LazyString(  # type: ignore[return-value]
        reverse,
        viewname,
        urlconf,
        args,
        kwargs,
        current_app,
        query=query,
        fragment=fragment,
    )


def resolve(path: str, urlconf: Any = None) -> ResolverMatch:
    """Django's ``resolve()``: the view, arguments and names for ``path``."""
    return _map(urlconf).resolve(path)


def reverse_in(
    root: URLResolver,
    viewname: str | Callable[..., Any],
    args: Sequence[Any] | None,
    kwargs: Mapping[str, Any] | None,
    current_app: str | None,
    query: Any,
    fragment: str | None,
    prefix: str,
) -> str:
    """The body of ``URLMap.reverse`` (Django's ``reverse`` and ``_reverse_with_prefix``)."""
    view, possibilities, _translated = _possibilities(root, viewname, current_app)
    url = _reverse_with_prefix(possibilities, view, prefix, args, kwargs)
    if query is not None:
        query_string = _query_string(query)
        if query_string:
            url += "?" + query_string
    if fragment is not None:
        url += "#" + fragment
    return url


def _query_string(query: Any) -> str:
    """Django's query encoding; every value of a multi-valued mapping is kept.

    A mapping with ``lists()`` (Django's ``QueryDict``, Werkzeug's
    ``MultiDict``) or ``getall()`` (WebOb's ``MultiDict``, whose ``items()``
    repeats keys) gives each of its values, in order.
    """
    lists = getattr(query, "lists", None)
    if callable(lists):
        return urlencode([(key, value) for key, values in lists() for value in values])
    if callable(getattr(query, "getall", None)):
        return urlencode(list(query.items()))
    return urlencode(query, doseq=True)


#: ``to_url`` methods that are exactly ``str(value)``: a plan calls ``str`` directly.
_STR_TO_URL = frozenset({IntConverter.to_url, StringConverter.to_url, UUIDConverter.to_url})

_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")

#: One candidate of a reverse plan: the URL template, the parameters in the
#: order their values come (each with its converter's ``to_url``, or ``str``),
#: the check that the filled template really matches, and, when every value
#: is formatted with ``str()``, a positional template and the getter that
#: takes the keyword values in its order (``None`` otherwise).
_Candidate = tuple[
    str,
    tuple[tuple[str, Callable[[Any], str]], ...],
    Callable[[str], Any],
    str,
    Callable[[Mapping[str, Any]], tuple[Any, ...]] | None,
]


def _positional(template: str, params: tuple[str, ...]) -> str | None:
    """``template`` with ``%(name)s`` made ``%s``, if its placeholders are ``params`` in order."""
    order = [m[1] for m in _PLACEHOLDER.finditer(template) if m[1] is not None]
    if tuple(order) != params:
        return None
    return _PLACEHOLDER.sub(lambda m: "%s" if m[1] is not None else "%%", template)


def _getter(params: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    if len(params) >= 2:
        return operator.itemgetter(*params)
    if params:
        (name,) = params
        return lambda kwargs: (kwargs[name],)
    return lambda kwargs: ()


def reverse_plan(
    root: URLResolver,
    viewname: str | Callable[..., Any],
    current_app: str | None,
    nargs: int,
    keys: tuple[str, ...],
) -> tuple[_Candidate, ...] | None:
    """The candidates ``_reverse_with_prefix`` would try for one call shape.

    A call shape is the name, ``current_app`` and either the number of
    positional arguments or the keyword names. Which templates fit depends
    only on the shape, so the filtering is done once and cached by the URL
    map; only the conversions and the final check run per call. ``None`` when
    a candidate has default kwargs (whether they agree depends on the values):
    such calls take the full algorithm. Raises ``NoReverseMatch`` for an
    unknown namespace.
    """
    _view, possibilities, translated = _possibilities(root, viewname, current_app)
    if translated:
        return None  # the templates follow the language: no cached plan
    key_set = frozenset(keys)
    out: list[_Candidate] = []
    for possibility in possibilities:
        if possibility.defaults:
            return None
        converters = possibility.converters
        for template, params, param_set in possibility.variants:
            if nargs:
                if len(params) != nargs:
                    continue
                names = params
            else:
                if key_set != param_set:
                    continue
                names = keys
            convs: list[tuple[str, Callable[[Any], str]]] = []
            for name in names:
                converter = converters.get(name)
                if converter is None or type(converter).to_url in _STR_TO_URL:
                    convs.append((name, str))  # what Django does: str(value)
                else:
                    convs.append((name, converter.to_url))
            positional = None
            getter = None
            if all(to_url is str for _name, to_url in convs):
                # "%s" formats with str(): no conversion step at all.
                positional = _positional(template, params)
                if positional is not None:
                    getter = _getter(params)
            out.append((template, tuple(convs), possibility.check, positional or "", getter))
    return tuple(out)


def _possibilities(
    root: URLResolver, viewname: str | Callable[..., Any], current_app: str | None
) -> tuple[Any, list[_Possibility], bool]:
    """The view (name or callable), its possibilities, namespaces resolved, and
    whether translated patterns took part (their templates follow the language)."""
    resolver = root
    tbl = table(root)
    translated = bool(tbl.translated)
    if isinstance(viewname, str):
        *ns_path, view = viewname.split(":")
    else:
        ns_path, view = [], viewname  # type: ignore[assignment]
    possibilities: list[_Possibility]
    if ns_path:
        current_path = current_app.split(":")[::-1] if current_app else None
        resolved: list[str] = []
        ns_pattern = ""
        ns_converters: dict[str, Any] = {}
        for ns in ns_path:
            current_ns = current_path.pop() if current_path else None
            app_list = tbl.apps.get(ns)
            if app_list is not None:
                if current_ns and current_ns in app_list:
                    ns = current_ns
                elif ns not in app_list:
                    ns = app_list[0]
            if ns != current_ns:
                current_path = None
            entry = tbl.namespaces.get(ns)
            if entry is None:
                if resolved:
                    raise NoReverseMatch(
                        f"'{ns}' is not a registered namespace inside '{':'.join(resolved)}'"
                    )
                raise NoReverseMatch(f"'{ns}' is not a registered namespace")
            extra, resolver, converters = entry
            resolved.append(ns)
            ns_pattern += extra
            ns_converters.update(converters)
            tbl = table(resolver)
            translated = translated or bool(tbl.translated) or resolver.pattern.translated
        possibilities = tbl.namespaced(ns_pattern, ns_converters, view)
    else:
        try:
            possibilities = tbl.lookups.get(view, [])
        except TypeError:  # an unhashable view object is never a key
            possibilities = []
    return view, possibilities, translated


def _reverse_with_prefix(
    possibilities: list[_Possibility],
    view: Any,
    prefix: str,
    args: Sequence[Any] | None,
    kwargs: Mapping[str, Any] | None,
) -> str:
    if args and kwargs:
        raise ValueError("Don't mix *args and **kwargs in call to reverse()!")
    args = tuple(args) if args else ()
    kwargs = kwargs or {}
    kwarg_keys = frozenset(kwargs)
    for possibility in possibilities:
        converters = possibility.converters
        for template, params, param_set in possibility.variants:
            if args:
                if len(args) != len(params):
                    continue
                candidate_subs: Mapping[str, Any] = dict(zip(params, args, strict=True))
            else:
                if (kwarg_keys ^ param_set) - possibility.default_keys:
                    continue
                if possibility.defaults and not _defaults_agree(possibility, kwargs, param_set):
                    continue
                candidate_subs = kwargs
            text: dict[str, str] = {}
            try:
                for key, value in candidate_subs.items():
                    converter = converters.get(key)
                    text[key] = str(value) if converter is None else converter.to_url(value)
            except ValueError:
                continue
            candidate = template % text
            if possibility.check(candidate):
                return escape_leading_slashes(_quote(prefix + candidate))
    raise NoReverseMatch(_no_reverse_message(possibilities, view, args, kwargs))


def _defaults_agree(possibility: _Possibility, kwargs: Mapping[str, Any], params: Any) -> bool:
    for key, value in possibility.defaults.items():
        if key in params:
            continue
        if kwargs.get(key, value) != value:
            return False
    return True


def _no_reverse_message(
    possibilities: list[_Possibility], view: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> str:
    module = getattr(view, "__module__", None)
    name = getattr(view, "__name__", None)
    view_s = f"{module}.{name}" if module is not None and name is not None else view
    patterns = [p.pattern for p in possibilities]
    if not patterns:
        return (
            f"Reverse for '{view_s}' not found. '{view_s}' is not a valid view "
            "function or pattern name."
        )
    if args:
        arg_msg = f"arguments '{args}'"
    elif kwargs:
        arg_msg = f"keyword arguments '{dict(kwargs)}'"
    else:
        arg_msg = "no arguments"
    return (
        f"Reverse for '{view_s}' with {arg_msg} not found. "
        f"{len(patterns)} pattern(s) tried: {patterns}"
    )
